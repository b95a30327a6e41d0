/* tests/check_compare.c -- a sample against an exact mixture (fc_compare.h)
 * and the mixture's fourth moments (fc_gmm_fourth_moments).
 *
 * The comparison must pass exact draws and fail shifted ones: a shift of
 * half a standard deviation in 2000 draws is a z of about 22, far past any
 * band, and moves the sliced W2 well above its exact-vs-exact noise.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include "fc_check.h"
#include "fc_compare.h"
#include "fc_gmm.h"
#include "fc_rng.h"
#include "fc_spec.h"

#define SEED 20240501UL
#define N 2000

static const fc_compare_plan plan = { 64, 8, Z_MAX, 500, 199 };

/* The mixture of every comparison, 8gaussians, and N exact draws of it
   (stream SEED, 99), made afresh for each test by the fixture.  */
static fc_gmm *g;
static double *x;

static void
draws_setup (void)
{
  g = fc_spec_builtin ("8gaussians");
  ck_assert_ptr_nonnull (g);
  x = malloc (N * 2 * sizeof *x);
  ck_assert_ptr_nonnull (x);
  ck_assert_int_eq (fc_gmm_sample (g, fc_rng_stream_seed (SEED, 99), N, x),
                    GSL_SUCCESS);
}

static void
draws_teardown (void)
{
  free (x);
  fc_gmm_free (g);
}

FC_FIXTURE ("comparison", draws_setup, draws_teardown)

/* The draws shifted by SHIFT standard deviations of the first coordinate
   along it.  */
static void
shift_draws (double shift)
{
  double mean[2], cov[4];
  ck_assert_int_eq (fc_gmm_moments (g, mean, cov), GSL_SUCCESS);
  for (size_t i = 0; i < N; i++)
    x[2 * i] += shift * sqrt (cov[0]);
}

FC_TEST ("fourth moments", test_fourth_moments_are_exact_for_a_symmetric_pair)
{
  /* 0.5 N(1, 1/4) + 0.5 N(-1, 1/4): mean 0 and E x^4 = 1 + 6/4 + 3/16.  */
  static const double m1[1] = { 1.0 }, m2[1] = { -1.0 }, v[1] = { 0.25 };
  fc_gmm *pair = fc_gmm_alloc (1, 2);
  ck_assert_int_eq (fc_gmm_set_component (pair, 0, 1.0, m1, v), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_set_component (pair, 1, 1.0, m2, v), GSL_SUCCESS);
  double mean[1] = { 0.0 }, m4[1];
  ck_assert_int_eq (fc_gmm_fourth_moments (pair, mean, m4), GSL_EINVAL);
  ck_assert_int_eq (fc_gmm_prepare (pair), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_fourth_moments (pair, mean, m4), GSL_SUCCESS);
  fc_ck_assert_rel (m4[0], 2.6875, TOL_EPS (4), "E x^4");
  /* About another centre c the Gaussian part stays and the shift adds:
     E (x - 1)^4 = 0.5 (3/16) + 0.5 (16 + 6 * 4/4 + 3/16).  */
  mean[0] = 1.0;
  ck_assert_int_eq (fc_gmm_fourth_moments (pair, mean, m4), GSL_SUCCESS);
  fc_ck_assert_rel (m4[0], 0.5 * 0.1875 + 0.5 * (16.0 + 6.0 + 0.1875),
                    TOL_EPS (4), "E (x - 1)^4");
  fc_gmm_free (pair);
}
END_TEST

FC_TEST ("comparison", test_exact_draws_pass_every_comparison)
{
  fc_compare_result r;
  ck_assert_int_eq (fc_compare_sample (g, N, x, &plan, SEED, &r), GSL_SUCCESS);
  double band = fc_compare_z_band (1e-3, 4);
  ck_assert_msg (r.z_mean <= band && r.z_var <= band, "z %g %g band %g",
                 r.z_mean, r.z_var, band);
  ck_assert_msg (r.w2 <= r.w2_tol, "W2 %g above %g", r.w2, r.w2_tol);
  ck_assert_msg (r.pvalue >= 1e-3, "p %g", r.pvalue);
  ck_assert (r.w2_noise > 0.0 && r.w2_noise_sd > 0.0);
  fc_ck_assert_rel (r.w2_tol, r.w2_noise + Z_MAX * r.w2_noise_sd, TOL_EPS (2),
                    "band");
  /* The noise level alone is the same figure: the same streams.  */
  double m0, s0;
  ck_assert_int_eq (fc_compare_w2_noise (g, N, plan.n_rep, plan.n_proj, SEED,
                                         &m0, &s0), GSL_SUCCESS);
  ck_assert (m0 == r.w2_noise && s0 == r.w2_noise_sd);
}
END_TEST

FC_TEST ("comparison", test_shifted_draws_fail_every_comparison)
{
  shift_draws (0.5);
  fc_compare_result r;
  ck_assert_int_eq (fc_compare_sample (g, N, x, &plan, SEED, &r), GSL_SUCCESS);
  ck_assert_msg (r.z_mean > 20.0, "z_mean %g", r.z_mean);
  ck_assert_msg (r.w2 > r.w2_tol, "W2 %g within %g", r.w2, r.w2_tol);
  ck_assert_msg (r.pvalue < 0.01, "p %g", r.pvalue);
  /* Both coordinates have variance 8 E[cos^2] + 0.125 = 4.125.  */
  fc_ck_assert_rel (r.se_min, sqrt (4.125 / (double) N),
                    TOL_EPS (64), "se_min");
}
END_TEST

FC_TEST ("comparison", test_same_seed_same_figures_and_nan_for_what_is_not_measured)
{
  fc_compare_result a, b;
  ck_assert_int_eq (fc_compare_sample (g, N, x, &plan, SEED, &a), GSL_SUCCESS);
  ck_assert_int_eq (fc_compare_sample (g, N, x, &plan, SEED, &b), GSL_SUCCESS);
  ck_assert (a.z_mean == b.z_mean && a.w2 == b.w2 && a.pvalue == b.pvalue
             && a.w2_tol == b.w2_tol);
  fc_compare_plan moments_only = { 64, 0, Z_MAX, 0, 0 };
  ck_assert_int_eq (fc_compare_sample (g, N, x, &moments_only, SEED, &b),
                    GSL_SUCCESS);
  ck_assert (b.z_mean == a.z_mean && b.z_var == a.z_var);
  ck_assert (isnan (b.w2) && isnan (b.w2_tol) && isnan (b.pvalue));
}
END_TEST

FC_TEST ("comparison", test_bad_plans_are_refused)
{
  double m0, s0;
  fc_compare_result r;
  fc_compare_plan p = plan;
  p.n_two = N + 1;
  ck_assert_int_eq (fc_compare_sample (g, N, x, &p, SEED, &r), GSL_EINVAL);
  p = plan;
  p.n_rep = 1;
  ck_assert_int_eq (fc_compare_sample (g, N, x, &p, SEED, &r), GSL_EINVAL);
  ck_assert_int_eq (fc_compare_sample (g, 1, x, &plan, SEED, &r), GSL_EINVAL);
  ck_assert_int_eq (fc_compare_w2_noise (g, N, 1, 64, SEED, &m0, &s0),
                    GSL_EINVAL);
}
END_TEST

FC_TEST ("band", test_bonferroni_band_is_the_two_sided_quantile)
{
  /* Qinv (0.025) = 1.959963984540054 (Abramowitz and Stegun 26.2).  */
  fc_ck_assert_rel (fc_compare_z_band (0.05, 1), 1.959963984540054,
                    TOL_EPS (16), "m = 1");
  fc_ck_assert_rel (fc_compare_z_band (0.05, 10), fc_compare_z_band (0.005, 1),
                    TOL_EPS (16), "alpha / m");
  ck_assert (fc_compare_z_band (1e-4, 36) > fc_compare_z_band (1e-4, 6));
}
END_TEST

FC_CK_MAIN ("compare")
