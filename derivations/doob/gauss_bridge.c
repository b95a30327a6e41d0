/* derivations/doob/gauss_bridge.c -- the Gaussian bridge problems of
 * module `doob` (claims H1 (a, b), H2, H3; N §Doob's h-transform).
 *
 * The closed forms are in src/fc_bridge.h: the h-drift
 * b = c1 (x_T - x) - g (x - mu), the exact bridge marginals and the
 * deterministic bridge.  The simulations are fc_sde's Euler-Maruyama, whose
 * drift is evaluated at left ends only, so the singular drift is never
 * evaluated at T; its last step has h / (T - t_{N-1}) = 1 and lands at
 * x_T + sigma dW_{N-1} for Brownian motion (plain), or exactly at x_T with
 * the deterministic last step (fc_sde_grid.deterministic_last_step).
 * Here: the problems, the drift the bridges are simulated with (the
 * claim's, or a control's), the scheme's exact moments and the end-point
 * band.  */
#include <config.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>

#include "doob_internal.h"

/* Fixed high-entropy values: x0_i = 1.2 sin(2.3 i + 0.7), x_T,i =
   1.5 cos(1.9 i + 0.4), mu_i = 0.3 sin(3.1 i + 1), and rates
   theta_i = SCALE (0.381966 + 2.2 frac(0.618034 (i + 1))), in
   [0.38, 2.6] SCALE (1.74, 0.90, 2.26 for the first three).  */
void
db_setup_init (db_setup *s, fc_bridge_kind kind, size_t dim, double T,
               double sigma, double theta_scale)
{
  for (size_t i = 0; i < dim && i < DB_DIM_MAX; i++)
    {
      double q = 0.618034 * (double) (i + 1);
      s->x0[i] = 1.2 * sin (2.3 * (double) i + 0.7);
      s->x_T[i] = 1.5 * cos (1.9 * (double) i + 0.4);
      s->mu[i] = 0.3 * sin (3.1 * (double) i + 1.0);
      s->theta[i] = theta_scale * (0.381966 + 2.2 * (q - floor (q)));
    }
  s->b.kind = kind;
  s->b.dim = GSL_MIN (dim, DB_DIM_MAX);
  s->b.T = T;
  s->b.sigma = sigma;
  s->b.x_T = s->x_T;
  s->b.theta = kind == FC_BRIDGE_OU ? s->theta : NULL;
  s->b.mu = kind == FC_BRIDGE_OU ? s->mu : NULL;
}

const char *
db_kind_name (fc_bridge_kind k)
{
  return k == FC_BRIDGE_OU ? "OU" : "BM";
}

void
db_fill_start (const db_setup *s, size_t n, double *x)
{
  for (size_t p = 0; p < n; p++)
    memcpy (x + p * s->b.dim, s->x0, s->b.dim * sizeof *x);
}

/* ------------------------------------------------------------ the drift */

void
db_drift_init (db_drift_params *p, const db_setup *s, int variant)
{
  p->h_of = &s->b;
  p->other_end = s->b;
  p->h_scale = 1.0;
  p->right_end_recursion = variant == DB_H3_BROKEN_RECURSION;
  if (variant == DB_H1_WRONG_END_TIME || variant == DB_H2_WRONG_END_TIME
      || variant == DB_H3_WRONG_END_TIME)
    {
      p->other_end.T = (variant == DB_H2_WRONG_END_TIME ? DB_H2_WRONG_T_FACTOR
                                                        : DB_H1_WRONG_T_FACTOR)
                       * s->b.T;
      p->h_of = &p->other_end;
    }
  else if (variant == DB_H1_HALF_H_TERM)
    p->h_scale = 0.5;
}

int
db_drift (double t, size_t n, const double *x, double *f, void *params)
{
  const db_drift_params *p = params;
  const fc_bridge *b = p->h_of;
  int status = fc_bridge_drift (t, n, x, f, (void *) b);
  if (status || p->h_scale == 1.0)
    return status;
  /* The h-term scaled: f0 + h_scale (b - f0) with f0 = -theta (x - mu). */
  size_t d = b->dim;
  for (size_t i = 0; i < d; i++)
    {
      double th = b->kind == FC_BRIDGE_OU ? b->theta[i] : 0.0;
      double mu = b->kind == FC_BRIDGE_OU && b->mu ? b->mu[i] : 0.0;
      for (size_t q = 0; q < n; q++)
        {
          double f0 = -th * (x[q * d + i] - mu);
          f[q * d + i] = f0 + p->h_scale * (f[q * d + i] - f0);
        }
    }
  return GSL_SUCCESS;
}

/* ------------------------------------------- the scheme's exact moments */

/* The drift of DP is affine in x: f0 + h_scale (b - f0) with
   f0 = -theta (x - mu) and b = c1 (x_T - x) - g (x - mu) of the bridge
   DP->h_of, so the chain's moments follow
     m_{k+1} = m_k + h drift(t_k, m_k),
     v_{k+1} = a^2 v_k + sigma^2 h,  a = 1 + h d drift / dx,
   the coefficients at the step's left end t_k (at its right end t_{k+1}
   in the broken recursion of a control).  */
int
db_em_moments (const db_setup *s, const db_drift_params *dp, double sigma,
               const fc_sde_grid *grid, size_t n_k, const size_t *ks,
               double *mean, double *var)
{
  size_t d = s->b.dim, j = 0;
  double m[DB_DIM_MAX], v[DB_DIM_MAX], c1[DB_DIM_MAX], g[DB_DIM_MAX];
  double h = (grid->t1 - grid->t0) / (double) grid->steps, hs = dp->h_scale;
  memcpy (m, s->x0, d * sizeof *m);
  for (size_t i = 0; i < d; i++)
    v[i] = 0.0;
  for (size_t k = 0; k < grid->steps && j < n_k; k++)
    {
      size_t kt = dp->right_end_recursion ? k + 1 : k;
      int status = fc_bridge_drift_coef (dp->h_of, fc_sde_grid_time (grid, kt), c1,
                                         g);
      if (status)
        return status;
      for (size_t i = 0; i < d; i++)
        {
          double th = s->b.kind == FC_BRIDGE_OU ? s->theta[i] : 0.0;
          double mu = s->b.kind == FC_BRIDGE_OU ? s->mu[i] : 0.0;
          double f0 = -th * (m[i] - mu);
          double b = c1[i] * (s->x_T[i] - m[i]) - g[i] * (m[i] - mu);
          double a = 1.0 - h * ((1.0 - hs) * th + hs * (c1[i] + g[i]));
          m[i] += h * (hs == 1.0 ? b : f0 + hs * (b - f0));
          v[i] = a * a * v[i] + sigma * sigma * h;
        }
      if (k + 1 == ks[j])
        {
          memcpy (mean + j * d, m, d * sizeof *m);
          memcpy (var + j * d, v, d * sizeof *v);
          j++;
        }
    }
  return GSL_SUCCESS;
}

/* ---------------------------------------------------- the end-point band */

/* The last-step spread bound: |X_{N-1} - x_T| <= DB_TAIL_Z sigma sqrt(h)
   (the bridge standard deviation at T - h is at most sigma sqrt(h); 8
   standard deviations are exceeded with probability 1e-15 per entry).  */
#define DB_TAIL_Z 8.0

/* The deterministic last step computes x + h b(t_{N-1}, x).  Brownian
   motion: h b = (x_T - x) h / tau, tau = T - t_{N-1} carrying the rounding
   eps T of t_{N-1}, a relative error 2 eps N of h / tau, times
   |x - x_T| <= R = DB_TAIL_Z sigma sqrt(h), plus the final roundings
   eps (|x_T| + R): the band is 2 eps (|x_T| + (2 N + 1) R).
   Ornstein-Uhlenbeck adds the scheme's local error: h c1 = u / sinh u =
   1 - u^2/6 + ..., h g = u tanh(u/2) = u^2/2 + ..., u = theta h, so
   X_N - x_T = (x - x_T)(1 - h c1) - h g (x - mu), at most
   u^2 (R/6 + (|x_T - mu| + R)/2) (1 + u), the last factor bounding the
   series' remainders.  */
/* The round-off part of coordinate I, R the spread bound.  */
static double
db_endpoint_roundoff_at (const db_setup *s, size_t i, size_t steps, double r)
{
  return 2.0 * GSL_DBL_EPSILON
         * (fabs (s->x_T[i]) + (2.0 * (double) steps + 1.0) * r);
}

double
db_endpoint_roundoff (const db_setup *s, double sigma, size_t steps)
{
  double r = DB_TAIL_Z * sigma * sqrt (s->b.T / (double) steps), band = 0.0;
  for (size_t i = 0; i < s->b.dim; i++)
    band = GSL_MAX (band, db_endpoint_roundoff_at (s, i, steps, r));
  return band;
}

double
db_endpoint_band (const db_setup *s, double sigma, size_t steps)
{
  double h = s->b.T / (double) steps, r = DB_TAIL_Z * sigma * sqrt (h);
  double band = 0.0;
  for (size_t i = 0; i < s->b.dim; i++)
    {
      double bi = db_endpoint_roundoff_at (s, i, steps, r);
      if (s->b.kind == FC_BRIDGE_OU)
        {
          double u = s->theta[i] * h;
          bi += u * u * (r / 6.0 + 0.5 * (fabs (s->x_T[i] - s->mu[i]) + r))
                * (1.0 + u);
        }
      band = GSL_MAX (band, bi);
    }
  return band;
}
