/* src/fc_gmm_condition.c -- affine images and linear-Gaussian conditioning
 * of Gaussian mixtures.
 *
 * Both act component by component: an affine map of a Gaussian is Gaussian,
 * and so is a Gaussian conditioned on a linear observation with Gaussian
 * noise; only the weights of the posterior mix the components, through the
 * evidence of each one (fc_gmm.h).  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "fc_gmm.h"

/* Replace the M x M matrix C by its symmetric part: products such as
   A S A^T are symmetric in exact arithmetic only, and fc_gmm_set_component
   checks symmetry.  */
static void
fc_gmm_symmetrise (size_t m, double *c)
{
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < i; j++)
      c[i * m + j] = c[j * m + i] = 0.5 * (c[i * m + j] + c[j * m + i]);
}

/* Workspace of one affine or conditioning call (D = g->dim, m rows).  */
typedef struct
{
  gsl_matrix *as;   /* (m, D) A S_k */
  gsl_matrix *gk;   /* (m, m) A S_k A^T + noise I, then its Cholesky factor */
  gsl_matrix *sk;   /* (D, D) S'_k, and the Cholesky factor of M_k */
  gsl_matrix *f;    /* (D, D) F_k = V_k diag(sqrt(lambda_k)), then F R^{-T} */
  gsl_matrix *b;    /* (m, D) A F_k */
  gsl_vector *mu;   /* (D) mu'_k */
  gsl_vector *q;    /* (D) R^{-1} B^T (y - A mu_k), for mu'_k */
  gsl_vector *r;    /* (m) A mu_k + b, or the residual y - A mu_k */
  gsl_matrix *st;   /* (m + D, D) [B; sigma_y I], then its QR factors */
  gsl_vector *tau;  /* (D) Householder coefficients of that QR */
  gsl_vector *qt;   /* (m + D) Q^T [y - A mu_k; 0] */
} fc_gmm_cwork;

static void
fc_gmm_cwork_free (fc_gmm_cwork *w)
{
  gsl_matrix_free (w->as);
  gsl_matrix_free (w->gk);
  gsl_matrix_free (w->sk);
  gsl_matrix_free (w->f);
  gsl_matrix_free (w->b);
  gsl_vector_free (w->mu);
  gsl_vector_free (w->q);
  gsl_vector_free (w->r);
  gsl_matrix_free (w->st);
  gsl_vector_free (w->tau);
  gsl_vector_free (w->qt);
}

static int
fc_gmm_cwork_alloc (fc_gmm_cwork *w, size_t d, size_t m)
{
  w->as = gsl_matrix_alloc (m, d);
  w->gk = gsl_matrix_alloc (m, m);
  w->sk = gsl_matrix_alloc (d, d);
  w->f = gsl_matrix_alloc (d, d);
  w->b = gsl_matrix_alloc (m, d);
  w->mu = gsl_vector_alloc (d);
  w->q = gsl_vector_alloc (d);
  w->r = gsl_vector_alloc (m);
  w->st = gsl_matrix_alloc (m + d, d);
  w->tau = gsl_vector_alloc (d);
  w->qt = gsl_vector_alloc (m + d);
  if (!w->as || !w->gk || !w->sk || !w->f || !w->b || !w->mu || !w->q
      || !w->r || !w->st || !w->tau || !w->qt)
    {
      fc_gmm_cwork_free (w);
      return GSL_ENOMEM;
    }
  return GSL_SUCCESS;
}

/* W->gk = A S_k A^T + NOISE I and W->as = A S_k, W->r = A mu_k.  */
static void
fc_gmm_push_component (const fc_gmm *g, size_t k, gsl_matrix_const_view a,
                       double noise, fc_gmm_cwork *w)
{
  size_t d = g->dim;
  gsl_matrix_const_view s = gsl_matrix_const_view_array (g->cov + k * d * d,
                                                         d, d);
  gsl_vector_const_view mu = gsl_vector_const_view_array (g->mean + k * d, d);
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, &a.matrix, &s.matrix, 0.0,
                  w->as);
  gsl_blas_dgemm (CblasNoTrans, CblasTrans, 1.0, w->as, &a.matrix, 0.0,
                  w->gk);
  fc_gmm_symmetrise (w->gk->size1, w->gk->data);
  for (size_t i = 0; i < w->gk->size1; i++)
    *gsl_matrix_ptr (w->gk, i, i) += noise;
  gsl_blas_dgemv (CblasNoTrans, 1.0, &a.matrix, &mu.vector, 0.0, w->r);
}

static int
fc_gmm_check_map (const fc_gmm *g, size_t m, const double *a)
{
  if (m == 0)
    GSL_ERROR ("observation dimension must be > 0", GSL_EDOM);
  for (size_t i = 0; i < m * g->dim; i++)
    if (!isfinite (a[i]))
      GSL_ERROR ("matrix A is not finite", GSL_EDOM);
  return GSL_SUCCESS;
}

fc_gmm *
fc_gmm_affine (const fc_gmm *g, size_t m, const double *a, const double *b,
               double noise_var)
{
  if (fc_gmm_check_map (g, m, a))
    return NULL;
  if (!(isfinite (noise_var) && noise_var >= 0.0))
    GSL_ERROR_NULL ("noise variance must be finite and >= 0", GSL_EDOM);
  fc_gmm *out = fc_gmm_alloc (m, g->n_comp);
  fc_gmm_cwork w;
  if (out == NULL)
    return NULL;
  if (fc_gmm_cwork_alloc (&w, g->dim, m))
    {
      fc_gmm_free (out);
      GSL_ERROR_NULL ("cannot allocate affine workspace", GSL_ENOMEM);
    }
  gsl_matrix_const_view av = gsl_matrix_const_view_array (a, m, g->dim);
  int status = GSL_SUCCESS;
  for (size_t k = 0; k < g->n_comp && status == GSL_SUCCESS; k++)
    {
      fc_gmm_push_component (g, k, av, noise_var, &w);
      if (b != NULL)
        for (size_t i = 0; i < m; i++)
          w.r->data[i] += b[i];
      status = fc_gmm_set_component (out, k, g->weight[k], w.r->data,
                                     w.gk->data);
    }
  fc_gmm_cwork_free (&w);
  return fc_gmm_finish (out, status);
}

/* The posterior mean and covariance of component K in square-root form.
   With S = F F^T (F = V diag(sqrt(lambda)) from fc_gmm_prepare), B = A F
   and M = sigma_y^2 I + B^T B = R R^T (Cholesky),
     S A^T G^{-1} = F B^T (B B^T + sigma_y^2 I)^{-1} = F M^{-1} B^T,
     mu' = mu + (F R^{-T}) (R^{-1} B^T (y - A mu)),
     S' = S - S A^T G^{-1} A S = sigma_y^2 F M^{-1} F^T = (sigma F R^{-T})
     (sigma F R^{-T})^T
   (push-through identity).  The factor R is not taken from M formed
   explicitly: along the directions B does not see, B^T B holds only
   round-off of size eps |B|^2 while M's true eigenvalue is sigma_y^2, so
   forming M and factorising it errs by eps |B|^2 / sigma_y^2 relative (a
   posterior covariance wrong by 0.3 at sigma_y = 1e-8 with m < D).
   Instead R^T comes from the QR factorisation of the stacked
   [B; sigma_y I] (gsl_linalg_QR_decomp), whose R^T R = M without squaring
   anything: the error in those directions falls to eps |B| / sigma_y.
   The textbook difference S - W^T W loses the
   positive semi-definiteness of S' to cancellation when sigma_y is small
   or S is singular (its null directions come out slightly negative, and
   fc_gmm_prepare refuses them); the product form is PSD by construction,
   and exactly singular where S is.  The mean through G^{-1} loses digits
   in proportion to cond(G) ~ |A S A^T| / sigma_y^2 (a relative error of
   1e-4 at sigma_y = 4e-8 for a singular S), while M is singular only along
   the null space of S, which F removes exactly.  W->r holds y - A mu on
   entry; results in W->mu and W->sk.  */
static int
fc_gmm_posterior (const fc_gmm *g, size_t k, gsl_matrix_const_view a,
                  double var_y, fc_gmm_cwork *w)
{
  size_t d = g->dim;
  const double *v = g->eigvec + k * d * d, *lam = g->eigval + k * d;
  for (size_t i = 0; i < d; i++)
    for (size_t l = 0; l < d; l++)
      gsl_matrix_set (w->f, i, l, v[i * d + l] * sqrt (lam[l]));
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, &a.matrix, w->f, 0.0,
                  w->b);
  size_t m = w->b->size1;
  gsl_matrix_set_zero (w->st);
  gsl_matrix_view top = gsl_matrix_submatrix (w->st, 0, 0, m, d);
  gsl_matrix_memcpy (&top.matrix, w->b);
  for (size_t i = 0; i < d; i++)
    gsl_matrix_set (w->st, m + i, i, sqrt (var_y));
  int status = gsl_linalg_QR_decomp (w->st, w->tau);
  if (status)
    return status;
  /* W->sk = R^T, lower triangular: M = R^T R = W->sk W->sk^T.  */
  for (size_t i = 0; i < d; i++)
    for (size_t l = 0; l < d; l++)
      gsl_matrix_set (w->sk, i, l, l <= i ? gsl_matrix_get (w->st, l, i) : 0.0);
  gsl_blas_dtrsm (CblasRight, CblasLower, CblasTrans, CblasNonUnit, 1.0,
                  w->sk, w->f);
  /* R^{-T} B^T r = R^{-T} [B; sigma I]^T [r; 0] = (Q^T [r; 0])_{0..D-1}:
     read off the QR factors instead of solving with the ill-conditioned
     R^T, so the mean meets R's conditioning |B| / sigma_y once, not
     twice (the regularised least-squares problem min |B u - r|^2 +
     sigma_y^2 |u|^2 solved by QR rather than by its normal equations).  */
  gsl_vector_set_zero (w->qt);
  for (size_t i = 0; i < m; i++)
    gsl_vector_set (w->qt, i, gsl_vector_get (w->r, i));
  status = gsl_linalg_QR_QTvec (w->st, w->tau, w->qt);
  if (status)
    return status;
  for (size_t i = 0; i < d; i++)
    gsl_vector_set (w->q, i, gsl_vector_get (w->qt, i));
  memcpy (w->mu->data, g->mean + k * d, d * sizeof (double));
  gsl_blas_dgemv (CblasNoTrans, 1.0, w->f, w->q, 1.0, w->mu);
  gsl_blas_dgemm (CblasNoTrans, CblasTrans, var_y, w->f, w->f, 0.0, w->sk);
  fc_gmm_symmetrise (d, w->sk->data);
  return GSL_SUCCESS;
}

/* Condition component K on y: mu' and S' by fc_gmm_posterior; with
   G = L L^T (Cholesky of A S A^T + sigma_y^2 I) and u = L^{-1} (y - A mu),
     log N(y; A mu, G) = -(m log 2 pi + log det G + |u|^2) / 2,
   written with a triangular solve only.  Returns the log evidence of the
   component in *LOG_EV.  */
static int
fc_gmm_condition_component (const fc_gmm *g, size_t k,
                            gsl_matrix_const_view a, const double *y,
                            double var_y, fc_gmm_cwork *w, double *log_ev)
{
  size_t m = w->r->size;
  fc_gmm_push_component (g, k, a, var_y, w);
  for (size_t i = 0; i < m; i++)
    w->r->data[i] = y[i] - w->r->data[i];
  int status = fc_gmm_posterior (g, k, a, var_y, w);
  if (status)
    return status;
  status = gsl_linalg_cholesky_decomp1 (w->gk);
  if (status)
    return status;
  gsl_blas_dtrsv (CblasLower, CblasNoTrans, CblasNonUnit, w->gk, w->r);

  double log_det = 0.0, quad = 0.0;
  for (size_t i = 0; i < m; i++)
    {
      log_det += 2.0 * log (gsl_matrix_get (w->gk, i, i));
      quad += w->r->data[i] * w->r->data[i];
    }
  *log_ev = -0.5 * ((double) m * log (2.0 * M_PI) + log_det + quad);
  return GSL_SUCCESS;
}

/* Posterior weights w_k N(y; A mu_k, G_k) from log terms LW (K), scaled by
   the largest so the biggest is 1.  A weight below DBL_MIN relative to the
   largest is raised to DBL_MIN: it keeps one posterior component per prior
   component (fc_gmm_set_component needs weights > 0) and moves less than
   K * DBL_MIN of relative mass.  */
static void
fc_gmm_posterior_weights (size_t n, double *lw)
{
  double lmax = -INFINITY;
  for (size_t k = 0; k < n; k++)
    lmax = GSL_MAX (lmax, lw[k]);
  for (size_t k = 0; k < n; k++)
    lw[k] = GSL_MAX (exp (lw[k] - lmax), GSL_DBL_MIN);
}

fc_gmm *
fc_gmm_condition (const fc_gmm *g, size_t m, const double *a, const double *y,
                  double sigma_y)
{
  if (!(isfinite (sigma_y) && sigma_y > 0.0))
    GSL_ERROR_NULL ("sigma_y must be finite and > 0", GSL_EDOM);
  if (!g->prepared)
    GSL_ERROR_NULL ("mixture not prepared (call fc_gmm_prepare)", GSL_EINVAL);
  if (fc_gmm_check_map (g, m, a))
    return NULL;
  for (size_t i = 0; i < m; i++)
    if (!isfinite (y[i]))
      GSL_ERROR_NULL ("observation y is not finite", GSL_EDOM);

  size_t nk = g->n_comp;
  fc_gmm *out = fc_gmm_alloc (g->dim, nk);
  double *lw = malloc (nk * sizeof (double));
  fc_gmm_cwork w;
  if (out == NULL || lw == NULL || fc_gmm_cwork_alloc (&w, g->dim, m))
    {
      fc_gmm_free (out);
      free (lw);
      GSL_ERROR_NULL ("cannot allocate conditioning workspace", GSL_ENOMEM);
    }
  gsl_matrix_const_view av = gsl_matrix_const_view_array (a, m, g->dim);
  int status = GSL_SUCCESS;
  for (size_t k = 0; k < nk && status == GSL_SUCCESS; k++)
    {
      double log_ev = 0.0;
      status = fc_gmm_condition_component (g, k, av, y, sigma_y * sigma_y,
                                           &w, &log_ev);
      lw[k] = g->log_weight[k] + log_ev;
      if (status == GSL_SUCCESS)
        status = fc_gmm_set_component (out, k, 1.0, w.mu->data, w.sk->data);
    }
  /* On failure lw is only partly filled; its weights are never used.  */
  if (status == GSL_SUCCESS)
    fc_gmm_posterior_weights (nk, lw);
  for (size_t k = 0; k < nk && status == GSL_SUCCESS; k++)
    out->weight[k] = lw[k];
  fc_gmm_cwork_free (&w);
  free (lw);
  return fc_gmm_finish (out, status);
}
