/* src/fc_bridge.c -- Brownian-motion and Ornstein-Uhlenbeck bridges in
 * closed form (N §Doob's h-transform).
 *
 * The formulas and their stable shapes are derived in fc_bridge.h.  Every
 * quantity is per coordinate (independent coordinates), so the work is a
 * few scalar functions of (theta, tau) and loops over points.  GSL has no
 * bridge, so the formulas are written here; the draws use fc_rng.h.  */
#include <config.h>

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>

#include "fc_bridge.h"
#include "fc_rng.h"

/* The rate of coordinate I (0 for Brownian motion). */
static double
fc_bridge_theta (const fc_bridge *b, size_t i)
{
  return b->kind == FC_BRIDGE_OU ? b->theta[i] : 0.0;
}

/* The mean of coordinate I (0 for Brownian motion or a NULL mu). */
static double
fc_bridge_mu (const fc_bridge *b, size_t i)
{
  return b->kind == FC_BRIDGE_OU && b->mu != NULL ? b->mu[i] : 0.0;
}

/* The variance function s(tau) = (1 - e^{-2 theta tau}) / (2 theta) of
   fc_bridge.h, tau >= 0, and E = e^{-theta tau}.  -expm1 keeps s accurate
   near tau = 0 and as theta -> 0; below u = theta tau = sqrt(eps) the
   series tau (1 - u) is used (neglected term (2/3) u^2 tau < eps tau), so
   that 2 theta never underflows into a 0/0.  */
static double
fc_bridge_s (double theta, double tau, double *e)
{
  double u = theta * tau;
  *e = exp (-u);
  if (u < GSL_SQRT_DBL_EPSILON)
    return tau * (1.0 - u);
  return -expm1 (-2.0 * u) / (2.0 * theta);
}

int
fc_bridge_check (const fc_bridge *b)
{
  if (b == NULL || b->x_T == NULL)
    GSL_ERROR ("bridge and its end point must not be NULL", GSL_EINVAL);
  if (b->kind != FC_BRIDGE_BM && b->kind != FC_BRIDGE_OU)
    GSL_ERROR ("unknown bridge kind", GSL_EINVAL);
  if (b->dim == 0)
    GSL_ERROR ("bridge dimension must be positive", GSL_EINVAL);
  if (b->kind == FC_BRIDGE_OU && b->theta == NULL)
    GSL_ERROR ("an Ornstein-Uhlenbeck bridge needs its rates", GSL_EINVAL);
  if (!isfinite (b->T))
    GSL_ERROR ("end time must be finite", GSL_EDOM);
  if (!isfinite (b->sigma) || b->sigma < 0.0)
    GSL_ERROR ("sigma must be finite and non-negative", GSL_EDOM);
  for (size_t i = 0; i < b->dim; i++)
    {
      if (!isfinite (b->x_T[i]))
        GSL_ERROR ("end point must be finite", GSL_EDOM);
      double th = fc_bridge_theta (b, i);
      if (!isfinite (th) || th < 0.0)
        GSL_ERROR ("rates must be finite and non-negative", GSL_EDOM);
      if (!isfinite (fc_bridge_mu (b, i)))
        GSL_ERROR ("OU mean must be finite", GSL_EDOM);
    }
  return GSL_SUCCESS;
}

/* The check and t < T for the drift.  */
static int
fc_bridge_check_t (const fc_bridge *b, double t)
{
  int status = fc_bridge_check (b);
  if (status)
    return status;
  if (!isfinite (t) || !(t < b->T))
    GSL_ERROR ("the bridge drift needs a finite t < T", GSL_EDOM);
  return GSL_SUCCESS;
}

/* c1 = e/s and g = (1 - e)^2 / (2 s) of coordinate I at time T_ < T.
   (1 - e)^2 is formed from expm1 so that it keeps its relative accuracy
   when u is small (it is O(u^2) there).  */
static void
fc_bridge_coef1 (const fc_bridge *b, size_t i, double t, double *c1,
                 double *g)
{
  double th = fc_bridge_theta (b, i), tau = b->T - t, e;
  double s = fc_bridge_s (th, tau, &e);
  double em = expm1 (-th * tau);
  *c1 = e / s;
  *g = em * em / (2.0 * s);
}

int
fc_bridge_drift_coef (const fc_bridge *b, double t, double *c1, double *g)
{
  int status = fc_bridge_check_t (b, t);
  if (status)
    return status;
  if (c1 == NULL || g == NULL)
    GSL_ERROR ("coefficient outputs must not be NULL", GSL_EINVAL);
  for (size_t i = 0; i < b->dim; i++)
    fc_bridge_coef1 (b, i, t, &c1[i], &g[i]);
  return GSL_SUCCESS;
}

int
fc_bridge_drift (double t, size_t n, const double *x, double *f,
                 void *params)
{
  const fc_bridge *b = params;
  int status = fc_bridge_check_t (b, t);
  if (status)
    return status;
  if (n > 0 && (x == NULL || f == NULL))
    GSL_ERROR ("points and output must not be NULL", GSL_EINVAL);
  size_t d = b->dim;
  /* Coordinate-outer loops: the coefficients are computed once per call
     and coordinate, not per point, and no scratch is needed.  */
  for (size_t i = 0; i < d; i++)
    {
      double th = fc_bridge_theta (b, i), tau = b->T - t, e;
      double s = fc_bridge_s (th, tau, &e), em = expm1 (-th * tau);
      double g = em * em / (2.0 * s), xt = b->x_T[i], mu = fc_bridge_mu (b, i);
      /* e (x_T - x) / s rather than c1 (x_T - x): for Brownian motion
         (e = 1, s = tau, g = 0) this is (x_T - x) / (T - t) to the last
         bit, the flow-matching field of claim H2.  */
      for (size_t p = 0; p < n; p++)
        {
          double xi = x[p * d + i];
          f[p * d + i] = e * (xt - xi) / s - g * (xi - mu);
        }
    }
  return GSL_SUCCESS;
}

int
fc_bridge_drift_density (const fc_bridge *b, double sigma, double t, size_t n,
                         const double *x, double *f)
{
  int status = fc_bridge_check_t (b, t);
  if (status)
    return status;
  if (!isfinite (sigma) || !(sigma > 0.0))
    GSL_ERROR ("sigma must be finite and positive", GSL_EDOM);
  if (n > 0 && (x == NULL || f == NULL))
    GSL_ERROR ("points and output must not be NULL", GSL_EINVAL);
  size_t d = b->dim;
  double s2 = sigma * sigma;
  for (size_t i = 0; i < d; i++)
    {
      double th = fc_bridge_theta (b, i), mu = fc_bridge_mu (b, i), e;
      double var = s2 * fc_bridge_s (th, b->T - t, &e);
      for (size_t p = 0; p < n; p++)
        {
          double xi = x[p * d + i];
          double m = mu + e * (xi - mu);               /* E[X_T | X_t = x] */
          double grad = e * (b->x_T[i] - m) / var;     /* d/dx log h */
          f[p * d + i] = -th * (xi - mu) + s2 * grad;
        }
    }
  return GSL_SUCCESS;
}

/* The conditioning weights of coordinate I: mean - mu = w0 (x0 - mu)
   + w1 (x_T - mu), var = sigma^2 q.  At t = T (s2 = 0, e2 = 1) w0 = 0,
   w1 = 1 and q = 0 exactly; at t = t0 (s1 = 0) w0 = 1 (e1 = 1), w1 = 0.  */
static void
fc_bridge_weights (const fc_bridge *b, size_t i, double t0, double t,
                   double *w0, double *w1, double *q)
{
  double th = fc_bridge_theta (b, i), e1, e2;
  double s1 = fc_bridge_s (th, t - t0, &e1);
  double s2 = fc_bridge_s (th, b->T - t, &e2);
  double den = s2 + e2 * e2 * s1;
  *w0 = e1 * s2 / den;
  *w1 = e2 * s1 / den;
  *q = s1 * s2 / den;
}

/* The check and t0 <= t <= T, t0 < T.  */
static int
fc_bridge_check_times (const fc_bridge *b, double t0, double t)
{
  int status = fc_bridge_check (b);
  if (status)
    return status;
  if (!isfinite (t0) || !isfinite (t) || !(t0 < b->T) || !(t0 <= t)
      || !(t <= b->T))
    GSL_ERROR ("need t0 <= t <= T and t0 < T", GSL_EDOM);
  return GSL_SUCCESS;
}

int
fc_bridge_marginal (const fc_bridge *b, double t0, double t, size_t n,
                    const double *x0, double *mean, double *var)
{
  int status = fc_bridge_check_times (b, t0, t);
  if (status)
    return status;
  if (mean != NULL && n > 0 && x0 == NULL)
    GSL_ERROR ("start points must not be NULL", GSL_EINVAL);
  size_t d = b->dim;
  for (size_t i = 0; i < d; i++)
    {
      double w0, w1, q, mu = fc_bridge_mu (b, i);
      fc_bridge_weights (b, i, t0, t, &w0, &w1, &q);
      if (var != NULL)
        var[i] = b->sigma * b->sigma * q;
      for (size_t p = 0; mean != NULL && p < n; p++)
        mean[p * d + i]
            = mu + w0 * (x0[p * d + i] - mu) + w1 * (b->x_T[i] - mu);
    }
  return GSL_SUCCESS;
}

int
fc_bridge_cov2 (const fc_bridge *b, double t0, double s, double t,
                double *cov)
{
  double lo = GSL_MIN (s, t), hi = GSL_MAX (s, t);
  int status = fc_bridge_check_times (b, t0, lo);
  if (status == GSL_SUCCESS)
    status = fc_bridge_check_times (b, t0, hi);
  if (status)
    return status;
  if (cov == NULL)
    GSL_ERROR ("covariance output must not be NULL", GSL_EINVAL);
  for (size_t i = 0; i < b->dim; i++)
    {
      double w0, w1, q, k, unused;
      fc_bridge_weights (b, i, t0, lo, &w0, &w1, &q);
      /* E[X_hi | X_lo] on the bridge restarted at lo: coefficient k of
         X_lo (1 when hi = lo; 0 when lo = T, where q = 0 too).  */
      if (lo < b->T)
        fc_bridge_weights (b, i, lo, hi, &k, &unused, &unused);
      else
        k = 0.0;
      cov[i] = b->sigma * b->sigma * q * k;
    }
  return GSL_SUCCESS;
}

int
fc_bridge_deterministic (const fc_bridge *b, double t0, const double *x0,
                         size_t n_t, const double *times, double *xbar)
{
  if (n_t > 0 && (x0 == NULL || times == NULL || xbar == NULL))
    GSL_ERROR ("start point, times and output must not be NULL", GSL_EINVAL);
  for (size_t k = 0; k < n_t; k++)
    {
      int status = fc_bridge_marginal (b, t0, times[k], 1, x0,
                                       xbar + k * b->dim, NULL);
      if (status)
        return status;
    }
  return fc_bridge_check (b);
}

int
fc_bridge_sample (const fc_bridge *b, double t0, double t, size_t n,
                  const double *x0, unsigned long seed,
                  unsigned long stream_base, double *x)
{
  int status = fc_bridge_check_times (b, t0, t);
  if (status)
    return status;
  if (n > 0 && (x0 == NULL || x == NULL))
    GSL_ERROR ("start points and output must not be NULL", GSL_EINVAL);
  size_t d = b->dim, nd = n * d;
  /* One allocation per call: the normals (n, D) and the standard
     deviations (D).  */
  double *z = malloc ((nd + d) * sizeof *z), *sd = z + nd;
  if (z == NULL)
    GSL_ERROR ("cannot allocate the normals", GSL_ENOMEM);
  status = fc_rng_gaussian_fill (seed, stream_base, nd, z);
  for (size_t i = 0; status == GSL_SUCCESS && i < d; i++)
    {
      double w0, w1, q, mu = fc_bridge_mu (b, i);
      fc_bridge_weights (b, i, t0, t, &w0, &w1, &q);
      sd[i] = b->sigma * sqrt (q);
      /* Element by element, so X may alias X0.  */
      for (size_t p = 0; p < n; p++)
        x[p * d + i] = mu + w0 * (x0[p * d + i] - mu)
                       + w1 * (b->x_T[i] - mu) + sd[i] * z[p * d + i];
    }
  free (z);
  return status;
}
