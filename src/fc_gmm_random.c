/* src/fc_gmm_random.c -- random mixtures with full covariances.
 *
 * The test problems of the oracle, the benchmarks and the studies that need
 * "a mixture with no special structure": covariances with uniformly random
 * orientation (Haar-distributed eigenvectors) and a bounded, chosen
 * condition number, so that derived tolerances can use it.  */
#include <config.h>

#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>

#include "fc_gmm.h"
#include "fc_rng.h"

/* Q (D, D) Haar-distributed: the QR factor of a Gaussian matrix with the
   sign of each R_ii moved into the columns of Q (without it Q is not
   uniform; Mezzadri 2007, "How to generate random matrices from the
   classical compact groups").  A, TAU and R are scratch.  */
static void
fc_gmm_random_orthogonal (gsl_rng *r, gsl_matrix *a, gsl_vector *tau,
                          gsl_matrix *q, gsl_matrix *rr)
{
  size_t d = a->size1;
  for (size_t i = 0; i < d * d; i++)
    a->data[i] = gsl_ran_gaussian (r, 1.0);
  gsl_linalg_QR_decomp (a, tau);
  gsl_linalg_QR_unpack (a, tau, q, rr);
  for (size_t j = 0; j < d; j++)
    if (gsl_matrix_get (rr, j, j) < 0.0)
      for (size_t i = 0; i < d; i++)
        gsl_matrix_set (q, i, j, -gsl_matrix_get (q, i, j));
}

/* COV (D, D) = Q diag(LAM) Q^T, exactly symmetric.  */
static void
fc_gmm_random_cov (const gsl_matrix *q, const double *lam, double *cov)
{
  size_t d = q->size1;
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j <= i; j++)
      {
        double s = 0.0;
        for (size_t l = 0; l < d; l++)
          s += gsl_matrix_get (q, i, l) * lam[l] * gsl_matrix_get (q, j, l);
        cov[i * d + j] = cov[j * d + i] = s;
      }
}

static int
fc_gmm_random_params_ok (const fc_gmm_random_params *p)
{
  return p->weight_min > 0.0 && p->weight_min <= p->weight_max
         && p->mean_std >= 0.0 && p->eig_min >= 0.0
         && p->eig_min <= p->eig_max && gsl_finite (p->weight_max)
         && gsl_finite (p->mean_std) && gsl_finite (p->eig_max);
}

/* Draw and set every component of G from R, with the scratch given.  */
static int
fc_gmm_random_fill (fc_gmm *g, const fc_gmm_random_params *p, gsl_rng *r,
                    double *work)
{
  size_t d = g->dim;
  double *cov = work, *mean = cov + d * d, *lam = mean + d;
  gsl_matrix *a = gsl_matrix_alloc (d, d), *q = gsl_matrix_alloc (d, d);
  gsl_matrix *rr = gsl_matrix_alloc (d, d);
  gsl_vector *tau = gsl_vector_alloc (d);
  int status = (a && q && rr && tau) ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t k = 0; k < g->n_comp && status == GSL_SUCCESS; k++)
    {
      fc_gmm_random_orthogonal (r, a, tau, q, rr);
      for (size_t i = 0; i < d; i++)
        {
          lam[i] = p->eig_min + (p->eig_max - p->eig_min) * gsl_rng_uniform (r);
          mean[i] = p->mean_std * gsl_ran_gaussian (r, 1.0);
        }
      fc_gmm_random_cov (q, lam, cov);
      double w = p->weight_min
                 + (p->weight_max - p->weight_min) * gsl_rng_uniform (r);
      status = fc_gmm_set_component (g, k, w, mean, cov);
    }
  gsl_vector_free (tau);
  gsl_matrix_free (a);
  gsl_matrix_free (q);
  gsl_matrix_free (rr);
  return status;
}

fc_gmm *
fc_gmm_random (size_t dim, size_t n_comp, const fc_gmm_random_params *p,
               unsigned long seed, unsigned long stream)
{
  if (!fc_gmm_random_params_ok (p))
    GSL_ERROR_NULL ("invalid random mixture parameters", GSL_EDOM);
  fc_gmm *g = fc_gmm_alloc (dim, n_comp);
  gsl_rng *r = fc_rng_alloc (seed, stream);
  double *work = malloc ((dim * dim + 2 * dim) * sizeof (double));
  int status = (g && r && work) ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = fc_gmm_random_fill (g, p, r, work);
  if (status == GSL_SUCCESS)
    status = fc_gmm_prepare (g);
  free (work);
  gsl_rng_free (r);
  if (status != GSL_SUCCESS)
    {
      fc_gmm_free (g);
      GSL_ERROR_NULL ("cannot build the random mixture", status);
    }
  return g;
}
