/* src/fc_path_field.c -- the exact path of mixture data as callbacks.
 *
 * Adapters from fc_path_eval_many to the callback types of fc_fd.h,
 * fc_ode.h and fc_study.h, and the scales of p_t (N "marginal vf induced by
 * conditional vf"; CATALOG.md "Conventions").  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "fc_path.h"
#include "fc_path_field.h"
#include "fc_rng.h"

int
fc_path_field_density (double t, size_t n, const double *x, double *p,
                       double *u, void *params)
{
  const fc_path_field_params *m = params;
  const fc_path_out out = { .logp = p, .velocity = u };
  int status = fc_path_eval_many (m->g, m->s, t, n, x, &out);
  for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
    p[i] = exp (p[i]);
  return status;
}

int
fc_path_field_velocity (double t, size_t n, const double *x, double *u,
                        double *div, void *params)
{
  const fc_path_field_params *m = params;
  const fc_path_out *out = &(const fc_path_out) { .velocity = u, .div = div };
  return fc_path_eval_many (m->g, m->s, t, n, x, out);
}

int
fc_path_field_sample_data (const fc_gmm *g, unsigned long seed, size_t n,
                           double *x1)
{
  if (g->all_pd)
    return fc_gmm_sample (g, seed, n, x1);
  for (size_t i = 0; i < g->n_comp * g->dim * g->dim; i++)
    if (g->cov[i] != 0.0)
      GSL_ERROR ("singular data that are not point masses", GSL_EDOM);
  gsl_ran_discrete_t *table = gsl_ran_discrete_preproc (g->n_comp, g->weight);
  gsl_rng *r = fc_rng_alloc (seed, 0);
  if (table == NULL || r == NULL)
    {
      if (table != NULL)
        gsl_ran_discrete_free (table);
      gsl_rng_free (r);
      GSL_ERROR ("no memory for point-mass draws", GSL_ENOMEM);
    }
  for (size_t i = 0; i < n; i++)
    {
      size_t k = gsl_ran_discrete (r, table);
      memcpy (x1 + i * g->dim, g->mean + k * g->dim, g->dim * sizeof *x1);
    }
  gsl_ran_discrete_free (table);
  gsl_rng_free (r);
  return GSL_SUCCESS;
}

int
fc_path_field_points (double t, unsigned long seed, size_t n, double *x,
                      void *params)
{
  const fc_path_field_source *src = params;
  size_t dim = src->dim;
  fc_schedule_value sv;
  if (src->g != NULL && src->g->dim != dim)
    GSL_ERROR ("source dimension differs from its data", GSL_EBADLEN);
  if (src->g == NULL && src->x1 == NULL)
    GSL_ERROR ("source has neither data nor endpoint", GSL_EINVAL);
  int status = fc_schedule_eval (src->s, t, &sv);
  if (status)
    return status;
  double *z = malloc (n * dim * sizeof *z); /* (n, D) */
  if (z == NULL)
    GSL_ERROR ("no memory for noise draws", GSL_ENOMEM);
  if (src->g != NULL)
    status = fc_path_field_sample_data (src->g, fc_rng_stream_seed (seed, 1),
                                        n, x);
  else
    for (size_t i = 0; i < n; i++)
      memcpy (x + i * dim, src->x1, dim * sizeof *x);
  if (status == GSL_SUCCESS)
    status = fc_rng_gaussian_fill (fc_rng_stream_seed (seed, 2), 0, n * dim, z);
  for (size_t i = 0; status == GSL_SUCCESS && i < n * dim; i++)
    x[i] = sv.alpha * x[i] + sv.sigma * z[i];
  free (z);
  return status;
}

double
fc_path_field_box (const fc_gmm *g, double alpha, double sigma2)
{
  double b = 0.0;
  for (size_t k = 0; k < g->n_comp; k++)
    {
      double lmax = 0.0, mmax = 0.0;
      for (size_t j = 0; j < g->dim; j++)
        {
          lmax = GSL_MAX (lmax, g->eigval[k * g->dim + j]);
          mmax = GSL_MAX (mmax, fabs (alpha * g->mean[k * g->dim + j]));
        }
      b = GSL_MAX (b, mmax + 3.0 * sqrt (alpha * alpha * lmax + sigma2));
    }
  return b;
}

int
fc_path_field_scale (fc_schedule s, size_t n_times, const double *times,
                     double *ell)
{
  *ell = GSL_POSINF;
  for (size_t j = 0; j < n_times; j++)
    {
      fc_schedule_value sv;
      int status = fc_schedule_eval (s, times[j], &sv);
      if (status)
        return status;
      if (!(sv.alpha > 0.0 && sv.sigma > 0.0))
        GSL_ERROR ("scale of p_t needs t inside (0, 1)", GSL_EDOM);
      double rate = fabs (sv.dalpha / sv.alpha) + fabs (sv.dsigma / sv.sigma);
      *ell = GSL_MIN (*ell, GSL_MIN (sv.sigma, 1.0 / rate));
    }
  return GSL_SUCCESS;
}
