/* src/fc_bridge.h -- Brownian-motion and Ornstein-Uhlenbeck bridges in
 * closed form (N §Doob's h-transform; claims H1-H3).
 *
 * The unconditioned process, coordinate by coordinate (i = 0 .. D-1):
 *
 *   dX_i = -theta_i (X_i - mu_i) dt + sigma dB_i,
 *
 * theta_i >= 0 (theta = 0 is Brownian motion), one scalar sigma >= 0, B a
 * D-dimensional Brownian motion.  The coordinates are independent, so every
 * covariance below is diagonal and is returned as a vector (D).  With
 * tau = T - t, u = theta tau and the variance function
 *
 *   s(tau) = (1 - e^{-2 theta tau}) / (2 theta)      (= tau when theta = 0)
 *
 * the transition law is X_T | X_t = x ~ N(mu + e^{-u} (x - mu), sigma^2 s),
 * so h(t, x) = p(X_T = x_T | X_t = x) is that Gaussian density at x_T, and
 * the h-transformed drift f + sigma^2 grad log h is
 *
 *   b_i(t, x) = c1 (x_T,i - x_i) - g (x_i - mu_i),
 *   c1 = e^{-u} / s(tau) = theta / sinh(u),
 *   g  = (1 - e^{-u})^2 / (2 s(tau)) = theta (coth(u) - 1 / sinh(u)),
 *
 * which does not depend on sigma (claim H2).  For Brownian motion c1 = 1/tau
 * and g = 0: b = (x_T - x) / (T - t).  Stable forms: s uses expm1, so
 * 1 - e^{-2 theta tau} never cancels near t = T or as theta -> 0; the
 * product theta tau below sqrt(eps) switches to the series s = tau (1 - u),
 * whose neglected term (2/3) u^2 tau is below eps tau.  The h-term is split
 * as c1 (x_T - x), so near T no large c1 x_T and c1 x cancel.  The drift is
 * singular at t = T and is not defined there (GSL_EDOM).
 *
 * Bridge marginals, by Gaussian conditioning on X_T = x_T of the Markov
 * chain X_t0 = x0 -> X_t -> X_T (t0 <= t <= T, t0 < T), per coordinate,
 * with s1 = s(t - t0), e1 = e^{-theta (t - t0)}, s2 = s(T - t),
 * e2 = e^{-theta (T - t)}:
 *
 *   mean - mu = (e1 s2 (x0 - mu) + e2 s1 (x_T - mu)) / (s2 + e2^2 s1),
 *   var       = sigma^2 s1 s2 / (s2 + e2^2 s1);
 *
 * for Brownian motion ((T - t) x0 + (t - t0) x_T) / (T - t0) and
 * sigma^2 (t - t0)(T - t) / (T - t0).  The deterministic bridge (the
 * sigma -> 0 limit, the solution of dx/dt = b(t, x) from x0) is the mean.
 *
 * Errors are reported through GSL_ERROR: GSL_EINVAL for NULL pointers and
 * dim 0, GSL_EDOM for values outside the domains stated.  */
#ifndef FC_BRIDGE_H
#define FC_BRIDGE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum
{
  FC_BRIDGE_BM = 0, /* Brownian motion: theta and mu are ignored */
  FC_BRIDGE_OU      /* Ornstein-Uhlenbeck, rates theta_i >= 0 */
} fc_bridge_kind;

/* A bridge of the process above from time t0 (any t0 < T, given per call)
   to X_T = X_T.  The arrays are the caller's and must outlive the
   description.  For FC_BRIDGE_OU, THETA (dim) is required and MU (dim) may
   be NULL (mean 0).  SIGMA enters the marginal variances, the exact draws
   and nothing else: the drift does not depend on it.  */
typedef struct
{
  fc_bridge_kind kind;
  size_t dim;
  double T;            /* end time, finite */
  double sigma;        /* noise level, finite, >= 0 */
  const double *x_T;   /* (dim) end point, finite */
  const double *theta; /* (dim) OU rates, finite, >= 0; NULL for BM */
  const double *mu;    /* (dim) OU mean, finite; NULL means 0 */
} fc_bridge;

/* GSL_SUCCESS when B is a valid description; GSL_EINVAL for a NULL B,
   x_T or (OU) theta, or dim 0; GSL_EDOM for a non-finite T, x_T, theta or
   mu, a negative theta, or a negative or non-finite sigma.  */
int
fc_bridge_check (const fc_bridge *b);

/* The coefficients of the h-drift at the time t < b->T into C1 (dim) and
   G (dim): b_i = c1_i (x_T,i - x_i) - g_i (x_i - mu_i).  GSL_EDOM when
   t >= T or t is not finite.  */
int
fc_bridge_drift_coef (const fc_bridge *b, double t, double *c1, double *g);

/* The h-transformed drift f + sigma^2 grad log h in closed form at the N
   points X (n, dim), time t < b->T, into F (n, dim); PARAMS is a const
   fc_bridge *.  An fc_drift_fn (fc_sde.h): no allocation, thread safe.  */
int
fc_bridge_drift (double t, size_t n, const double *x, double *f,
                 void *params);

/* The same drift "the long way": f(x) = -theta (x - mu) plus SIGMA^2 times
   the gradient of log N(x_T; mu + e^{-u} (x - mu), SIGMA^2 s(tau) I), formed
   literally (the variance SIGMA^2 s, the gradient e^{-u} (x_T - m) / var,
   then the product with SIGMA^2), for the check that the result does not
   depend on SIGMA (claim H2).  Uses SIGMA (> 0, finite), not b->sigma.
   GSL_EDOM for t >= T or a bad SIGMA.  */
int
fc_bridge_drift_density (const fc_bridge *b, double sigma, double t, size_t n,
                         const double *x, double *f);

/* The law of X_t given X_T0 = x0 and X_T = x_T (t0 <= t <= T, t0 < T), for
   N start points X0 (n, dim): the means into MEAN (n, dim) (may alias X0)
   and the variances, the same for every start point, into VAR (dim); either
   output may be NULL.  Exact at t = t0 (x0, 0) and t = T (x_T, 0).  */
int
fc_bridge_marginal (const fc_bridge *b, double t0, double t, size_t n,
                    const double *x0, double *mean, double *var);

/* The covariance of X_s and X_t given X_T0 = x0 and X_T = x_T, for
   t0 <= s, t <= T (either order), into COV (dim): by the Markov property
   Var(X_min) times the coefficient of X_min in E[X_max | X_min].  */
int
fc_bridge_cov2 (const fc_bridge *b, double t0, double s, double t,
                double *cov);

/* The deterministic bridge (sigma -> 0) from X0 (dim) at T0 at the N_T
   times TIMES (each in [t0, T]) into XBAR (n_t, dim).  */
int
fc_bridge_deterministic (const fc_bridge *b, double t0, const double *x0,
                         size_t n_t, const double *times, double *xbar);

/* N exact draws of X_t given X_T0 = X0 (n, dim) and X_T = x_T, into X
   (n, dim) (may alias X0): mean + sqrt(var) z, the standard normals z
   from fc_rng_gaussian_fill (SEED, STREAM_BASE) over the n dim entries.  */
int
fc_bridge_sample (const fc_bridge *b, double t0, double t, size_t n,
                  const double *x0, unsigned long seed,
                  unsigned long stream_base, double *x);

#ifdef __cplusplus
}
#endif
#endif /* FC_BRIDGE_H */
