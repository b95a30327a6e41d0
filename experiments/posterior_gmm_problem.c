/* experiments/posterior_gmm_problem.c -- the configurations of
 * posterior-gmm: the grid and random priors in d dimensions, the
 * observation, the exact posterior, and the seeds of each replicate.  */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "fc_rng.h"
#include "fc_spec.h"
#include "posterior_gmm.h"

const char *const pg_prior_names[PG_PRIOR_COUNT] = { "grid", "random" };

/* The random prior (fc_gmm_random): K components, unnormalised weights
   U[0.5, 1.5), means N(0, 3^2 I), covariance eigenvalues U[0.1, 1] with
   Haar eigenvectors.  */
#define PG_RANDOM_K 10
static const fc_gmm_random_params pg_random_params = { 0.5, 1.5, 3.0, 0.1,
                                                       1.0 };

/* The built-in 2-D grid25 extended to D dimensions (D even): component k
   keeps its weight, its mean (a, b) becomes (a, b, a, b, ...) and its 2 x 2
   covariance is repeated along the diagonal, the usual d-dimensional
   version of the grid in posterior-sampling benchmarks.  */
static fc_gmm *
pg_grid_prior (size_t d)
{
  fc_gmm *g2 = fc_spec_builtin ("grid25");
  if (g2 == NULL)
    pg_fail ("cannot build the grid25 prior");
  fc_gmm *g = fc_gmm_alloc (d, g2->n_comp);
  double *mu = pg_xmalloc (d * sizeof (double));
  double *cov = pg_xmalloc (d * d * sizeof (double));
  int status = g ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t k = 0; k < g2->n_comp && status == GSL_SUCCESS; k++)
    {
      const double *c2 = g2->cov + 4 * k;
      memset (cov, 0, d * d * sizeof (double));
      for (size_t l = 0; l < d / 2; l++)
        for (size_t i = 0; i < 2; i++)
          {
            mu[2 * l + i] = g2->mean[2 * k + i];
            for (size_t j = 0; j < 2; j++)
              cov[(2 * l + i) * d + 2 * l + j] = c2[2 * i + j];
          }
      status = fc_gmm_set_component (g, k, g2->weight[k], mu, cov);
    }
  if (status == GSL_SUCCESS)
    status = fc_gmm_prepare (g);
  free (mu);
  free (cov);
  fc_gmm_free (g2);
  if (status != GSL_SUCCESS)
    pg_fail ("cannot build the d-dimensional grid prior");
  return g;
}

static fc_gmm *
pg_prior_alloc (pg_prior kind, size_t d, unsigned long seed)
{
  if (kind == PG_PRIOR_GRID)
    return pg_grid_prior (d);
  fc_gmm *g = fc_gmm_random (d, PG_RANDOM_K, &pg_random_params, seed,
                             PG_TAG_RANDOM + d);
  if (g == NULL)
    pg_fail ("cannot build the random prior");
  return g;
}

/* The observation of configuration C: A (m, d) with N(0, 1) entries,
   x* ~ prior and e ~ N(0, I_m) from one stream that depends on (prior, d,
   m) only, so that every sigma_y observes the same x* through the same A
   and the same e: y = A x* + sigma_y e.  */
static fc_obs *
pg_obs_alloc (const pg_config *c, unsigned long seed)
{
  size_t d = c->d, m = c->m;
  fc_obs *o = fc_obs_alloc (m, d);
  unsigned long tag = PG_TAG_PROBLEM + 2 * (d + 1000 * m) + c->prior_kind;
  gsl_rng *r = fc_rng_alloc (seed, tag);
  double *xs = pg_xmalloc (d * sizeof (double));
  if (o == NULL || r == NULL
      || fc_gmm_sample (c->prior, fc_rng_stream_seed (seed, tag), 1, xs))
    pg_fail ("cannot draw the observation");
  for (size_t i = 0; i < m * d; i++)
    o->a[i] = gsl_ran_gaussian (r, 1.0);
  for (size_t i = 0; i < m; i++)
    {
      double ax = 0.0;
      for (size_t j = 0; j < d; j++)
        ax += o->a[i * d + j] * xs[j];
      o->y[i] = ax + c->sigma_y * gsl_ran_gaussian (r, 1.0);
    }
  o->sigma_y = c->sigma_y;
  gsl_rng_free (r);
  free (xs);
  return o;
}

void
pg_config_init (pg_config *c, pg_prior kind, size_t d, size_t m,
                double sigma_y, unsigned long seed)
{
  c->prior_kind = kind;
  c->d = d;
  c->m = m;
  c->sigma_y = sigma_y;
  c->prior = pg_prior_alloc (kind, d, seed);
  c->obs = pg_obs_alloc (c, seed);
  c->post = fc_gmm_condition (c->prior, m, c->obs->a, c->obs->y, sigma_y);
  if (c->post == NULL)
    pg_fail ("cannot condition the prior on the observation");
}

void
pg_config_free (pg_config *c)
{
  fc_gmm_free (c->post);
  fc_obs_free (c->obs);
  fc_gmm_free (c->prior);
}

/* The seed of USE on replicate R of configuration C: independent of
   sigma_y (common random numbers across noise levels and methods).  */
unsigned long
pg_replicate_seed (const pg_config *c, unsigned long seed, size_t r, int use)
{
  unsigned long key
      = ((c->prior_kind * 1001UL + c->d) * 64UL + r) * 4UL + (unsigned) use;
  return fc_rng_stream_seed (seed, PG_TAG_REPLICATE + key);
}
