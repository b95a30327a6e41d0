/* experiments/bench-oracle.c -- throughput of the exact path kernel
 * against NumPy, and against the machine's FP64 peak.
 *
 *   bench-oracle [--quick] [--runs R] [--numpy FILE]
 *
 * For D in {2, 16, 64} and K in {8, 25}: a seeded random mixture with full
 * covariances S_k = Q diag(lambda) Q^T (Q random orthogonal, lambda in
 * [0.1, 2]), N points x_t = alpha x1 + sigma x0 at t = 0.7 (linear), and
 * the velocity u_t (fc_path_eval), repeated after a warm-up until enough
 * CPU time has passed, R times (default 5): the median, minimum and
 * maximum of the R rates.  Throughput is points per CPU second of the process
 * at 1 OpenMP thread (CPU time, not wall time: the machine may be shared;
 * at 1 thread on an idle machine the two agree), for the best kernel
 * variant of this CPU and, when that is AVX-512, also for the AVX2 variant
 * (fc_path_internal.h); then with 2 threads (points per wall second).  The
 * velocities of 1 and 2 threads, and of the AVX-512 and AVX2 variants,
 * must be bitwise identical (fc_path.h, fc_path_kernel.c): exit status 1
 * if not.
 *
 * Flops: 3 D^2 K per point (the Cholesky form, fc_path_chol.c: a
 * triangular product and a full one per component), the useful count
 * whatever the kernel does.  At t = 0.7 the kernel executes fewer: the
 * velocity is affine in the score, two triangular products per component
 * (D (D + 1) flops in the lane kernel, D <= 16; 2 x 5 D^2 / 4 with the
 * 16-wide blocks at D = 64, fc_gemm.h), so GFLOP/s at 3 D^2 K may exceed
 * what the FMA units did.  Peak: the FP64 rate of a loop of independent
 * fused multiply-adds (24 chains of 8-double vectors for AVX-512, 12 of
 * 4-double vectors for AVX2, enough to cover the FMA latency on two
 * pipes), timed by the thread's CPU clock, best of three; the peak is the
 * larger of the two.
 *
 * --numpy FILE: the output of experiments/bench-oracle-numpy.py (rows "d K
 * threads points_per_second [min max]"), printed beside ours with the
 * ratio of the medians.
 *
 * Output (stdout): a header, one row per case, then '#' lines (the peak,
 * the identity checks).  Progress goes to stderr.  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "fc_gmm.h"
#include "fc_path.h"
#include "fc_path_internal.h"
#include "fc_rng.h"

#define FC_EXP_NAME "bench-oracle"
#include "exp_args.h"

#define BENCH_SEED 20240607UL
#define BENCH_T 0.7
#define LAM_MIN 0.1
#define LAM_MAX 2.0

static double
bench_clock (clockid_t id)
{
  struct timespec ts;
  clock_gettime (id, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Wall seconds (2 threads) or CPU seconds of the process (1 thread). */
static double
bench_now (int nth)
{
  return bench_clock (nth > 1 ? CLOCK_MONOTONIC : CLOCK_PROCESS_CPUTIME_ID);
}

typedef double bench_v8d __attribute__ ((vector_size (64)));
typedef double bench_v4d __attribute__ ((vector_size (32)));

/* FP64 flops per second of NACC independent chains a = a * y + x of
   vectors of W doubles (fused multiply-adds), ITER iterations, by the
   thread's CPU clock.  A macro for the two vector widths.  */
#define BENCH_FMA_LOOP(NAME, TARGET, VT, W, NACC)                           \
  __attribute__ ((target (TARGET))) static double NAME (long iter)         \
  {                                                                         \
    VT a[NACC], y, x;                                                       \
    for (int j = 0; j < W; j++)                                             \
      {                                                                     \
        x[j] = 1.0;                                                         \
        y[j] = 0.9999999;                                                   \
      }                                                                     \
    for (int i = 0; i < NACC; i++)                                          \
      a[i] = x * (1e-3 * i);                                                \
    double t0 = bench_clock (CLOCK_THREAD_CPUTIME_ID);                      \
    for (long n = 0; n < iter; n++)                                         \
      {                                                                     \
        _Pragma ("GCC unroll 24") for (int i = 0; i < NACC; i++) a[i]       \
          = a[i] * y + x;                                                   \
        __asm__ volatile ("" : "+x"(y));                                    \
      }                                                                     \
    double el = bench_clock (CLOCK_THREAD_CPUTIME_ID) - t0;                 \
    double sum = 0.0;                                                       \
    for (int i = 0; i < NACC; i++)                                          \
      for (int j = 0; j < W; j++)                                           \
        sum += a[i][j];                                                     \
    if (!(sum > 0.0))                                                       \
      fprintf (stderr, "bench-oracle: peak loop diverged\n");              \
    return 2.0 * W * NACC * (double) iter / el;                             \
  }

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
BENCH_FMA_LOOP (bench_fma_avx512, "avx512f,fma", bench_v8d, 8, 24)
BENCH_FMA_LOOP (bench_fma_avx2, "avx2,fma", bench_v4d, 4, 12)
#endif

/* The FP64 peak (flops per second): the best of three runs of the FMA loop
   of each vector width the CPU supports.  */
static double
bench_peak (int quick, double *p512, double *p256)
{
  long iter = quick ? 2000000 : 20000000;
  *p512 = *p256 = 0.0;
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
  for (int r = 0; r < 3; r++)
    {
      if (fc_path_isa_supported (FC_PATH_ISA_AVX512))
        *p512 = GSL_MAX (*p512, bench_fma_avx512 (iter));
      if (fc_path_isa_supported (FC_PATH_ISA_AVX2))
        *p256 = GSL_MAX (*p256, bench_fma_avx2 (2 * iter));
    }
#else
  (void) iter;
#endif
  return GSL_MAX (*p512, *p256);
}

static void
bench_threads (int n)
{
#ifdef _OPENMP
  omp_set_num_threads (n);
#else
  (void) n;
#endif
}

static fc_gmm *
bench_mixture (size_t d, size_t nk)
{
  const fc_gmm_random_params p = { 0.5, 1.5, 2.0, LAM_MIN, LAM_MAX };
  fc_gmm *g = fc_gmm_random (d, nk, &p, BENCH_SEED, d * 1000 + nk);
  if (g == NULL)
    {
      fprintf (stderr, "bench-oracle: cannot build the mixture\n");
      exit (EXIT_FAILURE);
    }
  return g;
}

/* N points x_t = alpha x1 + sigma x0 of the path at BENCH_T.  */
static double *
bench_points (const fc_gmm *g, size_t n)
{
  size_t m = n * g->dim;
  double *x = malloc (m * sizeof (double)), *z = malloc (m * sizeof (double));
  if (fc_gmm_sample (g, BENCH_SEED, n, x)
      || fc_rng_gaussian_fill (BENCH_SEED, 1u << 20, m, z))
    {
      fprintf (stderr, "bench-oracle: cannot sample the points\n");
      exit (EXIT_FAILURE);
    }
  for (size_t i = 0; i < m; i++)
    x[i] = BENCH_T * x[i] + (1 - BENCH_T) * z[i];
  free (z);
  return x;
}

/* Points per second of the velocity with NTH threads, after a warm-up,
   repeating until MIN_TIME seconds have passed (CPU seconds at 1 thread,
   wall seconds otherwise).  OUT receives the result. */
static double
bench_time (const fc_gmm *g, size_t n, const double *x, double *out, int nth,
            double min_time)
{
  bench_threads (nth);
  if (fc_path_eval (g, FC_SCHEDULE_LINEAR, BENCH_T, FC_Q_VELOCITY, n, x, out))
    {
      fprintf (stderr, "bench-oracle: fc_path_eval failed\n");
      exit (EXIT_FAILURE);
    }
  int reps = 0;
  double t0 = bench_now (nth), el;
  do
    {
      fc_path_eval (g, FC_SCHEDULE_LINEAR, BENCH_T, FC_Q_VELOCITY, n, x, out);
      reps++;
      el = bench_now (nth) - t0;
    }
  while (el < min_time);
  return reps * (double) n / el;
}

/* The median, minimum and maximum of RUNS rates of bench_time at 1 thread
   (RUNS <= BENCH_RUNS_MAX): a rate moves by 10% from run to run even on an
   idle machine, so one run says little.  */
#define BENCH_RUNS_MAX 100
typedef struct
{
  double median, min, max;
} bench_rate;

static bench_rate
bench_rates (const fc_gmm *g, size_t n, const double *x, double *out,
             double min_time, int runs)
{
  double r[BENCH_RUNS_MAX];
  for (int i = 0; i < runs; i++)
    r[i] = bench_time (g, n, x, out, 1, min_time);
  gsl_sort (r, 1, (size_t) runs);
  double median = gsl_stats_median_from_sorted_data (r, 1, (size_t) runs);
  return (bench_rate) { median, r[0], r[runs - 1] };
}

/* NumPy's points per second for (D, K) from FILE (rows "d K threads
   pps [min max]": its median, minimum and maximum), or NANs.  */
static bench_rate
bench_numpy_pps (const char *file, size_t d, size_t nk)
{
  FILE *f = file != NULL ? fopen (file, "r") : NULL;
  char line[256];
  bench_rate pps = { NAN, NAN, NAN };
  while (f != NULL && fgets (line, sizeof line, f) != NULL)
    {
      size_t fd, fk;
      int th;
      double v, lo = NAN, hi = NAN;
      if (sscanf (line, "%zu %zu %d %lf %lf %lf", &fd, &fk, &th, &v, &lo,
                  &hi) >= 4
          && fd == d && fk == nk && th == 1)
        pps = (bench_rate) { v, lo, hi };
    }
  if (f != NULL)
    fclose (f);
  return pps;
}

/* One case: our rates at 1 thread (best variant, and AVX2 when the best is
   AVX-512; RUNS runs each), at 2 threads, the identity checks; prints the
   row.  */
static int
bench_case (size_t d, size_t nk, size_t n, double min_time, int runs,
            double peak, const char *numpy)
{
  fc_gmm *g = bench_mixture (d, nk);
  double *x = bench_points (g, n);
  size_t len = n * d;
  double *u1 = malloc (len * sizeof (double));
  double *u2 = malloc (len * sizeof (double));
  double *u3 = malloc (len * sizeof (double));
  fc_path_isa best = fc_path_isa_current ();
  bench_rate pps1 = bench_rates (g, n, x, u1, min_time, runs);
  double pps2 = bench_time (g, n, x, u2, 2, min_time);
  int same_threads = memcmp (u1, u2, len * sizeof (double)) == 0;
  int same_isa = 1;
  bench_rate pps_avx2 = { NAN, NAN, NAN };
  if (best == FC_PATH_ISA_AVX512)
    {
      fc_path_isa_force (FC_PATH_ISA_AVX2);
      pps_avx2 = bench_rates (g, n, x, u3, min_time, runs);
      fc_path_isa_force (FC_PATH_ISA_BEST);
      same_isa = memcmp (u1, u3, len * sizeof (double)) == 0;
    }
  bench_rate np = bench_numpy_pps (numpy, d, nk);
  double gflops = pps1.median * 3.0 * d * d * nk * 1e-9;
  printf ("%3zu %3zu %10.4g %10.4g %10.4g %10.4g %10.4g %10.4g %10.4g "
          "%6.2f %7.2f %5.1f%% %10.4g %s\n",
          d, nk, pps1.median, pps1.min, pps1.max, pps_avx2.median, np.median,
          np.min, np.max, pps1.median / np.median, gflops,
          100 * gflops * 1e9 / peak, pps2,
          same_threads && same_isa ? "yes" : "NO");
  fflush (stdout);
  free (u1);
  free (u2);
  free (u3);
  free (x);
  fc_gmm_free (g);
  return same_threads && same_isa;
}

static void
bench_help (void)
{
  printf (
      "Usage: " FC_EXP_NAME " [--quick] [--runs R] [--numpy FILE]\n"
      "Throughput of the exact path kernel (fc_path_eval: the velocity at\n"
      "t = 0.7, linear schedule) for d in {2, 16, 64} and K in {8, 25}\n"
      "full-covariance components, against NumPy and the machine's FP64\n"
      "peak.\n"
      "\n"
      "Table on stdout, one row per (d, K): points per CPU second at 1\n"
      "thread, median, minimum and maximum of R runs (the best kernel\n"
      "variant of this CPU; and the median of the AVX2 variant when that\n"
      "is AVX-512), NumPy's median, minimum and maximum and the ratio of\n"
      "the medians (with --numpy), GFLOP/s of our median at 3 d^2 K flops\n"
      "per point and their fraction of the peak (a loop of fused\n"
      "multiply-adds), points per wall second at 2 threads, and whether\n"
      "the velocities of 1 and 2 threads and of the two variants are bitwise\n"
      "identical; then '#' lines.  Progress goes to stderr.\n"
      "\n"
      "Options:\n"
      "  --quick       10^4 points timed for 0.05 s of CPU each, instead of\n"
      "                10^5 points timed for 1 s each\n"
      "  --runs R      timed runs per rate at 1 thread, 1 .. 100 (default 5)\n"
      "  --numpy FILE  the output of experiments/bench-oracle-numpy.py (rows\n"
      "                'd K threads points_per_second [min max]'), printed\n"
      "                beside ours\n"
      "  --help        this text\n"
      "\n"
      "Exit status: 0 done, 1 the velocities are not bitwise identical,\n"
      "2 bad usage (unknown or repeated option, --runs out of range,\n"
      "unreadable --numpy FILE).\n");
}

int
main (int argc, char **argv)
{
  int quick = 0, runs = 5;
  const char *numpy = NULL;
  fc_exp_refuse_repeats (argc, argv);
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--help") == 0)
      {
        bench_help ();
        return EXIT_SUCCESS;
      }
    else if (strcmp (argv[i], "--quick") == 0)
      quick = 1;
    else if (fc_exp_is (argv[i], "--runs"))
      runs = (int) fc_exp_size_value (argc, argv, &i, "--runs", 1,
                                      BENCH_RUNS_MAX);
    else if (fc_exp_is (argv[i], "--numpy"))
      numpy = fc_exp_value (argc, argv, &i, "--numpy");
    else
      fc_exp_usage_error (argv[i], strncmp (argv[i], "--", 2) == 0
                                       ? "unknown option"
                                       : "unexpected argument");
  FILE *check = numpy != NULL ? fopen (numpy, "r") : NULL;
  if (numpy != NULL && check == NULL)
    fc_exp_usage_error ("--numpy", "cannot open the file");
  if (check != NULL)
    fclose (check);
  gsl_set_error_handler_off ();
  const size_t dims[] = { 2, 16, 64 }, ks[] = { 8, 25 };
  const size_t n = quick ? 10000 : 100000;
  const double min_time = quick ? 0.05 : 1.0;
  double p512, p256, peak = bench_peak (quick, &p512, &p256);
  int identical = 1;
  printf ("  d   K  ours_1t_md   ours_min   ours_max avx2_1t_md   numpy_md"
          "  numpy_min  numpy_max  ratio GFLOP/s peak%%    ours_2t "
          "identical\n");
  for (size_t id = 0; id < 3; id++)
    for (size_t ik = 0; ik < 2; ik++)
      {
        fprintf (stderr, "bench-oracle: d = %zu, K = %zu ...\n", dims[id],
                 ks[ik]);
        identical &= bench_case (dims[id], ks[ik], n, min_time, runs, peak,
                                 numpy);
      }
  printf ("# kernel variant: %s; n = %zu points, velocity at t = %g "
          "(linear); points per CPU second at 1 thread (%d runs), per wall "
          "second at 2\n",
          fc_path_isa_name (fc_path_isa_current ()), n, BENCH_T, runs);
  printf ("# GFLOP/s at 3 D^2 K flops per point; FP64 peak %.1f GFLOP/s "
          "(FMA loop: AVX-512 %.1f, AVX2 %.1f, thread CPU time, best of 3)\n",
          peak * 1e-9, p512 * 1e-9, p256 * 1e-9);
  printf ("# identical (1 vs 2 threads, AVX-512 vs AVX2 variant): %s\n",
          identical ? "yes" : "no");
  return identical ? EXIT_SUCCESS : EXIT_FAILURE;
}
