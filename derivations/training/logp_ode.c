/* derivations/training/logp_ode.c -- claim T4 (N §Ordinary diferential
 * equation; L "Thinking about continuous flows"): the continuous change of
 * variables and Hutchinson's divergence estimator, on the exact marginal
 * field of mixture data (fc_path.h: log p_t, u_t and div u_t in closed
 * form).
 *
 * (a) Along x' = u_t(x), d log p_t(x_t)/dt = -div u_t(x_t), so
 *       r = log p_T(x_T) - log p_S(x_S) + integral_S^T div u_t(x_t) dt = 0
     (S = 0.1, T = 0.8, x_S ~ p_S).
 *     RK4 carries x and the integral together (fc_ode_fixed with logdet);
 *     r(h) is then the scheme's error, O(h^4).  Figures:
 *       logp_order      fitted slope of log rms r(h) against log h over the
 *                       ladder (above the round-off floor), against 4;
 *                       band 3 standard errors of the fit plus h_max/tau,
 *                       tau the shortest time scale of p_t on [S, T]
 *                       (fc_path_field_scale): the relative size of the
 *                       next term of the error expansion at the coarsest
 *                       step.
 *       logp_resid_hmin rms r(h_min) against the Richardson estimate of a
 *                       fourth-order error, |r(h_min) - r(2 h_min)|/15,
 *                       doubled for the next term, plus the round-off floor.
 *
 * (b) Hutchinson: for a probe z with E z z^T = I, z^T J z is unbiased for
 *     tr J = div u.  With A = (J + J^T)/2 (z^T J z = z^T A z):
 *       Gaussian:   Var = 2 ||A||_F^2, fourth central moment
 *                   48 tr A^4 + 12 (tr A^2)^2 (cumulants 2^{r-1}(r-1)! tr A^r);
 *       Rademacher: Var = 2 (||A||_F^2 - sum_i A_ii^2); its central moments
 *                   exactly by enumerating the 2^(D-1) sign patterns (z and
 *                   -z give the same value).
 *     J by central differences of the exact field (error ~1e-8, far below
 *     the estimator's standard error); the mean against the oracle's div.
 *     The sample variance s^2 of n probes has Var(s^2) = mu4/n - sigma^4
 *     (n-3)/(n(n-1)).  Figures hutch_mean_z_{gauss,rad}, hutch_var_z_
 *     {gauss,rad}: the largest |z| over the points, against the Bonferroni
 *     quantile at family level TR_T4_ALPHA over all z-scores of a kind.
 *
 * Controls: scaled_div integrates -(1 + 1e-3) div (the residual tends to
 * 1e-3 of the integral of div: order and Richardson figures fail);
 * scaled_probes draws probes with second moment 1.1 (mean biased by
 * 0.1 tr J, variance by 21%).  */
#include <config.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "fc_fd.h"
#include "fc_path.h"
#include "fc_path_field.h"
#include "fc_study.h"
#include "training_internal.h"

const size_t tr_t4_ladder[TR_T4_NLADDER] = { 16, 32, 64, 128, 256 };

/* The time span of the log-density paths: p_t of 8gaussians varies on
   the time scale tau >= 0.09 there (fc_path_field_scale; alpha'/alpha =
   1/t makes it shorter towards t = 0, where nothing of the data shows
   yet), so the ladder's coarsest step leaves h/tau <= 0.5.  */
#define TR_T4_T_START 0.1
#define TR_T4_T_END 0.8
/* The Hutchinson points' times and dimension of the second data set.  */
static const double tr_t4_times[] = { 0.3, 0.6, 0.9 };
#define TR_T4_HI_DIM 6
_Static_assert (TR_T4_HI_DIM <= TR_MAX_DIM, "T4's arrays hold TR_MAX_DIM");
/* Central-difference step of the Jacobian, relative to sigma_t.  */
#define TR_T4_FD_REL 1e-4

typedef struct
{
  fc_path_field_params path;
  double div_factor; /* 1, or 1 + TR_T4_DIV_PERTURB in scaled_div */
} tr_t4_field;

static int
tr_t4_velocity (double t, size_t n, const double *x, double *u, double *div,
                void *params)
{
  tr_t4_field *f = params;
  int status = fc_path_field_velocity (t, n, x, u, div, &f->path);
  for (size_t i = 0; i < n && div != NULL && !status; i++)
    div[i] *= f->div_factor;
  return status;
}

/* rms over the N paths from X0 (n, D) of the residual r after STEPS RK4
   steps over [T_START, T_END], into *RMS; the signed residuals into R (n).  */
static int
tr_t4_residual (tr_t4_field *f, size_t n, const double *x0,
                const double *logp0, size_t steps, double *work, double *r,
                double *rms)
{
  size_t dim = f->path.g->dim;
  double *x = work, *logp1 = work + n * dim;
  memcpy (x, x0, n * dim * sizeof (double));
  for (size_t i = 0; i < n; i++)
    r[i] = 0.0;
  int status = fc_ode_fixed (tr_t4_velocity, f, FC_ODE_RK4, dim, n, x, r,
                             TR_T4_T_START, TR_T4_T_END, steps, NULL);
  if (!status)
    status = fc_path_eval (f->path.g, f->path.s, TR_T4_T_END, FC_Q_LOGP, n, x,
                           logp1);
  double ss = 0.0;
  for (size_t i = 0; i < n && !status; i++)
    {
      /* logdet r holds -integral of div: r = log p_T - log p_0 - logdet.  */
      r[i] = logp1[i] - logp0[i] - r[i];
      ss += r[i] * r[i];
    }
  *rms = sqrt (ss / (double) n);
  return status;
}

/* The log-density study: rms residual per ladder step into ERR, the
   Richardson difference at the two finest into *RICH, the floor.  */
static int
tr_t4_logp_study (const fc_run_options *opt, const fc_gmm *g, double factor,
                  double err[TR_T4_NLADDER], double *rich, double *floor)
{
  const tr_sizes *sz = FC_SIZES (tr_size_plan, opt);
  size_t n = sz->t4_paths, dim = g->dim;
  tr_t4_field f = { { g, FC_SCHEDULE_LINEAR }, factor };
  double *buf = malloc ((n * dim * 2 + 4 * n + n * dim) * sizeof (double));
  if (buf == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  double *x0 = buf, *logp0 = x0 + n * dim, *r = logp0 + n, *rprev = r + n;
  double *work = rprev + n;
  fc_path_field_source src = { f.path.s, dim, g, NULL };
  int status = fc_path_field_points (TR_T4_T_START,
                                     fc_module_seed (opt, TR_TAG_T4), n, x0,
                                     &src);
  if (!status)
    status = fc_path_eval (g, f.path.s, TR_T4_T_START, FC_Q_LOGP, n, x0,
                           logp0);
  double lmax = 0.0;
  for (size_t i = 0; i < n && !status; i++)
    lmax = fmax (lmax, fabs (logp0[i]));
  for (size_t l = 0; l < TR_T4_NLADDER && !status; l++)
    {
      memcpy (rprev, r, n * sizeof (double));
      status = tr_t4_residual (&f, n, x0, logp0, tr_t4_ladder[l], work, r,
                               &err[l]);
    }
  double ss = 0.0;
  for (size_t i = 0; i < n && !status; i++)
    ss += (r[i] - rprev[i]) * (r[i] - rprev[i]);
  *rich = sqrt (ss / (double) n);
  /* Round-off: every step adds a few roundings of log p's size.  */
  *floor = 8.0 * DBL_EPSILON * lmax * (double) tr_t4_ladder[TR_T4_NLADDER - 1];
  free (buf);
  return status;
}

static int
tr_t4_logp (const fc_run_options *opt, fc_verdict *v, const fc_gmm *g)
{
  double factor = fc_control_variant (opt) == TR_T4_SCALED_DIV
                      ? 1.0 + TR_T4_DIV_PERTURB : 1.0;
  double err[TR_T4_NLADDER], h[TR_T4_NLADDER], rich = NAN, floor = NAN;
  int status = tr_t4_logp_study (opt, g, factor, err, &rich, &floor);
  if (status)
    return status;
  double times[16], tau = NAN;
  for (int q = 0; q < 16; q++)
    times[q] = TR_T4_T_START + (TR_T4_T_END - TR_T4_T_START) * q / 15.0;
  status = fc_path_field_scale (FC_SCHEDULE_LINEAR, 16, times, &tau);
  if (status)
    return status;
  for (size_t l = 0; l < TR_T4_NLADDER; l++)
    h[l] = (TR_T4_T_END - TR_T4_T_START) / (double) tr_t4_ladder[l];
  size_t m = fc_study_ladder_above_floor (TR_T4_NLADDER, err, floor);
  double order = NAN, lc, se = 0.0;
  if (m >= 2)
    fc_fd_order_fit (m, h, err, &order, &lc, &se);
  double band = 3.0 * se + h[0] / tau;
  fc_verdict_decide (v, FC_TEST_HOLDS, "logp_order", order, band,
                     m >= 3 && fabs (order - 4.0) <= band);
  double resid = err[TR_T4_NLADDER - 1];
  double band_r = 2.0 * rich / 15.0 + FC_STUDY_FLOOR_MARGIN * floor;
  fc_verdict_decide (v, FC_TEST_HOLDS, "logp_resid_hmin", resid, band_r,
                     resid <= band_r);
  fc_verdict_report (v, "logp_resid_hmax", err[0], NAN);
  fc_verdict_report (v, "logp_tau", tau, NAN);
  return GSL_SUCCESS;
}

/* ------------------------------------------------ Hutchinson */

/* J (D, D) of the exact field at X by central differences.  */
static int
tr_t4_jacobian (const fc_path_field_params *p, double t, const double *x,
                double step, double *J)
{
  size_t dim = p->g->dim;
  double xp[TR_MAX_DIM], up[TR_MAX_DIM], um[TR_MAX_DIM];
  for (size_t j = 0; j < dim; j++)
    {
      memcpy (xp, x, dim * sizeof (double));
      xp[j] = x[j] + step;
      int status = fc_path_eval (p->g, p->s, t, FC_Q_VELOCITY, 1, xp, up);
      xp[j] = x[j] - step;
      if (!status)
        status = fc_path_eval (p->g, p->s, t, FC_Q_VELOCITY, 1, xp, um);
      if (status)
        return status;
      for (size_t i = 0; i < dim; i++)
        J[i * dim + j] = (up[i] - um[i]) / (2.0 * step);
    }
  return GSL_SUCCESS;
}

/* The predicted moments of z^T A z - tr A: variance VAR[k] and fourth
   central moment MU4[k], k = 0 Gaussian, 1 Rademacher.  */
static void
tr_t4_predicted (size_t dim, const double *J, double var[2], double mu4[2])
{
  double A[TR_MAX_DIM * TR_MAX_DIM], A2[TR_MAX_DIM * TR_MAX_DIM], fro2 = 0.0, diag2 = 0.0, trA4 = 0.0;
  for (size_t i = 0; i < dim; i++)
    for (size_t j = 0; j < dim; j++)
      A[i * dim + j] = 0.5 * (J[i * dim + j] + J[j * dim + i]);
  for (size_t i = 0; i < dim; i++)
    for (size_t j = 0; j < dim; j++)
      {
        double s = 0.0;
        for (size_t k = 0; k < dim; k++)
          s += A[i * dim + k] * A[k * dim + j];
        A2[i * dim + j] = s;
        fro2 += A[i * dim + j] * A[i * dim + j];
      }
  for (size_t i = 0; i < dim; i++)
    {
      diag2 += A[i * dim + i] * A[i * dim + i];
      for (size_t j = 0; j < dim; j++)
        trA4 += A2[i * dim + j] * A2[j * dim + i];
    }
  var[0] = 2.0 * fro2;
  mu4[0] = 48.0 * trA4 + 12.0 * fro2 * fro2;
  var[1] = 2.0 * (fro2 - diag2);
  /* Rademacher: q - tr A = sum_{i != j} A_ij z_i z_j over the sign
     patterns with z_0 = +1.  */
  double m4 = 0.0;
  size_t patterns = (size_t) 1 << (dim - 1);
  for (size_t p = 0; p < patterns; p++)
    {
      double z[TR_MAX_DIM], q = 0.0;
      z[0] = 1.0;
      for (size_t i = 1; i < dim; i++)
        z[i] = (p >> (i - 1)) & 1 ? -1.0 : 1.0;
      for (size_t i = 0; i < dim; i++)
        for (size_t j = 0; j < dim; j++)
          if (i != j)
            q += A[i * dim + j] * z[i] * z[j];
      m4 += q * q * q * q;
    }
  mu4[1] = m4 / (double) patterns;
}

/* N probes of KIND (0 Gaussian, 1 Rademacher) scaled by SCALE: the values
   z^T J z into Q (n).  */
static void
tr_t4_probes (gsl_rng *r, int kind, double scale, size_t dim, const double *J,
              size_t n, double *q)
{
  for (size_t s = 0; s < n; s++)
    {
      double z[TR_MAX_DIM], acc = 0.0;
      for (size_t i = 0; i < dim; i++)
        z[i] = scale * (kind == 0 ? gsl_ran_gaussian (r, 1.0)
                                  : (gsl_rng_uniform_int (r, 2) ? 1.0 : -1.0));
      for (size_t i = 0; i < dim; i++)
        for (size_t j = 0; j < dim; j++)
          acc += z[i] * J[i * dim + j] * z[j];
      q[s] = acc;
    }
}

/* hutchinson figure: the spread of the mean of k probes over blocks.  */
static void
tr_t4_figure (tr_figures *fig, int kind, size_t n, const double *q,
              double var)
{
  for (size_t a = 0; a < TR_HUTCH_NK; a++)
    {
      size_t k = (size_t) 1 << a, blocks = n / k;
      double s1 = 0.0, s2 = 0.0;
      for (size_t b = 0; b < blocks; b++)
        {
          double m = 0.0;
          for (size_t i = 0; i < k; i++)
            m += q[b * k + i];
          m /= (double) k;
          s1 += m;
          s2 += m * m;
        }
      double mean = s1 / (double) blocks;
      fig->hutch_k[a] = (double) k;
      fig->hutch_sd[kind][a]
          = sqrt ((s2 - blocks * mean * mean) / (double) (blocks - 1));
      fig->hutch_pred[kind][a] = sqrt (var / (double) k);
    }
}

/* The z-scores of one point: mean against DIV, sample variance against
   VAR, for both probe kinds, into ZM[2], ZV[2].  */
static int
tr_t4_point (const fc_run_options *opt, const fc_path_field_params *p,
             double t, const double *x, double div, size_t index, double *q,
             double zm[2], double zv[2])
{
  const tr_sizes *sz = FC_SIZES (tr_size_plan, opt);
  size_t dim = p->g->dim, n = sz->t4_probes;
  double J[TR_MAX_DIM * TR_MAX_DIM], var[2], mu4[2], sv;
  fc_schedule_value val;
  int status = fc_schedule_eval (p->s, t, &val);
  if (!status)
    status = tr_t4_jacobian (p, t, x, TR_T4_FD_REL * val.sigma, J);
  if (status)
    return status;
  tr_t4_predicted (dim, J, var, mu4);
  double scale = fc_control_variant (opt) == TR_T4_SCALED_PROBES
                     ? sqrt (1.0 + TR_T4_PROBE_PERTURB) : 1.0;
  gsl_rng *r = fc_rng_alloc (fc_module_seed (opt, TR_TAG_T4 + 2), index);
  if (r == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  tr_figures *fig = opt->figures;
  for (int kind = 0; kind < 2; kind++)
    {
      tr_t4_probes (r, kind, scale, dim, J, n, q);
      double s1 = 0.0, s2 = 0.0;
      for (size_t s = 0; s < n; s++)
        s1 += q[s];
      double mean = s1 / (double) n;
      for (size_t s = 0; s < n; s++)
        s2 += (q[s] - mean) * (q[s] - mean);
      sv = s2 / (double) (n - 1);
      double nn = (double) n;
      double var_s2 = mu4[kind] / nn
                      - var[kind] * var[kind] * (nn - 3.0) / (nn * (nn - 1.0));
      zm[kind] = var[kind] > 0.0 ? (mean - div) / sqrt (var[kind] / nn) : 0.0;
      zv[kind] = var_s2 > 0.0 ? (sv - var[kind]) / sqrt (var_s2) : 0.0;
      if (fig != NULL && index == 0)
        {
          tr_t4_figure (fig, kind, n, q, var[kind]);
          fig->hutch_t = t;
          fig->hutch_div = div;
          fig->hutch_done = 1;
        }
    }
  gsl_rng_free (r);
  return GSL_SUCCESS;
}

/* Points of data G at the times of the study, their z-scores; the largest
   |z| per figure into ZMAX[4] (mean gauss, mean rad, var gauss, var rad),
   *COUNT the points.  */
static int
tr_t4_hutch_data (const fc_run_options *opt, const fc_gmm *g, size_t first,
                  double zmax[4], size_t *count)
{
  const tr_sizes *sz = FC_SIZES (tr_size_plan, opt);
  size_t dim = g->dim, per = sz->t4_points;
  fc_path_field_params p = { g, FC_SCHEDULE_LINEAR };
  fc_path_field_source src = { FC_SCHEDULE_LINEAR, dim, g, NULL };
  double *x = malloc ((per * dim + per + sz->t4_probes) * sizeof (double));
  if (x == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  double *div = x + per * dim, *q = div + per;
  int status = GSL_SUCCESS;
  for (size_t a = 0; a < FC_COUNT (tr_t4_times) && !status; a++)
    {
      double t = tr_t4_times[a];
      unsigned long seed = fc_rng_stream_seed (fc_module_seed (opt, TR_TAG_T4 + 1),
                                               first + a);
      status = fc_path_field_points (t, seed, per, x, &src);
      if (!status)
        status = fc_path_eval (g, p.s, t, FC_Q_DIV, per, x, div);
      for (size_t i = 0; i < per && !status; i++)
        {
          double zm[2], zv[2];
          status = tr_t4_point (opt, &p, t, x + i * dim, div[i], *count, q,
                                zm, zv);
          for (int k = 0; k < 2 && !status; k++)
            {
              zmax[k] = fmax (zmax[k], fabs (zm[k]));
              zmax[2 + k] = fmax (zmax[2 + k], fabs (zv[k]));
            }
          (*count)++;
        }
    }
  free (x);
  return status;
}

static int
tr_t4_hutchinson (const fc_run_options *opt, fc_verdict *v, const fc_gmm *g2)
{
  fc_gmm_random_params rp = { 1.0, 2.0, 1.5, 0.05, 0.5 };
  fc_gmm *gh = fc_gmm_random (TR_T4_HI_DIM, 4, &rp,
                              fc_module_seed (opt, TR_TAG_T4 + 3), 0);
  if (gh == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  double zmax[4] = { 0.0, 0.0, 0.0, 0.0 };
  size_t count = 0;
  int status = tr_t4_hutch_data (opt, g2, 0, zmax, &count);
  if (!status)
    status = tr_t4_hutch_data (opt, gh, 100, zmax, &count);
  fc_gmm_free (gh);
  if (status)
    return status;
  /* Bonferroni over the COUNT z-scores of one figure, two-sided.  */
  double band = gsl_cdf_ugaussian_Qinv (TR_T4_ALPHA / (2.0 * (double) count));
  static const char *const names[4] = { "hutch_mean_z_gauss", "hutch_mean_z_rad",
                                        "hutch_var_z_gauss", "hutch_var_z_rad" };
  for (int k = 0; k < 4; k++)
    fc_verdict_decide (v, FC_TEST_HOLDS, names[k], zmax[k], band,
                       zmax[k] <= band);
  fc_verdict_report (v, "hutch_points", (double) count, NAN);
  return GSL_SUCCESS;
}

int
tr_check_t4 (const fc_run_options *opt, fc_verdict *v)
{
  fc_gmm *g = fc_module_builtin ("8gaussians");
  if (g == NULL)
    GSL_ERROR ("no data set", GSL_EFAILED);
  int status = tr_t4_logp (opt, v, g);
  if (!status)
    status = tr_t4_hutchinson (opt, v, g);
  fc_gmm_free (g);
  if (status)
    GSL_ERROR ("T4 failed", status);
  fc_verdict_note (v, "log p residual order %.3f (4 expected), rms at h_min "
                   "%.2g; Hutchinson max |z| mean %.2f/%.2f, variance "
                   "%.2f/%.2f (Gaussian/Rademacher)",
                   fc_verdict_get (v, "logp_order"),
                   fc_verdict_get (v, "logp_resid_hmin"),
                   fc_verdict_get (v, "hutch_mean_z_gauss"),
                   fc_verdict_get (v, "hutch_mean_z_rad"),
                   fc_verdict_get (v, "hutch_var_z_gauss"),
                   fc_verdict_get (v, "hutch_var_z_rad"));
  return GSL_SUCCESS;
}
