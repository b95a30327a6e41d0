/* src/fc_gmm.c -- Gaussian mixtures with full covariances: storage,
 * preparation (normalised weights, Cholesky factors, eigendecompositions),
 * density, score, responsibilities, sampling and moments.
 *
 * Affine images and conditioning live in fc_gmm_condition.c.  */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector.h>

#include "fc_chol.h"
#include "fc_gmm.h"
#include "fc_rng.h"

/* Points per work chunk of the batched kernels; any fixed size gives
   thread-independent results, since every point is computed alone.  */
#define FC_GMM_CHUNK 256

/* Symmetry and eigenvalue-sign checks accept 64 epsilons of the matrix
   scale: the round-off of a covariance assembled by a few products and
   sums, well below any genuine asymmetry or negative variance (fc_gmm.h). */
#define FC_GMM_SYM_EPS (64.0 * GSL_DBL_EPSILON)

/* ---------------------------------------------------------------- storage */

fc_gmm *
fc_gmm_alloc (size_t dim, size_t n_comp)
{
  if (dim == 0 || n_comp == 0)
    GSL_ERROR_NULL ("mixture needs dim > 0 and n_comp > 0", GSL_EDOM);
  if (dim > SIZE_MAX / dim / n_comp / sizeof (double))
    GSL_ERROR_NULL ("mixture too large", GSL_ENOMEM);

  fc_gmm *g = calloc (1, sizeof *g);
  if (g == NULL)
    GSL_ERROR_NULL ("cannot allocate mixture", GSL_ENOMEM);
  size_t kd = n_comp * dim, kdd = kd * dim;
  g->dim = dim;
  g->n_comp = n_comp;
  g->weight = calloc (n_comp, sizeof (double));
  g->log_weight = calloc (n_comp, sizeof (double));
  g->mean = calloc (kd, sizeof (double));
  g->cov = calloc (kdd, sizeof (double));
  g->chol = calloc (kdd, sizeof (double));
  g->log_det = calloc (n_comp, sizeof (double));
  g->eigval = calloc (kd, sizeof (double));
  g->eigvec = calloc (kdd, sizeof (double));
  g->eigvec_t = calloc (kdd, sizeof (double));
  g->mean_eig = calloc (kd, sizeof (double));
  if (!g->weight || !g->log_weight || !g->mean || !g->cov || !g->chol
      || !g->log_det || !g->eigval || !g->eigvec || !g->eigvec_t
      || !g->mean_eig)
    {
      fc_gmm_free (g);
      GSL_ERROR_NULL ("cannot allocate mixture", GSL_ENOMEM);
    }
  return g;
}

void
fc_gmm_free (fc_gmm *g)
{
  if (g == NULL)
    return;
  free (g->weight);
  free (g->log_weight);
  free (g->mean);
  free (g->cov);
  free (g->chol);
  free (g->log_det);
  free (g->eigval);
  free (g->eigvec);
  free (g->eigvec_t);
  free (g->mean_eig);
  free (g);
}

fc_gmm *
fc_gmm_clone (const fc_gmm *g)
{
  if (g == NULL)
    GSL_ERROR_NULL ("no mixture to clone", GSL_EINVAL);
  fc_gmm *c = fc_gmm_alloc (g->dim, g->n_comp);
  if (c == NULL)
    return NULL;
  size_t k = g->n_comp, kd = k * g->dim, kdd = kd * g->dim;
  memcpy (c->weight, g->weight, k * sizeof (double));
  memcpy (c->log_weight, g->log_weight, k * sizeof (double));
  memcpy (c->mean, g->mean, kd * sizeof (double));
  memcpy (c->cov, g->cov, kdd * sizeof (double));
  memcpy (c->chol, g->chol, kdd * sizeof (double));
  memcpy (c->log_det, g->log_det, k * sizeof (double));
  memcpy (c->eigval, g->eigval, kd * sizeof (double));
  memcpy (c->eigvec, g->eigvec, kdd * sizeof (double));
  memcpy (c->eigvec_t, g->eigvec_t, kdd * sizeof (double));
  memcpy (c->mean_eig, g->mean_eig, kd * sizeof (double));
  c->all_pd = g->all_pd;
  c->prepared = g->prepared;
  return c;
}

/* 1 when the D x D matrix C is symmetric to FC_GMM_SYM_EPS relative to its
   largest entry.  */
int
fc_gmm_cov_is_symmetric (size_t d, const double *c)
{
  double scale = 0.0;
  for (size_t i = 0; i < d * d; i++)
    scale = GSL_MAX (scale, fabs (c[i]));
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < i; j++)
      if (fabs (c[i * d + j] - c[j * d + i]) > FC_GMM_SYM_EPS * scale)
        return 0;
  return 1;
}

int
fc_gmm_set_component (fc_gmm *g, size_t k, double weight,
                      const double *mean, const double *cov)
{
  size_t d = g->dim;
  if (k >= g->n_comp)
    GSL_ERROR ("component index out of range", GSL_EINVAL);
  if (!(isfinite (weight) && weight > 0.0))
    GSL_ERROR ("component weight must be finite and > 0", GSL_EDOM);
  for (size_t i = 0; i < d; i++)
    if (!isfinite (mean[i]))
      GSL_ERROR ("component mean is not finite", GSL_EDOM);
  for (size_t i = 0; i < d * d; i++)
    if (!isfinite (cov[i]))
      GSL_ERROR ("component covariance is not finite", GSL_EDOM);
  if (!fc_gmm_cov_is_symmetric (d, cov))
    GSL_ERROR ("component covariance is not symmetric", GSL_EDOM);

  g->weight[k] = weight;
  memcpy (g->mean + k * d, mean, d * sizeof (double));
  /* Store the symmetric part, so that later factorisations, and a spec
     file written from this mixture, see an exactly symmetric matrix.  */
  double *s = g->cov + k * d * d;
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      s[i * d + j] = i == j ? cov[i * d + i]
                            : 0.5 * (cov[i * d + j] + cov[j * d + i]);
  g->prepared = 0;
  return GSL_SUCCESS;
}

/* -------------------------------------------------------------- prepare */

/* w_k / sum_j w_j, with the weights first divided by the largest so that
   neither huge nor tiny weights overflow or underflow the sum.  Weights
   that already sum to 1 within (K + 1) epsilon -- twice the round-off bound
   (K + 1) u of a sum of K normalised quotients -- are kept as they are: this
   makes normalisation idempotent, so that a mixture written as a spec file
   reads back bit for bit (fc_spec_write).  Log weights are the logs of the
   stored weights, for the same reason.  */
static void
fc_gmm_normalise_weights (fc_gmm *g)
{
  size_t n = g->n_comp;
  double wmax = 0.0, sum = 0.0, sum_raw = 0.0;
  for (size_t k = 0; k < n; k++)
    wmax = GSL_MAX (wmax, g->weight[k]);
  for (size_t k = 0; k < n; k++)
    {
      sum += g->weight[k] / wmax;
      sum_raw += g->weight[k];
    }
  int normalised = fabs (sum_raw - 1.0) <= (double) (n + 1) * GSL_DBL_EPSILON;
  for (size_t k = 0; k < n; k++)
    {
      double u = g->weight[k] / wmax;
      if (!normalised)
        g->weight[k] = u / sum;
      g->log_weight[k] = g->weight[k] > 0.0
                           ? log (g->weight[k])
                           : log (u) - log (sum);
    }
}

int
fc_gmm_cov_is_pd (size_t dim, const double *cov)
{
  double *l = malloc (dim * dim * sizeof (double));
  if (l == NULL)
    return 0;
  int pd = fc_chol_lower (dim, cov, l);
  free (l);
  return pd;
}

/* Eigendecomposition of component K with gsl_eigen_symmv, sorted by
   ascending eigenvalue.  A (D, D) and EVAL, EVEC are caller workspaces.
   Eigenvalues within 64 eps of the largest magnitude are round-off of a
   zero eigenvalue and are set to 0; below that, GSL_EDOM.  */
static int
fc_gmm_eigen_component (fc_gmm *g, size_t k, gsl_matrix *a, gsl_vector *eval,
                        gsl_matrix *evec, gsl_eigen_symmv_workspace *w)
{
  size_t d = g->dim;
  const double *s = g->cov + k * d * d;
  double *lam = g->eigval + k * d, *v = g->eigvec + k * d * d;
  double *vt = g->eigvec_t + k * d * d;

  memcpy (a->data, s, d * d * sizeof (double));
  int status = gsl_eigen_symmv (a, eval, evec, w);
  if (status)
    return status;
  gsl_eigen_symmv_sort (eval, evec, GSL_EIGEN_SORT_VAL_ASC);

  double scale = 0.0;
  for (size_t l = 0; l < d; l++)
    scale = GSL_MAX (scale, fabs (gsl_vector_get (eval, l)));
  for (size_t l = 0; l < d; l++)
    {
      double e = gsl_vector_get (eval, l);
      if (fabs (e) <= FC_GMM_SYM_EPS * scale)
        e = 0.0;
      else if (e < 0.0)
        GSL_ERROR ("covariance of a component is not positive semi-definite",
                   GSL_EDOM);
      lam[l] = e;
    }
  for (size_t i = 0; i < d; i++)
    for (size_t l = 0; l < d; l++)
      {
        v[i * d + l] = gsl_matrix_get (evec, i, l);
        vt[l * d + i] = v[i * d + l];
      }
  return GSL_SUCCESS;
}

/* 1 when every entry of the D x D matrix S is zero (a point mass): its
   decomposition is known without the eigensolver, which keeps mixtures of
   many point masses cheap to prepare.  */
static int
fc_gmm_is_zero (size_t d, const double *s)
{
  for (size_t i = 0; i < d * d; i++)
    if (s[i] != 0.0)
      return 0;
  return 1;
}

static void
fc_gmm_zero_component (fc_gmm *g, size_t k)
{
  size_t d = g->dim;
  double *v = g->eigvec + k * d * d, *vt = g->eigvec_t + k * d * d;
  memset (g->eigval + k * d, 0, d * sizeof (double));
  for (size_t i = 0; i < d * d; i++)
    v[i] = vt[i] = (i % (d + 1) == 0) ? 1.0 : 0.0;
}

/* Cholesky factor, log determinant and V^T mu of component K.  */
static void
fc_gmm_factor_component (fc_gmm *g, size_t k)
{
  size_t d = g->dim;
  double *l = g->chol + k * d * d;
  if (fc_chol_lower (d, g->cov + k * d * d, l))
    {
      double ld = 0.0;
      for (size_t i = 0; i < d; i++)
        ld += log (l[i * d + i]);
      g->log_det[k] = 2.0 * ld;
    }
  else
    {
      memset (l, 0, d * d * sizeof (double));
      g->log_det[k] = -INFINITY;
      g->all_pd = 0;
    }
  const double *vt = g->eigvec_t + k * d * d, *mu = g->mean + k * d;
  for (size_t l2 = 0; l2 < d; l2++)
    {
      double acc = 0.0;
      for (size_t i = 0; i < d; i++)
        acc += vt[l2 * d + i] * mu[i];
      g->mean_eig[k * d + l2] = acc;
    }
}

int
fc_gmm_prepare (fc_gmm *g)
{
  size_t d = g->dim;
  for (size_t k = 0; k < g->n_comp; k++)
    if (!(isfinite (g->weight[k]) && g->weight[k] > 0.0))
      GSL_ERROR ("component weight must be finite and > 0 "
                 "(was every component set?)", GSL_EDOM);

  gsl_matrix *a = gsl_matrix_alloc (d, d), *evec = gsl_matrix_alloc (d, d);
  gsl_vector *eval = gsl_vector_alloc (d);
  gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc (d);
  int status = GSL_SUCCESS;
  if (!a || !evec || !eval || !w)
    {
      status = GSL_ENOMEM;
      GSL_ERROR_VAL ("cannot allocate eigen workspace", GSL_ENOMEM, 0);
      goto done;
    }
  fc_gmm_normalise_weights (g);
  g->all_pd = 1;
  for (size_t k = 0; k < g->n_comp && status == GSL_SUCCESS; k++)
    {
      if (fc_gmm_is_zero (d, g->cov + k * d * d))
        fc_gmm_zero_component (g, k);
      else
        status = fc_gmm_eigen_component (g, k, a, eval, evec, w);
      if (status == GSL_SUCCESS)
        fc_gmm_factor_component (g, k);
    }
  g->prepared = status == GSL_SUCCESS;
done:
  gsl_eigen_symmv_free (w);
  gsl_vector_free (eval);
  gsl_matrix_free (evec);
  gsl_matrix_free (a);
  return status;
}

fc_gmm *
fc_gmm_finish (fc_gmm *g, int status)
{
  if (g != NULL && status == GSL_SUCCESS)
    status = fc_gmm_prepare (g);
  if (g == NULL || status != GSL_SUCCESS)
    {
      fc_gmm_free (g);
      return NULL;
    }
  return g;
}

int
fc_gmm_check_points (const fc_gmm *g, size_t n, const double *x)
{
  if (g == NULL || !g->prepared)
    GSL_ERROR ("mixture is not prepared (fc_gmm_prepare)", GSL_EINVAL);
  if (n > 0 && x == NULL)
    GSL_ERROR ("no points", GSL_EINVAL);
  for (size_t j = 0; j < n * g->dim; j++)
    if (!isfinite (x[j]))
      GSL_ERROR ("input point has a coordinate that is not finite",
                 GSL_EBADFUNC);
  return GSL_SUCCESS;
}

fc_gmm *
fc_gmm_point_masses (size_t dim, size_t n, const double *points,
                     const double *weights)
{
  fc_gmm *g = fc_gmm_alloc (dim, n);
  if (g == NULL)
    return NULL;
  double *zero = calloc (dim * dim, sizeof (double));
  if (zero == NULL)
    {
      fc_gmm_free (g);
      GSL_ERROR_NULL ("cannot allocate mixture", GSL_ENOMEM);
    }
  int status = GSL_SUCCESS;
  for (size_t k = 0; k < n && status == GSL_SUCCESS; k++)
    status = fc_gmm_set_component (g, k, weights ? weights[k] : 1.0,
                                   points + k * dim, zero);
  free (zero);
  return fc_gmm_finish (g, status);
}

/* ------------------------------------------------------ density kernels */

/* Per-thread workspace of the density kernels.  */
typedef struct
{
  double *lp;  /* (K) log w_k + log N(x; mu_k, S_k) */
  double *z;   /* (K, D) L_k^{-1} (x - mu_k) */
} fc_gmm_work;

/* Component terms at one point X: LP[k] = log w_k + log N(x; mu_k, S_k)
   and Z[k] = L_k^{-1} (x - mu_k) by forward substitution on the stored
   factor (a triangular solve, no inverse).  Returns log q(x) by log-sum-exp
   shifted by the largest term.  */
static double
fc_gmm_point_terms (const fc_gmm *g, const double *x, double *lp, double *z)
{
  size_t d = g->dim;
  double lmax = -INFINITY;
  for (size_t k = 0; k < g->n_comp; k++)
    {
      const double *l = g->chol + k * d * d, *mu = g->mean + k * d;
      double *zk = z + k * d, quad = 0.0;
      for (size_t i = 0; i < d; i++)
        {
          double acc = x[i] - mu[i];
          for (size_t j = 0; j < i; j++)
            acc -= l[i * d + j] * zk[j];
          zk[i] = acc / l[i * d + i];
          quad += zk[i] * zk[i];
        }
      lp[k] = g->log_weight[k]
              - 0.5 * ((double) d * log (2.0 * M_PI) + g->log_det[k] + quad);
      lmax = GSL_MAX (lmax, lp[k]);
    }
  if (!isfinite (lmax))
    return lmax;
  double sum = 0.0;
  for (size_t k = 0; k < g->n_comp; k++)
    sum += exp (lp[k] - lmax);
  return lmax + log (sum);
}

/* grad log q(x) = -sum_k r_k(x) S_k^{-1} (x - mu_k), with S_k^{-1}(x - mu_k)
   = L_k^{-T} z_k by back substitution.  */
static void
fc_gmm_point_score (const fc_gmm *g, const double *lp, double lse, double *z,
                    double *score)
{
  size_t d = g->dim;
  for (size_t i = 0; i < d; i++)
    score[i] = 0.0;
  for (size_t k = 0; k < g->n_comp; k++)
    {
      double r = exp (lp[k] - lse);
      const double *l = g->chol + k * d * d;
      double *zk = z + k * d;
      for (size_t i = d; i-- > 0;)
        {
          double acc = zk[i];
          for (size_t j = i + 1; j < d; j++)
            acc -= l[j * d + i] * zk[j];
          zk[i] = acc / l[i * d + i];
          score[i] -= r * zk[i];
        }
    }
}

enum fc_gmm_kind { FC_GMM_LOGP, FC_GMM_SCORE, FC_GMM_RESP };

static void
fc_gmm_point (const fc_gmm *g, enum fc_gmm_kind kind, const double *x,
              double *out, fc_gmm_work *w)
{
  double lse = fc_gmm_point_terms (g, x, w->lp, w->z);
  if (kind == FC_GMM_LOGP)
    *out = lse;
  else if (kind == FC_GMM_SCORE)
    fc_gmm_point_score (g, w->lp, lse, w->z, out);
  else
    for (size_t k = 0; k < g->n_comp; k++)
      out[k] = exp (w->lp[k] - lse);
}

/* The batched driver of the three density quantities: OpenMP over fixed
   chunks of points, one workspace per thread, so each point's result is
   the same whatever the thread count.  */
static int
fc_gmm_batch (const fc_gmm *g, enum fc_gmm_kind kind, size_t n,
              const double *x, double *out)
{
  if (!g->prepared)
    GSL_ERROR ("mixture not prepared (call fc_gmm_prepare)", GSL_EINVAL);
  if (!g->all_pd)
    GSL_ERROR ("mixture has a singular component: no density", GSL_EDOM);
  size_t d = g->dim, nk = g->n_comp;
  size_t stride = kind == FC_GMM_LOGP ? 1 : kind == FC_GMM_SCORE ? d : nk;
  size_t n_chunks = (n + FC_GMM_CHUNK - 1) / FC_GMM_CHUNK;
  int failed = 0;

#pragma omp parallel if (n_chunks > 1)
  {
    fc_gmm_work w;
    w.lp = malloc (nk * sizeof (double));
    w.z = malloc (nk * d * sizeof (double));
    if (w.lp == NULL || w.z == NULL)
      {
#pragma omp atomic write
        failed = 1;
      }
#pragma omp for schedule(static)
    for (size_t c = 0; c < n_chunks; c++)
      {
        size_t i1 = GSL_MIN ((c + 1) * FC_GMM_CHUNK, n);
        for (size_t i = c * FC_GMM_CHUNK; i < i1 && w.lp && w.z; i++)
          fc_gmm_point (g, kind, x + i * d, out + i * stride, &w);
      }
    free (w.lp);
    free (w.z);
  }
  if (failed)
    GSL_ERROR ("cannot allocate density workspace", GSL_ENOMEM);
  return GSL_SUCCESS;
}

int
fc_gmm_log_density (const fc_gmm *g, size_t n, const double *x, double *logp)
{
  return fc_gmm_batch (g, FC_GMM_LOGP, n, x, logp);
}

int
fc_gmm_score (const fc_gmm *g, size_t n, const double *x, double *score)
{
  return fc_gmm_batch (g, FC_GMM_SCORE, n, x, score);
}

int
fc_gmm_responsibilities (const fc_gmm *g, size_t n, const double *x,
                         double *resp)
{
  return fc_gmm_batch (g, FC_GMM_RESP, n, x, resp);
}

/* ------------------------------------------------------------- sampling */

/* One draw from component K into X with standard normals Z (D): mu + L z
   for a positive-definite component, mu + V diag(sqrt(lambda)) z for a
   singular one (the factor L does not exist; V sqrt(lambda) has the same
   covariance).  */
static void
fc_gmm_draw_component (const fc_gmm *g, size_t k, const double *z, double *x)
{
  size_t d = g->dim;
  const double *mu = g->mean + k * d;
  if (isfinite (g->log_det[k]))
    {
      const double *l = g->chol + k * d * d;
      for (size_t i = 0; i < d; i++)
        {
          double acc = mu[i];
          for (size_t j = 0; j <= i; j++)
            acc += l[i * d + j] * z[j];
          x[i] = acc;
        }
      return;
    }
  const double *v = g->eigvec + k * d * d, *lam = g->eigval + k * d;
  for (size_t i = 0; i < d; i++)
    {
      double acc = mu[i];
      for (size_t l2 = 0; l2 < d; l2++)
        acc += v[i * d + l2] * sqrt (lam[l2]) * z[l2];
      x[i] = acc;
    }
}

/* Samples [c * FC_RNG_CHUNK, end) from stream (SEED, c).  */
static void
fc_gmm_sample_chunk (const fc_gmm *g, const gsl_ran_discrete_t *table,
                     gsl_rng *r, unsigned long seed, size_t c, size_t n,
                     double *z, double *x)
{
  size_t d = g->dim;
  size_t i1 = GSL_MIN ((c + 1) * FC_RNG_CHUNK, n);
  fc_rng_reseed (r, seed, (unsigned long) c);
  for (size_t i = c * FC_RNG_CHUNK; i < i1; i++)
    {
      size_t k = gsl_ran_discrete (r, table);
      fc_rng_gaussian_batch (r, d, z);
      fc_gmm_draw_component (g, k, z, x + i * d);
    }
}

int
fc_gmm_sample (const fc_gmm *g, unsigned long seed, size_t n, double *x)
{
  if (!g->prepared)
    GSL_ERROR ("mixture not prepared (call fc_gmm_prepare)", GSL_EINVAL);
  gsl_ran_discrete_t *table = gsl_ran_discrete_preproc (g->n_comp, g->weight);
  if (table == NULL)
    GSL_ERROR ("cannot build component table", GSL_ENOMEM);
  size_t n_chunks = (n + FC_RNG_CHUNK - 1) / FC_RNG_CHUNK;
  int failed = 0;

#pragma omp parallel if (n_chunks > 1)
  {
    gsl_rng *r = gsl_rng_alloc (fc_rng_mt19937);
    double *z = malloc (g->dim * sizeof (double));
    if (r == NULL || z == NULL)
      {
#pragma omp atomic write
        failed = 1;
      }
#pragma omp for schedule(static)
    for (size_t c = 0; c < n_chunks; c++)
      if (r != NULL && z != NULL)
        fc_gmm_sample_chunk (g, table, r, seed, c, n, z, x);
    free (z);
    gsl_rng_free (r);
  }
  gsl_ran_discrete_free (table);
  if (failed)
    GSL_ERROR ("cannot allocate sampling workspace", GSL_ENOMEM);
  return GSL_SUCCESS;
}

/* -------------------------------------------------------------- moments */

/* Mean m = sum_k w_k mu_k and covariance sum_k w_k (S_k + (mu_k - m)
   (mu_k - m)^T): the law of total covariance, centred at m so that no
   large second moment cancels against m m^T.  */
int
fc_gmm_moments (const fc_gmm *g, double *mean, double *cov)
{
  if (!g->prepared)
    GSL_ERROR ("mixture not prepared (call fc_gmm_prepare)", GSL_EINVAL);
  size_t d = g->dim;
  for (size_t i = 0; i < d; i++)
    {
      mean[i] = 0.0;
      for (size_t k = 0; k < g->n_comp; k++)
        mean[i] += g->weight[k] * g->mean[k * d + i];
    }
  for (size_t i = 0; i < d * d; i++)
    cov[i] = 0.0;
  for (size_t k = 0; k < g->n_comp; k++)
    {
      const double *mu = g->mean + k * d, *s = g->cov + k * d * d;
      double w = g->weight[k];
      for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
          cov[i * d + j] += w * (s[i * d + j]
                                 + (mu[i] - mean[i]) * (mu[j] - mean[j]));
    }
  return GSL_SUCCESS;
}

int
fc_gmm_fourth_moments (const fc_gmm *g, const double *mean, double *m4)
{
  if (!g->prepared)
    GSL_ERROR ("mixture not prepared (call fc_gmm_prepare)", GSL_EINVAL);
  size_t d = g->dim;
  for (size_t i = 0; i < d; i++)
    {
      m4[i] = 0.0;
      for (size_t k = 0; k < g->n_comp; k++)
        {
          double dm = g->mean[k * d + i] - mean[i];
          double v = g->cov[(k * d + i) * d + i];
          m4[i] += g->weight[k] * (dm * dm * dm * dm + 6.0 * dm * dm * v
                                   + 3.0 * v * v);
        }
    }
  return GSL_SUCCESS;
}
