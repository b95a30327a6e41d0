/* tests/check_fd.c -- continuity residual and convergence-order fits.
 *
 * Claims: the central-difference residual is exact (to round-off) on
 * fields whose quotients have no truncation error, evaluates the flux at
 * time t, costs 2 + 2D batched calls; it shrinks at order 2 for a
 * density-field pair that solves the continuity equation and tends to a
 * nonzero limit for one that does not (L "Background: continuity
 * equation"); the order fit recovers exact power laws.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fc_check.h"
#include "fc_fd.h"

#define DIM 2
#define NPTS 7

/* High-entropy points, spread over about two standard deviations of the
   Gaussian below.  */
static const double points[NPTS * DIM]
    = { 0.381966, -0.236068, -0.618034, 0.145898, 1.1180339, 0.7071068,
        -0.9442719, -1.3416408, 0.0901699, 0.5527864, 1.4472136, -0.2763932,
        -0.3090170, 0.9510565 };

/* ------------------------------------------------------------ fields */

/* p(t, x) = 1 + a t^2 + b t x0 + c x1 with u = (k0, k1 x0): every central
   quotient of the residual acts on a polynomial of degree <= 2 in the
   variable it differences, so R_h equals the exact residual
   2 a t + b x0 + k0 b t + k1 c x0 for every h, up to round-off.  */
#define POLY_A 0.381966
#define POLY_B 0.618034
#define POLY_C -0.2763932
#define POLY_K0 1.4142136
#define POLY_K1 -0.7320508

typedef struct
{
  int calls;
  int fail_at; /* return GSL_EDOM on this call (1-based), 0 never */
} count_params;

static int
poly_field (double t, size_t n, const double *x, double *p, double *u,
            void *params)
{
  count_params *cp = params;
  if (cp)
    {
      cp->calls++;
      if (cp->fail_at == cp->calls)
        return GSL_EDOM;
    }
  for (size_t i = 0; i < n; i++)
    {
      const double *xi = x + i * DIM;
      p[i] = 1.0 + POLY_A * t * t + POLY_B * t * xi[0] + POLY_C * xi[1];
      u[i * DIM] = POLY_K0;
      u[i * DIM + 1] = POLY_K1 * xi[0];
    }
  return GSL_SUCCESS;
}

static double
poly_residual (double t, const double *x)
{
  return 2.0 * POLY_A * t + POLY_B * x[0] + POLY_K0 * POLY_B * t
         + POLY_K1 * POLY_C * x[0];
}

/* A Gaussian moving and contracting: p_t = N(m(t), s(t)^2 I) with
   m(t) = (0.7 t, -0.3 t^2), s(t) = 1 - 0.618034 t.  The affine field
   u = m' + (s'/s)(x - m) transports it exactly (the flow is
   x -> m(t) + s(t) z), so the continuity residual is zero; dropping the
   contraction term (WRONG = 1) leaves a field that does not.  */
typedef struct
{
  int wrong;
} gauss_params;

static void
gauss_path (double t, double m[DIM], double dm[DIM], double *s, double *ds)
{
  m[0] = 0.7 * t;
  m[1] = -0.3 * t * t;
  dm[0] = 0.7;
  dm[1] = -0.6 * t;
  *s = 1.0 - 0.618034 * t;
  *ds = -0.618034;
}

static int
gauss_field (double t, size_t n, const double *x, double *p, double *u,
             void *params)
{
  const gauss_params *gp = params;
  double m[DIM], dm[DIM], s, ds;
  gauss_path (t, m, dm, &s, &ds);
  for (size_t i = 0; i < n; i++)
    {
      double r2 = 0.0;
      for (size_t j = 0; j < DIM; j++)
        {
          double d = x[i * DIM + j] - m[j];
          r2 += d * d;
          u[i * DIM + j] = dm[j] + (gp->wrong ? 0.0 : ds / s * d);
        }
      p[i] = exp (-0.5 * r2 / (s * s)) / (2.0 * M_PI * s * s);
    }
  return GSL_SUCCESS;
}

/* ------------------------------------------------------------ residual */

/* The residual of the polynomial pair at T with step H at the points
   into RES (and dp/dt into DPDT unless NULL), the field's calls counted in
   CP unless NULL; the status of fc_fd_continuity_residual.  */
static int
poly_residual_at (count_params *cp, double t, double h, double *res,
                  double *dpdt)
{
  return fc_fd_continuity_residual (poly_field, cp, DIM, t, h, NPTS, points,
                                    res, dpdt);
}

/* Times and steps of the exactness test; 0.75 + 0.25 = 1 exactly: the
   stencil may reach t = 1.  */
static const double exact_th[][2]
    = { { 0.381966, 0.1 }, { 0.75, 0.25 }, { 0.05, 0.05 } };

FC_LOOP_TEST ("residual", test_residual_is_exact_on_quadratic_polynomials,
              (int) (sizeof exact_th / sizeof exact_th[0]))
{
  /* The residual has no truncation error here, so it must match the
     exact one to round-off: quotients of O(1) values lose about
     eps / h relative, h >= 0.01, three terms: TOL_EPS(16) / h.  */
  double t = exact_th[_i][0], h = exact_th[_i][1];
  double res[NPTS], dpdt[NPTS], res_alone[NPTS];
  count_params cp = { 0, 0 };
  ck_assert_int_eq (poly_residual_at (&cp, t, h, res, dpdt), GSL_SUCCESS);
  ck_assert_int_eq (cp.calls, 2 + 2 * DIM);
  /* dp/dt is a by-product: without it the residual is the same.  */
  ck_assert_int_eq (poly_residual_at (NULL, t, h, res_alone, NULL),
                    GSL_SUCCESS);
  ck_assert_int_eq (memcmp (res, res_alone, sizeof res), 0);
  for (size_t i = 0; i < NPTS; i++)
    {
      const double *xi = points + i * DIM;
      fc_ck_assert_abs (res[i], poly_residual (t, xi), TOL_EPS (16) / h,
                        "R_h t=%g h=%g point %zu", t, h, i);
      fc_ck_assert_abs (dpdt[i], 2.0 * POLY_A * t + POLY_B * xi[0],
                        TOL_EPS (16) / h, "dp/dt t=%g point %zu", t, i);
    }
}
END_TEST

FC_TEST ("residual", test_residual_rejects_stencils_leaving_unit_interval)
{
  /* t = 0 and t = 1 have no central stencil; a step must be positive.  */
  static const double bad_th[][2] = { { 0.0, 0.01 }, { 1.0, 0.01 },
                                      { 0.5, 0.0 }, { 0.5, -0.1 },
                                      { 0.5, NAN } };
  double res[NPTS];
  for (size_t k = 0; k < sizeof bad_th / sizeof bad_th[0]; k++)
    ck_assert_msg (poly_residual_at (NULL, bad_th[k][0], bad_th[k][1], res,
                                     NULL) == GSL_EDOM,
                   "t=%g h=%g not refused", bad_th[k][0], bad_th[k][1]);
}
END_TEST

FC_TEST ("residual", test_residual_propagates_field_failure)
{
  /* Fail at the first time call, the second, and the last space call. */
  const int at[3] = { 1, 2, 2 + 2 * DIM };
  double res[NPTS];
  for (size_t k = 0; k < 3; k++)
    {
      count_params cp = { 0, at[k] };
      ck_assert_int_eq (poly_residual_at (&cp, 0.5, 0.1, res, NULL), GSL_EDOM);
      ck_assert_int_eq (cp.calls, at[k]);
    }
}
END_TEST

/* RMS residual of the Gaussian pair at t for each h of HS (nh).  */
static void
gauss_residuals (int wrong, double t, size_t nh, const double *hs,
                 double *err)
{
  gauss_params gp = { wrong };
  double res[NPTS];
  for (size_t k = 0; k < nh; k++)
    {
      ck_assert_int_eq (fc_fd_continuity_residual (gauss_field, &gp, DIM, t,
                                                   hs[k], NPTS, points, res,
                                                   NULL),
                        GSL_SUCCESS);
      err[k] = fc_fd_rms (NPTS, res);
    }
}

#define NH 5

/* The residuals ERR of the Gaussian pair (WRONG: with the wrong field) at
   T for the NH steps HS = 0.1 / 2^k, and the local orders of successive
   pairs of steps into LOCAL (NH - 1); returns the fitted order.  */
static double
gauss_orders (int wrong, double t, double *hs, double *err, double *local)
{
  double order, log_c, se;
  for (size_t k = 0; k < NH; k++)
    hs[k] = 0.1 / pow (2.0, (double) k);
  gauss_residuals (wrong, t, NH, hs, err);
  ck_assert_int_eq (fc_fd_order_fit (NH, hs, err, &order, &log_c, &se),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_fd_local_orders (NH, hs, err, local), GSL_SUCCESS);
  return order;
}

FC_TEST ("residual", test_residual_of_true_pair_shrinks_at_order_2)
{
  /* R_h = c2 h^2 + c4 h^4 + ...: the fitted slope differs from 2 by the
     weight of the h^4 term, which the local orders measure directly (they
     are 2 + O(h^2)).  The band is the largest local deviation, that of
     the coarsest pair; the deviations must also shrink under refinement,
     as an h^4 term makes them (by about 4 per halving; 2 is asked).  */
  const double t = 0.381966;
  double hs[NH], err[NH], local[NH - 1];
  double order = gauss_orders (0, t, hs, err, local), band = 0.0;
  for (size_t k = 0; k + 1 < NH; k++)
    band = fmax (band, fabs (local[k] - 2.0));
  for (size_t k = 0; k + 2 < NH; k++)
    ck_assert_msg (fabs (local[k + 1] - 2.0) <= 0.5 * fabs (local[k] - 2.0),
                   "local order deviation %g then %g does not shrink",
                   local[k] - 2.0, local[k + 1] - 2.0);
  fc_ck_assert_abs (order, 2.0, band, "fitted order of the true pair");
  ck_assert_msg (band < 0.1, "coarsest local order %g too far from 2",
                 local[0]);
}
END_TEST

FC_TEST ("residual", test_residual_of_wrong_field_does_not_shrink)
{
  /* R_h -> R_0 != 0: the residual tends to the exact (nonzero) residual
     of the wrong field, so the fitted order is 0 up to the h^2 correction
     c2 h^2 / R_0, measured again by the local orders.  */
  const double t = 0.381966;
  double hs[NH], err[NH], local[NH - 1];
  double order = gauss_orders (1, t, hs, err, local), band = 0.0;
  for (size_t k = 0; k + 1 < NH; k++)
    band = fmax (band, fabs (local[k]));
  fc_ck_assert_abs (order, 0.0, band, "fitted order of the wrong field");
  ck_assert_msg (band < 0.1, "wrong field: local order %g not near 0", band);
  /* The limit is the exact residual of the wrong field: with p Gaussian
     and u = m', div (p u) = -p (x - m).m'/s^2 and dp/dt = p [(x - m).m'/s^2
     + (|x - m|^2/s^2 - D) s'/s], so R_0 = p (|x - m|^2/s^2 - D) s'/s.  */
  double m[DIM], dm[DIM], s, ds, r0[NPTS], p[NPTS], u[NPTS * DIM];
  gauss_params gp = { 1 };
  gauss_path (t, m, dm, &s, &ds);
  gauss_field (t, NPTS, points, p, u, &gp);
  for (size_t i = 0; i < NPTS; i++)
    {
      double r2 = 0.0;
      for (size_t j = 0; j < DIM; j++)
        r2 += pow (points[i * DIM + j] - m[j], 2);
      r0[i] = p[i] * (r2 / (s * s) - DIM) * ds / s;
    }
  /* With err_h ~ |R_0| + c h^2, the last two levels give the truncation
     at the finest h as c h_min^2 = (err[NH-2] - err[NH-1]) / 3; the band
     is 4 times that estimate.  */
  double trunc = fabs (err[NH - 2] - err[NH - 1]) / 3.0;
  fc_ck_assert_abs (err[NH - 1], fc_fd_rms (NPTS, r0), 4.0 * trunc,
                    "rms residual of the wrong field at h = %g", hs[NH - 1]);
}
END_TEST

/* ------------------------------------------------------------ fits */

FC_TEST ("fit", test_order_fit_recovers_exact_power_law)
{
  /* err = 2.618034 h^2.381966 exactly: log err is linear in log h up to
     one rounding of each log, so slope and intercept agree to a few eps
     times the log range (about 10): TOL_EPS(256).  */
  const size_t n = 6;
  double h[6], err[6], local[5], order, log_c, se;
  for (size_t i = 0; i < n; i++)
    {
      h[i] = 0.3 * pow (0.61803, (double) i);
      err[i] = 2.618034 * pow (h[i], 2.381966);
    }
  ck_assert_int_eq (fc_fd_order_fit (n, h, err, &order, &log_c, &se),
                    GSL_SUCCESS);
  fc_ck_assert_abs (order, 2.381966, TOL_EPS (256), "fitted order");
  fc_ck_assert_abs (log_c, log (2.618034), TOL_EPS (256), "fitted log c");
  fc_ck_assert_abs (se, 0.0, TOL_EPS (256), "slope stderr of exact law");
  ck_assert_int_eq (fc_fd_local_orders (n, h, err, local), GSL_SUCCESS);
  for (size_t i = 0; i + 1 < n; i++)
    fc_ck_assert_abs (local[i], 2.381966, TOL_EPS (256), "local order %zu",
                      i);
  /* Two points: an interpolating line, standard error 0 by contract.  */
  ck_assert_int_eq (fc_fd_order_fit (2, h, err, &order, NULL, &se),
                    GSL_SUCCESS);
  fc_ck_assert_abs (order, 2.381966, TOL_EPS (256), "two-point order");
  ck_assert_double_eq (se, 0.0);
}
END_TEST

FC_TEST ("fit", test_order_fit_stderr_matches_hand_computation)
{
  /* Three points log h = -1, 0, 1 with log err = 2 log h + (e, -2e, e):
     slope 2 exactly, residual sum of squares 6 e^2, Sxx = 2, so
     stderr = sqrt(6 e^2 / (3 - 2) / 2) = sqrt(3) e.  */
  const double e = 0.0381966;
  double h[3], err[3], order, se;
  const double dev[3] = { e, -2.0 * e, e };
  for (int i = 0; i < 3; i++)
    {
      h[i] = exp ((double) (i - 1));
      err[i] = exp (2.0 * (i - 1) + dev[i]);
    }
  ck_assert_int_eq (fc_fd_order_fit (3, h, err, &order, NULL, &se),
                    GSL_SUCCESS);
  fc_ck_assert_abs (order, 2.0, TOL_EPS (64), "slope");
  fc_ck_assert_rel (se, sqrt (3.0) * e, TOL_EPS (1024), "slope stderr");
}
END_TEST

FC_TEST ("fit", test_order_fit_rejects_bad_input)
{
  double h[3] = { 0.1, 0.05, 0.025 }, err[3] = { 1e-2, 2.5e-3, 6.25e-4 };
  double order, local[2];
  ck_assert_int_eq (fc_fd_order_fit (1, h, err, &order, NULL, NULL),
                    GSL_EDOM);
  err[1] = 0.0;
  ck_assert_int_eq (fc_fd_order_fit (3, h, err, &order, NULL, NULL),
                    GSL_EDOM);
  ck_assert_int_eq (fc_fd_local_orders (3, h, err, local), GSL_EDOM);
  err[1] = NAN;
  ck_assert_int_eq (fc_fd_order_fit (3, h, err, &order, NULL, NULL),
                    GSL_EDOM);
  err[1] = 2.5e-3;
  h[2] = -0.025;
  ck_assert_int_eq (fc_fd_order_fit (3, h, err, &order, NULL, NULL),
                    GSL_EDOM);
  h[2] = 0.05;
  ck_assert_int_eq (fc_fd_local_orders (3, h, err, local), GSL_EDOM);
  ck_assert_int_eq (fc_fd_local_orders (1, h, err, local), GSL_EDOM);
}
END_TEST

FC_TEST ("fit", test_rms_is_scaled_two_norm_without_overflow)
{
  const double v[2] = { 3.0, 4.0 };
  fc_ck_assert_rel (fc_fd_rms (2, v), sqrt (12.5), TOL_EPS (4), "rms(3,4)");
  const double big[2] = { 3e200, 4e200 };
  fc_ck_assert_rel (fc_fd_rms (2, big), sqrt (12.5) * 1e200, TOL_EPS (4),
                    "rms without overflow");
  ck_assert (isnan (fc_fd_rms (0, v)));
}
END_TEST

FC_CK_MAIN ("fd")
