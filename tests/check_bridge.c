/* tests/check_bridge.c -- closed forms of the Brownian-motion and
 * Ornstein-Uhlenbeck bridges (src/fc_bridge.h) against independent
 * computations: the drift against a central difference of sigma^2 log h,
 * the marginals against Gaussian conditioning of the joint law of
 * (X_t, X_T), the OU forms against Brownian motion as theta -> 0, the
 * deterministic bridge against the ODE it solves, exact draws against their
 * moments, the ends t = t0 and t -> T, and every error path.  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_bridge.h"
#include "fc_check.h"
#include "fc_stats.h"

#define D 3
static const double x_T[D] = { 1.7320508, -0.381966, 0.9 };
static const double theta[D] = { 0.618034, 1.41421356, 2.7182818 };
static const double mu[D] = { 0.2, -0.45, 1.1 };
static const double x0[D] = { -0.381966, 0.7071068, 2.2 };
#define T_END 1.3
#define SIGMA 0.7

static fc_bridge
bm (void)
{
  fc_bridge b = { FC_BRIDGE_BM, D, T_END, SIGMA, x_T, NULL, NULL };
  return b;
}

static fc_bridge
ou (void)
{
  fc_bridge b = { FC_BRIDGE_OU, D, T_END, SIGMA, x_T, theta, mu };
  return b;
}

/* The variance function computed naively, away from u = 0 (the test
   points keep u = theta tau >= 1e-3, where 1 - exp(-2u) loses at most
   3 of 16 digits).  */
static double
naive_s (double th, double tau)
{
  return th == 0.0 ? tau : (1.0 - exp (-2.0 * th * tau)) / (2.0 * th);
}

/* sigma^2 log h of coordinate I at (t, x), up to a constant. */
static double
sig2_log_h (const fc_bridge *b, size_t i, double t, double x)
{
  double th = b->kind == FC_BRIDGE_OU ? b->theta[i] : 0.0;
  double m = b->kind == FC_BRIDGE_OU ? b->mu[i] : 0.0;
  double tau = b->T - t, s = naive_s (th, tau);
  double r = b->x_T[i] - m - exp (-th * tau) * (x - m);
  return -r * r / (2.0 * s);
}

/* The drift is f + sigma^2 d/dx log h.  sigma^2 log h is quadratic in x,
   so the central difference of step DX has no truncation error: what is
   left is the round-off of the two values, 2 eps |q| / (2 dx) with
   |q| the size of sigma^2 log h (doubled for the naive s and the
   products: TOL_EPS(8) |q| / dx), and the rounding of the drift itself. */
FC_TEST ("closed forms", test_drift_is_f_plus_sigma2_grad_log_h_by_central_difference)
{
  static const double times[] = { 0.0, 0.381966, 0.9, 1.25 };
  const double dx = 1e-3;
  for (int k = 0; k < 2; k++)
    {
      fc_bridge b = k ? ou () : bm ();
      for (size_t j = 0; j < 4; j++)
        {
          double f[D];
          ck_assert_int_eq (fc_bridge_drift (times[j], 1, x0, f, &b), GSL_SUCCESS);
          for (size_t i = 0; i < D; i++)
            {
              double th = k ? theta[i] : 0.0, m = k ? mu[i] : 0.0;
              double qp = sig2_log_h (&b, i, times[j], x0[i] + dx);
              double qm = sig2_log_h (&b, i, times[j], x0[i] - dx);
              double fd = -th * (x0[i] - m) + (qp - qm) / (2.0 * dx);
              double tol = TOL_EPS (8) * (fabs (qp) + fabs (qm)) / dx
                           + TOL_EPS (8) * (fabs (fd) + th * fabs (x0[i] - m));
              fc_ck_assert_abs (f[i], fd, tol, "%s t = %g coordinate %zu",
                                k ? "OU" : "BM", times[j], i);
            }
        }
    }
}
END_TEST

/* For Brownian motion the drift is (x_T - x)/(T - t) to the last bit. */
FC_TEST ("closed forms", test_bm_drift_is_xT_minus_x_over_T_minus_t)
{
  fc_bridge b = bm ();
  static const double times[] = { 0.0, 0.381966, 1.3 - 1e-9 };
  for (size_t j = 0; j < 3; j++)
    {
      double f[D];
      ck_assert_int_eq (fc_bridge_drift (times[j], 1, x0, f, &b), GSL_SUCCESS);
      for (size_t i = 0; i < D; i++)
        fc_ck_assert_rel (f[i], (x_T[i] - x0[i]) / (T_END - times[j]), 0.0,
                          "t = %g coordinate %zu", times[j], i);
    }
}
END_TEST

/* The joint law of (X_t, X_T) given X_t0 = x0 is Gaussian with
   Var X_t = sigma^2 s(t - t0), Cov = e^{-theta (T - t)} Var X_t,
   Var X_T = sigma^2 s(T - t0); conditioning on X_T = x_T gives the bridge
   marginal.  The conditioning formula loses digits to Var X_t - Cov^2 /
   Var X_T: its round-off is about 8 eps Var X_t, hence the band
   TOL_EPS(16) Var X_t on the variance and TOL_EPS(16) times the size of the
   terms on the mean.  */
FC_TEST ("closed forms", test_marginal_is_gaussian_conditioning_of_the_joint_law)
{
  static const double t0s[] = { 0.0, 0.2 };
  static const double times[] = { 0.325, 0.65, 0.975, 1.2 };
  for (int k = 0; k < 2; k++)
    for (size_t a = 0; a < 2; a++)
      for (size_t j = 0; j < 4; j++)
        {
          fc_bridge b = k ? ou () : bm ();
          double mean[D], var[D];
          ck_assert_int_eq (fc_bridge_marginal (&b, t0s[a], times[j], 1, x0,
                                                mean, var),
                            GSL_SUCCESS);
          for (size_t i = 0; i < D; i++)
            {
              double th = k ? theta[i] : 0.0, m = k ? mu[i] : 0.0;
              double t = times[j], t0 = t0s[a];
              double vt = SIGMA * SIGMA * naive_s (th, t - t0);
              double vT = SIGMA * SIGMA * naive_s (th, T_END - t0);
              double c = exp (-th * (T_END - t)) * vt;
              double mt = m + exp (-th * (t - t0)) * (x0[i] - m);
              double mT = m + exp (-th * (T_END - t0)) * (x0[i] - m);
              double cm = mt + c / vT * (x_T[i] - mT);
              double cv = vt - c * c / vT;
              double size = fabs (mt) + fabs (c / vT * (x_T[i] - mT)) + fabs (m);
              fc_ck_assert_abs (mean[i], cm, TOL_EPS (16) * size,
                                "%s mean t0 = %g t = %g i = %zu", k ? "OU" : "BM",
                                t0, t, i);
              fc_ck_assert_abs (var[i], cv, TOL_EPS (16) * vt,
                                "%s var t0 = %g t = %g i = %zu", k ? "OU" : "BM",
                                t0, t, i);
            }
        }
}
END_TEST

/* The catalog's Brownian marginal N(x0 + t/T (x_T - x0), sigma^2 t(T-t)/T)
   (CATALOG.md H1 (a)), a handful of roundings: TOL_EPS(8).  */
FC_TEST ("closed forms", test_bm_marginal_is_the_catalog_formula)
{
  fc_bridge b = bm ();
  double t = 0.381966, mean[D], var[D];
  ck_assert_int_eq (fc_bridge_marginal (&b, 0.0, t, 1, x0, mean, var), GSL_SUCCESS);
  for (size_t i = 0; i < D; i++)
    {
      fc_ck_assert_abs (mean[i], x0[i] + t / T_END * (x_T[i] - x0[i]),
                        TOL_EPS (8) * (fabs (x0[i]) + fabs (x_T[i])), "mean %zu", i);
      fc_ck_assert_rel (var[i], SIGMA * SIGMA * t * (T_END - t) / T_END,
                        TOL_EPS (8), "var %zu", i);
    }
}
END_TEST

/* At t = t0 the bridge is at x0 with no spread; at t = T at x_T: exact. */
FC_TEST ("closed forms", test_marginal_is_exact_at_t0_and_at_T)
{
  for (int k = 0; k < 2; k++)
    {
      fc_bridge b = k ? ou () : bm ();
      double mean[D], var[D];
      ck_assert_int_eq (fc_bridge_marginal (&b, 0.2, 0.2, 1, x0, mean, var),
                        GSL_SUCCESS);
      for (size_t i = 0; i < D; i++)
        {
          fc_ck_assert_abs (mean[i], x0[i], TOL_EPS (2) * fabs (x0[i]), "t0 mean %zu", i);
          ck_assert (var[i] == 0.0);
        }
      ck_assert_int_eq (fc_bridge_marginal (&b, 0.2, T_END, 1, x0, mean, var),
                        GSL_SUCCESS);
      for (size_t i = 0; i < D; i++)
        {
          fc_ck_assert_abs (mean[i], x_T[i], TOL_EPS (2) * fabs (x_T[i]), "T mean %zu", i);
          ck_assert (var[i] == 0.0);
        }
    }
}
END_TEST

/* Near T the variance sigma^2 s1 s2 / (s2 + e2^2 s1) -> sigma^2 (T - t)
   to first order and the drift coefficient c1 -> 1/(T - t): at
   T - t = 1e-10 both hold to relative O(theta (T - t)) = 3e-10, far above
   the round-off of the expm1 forms and far below a cancellation failure
   (a naive 1 - e^{-2u} would lose 10 digits there).  */
FC_TEST ("closed forms", test_ou_forms_are_stable_as_t_tends_to_T)
{
  fc_bridge b = ou ();
  double tau = 1e-10, t = T_END - tau, var[D], c1[D], g[D];
  ck_assert_int_eq (fc_bridge_marginal (&b, 0.0, t, 0, NULL, NULL, var), GSL_SUCCESS);
  ck_assert_int_eq (fc_bridge_drift_coef (&b, t, c1, g), GSL_SUCCESS);
  double band = 4.0 * theta[2] * tau;
  for (size_t i = 0; i < D; i++)
    {
      fc_ck_assert_rel (var[i], SIGMA * SIGMA * (T_END - t), band, "var %zu", i);
      fc_ck_assert_rel (c1[i], 1.0 / (T_END - t), band, "c1 %zu", i);
      ck_assert (g[i] >= 0.0 && g[i] <= theta[i] * theta[i] * (T_END - t));
    }
}
END_TEST

/* OU -> BM as theta -> 0.  At theta = 1e-7 the OU forms differ from the
   Brownian ones by O(theta T) (the first-order terms of e^{-u} and s):
   band 4 theta_max T (|x| + 1).  At theta = 1e-300 they switch to the
   series of s and must agree to round-off (TOL_EPS(8)).  */
FC_TEST ("closed forms", test_ou_tends_to_bm_as_theta_tends_to_zero)
{
  static const double scales[] = { 1e-7, 1e-300 };
  for (size_t a = 0; a < 2; a++)
    {
      double th[D];
      for (size_t i = 0; i < D; i++)
        th[i] = scales[a] * theta[i];
      fc_bridge bo = { FC_BRIDGE_OU, D, T_END, SIGMA, x_T, th, mu };
      fc_bridge bb = bm ();
      double band = a == 0 ? 4.0 * scales[a] * theta[2] * T_END * 4.0 : TOL_EPS (8);
      double fo[D], fb[D], mo[D], mb[D], vo[D], vb[D];
      double t = 0.381966;
      ck_assert_int_eq (fc_bridge_drift (t, 1, x0, fo, &bo), GSL_SUCCESS);
      ck_assert_int_eq (fc_bridge_drift (t, 1, x0, fb, &bb), GSL_SUCCESS);
      ck_assert_int_eq (fc_bridge_marginal (&bo, 0.0, t, 1, x0, mo, vo), GSL_SUCCESS);
      ck_assert_int_eq (fc_bridge_marginal (&bb, 0.0, t, 1, x0, mb, vb), GSL_SUCCESS);
      for (size_t i = 0; i < D; i++)
        {
          fc_ck_assert_rel (fo[i], fb[i], band, "drift theta %g i %zu", scales[a], i);
          fc_ck_assert_rel (mo[i], mb[i], band, "mean theta %g i %zu", scales[a], i);
          fc_ck_assert_rel (vo[i], vb[i], band, "var theta %g i %zu", scales[a], i);
        }
    }
}
END_TEST

/* sigma^2 grad log h formed from the Gaussian transition density at sigma
   in {1, 0.3, 0.1, 0.01} equals the closed form: both are a dozen
   roundings of the same terms; the sum -theta (x - mu) + h-term may
   cancel, so the band is TOL_EPS(16) times the size of the two terms.  */
FC_TEST ("closed forms", test_long_way_drift_matches_closed_form_for_every_sigma)
{
  static const double sigmas[] = { 1.0, 0.3, 0.1, 0.01 };
  static const double times[] = { 0.0, 0.65, 1.3 - 1e-6 };
  for (int k = 0; k < 2; k++)
    for (size_t a = 0; a < 4; a++)
      for (size_t j = 0; j < 3; j++)
        {
          fc_bridge b = k ? ou () : bm ();
          double f[D], fl[D], c1[D], g[D];
          ck_assert_int_eq (fc_bridge_drift (times[j], 1, x0, f, &b), GSL_SUCCESS);
          ck_assert_int_eq (fc_bridge_drift_density (&b, sigmas[a], times[j], 1,
                                                     x0, fl),
                            GSL_SUCCESS);
          ck_assert_int_eq (fc_bridge_drift_coef (&b, times[j], c1, g), GSL_SUCCESS);
          for (size_t i = 0; i < D; i++)
            {
              double m = k ? mu[i] : 0.0, th = k ? theta[i] : 0.0;
              double size = fabs (c1[i] * (x_T[i] - m))
                            + (c1[i] * exp (-th * (T_END - times[j])) + th)
                                  * fabs (x0[i] - m);
              fc_ck_assert_abs (fl[i], f[i], TOL_EPS (16) * size,
                                "%s sigma %g t %g i %zu", k ? "OU" : "BM",
                                sigmas[a], times[j], i);
            }
        }
}
END_TEST

/* The deterministic bridge solves dx/dt = b(t, x): a central difference of
   step dt = 1e-4 in t matches b to O(dt^2 |x'''|); x''' is at most
   L^3 (|x0| + |x_T| + |mu|) with L = max(theta) + 1/(T - t - dt) the
   fastest rate, times 1/6: band dt^2 L^3 (|x0| + |x_T| + |mu|) / 6 plus
   the round-off eps |x| / dt of the difference (TOL_EPS(4) |x| / dt).  */
FC_TEST ("closed forms", test_deterministic_bridge_solves_the_drift_ode)
{
  const double dt = 1e-4;
  static const double times[] = { 0.13, 0.65, 1.17 };
  for (int k = 0; k < 2; k++)
    {
      fc_bridge b = k ? ou () : bm ();
      for (size_t j = 0; j < 3; j++)
        {
          double tt[3] = { times[j] - dt, times[j], times[j] + dt }, xb[3 * D], f[D];
          ck_assert_int_eq (fc_bridge_deterministic (&b, 0.0, x0, 3, tt, xb), GSL_SUCCESS);
          ck_assert_int_eq (fc_bridge_drift (times[j], 1, xb + D, f, &b), GSL_SUCCESS);
          double l = (k ? theta[2] : 0.0) + 1.0 / (T_END - times[j] - dt);
          for (size_t i = 0; i < D; i++)
            {
              double size = fabs (x0[i]) + fabs (x_T[i]) + fabs (mu[i]);
              double band = dt * dt * l * l * l * size / 6.0 + TOL_EPS (4) * size / dt;
              fc_ck_assert_abs ((xb[2 * D + i] - xb[i]) / (2.0 * dt), f[i], band,
                                "%s t = %g i = %zu", k ? "OU" : "BM", times[j], i);
            }
        }
    }
}
END_TEST

/* cov2 (t, t) is the marginal variance, cov2 is symmetric in its times,
   and for Brownian motion it is sigma^2 (s - t0)(T - t)/(T - t0), s <= t
   (a few roundings: TOL_EPS(8)); it vanishes when one time is t0 or T.  */
FC_TEST ("closed forms", test_cov2_is_the_bridge_covariance)
{
  double c[D], c2[D], var[D];
  for (int k = 0; k < 2; k++)
    {
      fc_bridge b = k ? ou () : bm ();
      ck_assert_int_eq (fc_bridge_cov2 (&b, 0.1, 0.7, 0.7, c), GSL_SUCCESS);
      ck_assert_int_eq (fc_bridge_marginal (&b, 0.1, 0.7, 0, NULL, NULL, var), GSL_SUCCESS);
      for (size_t i = 0; i < D; i++)
        fc_ck_assert_rel (c[i], var[i], TOL_EPS (8), "cov2(t,t) %zu", i);
      ck_assert_int_eq (fc_bridge_cov2 (&b, 0.1, 0.4, 1.1, c), GSL_SUCCESS);
      ck_assert_int_eq (fc_bridge_cov2 (&b, 0.1, 1.1, 0.4, c2), GSL_SUCCESS);
      for (size_t i = 0; i < D; i++)
        {
          ck_assert (c[i] == c2[i]);
          if (k == 0)
            fc_ck_assert_rel (c[i], SIGMA * SIGMA * 0.3 * 0.2 / 1.2, TOL_EPS (8),
                              "BM cov %zu", i);
          else
            ck_assert (c[i] > 0.0);
        }
      ck_assert_int_eq (fc_bridge_cov2 (&b, 0.1, 0.1, 0.8, c), GSL_SUCCESS);
      ck_assert_int_eq (fc_bridge_cov2 (&b, 0.1, 0.8, T_END, c2), GSL_SUCCESS);
      for (size_t i = 0; i < D; i++)
        ck_assert (c[i] == 0.0 && c2[i] == 0.0);
    }
}
END_TEST

/* Exact draws have the exact mean and variance: largest |z| over the 2 D
   moments within Z_MAX (n = 20000, fixed seed; 2000 under valgrind), and
   the same draws whether or not the output aliases the start points.  */
FC_TEST ("closed forms", test_exact_draws_have_the_marginal_moments)
{
  size_t n = fc_under_valgrind () ? 2000 : 20000;
  fc_bridge b = ou ();
  double *a = malloc (n * D * sizeof *a), *c = malloc (n * D * sizeof *c);
  double mean[D], var[D], cov[D * D] = { 0 }, zm, zv;
  for (size_t p = 0; p < n; p++)
    for (size_t i = 0; i < D; i++)
      a[p * D + i] = c[p * D + i] = x0[i];
  ck_assert_int_eq (fc_bridge_sample (&b, 0.0, 0.65, n, a, 17, 3, a), GSL_SUCCESS);
  ck_assert_int_eq (fc_bridge_sample (&b, 0.0, 0.65, n, c, 17, 3, c), GSL_SUCCESS);
  ck_assert_int_eq (fc_bridge_marginal (&b, 0.0, 0.65, 1, x0, mean, var), GSL_SUCCESS);
  for (size_t i = 0; i < D; i++)
    cov[i * D + i] = var[i];
  ck_assert_int_eq (fc_stats_moment_z (n, D, a, mean, cov, NULL, &zm, &zv), GSL_SUCCESS);
  ck_assert_msg (zm <= Z_MAX && zv <= Z_MAX, "z mean %g var %g", zm, zv);
  for (size_t q = 0; q < n * D; q++)
    ck_assert (a[q] == c[q]);
  free (a), free (c);
}
END_TEST

FC_TEST ("closed forms", test_errors_are_reported)
{
  double f[D], v[D], m[D], c1[D], g[D], bad_theta[D] = { 1.0, -0.5, 1.0 };
  fc_bridge b = ou ();
  ck_assert_int_eq (fc_bridge_check (NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_bridge_drift (0.1, 1, x0, f, NULL), GSL_EINVAL);
  fc_bridge e = b;
  e.dim = 0;
  ck_assert_int_eq (fc_bridge_check (&e), GSL_EINVAL);
  e = b;
  e.theta = NULL;
  ck_assert_int_eq (fc_bridge_check (&e), GSL_EINVAL);
  e.kind = FC_BRIDGE_BM;
  ck_assert_int_eq (fc_bridge_check (&e), GSL_SUCCESS);
  e = b;
  e.x_T = NULL;
  ck_assert_int_eq (fc_bridge_check (&e), GSL_EINVAL);
  e = b;
  e.theta = bad_theta;
  ck_assert_int_eq (fc_bridge_check (&e), GSL_EDOM);
  e = b;
  e.sigma = NAN;
  ck_assert_int_eq (fc_bridge_check (&e), GSL_EDOM);
  e.sigma = -1.0;
  ck_assert_int_eq (fc_bridge_check (&e), GSL_EDOM);
  e = b;
  e.T = INFINITY;
  ck_assert_int_eq (fc_bridge_check (&e), GSL_EDOM);
  /* The drift is singular at T and undefined after it. */
  ck_assert_int_eq (fc_bridge_drift (T_END, 1, x0, f, &b), GSL_EDOM);
  ck_assert_int_eq (fc_bridge_drift (NAN, 1, x0, f, &b), GSL_EDOM);
  ck_assert_int_eq (fc_bridge_drift (0.1, 1, NULL, f, &b), GSL_EINVAL);
  ck_assert_int_eq (fc_bridge_drift_coef (&b, T_END + 1.0, c1, g), GSL_EDOM);
  ck_assert_int_eq (fc_bridge_drift_coef (&b, 0.1, NULL, g), GSL_EINVAL);
  ck_assert_int_eq (fc_bridge_drift_density (&b, 0.0, 0.1, 1, x0, f), GSL_EDOM);
  ck_assert_int_eq (fc_bridge_drift_density (&b, NAN, 0.1, 1, x0, f), GSL_EDOM);
  ck_assert_int_eq (fc_bridge_drift_density (&b, 1.0, T_END, 1, x0, f), GSL_EDOM);
  /* Times out of order or out of [t0, T]. */
  ck_assert_int_eq (fc_bridge_marginal (&b, 0.5, 0.4, 1, x0, m, v), GSL_EDOM);
  ck_assert_int_eq (fc_bridge_marginal (&b, 0.0, T_END + 0.1, 1, x0, m, v), GSL_EDOM);
  ck_assert_int_eq (fc_bridge_marginal (&b, T_END, T_END, 1, x0, m, v), GSL_EDOM);
  ck_assert_int_eq (fc_bridge_marginal (&b, 0.0, 0.5, 1, NULL, m, v), GSL_EINVAL);
  ck_assert_int_eq (fc_bridge_cov2 (&b, 0.5, 0.4, 0.9, v), GSL_EDOM);
  ck_assert_int_eq (fc_bridge_cov2 (&b, 0.0, 0.4, 0.9, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_bridge_deterministic (&b, 0.0, NULL, 1, x0, m), GSL_EINVAL);
  ck_assert_int_eq (fc_bridge_sample (&b, 0.0, 2.0, 1, x0, 1, 0, m), GSL_EDOM);
  ck_assert_int_eq (fc_bridge_sample (&b, 0.0, 0.5, 1, x0, 1, 0, NULL), GSL_EINVAL);
}
END_TEST

FC_CK_MAIN ("bridge")
