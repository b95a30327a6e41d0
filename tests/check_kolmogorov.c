/* tests/check_kolmogorov.c -- the 1-D backward Kolmogorov and
 * Fokker-Planck solver (fc_kolmogorov.h) against closed forms.
 *
 * f = 0 (Brownian motion) and f = -theta x (Ornstein-Uhlenbeck) have
 * Gaussian transition densities: with tau = T - t,
 *   h(t, x)        = N(x_T; m x, v(tau)),  m = exp(-theta tau),
 *   d_x log h      = m (x_T - m x) / v(tau),
 *   p(t, x | x0)   = N(x; exp(-theta t) x0, v(t)),
 *   v(s)           = sigma^2 (1 - exp(-2 theta s)) / (2 theta)   (sigma^2 s
 *                    for theta = 0).
 * The scheme is second order in dx and dt (dt proportional to dx here),
 * so the largest error over a window of points and times is fitted
 * against dx over four halvings: the slope must be 2 within ORDER_BAND.
 * Conservation of the forward mass and the discrete duality
 * sum p h dx = const hold to round-off; the error paths are provoked.  */
#include <config.h>

#include <math.h>
#include <stdio.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>

#include "fc_check.h"
#include "fc_fd.h"
#include "fc_kolmogorov.h"

#define SIGMA 0.7
#define THETA 1.3
#define X_T 0.381966
#define X_0 (-0.236068)
#define T_END 1.0
#define DOMAIN 3.5

/* Order band: the error is c2 dx^2 + c4 dx^4 (the scheme is symmetric);
   on the coarsest grid dx = 0.1 against the shortest scale of the
   solutions checked, sqrt(v(0.25)) >= 0.3, the relative size of the next
   term is (0.1/0.3)^2 = 0.11, so the fitted slope is 2 within 0.25.  */
#define ORDER_BAND 0.25
#define NLEV 4

static double theta_now;

static int
drift_ou (double t, size_t n, const double *x, double *f, void *params)
{
  (void) t, (void) params;
  for (size_t i = 0; i < n; i++)
    f[i] = -theta_now * x[i];
  return GSL_SUCCESS;
}

static int
drift_fails (double t, size_t n, const double *x, double *f, void *params)
{
  (void) t, (void) n, (void) x, (void) f, (void) params;
  return GSL_EBADFUNC;
}

static int
drift_steep (double t, size_t n, const double *x, double *f, void *params)
{
  (void) t, (void) params;
  for (size_t i = 0; i < n; i++)
    f[i] = -100.0 * x[i];
  return GSL_SUCCESS;
}

static double
var_at (double theta, double s)
{
  if (theta == 0.0)
    return SIGMA * SIGMA * s;
  return SIGMA * SIGMA * -expm1 (-2.0 * theta * s) / (2.0 * theta);
}

static double
npdf (double x, double m, double v)
{
  return exp (-(x - m) * (x - m) / (2.0 * v)) / sqrt (2.0 * M_PI * v);
}

/* Grid level L: dx = 0.1 / 2^l, dt = 0.05 / 2^l, levels kept at t = 0,
   0.25, 0.5, 0.75, 1.  */
static fc_kolmogorov *
solver_at (size_t l, fc_drift_fn drift)
{
  size_t r = (size_t) 1 << l;
  fc_kolmogorov_spec s = { drift, NULL, SIGMA, -DOMAIN, DOMAIN, 70 * r + 1,
                           0.0, T_END, 20 * r, 5 * r, 2, 1e-12 };
  fc_kolmogorov *k = fc_kolmogorov_alloc (&s);
  ck_assert_ptr_nonnull (k);
  ck_assert_int_eq (fc_kolmogorov_solve_backward (k, FC_KOLMOGOROV_DELTA, X_T, 0.0),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_kolmogorov_solve_forward (k, X_0), GSL_SUCCESS);
  return k;
}

/* Largest errors of h (relative), d_x log h and p (relative to max p)
   over x in [-1.5, 1.5] at t = 0, 0.25, 0.5 (h, d_x log h) and
   t = 0.25, 0.5, 0.75 (p).  */
static void
errors_at (const fc_kolmogorov *k, double theta, double *eh, double *eg,
           double *ep)
{
  *eh = *eg = *ep = 0.0;
  for (size_t j = 0; j < 3; j++)
    {
      double t = 0.25 * (double) j, tp = 0.25 * (double) (j + 1);
      double tau = T_END - t, m = exp (-theta * tau), v = var_at (theta, tau);
      double mp = exp (-theta * tp) * X_0, vp = var_at (theta, tp);
      for (int i = -15; i <= 15; i++)
        {
          double x = 0.1 * i + 0.0381966, h, g, p;
          ck_assert_int_eq (fc_kolmogorov_h (k, t, 1, &x, &h), GSL_SUCCESS);
          ck_assert_int_eq (fc_kolmogorov_dlogh (k, t, 1, &x, &g, NULL), GSL_SUCCESS);
          ck_assert_int_eq (fc_kolmogorov_density (k, tp, 1, &x, &p), GSL_SUCCESS);
          double he = npdf (X_T, m * x, v), ge = m * (X_T - m * x) / v;
          *eh = GSL_MAX (*eh, fabs (h / he - 1.0));
          *eg = GSL_MAX (*eg, fabs (g - ge));
          *ep = GSL_MAX (*ep, fabs (p - npdf (x, mp, vp)) * sqrt (2.0 * M_PI * vp));
        }
    }
}

static void
check_orders (double theta)
{
  double dx[NLEV], eh[NLEV], eg[NLEV], ep[NLEV];
  theta_now = theta;
  for (size_t l = 0; l < NLEV; l++)
    {
      fc_kolmogorov *k = solver_at (l, drift_ou);
      dx[l] = fc_kolmogorov_dx (k);
      errors_at (k, theta, &eh[l], &eg[l], &ep[l]);
      fc_kolmogorov_free (k);
    }
  const double *err[3] = { eh, eg, ep };
  static const char *const name[3] = { "h", "dlogh", "p" };
  for (size_t q = 0; q < 3; q++)
    {
      double order, log_c, se;
      ck_assert_int_eq (fc_fd_order_fit (NLEV, dx, err[q], &order, &log_c, &se),
                        GSL_SUCCESS);
      fc_ck_assert_abs (order, 2.0, ORDER_BAND, "theta %g: order of %s (errors "
                        "%.3g .. %.3g)", theta, name[q], err[q][0], err[q][NLEV - 1]);
    }
}

FC_TEST ("kolmogorov", test_heat_kernel_h_dlogh_and_density_converge_at_order_two)
{
  check_orders (0.0);
}
END_TEST

FC_TEST ("kolmogorov", test_ou_transition_density_h_dlogh_converge_at_order_two)
{
  check_orders (THETA);
}
END_TEST

/* Mass: 1^T L^T = 0 and CN keeps 1^T p; each of the steps's solves and
   products rounds by ~ nx eps relative, so the drift of the mass after
   STEPS steps is below steps * nx * eps (with the 4 half steps).  */
FC_TEST ("kolmogorov", test_forward_mass_is_conserved_to_round_off_at_every_level)
{
  theta_now = THETA;
  fc_kolmogorov *k = solver_at (2, drift_ou);
  size_t nx = fc_kolmogorov_nx (k), steps = 80;
  for (size_t j = 0; j < fc_kolmogorov_n_levels (k); j++)
    fc_ck_assert_abs (fc_kolmogorov_mass (k, j), 1.0,
                      TOL_EPS ((double) (steps + 2) * (double) nx),
                      "mass at level %zu", j);
  fc_kolmogorov_free (k);
}
END_TEST

/* Duality: for an autonomous drift CN with L and with L^T are exact
   transposes, so Z = sum p h dx is the same at every level, equal to the
   hat interpolation of h(0, .) at x0 (t = 0) and of p(T, .) at x_T
   (t = T), to round-off.  */
FC_TEST ("kolmogorov", test_sum_p_h_is_the_same_at_every_level_from_t0_to_t1)
{
  theta_now = THETA;
  fc_kolmogorov *k = solver_at (1, drift_ou);
  size_t nx = fc_kolmogorov_nx (k), nl = fc_kolmogorov_n_levels (k);
  double q[141 * 2], z0, z, x0 = X_0, h0;
  ck_assert_uint_le (nx, sizeof q / sizeof q[0]);
  ck_assert_int_eq (fc_kolmogorov_conditioned (k, 0, q, &z0), GSL_SUCCESS);
  ck_assert_int_eq (fc_kolmogorov_h (k, 0.0, 1, &x0, &h0), GSL_SUCCESS);
  for (size_t j = 1; j < nl; j++)
    {
      ck_assert_int_eq (fc_kolmogorov_conditioned (k, j, q, &z), GSL_SUCCESS);
      fc_ck_assert_rel (z, z0, TOL_EPS (40.0 * (double) nx), "Z at level %zu", j);
      double s = 0.0;
      for (size_t i = 0; i < nx; i++)
        s += q[i] * fc_kolmogorov_dx (k);
      fc_ck_assert_rel (s, 1.0, TOL_EPS ((double) nx), "mass of q at level %zu", j);
    }
  /* h(0, x0) by log-linear interpolation differs from the hat's linear
     one by O(dx^2) relative: (dx/sqrt v)^2 / 8 < 0.05 / 8 here.  */
  fc_ck_assert_rel (h0, z0, 0.01, "Z vs h(0, x0)");
  fc_kolmogorov_free (k);
}
END_TEST

/* The window's h at t tends to P(|X_T - x_T| <= eps | X_t = x) = the
   Gaussian probability of the window, at second order: at dx = 0.025 the
   error is below (dx/sqrt v)^2 ~ 0.01 relative.  */
FC_TEST ("kolmogorov", test_window_end_gives_the_window_probability)
{
  theta_now = THETA;
  size_t r = 4;
  fc_kolmogorov_spec s = { drift_ou, NULL, SIGMA, -DOMAIN, DOMAIN, 70 * r + 1,
                           0.0, T_END, 20 * r, 5 * r, 2, 1e-12 };
  fc_kolmogorov *k = fc_kolmogorov_alloc (&s);
  double eps = 0.161803;
  ck_assert_int_eq (fc_kolmogorov_solve_backward (k, FC_KOLMOGOROV_WINDOW, X_T, eps),
                    GSL_SUCCESS);
  for (size_t j = 0; j < 3; j++)
    {
      double t = 0.25 * (double) j, x = X_0, h;
      double tau = T_END - t, m = exp (-THETA * tau), sd = sqrt (var_at (THETA, tau));
      double pe = gsl_cdf_gaussian_P (X_T + eps - m * x, sd)
                  - gsl_cdf_gaussian_P (X_T - eps - m * x, sd);
      ck_assert_int_eq (fc_kolmogorov_h (k, t, 1, &x, &h), GSL_SUCCESS);
      fc_ck_assert_rel (h, pe, 0.01, "window probability at t = %g", t);
    }
  fc_kolmogorov_free (k);
}
END_TEST

/* The h-transformed drift is f + sigma^2 d_x log h; drop_h gives f;
   points in the bulk are not clamped; t = 0 is a valid time and the last
   (singular) interval is refused.  */
FC_TEST ("kolmogorov", test_htransform_drift_adds_sigma2_dlogh_and_drop_h_removes_it)
{
  theta_now = THETA;
  fc_kolmogorov *k = solver_at (1, drift_ou);
  unsigned long clamped = 0;
  fc_kolmogorov_htransform ht = { k, 0, &clamped };
  double x[3] = { -0.618034, 0.0381966, 0.9 }, f[3], g[3], f0[3];
  for (size_t j = 0; j < 2; j++)
    {
      double t = 0.375 * (double) j;
      size_t nc = 99;
      ck_assert_int_eq (fc_kolmogorov_htransform_drift (t, 3, x, f, &ht), GSL_SUCCESS);
      ck_assert_int_eq (fc_kolmogorov_dlogh (k, t, 3, x, g, &nc), GSL_SUCCESS);
      ck_assert_uint_eq (nc, 0);
      ht.drop_h = 1;
      ck_assert_int_eq (fc_kolmogorov_htransform_drift (t, 3, x, f0, &ht), GSL_SUCCESS);
      ht.drop_h = 0;
      for (size_t i = 0; i < 3; i++)
        {
          fc_ck_assert_rel (f0[i], -THETA * x[i], TOL_EPS (1), "f alone");
          fc_ck_assert_abs (f[i], f0[i] + SIGMA * SIGMA * g[i],
                            TOL_EPS (4) * (fabs (f0[i]) + SIGMA * SIGMA * fabs (g[i])),
                            "f + sigma^2 dlogh");
        }
    }
  ck_assert_uint_eq (clamped, 0);
  double t_bad = T_END - 0.5 * fc_kolmogorov_level_time (k, 1);
  ck_assert_int_eq (fc_kolmogorov_htransform_drift (t_bad, 3, x, f, &ht), GSL_EDOM);
  ck_assert_int_eq (fc_kolmogorov_dlogh (k, T_END, 3, x, g, NULL), GSL_EDOM);
  fc_kolmogorov_free (k);
  /* With a floor of 1/100 of max h, a point two standard deviations
     sqrt(v(0.25)) = 0.3 from the peak of h at t = 0.75 (h/max =
     exp(-2) > 0.01) is trusted, one at the end of the domain (h/max
     = exp(-47)) is clamped, counted, and given a finite drift.  */
  fc_kolmogorov_spec s = { drift_ou, NULL, SIGMA, -DOMAIN, DOMAIN, 141, 0.0,
                           T_END, 40, 10, 2, 0.01 };
  k = fc_kolmogorov_alloc (&s);
  ck_assert_int_eq (fc_kolmogorov_solve_backward (k, FC_KOLMOGOROV_DELTA, X_T, 0.0),
                    GSL_SUCCESS);
  double t_last = fc_kolmogorov_level_time (k, fc_kolmogorov_n_levels (k) - 2);
  double m = exp (-THETA * (T_END - t_last)), sd = sqrt (var_at (THETA, T_END - t_last));
  double pts[2] = { (X_T - 2.0 * sd) / m, -DOMAIN };
  size_t nc = 0;
  ck_assert_int_eq (fc_kolmogorov_dlogh (k, t_last, 1, pts, g, &nc), GSL_SUCCESS);
  ck_assert_uint_eq (nc, 0);
  ck_assert_int_eq (fc_kolmogorov_dlogh (k, t_last, 2, pts, g, &nc), GSL_SUCCESS);
  ck_assert_uint_eq (nc, 1);
  ck_assert (isfinite (g[1]));
  fc_kolmogorov_free (k);
}
END_TEST

FC_TEST ("kolmogorov", test_invalid_grids_and_queries_are_refused)
{
  theta_now = THETA;
  fc_kolmogorov_spec good = { drift_ou, NULL, SIGMA, -DOMAIN, DOMAIN, 71, 0.0,
                              T_END, 20, 5, 2, 1e-12 };
  fc_kolmogorov_spec s = good;
  ck_assert_ptr_null (fc_kolmogorov_alloc (NULL));
  s.drift = NULL;
  ck_assert_ptr_null (fc_kolmogorov_alloc (&s));
  s = good, s.sigma = 0.0;
  ck_assert_ptr_null (fc_kolmogorov_alloc (&s));
  s = good, s.b = s.a;
  ck_assert_ptr_null (fc_kolmogorov_alloc (&s));
  s = good, s.t1 = NAN;
  ck_assert_ptr_null (fc_kolmogorov_alloc (&s));
  s = good, s.nx = 2;
  ck_assert_ptr_null (fc_kolmogorov_alloc (&s));
  s = good, s.stride = 3;
  ck_assert_ptr_null (fc_kolmogorov_alloc (&s));
  s = good, s.rel_floor = 1.0;
  ck_assert_ptr_null (fc_kolmogorov_alloc (&s));
  fc_kolmogorov_free (NULL);

  fc_kolmogorov *k = fc_kolmogorov_alloc (&good);
  double x = 0.1, y;
  ck_assert_int_eq (fc_kolmogorov_h (k, 0.5, 1, &x, &y), GSL_EFAILED);
  ck_assert_int_eq (fc_kolmogorov_density (k, 0.5, 1, &x, &y), GSL_EFAILED);
  ck_assert_int_eq (fc_kolmogorov_dlogh (k, 0.5, 1, &x, &y, NULL), GSL_EFAILED);
  ck_assert_int_eq (fc_kolmogorov_conditioned (k, 0, &y, NULL), GSL_EDOM);
  ck_assert (isnan (fc_kolmogorov_mass (k, 0)));
  ck_assert_int_eq (fc_kolmogorov_solve_backward (NULL, FC_KOLMOGOROV_DELTA, 0.0, 0.0),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_kolmogorov_solve_backward (k, FC_KOLMOGOROV_DELTA, 9.0, 0.0),
                    GSL_EDOM);
  ck_assert_int_eq (fc_kolmogorov_solve_backward (k, FC_KOLMOGOROV_WINDOW, 0.0, 0.0),
                    GSL_EDOM);
  ck_assert_int_eq (fc_kolmogorov_solve_backward (k, (fc_kolmogorov_end) 7, 0.0, 0.1),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_kolmogorov_solve_forward (k, -9.0), GSL_EDOM);
  ck_assert_int_eq (fc_kolmogorov_solve_backward (k, FC_KOLMOGOROV_DELTA, X_T, 0.0),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_kolmogorov_h (k, 1.5, 1, &x, &y), GSL_EDOM);
  ck_assert_int_eq (fc_kolmogorov_h (k, -0.1, 1, &x, &y), GSL_EDOM);
  double bad = NAN;
  ck_assert_int_eq (fc_kolmogorov_h (k, 0.5, 1, &bad, &y), GSL_EDOM);
  ck_assert_int_eq (fc_kolmogorov_h (k, 0.5, 1, NULL, &y), GSL_EINVAL);
  ck_assert_ptr_null (fc_kolmogorov_level_h (k, 99));
  ck_assert_ptr_null (fc_kolmogorov_level_p (k, 0));
  ck_assert (isnan (fc_kolmogorov_level_time (k, 99)));
  ck_assert (isnan (fc_kolmogorov_node (k, 999)));
  fc_kolmogorov_htransform ht = { NULL, 0, NULL };
  ck_assert_int_eq (fc_kolmogorov_htransform_drift (0.0, 1, &x, &y, &ht), GSL_EINVAL);
  fc_kolmogorov_free (k);

  /* A failing drift aborts the solve with its status; a steep one is
     refused by the Peclet check.  */
  s = good, s.drift = drift_fails;
  k = fc_kolmogorov_alloc (&s);
  ck_assert_int_eq (fc_kolmogorov_solve_forward (k, 0.0), GSL_EBADFUNC);
  fc_kolmogorov_free (k);
  s = good, s.drift = drift_steep;
  k = fc_kolmogorov_alloc (&s);
  ck_assert_int_eq (fc_kolmogorov_solve_backward (k, FC_KOLMOGOROV_DELTA, 0.0, 0.0),
                    GSL_EDOM);
  fc_kolmogorov_free (k);
}
END_TEST

FC_CK_MAIN ("check_kolmogorov")
