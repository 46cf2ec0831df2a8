#include "framework/backend.h"

#include <cblas.h>
#include <omp.h>

#include <atomic>
#include <stdexcept>
#include <string>

#include "framework/tensor.h"

namespace melgrad {

namespace {
std::atomic<CpuPath> g_cpu_path{CpuPath::Fast};
std::atomic<int> g_threads{0};
}  // namespace

void set_cpu_path(CpuPath p) { g_cpu_path = p; }
CpuPath cpu_path() { return g_cpu_path; }
const char* cpu_path_name(CpuPath p) { return p == CpuPath::Reference ? "reference" : "fast"; }

void cuda_not_implemented(const char* op) {
    throw std::runtime_error(std::string(op) + " has no CUDA implementation yet: run this model with --device cpu");
}

Engine engine_for(const Tensor& t) {
    if (t.device() == Device::CUDA) return Engine::Cuda;
    return cpu_path() == CpuPath::Fast ? Engine::CpuFast : Engine::CpuReference;
}

void set_num_threads(int n) {
    int all = omp_get_num_procs();
    int use = (n <= 0 || n > all) ? all : n;
    g_threads = use;
    omp_set_num_threads(use);
    openblas_set_num_threads(use);
}

int num_threads() {
    int n = g_threads;
    return n > 0 ? n : omp_get_num_procs();
}

}  // namespace melgrad
