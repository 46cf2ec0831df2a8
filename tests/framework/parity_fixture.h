// Reads the PyTorch parity fixture written by tests/fixtures/make_parity_fixture.py (its docstring
// documents the format: magic "MGPARITY", version, then named float32 tensors) and rebuilds the weights it
// describes, so the C++ tests never need Python.
#pragma once
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "framework/module.h"
#include "framework/rng.h"
#include "framework/tensor.h"

namespace melgrad::testing {

class ParityFixture {
public:
    explicit ParityFixture(const std::string& path) {
        std::ifstream f(path, std::ios::binary);
        if (!f) throw std::runtime_error(path + ": cannot open (run /usr/bin/python3 tests/fixtures/make_parity_fixture.py)");
        char magic[8];
        uint32_t version = 0, count = 0;
        f.read(magic, 8);
        if (!f || std::string(magic, 8) != "MGPARITY") throw std::runtime_error(path + ": not a parity fixture (magic)");
        read(f, version, path);
        read(f, count, path);
        if (version != 1) throw std::runtime_error(path + ": version " + std::to_string(version) + ", expected 1");
        for (uint32_t e = 0; e < count; e++) {
            uint32_t name_len = 0, ndim = 0;
            read(f, name_len, path);
            if (name_len > 1000) throw std::runtime_error(path + ": corrupt entry name length");
            std::string name(name_len, '\0');
            f.read(&name[0], name_len);
            read(f, ndim, path);
            if (ndim > 8) throw std::runtime_error(path + ": corrupt entry '" + name + "'");
            Shape shape(ndim);
            for (auto& d : shape) {
                int32_t v = 0;
                read(f, v, path);
                d = v;
            }
            Tensor t(shape);
            f.read(reinterpret_cast<char*>(t.data()), (std::streamsize)(t.numel() * sizeof(float)));
            if (!f) throw std::runtime_error(path + ": truncated in entry '" + name + "'");
            entries_[name] = t;
            order_.push_back(name);
        }
    }
    bool has(const std::string& name) const { return entries_.count(name) != 0; }
    const Tensor& operator[](const std::string& name) const {
        auto it = entries_.find(name);
        if (it == entries_.end()) throw std::runtime_error("parity fixture has no entry '" + name + "'");
        return it->second;
    }

    // Sets every parameter of `model` as the script did: parameter number p, element i,
    // w = offset + scale * (2 * counter_uniform(1000 + p, i) - 1), with (offset, scale) = "init/<name>".
    void set_weights(Module& model) const {
        auto params = model.parameters();
        for (size_t p = 0; p < params.size(); p++) {
            const Tensor& init = (*this)["init/" + params[p].name];
            const float offset = init.at(0), scale = init.at(1);
            Tensor& w = *params[p].tensor;
            for (size_t i = 0; i < w.numel(); i++)
                w.at(i) = offset + scale * (2.0f * counter_uniform(1000 + p, i) - 1.0f);
        }
    }

private:
    template <class T> static void read(std::ifstream& f, T& v, const std::string& path) {
        f.read(reinterpret_cast<char*>(&v), sizeof v);
        if (!f) throw std::runtime_error(path + ": truncated header");
    }
    std::map<std::string, Tensor> entries_;
    std::vector<std::string> order_;
};

}  // namespace melgrad::testing
