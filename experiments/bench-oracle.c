/* experiments/bench-oracle.c -- throughput of the exact path kernel.
 *
 *   bench-oracle [--quick]
 *
 * For D in {2, 16, 64} and K in {8, 25}: a seeded random mixture with full
 * covariances S_k = Q diag(lambda) Q^T (Q random orthogonal, lambda in
 * [0.1, 2]), N points x_t = alpha x1 + sigma x0 at t = 0.7 (linear), and
 * the velocity u_t (fc_path_eval), timed with omp_get_wtime over enough
 * repetitions after a warm-up, with 1 and 2 OpenMP threads.  The velocities
 * of the two thread counts must be bitwise identical (fc_path.h contract);
 * exit status 1 if not.
 *
 * Output (stdout): a header "d K threads points_per_second", one row per
 * case, then '#' lines with the flop rate (4 n K D^2 flops per call: two
 * D x D products per point and component) and the identity check.
 * Progress goes to stderr.  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "fc_gmm.h"
#include "fc_path.h"
#include "fc_rng.h"

#define BENCH_SEED 20240607UL
#define BENCH_T 0.7
#define LAM_MIN 0.1
#define LAM_MAX 2.0

static double
bench_now (void)
{
#ifdef _OPENMP
  return omp_get_wtime ();
#else
  return (double) clock () / CLOCKS_PER_SEC;
#endif
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
   repeating until MIN_TIME seconds have passed.  OUT receives the result. */
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
  double t0 = bench_now (), el;
  do
    {
      fc_path_eval (g, FC_SCHEDULE_LINEAR, BENCH_T, FC_Q_VELOCITY, n, x, out);
      reps++;
      el = bench_now () - t0;
    }
  while (el < min_time);
  return reps * (double) n / el;
}

int
main (int argc, char **argv)
{
  int quick = argc > 1 && strcmp (argv[1], "--quick") == 0;
  if (argc > 2 || (argc == 2 && !quick))
    {
      fprintf (stderr, "usage: bench-oracle [--quick]\n");
      return 2;
    }
  gsl_set_error_handler_off ();
  const size_t dims[] = { 2, 16, 64 }, ks[] = { 8, 25 };
  const size_t n = quick ? 10000 : 100000;
  const double min_time = quick ? 0.05 : 1.0;
  char notes[6][160];
  int identical = 1;
  printf ("d K threads points_per_second\n");
  for (size_t id = 0; id < 3; id++)
    for (size_t ik = 0; ik < 2; ik++)
      {
        size_t d = dims[id], nk = ks[ik];
        fprintf (stderr, "bench-oracle: d = %zu, K = %zu ...\n", d, nk);
        fc_gmm *g = bench_mixture (d, nk);
        double *x = bench_points (g, n);
        double *u1 = malloc (n * d * sizeof (double));
        double *u2 = malloc (n * d * sizeof (double));
        double pps1 = bench_time (g, n, x, u1, 1, min_time);
        double pps2 = bench_time (g, n, x, u2, 2, min_time);
        int same = memcmp (u1, u2, n * d * sizeof (double)) == 0;
        identical &= same;
        printf ("%zu %zu 1 %.4g\n%zu %zu 2 %.4g\n", d, nk, pps1, d, nk, pps2);
        double flops = 4.0 * nk * d * d; /* per point */
        snprintf (notes[id * 2 + ik], sizeof notes[0],
                  "# d=%zu K=%zu: %.3g GFLOP/s (1 thread), %.3g GFLOP/s "
                  "(2 threads), 4 n K D^2 flops; 1 vs 2 threads identical: %s",
                  d, nk, pps1 * flops * 1e-9, pps2 * flops * 1e-9,
                  same ? "yes" : "no");
        free (u1);
        free (u2);
        free (x);
        fc_gmm_free (g);
      }
  for (size_t i = 0; i < 6; i++)
    printf ("%s\n", notes[i]);
  printf ("# n = %zu points, velocity at t = %g (linear)\n", n, BENCH_T);
  printf ("# bitwise identical: %s\n", identical ? "yes" : "no");
  return identical ? EXIT_SUCCESS : EXIT_FAILURE;
}
