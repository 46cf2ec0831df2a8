// Checkpoints: round trip, atomic write, and every way a file can be wrong (missing, not ours, wrong version,
// truncated anywhere, any byte flipped, lying lengths under a valid checksum, wrong shapes or names) gives a
// clear std::runtime_error and never a crash.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "framework/checkpoint.h"

using namespace melgrad;

namespace {

std::string temp_path(const std::string& tag) {
    return "/tmp/melgrad_test_ckpt_" + tag + "_" + std::to_string(::getpid()) + ".ckpt";
}

bool file_exists(const std::string& path) { return std::ifstream(path).good(); }

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), (std::streamsize)bytes.size());
}

// The message of the error load_checkpoint throws ("" when it does not throw, which the tests treat as a failure).
std::string load_error(const std::string& path) {
    try {
        load_checkpoint(path);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

struct Model {
    Tensor weight = Tensor::from_vector({2, 3}, {1.5f, -2.f, 3.25f, 0.f, -0.f, 1e-30f});
    Tensor bias = Tensor::from_vector({2}, {7.f, -8.f});
    Tensor scalar = Tensor::from_vector({}, {42.f});
    std::vector<NamedTensor> state() { return {{"fc.weight", &weight}, {"fc.bias", &bias}, {"step_scale", &scalar}}; }
};

std::string save_small(const std::string& tag) {
    Model m;
    std::string path = temp_path(tag);
    save_checkpoint(path, {{"model", "paper-cnn"}, {"epoch", "3"}, {"text", "line 1\nline 2 = x"}},
                    with_section("model", m.state()));
    return path;
}

// Little-endian helpers to build hand-made (hostile) files.
void put_u32(std::string& s, uint32_t v) { for (int i = 0; i < 4; ++i) s.push_back((char)(v >> (8 * i))); }
void put_u64(std::string& s, uint64_t v) { for (int i = 0; i < 8; ++i) s.push_back((char)(v >> (8 * i))); }
// Header + body + the right size field and checksum, so only the body's lies can be caught.
std::string sealed_file(const std::string& body) {
    std::string s = "MELGRADC";
    put_u32(s, 1);
    put_u64(s, 20 + body.size() + 8);
    s += body;
    put_u64(s, fnv1a64(s.data(), s.size()));
    return s;
}

}  // namespace

TEST_CASE("checkpoint: round trip keeps metadata, names, shapes and every bit of the values") {
    const std::string path = save_small("roundtrip");
    CHECK_FALSE(file_exists(path + ".tmp"));   // atomic write: the temporary file was renamed away
    Checkpoint ck = load_checkpoint(path);
    CHECK(ck.version == kCheckpointVersion);
    CHECK(ck.meta("model") == "paper-cnn");
    CHECK(ck.meta("text") == "line 1\nline 2 = x");
    CHECK(ck.names == std::vector<std::string>{"model.fc.weight", "model.fc.bias", "model.step_scale"});
    Model fresh;
    fresh.weight.fill(0);
    fresh.bias.fill(0);
    fresh.scalar.fill(0);
    std::vector<NamedTensor> targets = fresh.state();
    restore_into(ck, targets, "model");
    Model original;
    const std::vector<float> w = fresh.weight.to_vector(), w0 = original.weight.to_vector();
    CHECK(std::memcmp(w.data(), w0.data(), w.size() * 4) == 0);   // bitwise, -0 and denormal-range included
    CHECK(fresh.bias.to_vector() == original.bias.to_vector());
    CHECK(fresh.scalar.item() == 42.f);
    CHECK_THROWS_WITH_AS(ck.meta("seed"), doctest::Contains("no metadata entry 'seed'"), std::runtime_error);
    CHECK_THROWS_WITH_AS(ck.tensor("model.nope"), doctest::Contains("no tensor named"), std::runtime_error);

    // The format is the documented one: magic, version 1, the file size, FNV-1a 64 at the end.
    const std::string bytes = read_bytes(path);
    CHECK(bytes.compare(0, 8, "MELGRADC") == 0);
    CHECK((unsigned char)bytes[8] == 1);
    uint64_t size = 0, sum = 0;
    for (int i = 0; i < 8; ++i) size |= (uint64_t)(unsigned char)bytes[12 + i] << (8 * i);
    for (int i = 0; i < 8; ++i) sum |= (uint64_t)(unsigned char)bytes[bytes.size() - 8 + i] << (8 * i);
    CHECK(size == bytes.size());
    CHECK(sum == fnv1a64(bytes.data(), bytes.size() - 8));

    // Overwriting an existing checkpoint works and leaves no temporary either.
    save_checkpoint(path, {{"epoch", "4"}}, {});
    CHECK(load_checkpoint(path).meta("epoch") == "4");
    CHECK_FALSE(file_exists(path + ".tmp"));
    std::remove(path.c_str());
}

TEST_CASE("checkpoint: FNV-1a 64 matches the published test vectors") {
    CHECK(fnv1a64("", 0) == 0xcbf29ce484222325ULL);
    CHECK(fnv1a64("a", 1) == 0xaf63dc4c8601ec8cULL);
    CHECK(fnv1a64("foobar", 6) == 0x85944171f73967e8ULL);
}

TEST_CASE("checkpoint: save errors name the file; duplicate names are refused") {
    Model m;
    CHECK_THROWS_WITH_AS(save_checkpoint("/nonexistent_dir_melgrad/x.ckpt", {}, m.state()),
                         doctest::Contains("/nonexistent_dir_melgrad/x.ckpt.tmp"), std::runtime_error);
    std::vector<NamedTensor> twice = {{"a", &m.bias}, {"a", &m.weight}};
    const std::string path = temp_path("dup");
    CHECK_THROWS_WITH_AS(save_checkpoint(path, {}, twice), doctest::Contains("appears twice"), std::runtime_error);
    CHECK_FALSE(file_exists(path));
    CHECK_FALSE(file_exists(path + ".tmp"));
}

TEST_CASE("checkpoint: missing file, not a checkpoint, wrong version") {
    CHECK(load_error("/tmp/melgrad_no_such_checkpoint.ckpt").find("cannot open") != std::string::npos);
    const std::string path = save_small("kinds");
    const std::string good = read_bytes(path);

    write_bytes(path, "hello, I am a text file and not a checkpoint at all\n");
    CHECK(load_error(path).find("not a melgrad checkpoint") != std::string::npos);
    write_bytes(path, "");
    CHECK(load_error(path).find("empty") != std::string::npos);

    std::string bad = good;
    bad[8] = 2;   // version 2: from a newer melgrad
    write_bytes(path, bad);
    CHECK(load_error(path).find("unsupported checkpoint format version 2") != std::string::npos);

    bad = good + "x";   // trailing garbage
    write_bytes(path, bad);
    CHECK(load_error(path).find("corrupted") != std::string::npos);
    std::remove(path.c_str());
}

TEST_CASE("checkpoint: truncated at every offset is reported as truncated") {
    const std::string path = save_small("trunc");
    const std::string good = read_bytes(path);
    int reported = 0;
    for (size_t cut = 0; cut < good.size(); ++cut) {
        write_bytes(path, good.substr(0, cut));
        const std::string err = load_error(path);
        CAPTURE(cut);
        CAPTURE(err);
        if (cut == 0) CHECK(err.find("empty") != std::string::npos);
        else CHECK(err.find("truncated") != std::string::npos);
        reported += err.find(path) != std::string::npos;   // the message names the file
    }
    CHECK(reported == (int)good.size());
    std::remove(path.c_str());
}

TEST_CASE("checkpoint: any flipped byte is an error; past the header it is a checksum mismatch") {
    const std::string path = save_small("flip");
    const std::string good = read_bytes(path);
    for (size_t at = 0; at < good.size(); ++at) {
        std::string bad = good;
        bad[at] = (char)(bad[at] ^ 0x10);
        write_bytes(path, bad);
        const std::string err = load_error(path);
        CAPTURE(at);
        CAPTURE(err);
        REQUIRE(!err.empty());
        if (at < 8) CHECK(err.find("not a melgrad checkpoint") != std::string::npos);
        else if (at < 12) CHECK(err.find("version") != std::string::npos);
        else if (at < 20) CHECK((err.find("truncated") != std::string::npos || err.find("corrupted") != std::string::npos));
        else CHECK(err.find("checksum mismatch") != std::string::npos);
    }
    std::remove(path.c_str());
}

TEST_CASE("checkpoint: lying lengths under a valid checksum are caught before any allocation") {
    const std::string path = temp_path("lies");
    std::string body;
    // 1. Four billion metadata entries in a 40-byte file.
    put_u32(body, 0xffffffffu);
    write_bytes(path, sealed_file(body));
    CHECK(load_error(path).find("malformed") != std::string::npos);
    // 2. A metadata key "4 GB long".
    body.clear();
    put_u32(body, 1);
    put_u32(body, 0xfffffff0u);
    write_bytes(path, sealed_file(body));
    CHECK(load_error(path).find("malformed") != std::string::npos);
    // 3. A tensor of shape (2^31-1, 2^31-1, 2^31-1, 2^31-1): 2^124 floats (overflows 64 bits).
    body.clear();
    put_u32(body, 0);
    put_u32(body, 1);
    put_u32(body, 1);
    body += "w";
    put_u32(body, 4);
    for (int i = 0; i < 4; ++i) put_u32(body, 0x7fffffffu);
    write_bytes(path, sealed_file(body));
    std::string err = load_error(path);
    CHECK(err.find("needs more bytes than the file holds") != std::string::npos);
    // 4. 200 dimensions; 5. a negative (>= 2^31) dimension; 6. two tensors with one name.
    body.clear();
    put_u32(body, 0);
    put_u32(body, 1);
    put_u32(body, 1);
    body += "w";
    put_u32(body, 200);
    write_bytes(path, sealed_file(body));
    CHECK(load_error(path).find("dimensions") != std::string::npos);
    body.clear();
    put_u32(body, 0);
    put_u32(body, 1);
    put_u32(body, 1);
    body += "w";
    put_u32(body, 1);
    put_u32(body, 0x80000001u);
    write_bytes(path, sealed_file(body));
    CHECK(load_error(path).find("absurd dimension") != std::string::npos);
    body.clear();
    put_u32(body, 0);
    put_u32(body, 2);
    for (int k = 0; k < 2; ++k) {
        put_u32(body, 1);
        body += "w";
        put_u32(body, 1);
        put_u32(body, 1);
        body += std::string(4, '\0');
    }
    write_bytes(path, sealed_file(body));
    CHECK(load_error(path).find("appears twice") != std::string::npos);
    // 7. A header whose size field is smaller than any real file.
    std::string tiny = "MELGRADC";
    put_u32(tiny, 1);
    put_u64(tiny, 20);
    write_bytes(path, tiny);
    CHECK(load_error(path).find("corrupted") != std::string::npos);
    std::remove(path.c_str());
}

TEST_CASE("checkpoint: restore_into refuses missing, extra and misshapen tensors, and changes nothing then") {
    const std::string path = save_small("restore");
    Checkpoint ck = load_checkpoint(path);

    // Shape mismatch: the message names the file, the tensor and both shapes.
    Tensor weight = Tensor::full({3, 2}, 5.f), bias = Tensor::full({2}, 5.f), scalar = Tensor::full({}, 5.f);
    std::vector<NamedTensor> targets = {{"fc.bias", &bias}, {"fc.weight", &weight}, {"step_scale", &scalar}};
    try {
        restore_into(ck, targets, "model");
        FAIL("no error for a shape mismatch");
    } catch (const std::runtime_error& e) {
        const std::string msg = e.what();
        CHECK(msg.find(path) != std::string::npos);
        CHECK(msg.find("'fc.weight'") != std::string::npos);
        CHECK(msg.find("(2, 3)") != std::string::npos);
        CHECK(msg.find("(3, 2)") != std::string::npos);
    }
    CHECK(bias.at(0) == 5.f);   // checked before copying: nothing was half-restored

    // Missing: the model wants a tensor the file does not have.
    Tensor w = Tensor::zeros({2, 3}), b = Tensor::zeros({2}), s = Tensor::zeros({}), extra = Tensor::zeros({4});
    std::vector<NamedTensor> more = {{"fc.weight", &w}, {"fc.bias", &b}, {"step_scale", &s}, {"fc2.weight", &extra}};
    CHECK_THROWS_WITH_AS(restore_into(ck, more, "model"), doctest::Contains("has no model tensor 'fc2.weight'"),
                         std::runtime_error);
    // Extra: the file has a tensor the model does not want.
    std::vector<NamedTensor> fewer = {{"fc.weight", &w}, {"step_scale", &s}};
    CHECK_THROWS_WITH_AS(restore_into(ck, fewer, "model"), doctest::Contains("'fc.bias' that nothing here expects"),
                         std::runtime_error);
    // A section that is not in the file at all.
    std::vector<NamedTensor> opt = {{"exp_avg.fc.weight", &w}};
    CHECK_THROWS_WITH_AS(restore_into(ck, opt, "optimizer"), doctest::Contains("has no optimizer tensor"),
                         std::runtime_error);
    // The right targets restore fine; an empty section name means "the whole file, names as they are".
    std::vector<NamedTensor> right = {{"fc.weight", &w}, {"fc.bias", &b}, {"step_scale", &s}};
    restore_into(ck, right, "model");
    CHECK(b.to_vector() == std::vector<float>{7.f, -8.f});
    std::vector<NamedTensor> whole = with_section("model", right);
    restore_into(ck, whole, "");
    std::remove(path.c_str());
}
