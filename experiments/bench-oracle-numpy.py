#!/usr/bin/env python3
"""experiments/bench-oracle-numpy.py -- the velocity of the exact path of a
Gaussian mixture, vectorised with NumPy, as a yardstick for
experiments/bench-oracle (the C kernel, src/fc_path.c).

    bench-oracle-numpy.py [--quick] [--threads N] [--runs R]

Same cases as bench-oracle: D in {2, 16, 64}, K in {8, 25}, random full
covariances S_k = Q diag(lambda) Q^T (lambda in [0.1, 2]), 1e5 points,
velocity at t = 0.7 under the linear schedule, and the same formula
(fc_path.c): in the eigenbasis of each S_k, c = alpha^2 lambda + sigma^2,
z = V^T x - alpha V^T mu, log N_k by the quadratic form, responsibilities by
log-sum-exp, u = sum_k r_k V (alpha' V^T mu + b o z) with
b = (alpha alpha' lambda + sigma sigma') / c.  The products run through
NumPy's batched matmul (its BLAS); points go in blocks so that the (K, n, D)
intermediates stay small.  Before timing, each case is checked against a
direct evaluation with dense solves on a few points.

Throughput is points per CPU second of the process (time.process_time: the
machine may be shared; at 1 thread on an idle machine it equals the wall
rate), as in bench-oracle, timed R times (default 5): the median, minimum
and maximum of the R rates.  Run it with the NumPy of a BLAS-backed build
(Debian's python3-numpy uses the libblas.so.3 alternative: OpenBLAS when
libopenblas0 is installed; numpy.show_config() or the GFLOP/s of a
1000 x 1000 matmul tells which).

--threads N sets OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS
before NumPy loads.  NumPy is not a dependency of flowcheck: without it the
script says so and exits 0.  Output: a header "d K threads
points_per_second min max" (the median first), one row per case, then '#'
lines with GFLOP/s of the median (4 n K D^2 flops).
"""
import os
import statistics
import sys
import time


def parse_args(argv):
    quick, threads, runs = False, 1, 5
    i = 1
    while i < len(argv):
        if argv[i] == "--quick":
            quick = True
        elif argv[i] in ("--threads", "--runs") and i + 1 < len(argv) \
                and argv[i + 1].isdigit() and int(argv[i + 1]) >= 1:
            if argv[i] == "--threads":
                threads = int(argv[i + 1])
            else:
                runs = int(argv[i + 1])
            i += 1
        else:
            sys.stderr.write("usage: bench-oracle-numpy.py [--quick] "
                             "[--threads N] [--runs R]\n")
            sys.exit(2)
        i += 1
    return quick, threads, runs


QUICK, THREADS, RUNS = parse_args(sys.argv)
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(THREADS)

try:
    import numpy as np
except ImportError:
    sys.stderr.write("bench-oracle-numpy: numpy is not installed: skipped\n")
    sys.exit(0)

T = 0.7
ALPHA, SIGMA, DALPHA, SIGMA_DSIGMA = T, 1 - T, 1.0, -(1 - T)  # linear
BLOCK = 4096  # points per block of the vectorised evaluation


def mixture(rng, d, k):
    """Weights (K), means (K, D), covariances (K, D, D)."""
    w = 0.5 + rng.random(k)
    mu = 2.0 * rng.standard_normal((k, d))
    cov = np.empty((k, d, d))
    for j in range(k):
        q, _ = np.linalg.qr(rng.standard_normal((d, d)))
        lam = 0.1 + 1.9 * rng.random(d)
        cov[j] = (q * lam) @ q.T
    return w / w.sum(), mu, cov


def prepare(w, mu, cov):
    """The constants of fc_gmm_prepare / fc_path_plan_init."""
    lam, v = np.linalg.eigh(cov)  # cov = V diag(lam) V^T
    lam = np.clip(lam, 0, None)
    c = ALPHA ** 2 * lam + SIGMA ** 2
    d = mu.shape[1]
    mean_eig = np.einsum("kij,ki->kj", v, mu)  # V^T mu
    lconst = np.log(w) - 0.5 * np.log(c).sum(1) - 0.5 * d * np.log(2 * np.pi)
    b = (ALPHA * DALPHA * lam + SIGMA_DSIGMA) / c
    return dict(v=v, vt=np.ascontiguousarray(v.transpose(0, 2, 1)),
                inv_c=1 / c, amu=ALPHA * mean_eig, a_me=DALPHA * mean_eig,
                lconst=lconst, b=b)


def velocity(p, x):
    out = np.empty_like(x)
    for s in range(0, x.shape[0], BLOCK):
        xb = x[s:s + BLOCK]
        z = np.matmul(xb[None, :, :], p["v"]) - p["amu"][:, None, :]  # (K, n, D)
        l = p["lconst"][:, None] - 0.5 * np.einsum("knd,kd->kn", z * z, p["inv_c"])
        l -= l.max(0)
        r = np.exp(l)
        r /= r.sum(0)
        wk = r[:, :, None] * (p["a_me"][:, None, :] + p["b"][:, None, :] * z)
        out[s:s + BLOCK] = np.matmul(wk, p["vt"]).sum(0)
    return out


def velocity_direct(w, mu, cov, x):
    """Dense solves with C_k, no eigenbasis: the check of velocity()."""
    d = mu.shape[1]
    u = np.zeros_like(x)
    for i, xi in enumerate(x):
        ls, uk = [], []
        for j in range(len(w)):
            c = ALPHA ** 2 * cov[j] + SIGMA ** 2 * np.eye(d)
            y = np.linalg.solve(c, xi - ALPHA * mu[j])
            _, logdet = np.linalg.slogdet(c)
            ls.append(np.log(w[j]) - 0.5 * (xi - ALPHA * mu[j]) @ y
                      - 0.5 * logdet - 0.5 * d * np.log(2 * np.pi))
            uk.append(DALPHA * mu[j] + (ALPHA * DALPHA * cov[j]
                                        + SIGMA_DSIGMA * np.eye(d)) @ y)
        ls = np.array(ls)
        r = np.exp(ls - ls.max())
        u[i] = (r / r.sum()) @ np.array(uk)
    return u


def blas_rate():
    """GFLOP/s of a 1000 x 1000 matmul: ~1-2 for reference BLAS, ~15+
    for OpenBLAS at 1 thread."""
    a = np.random.default_rng(1).random((1000, 1000))
    a @ a
    t0 = time.process_time()
    a @ a
    el = time.process_time() - t0
    return "BLAS check: 1000 x 1000 matmul at %.1f GFLOP/s" % (2e9 / el * 1e-9)


def timed_rate(p, x, min_time):
    """Points per CPU second of velocity(p, x), repeated for min_time."""
    reps, t0 = 0, time.process_time()
    while True:
        velocity(p, x)
        reps += 1
        el = time.process_time() - t0
        if el >= min_time:
            return reps * len(x) / el


def main():
    n = 10000 if QUICK else 100000
    min_time = 0.05 if QUICK else 1.0
    rng = np.random.default_rng(20240607)
    print("d K threads points_per_second min max")
    notes = []
    for d in (2, 16, 64):
        for k in (8, 25):
            sys.stderr.write("bench-oracle-numpy: d = %d, K = %d ...\n" % (d, k))
            w, mu, cov = mixture(rng, d, k)
            p = prepare(w, mu, cov)
            comp = rng.integers(0, k, n)
            x = ALPHA * mu[comp] + rng.standard_normal((n, d))
            u = velocity(p, x)  # warm-up
            ref = velocity_direct(w, mu, cov, x[:7])
            err = np.abs(u[:7] - ref).max() / max(1.0, np.abs(ref).max())
            if not err < 1e-10:
                sys.stderr.write("bench-oracle-numpy: wrong velocity (%.3g)\n" % err)
                sys.exit(1)
            rates = [timed_rate(p, x, min_time) for _ in range(RUNS)]
            pps = statistics.median(rates)
            print("%d %d %d %.4g %.4g %.4g"
                  % (d, k, THREADS, pps, min(rates), max(rates)))
            notes.append("# d=%d K=%d: %.3g GFLOP/s (%d thread%s), 4 n K D^2 flops"
                         % (d, k, pps * 4 * k * d * d * 1e-9, THREADS,
                            "" if THREADS == 1 else "s"))
    for line in notes:
        print(line)
    print("# numpy %s, n = %d points, velocity at t = %g (linear); "
          "points per CPU second, %d runs; %s"
          % (np.__version__, n, T, RUNS, blas_rate()))


if __name__ == "__main__":
    main()
