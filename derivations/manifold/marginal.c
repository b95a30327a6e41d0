/* derivations/manifold/marginal.c -- claim M7 (beyond the note): the exact
 * marginal path on SO(3) from Haar noise to a weighted set of rotations
 * (N §Scheduling for the conditional path and field; N §ODE for the C1
 * assumption it tests).  The density, the field and the residual are in
 * marginal_field.c; this file measures.
 *
 *  normalisation   int_0^pi p_t(w) (1 - cos w)/pi dw = 1 by gsl_integration_qagp
 *                  (break point kappa pi) over a grid of kappa; band: the
 *                  quadrature's error estimate plus 50 eps (qagp's rounding
 *                  floor).
 *  histogram       angles d(x_t, x1) of sampled x_t against the claimed
 *                  density: Pearson chi-square over MF_M7_NBIN bins inside
 *                  kappa pi and one beyond (probabilities by quadrature of
 *                  the claim, not renormalised), at MF_M7_NT times; the
 *                  smallest p-value against 1e-3 / MF_M7_NT (Bonferroni).
 *  density_jump    one-sided limits of the marginal density across the
 *                  sphere d(x, x1_0) = kappa pi (Richardson extrapolation
 *                  of offsets 1e-3, 1e-4) against the derived jump
 *                  w_0 2/(kappa (1 - cos(kappa pi))); band: the change of
 *                  the extrapolation from offsets 1e-2, 1e-3 (its own error
 *                  estimate) plus round-off.
 *  field_jump_order  at the same point, inside the ball of x1_1: the
 *                  difference of the field across the sphere,
 *                  |b(kappa pi - delta) - b(kappa pi + delta)|, fitted
 *                  against delta = 1e-2 .. 1e-6: a field continuous there
 *                  (let alone C1) gives slope >= 1, a jump slope 0; the
 *                  claim "not C1" passes at slope <= 1/2.
 *  order_*, rel_hmin_*  the continuity residual (fc_order_study's rule:
 *                  fitted order 2 within its band, rel(h_min) at the
 *                  truncation scale) at points of p_t at least a margin
 *                  away from every sphere and cut locus, for kappa = 1 - t
 *                  and exp(-5 t).
 *  end_weights_z   geodesic Euler from Haar starts: the fraction ending at
 *                  each x1_j against w_j, max |z| against the two-sided
 *                  1e-3 / J (Bonferroni) normal quantile.
 *  end_distance    the largest distance of an end point to its nearest
 *                  data rotation, over the paths that stayed inside the
 *                  balls: in the last step (1 - t = h) the field is
 *                  log_x(x1_j) / h with one ball left, so the end point is
 *                  x1_j to the round-off of the steps.
 *
 * Reported: the jump of the field itself, the fractions of end points at
 * each rotation, and the fraction of Euler paths that step out of every
 * ball, where p_t = 0 and the field is undefined.  The exact flow keeps
 * its mass inside the union of the balls (on its boundary the field is the
 * one component's, which moves with its sphere), so these are
 * discretisation errors: about 1.4 h of the paths at step h, slope 1 over
 * steps/4, steps/2 and steps.  */
#include <config.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>

#include "fc_fd.h"
#include "fc_rng.h"
#include "fc_study.h"
#include "manifold_internal.h"

#define MF_M7_QUAD_LIMIT 200
#define MF_M7_QUAD_EPSREL 1e-12
#define MF_M7_ALPHA 1e-3       /* family level of the Monte Carlo tests */
#define MF_M7_NKAPPA 20        /* kappa grid of the normalisation */
#define MF_M7_JUMP_NT 3        /* times of the jump measurements */
#define MF_M7_JUMP_MARGIN 0.05 /* the jump point's distance to other spheres */

static const double mf_m7_hist_t[MF_M7_NT] = { 0.2, 0.5, 0.8 };
static const double mf_m7_jump_t[MF_M7_JUMP_NT] = { 0.3, 0.5, 0.7 };

/* The claimed angle density f(w) = p_t(w) (1 - cos w)/pi.  */
typedef struct
{
  const mf_m7_model *m;
  double kappa;
} mf_m7_angle;

static double
mf_m7_angle_density (double w, void *params)
{
  const mf_m7_angle *a = params;
  double s = sin (w / 2.0);
  return mf_m7_cond_density (a->m, w, a->kappa) * 2.0 * s * s / M_PI;
}

/* int_lo^hi f(w) dw (qagp with KAPPA pi as break point when inside).  */
static int
mf_m7_angle_mass (const mf_m7_model *m, double kappa, double lo, double hi,
                  gsl_integration_workspace *ws, double *mass, double *err)
{
  mf_m7_angle a = { m, kappa };
  gsl_function f = { mf_m7_angle_density, &a };
  double pts[3] = { lo, kappa * M_PI, hi };
  size_t np = 3;
  if (!(pts[1] > lo && pts[1] < hi))
    {
      pts[1] = hi;
      np = 2;
    }
  return gsl_integration_qagp (&f, pts, np, 0.0, MF_M7_QUAD_EPSREL,
                               MF_M7_QUAD_LIMIT, ws, mass, err);
}

/* max over the kappa grid of |int_0^pi f - 1| and of its band.  */
static int
mf_m7_normalisation (const mf_m7_model *m, gsl_integration_workspace *ws,
                     double *worst, double *band)
{
  *worst = *band = 0.0;
  for (size_t q = 1; q <= MF_M7_NKAPPA; q++)
    {
      double kappa = (double) q / MF_M7_NKAPPA, mass, err;
      int status = mf_m7_angle_mass (m, kappa, 0.0, M_PI, ws, &mass, &err);
      if (status)
        return status;
      *worst = fmax (*worst, fabs (mass - 1.0));
      *band = fmax (*band, err + 50.0 * DBL_EPSILON);
    }
  return GSL_SUCCESS;
}

/* N draws x_t of the path at T (data index by the weights from R, x0 Haar
   from SEED) into XT (n, 9) and their data indices into J (n).  */
static int
mf_m7_draw (const mf_m7_model *m, const double X1[MF_M7_NDATA][9],
            unsigned long seed, gsl_rng *r, double t, size_t n, double *xt,
            size_t *J)
{
  int status = fc_so3_haar (seed, n, xt);
  for (size_t i = 0; i < n && !status; i++)
    {
      double u = gsl_rng_uniform (r), x0[9];
      size_t j = 0;
      while (j + 1 < MF_M7_NDATA && u >= mf_m7_weight[j])
        u -= mf_m7_weight[j++];
      for (int a = 0; a < 9; a++)
        x0[a] = xt[9 * i + a];
      J[i] = j;
      status = mf_m7_conditional (m, X1[j], x0, t, xt + 9 * i);
    }
  return status;
}

/* Pearson chi-square of the angles W (n) against the claimed bin masses:
   MF_M7_NBIN bins on [0, kappa pi] and one on (kappa pi, pi]; a bin of
   zero mass with a count makes the statistic infinite.  The p-value.  */
static int
mf_m7_chisq (const mf_m7_model *m, double kappa, size_t n, const double *W,
             gsl_integration_workspace *ws, double *pvalue, double *hist)
{
  double count[MF_M7_NBIN + 1] = { 0.0 }, edge = kappa * M_PI;
  for (size_t i = 0; i < n; i++)
    {
      size_t b = MF_M7_NBIN;
      if (W[i] < edge)
        b = GSL_MIN ((size_t) (W[i] / edge * MF_M7_NBIN), MF_M7_NBIN - 1);
      count[b] += 1.0;
    }
  double chi2 = 0.0;
  size_t used = 0;
  for (size_t b = 0; b <= MF_M7_NBIN; b++)
    {
      double lo = b < MF_M7_NBIN ? edge * (double) b / MF_M7_NBIN : edge;
      double hi = b < MF_M7_NBIN ? edge * (double) (b + 1) / MF_M7_NBIN : M_PI;
      double mass = 0.0, err;
      if (hi > lo)
        {
          int status = mf_m7_angle_mass (m, kappa, lo, hi, ws, &mass, &err);
          if (status)
            return status;
        }
      double e = (double) n * mass;
      if (e > 0.0)
        {
          chi2 += (count[b] - e) * (count[b] - e) / e;
          used++;
        }
      else if (count[b] > 0.0)
        chi2 = INFINITY;
      if (hist != NULL && b < MF_M7_NBIN)
        {
          /* Count over n times the Haar mass of the bin: an estimate of
             p_t w.r.t. Haar, and its standard error.  */
          double haar = (hi - lo - sin (hi) + sin (lo)) / M_PI;
          hist[b] = count[b] / ((double) n * haar);
          hist[MF_M7_NBIN + b] = sqrt (count[b]) / ((double) n * haar);
        }
    }
  *pvalue = used >= 2 && isfinite (chi2)
                ? gsl_cdf_chisq_Q (chi2, (double) (used - 1)) : 0.0;
  return GSL_SUCCESS;
}

/* The smallest chi-square p-value over the histogram times.  */
static int
mf_m7_histograms (const fc_run_options *opt, const mf_m7_model *m,
                  const double X1[MF_M7_NDATA][9], size_t n,
                  gsl_integration_workspace *ws, double *pmin)
{
  mf_figures *fig = opt->figures;
  double *xt = malloc (n * (9 * sizeof (double) + sizeof (size_t)));
  gsl_rng *r = fc_rng_alloc (fc_module_seed (opt, MF_TAG_M7), 0);
  int status = xt == NULL || r == NULL ? GSL_ENOMEM : GSL_SUCCESS;
  size_t *J = (size_t *) (xt + 9 * n);
  *pmin = 1.0;
  for (size_t q = 0; q < MF_M7_NT && !status; q++)
    {
      double t = mf_m7_hist_t[q], kappa = mf_m7_kappa (m, t), pv = 0.0;
      double hist[2 * MF_M7_NBIN];
      status = mf_m7_draw (m, X1, fc_module_seed (opt, MF_TAG_M7 + 3 + q), r,
                           t, n, xt, J);
      /* The angles, stored over the first n entries of xt.  */
      for (size_t i = 0; i < n && !status; i++)
        xt[i] = fc_so3_dist (xt + 9 * i, X1[J[i]]);
      if (!status)
        status = mf_m7_chisq (m, kappa, n, xt, ws, &pv, hist);
      *pmin = fmin (*pmin, pv);
      if (!status && fig != NULL)
        {
          fig->m7.t[q] = t;
          fig->m7.kappa[q] = kappa;
          for (size_t b = 0; b < MF_M7_NBIN; b++)
            {
              fig->m7.hist_p[q][b] = hist[b];
              fig->m7.hist_se[q][b] = hist[MF_M7_NBIN + b];
            }
        }
    }
  free (xt);
  gsl_rng_free (r);
  return status;
}

/* ------------------------------------------------ the jump on the sphere */

/* A unit axis N with x1_0 exp(kappa pi N) inside the ball of x1_1 and at
   least MF_M7_JUMP_MARGIN (plus the largest offset) from the spheres of
   x1_1 and x1_2: there the other components are smooth and only x1_0's
   ball ends.  */
static int
mf_m7_jump_axis (const double X1[MF_M7_NDATA][9], double kappa, double n[3])
{
  static const double cand[][3] = {
    { 1.0, 0.15, -0.1 }, { 1.0, -0.2, 0.3 }, { 1.0, 0.4, 0.2 },
    { 0.8, 0.5, -0.4 }
  };
  double edge = kappa * M_PI, margin = MF_M7_JUMP_MARGIN + 1e-2;
  for (size_t c = 0; c < FC_COUNT (cand); c++)
    {
      double len = hypot (hypot (cand[c][0], cand[c][1]), cand[c][2]), x[9];
      for (int i = 0; i < 3; i++)
        n[i] = cand[c][i] / len * edge;
      for (int i = 0; i < 9; i++)
        x[i] = X1[0][i];
      int status = mf_step (x, n);
      if (status)
        return status;
      double d1 = fc_so3_dist (x, X1[1]), d2 = fc_so3_dist (x, X1[2]);
      if (d1 < edge - margin && fabs (d2 - edge) > margin)
        {
          for (int i = 0; i < 3; i++)
            n[i] /= edge;
          return GSL_SUCCESS;
        }
    }
  GSL_ERROR ("M7: no jump point inside the ball of x1_1", GSL_EFAILED);
}

/* The field and density at x1_0 exp(s N) at time T.  */
static int
mf_m7_along (const mf_m7_model *m, const double X1[MF_M7_NDATA][9],
             const double n[3], double s, double t, double *p, double b[3])
{
  double x[9], sn[3] = { s * n[0], s * n[1], s * n[2] };
  for (int i = 0; i < 9; i++)
    x[i] = X1[0][i];
  int status = mf_step (x, sn);
  return status ? status : mf_m7_field (m, X1, t, x, p, b);
}

/* At time T, across the sphere d(x, x1_0) = kappa pi: the differences of
   the field and of the density at offsets delta_i = 1e-2 10^-i (DF, DP),
   the density jump extrapolated (Richardson, ratio 10) from the two
   finest and the two coarsest offsets.  */
static int
mf_m7_jump (const mf_m7_model *m, const double X1[MF_M7_NDATA][9], double t,
            double *delta, double *df, double *dp, double *fine,
            double *coarse)
{
  double kappa = mf_m7_kappa (m, t), n[3];
  int status = mf_m7_jump_axis (X1, kappa, n);
  for (size_t i = 0; i < MF_M7_NDELTA && !status; i++)
    {
      double pin, pout, bin[3], bout[3];
      delta[i] = 1e-2 * pow (10.0, -(double) i);
      status = mf_m7_along (m, X1, n, kappa * M_PI - delta[i], t, &pin, bin);
      if (!status)
        status = mf_m7_along (m, X1, n, kappa * M_PI + delta[i], t, &pout,
                              bout);
      df[i] = hypot (hypot (bin[0] - bout[0], bin[1] - bout[1]),
                     bin[2] - bout[2]);
      dp[i] = pin - pout;
    }
  *coarse = (10.0 * dp[1] - dp[0]) / 9.0;
  *fine = (10.0 * dp[3] - dp[2]) / 9.0;
  return status;
}

/* Over the jump times: the largest relative error of the density jump
   against w_0 2/(kappa (1 - cos(kappa pi))) and its band, the largest
   fitted slope of the field difference against delta.  */
static int
mf_m7_jumps (const fc_run_options *opt, const mf_m7_model *m,
             const double X1[MF_M7_NDATA][9], double *jump_err,
             double *jump_band, double *slope, double *field_jump)
{
  mf_figures *fig = opt->figures;
  *jump_err = *jump_band = *field_jump = 0.0;
  *slope = -INFINITY;
  for (size_t q = 0; q < MF_M7_JUMP_NT; q++)
    {
      double t = mf_m7_jump_t[q], kappa = mf_m7_kappa (m, t);
      double delta[MF_M7_NDELTA], df[MF_M7_NDELTA], dp[MF_M7_NDELTA];
      double fine, coarse, lc, se, s;
      int status = mf_m7_jump (m, X1, t, delta, df, dp, &fine, &coarse);
      if (!status)
        status = fc_fd_order_fit (MF_M7_NDELTA, delta, df, &s, &lc, &se);
      if (status)
        return status;
      double pred = mf_m7_weight[0] * 2.0 / (kappa * (1.0 - cos (kappa * M_PI)));
      *jump_err = fmax (*jump_err, fabs (fine - pred) / pred);
      *jump_band = fmax (*jump_band, fabs (coarse - fine) / pred
                                         + 100.0 * MF_SO3_ROUNDOFF);
      *slope = fmax (*slope, s);
      *field_jump = fmax (*field_jump, df[MF_M7_NDELTA - 1]);
      if (fig != NULL && q == 1)
        {
          for (size_t i = 0; i < MF_M7_NDELTA; i++)
            {
              fig->m7.delta[i] = delta[i];
              fig->m7.field_diff[i] = df[i];
              fig->m7.density_diff[i] = dp[i];
            }
          fig->m7.jump_t = t;
          fig->m7.field_jump = df[MF_M7_NDELTA - 1];
          fig->m7.density_jump = fine;
        }
    }
  return GSL_SUCCESS;
}

/* ------------------------------------------------ the continuity residual */

/* A continuity study: its schedule, times and largest step.  */
typedef struct
{
  const char *name;
  double rate_c; /* 0: kappa = 1 - t */
  double t[3];
  double h_max;
} mf_m7_study;

static const mf_m7_study mf_m7_studies[MF_M7_NSTUDY] = {
  { "linear", 0.0, { 0.25, 0.45, 0.65 }, 1.0 / 32.0 },
  { "exp5", 5.0, { 0.06, 0.12, 0.18 }, 1.0 / 64.0 },
};

/* X is at least MARGIN from every sphere d = kappa pi and every cut locus
   d = pi of the data: no stencil point of step h_max crosses either.  */
static int
mf_m7_away (const double X1[MF_M7_NDATA][9], const double x[9], double edge,
            double margin)
{
  for (size_t j = 0; j < MF_M7_NDATA; j++)
    {
      double d = fc_so3_dist (x, X1[j]);
      if (fabs (d - edge) < margin || M_PI - d < margin)
        return 0;
    }
  return 1;
}

/* Accumulate the residuals at time index J of study S (N points of p_t
   away from the spheres, x0 from stream (SEED, J), data indices from R)
   into ST.  */
static int
mf_m7_accumulate (const mf_m7_model *m, const double X1[MF_M7_NDATA][9],
                  const mf_m7_study *s, size_t j, size_t n,
                  unsigned long seed, gsl_rng *r, fc_order_study *st)
{
  double t = s->t[j], edge = mf_m7_kappa (m, t) * M_PI;
  /* The sphere moves by pi |kappa'| h in t; the stencil by h in e.  */
  double speed = s->rate_c > 0.0 ? s->rate_c * mf_m7_kappa (m, t - s->h_max)
                                 : 1.0;
  double margin = s->h_max * (1.0 + M_PI * speed) + 0.02;
  size_t cand = 8 * n, kept = 0;
  double *xt = malloc (cand * (9 * sizeof (double) + sizeof (size_t)));
  if (xt == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  int status = mf_m7_draw (m, X1, fc_rng_stream_seed (seed, j), r, t, cand,
                           xt, (size_t *) (xt + 9 * cand));
  for (size_t i = 0; i < cand && kept < n && !status; i++)
    {
      const double *x = xt + 9 * i;
      if (!mf_m7_away (X1, x, edge, margin))
        continue;
      for (size_t k = 0; k < st->n_steps && !status; k++)
        {
          double res, dpdt;
          status = mf_m7_residual (m, X1, t, st->h[k], x, &res, &dpdt);
          st->ssr[k] += res * res;
          st->ssp[k] += dpdt * dpdt;
        }
      kept++;
    }
  free (xt);
  if (!status && kept < n)
    GSL_ERROR ("M7: too few points away from the spheres", GSL_EFAILED);
  st->n_accumulated += kept;
  return status;
}

/* The order study S: fc_order_study's plan and rule; its scale ell is the
   smallest kappa (the width of p_t in w) or time scale 1/|d log kappa/dt|
   over the times, its order floor 2.5 (h_max/ell)^2 (fc_study.h).  */
static int
mf_m7_continuity (const fc_run_options *opt, const mf_m7_model *base,
                  const double X1[MF_M7_NDATA][9], const mf_m7_study *s,
                  size_t n, fc_order_study *st)
{
  mf_m7_model m = *base;
  m.rate_c = s->rate_c;
  double ell = INFINITY;
  for (size_t j = 0; j < 3; j++)
    ell = fmin (ell, fmin (mf_m7_kappa (&m, s->t[j]),
                           s->rate_c > 0.0 ? 1.0 / s->rate_c : 1.0 - s->t[j]));
  double floor = 2.5 * (s->h_max / ell) * (s->h_max / ell);
  int status = fc_order_study_init (st, s->name, 3, 3, s->t, MF_M7_NSTEP,
                                    s->h_max, floor);
  /* One sub-stream per study: data indices from its stream 0, the Haar
     draws of time j from its stream 1 + j.  */
  unsigned long seed = fc_rng_stream_seed (fc_module_seed (opt, MF_TAG_M7 + 1),
                                           (unsigned long) (s - mf_m7_studies));
  gsl_rng *r = fc_rng_alloc (seed, 0);
  if (r == NULL)
    status = GSL_ENOMEM;
  st->scale = ell;
  for (size_t j = 0; j < 3 && !status; j++)
    status = mf_m7_accumulate (&m, X1, s, j, n, fc_rng_stream_seed (seed, 1),
                               r, st);
  gsl_rng_free (r);
  return status ? status : fc_order_study_verdict (st);
}

/* ------------------------------------------------ the end-point law */

/* The end points of geodesic Euler in STEPS steps from the N starts X0
   (n, 9): the largest |z| of the fractions ending nearest each x1_j
   against w_j, the largest distance to the nearest data rotation over the
   paths that never met zero density, and the fraction that did.  */
static int
mf_m7_endpoints (const mf_m7_model *m, const double X1[MF_M7_NDATA][9],
                 size_t n, const double *x0, size_t steps, double *zmax,
                 double *dmax, double *lost, double *frac)
{
  double count[MF_M7_NDATA] = { 0.0 };
  mf_m7_time *times = malloc (steps * sizeof *times);
  if (times == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  double h = 1.0 / (double) steps; /* t = k h as mf_m7_euler steps */
  for (size_t k = 0; k < steps; k++)
    mf_m7_time_at (m, (double) k * h, &times[k]);
  int status = GSL_SUCCESS;
  *dmax = *lost = *zmax = 0.0;
  for (size_t i = 0; i < n && !status; i++)
    {
      double x[9], dmin = INFINITY;
      int gone;
      size_t near = 0;
      for (int a = 0; a < 9; a++)
        x[a] = x0[9 * i + a];
      status = mf_m7_euler (m, X1, steps, times, x, &gone);
      for (size_t j = 0; j < MF_M7_NDATA; j++)
        {
          double d = fc_so3_dist (x, X1[j]);
          if (d < dmin)
            dmin = d, near = j;
        }
      count[near] += 1.0;
      if (!gone)
        *dmax = fmax (*dmax, dmin);
      *lost += gone;
    }
  free (times);
  *lost /= (double) n;
  for (size_t j = 0; j < MF_M7_NDATA; j++)
    {
      double w = mf_m7_weight[j];
      frac[j] = count[j] / (double) n;
      *zmax = fmax (*zmax, fabs (frac[j] - w) / sqrt (w * (1.0 - w) / (double) n));
    }
  return status;
}

/* The end-point law at STEPS steps and, on the same starts, the lost
   fraction at steps/4 and steps/2 as well (LOST_AT, MF_M7_NEULER).  */
static int
mf_m7_end_law (const fc_run_options *opt, const mf_m7_model *m,
               const double X1[MF_M7_NDATA][9], size_t n, size_t steps,
               double *zmax, double *dmax, double *lost_at, double *frac)
{
  double *x0 = malloc (9 * n * sizeof (double));
  if (x0 == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  int status = fc_so3_haar (fc_module_seed (opt, MF_TAG_M7 + 2), n, x0);
  for (size_t l = 0; l < MF_M7_NEULER && !status; l++)
    status = mf_m7_endpoints (m, X1, n, x0,
                              steps >> (MF_M7_NEULER - 1 - l), zmax, dmax,
                              &lost_at[l], frac);
  free (x0);
  return status;
}

/* ------------------------------------------------------------ the check */

/* The model of the claim or of control VARIANT (kappa = 1 - t).  */
static mf_m7_model
mf_m7_model_of (int variant)
{
  mf_m7_model m = { 0.0, 1.0, 1, 1.0, 1 };
  if (variant == MF_M7_KAPPA_SQUARED)
    m.kappa_power = 2.0;
  else if (variant == MF_M7_NO_CUTOFF)
    m.cutoff = 0;
  else if (variant == MF_M7_WRONG_RATE)
    m.rate_factor = 1.0 + MF_M7_RATE_PERTURB;
  else if (variant == MF_M7_UNWEIGHTED)
    m.weighted = 0;
  return m;
}

/* so3-marginal: the claimed p_t(w) at the histogram times on [0, kappa
   pi] (the last point the limit from inside), then 0 at kappa pi and pi.  */
static void
mf_m7_curves (const mf_m7_model *m, mf_figures *fig)
{
  for (size_t q = 0; q < MF_M7_NT; q++)
    {
      double kappa = mf_m7_kappa (m, mf_m7_hist_t[q]), edge = kappa * M_PI;
      size_t last = MF_M7_NCURVE - 2;
      for (size_t i = 0; i < last; i++)
        {
          double w = edge * (double) i / (double) (last - 1);
          fig->m7.curve_w[q][i] = w;
          fig->m7.curve_p[q][i]
              = mf_m7_cond_density (m, fmin (w, edge * (1.0 - DBL_EPSILON)),
                                    kappa);
        }
      fig->m7.curve_w[q][last] = edge;
      fig->m7.curve_w[q][last + 1] = M_PI;
      fig->m7.curve_p[q][last] = fig->m7.curve_p[q][last + 1] = 0.0;
    }
}

static void
mf_m7_store_study (mf_figures *fig, size_t s, const fc_order_study *st)
{
  for (size_t k = 0; k < MF_M7_NSTEP; k++)
    {
      fig->m7.h[s][k] = st->h[k];
      fig->m7.rel[s][k] = st->rel[k];
    }
  fig->m7.order[s] = st->order;
}

/* What M7 measures (mf_m7_measure), before it is judged.  */
typedef struct
{
  double norm, norm_band;          /* normalisation and its band */
  double pmin;                     /* smallest chi-square p-value */
  double jump_err, jump_band;      /* density jump, relative error */
  double slope, field_jump;        /* field difference across the sphere */
  fc_order_study st[MF_M7_NSTUDY]; /* continuity residuals */
  double zmax, dmax;               /* Euler end-point law */
  double hs[MF_M7_NEULER], lost[MF_M7_NEULER], lost_order;
  double frac[MF_M7_NDATA];
} mf_m7_result;

static int
mf_m7_measure (const fc_run_options *opt, const mf_m7_model *m,
               const mf_sizes *sz, mf_m7_result *r)
{
  double X1[MF_M7_NDATA][9], lc, se;
  gsl_integration_workspace *ws = gsl_integration_workspace_alloc (MF_M7_QUAD_LIMIT);
  int status = ws == NULL ? GSL_ENOMEM : mf_m7_data (X1);
  if (!status)
    status = mf_m7_normalisation (m, ws, &r->norm, &r->norm_band);
  if (!status)
    status = mf_m7_histograms (opt, m, X1, sz->m7_hist_n, ws, &r->pmin);
  if (!status)
    status = mf_m7_jumps (opt, m, X1, &r->jump_err, &r->jump_band, &r->slope,
                          &r->field_jump);
  for (size_t s = 0; s < MF_M7_NSTUDY && !status; s++)
    status = mf_m7_continuity (opt, m, X1, &mf_m7_studies[s], sz->m7_points,
                               &r->st[s]);
  if (!status)
    status = mf_m7_end_law (opt, m, X1, sz->m7_euler_n, sz->m7_euler_steps,
                            &r->zmax, &r->dmax, r->lost, r->frac);
  gsl_integration_workspace_free (ws);
  /* The lost fraction's slope over the three Euler steps (reported).  */
  for (size_t l = 0; l < MF_M7_NEULER; l++)
    r->hs[l] = (double) (1u << (MF_M7_NEULER - 1 - l))
               / (double) sz->m7_euler_steps;
  r->lost_order = NAN;
  if (!status && r->lost[0] > 0.0 && r->lost[MF_M7_NEULER - 1] > 0.0)
    fc_fd_order_fit (MF_M7_NEULER, r->hs, r->lost, &r->lost_order, &lc, &se);
  return status;
}

/* The deciding figures (bands in the file header) and the reported ones.  */
static void
mf_m7_record (const fc_run_options *opt, const mf_sizes *sz,
              const mf_m7_result *r, fc_verdict *v)
{
  fc_verdict_decide (v, FC_TEST_HOLDS, "normalisation", r->norm, r->norm_band,
                     r->norm <= r->norm_band);
  double alpha = MF_M7_ALPHA / MF_M7_NT;
  fc_verdict_decide (v, FC_TEST_HOLDS, "histogram_pmin", r->pmin, alpha,
                     r->pmin >= alpha);
  fc_verdict_decide (v, FC_TEST_HOLDS, "density_jump", r->jump_err,
                     r->jump_band, r->jump_err <= r->jump_band);
  fc_verdict_decide (v, FC_TEST_HOLDS, "field_jump_order", r->slope, 0.5,
                     r->slope <= 0.5);
  for (size_t s = 0; s < MF_M7_NSTUDY; s++)
    fc_module_record_study (opt, v, &r->st[s]);
  double zband = gsl_cdf_ugaussian_Qinv (MF_M7_ALPHA / (2.0 * MF_M7_NDATA));
  fc_verdict_decide (v, FC_TEST_HOLDS, "end_weights_z", r->zmax, zband,
                     r->zmax <= zband);
  /* A log, an exp and a distance per step (each MF_SO3_ROUNDOFF).  */
  double dband = 4.0 * MF_SO3_ROUNDOFF * (double) sz->m7_euler_steps;
  fc_verdict_decide (v, FC_TEST_HOLDS, "end_distance", r->dmax, dband,
                     r->dmax <= dband);
  /* The round-off floor of rel(h): a log's 1e-13 over the finest step.  */
  double hmin = fmin (r->st[0].h[MF_M7_NSTEP - 1], r->st[1].h[MF_M7_NSTEP - 1]);
  fc_verdict_report (v, "continuity_floor", MF_SO3_ROUNDOFF / hmin, NAN);
  fc_verdict_report (v, "field_jump", r->field_jump, NAN);
  fc_verdict_report (v, "end_lost_fraction", r->lost[MF_M7_NEULER - 1], NAN);
  fc_verdict_report (v, "end_lost_order", r->lost_order, NAN);
  for (size_t j = 0; j < MF_M7_NDATA; j++)
    {
      char name[FC_VERDICT_NAME_LEN];
      snprintf (name, sizeof name, "end_fraction_%zu", j);
      fc_verdict_report (v, name, r->frac[j], mf_m7_weight[j]);
    }
  fc_verdict_note (v, "norm %.2g; chi2 p_min %.3g; density jump err %.2g; "
                   "field jump %.3g (slope %.2f in delta); continuity orders "
                   "%.3f, %.3f; Euler: ends %.4f %.4f %.4f (z %.2f), max d "
                   "%.2g, lost %.2g", r->norm, r->pmin, r->jump_err,
                   r->field_jump, r->slope, r->st[0].order, r->st[1].order,
                   r->frac[0], r->frac[1], r->frac[2], r->zmax, r->dmax,
                   r->lost[MF_M7_NEULER - 1]);
}

/* so3-marginal's data beside what the parts stored.  */
static void
mf_m7_store (const mf_m7_model *m, const mf_m7_result *r, mf_figures *fig)
{
  for (size_t l = 0; l < MF_M7_NEULER; l++)
    {
      fig->m7.euler_h[l] = r->hs[l];
      fig->m7.euler_lost[l] = r->lost[l];
    }
  for (size_t j = 0; j < MF_M7_NDATA; j++)
    fig->m7.end_frac[j] = r->frac[j];
  mf_m7_curves (m, fig);
  for (size_t s = 0; s < MF_M7_NSTUDY; s++)
    mf_m7_store_study (fig, s, &r->st[s]);
  fig->m7.done = 1;
}

int
mf_check_m7 (const fc_run_options *opt, fc_verdict *v)
{
  const mf_sizes *sz = FC_SIZES (mf_size_plan, opt);
  mf_m7_model m = mf_m7_model_of (fc_control_variant (opt));
  mf_m7_result r;
  int status = mf_m7_measure (opt, &m, sz, &r);
  if (status)
    GSL_ERROR ("M7 failed", status);
  mf_m7_record (opt, sz, &r, v);
  if (opt->figures != NULL)
    mf_m7_store (&m, &r, opt->figures);
  return GSL_SUCCESS;
}
