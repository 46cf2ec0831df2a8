#!/usr/bin/python3
"""PyTorch's side of bench/run_train.sh: the paper CNN (as melgrad's paper-cnn) trained with Adam on one
random batch, printing `samples/s: X` like `melgrad bench-train`.

usage: PYTHON bench/torch_train.py --threads T [--mode eager|channels_last|compile] [--batch 32] [--steps 10]
       [--warmup 2]
  eager          the model as written (NCHW)
  channels_last  model and batch in NHWC memory layout: what PyTorch recommends for CNNs on a CPU (oneDNN)
  compile        torch.compile(model) (PyTorch 2.x; TorchInductor generates C++ for the CPU). The compilation
                 runs in the warm-up steps, which are not timed
"""
import argparse
import time

import torch
import torch.nn as nn
from paper_cnn_torch import paper_cnn




def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--mode", choices=("eager", "channels_last", "compile"), default="eager")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = paper_cnn().train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(a.batch, 1, 128, 128)
    y = torch.randint(0, 10, (a.batch,))
    if a.mode == "channels_last":
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    if a.mode == "compile":
        if not hasattr(torch, "compile"):
            raise SystemExit("torch %s has no torch.compile" % torch.__version__)
        model = torch.compile(model)
        a.warmup = max(a.warmup, 3)  # the first forward and backward compile; one more runs the result

    def step():
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(a.steps):
        step()
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    print("torch %s, %s, %d thread(s), Adam" % (torch.__version__, a.mode, torch.get_num_threads()))
    print("cpu ms per step (all threads): %.1f" % (1000 * cpu / a.steps))
    print("samples/s: %.1f" % (a.batch * a.steps / dt))


if __name__ == "__main__":
    main()
