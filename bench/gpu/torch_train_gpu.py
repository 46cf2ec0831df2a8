#!/usr/bin/env python3
"""PyTorch's side of bench/gpu/run_gpu.sh: the paper CNN (as melgrad's paper-cnn) trained with Adam on one
random batch already on the GPU, eager mode, printing `samples/s: X` like `melgrad bench-train-gpu`.

usage: python3 bench/gpu/torch_train_gpu.py [--batch 32] [--steps 200] [--warmup 10] [--tf32]
"""
import argparse
import os
import sys
import time

import torch
import torch.nn as nn
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from paper_cnn_torch import paper_cnn  # noqa: E402




def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--tf32", action="store_true")
    a = ap.parse_args()
    if not torch.cuda.is_available():
        sys.exit("torch_train_gpu.py: PyTorch sees no CUDA GPU")
    # The same numerics as melgrad: TF32 only when asked, cuDNN picks algorithms by timing (as cudnnFind).
    torch.backends.cudnn.allow_tf32 = a.tf32
    torch.backends.cuda.matmul.allow_tf32 = a.tf32
    torch.backends.cudnn.benchmark = True
    torch.manual_seed(0)
    dev = torch.device("cuda")
    model = paper_cnn().to(dev).train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(a.batch, 1, 128, 128, device=dev)
    y = torch.randint(0, 10, (a.batch,), device=dev)

    def step():
        opt.zero_grad(set_to_none=False)
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(a.warmup):
        step()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        loss = step()
    loss.item()  # waits for the GPU
    dt = time.perf_counter() - t0
    print("torch %s on %s, batch %d, Adam, TF32 %s, eager" %
          (torch.__version__, torch.cuda.get_device_name(), a.batch, "on" if a.tf32 else "off"))
    print("samples/s: %.1f" % (a.batch * a.steps / dt))


if __name__ == "__main__":
    main()
