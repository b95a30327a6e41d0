/* derivations/barycentric/pointwise.c -- what the pointwise identities B1,
 * B2 and B10 share: the round-off ladder of sum_k alpha_k g_k, the sizes
 * and condition numbers it scales with, and the points and fields of one
 * coefficient vector.
 *
 * Each identity is judged at points drawn from rho(alpha): its error in
 * units of the ladder times the condition number of the tuple
 * covariances; CONFIRMED within the ladder at every point, REFUTED beyond
 * it.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "barycentric_internal.h"
#include "fc_fd.h"

/* The round-off ladder of sum_k alpha_k g_k - x, in machine epsilons per
   unit of the summands' magnitude and of the condition number kappa of the
   tuple covariances C_c (fc_interp.h):
     E[x_k | x, c] = mu_{k c_k} + beta_k S_{k c_k} C_c^{-1} (x - m_c)
   costs K + 1 roundings for m_c, one for x - m_c, 2 D for the two
   triangular solves of the Cholesky factor (each amplified by kappa), D
   for the product by S; the posterior-weighted sum over the T tuples at
   most T (its weights sum to 1 within T eps); the final sum over k
   another K + 1.  Worst case, every rounding in the same direction:
     L = 2 (K + 1) + 3 D + 1 + T.
   Random rounding makes the typical figure ~ sqrt(L); the bound is the
   worst case, so a violation is not round-off.  */
static double
bc_ladder (const fc_interp *ip)
{
  return 2.0 * (double) fc_interp_n_marginals (ip)
         + 3.0 * (double) fc_interp_dim (ip) + 1.0
         + (double) fc_interp_n_tuples (ip);
}

/* R_k = max over the components of rho_k of |mu| + sqrt(largest
   eigenvalue): the size of the terms E[x_k | x, c] that average into g_k
   and may cancel there (so |g_k| alone underrates its round-off).  */
static void
bc_marginal_sizes (const fc_interp *ip, double *r)
{
  for (size_t k = 0; k < fc_interp_n_marginals (ip); k++)
    {
      const fc_gmm *g = fc_interp_marginal (ip, k);
      r[k] = 0.0;
      for (size_t c = 0; c < g->n_comp; c++)
        {
          double emax = 0.0;
          for (size_t d = 0; d < g->dim; d++)
            emax = GSL_MAX (emax, g->eigval[c * g->dim + d]);
          r[k] = GSL_MAX (r[k], fc_study_norm (g->dim, g->mean + c * g->dim)
                                    + sqrt (emax));
        }
    }
}

/* kappa(BETA): the largest condition number of the tuple covariances. */
static int
bc_condition (const fc_interp *ip, const double *beta, double *kappa)
{
  fc_gmm *mix = fc_interp_mixture (ip, beta);
  if (mix == NULL)
    GSL_ERROR ("inadmissible coefficients", GSL_EDOM);
  size_t dim = mix->dim;
  *kappa = 1.0;
  for (size_t c = 0; c < mix->n_comp; c++)
    {
      double lo = GSL_POSINF, hi = 0.0;
      for (size_t d = 0; d < dim; d++)
        {
          lo = GSL_MIN (lo, mix->eigval[c * dim + d]);
          hi = GSL_MAX (hi, mix->eigval[c * dim + d]);
        }
      *kappa = GSL_MAX (*kappa, hi / lo);
    }
  fc_gmm_free (mix);
  return GSL_SUCCESS;
}

int
bc_pointwise_alloc (bc_pointwise *w, bc_problem p, size_t n)
{
  w->x = w->g = w->b = NULL;
  w->ladder = NAN;
  w->ip = bc_problem_alloc (p);
  if (w->ip == NULL)
    return GSL_EFAILED;
  w->n = n;
  w->dim = fc_interp_dim (w->ip);
  w->nm = fc_interp_n_marginals (w->ip);
  w->ladder = bc_ladder (w->ip);
  bc_marginal_sizes (w->ip, w->r);
  w->x = malloc (n * w->dim * sizeof *w->x);
  w->g = malloc (w->nm * n * w->dim * sizeof *w->g);
  w->b = malloc (n * w->dim * sizeof *w->b);
  if (w->x == NULL || w->g == NULL || w->b == NULL)
    GSL_ERROR ("no memory for the pointwise checks", GSL_ENOMEM);
  return GSL_SUCCESS;
}

void
bc_pointwise_free (bc_pointwise *w)
{
  fc_interp_free (w->ip);
  free (w->x), free (w->g), free (w->b);
}

int
bc_pointwise_draw (bc_pointwise *w, const double *beta, unsigned long seed,
                   double *kappa)
{
  int status = bc_condition (w->ip, beta, kappa);
  if (status == GSL_SUCCESS)
    status = fc_interp_sample (w->ip, beta, seed, 0, w->n, w->x, NULL);
  if (status == GSL_SUCCESS)
    status = fc_interp_eval (w->ip, beta, w->n, w->x, NULL, w->g);
  return status;
}

double
bc_pointwise_magnitude (const bc_pointwise *w, const double *alpha, size_t i)
{
  double m = fc_study_norm (w->dim, w->x + i * w->dim);
  for (size_t k = 0; k < w->nm; k++)
    m += fabs (alpha[k])
         * (fc_study_norm (w->dim, w->g + (k * w->n + i) * w->dim) + w->r[k]);
  return m;
}

double
bc_sweep_exponent (size_t n, const double *a, const double *sweep)
{
  double expo = NAN, lc, se;
  for (size_t j = 0; j < n; j++)
    if (!(sweep[j] > 0.0))
      return NAN;
  fc_fd_order_fit (n, a, sweep, &expo, &lc, &se);
  return expo;
}
