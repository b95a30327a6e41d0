/* src/fc_compare.c -- a sample against an exact Gaussian mixture
 * (fc_compare.h).  */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_statistics_double.h>

#include "fc_compare.h"
#include "fc_rng.h"
#include "fc_stats.h"

/* Streams of SEED (fc_compare.h).  */
#define FC_COMPARE_STREAM_REF 1
#define FC_COMPARE_STREAM_PERM 2
#define FC_COMPARE_STREAM_NOISE 10

/* Sliced W2 between N_REP pairs of exact samples of size N, drawn into the
   scratch A and B (n, D) each.  */
static int
fc_compare_noise_pairs (const fc_gmm *g, size_t n, size_t n_rep,
                        size_t n_proj, unsigned long seed, double *a,
                        double *b, double *w)
{
  int status = GSL_SUCCESS;
  for (size_t r = 0; r < n_rep && status == GSL_SUCCESS; r++)
    {
      unsigned long s = FC_COMPARE_STREAM_NOISE + 2 * r;
      status = fc_gmm_sample (g, fc_rng_stream_seed (seed, s), n, a);
      if (status == GSL_SUCCESS)
        status = fc_gmm_sample (g, fc_rng_stream_seed (seed, s + 1), n, b);
      w[r] = fc_stats_sliced_w2 (g->dim, n, a, n, b, n_proj, seed);
    }
  return status;
}

/* Mean and standard deviation of the N_REP noise distances into *MEAN and
   *SD, with the scratch A and B.  */
static int
fc_compare_noise (const fc_gmm *g, size_t n, size_t n_rep, size_t n_proj,
                  unsigned long seed, double *a, double *b, double *mean,
                  double *sd)
{
  double *w = malloc (n_rep * sizeof *w); /* (n_rep) */
  if (w == NULL)
    GSL_ERROR ("no memory for the W2 noise level", GSL_ENOMEM);
  int status = fc_compare_noise_pairs (g, n, n_rep, n_proj, seed, a, b, w);
  if (status == GSL_SUCCESS)
    {
      *mean = gsl_stats_mean (w, 1, n_rep);
      *sd = gsl_stats_sd_m (w, 1, n_rep, *mean);
    }
  free (w);
  return status;
}

int
fc_compare_w2_noise (const fc_gmm *g, size_t n, size_t n_rep, size_t n_proj,
                     unsigned long seed, double *mean, double *sd)
{
  if (n_rep < 2 || n == 0)
    GSL_ERROR ("the W2 noise level needs n >= 1 and at least 2 pairs",
               GSL_EINVAL);
  double *a = malloc (n * g->dim * sizeof *a); /* (n, D) */
  double *b = malloc (n * g->dim * sizeof *b); /* (n, D) */
  int status = a && b ? fc_compare_noise (g, n, n_rep, n_proj, seed, a, b,
                                          mean, sd)
                      : GSL_ENOMEM;
  free (a), free (b);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the W2 noise level", GSL_ENOMEM);
  return status;
}

/* Moment z-scores of X against G's exact moments, and the smallest
   standard error of a sample mean.  */
static int
fc_compare_moments (const fc_gmm *g, size_t n, const double *x,
                    fc_compare_result *r)
{
  size_t d = g->dim;
  double mean[FC_COMPARE_DIM_MAX], m4[FC_COMPARE_DIM_MAX];
  double *cov = malloc (d * d * sizeof *cov); /* (D, D) */
  if (cov == NULL)
    GSL_ERROR ("no memory for the exact moments", GSL_ENOMEM);
  int status = fc_gmm_moments (g, mean, cov);
  if (status == GSL_SUCCESS)
    status = fc_gmm_fourth_moments (g, mean, m4);
  if (status == GSL_SUCCESS)
    status = fc_stats_moment_z (n, d, x, mean, cov, m4, &r->z_mean,
                                &r->z_var);
  r->se_min = GSL_POSINF;
  for (size_t i = 0; i < d; i++)
    r->se_min = GSL_MIN (r->se_min, sqrt (cov[i * d + i] / (double) n));
  free (cov);
  return status;
}

/* The two-sample test and the sliced W2 of X against the reference sample
   A, then the noise level (which overwrites A).  */
static int
fc_compare_distances (const fc_gmm *g, size_t n, const double *x,
                      const fc_compare_plan *p, unsigned long seed, double *a,
                      double *b, fc_compare_result *r)
{
  size_t d = g->dim;
  int status = fc_gmm_sample (g, fc_rng_stream_seed (seed, FC_COMPARE_STREAM_REF),
                              n, a);
  if (status == GSL_SUCCESS && p->n_two > 0)
    status = fc_stats_two_sample (d, p->n_two, x, p->n_two, a, p->n_perm,
                                  fc_rng_stream_seed (seed, FC_COMPARE_STREAM_PERM),
                                  NULL, &r->pvalue);
  if (status != GSL_SUCCESS || p->n_rep == 0)
    return status;
  r->w2 = fc_stats_sliced_w2 (d, n, x, n, a, p->n_proj, seed);
  status = fc_compare_noise (g, n, p->n_rep, p->n_proj, seed, a, b,
                             &r->w2_noise, &r->w2_noise_sd);
  /* When X is exact, r->w2 is one more draw of the statistic the exact
     pairs drew.  */
  r->w2_tol = r->w2_noise + p->w2_z * r->w2_noise_sd;
  return status;
}

int
fc_compare_sample (const fc_gmm *g, size_t n, const double *x,
                   const fc_compare_plan *plan, unsigned long seed,
                   fc_compare_result *r)
{
  if (g->dim > FC_COMPARE_DIM_MAX || n < 2 || plan->n_two > n
      || plan->n_rep == 1)
    GSL_ERROR ("bad comparison plan (dimension, n >= 2, n_two <= n, "
               "n_rep 0 or >= 2)", GSL_EINVAL);
  r->pvalue = r->w2 = r->w2_noise = r->w2_noise_sd = r->w2_tol = NAN;
  double *a = malloc (n * g->dim * sizeof *a); /* (n, D) reference */
  double *b = malloc (n * g->dim * sizeof *b); /* (n, D) scratch */
  int status = a && b ? fc_compare_moments (g, n, x, r) : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = fc_compare_distances (g, n, x, plan, seed, a, b, r);
  free (a), free (b);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the sample comparison", GSL_ENOMEM);
  return status;
}

double
fc_compare_z_band (double alpha, size_t m)
{
  return gsl_cdf_ugaussian_Qinv (alpha / (2.0 * (double) m));
}
