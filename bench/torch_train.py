#!/usr/bin/python3
"""PyTorch's side of bench/run_train.sh: the paper CNN (as melgrad's paper-cnn) trained with Adam on one
random batch, printing `samples/s: X` like `melgrad bench-train`.

usage: /usr/bin/python3 bench/torch_train.py --threads T [--batch 32] [--steps 10] [--warmup 2]
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
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = paper_cnn().train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(a.batch, 1, 128, 128)
    y = torch.randint(0, 10, (a.batch,))

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
    print("torch %s, %d thread(s), Adam" % (torch.__version__, torch.get_num_threads()))
    print("cpu ms per step (all threads): %.1f" % (1000 * cpu / a.steps))
    print("samples/s: %.1f" % (a.batch * a.steps / dt))


if __name__ == "__main__":
    main()
