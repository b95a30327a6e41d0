/* src/fc_wasserstein.c -- W2^2 between Gaussians and the Gelbrich bound
 * between mixtures (fc_wasserstein.h; claim B6's Benamou-Brenier lower
 * bound, N §What we need to do).
 *
 * The cross term needs only eigenvalues: with R = S1^{1/2},
 * tr((R S2 R)^{1/2}) = sum_i sqrt(lambda_i(R S2 R)), so one square root
 * (of S1, by gsl_eigen_symmv) and one symmetric eigenvalue problem
 * (gsl_eigen_symm) suffice; no matrix square root of the product is
 * formed.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_matrix.h>

#include "fc_wasserstein.h"

/* A negative eigenvalue of a covariance is round-off when it is above
   -PSD_SLACK eps times the largest eigenvalue magnitude: the bound
   fc_gmm_prepare uses (fc_gmm.h), so a covariance accepted there is
   accepted here.  */
#define PSD_SLACK 64.0

/* Workspace for one call.  */
typedef struct
{
  size_t d;
  gsl_matrix *a;      /* scratch copy (the eigensolvers destroy input) */
  gsl_matrix *v;      /* eigenvectors */
  gsl_matrix *r;      /* S1^{1/2} */
  gsl_matrix *t;      /* R S2 */
  gsl_vector *eval;
  gsl_eigen_symmv_workspace *wv;
  gsl_eigen_symm_workspace *w;
} fc_w2_work;

/* The GSL free functions do nothing with NULL, so a partly allocated
   workspace is freed the same way.  */
static void
fc_w2_work_free (fc_w2_work *w)
{
  gsl_matrix_free (w->a);
  gsl_matrix_free (w->v);
  gsl_matrix_free (w->r);
  gsl_matrix_free (w->t);
  gsl_vector_free (w->eval);
  gsl_eigen_symmv_free (w->wv);
  gsl_eigen_symm_free (w->w);
}

static int
fc_w2_work_alloc (fc_w2_work *w, size_t d)
{
  w->d = d;
  w->a = gsl_matrix_alloc (d, d);
  w->v = gsl_matrix_alloc (d, d);
  w->r = gsl_matrix_alloc (d, d);
  w->t = gsl_matrix_alloc (d, d);
  w->eval = gsl_vector_alloc (d);
  w->wv = gsl_eigen_symmv_alloc (d);
  w->w = gsl_eigen_symm_alloc (d);
  if (w->a && w->v && w->r && w->t && w->eval && w->wv && w->w)
    return GSL_SUCCESS;
  fc_w2_work_free (w);
  GSL_ERROR ("cannot allocate W2 workspace", GSL_ENOMEM);
}

/* 1 when every entry of the D x D COV is finite and COV is symmetric to
   PSD_SLACK eps relative to its largest entry (the fc_gmm.h rule).  */
static int
fc_w2_cov_ok (size_t d, const double *cov)
{
  double big = 0.0;
  for (size_t i = 0; i < d * d; i++)
    {
      if (!isfinite (cov[i]))
        return 0;
      big = GSL_MAX (big, fabs (cov[i]));
    }
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < i; j++)
      if (fabs (cov[i * d + j] - cov[j * d + i])
          > PSD_SLACK * GSL_DBL_EPSILON * big)
        return 0;
  return 1;
}

/* Load the symmetric part of COV into A.  */
static void
fc_w2_load_sym (size_t d, const double *cov, gsl_matrix *a)
{
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      gsl_matrix_set (a, i, j, 0.5 * (cov[i * d + j] + cov[j * d + i]));
}

/* Clamp the eigenvalues in EVAL at 0 after checking that none is below
   -PSD_SLACK eps * (largest magnitude): GSL_EDOM otherwise.  */
static int
fc_w2_clamp_psd (gsl_vector *eval)
{
  double big = 0.0;
  for (size_t i = 0; i < eval->size; i++)
    big = GSL_MAX (big, fabs (gsl_vector_get (eval, i)));
  for (size_t i = 0; i < eval->size; i++)
    {
      double l = gsl_vector_get (eval, i);
      if (l < -PSD_SLACK * GSL_DBL_EPSILON * big)
        GSL_ERROR ("covariance is not positive semi-definite", GSL_EDOM);
      gsl_vector_set (eval, i, GSL_MAX (l, 0.0));
    }
  return GSL_SUCCESS;
}

/* W->r = S1^{1/2} = V diag(sqrt(lambda)) V^T; also checks S2 is PSD.  */
static int
fc_w2_sqrt_s1 (fc_w2_work *w, const double *s1, const double *s2)
{
  size_t d = w->d;
  fc_w2_load_sym (d, s2, w->a);
  gsl_eigen_symm (w->a, w->eval, w->w);
  int status = fc_w2_clamp_psd (w->eval);
  if (status != GSL_SUCCESS)
    return status;
  fc_w2_load_sym (d, s1, w->a);
  gsl_eigen_symmv (w->a, w->eval, w->v, w->wv);
  status = fc_w2_clamp_psd (w->eval);
  if (status != GSL_SUCCESS)
    return status;
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      {
        double acc = 0.0;
        for (size_t p = 0; p < d; p++)
          acc += gsl_matrix_get (w->v, i, p)
                 * sqrt (gsl_vector_get (w->eval, p))
                 * gsl_matrix_get (w->v, j, p);
        gsl_matrix_set (w->r, i, j, acc);
      }
  return GSL_SUCCESS;
}

/* sum_i sqrt(lambda_i(R S2 R)), R = W->r: the fidelity term.  */
static int
fc_w2_cross (fc_w2_work *w, const double *s2, double *cross)
{
  size_t d = w->d;
  fc_w2_load_sym (d, s2, w->a);
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, w->r, w->a, 0.0, w->t);
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, w->t, w->r, 0.0, w->a);
  /* R S2 R is symmetric in exact arithmetic; symmetrise the round-off
     before the symmetric solver reads only one triangle.  */
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < i; j++)
      {
        double m = 0.5 * (gsl_matrix_get (w->a, i, j)
                          + gsl_matrix_get (w->a, j, i));
        gsl_matrix_set (w->a, i, j, m);
        gsl_matrix_set (w->a, j, i, m);
      }
  gsl_eigen_symm (w->a, w->eval, w->w);
  int status = fc_w2_clamp_psd (w->eval);
  if (status != GSL_SUCCESS)
    return status;
  double s = 0.0;
  for (size_t i = 0; i < d; i++)
    s += sqrt (gsl_vector_get (w->eval, i));
  *cross = s;
  return GSL_SUCCESS;
}

int
fc_w2sq_gaussian (size_t dim, const double *mean1, const double *cov1,
                  const double *mean2, const double *cov2, double *w2sq)
{
  if (mean1 == NULL || cov1 == NULL || mean2 == NULL || cov2 == NULL
      || w2sq == NULL)
    GSL_ERROR ("NULL argument", GSL_EINVAL);
  if (dim == 0)
    GSL_ERROR ("dimension must be > 0", GSL_EDOM);
  double dm2 = 0.0, tr = 0.0;
  for (size_t i = 0; i < dim; i++)
    {
      double dm = mean1[i] - mean2[i];
      if (!isfinite (dm))
        GSL_ERROR ("mean is not finite", GSL_EDOM);
      dm2 += dm * dm;
      tr += cov1[i * dim + i] + cov2[i * dim + i];
    }
  if (!fc_w2_cov_ok (dim, cov1) || !fc_w2_cov_ok (dim, cov2))
    GSL_ERROR ("covariance is not finite and symmetric", GSL_EDOM);
  fc_w2_work w;
  int status = fc_w2_work_alloc (&w, dim);
  if (status != GSL_SUCCESS)
    return status;
  double cross = 0.0;
  status = fc_w2_sqrt_s1 (&w, cov1, cov2);
  if (status == GSL_SUCCESS)
    status = fc_w2_cross (&w, cov2, &cross);
  fc_w2_work_free (&w);
  if (status != GSL_SUCCESS)
    return status;
  /* The Bures term is >= 0 exactly; a negative value is cancellation in
     tr S1 + tr S2 - 2 cross (e.g. S1 = S2), so it is clamped at 0.  */
  *w2sq = dm2 + GSL_MAX (tr - 2.0 * cross, 0.0);
  return GSL_SUCCESS;
}

int
fc_w2sq_gelbrich (const fc_gmm *a, const fc_gmm *b, double *w2sq)
{
  if (a == NULL || b == NULL || w2sq == NULL)
    GSL_ERROR ("NULL argument", GSL_EINVAL);
  if (a->dim != b->dim)
    GSL_ERROR ("mixtures have different dimensions", GSL_EBADLEN);
  size_t d = a->dim;
  double *buf = malloc ((2 * d + 2 * d * d) * sizeof (double));
  if (buf == NULL)
    GSL_ERROR ("cannot allocate moments", GSL_ENOMEM);
  double *ma = buf, *mb = buf + d, *ca = buf + 2 * d, *cb = ca + d * d;
  int status = fc_gmm_moments (a, ma, ca);
  if (status == GSL_SUCCESS)
    status = fc_gmm_moments (b, mb, cb);
  if (status == GSL_SUCCESS)
    status = fc_w2sq_gaussian (d, ma, ca, mb, cb, w2sq);
  free (buf);
  return status;
}
