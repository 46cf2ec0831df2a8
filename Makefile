# melgrad — one Makefile for the whole project.
#
#   make            build build/melgrad (CPU; plus the CUDA backend when nvcc and cuDNN are found)
#   make test       docs-check, then every doctest test; ends with "tests: N passed, N failed"
#   make help       every target
#
# Sources are found by globbing, so adding a file under framework/, audio/, experiments/ or tests/
# needs no edit here.

# make test SANITIZE=address,undefined: the whole suite under ASan + UBSan, CPU only, in its own folder
# (build-sanitize) so the normal build is untouched. tests/cli/hostile_inputs.sh runs there too.
SANITIZE   ?=
BUILD      ?= $(if $(SANITIZE),build-sanitize,$(if $(FUZZ),build-fuzz,build))
MAKEFLAGS  += -j$(shell nproc 2>/dev/null || echo 2)
CXX        ?= g++
PKGS       := sndfile soxr
# OpenBLAS, OpenMP build: it shares OpenMP's thread pool with our loops, and a GEMM called from inside an
# OpenMP parallel region runs single-threaded instead of oversubscribing the cores.
BLAS_DIR   ?= $(firstword $(wildcard /usr/lib/x86_64-linux-gnu/openblas-openmp /usr/lib/aarch64-linux-gnu/openblas-openmp))
BLAS_INC   ?= $(subst /lib/,/include/,$(BLAS_DIR))
# -ffp-contract=off: no silent a*b+c -> fma fusion, so results do not depend on the CPU's instruction set
# (synthetic data is byte-identical across machines, CPU losses are reproducible).
ARCH_FLAGS ?= -march=native
CXXFLAGS   ?= -O2 -g1
CXXFLAGS   += -std=c++17 $(ARCH_FLAGS) -ffp-contract=off -fopenmp -Wall -Wextra -Wno-unused-parameter \
              -I. -I$(BLAS_INC) $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -MMD -MP
LDLIBS     += -L$(BLAS_DIR) -Wl,-rpath,$(BLAS_DIR) -lopenblas \
              $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsndfile -lsoxr) -fopenmp -lpthread

comma := ,

# ---- CUDA detection: probe, don't guess (CUDA_HOME / CUDNN_HOME may be overridden) -------------------
CUDA_HOME  ?= $(firstword $(wildcard /usr/local/cuda) $(patsubst %/bin/nvcc,%,$(shell command -v nvcc 2>/dev/null)))
NVCC       := $(firstword $(wildcard $(CUDA_HOME)/bin/nvcc))
# cuDNN: the folder holding cudnn.h and the folder holding libcudnn.so*, probed separately (Debian puts them in
# /usr/include/<arch> and /usr/lib/<arch>; the CUDA tree in include/ and lib64/; a Python environment's
# nvidia/cudnn package in include/ and lib/). CUDNN_HOME=DIR looks in DIR only; CUDNN_INC / CUDNN_LIB_DIR set
# either folder outright.
MULTIARCH  := $(shell uname -m)-linux-gnu
ifdef CUDNN_HOME
  CUDNN_INC_CANDIDATES := $(CUDNN_HOME)/include
  CUDNN_LIB_CANDIDATES := $(CUDNN_HOME)/lib64 $(CUDNN_HOME)/lib
else
  CUDNN_PY := $(shell python3 -c 'import nvidia.cudnn as m;print(list(m.__path__)[0])' 2>/dev/null)
  CUDNN_INC_CANDIDATES := $(CUDA_HOME)/include /usr/local/include /usr/include /usr/include/$(MULTIARCH) \
                          $(if $(CUDNN_PY),$(CUDNN_PY)/include)
  CUDNN_LIB_CANDIDATES := $(CUDA_HOME)/lib64 /usr/local/lib /usr/lib/$(MULTIARCH) /usr/lib64 /usr/lib \
                          $(if $(CUDNN_PY),$(CUDNN_PY)/lib)
endif
CUDNN_INC     ?= $(patsubst %/cudnn.h,%,$(firstword $(wildcard $(addsuffix /cudnn.h,$(CUDNN_INC_CANDIDATES)))))
CUDNN_LIB_DIR ?= $(patsubst %/,%,$(dir $(firstword $(wildcard $(addsuffix /libcudnn.so*,$(CUDNN_LIB_CANDIDATES))))))
# the library file: libcudnn.so, else a versioned one (the pip package ships only libcudnn.so.9)
CUDNN_LIB  := $(if $(CUDNN_LIB_DIR),$(firstword $(wildcard $(CUDNN_LIB_DIR)/libcudnn.so $(CUDNN_LIB_DIR)/libcudnn.so.*)))
HAVE_CUDA  := $(if $(NVCC),1,)
HAVE_CUDNN := $(if $(and $(CUDNN_INC),$(CUDNN_LIB)),1,)
ifneq ($(SANITIZE),)
  # float-cast-overflow is not in -fsanitize=undefined; -fno-sanitize-recover makes every report fatal.
  SAN_FLAGS  := -fsanitize=$(SANITIZE)$(if $(findstring undefined,$(SANITIZE)),$(comma)float-cast-overflow) \
                -fno-sanitize-recover=all -fno-omit-frame-pointer
  CXXFLAGS   += $(SAN_FLAGS)
  LDLIBS     += $(SAN_FLAGS)
  HAVE_CUDA  :=
endif
# make fuzz: the library again with clang 14, instrumented for libFuzzer, ASan and UBSan (build-fuzz/).
ifeq ($(FUZZ),1)
  CXX        := clang++-14
  FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
  CXXFLAGS   += -fsanitize=fuzzer-no-link $(FUZZ_SAN) -DMELGRAD_LIBFUZZER
  HAVE_CUDA  :=
endif
CUDA_ARCHS ?= -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90

ifeq ($(HAVE_CUDA)$(HAVE_CUDNN),11)
  CUDA_SRCS := $(shell find framework -name '*.cu' 2>/dev/null)
  CXXFLAGS  += -DMELGRAD_CUDA=1 -I$(CUDA_HOME)/include -I$(CUDNN_INC)
  # --fmad=false: the GPU twin of -ffp-contract=off. nvcc would fuse a*b + c into one FMA (one rounding
  # instead of two); without it our kernels do the CPU layers' float operations in the CPU's order.
  NVCCFLAGS ?= -O2 -std=c++17 --fmad=false $(CUDA_ARCHS) -I. -I$(CUDNN_INC) -MMD -MP -Xcompiler -fopenmp
  # Only a versioned file (no libcudnn.so symlink): link that file by name.
  CUDNN_LINK := $(if $(findstring .so.,$(notdir $(CUDNN_LIB))),-l:$(notdir $(CUDNN_LIB)),-lcudnn)
  LDLIBS    += -L$(CUDA_HOME)/lib64 -L$(CUDNN_LIB_DIR) -Wl,-rpath,$(CUDA_HOME)/lib64 -Wl,-rpath,$(CUDNN_LIB_DIR) \
               $(CUDNN_LINK) -lcublas -lcudart
  BACKENDS  := cpu+cuda
else
  CUDA_SRCS :=
  BACKENDS  := cpu
endif

# ---- MPI (data-parallel training, framework/distributed/): probe mpicxx, else pkg-config ompi ----------------
# One block so the flags are easy to find: MPI_CFLAGS go to every C++ compile, MPI_LIBS to every link. Without
# MPI, framework/distributed/ builds its single-process half and `mpirun -np N` is refused with a clear error.
# make MPI= builds without MPI even where it is installed.
MPI_CFLAGS ?= $(or $(shell mpicxx --showme:compile 2>/dev/null),$(shell pkg-config --cflags ompi 2>/dev/null))
# (-lmpi_cxx dropped: melgrad uses MPI's C API only)
MPI_LIBS   ?= $(filter-out -lmpi_cxx,$(or $(shell mpicxx --showme:link 2>/dev/null),$(shell pkg-config --libs ompi 2>/dev/null)))
MPI        ?= $(if $(MPI_LIBS),1,)
ifneq ($(SANITIZE)$(FUZZ),)
  MPI :=
endif
ifeq ($(MPI),1)
  CXXFLAGS += -DMELGRAD_MPI=1 $(MPI_CFLAGS)
  LDLIBS   += $(MPI_LIBS)
endif
# NCCL (GPU-to-GPU all-reduce, framework/distributed/nccl_all_reduce.cpp): with the CUDA backend and MPI, when
# nccl.h is found (the CUDA toolkit here ships it with libnccl.so in lib64).
NCCL_INC := $(patsubst %/nccl.h,%,$(firstword $(wildcard $(CUDA_HOME)/include/nccl.h /usr/include/nccl.h)))
HAVE_NCCL := $(if $(and $(MPI),$(filter cpu+cuda,$(BACKENDS)),$(NCCL_INC)),1,)
ifeq ($(HAVE_NCCL),1)
  CXXFLAGS += -DMELGRAD_NCCL=1 -I$(NCCL_INC)
  LDLIBS   += -lnccl
endif
# ---- end of MPI -------------------------------------------------------------------------------------------

LIB_SRCS  := $(shell find framework audio experiments -name '*.cpp' ! -path experiments/cli/main.cpp | sort)
TEST_SRCS := $(shell find tests -name '*.cpp' ! -path 'tests/isa/*' | sort)
LIB_OBJS  := $(LIB_SRCS:%.cpp=$(BUILD)/obj/%.o) $(CUDA_SRCS:%.cu=$(BUILD)/obj/%.cu.o)
TEST_OBJS := $(TEST_SRCS:%.cpp=$(BUILD)/obj/%.o)

# The FFT's other instruction-set paths, for the tests only (tests/audio/test_fft_isa.cpp): audio/fft.cpp
# and its SIMD pack audio/fft_simd.cpp (the part with one section per instruction set) are compiled again
# for AVX2 and for plain x86-64-v2, each under a namespace of its own, so that one machine tests every pack
# path against the native one. x86-64 only; AVX2 only where this CPU has it.
ifeq ($(shell uname -m),x86_64)
  ISA_VARIANTS := generic $(if $(shell grep -m1 -ow avx2 /proc/cpuinfo 2>/dev/null),avx2,)
endif
ISA_MARCH_generic := x86-64-v2
ISA_MARCH_avx2    := haswell
ISA_OBJS  := $(foreach v,$(ISA_VARIANTS),$(addprefix $(BUILD)/obj/isa/$(v)/,fft.o fft_simd.o fft_entry.o))

.PHONY: fuzz fuzz-run
.PHONY: all test bench bench-gpu bench-dp experiment-gtzan images docs-check clean help config

all: config $(BUILD)/melgrad

config:
	@printf '%s nvcc  %s\n' "$(if $(HAVE_CUDA),✓,✗)" "$(if $(HAVE_CUDA),$(NVCC),not found: CPU-only build)"
	@printf '%s cuDNN %s\n' "$(if $(HAVE_CUDNN),✓,✗)" "$(if $(HAVE_CUDNN),header $(CUDNN_INC)/cudnn.h; library $(CUDNN_LIB),$(if $(CUDNN_INC),header $(CUDNN_INC)/cudnn.h but no libcudnn.so* in $(if $(CUDNN_LIB_DIR),$(CUDNN_LIB_DIR),$(CUDNN_LIB_CANDIDATES)),no cudnn.h in $(CUDNN_INC_CANDIDATES)): CPU-only build)"
	@printf '%s BLAS  %s\n' "$(if $(BLAS_DIR),✓,✗)" "OpenBLAS, OpenMP build: $(if $(BLAS_DIR),$(BLAS_DIR),not found: run tools/setup.sh)"
	@printf '%s MPI   %s\n' "$(if $(MPI),✓,✗)" "$(if $(MPI),$(MPI_LIBS) (mpirun -np N build/melgrad train ...),$(if $(MPI_LIBS),off (MPI= given),not found): single-process build (tools/setup.sh installs OpenMPI))"
	@printf '%s NCCL  %s\n' "$(if $(HAVE_NCCL),✓,✗)" "$(if $(HAVE_NCCL),$(NCCL_INC)/nccl.h (--device cuda under mpirun),$(if $(NCCL_INC),needs the CUDA backend and MPI,no nccl.h): GPU gradients go through the host)"
	@echo "  backends: $(BACKENDS)"

# Quiet by default; `make V=1` shows full command lines.
Q := $(if $(V),,@)

$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CXX   $<")
	$(Q)$(CXX) $(CXXFLAGS) -c $< -o $@

# variant $* of one source: its -march, its namespace, its entry's name (tests/isa/fft_entry.cpp)
define isa_compile
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CXX   $< (-march=$(ISA_MARCH_$*))")
	$(Q)$(CXX) $(CXXFLAGS) -march=$(ISA_MARCH_$*) -Dmelgrad=melgrad_isa_$* -DMELGRAD_ISA_ENTRY=melgrad_isa_power_$* -c $< -o $@
endef
$(BUILD)/obj/isa/%/fft.o: audio/fft.cpp
	$(isa_compile)
$(BUILD)/obj/isa/%/fft_simd.o: audio/fft_simd.cpp
	$(isa_compile)
$(BUILD)/obj/isa/%/fft_entry.o: tests/isa/fft_entry.cpp
	$(isa_compile)

$(BUILD)/obj/tests/audio/test_fft_isa.o: CXXFLAGS += $(foreach v,$(ISA_VARIANTS),-DMELGRAD_ISA_$(v))

$(BUILD)/obj/%.cu.o: %.cu
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  NVCC  $<")
	$(Q)$(NVCC) $(NVCCFLAGS) -c $< -o $@

$(BUILD)/melgrad: $(LIB_OBJS) $(BUILD)/obj/experiments/cli/main.o
	@$(if $(V),,echo "  LINK  $@")
	$(Q)$(CXX) $^ -o $@ $(LDLIBS)

$(BUILD)/melgrad_tests: $(LIB_OBJS) $(TEST_OBJS) $(ISA_OBJS)
	@$(if $(V),,echo "  LINK  $@")
	$(Q)$(CXX) $^ -o $@ $(LDLIBS)

# make test TEST_ARGS='-tc="*conv*"' runs a subset (any doctest flag works).
# The hostile-input script runs first: the doctest summary stays the last line.
test: docs-check $(BUILD)/melgrad $(BUILD)/melgrad_tests
	@bash tests/cli/hostile_inputs.sh $(BUILD)/melgrad
	@$(BUILD)/melgrad_tests $(TEST_ARGS)

docs-check:
	@python3 tools/docs_check.py

# Benchmarks: every bench/run_*.sh, each prints melgrad's figure, the peer's and the ratio.
bench: $(BUILD)/melgrad
	@for b in bench/run_*.sh; do echo "== $$b"; bash $$b || exit 1; done

bench-gpu: $(BUILD)/melgrad
	@bash bench/gpu/run_gpu.sh

# Data-parallel speed here: samples/s for 1 and 2 ranks, all-reduce ms per step (needs mpirun).
bench-dp: $(BUILD)/melgrad
	@bash bench/dp/run_dp.sh

GTZAN_DIR ?=
experiment-gtzan: $(BUILD)/melgrad
	@bash experiments/run_experiment.sh "$(GTZAN_DIR)"

RUN ?=
images: $(BUILD)/melgrad
	@bash experiments/make_images.sh $(RUN)

# ---- fuzzing: tests/fuzz/fuzz_NAME.cpp, each target for FUZZ_SECONDS; new inputs go to build-fuzz/corpus/,
# a crash to build-fuzz/crash-NAME-*. The seeds and past findings (tests/fuzz/corpus/) are replayed by make test.
FUZZ_SECONDS ?= 60
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.cpp,%,$(wildcard tests/fuzz/fuzz_*.cpp))
fuzz:
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-run

fuzz-run: $(FUZZ_NAMES:%=$(BUILD)/fuzz_%)
	@for t in $(FUZZ_NAMES); do mkdir -p $(BUILD)/corpus/$$t; \
	  $(BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=$(BUILD)/crash-$$t- $(BUILD)/corpus/$$t tests/fuzz/corpus/$$t > $(BUILD)/fuzz_$$t.log 2>&1; \
	  rc=$$?; printf '%-12s %s executions, exit %s\n' $$t \
	    "$$(grep -o 'number_of_executed_units: *[0-9]*' $(BUILD)/fuzz_$$t.log | grep -o '[0-9]*$$')" $$rc; \
	  [ $$rc -eq 0 ] || { tail -30 $(BUILD)/fuzz_$$t.log; exit 1; }; done

$(BUILD)/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(LIB_OBJS)
	@$(if $(V),,echo "  LINK  $@")
	$(Q)$(CXX) -fsanitize=fuzzer $(FUZZ_SAN) $^ -o $@ $(LDLIBS)

clean:
	rm -rf $(BUILD)

help:
	@echo "make                  build build/melgrad (CUDA backend too when nvcc + cuDNN are found)"
	@echo "make test             docs-check + hostile CLI inputs + all unit tests (doctest); TEST_ARGS='-tc=*conv*' for a subset"
	@echo "make test SANITIZE=address,undefined   the same under ASan + UBSan (CPU only, in build-sanitize/)"
	@echo "make fuzz FUZZ_SECONDS=60   every libFuzzer target of tests/fuzz/ for N seconds (clang 14)"
	@echo "make bench            CPU benchmarks against PyTorch / librosa / torchaudio (ratios printed)"
	@echo "make bench-gpu        GPU training benchmark against PyTorch (needs a GPU)"
	@echo "make bench-dp         data-parallel training: samples/s for 1 and 2 ranks, all-reduce ms per step (mpirun)"
	@echo "make experiment-gtzan the paper's experiment; GTZAN_DIR=/path for real GTZAN, else synthetic"
	@echo "make images           every figure + report.html for the latest run (RUN=runs/NAME for another)"
	@echo "make docs-check       every path, function and command named in docs/ exists"
	@echo "make clean            remove build/"

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
