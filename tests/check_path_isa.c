/* tests/check_path_isa.c -- the variants of the exact path kernel per
 * instruction set (fc_path_kernel.c) and its Cholesky form
 * (fc_path_chol.c): AVX-512 and AVX2 bitwise equal, the portable baseline
 * within the rounding of unfused products, the Cholesky form against the
 * independent reference (ref_path.c) at the dimensions where the 16-wide
 * and triangular blocks matter, the eigenbasis fallback for badly
 * conditioned C_k (thread and batch independence: check_path.c).
 * Variants the CPU lacks are skipped (and said so on stderr).  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>

#include "unit_fixtures.h"
#include "path_fixtures.h"
#include "fc_path.h"
#include "fc_path_internal.h"
#include "fc_rng.h"
#include "ref_path.h"

/* Eigenvalues of the test covariances: cond(C_k) <= KAPPA_MAX at every t
   (the Cholesky form applies: KAPPA_MAX < 1e4).  */
#define LAM_MIN 0.3
#define LAM_MAX 2.0
#define KAPPA_MAX (LAM_MAX / LAM_MIN)

/* The baseline against the fused variants: each differs from the exact
   value by the rounding of its products and sums, ~ (D + K) eps cond(C_k)
   relative (inner products of length D, K weights), the fused ones a
   little less; twice that, with a factor 8 for the constants, bounds their
   difference.  Relative to max(1, largest entry of the vector), as in
   check_path.c.  */
#define TOL_BASELINE(d, nk) (TOL_EPS (16) * ((d) + (nk)) * KAPPA_MAX)

/* Against the reference: TOL_PATH of check_path.c (a few hundred eps times
   cond, times 100 for the quadratic forms).  */
#define TOL_REF (TOL_EPS (400) * KAPPA_MAX * 100)

/* Every quantity (eval_all, path_fixtures.h): logp (n), div (n), then
   score, velocity, x1hat, x0hat (n, D) each.  */
#define N_VALUES(n, d) ((n) * (2 + 4 * (d)))

static fc_gmm *
make_mixture (size_t d, size_t nk, double lam_min, unsigned long seed)
{
  return path_mixture (d, nk, lam_min, LAM_MAX, seed);
}

/* The scale of value I of BUF: max(1, largest entry of its vector).  */
static double
value_scale (const double *buf, size_t n, size_t d, size_t i)
{
  if (i < 2 * n)
    return GSL_MAX (1.0, fabs (buf[i]));
  size_t start = 2 * n + (i - 2 * n) / d * d;
  double s = 1.0;
  for (size_t j = 0; j < d; j++)
    s = GSL_MAX (s, fabs (buf[start + j]));
  return s;
}

/* The worst difference of A and B relative to the scale of B's values.  */
static double
worst_relative (const double *a, const double *b, size_t n, size_t d)
{
  double worst = 0.0;
  for (size_t i = 0; i < N_VALUES (n, d); i++)
    {
      double diff = fabs (a[i] - b[i]) / value_scale (b, n, d, i);
      worst = isnan (diff) ? INFINITY : GSL_MAX (worst, diff);
    }
  return worst;
}

/* All quantities of G at T under every supported variant: AVX-512 equal to
   AVX2 bit for bit, the baseline within TOL_BASELINE of AVX2.  Returns
   the worst relative difference of the baseline.  */
static double
check_variants (const fc_gmm *g, double t, size_t n, const double *x,
                int with_div)
{
  size_t d = g->dim, len = N_VALUES (n, d);
  double *r[FC_PATH_ISA_COUNT];
  int have[FC_PATH_ISA_COUNT];
  fc_path_isa saved = fc_path_isa_force (FC_PATH_ISA_BEST);
  for (int isa = 0; isa < FC_PATH_ISA_COUNT; isa++)
    {
      r[isa] = malloc (len * sizeof (double));
      have[isa] = fc_path_isa_supported ((fc_path_isa) isa);
      if (!have[isa])
        continue;
      fc_path_isa_force ((fc_path_isa) isa);
      eval_all (g, FC_SCHEDULE_LINEAR, t, n, x, r[isa], with_div);
    }
  fc_path_isa_force (saved);
  if (have[FC_PATH_ISA_AVX512] && have[FC_PATH_ISA_AVX2])
    ck_assert_msg (memcmp (r[FC_PATH_ISA_AVX512], r[FC_PATH_ISA_AVX2],
                           len * sizeof (double))
                     == 0,
                   "AVX-512 and AVX2 differ: D=%zu K=%zu t=%g div=%d", d,
                   g->n_comp, t, with_div);
  double worst = 0.0;
  if (have[FC_PATH_ISA_AVX2])
    {
      worst = worst_relative (r[FC_PATH_ISA_DEFAULT], r[FC_PATH_ISA_AVX2], n,
                              d);
      ck_assert_msg (worst <= TOL_BASELINE (d, g->n_comp),
                     "baseline vs AVX2: %.3g > %.3g (D=%zu K=%zu t=%g "
                     "div=%d)",
                     worst, TOL_BASELINE (d, g->n_comp), d, g->n_comp, t,
                     with_div);
    }
  for (int isa = 0; isa < FC_PATH_ISA_COUNT; isa++)
    free (r[isa]);
  return worst;
}

/* Dimensions around every block boundary of fc_gemm.h and of the lane
   kernel (fc_path_small.h: D <= 16 at alpha >= 1/4; 1 to 4 and 16 with D
   a constant, the others not): below 8 (dot products), 8 and 16 (one block), 13 and 37 (leftover columns), 24 (a
   16-wide and an 8-wide block), 64 (four 16-wide blocks); 21 points (two
   8-row blocks, then 4 and 1; three 6-row blocks, then 2 and 1).  */
FC_TEST ("isa", test_variants_agree)
{
  const size_t dims[] = { 1, 2, 3, 4, 7, 8, 13, 16, 24, 37, 64 };
  /* t = 0: alpha = 0 (eigenbasis); 0.1: the Cholesky form with the full
     products (alpha < 1/4); 0.3, 0.7, 1: the score form, the lane kernel
     up to D = 16.  */
  const double ts[] = { 0.0, 0.1, 0.3, 0.7, 1.0 };
  const size_t n = 21, nk = 3;
  size_t nd = fc_under_valgrind () ? 7 : 11;
  double worst = 0.0;
  for (size_t id = 0; id < nd; id++)
    {
      fc_gmm *g = make_mixture (dims[id], nk, LAM_MIN, 100 + id);
      for (size_t it = 0; it < 5; it++)
        {
          double *x = make_points (g, FC_SCHEDULE_LINEAR, ts[it], n, 7 + it);
          for (int with_div = 0; with_div < 2; with_div++)
            worst = GSL_MAX (worst, check_variants (g, ts[it], n, x,
                                                    with_div));
          free (x);
        }
      fc_gmm_free (g);
    }
  for (int isa = 0; isa < FC_PATH_ISA_COUNT; isa++)
    if (!fc_path_isa_supported ((fc_path_isa) isa))
      fprintf (stderr, "# variant %s not supported here: skipped\n",
               fc_path_isa_name ((fc_path_isa) isa));
  fprintf (stderr, "# baseline vs AVX2: worst relative difference %.3g\n",
           worst);
}
END_TEST

/* The kernel (Cholesky form, and the eigenbasis with the divergence) at
   D = 24 and 64 against the reference, all quantities but the divergence,
   which the reference computes only at small D quickly enough.  */
FC_TEST ("isa", test_cholesky_form_matches_reference_at_large_d)
{
  const size_t dims[] = { 24, 64 }, n = 11, nk = 4;
  const double ts[] = { 0.3, 0.7, 1.0 };
  const fc_quantity qs[] = { FC_Q_LOGP, FC_Q_SCORE, FC_Q_VELOCITY,
                             FC_Q_X1HAT, FC_Q_X0HAT };
  for (size_t id = 0; id < (fc_under_valgrind () ? 1 : 2); id++)
    {
      size_t d = dims[id];
      fc_gmm *g = make_mixture (d, nk, LAM_MIN, 200 + id);
      for (size_t it = 0; it < 3; it++)
        {
          double *x = make_points (g, FC_SCHEDULE_LINEAR, ts[it], n, 31);
          for (size_t iq = 0; iq < 5; iq++)
            compare_with_reference (g, FC_SCHEDULE_LINEAR, ts[it], qs[iq], n,
                                    x, TOL_REF);
          free (x);
        }
      fc_gmm_free (g);
    }
}
END_TEST

/* A nearly singular S_k (lambda_min = 1e-7) at t = 0.999: cond(C_k) ~
   (0.998 * 2 + 1e-6) / 1.1e-6 ~ 2e6 > 1e4, so the eigenbasis form runs
   for the vector quantities too; it stays within the reference's
   tolerance, widened by cond / KAPPA_MAX for the reference's own
   Cholesky solves (eps cond ~ 4e-10 relative).  */
FC_TEST ("isa", test_badly_conditioned_components_use_the_eigenbasis)
{
  const size_t d = 6, n = 9, nk = 3;
  const double t = 0.999, cond = 2e6;
  fc_gmm *g = make_mixture (d, nk, 1e-7, 301);
  double *x = make_points (g, FC_SCHEDULE_LINEAR, t, n, 37);
  for (int q = FC_Q_SCORE; q <= FC_Q_X0HAT; q++)
    compare_with_reference (g, FC_SCHEDULE_LINEAR, t, (fc_quantity) q, n, x,
                            TOL_REF * cond / KAPPA_MAX);
  free (x);
  fc_gmm_free (g);
}
END_TEST

FC_CK_MAIN ("path_isa")
