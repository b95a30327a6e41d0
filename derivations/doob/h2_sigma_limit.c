/* derivations/doob/h2_sigma_limit.c -- claim H2: the sigma -> 0 limit of
 * the h-transform (module `doob`, N §Doob's h-transform).
 *
 *  (i) the closed-form drift against sigma^2 grad log h from the Gaussian
 *      transition density at sigma in {1, 0.3, 0.1, 0.01};
 *  (ii) the RMS of sup_t |X^sigma_t - X^0_t| over seven sigmas, each on
 *      its own Brownian paths, its fitted rate in sigma against the Monte
 *      Carlo error of the points, and X^0 against the exact deterministic
 *      bridge;
 *  (iii) BM at T = 1: the h-drift is (x1 - x)/(1 - t) pointwise.
 * With the figures wanted it also draws the paths of doob-paths: three
 * Brownian paths scaled by sigma in {1, 0.3, 0.1} over the deterministic
 * bridge, for a BM and an OU bridge.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>

#include "doob_internal.h"
#include "fc_compare.h"
#include "fc_fd.h"
#include "fc_rng.h"
#include "fc_study.h"

#define DB_H2_DIM 3

/* (i), (iii): the sigmas of the long way, and the times in units of T;
   the last is T - 1e-9 T, where a naive 1 - e^{-2 theta tau} would have
   lost nine digits.  */
#define DB_H2_NSIG 4
static const double db_h2_sigmas[DB_H2_NSIG] = { 1.0, 0.3, 0.1, 0.01 };
#define DB_H2_NTIME 5
static const double db_h2_times[DB_H2_NTIME] = { 0.0, 0.381966, 0.5, 0.9, 1.0 - 1e-9 };

/* Round-off band of the sigma-independence and of the flow-matching
   identity, relative to the size of the drift's terms
   theta |x - mu| + (e |x_T - mu| + e^2 |x - mu|) / s: each form is at most
   eight roundings (exp, expm1, the quotient by s, the products by e, by
   sigma^2 and its inverse, two sums), each within eps of its term (exp and
   expm1 within an ulp), so two forms differ by at most 16 eps.  */
#define DB_H2_RTOL (16.0 * GSL_DBL_EPSILON)

/* (ii): seven sigmas of the rate fit, 1 down to 0.01.  */
#define DB_H2_NRATE 7
static const double db_h2_rate_sigmas[DB_H2_NRATE]
    = { 1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01 };

/* The rate band: with a drift that does not depend on sigma the scheme's
   deviation X^sigma - X^0 is sigma times a sigma-free process (the
   recursion is affine in the state and the noise enters as sigma dW), so
   on independent paths at each sigma the fitted rate is 1 up to the Monte
   Carlo error of the points; a drift that depends on sigma bends the
   log-log line.  Band: the Bonferroni z of the two rates (BM, OU) at
   FC_DOOB_MC_ALPHA times the rate's standard error.  */

/* X^0 against the exact deterministic bridge: the Brownian chain's mean
   recursion is exact (x_k = x0 + k h (x_T - x0) / T solves it), so only
   round-off is left: at most 2 eps max(|x0|, |x_T|) per step, damped by
   the factors 1 - h/tau <= 1, hence the band 2 N eps max|x|.  For OU the
   Euler error of the deterministic bridge is first order: its fitted order
   over steps N/4, N/2, N must be within DB_H2_DET_BAND of 1 (the
   O(h^2) terms at u = theta h <= 2.3 * 1.3 / 64 shift it by < 0.1).  */
#define DB_H2_DET_BAND 0.15

/* ------------------------------------------------- (i) and (iii): drifts */

/* The points of the pointwise checks: x0 + 1.5 z, z standard normal
   (stream SEED), into X (n, D).  */
static int
db_h2_points (const db_setup *s, size_t n, unsigned long seed, double *x)
{
  size_t d = s->b.dim;
  int status = fc_rng_gaussian_fill (seed, 0, n * d, x);
  for (size_t q = 0; status == GSL_SUCCESS && q < n * d; q++)
    x[q] = s->x0[q % d] + 1.5 * x[q];
  return status;
}

/* The size of the drift's terms at (t, x) for coordinate I (the scale of
   DB_H2_RTOL).  */
static double
db_drift_size (const db_setup *s, size_t i, double t, double x)
{
  double th = s->b.kind == FC_BRIDGE_OU ? s->theta[i] : 0.0;
  double mu = s->b.kind == FC_BRIDGE_OU ? s->mu[i] : 0.0;
  double tau = s->b.T - t, u = th * tau;
  double e = exp (-u), sv = u > 0.0 ? -expm1 (-2.0 * u) / (2.0 * th) : tau;
  return th * fabs (x - mu) + (e * fabs (s->x_T[i] - mu) + e * e * fabs (x - mu)) / sv;
}

/* The long-way drift of bridge B at noise SIGMA (fc_bridge_drift_density)
   at the N points X at time T into FL (n, D); in the control
   DB_H2_UNIT_NOISE_H, f + sigma^2 grad log h_1 with the h of unit noise
   (f + sigma^2 (b_1 - f), b_1 the long way at sigma = 1).  */
static int
db_h2_long_way (const fc_bridge *b, int variant, double sigma, double t,
                size_t n, const double *x, double *fl)
{
  if (variant != DB_H2_UNIT_NOISE_H)
    return fc_bridge_drift_density (b, sigma, t, n, x, fl);
  int status = fc_bridge_drift_density (b, 1.0, t, n, x, fl);
  size_t d = b->dim;
  for (size_t q = 0; status == GSL_SUCCESS && q < n * d; q++)
    {
      size_t i = q % d;
      double f0 = b->kind == FC_BRIDGE_OU ? -b->theta[i] * (x[q] - b->mu[i]) : 0.0;
      fl[q] = f0 + sigma * sigma * (fl[q] - f0);
    }
  return status;
}

/* (i) Largest |long way at sigma - closed form| / size over the times,
   points and sigmas, into *SPREAD (VARIANT: the long way of a
   control).  */
static int
db_h2_spread (const db_setup *s, int variant, size_t n, unsigned long seed,
              double *spread)
{
  size_t d = s->b.dim, nd = n * d;
  double *x = malloc (3 * nd * sizeof *x), *f = x ? x + nd : NULL; /* 3 x (n, D) */
  double *fl = x ? f + nd : NULL;
  int status = x ? GSL_SUCCESS : GSL_ENOMEM;
  *spread = 0.0;
  if (status == GSL_SUCCESS)
    status = db_h2_points (s, n, seed, x);
  for (size_t j = 0; j < DB_H2_NTIME && status == GSL_SUCCESS; j++)
    {
      double t = s->b.T * db_h2_times[j];
      status = fc_bridge_drift (t, n, x, f, (void *) &s->b);
      for (size_t a = 0; a < DB_H2_NSIG && status == GSL_SUCCESS; a++)
        {
          status = db_h2_long_way (&s->b, variant, db_h2_sigmas[a], t, n, x, fl);
          for (size_t q = 0; status == GSL_SUCCESS && q < nd; q++)
            *spread = GSL_MAX (*spread, fabs (fl[q] - f[q])
                                            / db_drift_size (s, q % d, t, x[q]));
        }
    }
  free (x);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the drift points", GSL_ENOMEM);
  return status;
}

/* The largest of the relative errors of the flow-matching field
   (x1 - x)/(1 - t) against the drifts FL (n, D) at the points X of S at
   time T, into *WORST.  */
static void
db_h2_fm_worst (const db_setup *s, size_t n, double t, const double *x,
                const double *fl, double *worst)
{
  size_t d = s->b.dim;
  for (size_t q = 0; q < n * d; q++)
    {
      double x1 = s->x_T[q % d], fm = (x1 - x[q]) / (1.0 - t);
      double size = (fabs (x1) + fabs (x[q])) / (1.0 - t);
      *worst = GSL_MAX (*worst, fabs (fl[q] - fm) / size);
    }
}

/* The velocity of the deterministic bridge of HB (S's bridge, or a
   control's), x1 - x0 for S's, against the field at xbar(t), relative to
   (|x1| + |xbar|)/(1 - t), into *WORST.  */
static int
db_h2_fm_velocity (const db_setup *s, const fc_bridge *hb, double t,
                   double *worst)
{
  double xb[DB_DIM_MAX], fb[DB_DIM_MAX];
  int status = fc_bridge_deterministic (hb, 0.0, s->x0, 1, &t, xb);
  if (status == GSL_SUCCESS)
    status = fc_bridge_drift (t, 1, xb, fb, (void *) hb);
  for (size_t i = 0; status == GSL_SUCCESS && i < s->b.dim; i++)
    {
      double size = (fabs (s->x_T[i]) + fabs (xb[i])) / (1.0 - t);
      *worst = GSL_MAX (*worst, fabs (fb[i] - (s->x_T[i] - s->x0[i])) / size);
    }
  return status;
}

/* (iii) Brownian motion at T = 1: the closed-form and long-way h-drifts
   against the flow-matching conditional field (x1 - x)/(1 - t), relative
   to (|x1| + |x|)/(1 - t), the size of the terms; and the velocity of the
   deterministic bridge against the field at xbar(t).  VARIANT: the drifts
   of a control (the h of another end time, or of unit noise).  */
static int
db_h2_fm_identity (int variant, size_t n, unsigned long seed, double *worst)
{
  db_setup s;
  db_drift_params dp;
  db_setup_init (&s, FC_BRIDGE_BM, DB_H2_DIM, 1.0, FC_DOOB_SIGMA, 0.0);
  db_drift_init (&dp, &s, variant);
  size_t nd = n * s.b.dim;
  double *x = malloc (3 * nd * sizeof *x), *f = x ? x + nd : NULL; /* 3 x (n, D) */
  double *fl = x ? f + nd : NULL;
  int status = x ? GSL_SUCCESS : GSL_ENOMEM;
  *worst = 0.0;
  if (status == GSL_SUCCESS)
    status = db_h2_points (&s, n, seed, x);
  for (size_t j = 0; j < DB_H2_NTIME && status == GSL_SUCCESS; j++)
    {
      double t = db_h2_times[j];
      status = fc_bridge_drift (t, n, x, f, (void *) dp.h_of);
      for (size_t a = 0; a < DB_H2_NSIG && status == GSL_SUCCESS; a++)
        {
          status = db_h2_long_way (dp.h_of, variant, db_h2_sigmas[a], t, n, x, fl);
          if (status == GSL_SUCCESS)
            db_h2_fm_worst (&s, n, t, x, fl, worst);
        }
      if (status == GSL_SUCCESS)
        db_h2_fm_worst (&s, n, t, x, f, worst);
      if (status == GSL_SUCCESS)
        status = db_h2_fm_velocity (&s, dp.h_of, t, worst);
    }
  free (x);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the identity points", GSL_ENOMEM);
  return status;
}

/* -------------------------------------------------- (ii): sigma -> 0 */

/* The simulated drift of S at noise SIGMA: the claim's, or VARIANT's.  */
static void
db_h2_drift_at (db_drift_params *dp, const db_setup *s, int variant,
                double sigma)
{
  db_drift_init (dp, s, variant);
  if (variant == DB_H2_UNIT_NOISE_H)
    dp->h_scale = sigma * sigma; /* sigma^2 grad log h_1 = sigma^2 (b - f) */
}

/* The grid times of GRID into TS (steps + 1).  */
static void
db_grid_times (const fc_sde_grid *grid, double *ts)
{
  for (size_t k = 0; k <= grid->steps; k++)
    ts[k] = fc_sde_grid_time (grid, k);
}

/* sup_k |X^0_k - xbar(t_k)| of the sigma = 0 chain from x0 with STEPS
   steps, and its states into X0S (steps + 1, D) when not NULL.  */
static int
db_h2_det_chain (const db_setup *s, int variant, size_t steps, double *x0s,
                 double *err)
{
  size_t d = s->b.dim, ns = steps + 1;
  db_drift_params dp;
  db_h2_drift_at (&dp, s, variant, 0.0);
  fc_sde_system sys = { db_drift, NULL, 0.0, d, &dp };
  fc_sde_grid grid = { 0.0, s->b.T, steps, 0, 1, 0, 1 };
  double *ts = malloc (ns * sizeof *ts);             /* (ns) */
  double *xs = malloc (2 * ns * d * sizeof *xs);     /* (2, ns, D) */
  double x[DB_DIM_MAX];
  int status = ts && xs ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    db_grid_times (&grid, ts);
  memcpy (x, s->x0, d * sizeof *x);
  if (status == GSL_SUCCESS)
    status = fc_sde_euler_maruyama (&sys, &grid, 1, x, ns, ts, xs);
  if (status == GSL_SUCCESS)
    status = fc_bridge_deterministic (&s->b, 0.0, s->x0, ns, ts, xs + ns * d);
  *err = 0.0;
  for (size_t q = 0; status == GSL_SUCCESS && q < ns * d; q++)
    *err = GSL_MAX (*err, fabs (xs[q] - xs[ns * d + q]));
  if (status == GSL_SUCCESS && x0s)
    memcpy (x0s, xs, ns * d * sizeof *xs);
  free (ts), free (xs);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the deterministic chain", GSL_ENOMEM);
  return status;
}

/* The RMS over the N paths XS (ns, n, D) of the sup and of the T/2
   deviation from X0S (ns, D), into *SUP and *HALF, and the Monte Carlo
   standard error of log *SUP (delta method: half the relative standard
   error of the mean of the squared sups) into *SE_LOG.  */
static void
db_h2_deviations (size_t ns, size_t n, size_t d, const double *xs,
                  const double *x0s, double *sup, double *half, double *se_log)
{
  size_t steps = ns - 1;
  double ss = 0.0, ss2 = 0.0, sh = 0.0;
  for (size_t p = 0; p < n; p++)
    {
      double sup2 = 0.0;
      for (size_t k = 0; k < ns; k++)
        {
          double r2 = 0.0;
          for (size_t i = 0; i < d; i++)
            r2 += gsl_pow_2 (xs[(k * n + p) * d + i] - x0s[k * d + i]);
          sup2 = GSL_MAX (sup2, r2);
          if (2 * k == steps)
            sh += r2;
        }
      ss += sup2, ss2 += sup2 * sup2;
    }
  double mean = ss / (double) n, var = ss2 / (double) n - mean * mean;
  *sup = sqrt (mean);
  *half = sqrt (sh / (double) n);
  *se_log = 0.5 * sqrt (GSL_MAX (var, 0.0) / (double) (n - 1)) / mean;
}

/* The rate of DEV (n_sig) in SIGMAS, a weighted least-squares slope of
   log dev on log sigma with the weights 1/SE_LOG^2, and its standard
   error from the Monte Carlo errors of the points (independent draws at
   each sigma), into *RATE and *RATE_SE.  */
static void
db_h2_rate_fit (size_t n_sig, const double *sigmas, const double *dev,
                const double *se_log, double *rate, double *rate_se)
{
  double sw = 0.0, sx = 0.0, sy = 0.0;
  for (size_t a = 0; a < n_sig; a++)
    {
      double w = 1.0 / (se_log[a] * se_log[a]);
      sw += w, sx += w * log (sigmas[a]), sy += w * log (dev[a]);
    }
  double xm = sx / sw, ym = sy / sw, sxx = 0.0, sxy = 0.0;
  for (size_t a = 0; a < n_sig; a++)
    {
      double w = 1.0 / (se_log[a] * se_log[a]), dx = log (sigmas[a]) - xm;
      sxx += w * dx * dx, sxy += w * dx * (log (dev[a]) - ym);
    }
  *rate = sxy / sxx;
  *rate_se = 1.0 / sqrt (sxx);
}

/* The order of X^0's error over N/4, N/2, N steps (OU; NAN for BM, whose
   X^0 is exact to round-off), fitted only on the leading steps whose
   error stays above ten times the round-off floor 2 N eps max|x| (the
   band of det_err_bm; fc_study_ladder_above_floor), their number into
   c->det_kept.  */
static int
db_h2_det_fit (const db_setup *s, size_t steps, fc_doob_sigma_limit *c)
{
  double lc, se, h3[3], xmax = 0.0;
  for (size_t a = 0; a < 3; a++)
    h3[a] = s->b.T / (double) (steps >> (2 - a));
  for (size_t i = 0; i < s->b.dim; i++)
    xmax = GSL_MAX (xmax, GSL_MAX (fabs (s->x0[i]), fabs (s->x_T[i])));
  c->det_order = NAN;
  c->det_kept = fc_study_ladder_above_floor (
      3, c->det_err, 2.0 * (double) steps * GSL_DBL_EPSILON * xmax);
  if (s->b.kind == FC_BRIDGE_OU && c->det_kept >= 2)
    return fc_fd_order_fit (c->det_kept, h3, c->det_err, &c->det_order, &lc, &se);
  return GSL_SUCCESS;
}

/* Paths at every sigma of SIGMAS (n_sig), each sigma on its own Brownian
   paths (stream (SEED, a) for the a-th), their RMS sup and T/2
   deviations from X^0, the fitted rate with its Monte Carlo error, and
   the deterministic checks.  Independent draws: the deviations of a
   sigma-free drift are sigma times a sigma-free process, so the rate is 1
   up to the Monte Carlo error of the points, which a drift that depends
   on sigma exceeds (on shared paths the rate would be 1 to round-off by
   construction, and its error no measure of anything).  */
static int
db_h2_converge (const db_setup *s, int variant, size_t n_sig,
                const double *sigmas, size_t n, size_t steps, unsigned long seed,
                fc_doob_sigma_limit *c)
{
  if (n_sig > FC_DOOB_NSIG_MAX || steps % 4 != 0 || n < 2)
    GSL_ERROR ("at most FC_DOOB_NSIG_MAX sigmas, steps a multiple of 4, 2 paths",
               GSL_EBADLEN);
  size_t d = s->b.dim, ns = steps + 1, nd = n * d;
  fc_sde_grid grid = { 0.0, s->b.T, steps, 0, seed, 0, 1 };
  double *ts = malloc (ns * sizeof *ts), *x = malloc (nd * sizeof *x);
  double *xs = malloc (ns * nd * sizeof *xs);         /* (ns, n, D) */
  double *x0s = malloc (ns * d * sizeof *x0s);        /* (ns, D) */
  double se_log[FC_DOOB_NSIG_MAX];
  int status = ts && x && xs && x0s ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    db_grid_times (&grid, ts);
  for (size_t a = 0; a < 3 && status == GSL_SUCCESS; a++)
    status = db_h2_det_chain (s, variant, steps >> (2 - a), a == 2 ? x0s : NULL,
                              &c->det_err[a]);
  for (size_t a = 0; a < n_sig && status == GSL_SUCCESS; a++)
    {
      db_drift_params dp;
      db_h2_drift_at (&dp, s, variant, sigmas[a]);
      fc_sde_system sys = { db_drift, NULL, sigmas[a], d, &dp };
      grid.seed = fc_rng_stream_seed (seed, a);
      db_fill_start (s, n, x);
      status = fc_sde_euler_maruyama (&sys, &grid, n, x, ns, ts, xs);
      if (status == GSL_SUCCESS)
        db_h2_deviations (ns, n, d, xs, x0s, &c->dev_sup[a], &c->dev_half[a],
                          &se_log[a]);
    }
  if (status == GSL_SUCCESS)
    {
      db_h2_rate_fit (n_sig, sigmas, c->dev_sup, se_log, &c->rate, &c->rate_se);
      status = db_h2_det_fit (s, steps, c);
    }
  free (ts), free (x), free (xs), free (x0s);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the sigma study", GSL_ENOMEM);
  return status;
}

int
fc_doob_sigma_study (fc_bridge_kind kind, size_t n_sig, const double *sigmas,
                     size_t n, size_t steps, unsigned long seed,
                     fc_doob_sigma_limit *c)
{
  db_setup s;
  double var[DB_DIM_MAX];
  db_setup_init (&s, kind, DB_H2_DIM, FC_DOOB_T, 1.0, 1.0);
  int status = db_h2_converge (&s, DB_CLAIM, n_sig, sigmas, n, steps, seed, c);
  if (status == GSL_SUCCESS)
    status = fc_bridge_marginal (&s.b, 0.0, 0.5 * FC_DOOB_T, 0, NULL, NULL, var);
  c->sd_half = 0.0;
  for (size_t i = 0; status == GSL_SUCCESS && i < DB_H2_DIM; i++)
    c->sd_half += var[i];
  c->sd_half = sqrt (c->sd_half);
  return status;
}

/* ------------------------------------------------------- doob-paths */

const double db_paths_sigmas[DB_PATHS_NSIG] = { 1.0, 0.3, 0.1 };

/* Block K of doob-paths (0: BM from -0.5 to 1; 1: OU from 1.5 to -0.5,
   theta = 2 * 1.74, mu = 0; T = 1), from SEED.  */
static int
db_h2_paths_block (int k, unsigned long seed, db_paths_block *blk)
{
  size_t ns = DB_PATHS_STEPS + 1, np = DB_PATHS_N;
  db_setup s;
  db_setup_init (&s, k ? FC_BRIDGE_OU : FC_BRIDGE_BM, 1, 1.0, 1.0, 2.0);
  s.x0[0] = k ? 1.5 : -0.5, s.x_T[0] = k ? -0.5 : 1.0;
  if (k)
    s.mu[0] = 0.0;
  blk->x0 = s.x0[0], blk->x_T = s.x_T[0];
  db_drift_params dp;
  db_drift_init (&dp, &s, DB_CLAIM);
  fc_sde_grid grid = { 0.0, s.b.T, DB_PATHS_STEPS, 0, seed, 0, 1 };
  double *xs = malloc (ns * np * sizeof *xs), x[DB_PATHS_N]; /* (ns, np) */
  int status = xs ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    db_grid_times (&grid, blk->t);
  if (status == GSL_SUCCESS)
    status = fc_bridge_deterministic (&s.b, 0.0, s.x0, ns, blk->t, blk->xbar);
  for (size_t a = 0; a < DB_PATHS_NSIG && status == GSL_SUCCESS; a++)
    {
      fc_sde_system sys = { db_drift, NULL, db_paths_sigmas[a], 1, &dp };
      db_fill_start (&s, np, x);
      status = fc_sde_euler_maruyama (&sys, &grid, np, x, ns, blk->t, xs);
      if (status == GSL_SUCCESS)
        memcpy (blk->x[a], xs, ns * np * sizeof *xs);
    }
  free (xs);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the path figure", GSL_ENOMEM);
  return status;
}

/* ------------------------------------------------------------ the claim */

/* Measure (i)-(iii) for BM and OU into SPREAD, C and *FM.  */
static int
db_h2_measure (const fc_run_options *opt, int variant, db_setup *s,
               double *spread, fc_doob_sigma_limit *c, double *fm)
{
  const db_sizes *sz = FC_SIZES (db_size_plan, opt);
  int status = GSL_SUCCESS;
  for (int k = 0; k < 2 && status == GSL_SUCCESS; k++)
    {
      db_setup_init (&s[k], k ? FC_BRIDGE_OU : FC_BRIDGE_BM, DB_H2_DIM, FC_DOOB_T,
                     FC_DOOB_SIGMA, 1.0);
      status = db_h2_spread (&s[k], variant, sz->h2_npts,
                             fc_module_seed (opt, DB_TAG_H2 + k), &spread[k]);
      if (status == GSL_SUCCESS)
        {
          fc_module_progress (opt, "%s: %zu paths x %d sigmas, %zu steps",
                              db_kind_name (s[k].b.kind), sz->h2_n, DB_H2_NRATE,
                              sz->h2_steps);
          status = db_h2_converge (&s[k], variant, DB_H2_NRATE, db_h2_rate_sigmas,
                                   sz->h2_n, sz->h2_steps,
                                   fc_module_seed (opt, DB_TAG_H2 + 8 + k), &c[k]);
        }
    }
  if (status == GSL_SUCCESS)
    status = db_h2_fm_identity (variant, sz->h2_npts,
                                fc_module_seed (opt, DB_TAG_H2 + 16), fm);
  return status;
}

/* Store the doob-paths blocks in the figure record.  */
static int
db_h2_store_paths (const fc_run_options *opt, db_figures *fig)
{
  int status = GSL_SUCCESS;
  for (int k = 0; k < 2 && status == GSL_SUCCESS; k++)
    status = db_h2_paths_block (k, fc_module_seed (opt, DB_TAG_PATHS + k),
                                &fig->paths[k]);
  fig->paths_done = status == GSL_SUCCESS;
  return status;
}

/* Record the figures of H2, all deciding (HOLDS): the drift does not
   depend on sigma (round-off), the deviations shrink like sigma^1 (Monte
   Carlo band), X^0 is the deterministic bridge (BM: round-off; OU: first
   order in the step), and BM at T = 1 gives the flow-matching field
   (round-off).  */
static void
db_h2_metrics (fc_verdict *v, const double *spread, const fc_doob_sigma_limit *c,
               double det_band_bm, double fm)
{
  static const char *const sp[2] = { "drift_sigma_spread_bm", "drift_sigma_spread_ou" };
  static const char *const rt[2] = { "rate_bm", "rate_ou" };
  double z = fc_compare_z_band (FC_DOOB_MC_ALPHA, 2);
  for (int k = 0; k < 2; k++)
    {
      double band = z * c[k].rate_se;
      fc_verdict_decide (v, FC_TEST_HOLDS, sp[k], spread[k], DB_H2_RTOL,
                         spread[k] <= DB_H2_RTOL);
      fc_verdict_decide (v, FC_TEST_HOLDS, rt[k], c[k].rate, band,
                         fabs (c[k].rate - 1.0) <= band);
    }
  fc_verdict_decide (v, FC_TEST_HOLDS, "det_err_bm", c[0].det_err[2], det_band_bm,
                     c[0].det_err[2] <= det_band_bm);
  fc_verdict_decide (v, FC_TEST_HOLDS, "det_order_ou", c[1].det_order,
                     DB_H2_DET_BAND, fabs (c[1].det_order - 1.0) <= DB_H2_DET_BAND);
  fc_verdict_decide (v, FC_TEST_HOLDS, "fm_identity", fm, DB_H2_RTOL,
                     fm <= DB_H2_RTOL);
  fc_verdict_report (v, "rate_se_bm", c[0].rate_se, NAN);
  fc_verdict_report (v, "rate_se_ou", c[1].rate_se, NAN);
}

int
db_check_h2 (const fc_run_options *opt, fc_verdict *v)
{
  db_setup s[2];
  double spread[2], fm;
  fc_doob_sigma_limit c[2];
  int status = db_h2_measure (opt, fc_control_variant (opt), s, spread, c, &fm);
  if (status == GSL_SUCCESS && opt->figures != NULL)
    status = db_h2_store_paths (opt, opt->figures);
  if (status)
    return status;
  double xmax = 0.0;
  for (size_t i = 0; i < s[0].b.dim; i++)
    xmax = GSL_MAX (xmax, GSL_MAX (fabs (s[0].x0[i]), fabs (s[0].x_T[i])));
  double det_band_bm = 2.0 * (double) FC_SIZES (db_size_plan, opt)->h2_steps
                       * GSL_DBL_EPSILON * xmax;
  db_h2_metrics (v, spread, c, det_band_bm, fm);
  for (int k = 0; k < 2; k++)
    fc_module_progress (opt, "%s: drift spread over sigma %.2g (band %.2g); RMS "
                        "sup |X - X0| %.3g .. %.3g for sigma 1 .. 0.01 (independent "
                        "paths), rate %.4f +- %.2g", db_kind_name (s[k].b.kind),
                        spread[k], DB_H2_RTOL, c[k].dev_sup[0],
                        c[k].dev_sup[DB_H2_NRATE - 1], c[k].rate, c[k].rate_se);
  fc_module_progress (opt, "X0 vs exact deterministic bridge: BM %.2g (band %.2g), "
                      "OU %.3g %.3g %.3g (order %.3f on %zu of 3 steps above ten "
                      "times round-off); FM identity %.2g (band %.2g)",
                      c[0].det_err[2], det_band_bm, c[1].det_err[0], c[1].det_err[1],
                      c[1].det_err[2], c[1].det_order, c[1].det_kept, fm, DB_H2_RTOL);
  fc_verdict_note (v, "drift sigma-free to %.1g/%.1g (band %.1g); sup|X - X0| ~ "
                   "sigma^%.3f (BM), sigma^%.3f (OU) +- %.1g; BM T=1 field = "
                   "(x1-x)/(1-t) to %.1g", spread[0], spread[1], DB_H2_RTOL,
                   c[0].rate, c[1].rate, GSL_MAX (c[0].rate_se, c[1].rate_se), fm);
  return GSL_SUCCESS;
}
