/* tests/check_train_cfm_exact.c -- the closed-form field of
 * experiments/train-cfm (train_cfm_exact.c) against the library's oracle.
 *
 * With sigma = 0 both paths of train-cfm reduce to the linear schedule of
 * fc_path (alpha = t, sigma_t = 1 - t): icfm's x_t = (1 - t) x0 + t x1 and
 * fm's x_t = t x1 + (1 - t) x0.  From N(0, I) to a mixture the exact field
 * u_t(x) = E[a' x0 + b' x1 | x_t = x] must then equal fc_path's velocity,
 * computed another way (in each component's eigenbasis, where
 * train_cfm_exact.c uses a Cholesky inverse per pair).  Both are the same
 * weighted average of affine component fields; each weight's logarithm
 * carries a relative round-off of about (|log w| + q) eps with q the
 * Mahalanobis term, below 100 at these points, so the two agree within
 * TOL = TOL_EPS (1024) (1 + |u|), an order of magnitude to spare.
 * Also: with sigma > 0 a law of point masses on both sides is accepted
 * (every pair covariance is sigma^2 I), with sigma = 0 it is refused.  */
#include <config.h>

#include <math.h>
#include <gsl/gsl_errno.h>

#include "fc_check.h"
#include "fc_path.h"
#include "fc_spec.h"
#include "train_cfm.h"

#define NPTS 64

static void
fill_points (double *x)
{
  for (size_t i = 0; i < 2 * NPTS; i++)
    x[i] = 2.5 * sin (1.7 * (double) i + 0.3);
}

FC_LOOP_TEST ("oracle", test_exact_field_is_the_linear_schedule_field, 4)
{
  const char *data = _i % 2 ? "moons" : "8gaussians";
  int fm_path = _i / 2;
  char err[128];
  fc_gmm *target = fc_spec_load (data, err, sizeof err);
  tc_law source;
  tc_law_load ("--source", "gaussian", &source);
  ck_assert_ptr_nonnull (target);
  tc_exact *e = tc_exact_alloc (source.gmm, target, fm_path, 0.0);
  ck_assert_ptr_nonnull (e);
  double x[2 * NPTS], u[2 * NPTS], v[2 * NPTS];
  fill_points (x);
  for (int k = 0; k <= 10; k++)
    {
      double t = 0.05 + 0.09 * k;
      ck_assert_int_eq (tc_exact_velocity (t, NPTS, x, u, NULL, e),
                        GSL_SUCCESS);
      ck_assert_int_eq (fc_path_eval (target, FC_SCHEDULE_LINEAR, t,
                                      FC_Q_VELOCITY, NPTS, x, v),
                        GSL_SUCCESS);
      for (size_t i = 0; i < 2 * NPTS; i++)
        fc_ck_assert_abs (u[i], v[i], TOL_EPS (1024) * (1.0 + fabs (v[i])),
                          "%s, fm %d, t %g, entry %zu", data, fm_path, t, i);
    }
  tc_exact_free (e);
  fc_gmm_free (target);
  tc_law_free (&source);
}
END_TEST

FC_TEST ("point masses", test_point_masses_need_sigma)
{
  const double pts[6] = { 0.0, 0.0, 1.0, 0.5, -1.0, 2.0 };
  fc_gmm *p0 = fc_gmm_point_masses (2, 3, pts, NULL);
  fc_gmm *p1 = fc_gmm_point_masses (2, 2, pts + 2, NULL);
  double x[2] = { 0.3, 0.4 }, u[2];
  tc_exact *e = tc_exact_alloc (p0, p1, 0, 0.1);
  ck_assert_int_eq (tc_exact_velocity (1.0, 1, x, u, NULL, e), GSL_SUCCESS);
  ck_assert (isfinite (u[0]) && isfinite (u[1]));
  tc_exact_free (e);
  e = tc_exact_alloc (p0, p1, 0, 0.0);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  ck_assert_int_eq (tc_exact_velocity (0.5, 1, x, u, NULL, e), GSL_EDOM);
  gsl_set_error_handler (old);
  tc_exact_free (e);
  fc_gmm_free (p0);
  fc_gmm_free (p1);
}
END_TEST

FC_CK_MAIN ("train_cfm_exact")
