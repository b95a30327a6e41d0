#!/usr/bin/env python3
"""experiments/bench-train-torch.py -- bench-train.c in PyTorch (CPU,
float64): seconds per training step of the network of Tong et al. (TMLR
2024, torchcfm's 2-D protocol), MLP (3, 64, 64, 64, 2) SELU, batch 512,
AdamW lr 1e-3 weight decay 1e-5, independent conditional flow matching
(sigma = 0.1) from a standard Gaussian to 8 Gaussians (radius 5,
covariance sqrt(0.1) I).  A step draws x0, x1, t and the noise, forms
x_t = t x1 + (1 - t) x0 + sigma eps and u_t = x1 - x0, and takes one
AdamW step on torch.mean((v(x_t, t) - u_t)**2), as torchcfm's examples do.

    bench-train-torch.py [--steps N] [--threads T] [--seed S]

Output, one line (as bench-train):
    steps N batch 512 threads T torch VERSION wall_per_step W cpu_per_step C loss L
The first 20 steps are a warm-up, not timed.
"""
import argparse
import math
import sys
import time

import torch

BATCH, SIGMA, WARMUP = 512, 0.1, 20


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("expected a positive integer")
    return value


def draw_batch(gen):
    k = torch.randint(0, 8, (BATCH,), generator=gen)
    a = 2 * math.pi * k.double() / 8
    centers = 5.0 * torch.stack((torch.cos(a), torch.sin(a)), dim=1)
    x1 = centers + 0.1 ** 0.25 * torch.randn(BATCH, 2, generator=gen, dtype=torch.float64)
    x0 = torch.randn(BATCH, 2, generator=gen, dtype=torch.float64)
    t = torch.rand(BATCH, 1, generator=gen, dtype=torch.float64)
    eps = torch.randn(BATCH, 2, generator=gen, dtype=torch.float64)
    xt = t * x1 + (1 - t) * x0 + SIGMA * eps
    return torch.cat((xt, t), dim=1), x1 - x0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=positive, default=2000)
    parser.add_argument("--threads", type=positive, default=1)
    parser.add_argument("--seed", type=int, default=20240501)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    net = torch.nn.Sequential(
        torch.nn.Linear(3, 64), torch.nn.SELU(),
        torch.nn.Linear(64, 64), torch.nn.SELU(),
        torch.nn.Linear(64, 64), torch.nn.SELU(),
        torch.nn.Linear(64, 2)).double()
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-5)
    loss_sum = 0.0
    for s in range(args.steps + WARMUP):
        if s == WARMUP:
            wall0, cpu0 = time.perf_counter(), time.process_time()
        inp, target = draw_batch(gen)
        opt.zero_grad()
        loss = torch.mean((net(inp) - target) ** 2)
        loss.backward()
        opt.step()
        if s + 100 >= args.steps + WARMUP:
            loss_sum += loss.item()
    wall = (time.perf_counter() - wall0) / args.steps
    cpu = (time.process_time() - cpu0) / args.steps
    print(f"steps {args.steps} batch {BATCH} threads {args.threads} "
          f"torch {torch.__version__} wall_per_step {wall:.6g} "
          f"cpu_per_step {cpu:.6g} loss {loss_sum / 100:.6g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
