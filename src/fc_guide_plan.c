/* src/fc_guide_plan.c -- the per-call constants of fc_guide
 * (fc_guide_internal.h): per component and time, the diagonals of J_k,
 * Sigma1_k and C_k^{-1} in the eigenbasis of S_k, and with an observation
 * A V_k, A Sigma1_k A^T and the factor of G_k = A Sigma1_k A^T +
 * sigma_y^2 I; the D x D matrices Sigma1_k and J_k only when Cov or J is
 * asked for.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_carve.h"
#include "fc_guide_internal.h"

void
fc_guide_plan_free (fc_guide_plan *pl)
{
  free (pl->block);
  free (pl->schol);
}

/* M (D, D) = V diag(DIAG) V^T for component K, exactly symmetric (the
   lower triangle computed, then mirrored).  */
static void
fc_guide_vdvt (const fc_gmm *g, size_t k, const double *diag, double *out)
{
  size_t d = g->dim;
  const double *v = g->eigvec + k * d * d;
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j <= i; j++)
      {
        double acc = 0.0;
        for (size_t l = 0; l < d; l++)
          acc += v[i * d + l] * diag[l] * v[j * d + l];
        out[i * d + j] = out[j * d + i] = acc;
      }
}

/* The per-component diagonals at time t.  GSL_EDOM when some c_i = 0 (a
   singular component at t = 1).  */
static int
fc_guide_plan_diag (fc_guide_plan *pl)
{
  size_t d = pl->d, nk = pl->nk;
  const fc_gmm *g = pl->g;
  const fc_schedule_value *v = &pl->sv;
  double a = v->alpha, a2 = a * a;
  for (size_t k = 0; k < nk; k++)
    {
      double sumlog = 0.0;
      for (size_t i = 0; i < d; i++)
        {
          size_t idx = k * d + i;
          double lambda = g->eigval[idx], c = a2 * lambda + v->sigma2;
          if (!(c > 0.0))
            GSL_ERROR ("undefined at t = 1 for a singular component",
                       GSL_EDOM);
          pl->inv_c[idx] = 1.0 / c;
          pl->gjt[idx] = a * lambda / c;
          pl->gjo[idx] = pl->scaled ? lambda / c : pl->gjt[idx];
          pl->gs1[idx] = lambda * v->sigma2 / c;
          if (pl->need_vel)
            pl->bvel[idx] = (a * v->dalpha * lambda + v->sigma_dsigma) / c;
          sumlog += log (c);
        }
      pl->lconst[k] = g->log_weight[k] - 0.5 * sumlog
                      - 0.5 * d * log (2 * M_PI);
    }
  return GSL_SUCCESS;
}

/* A V_k and A Sigma1_k A^T, formed as B B^T with B = A V_k diag(sqrt(gs1))
   so that it is positive semi-definite whatever the rounding; with the
   exact likelihood also the Cholesky factor of G_k = A Sigma1_k A^T +
   sigma_y^2 I.  */
static int
fc_guide_plan_obs (fc_guide_plan *pl, size_t k, double *bbuf)
{
  size_t d = pl->d, m = pl->m;
  const double *gs1 = pl->gs1 + k * d;
  double *asa = pl->asa + k * m * m;
  gsl_matrix_const_view a = gsl_matrix_const_view_array (pl->obs->a, m, d);
  gsl_matrix_const_view v
    = gsl_matrix_const_view_array (pl->g->eigvec + k * d * d, d, d);
  gsl_matrix_view av = gsl_matrix_view_array (pl->av + k * m * d, m, d);
  gsl_matrix_view b = gsl_matrix_view_array (bbuf, m, d);
  gsl_matrix_view sv = gsl_matrix_view_array (asa, m, m);
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, &a.matrix, &v.matrix, 0.0,
                  &av.matrix);
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < d; j++)
      {
        size_t idx = k * m * d + i * d + j;
        bbuf[i * d + j] = pl->av[idx] * sqrt (gs1[j]);
        pl->gav[idx] = pl->av[idx] * pl->gjo[k * d + j];
      }
  gsl_blas_dsyrk (CblasLower, CblasNoTrans, 1.0, &b.matrix, 0.0, &sv.matrix);
  for (size_t i = 0; i < m; i++)
    for (size_t j = i + 1; j < m; j++)
      asa[i * m + j] = asa[j * m + i];
  if (!pl->lik)
    return GSL_SUCCESS;
  double *gk = pl->gchol + k * m * m;
  double s2 = pl->obs->sigma_y * pl->obs->sigma_y;
  memcpy (gk, asa, m * m * sizeof (double));
  for (size_t i = 0; i < m; i++)
    gk[i * m + i] += s2;
  return fc_guide_factor_sigma (m, gk, pl->nconst + k);
}

/* The per-call arrays, carved out of one allocation; those not needed get
   no room.  */
static int
fc_guide_plan_alloc (fc_guide_plan *pl)
{
  size_t d = pl->d, nk = pl->nk, m = pl->m;
  size_t nobs = m > 0 ? nk * m : 0, nlik = pl->lik ? nk : 0;
  double **slot[] = { &pl->lconst, &pl->inv_c, &pl->gjt, &pl->gjo,
                      &pl->gs1, &pl->bvel, &pl->av, &pl->gav, &pl->asa,
                      &pl->gchol, &pl->nconst, &pl->s1mat, &pl->jmat };
  const size_t len[] = { nk, nk * d, nk * d, nk * d, nk * d,
                         pl->need_vel ? nk * d : 0, nobs * d, nobs * d,
                         nobs * m, nlik * m * m, nlik,
                         pl->need_cov ? nk * d * d : 0,
                         pl->need_jac ? nk * d * d : 0 };
  pl->block = FC_CARVE (slot, len);
  if (pl->block == NULL)
    GSL_ERROR ("out of memory for the guidance constants", GSL_ENOMEM);
  return GSL_SUCCESS;
}

/* Every per-call constant.  */
int
fc_guide_plan_init (fc_guide_plan *pl)
{
  size_t d = pl->d, nk = pl->nk, m = pl->m;
  const fc_schedule_value *v = &pl->sv;
  double cnum = v->dalpha * v->sigma2 - v->alpha * v->sigma_dsigma;
  pl->alpha0 = v->alpha == 0.0;
  pl->scaled = v->alpha <= v->sigma;
  pl->gfac = pl->scaled ? v->alpha : 1.0;
  pl->cfac = pl->scaled ? cnum : cnum / v->alpha;
  int status = fc_guide_plan_alloc (pl);
  if (status)
    return status;
  status = fc_guide_plan_diag (pl);
  double *bbuf = m > 0 ? malloc (m * d * sizeof (double)) : NULL;
  if (status == GSL_SUCCESS && m > 0 && bbuf == NULL)
    status = GSL_ENOMEM;
  for (size_t k = 0; k < nk && status == GSL_SUCCESS; k++)
    {
      if (m > 0)
        status = fc_guide_plan_obs (pl, k, bbuf);
      if (pl->need_cov)
        fc_guide_vdvt (pl->g, k, pl->gs1 + k * d, pl->s1mat + k * d * d);
      if (pl->need_jac)
        fc_guide_vdvt (pl->g, k, pl->gjo + k * d, pl->jmat + k * d * d);
    }
  free (bbuf);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("out of memory for the guidance constants", GSL_ENOMEM);
  return status;
}

/* Common checks of the inputs: the mixture first, whose dimension the
   observation must have, then the observation, then the points.  */
int
fc_guide_check (const fc_gmm *g, const fc_obs *obs, size_t n, const double *x)
{
  if (g == NULL || !g->prepared)
    GSL_ERROR ("mixture is not prepared (fc_gmm_prepare)", GSL_EINVAL);
  if (obs != NULL)
    {
      int status = fc_obs_check (obs, g->dim);
      if (status)
        return status;
    }
  return fc_gmm_check_points (g, n, x);
}
