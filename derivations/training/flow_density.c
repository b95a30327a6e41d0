/* derivations/training/flow_density.c -- claim T1 (L "Warmup: normalizing
 * flow"): the change of variables for a composition of invertible layers,
 *
 *   log p(x) = log N(z(x); 0, I) + sum_j log |det d h_{j-1} / d h_j|,
 *
 * checked on a random flow of fc_flow.h (three affine couplings, three
 * invertible linear layers) in three ways:
 *
 *  flow_norm_err   |integral of p over the plane - 1|, by nested
 *                  gsl_integration_qag (inner over x_1 for each x_2, outer
 *                  over x_2) after x = mu + s tan a maps the plane onto a
 *                  square (see tr_t1_quad).  Band: the outer error estimate, plus the
 *                  largest relative error estimate of an inner integral
 *                  times the integral (the inner errors integrate to at
 *                  most that), plus 64 eps.  (A tensor Gauss-Hermite rule
 *                  does not converge here: the couplings make thin ridges
 *                  that only adaptive subdivision resolves.)
 *  flow_roundtrip  max over the sample of |g(f(z)) - z|_inf / max_j
 *                  |h_j|_inf (the largest intermediate).  Band: 8 L eps
 *                  kappa, kappa = fc_flow_condition (every layer's forward
 *                  and inverse rounds a few times, amplified by at most its
 *                  condition).
 *  flow_hist_p     chi-square p-value of the histogram of N pushed samples
 *                  x = f(z) on a grid against N times the cell integrals of
 *                  p (16 x 16 Gauss-Legendre per cell: exact to degree
 *                  31, its error far below a count's standard error for
 *                  the flow's bounded condition, FC_FLOW_COND_MAX), cells of
 *                  fewer than 5 expected pooled with the outside.  Passes
 *                  at p >= TR_T1_ALPHA.
 *
 * Controls: dropped_logdet leaves out the first linear layer's term, so
 * the density integrates to |det W_1| (not 1); wrong_order composes the
 * inverses in the wrong order (g_L o ... o g_1): a valid map with its own
 * correct log-determinant (it still integrates to 1) that neither inverts
 * f nor gives the density of f's samples.  */
#include <config.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "fc_flow.h"
#include "training_internal.h"

/* The flow under test and the control's change.  */
typedef struct
{
  const fc_flow *flow;
  int variant;
} tr_t1_model;

/* log p(x) of the model at one point, with the control's change.  */
static double
tr_t1_logp (const tr_t1_model *m, const double x[2])
{
  const fc_flow *f = m->flow;
  double z[2] = { x[0], x[1] }, ld = 0.0;
  for (size_t k = 0; k < f->n_layers; k++)
    {
      /* wrong_order: g_L first is right; the control applies g_1 first.  */
      size_t j = m->variant == TR_T1_WRONG_ORDER ? k : f->n_layers - 1 - k;
      double before = ld;
      fc_flow_layer_inverse (f, j, 1, z, z, &ld);
      if (m->variant == TR_T1_DROPPED_LOGDET && j == 1)
        ld = before;
    }
  return ld - 0.5 * (z[0] * z[0] + z[1] * z[1]) - M_LN2 - M_LNPI;
}

/* ------------------------------------------------ the normalisation */

/* The plane is mapped onto (-pi/2, pi/2)^2 by x_c = mu_c + s_c tan a_c
   (mu, s: mean and standard deviation of a pilot sample), so that GSL's
   adaptive Gauss-Kronrod rule on a finite interval (gsl_integration_qag,
   no extrapolation: qagi's epsilon algorithm declares some of these peaked
   integrands divergent) integrates p(x) s_c / cos^2 a_c, which vanishes at
   the ends (Gaussian tails beat 1/cos^2).  */
typedef struct
{
  const tr_t1_model *m;
  double mu[2], s[2];
  double x2, jac2;
  gsl_integration_workspace *w;
  double worst_rel; /* largest abserr/result of an inner integral */
  int status;
} tr_t1_quad;

/* x_c and dx_c/da_c at the angle A.  */
static double
tr_t1_map (const tr_t1_quad *q, int c, double a, double *jac)
{
  double cs = cos (a);
  *jac = q->s[c] / (cs * cs);
  return q->mu[c] + q->s[c] * tan (a);
}

static double
tr_t1_inner_f (double a1, void *params)
{
  tr_t1_quad *q = params;
  double jac, x[2];
  x[0] = tr_t1_map (q, 0, a1, &jac);
  x[1] = q->x2;
  double f = exp (tr_t1_logp (q->m, x)) * jac;
  return isfinite (f) ? f : 0.0;
}

static double
tr_t1_outer_f (double a2, void *params)
{
  tr_t1_quad *q = params;
  gsl_function F = { tr_t1_inner_f, q };
  double val = 0.0, err = 0.0, jac;
  q->x2 = tr_t1_map (q, 1, a2, &jac);
  int status = gsl_integration_qag (&F, -M_PI_2, M_PI_2, 0.0, TR_T1_QUAD_REL,
                                    TR_T1_QUAD_LIMIT, GSL_INTEG_GAUSS31, q->w,
                                    &val, &err);
  /* GSL_EROUND: the rounding floor was reached; err still bounds it.  */
  if (status && status != GSL_EROUND && !q->status)
    q->status = status;
  if (val > 0.0)
    q->worst_rel = fmax (q->worst_rel, err / val);
  double f = val * jac;
  return isfinite (f) ? f : 0.0;
}

/* The integral of p over the plane and its band (file comment), centred
   on MU with the scales S.  */
static int
tr_t1_integral (const tr_t1_model *m, const double mu[2], const double s[2],
                double *integral, double *band)
{
  gsl_integration_workspace *wi = gsl_integration_workspace_alloc (TR_T1_QUAD_LIMIT);
  gsl_integration_workspace *wo = gsl_integration_workspace_alloc (TR_T1_QUAD_LIMIT);
  if (wi == NULL || wo == NULL)
    {
      gsl_integration_workspace_free (wi);
      gsl_integration_workspace_free (wo);
      GSL_ERROR ("no memory", GSL_ENOMEM);
    }
  tr_t1_quad q = { m, { mu[0], mu[1] }, { s[0], s[1] }, 0.0, 0.0, wi, 0.0,
                   GSL_SUCCESS };
  gsl_function F = { tr_t1_outer_f, &q };
  double err = 0.0;
  int status = gsl_integration_qag (&F, -M_PI_2, M_PI_2, 0.0, TR_T1_QUAD_REL,
                                    TR_T1_QUAD_LIMIT, GSL_INTEG_GAUSS31, wo,
                                    integral, &err);
  if (status == GSL_EROUND)
    status = GSL_SUCCESS;
  if (!status)
    status = q.status;
  *band = err + q.worst_rel * fabs (*integral) + 64.0 * DBL_EPSILON;
  gsl_integration_workspace_free (wi);
  gsl_integration_workspace_free (wo);
  return status;
}

/* ------------------------------------------------ the round trip */

/* max over Z (n, 2) of |g(f(z)) - z|_inf / max_j |h_j|_inf.  */
static double
tr_t1_roundtrip (const tr_t1_model *m, size_t n, const double *z)
{
  const fc_flow *f = m->flow;
  double worst = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      double h[2] = { z[2 * i], z[2 * i + 1] };
      double scale = fmax (fabs (h[0]), fabs (h[1]));
      for (size_t j = 0; j < f->n_layers; j++)
        {
          fc_flow_layer_forward (f, j, 1, h, h, NULL);
          scale = fmax (scale, fmax (fabs (h[0]), fabs (h[1])));
        }
      for (size_t k = 0; k < f->n_layers; k++)
        {
          size_t j = m->variant == TR_T1_WRONG_ORDER ? k : f->n_layers - 1 - k;
          fc_flow_layer_inverse (f, j, 1, h, h, NULL);
        }
      double e = fmax (fabs (h[0] - z[2 * i]), fabs (h[1] - z[2 * i + 1]));
      worst = fmax (worst, e / scale);
    }
  return worst;
}

/* ------------------------------------------------ the histogram */

/* From a pilot sample of the flow (its own stream, so that nothing depends
   on the tested sample): the histogram's box [lo, hi], the 0.5% and 99.5%
   quantiles per coordinate, and the quadrature's centre MU and scale S
   (mean and standard deviation).  */
static int
tr_t1_pilot (const fc_flow *flow, unsigned long seed, double lo[2],
             double hi[2], double mu[2], double s[2])
{
  enum { PILOT = 4000 };
  double *x = malloc (2 * PILOT * sizeof (double));
  if (x == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  int status = fc_flow_sample (flow, seed, PILOT, x);
  for (int c = 0; c < 2 && !status; c++)
    {
      mu[c] = gsl_stats_mean (x + c, 2, PILOT);
      s[c] = gsl_stats_sd_m (x + c, 2, PILOT, mu[c]);
      gsl_sort (x + c, 2, PILOT);
      lo[c] = gsl_stats_quantile_from_sorted_data (x + c, 2, PILOT, 0.005);
      hi[c] = gsl_stats_quantile_from_sorted_data (x + c, 2, PILOT, 0.995);
    }
  free (x);
  return status;
}

/* The probability of cell (a, b) of the NB x NB grid on the box: the
   tensor Gauss-Legendre rule GL.  */
static double
tr_t1_cell_prob (const tr_t1_model *m, const gsl_integration_glfixed_table *gl,
                 const double lo[2], const double d[2], size_t a, size_t b)
{
  double sum = 0.0;
  for (size_t i = 0; i < gl->n; i++)
    for (size_t k = 0; k < gl->n; k++)
      {
        double x[2], wi, wk;
        gsl_integration_glfixed_point (lo[0] + a * d[0], lo[0] + (a + 1) * d[0],
                                       i, &x[0], &wi, gl);
        gsl_integration_glfixed_point (lo[1] + b * d[1], lo[1] + (b + 1) * d[1],
                                       k, &x[1], &wk, gl);
        sum += wi * wk * exp (tr_t1_logp (m, x));
      }
  return sum;
}

/* The chi-square p-value and the largest cell |z| of the N samples X
   against the model's cell probabilities on a BINS x BINS grid on the box
   [LO, HI].  */
static int
tr_t1_histogram (const tr_t1_model *m, const double lo[2], const double hi[2],
                 size_t n, const double *x, size_t bins, double *pval,
                 double *zmax)
{
  double d[2];
  int status = GSL_SUCCESS;
  double *count = calloc (bins * bins, sizeof (double));
  gsl_integration_glfixed_table *gl = gsl_integration_glfixed_table_alloc (TR_T1_CELL_NODES);
  if (!status && (count == NULL || gl == NULL))
    status = GSL_ENOMEM;
  for (int c = 0; c < 2 && !status; c++)
    d[c] = (hi[c] - lo[c]) / (double) bins;
  for (size_t i = 0; i < n && !status; i++)
    {
      double u = (x[2 * i] - lo[0]) / d[0], v = (x[2 * i + 1] - lo[1]) / d[1];
      if (u >= 0.0 && u < (double) bins && v >= 0.0 && v < (double) bins)
        count[(size_t) u * bins + (size_t) v] += 1.0;
    }
  double chi2 = 0.0, kept_p = 0.0, kept_n = 0.0, dof = 0.0;
  *zmax = 0.0;
  for (size_t a = 0; a < bins && !status; a++)
    for (size_t b = 0; b < bins; b++)
      {
        double e = (double) n * tr_t1_cell_prob (m, gl, lo, d, a, b);
        double o = count[a * bins + b];
        if (e < 5.0)
          continue;
        chi2 += (o - e) * (o - e) / e;
        *zmax = fmax (*zmax, fabs (o - e) / sqrt (e));
        kept_p += e / (double) n;
        kept_n += o;
        dof += 1.0;
      }
  /* The rest (pooled cells and the outside of the box): probability
     1 - kept_p; a model whose kept cells hold more than all the mass is no
     density (chi-square infinite).  */
  double e_rest = (double) n * (1.0 - kept_p), o_rest = (double) n - kept_n;
  if (e_rest > 0.0)
    chi2 += (o_rest - e_rest) * (o_rest - e_rest) / e_rest;
  else
    chi2 = GSL_POSINF;
  *pval = isfinite (chi2) && dof > 0.0 ? gsl_cdf_chisq_Q (chi2, dof) : 0.0;
  free (count);
  if (gl != NULL)
    gsl_integration_glfixed_table_free (gl);
  return status;
}

/* ------------------------------------------------ T1 */

int
tr_check_t1 (const fc_run_options *opt, fc_verdict *v)
{
  const tr_sizes *sz = FC_SIZES (tr_size_plan, opt);
  fc_flow flow;
  tr_t1_model m = { &flow, fc_control_variant (opt) };
  int status = fc_flow_random (&flow, TR_T1_COUPLINGS, TR_T1_SCALE,
                               fc_module_seed (opt, TR_TAG_T1));
  double *z = malloc (2 * sz->t1_n * sizeof (double));
  double *x = malloc (2 * sz->t1_n * sizeof (double));
  if (!status && (z == NULL || x == NULL))
    status = GSL_ENOMEM;
  double integral = NAN, band_int = NAN, pval = NAN, zmax = NAN;
  double lo[2], hi[2], mu[2], s[2];
  if (!status)
    status = tr_t1_pilot (&flow, fc_module_seed (opt, TR_TAG_T1 + 2), lo, hi,
                          mu, s);
  if (!status)
    status = tr_t1_integral (&m, mu, s, &integral, &band_int);
  if (!status)
    status = fc_rng_gaussian_fill (fc_module_seed (opt, TR_TAG_T1 + 1), 0,
                                   2 * sz->t1_n, z);
  if (!status)
    status = fc_flow_forward (&flow, sz->t1_n, z, x, NULL);
  if (!status)
    status = tr_t1_histogram (&m, lo, hi, sz->t1_n, x, sz->t1_bins, &pval,
                              &zmax);
  double trip = status ? NAN : tr_t1_roundtrip (&m, sz->t1_n, z);
  free (z);
  free (x);
  if (status)
    GSL_ERROR ("T1 failed", status);

  double norm_err = fabs (integral - 1.0);
  fc_verdict_decide (v, FC_TEST_HOLDS, "flow_norm_err", norm_err, band_int,
                     norm_err <= band_int);
  double kappa = fc_flow_condition (&flow);
  double band_trip = 8.0 * (double) flow.n_layers * kappa * DBL_EPSILON;
  fc_verdict_decide (v, FC_TEST_HOLDS, "flow_roundtrip", trip, band_trip,
                     trip <= band_trip);
  fc_verdict_decide (v, FC_TEST_HOLDS, "flow_hist_p", pval, TR_T1_ALPHA,
                     pval >= TR_T1_ALPHA);
  fc_verdict_report (v, "flow_hist_zmax", zmax, NAN);
  fc_verdict_report (v, "flow_integral", integral, NAN);
  fc_verdict_report (v, "flow_samples", (double) sz->t1_n, NAN);
  fc_verdict_note (v, "integral of p %.12f (band %.2g); round trip %.2g "
                   "(band %.2g); histogram of %zu samples p = %.3g "
                   "(%zu x %zu cells)", integral, band_int, trip, band_trip,
                   sz->t1_n, pval, sz->t1_bins, sz->t1_bins);
  return GSL_SUCCESS;
}
