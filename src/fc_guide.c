/* src/fc_guide.c -- exact and approximate guidance quantities for a mixture
 * prior and a linear-Gaussian observation (fc_guide.h).
 *
 * Derivations (canonical convention, DERIVATIONS.md "Conventions").
 *
 * Component posteriors.  Given k, (x1, x_t) is Gaussian: x1 ~ N(mu_k, S_k),
 * x_t | x1 ~ N(alpha x1, sigma^2 I), so x1 | x_t = x, k is Gaussian with
 * mean m1_k(x) and covariance Sigma1_k as in fc_guide.h.  In the eigenbasis
 * of S_k every matrix is diagonal: J_k = V diag(alpha lambda/c) V^T and
 * Sigma1_k = V diag(lambda - alpha^2 lambda^2/c) V^T
 * = V diag(lambda sigma^2/c) V^T, which is why J_k = (alpha/sigma^2) Sigma1_k.  Also
 * alpha m1_k = x + sigma^2 s_k (Tweedie per component), hence
 *
 *   s_k - s = (alpha / sigma^2) (m1_k - x1hat).                        (T)
 *
 * Tweedie.  x1hat = sum_k r_k m1_k and grad r_k = r_k (s_k - s) give
 * J = sum_k r_k J_k + sum_k r_k m1_k (s_k - s)^T; by (T) and the law of
 * total covariance J = (alpha / sigma^2) Cov[x1 | x_t] for sigma > 0.
 *
 * Exact likelihood (N §Guidance term, first line).  p_t(y | x) =
 * int N(y; A x1, sigma_y^2 I) p_t(x1 | x) dx1 with p_t(x1 | x) the mixture
 * sum_k r_k N(m1_k, Sigma1_k): h = sum_k r_k N(y; A m1_k, G_k).  Its
 * gradient: grad (r_k N_k) = r_k N_k [(s_k - s) + J_k^T A^T G_k^{-1}
 * (y - A m1_k)] (G_k does not depend on x, J_k is symmetric), so
 * grad log h = sum_k rho_k [(s_k - s) + J_k A^T G_k^{-1} (y - A m1_k)].
 * Bayes gives the independent check h = p_t^post(x) p(y) / p_t(x).
 *
 * Guidance factor.  u = alpha' x1hat + sigma' x0hat with x0hat = -sigma s
 * and x1hat = (x + sigma^2 s)/alpha give u = (alpha'/alpha) x +
 * (alpha' sigma^2/alpha - sigma sigma') s; the posterior path has the same
 * schedule and score s + grad log h, so u(x|y) - u(x) = c_t grad log h with
 * c_t = (alpha' sigma^2 - alpha sigma sigma')/alpha; for linear
 * ((1-t)^2 + t (1-t))/t = (1-t)/t (S6).
 *
 * Two numerically equal forms.  Where alpha <= sigma ("scaled" form) the
 * code computes grad/alpha with (T), s_k - s = alpha (m1_k - x1hat)/sigma^2,
 * and J_k/alpha = V diag(lambda/c) V^T: then grad = alpha * (...) is exactly
 * 0 at alpha = 0 and c_t grad = (alpha' sigma^2 - alpha sigma sigma') (...)
 * takes its finite limit there, alpha'(0) (E[x1|y] - E[x1]); no small
 * difference s_k - s is divided by a small alpha.  Where alpha > sigma
 * ("direct" form) it uses s_k - s and J_k themselves, which stay exact at
 * sigma = 0 (t = 1), where (T) would divide by sigma^2 = 0.
 *
 * Work per point and component: four products by V_k (D^2 each), two by
 * A V_k (m D) and a Cholesky solve with G_k (m^2); G_k and its factor are
 * computed once per call.  Points are cut into chunks of FC_GUIDE_CHUNK,
 * shared among threads; each point's result depends on nothing else, so it
 * is bitwise the same whatever the thread count.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "fc_parse.h"
#include "fc_gmm.h"
#include "fc_guide.h"
#include "fc_obs.h"
#include "fc_path.h"
#include "fc_path_field.h"
#include "fc_schedule.h"

/* Points per chunk, the unit of OpenMP work; results do not depend on it. */
#define FC_GUIDE_CHUNK 16

/* Per-call constants, read-only in the threads.  */
typedef struct
{
  const fc_gmm *g;
  const fc_obs *obs;    /* NULL when no likelihood is needed */
  size_t d, nk, m;
  fc_schedule_value sv;
  int alpha0;           /* alpha == 0: r_k = w_k for every x */
  int scaled;           /* alpha <= sigma: the scaled form (top of file) */
  double gfac;          /* grad = gfac * vec, jac = gfac * jhat */
  double cfac;          /* c_t grad = cfac * vec */
  int need_lik, need_cov, need_jac;
  double *lconst;       /* (K) log w_k - 1/2 sum log c - D/2 log 2 pi */
  double *inv_c;        /* (K, D) 1/c */
  double *gjt;          /* (K, D) alpha lambda / c, the diagonal of J_k */
  double *gjo;          /* (K, D) that of jhat_k: J_k, J_k/alpha if scaled */
  double *gs1;          /* (K, D) lambda sigma^2 / c, that of Sigma1_k */
  double *av;           /* (K, m, D) A V_k */
  double *gchol;        /* (K, m, m) Cholesky factor of G_k */
  double *nconst;       /* (K) -1/2 log det G_k - m/2 log 2 pi */
  double *s1mat;        /* (K, D, D) Sigma1_k */
  double *jmat;         /* (K, D, D) V diag(gjo) V^T */
} fc_guide_plan;

/* Per-thread scratch, allocated once per call.  */
typedef struct
{
  double *l, *ln;       /* (K) log w_k N(x; ..), log N(y; A m1_k, G_k) */
  double *m1, *sk, *jt; /* (K, D) m1_k, s_k, J_k A^T G_k^{-1} (y - A m1_k) */
  double *z, *e, *q;    /* (D) */
  double *x1hat, *s, *vec, *dk; /* (D) */
  double *res, *v;      /* (m) */
  double *cov, *jhat;   /* (D, D) */
  double *am;           /* (m, D) A Cov (tweedie) */
  double *sig;          /* (m, m) Sigma (tweedie) and its factor */
} fc_guide_scratch;

static void
fc_guide_plan_free (fc_guide_plan *pl)
{
  free (pl->lconst);
  free (pl->inv_c);
  free (pl->gjt);
  free (pl->gjo);
  free (pl->gs1);
  free (pl->av);
  free (pl->gchol);
  free (pl->nconst);
  free (pl->s1mat);
  free (pl->jmat);
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
  double a = pl->sv.alpha, a2 = a * a;
  for (size_t k = 0; k < nk; k++)
    {
      double sumlog = 0.0;
      for (size_t i = 0; i < d; i++)
        {
          size_t idx = k * d + i;
          double lambda = g->eigval[idx], c = a2 * lambda + pl->sv.sigma2;
          if (!(c > 0.0))
            GSL_ERROR ("undefined at t = 1 for a singular component",
                       GSL_EDOM);
          pl->inv_c[idx] = 1.0 / c;
          pl->gjt[idx] = a * lambda / c;
          pl->gjo[idx] = pl->scaled ? lambda / c : pl->gjt[idx];
          pl->gs1[idx] = lambda * pl->sv.sigma2 / c;
          sumlog += log (c);
        }
      pl->lconst[k] = g->log_weight[k] - 0.5 * sumlog
                      - 0.5 * d * log (2 * M_PI);
    }
  return GSL_SUCCESS;
}

/* A V_k, and the Cholesky factor of G_k = (A V_k) diag(gs1) (A V_k)^T +
   sigma_y^2 I, formed as B B^T with B = A V_k diag(sqrt(gs1)) so that it is
   positive semi-definite before the ridge whatever the rounding.  */
static int
fc_guide_plan_lik (fc_guide_plan *pl, size_t k, double *bbuf)
{
  size_t d = pl->d, m = pl->m;
  const double *gs1 = pl->gs1 + k * d;
  gsl_matrix_const_view a = gsl_matrix_const_view_array (pl->obs->a, m, d);
  gsl_matrix_const_view v
    = gsl_matrix_const_view_array (pl->g->eigvec + k * d * d, d, d);
  gsl_matrix_view av = gsl_matrix_view_array (pl->av + k * m * d, m, d);
  gsl_matrix_view b = gsl_matrix_view_array (bbuf, m, d);
  gsl_matrix_view gk = gsl_matrix_view_array (pl->gchol + k * m * m, m, m);
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, &a.matrix, &v.matrix, 0.0,
                  &av.matrix);
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < d; j++)
      bbuf[i * d + j] = pl->av[k * m * d + i * d + j] * sqrt (gs1[j]);
  gsl_blas_dsyrk (CblasLower, CblasNoTrans, 1.0, &b.matrix, 0.0, &gk.matrix);
  double s2 = pl->obs->sigma_y * pl->obs->sigma_y, logdet = 0.0;
  for (size_t i = 0; i < m; i++)
    gsl_matrix_set (&gk.matrix, i, i, gsl_matrix_get (&gk.matrix, i, i) + s2);
  int status = gsl_linalg_cholesky_decomp1 (&gk.matrix);
  if (status)
    return status;
  for (size_t i = 0; i < m; i++)
    logdet += 2.0 * log (gsl_matrix_get (&gk.matrix, i, i));
  pl->nconst[k] = -0.5 * logdet - 0.5 * m * log (2 * M_PI);
  return GSL_SUCCESS;
}

#define FC_GUIDE_ALLOC(p, count) \
  ((p) = malloc ((count) * sizeof (double)), (p) != NULL)

/* Every per-call constant.  */
static int
fc_guide_plan_init (fc_guide_plan *pl)
{
  size_t d = pl->d, nk = pl->nk, m = pl->m;
  const fc_schedule_value *v = &pl->sv;
  double cnum = v->dalpha * v->sigma2 - v->alpha * v->sigma_dsigma;
  pl->alpha0 = v->alpha == 0.0;
  pl->scaled = v->alpha <= v->sigma;
  pl->gfac = pl->scaled ? v->alpha : 1.0;
  pl->cfac = pl->scaled ? cnum : cnum / v->alpha;
  int ok = FC_GUIDE_ALLOC (pl->lconst, nk)
           && FC_GUIDE_ALLOC (pl->inv_c, nk * d)
           && FC_GUIDE_ALLOC (pl->gjt, nk * d)
           && FC_GUIDE_ALLOC (pl->gjo, nk * d)
           && FC_GUIDE_ALLOC (pl->gs1, nk * d);
  if (ok && pl->need_lik)
    ok = FC_GUIDE_ALLOC (pl->av, nk * m * d)
         && FC_GUIDE_ALLOC (pl->gchol, nk * m * m)
         && FC_GUIDE_ALLOC (pl->nconst, nk);
  if (ok && pl->need_cov)
    ok = FC_GUIDE_ALLOC (pl->s1mat, nk * d * d);
  if (ok && pl->need_jac)
    ok = FC_GUIDE_ALLOC (pl->jmat, nk * d * d);
  if (!ok)
    GSL_ERROR ("out of memory for the guidance constants", GSL_ENOMEM);
  int status = fc_guide_plan_diag (pl);
  double *bbuf = pl->need_lik ? malloc (m * d * sizeof (double)) : NULL;
  if (status == GSL_SUCCESS && pl->need_lik && bbuf == NULL)
    status = GSL_ENOMEM;
  for (size_t k = 0; k < nk && status == GSL_SUCCESS; k++)
    {
      if (pl->need_lik)
        status = fc_guide_plan_lik (pl, k, bbuf);
      if (pl->need_cov)
        fc_guide_vdvt (pl->g, k, pl->gs1 + k * d, pl->s1mat + k * d * d);
      if (pl->need_jac)
        fc_guide_vdvt (pl->g, k, pl->gjo + k * d, pl->jmat + k * d * d);
    }
  free (bbuf);
  return status;
}

static void
fc_guide_scratch_free (fc_guide_scratch *s)
{
  free (s->l);
  free (s->m1);
  free (s->z);
  free (s->res);
  free (s->cov);
  free (s->am);
}

static int
fc_guide_scratch_alloc (fc_guide_scratch *s, size_t d, size_t nk, size_t m)
{
  memset (s, 0, sizeof *s);
  s->l = malloc (2 * nk * sizeof (double));
  s->m1 = malloc (3 * nk * d * sizeof (double));
  s->z = malloc (7 * d * sizeof (double));
  s->res = malloc (2 * (m + 1) * sizeof (double));
  s->cov = malloc (2 * d * d * sizeof (double));
  s->am = malloc ((m * d + m * m + 1) * sizeof (double));
  if (!s->l || !s->m1 || !s->z || !s->res || !s->cov || !s->am)
    {
      fc_guide_scratch_free (s);
      memset (s, 0, sizeof *s);
      return GSL_ENOMEM;
    }
  s->ln = s->l + nk;
  s->sk = s->m1 + nk * d;
  s->jt = s->m1 + 2 * nk * d;
  s->e = s->z + d;
  s->q = s->z + 2 * d;
  s->x1hat = s->z + 3 * d;
  s->s = s->z + 4 * d;
  s->vec = s->z + 5 * d;
  s->dk = s->z + 6 * d;
  s->v = s->res + m + 1;
  s->jhat = s->cov + d * d;
  s->sig = s->am + m * d;
  return GSL_SUCCESS;
}

/* OUT = V_k (DIAG o IN) for component K (DIAG NULL: the identity).  */
static void
fc_guide_rotate (const fc_guide_plan *pl, size_t k, const double *diag,
                 const double *in, double *tmp, double *out)
{
  size_t d = pl->d;
  gsl_matrix_const_view v
    = gsl_matrix_const_view_array (pl->g->eigvec + k * d * d, d, d);
  for (size_t i = 0; i < d; i++)
    tmp[i] = diag ? diag[i] * in[i] : in[i];
  gsl_vector_const_view tv = gsl_vector_const_view_array (tmp, d);
  gsl_vector_view ov = gsl_vector_view_array (out, d);
  gsl_blas_dgemv (CblasNoTrans, 1.0, &v.matrix, &tv.vector, 0.0, &ov.vector);
}

/* The likelihood part of component K at point X, given E = V^T m1_k:
   ln_k and jt_k = jhat_k A^T G_k^{-1} (y - A m1_k).  */
static void
fc_guide_component_lik (const fc_guide_plan *pl, fc_guide_scratch *s,
                        size_t k)
{
  size_t d = pl->d, m = pl->m;
  gsl_matrix_const_view av
    = gsl_matrix_const_view_array (pl->av + k * m * d, m, d);
  gsl_matrix_const_view gk
    = gsl_matrix_const_view_array (pl->gchol + k * m * m, m, m);
  gsl_vector_const_view ev = gsl_vector_const_view_array (s->e, d);
  gsl_vector_view rv = gsl_vector_view_array (s->res, m);
  gsl_vector_view vv = gsl_vector_view_array (s->v, m);
  gsl_vector_view qv = gsl_vector_view_array (s->q, d);
  memcpy (s->res, pl->obs->y, m * sizeof (double));
  gsl_blas_dgemv (CblasNoTrans, -1.0, &av.matrix, &ev.vector, 1.0,
                  &rv.vector);
  gsl_linalg_cholesky_solve (&gk.matrix, &rv.vector, &vv.vector);
  double rv2;
  gsl_blas_ddot (&rv.vector, &vv.vector, &rv2);
  s->ln[k] = pl->nconst[k] - 0.5 * rv2;
  gsl_blas_dgemv (CblasTrans, 1.0, &av.matrix, &vv.vector, 0.0, &qv.vector);
  fc_guide_rotate (pl, k, pl->gjo + k * d, s->q, s->dk, s->jt + k * d);
}

/* Component K at point X: l_k, m1_k, s_k (direct form) and the likelihood
   part.  */
static void
fc_guide_component (const fc_guide_plan *pl, fc_guide_scratch *s, size_t k,
                    const double *x)
{
  size_t d = pl->d;
  const double *me = pl->g->mean_eig + k * d, *ic = pl->inv_c + k * d;
  const double *gj = pl->gjt + k * d;
  gsl_matrix_const_view vt
    = gsl_matrix_const_view_array (pl->g->eigvec_t + k * d * d, d, d);
  gsl_vector_const_view xv = gsl_vector_const_view_array (x, d);
  gsl_vector_view zv = gsl_vector_view_array (s->z, d);
  gsl_blas_dgemv (CblasNoTrans, 1.0, &vt.matrix, &xv.vector, 0.0,
                  &zv.vector);
  double quad = 0.0;
  for (size_t i = 0; i < d; i++)
    {
      s->z[i] -= pl->sv.alpha * me[i];
      quad += s->z[i] * s->z[i] * ic[i];
      s->e[i] = me[i] + gj[i] * s->z[i];
    }
  /* With alpha = 0 every component of p_t is N(0, sigma^2 I): r_k = w_k
     exactly, not up to the rounding of the quadratic forms.  */
  s->l[k] = pl->alpha0 ? pl->g->log_weight[k] : pl->lconst[k] - 0.5 * quad;
  fc_guide_rotate (pl, k, NULL, s->e, s->dk, s->m1 + k * d);
  if (!pl->scaled)
    {
      for (size_t i = 0; i < d; i++)
        s->q[i] = -s->z[i] * ic[i];
      fc_guide_rotate (pl, k, NULL, s->q, s->dk, s->sk + k * d);
    }
  if (pl->need_lik)
    fc_guide_component_lik (pl, s, k);
}

/* Log-sum-exp of V (n). */
static double
fc_guide_lse (size_t n, const double *v, const double *w)
{
  double mx = -INFINITY, acc = 0.0;
  for (size_t k = 0; k < n; k++)
    mx = GSL_MAX (mx, v[k] + (w ? w[k] : 0.0));
  if (mx == -INFINITY)
    return mx;
  for (size_t k = 0; k < n; k++)
    acc += exp (v[k] + (w ? w[k] : 0.0) - mx);
  return mx + log (acc);
}

/* DK = s_k - s (direct form) or (m1_k - x1hat)/sigma^2 = (s_k - s)/alpha
   (scaled form), for component K.  */
static void
fc_guide_delta (const fc_guide_plan *pl, const fc_guide_scratch *s, size_t k)
{
  size_t d = pl->d;
  for (size_t i = 0; i < d; i++)
    s->dk[i] = pl->scaled
                 ? (s->m1[k * d + i] - s->x1hat[i]) / pl->sv.sigma2
                 : s->sk[k * d + i] - s->s[i];
}

/* Cov and jhat (= J, or J/alpha in the scaled form) at the current point,
   R (K) the responsibilities.  Cov is made exactly symmetric (its upper
   triangle is copied from the lower one), since it is a covariance that
   callers factor.  */
static void
fc_guide_matrices (const fc_guide_plan *pl, fc_guide_scratch *s,
                   const double *r)
{
  size_t d = pl->d, dd = d * d;
  if (pl->need_cov)
    memset (s->cov, 0, dd * sizeof (double));
  if (pl->need_jac)
    memset (s->jhat, 0, dd * sizeof (double));
  for (size_t k = 0; k < pl->nk; k++)
    {
      const double *m1 = s->m1 + k * d;
      fc_guide_delta (pl, s, k);
      for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
          {
            double ci = m1[i] - s->x1hat[i];
            if (pl->need_cov)
              s->cov[i * d + j] += r[k] * (pl->s1mat[k * dd + i * d + j]
                                           + ci * (m1[j] - s->x1hat[j]));
            if (pl->need_jac)
              s->jhat[i * d + j] += r[k] * (pl->jmat[k * dd + i * d + j]
                                            + ci * s->dk[j]);
          }
    }
  for (size_t i = 0; pl->need_cov && i < d; i++)
    for (size_t j = i + 1; j < d; j++)
      s->cov[i * d + j] = s->cov[j * d + i];
}

/* The point X: every per-component term, then the mixture.  R receives
   the responsibilities (K); *LOGH log h when the likelihood is needed;
   s->vec the gradient before its factor gfac.  */
static void
fc_guide_point (const fc_guide_plan *pl, fc_guide_scratch *s,
                const double *x, double *r, double *logh)
{
  size_t d = pl->d, nk = pl->nk;
  for (size_t k = 0; k < nk; k++)
    fc_guide_component (pl, s, k, x);
  double lse = fc_guide_lse (nk, s->l, NULL);
  memset (s->x1hat, 0, d * sizeof (double));
  memset (s->s, 0, d * sizeof (double));
  for (size_t k = 0; k < nk; k++)
    {
      r[k] = exp (s->l[k] - lse);
      for (size_t i = 0; i < d; i++)
        {
          s->x1hat[i] += r[k] * s->m1[k * d + i];
          if (!pl->scaled)
            s->s[i] += r[k] * s->sk[k * d + i];
        }
    }
  if (pl->need_lik)
    {
      double lse2 = fc_guide_lse (nk, s->l, s->ln);
      *logh = lse2 - lse;
      memset (s->vec, 0, d * sizeof (double));
      for (size_t k = 0; k < nk; k++)
        {
          double rho = exp (s->l[k] + s->ln[k] - lse2);
          fc_guide_delta (pl, s, k);
          for (size_t i = 0; i < d; i++)
            s->vec[i] += rho * (s->dk[i] + s->jt[k * d + i]);
        }
    }
  if (pl->need_cov || pl->need_jac)
    fc_guide_matrices (pl, s, r);
}

/* Common checks of the inputs.  */
static int
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
  if (n > 0 && x == NULL)
    GSL_ERROR ("no points", GSL_EINVAL);
  for (size_t j = 0; j < n * g->dim; j++)
    if (!isfinite (x[j]))
      GSL_ERROR ("input point has a coordinate that is not finite",
                 GSL_EBADFUNC);
  return GSL_SUCCESS;
}

/* Store the results of point P.  Returns 1 when one is not finite.  */
static int
fc_guide_store (const fc_guide_plan *pl, const fc_guide_scratch *s, size_t p,
                double logh, const fc_guide_out *out)
{
  size_t d = pl->d, dd = d * d;
  int bad = 0;
  for (size_t i = 0; i < d; i++)
    {
      if (out->x1hat)
        bad |= !isfinite (out->x1hat[p * d + i] = s->x1hat[i]);
      if (out->grad)
        bad |= !isfinite (out->grad[p * d + i] = pl->gfac * s->vec[i]);
      if (out->cgrad)
        bad |= !isfinite (out->cgrad[p * d + i] = pl->cfac * s->vec[i]);
    }
  for (size_t i = 0; i < dd; i++)
    {
      if (out->cov)
        bad |= !isfinite (out->cov[p * dd + i] = s->cov[i]);
      if (out->jac)
        bad |= !isfinite (out->jac[p * dd + i] = pl->gfac * s->jhat[i]);
    }
  if (out->logh)
    bad |= !isfinite (out->logh[p] = logh);
  return bad;
}

/* A per-point callback run by fc_guide_run on every point.  */
typedef int (*fc_guide_point_fn) (const fc_guide_plan *pl,
                                  fc_guide_scratch *s, size_t p,
                                  const double *x, double *r,
                                  const void *out);

/* Every point, OpenMP over chunks; per-thread scratch allocated once.  */
static int
fc_guide_run (const fc_guide_plan *pl, size_t n, const double *x,
              fc_guide_point_fn f, const void *out)
{
  size_t n_chunks = (n + FC_GUIDE_CHUNK - 1) / FC_GUIDE_CHUNK;
  int nomem = 0, bad = 0, fail = 0;
#pragma omp parallel if (n_chunks > 1) reduction(| : nomem, bad, fail)
  {
    fc_guide_scratch s;
    double *r = malloc (pl->nk * sizeof (double));
    int ok = fc_guide_scratch_alloc (&s, pl->d, pl->nk, pl->m) == GSL_SUCCESS
             && r != NULL;
    nomem |= !ok;
#pragma omp for schedule(static)
    for (size_t c = 0; c < n_chunks; c++)
      for (size_t p = c * FC_GUIDE_CHUNK;
           ok && p < GSL_MIN (n, (c + 1) * FC_GUIDE_CHUNK); p++)
        {
          int st = f (pl, &s, p, x + p * pl->d, r, out);
          bad |= st == 1;
          fail |= st > 1;
        }
    if (s.l != NULL)
      fc_guide_scratch_free (&s);
    free (r);
  }
  if (nomem)
    GSL_ERROR ("out of memory for the guidance workspace", GSL_ENOMEM);
  if (fail)
    GSL_ERROR ("covariance of the approximate likelihood is not positive "
               "definite", GSL_EDOM);
  if (bad)
    GSL_ERROR ("guidance quantity overflows (point too far from the data)",
               GSL_EOVRFLW);
  return GSL_SUCCESS;
}

static int
fc_guide_eval_point (const fc_guide_plan *pl, fc_guide_scratch *s, size_t p,
                     const double *x, double *r, const void *out)
{
  double logh = 0.0;
  fc_guide_point (pl, s, x, r, &logh);
  return fc_guide_store (pl, s, p, logh, out);
}

int
fc_guide_eval (const fc_gmm *g, fc_schedule s, double t, const fc_obs *obs,
               size_t n, const double *x, const fc_guide_out *out)
{
  fc_guide_plan pl;
  memset (&pl, 0, sizeof pl);
  if (out == NULL)
    GSL_ERROR ("no output record", GSL_EINVAL);
  int status = fc_schedule_eval (s, t, &pl.sv);
  if (status)
    return status;
  pl.need_lik = out->logh != NULL || out->grad != NULL || out->cgrad != NULL;
  if (pl.need_lik && obs == NULL)
    GSL_ERROR ("the likelihood needs an observation", GSL_EINVAL);
  status = fc_guide_check (g, pl.need_lik ? obs : NULL, n, x);
  if (status)
    return status;
  pl.g = g;
  pl.obs = pl.need_lik ? obs : NULL;
  pl.d = g->dim;
  pl.nk = g->n_comp;
  pl.m = pl.need_lik ? obs->m : 0;
  pl.need_cov = out->cov != NULL;
  pl.need_jac = out->jac != NULL;
  status = fc_guide_plan_init (&pl);
  if (status == GSL_SUCCESS && n > 0)
    status = fc_guide_run (&pl, n, x, fc_guide_eval_point, out);
  fc_guide_plan_free (&pl);
  return status;
}

int
fc_guide_factor (fc_schedule s, double t, double *c)
{
  fc_schedule_value v;
  int status = fc_schedule_eval (s, t, &v);
  if (status)
    return status;
  if (v.alpha == 0.0)
    *c = GSL_POSINF;
  else
    *c = (v.dalpha * v.sigma2 - v.alpha * v.sigma_dsigma) / v.alpha;
  return GSL_SUCCESS;
}

/* ------------------------------------------------ approximate likelihoods */

/* The per-call state of fc_guide_approx.  */
typedef struct
{
  const fc_guide_approx_out *out;
  const fc_obs *obs;
  fc_guide_lik kind;
  int limit;       /* reconstruction at alpha = 0, gamma > 0: Sigma infinite */
  double *schol;   /* (m, m) Cholesky factor of Sigma_gamma (reconstruction) */
  double sconst;   /* -1/2 log det Sigma_gamma - m/2 log 2 pi */
} fc_guide_approx_plan;

/* Factor SIG (m, m), lower triangle filled, in place; *LCONST the log
   normalising constant.  GSL_EDOM when not positive definite.  */
static int
fc_guide_factor_sigma (size_t m, double *sig, double *lconst)
{
  gsl_matrix_view sv = gsl_matrix_view_array (sig, m, m);
  int status = gsl_linalg_cholesky_decomp1 (&sv.matrix);
  if (status)
    return status;
  double logdet = 0.0;
  for (size_t i = 0; i < m; i++)
    logdet += 2.0 * log (sig[i * m + i]);
  *lconst = -0.5 * logdet - 0.5 * m * log (2 * M_PI);
  return GSL_SUCCESS;
}

/* Sigma_gamma = sigma_y^2 I + gamma (sigma/alpha)^2 A A^T, factored once.
   kappa = gamma sigma^2/alpha^2 is infinite at alpha = 0 (the limit case)
   and 0 for gamma = 0 at any t.  */
static int
fc_guide_approx_recon (const fc_guide_plan *pl, fc_guide_approx_plan *ap,
                       double gamma)
{
  size_t m = pl->m, d = pl->d;
  double kappa = gamma == 0.0 ? 0.0
                 : gamma * pl->sv.sigma2 / (pl->sv.alpha * pl->sv.alpha);
  if (isinf (kappa))
    {
      ap->limit = 1;
      return GSL_SUCCESS;
    }
  ap->schol = malloc (m * m * sizeof (double));
  if (ap->schol == NULL)
    GSL_ERROR ("out of memory for Sigma_gamma", GSL_ENOMEM);
  gsl_matrix_const_view a = gsl_matrix_const_view_array (ap->obs->a, m, d);
  gsl_matrix_view sv = gsl_matrix_view_array (ap->schol, m, m);
  gsl_blas_dsyrk (CblasLower, CblasNoTrans, kappa, &a.matrix, 0.0,
                  &sv.matrix);
  for (size_t i = 0; i < m; i++)
    ap->schol[i * m + i] += ap->obs->sigma_y * ap->obs->sigma_y;
  return fc_guide_factor_sigma (m, ap->schol, &ap->sconst);
}

/* Sigma_T = sigma_y^2 I + A Cov A^T at the current point into s->sig,
   factored.  */
static int
fc_guide_approx_tweedie (const fc_guide_plan *pl, fc_guide_scratch *s,
                         const fc_obs *obs, double *lconst)
{
  size_t m = pl->m, d = pl->d;
  gsl_matrix_const_view a = gsl_matrix_const_view_array (obs->a, m, d);
  gsl_matrix_const_view cv = gsl_matrix_const_view_array (s->cov, d, d);
  gsl_matrix_view am = gsl_matrix_view_array (s->am, m, d);
  gsl_matrix_view sig = gsl_matrix_view_array (s->sig, m, m);
  gsl_blas_dgemm (CblasNoTrans, CblasNoTrans, 1.0, &a.matrix, &cv.matrix,
                  0.0, &am.matrix);
  gsl_blas_dgemm (CblasNoTrans, CblasTrans, 1.0, &am.matrix, &a.matrix, 0.0,
                  &sig.matrix);
  for (size_t i = 0; i < m; i++)
    s->sig[i * m + i] += obs->sigma_y * obs->sigma_y;
  return fc_guide_factor_sigma (m, s->sig, lconst);
}

/* Outputs of point P in the limit case.  */
static void
fc_guide_approx_limit (const fc_guide_plan *pl, const fc_guide_approx_out *o,
                       size_t p)
{
  size_t d = pl->d, m = pl->m;
  if (o->loglik)
    o->loglik[p] = GSL_NEGINF;
  for (size_t i = 0; i < d; i++)
    {
      if (o->grad)
        o->grad[p * d + i] = 0.0;
      if (o->cgrad)
        o->cgrad[p * d + i] = 0.0;
    }
  for (size_t i = 0; o->note && i < m; i++)
    o->note[p * m + i] = 0.0;
}

/* Point P: x1hat, Cov and jhat, then N(y; A x1hat, Sigma), its G4 gradient
   J^T A^T Sigma^{-1} (y - A x1hat) and the G5 vector.  Returns 0, 1 on a
   non-finite result, 2 when Sigma is not positive definite.  */
static int
fc_guide_approx_point (const fc_guide_plan *pl, fc_guide_scratch *s,
                       size_t p, const double *x, double *r, const void *arg)
{
  const fc_guide_approx_plan *ap = arg;
  const fc_guide_approx_out *o = ap->out;
  size_t d = pl->d, m = pl->m;
  fc_guide_point (pl, s, x, r, NULL);
  if (ap->limit)
    {
      fc_guide_approx_limit (pl, o, p);
      return 0;
    }
  double lconst = ap->sconst;
  const double *chol = ap->schol;
  if (ap->kind == FC_GUIDE_LIK_TWEEDIE)
    {
      if (fc_guide_approx_tweedie (pl, s, ap->obs, &lconst))
        return 2;
      chol = s->sig;
    }
  gsl_matrix_const_view a = gsl_matrix_const_view_array (ap->obs->a, m, d);
  gsl_matrix_const_view lv = gsl_matrix_const_view_array (chol, m, m);
  gsl_matrix_const_view jv = gsl_matrix_const_view_array (s->jhat, d, d);
  gsl_vector_const_view xh = gsl_vector_const_view_array (s->x1hat, d);
  gsl_vector_view rv = gsl_vector_view_array (s->res, m);
  gsl_vector_view vv = gsl_vector_view_array (s->v, m);
  gsl_vector_view qv = gsl_vector_view_array (s->q, d);
  gsl_vector_view gv = gsl_vector_view_array (s->vec, d);
  memcpy (s->res, ap->obs->y, m * sizeof (double));
  gsl_blas_dgemv (CblasNoTrans, -1.0, &a.matrix, &xh.vector, 1.0, &rv.vector);
  gsl_linalg_cholesky_solve (&lv.matrix, &rv.vector, &vv.vector);
  double rv2;
  gsl_blas_ddot (&rv.vector, &vv.vector, &rv2);
  gsl_blas_dgemv (CblasTrans, 1.0, &a.matrix, &vv.vector, 0.0, &qv.vector);
  if (o->grad || o->cgrad)
    gsl_blas_dgemv (CblasTrans, 1.0, &jv.matrix, &qv.vector, 0.0, &gv.vector);
  int bad = 0;
  if (o->loglik)
    bad |= !isfinite (o->loglik[p] = lconst - 0.5 * rv2);
  for (size_t i = 0; i < d; i++)
    {
      if (o->grad)
        bad |= !isfinite (o->grad[p * d + i] = pl->gfac * s->vec[i]);
      if (o->cgrad)
        bad |= !isfinite (o->cgrad[p * d + i] = pl->cfac * s->vec[i]);
    }
  for (size_t i = 0; o->note && i < m; i++)
    bad |= !isfinite (o->note[p * m + i] = s->v[i]);
  return bad;
}

int
fc_guide_approx (const fc_gmm *g, fc_schedule s, double t, const fc_obs *obs,
                 fc_guide_lik kind, double gamma, size_t n, const double *x,
                 const fc_guide_approx_out *out)
{
  fc_guide_plan pl;
  fc_guide_approx_plan ap;
  memset (&pl, 0, sizeof pl);
  memset (&ap, 0, sizeof ap);
  if (out == NULL || obs == NULL)
    GSL_ERROR ("no output record or no observation", GSL_EINVAL);
  if ((int) kind < 0 || kind >= FC_GUIDE_LIK_COUNT)
    GSL_ERROR ("unknown approximate likelihood", GSL_EINVAL);
  if (kind == FC_GUIDE_LIK_RECONSTRUCTION
      && !(gamma >= 0.0 && isfinite (gamma)))
    GSL_ERROR ("gamma must be finite and >= 0", GSL_EDOM);
  int status = fc_schedule_eval (s, t, &pl.sv);
  if (status)
    return status;
  status = fc_guide_check (g, obs, n, x);
  if (status)
    return status;
  if (out->note != NULL && obs->m != g->dim)
    GSL_ERROR ("the note's vector Sigma^{-1} (y - A x1hat) has m entries: "
               "comparable with a gradient only when m = D", GSL_EBADLEN);
  pl.g = g;
  pl.d = g->dim;
  pl.nk = g->n_comp;
  pl.m = obs->m;
  pl.need_cov = kind == FC_GUIDE_LIK_TWEEDIE;
  pl.need_jac = out->grad != NULL || out->cgrad != NULL;
  ap.out = out;
  ap.obs = obs;
  ap.kind = kind;
  status = fc_guide_plan_init (&pl);
  if (status == GSL_SUCCESS && kind == FC_GUIDE_LIK_RECONSTRUCTION)
    status = fc_guide_approx_recon (&pl, &ap, gamma);
  if (status == GSL_SUCCESS && n > 0)
    status = fc_guide_run (&pl, n, x, fc_guide_approx_point, &ap);
  free (ap.schol);
  fc_guide_plan_free (&pl);
  return status;
}

/* ------------------------------------------------ guided velocity fields */

static const char *const fc_guide_method_names[FC_GUIDE_COUNT]
  = { "none", "exact", "exact-split", "reconstruction", "tweedie", "note" };

const char *
fc_guide_method_name (fc_guide_method m)
{
  if ((int) m < 0 || m >= FC_GUIDE_COUNT)
    return "unknown";
  return fc_guide_method_names[m];
}

int
fc_guide_method_parse (const char *name, fc_guide_method *m)
{
  int i = fc_parse_name_index (fc_guide_method_names, FC_GUIDE_COUNT, name);
  if (i < 0)
    return GSL_EINVAL;
  *m = (fc_guide_method) i;
  return GSL_SUCCESS;
}

fc_guide_field *
fc_guide_field_alloc (const fc_gmm *prior, fc_schedule s, const fc_obs *obs,
                      fc_guide_method method, double gamma)
{
  if (prior == NULL || !prior->prepared)
    GSL_ERROR_NULL ("mixture is not prepared (fc_gmm_prepare)", GSL_EINVAL);
  if ((int) method < 0 || method >= FC_GUIDE_COUNT)
    GSL_ERROR_NULL ("unknown guidance method", GSL_EINVAL);
  if (fc_obs_check (obs, prior->dim) != GSL_SUCCESS)
    GSL_ERROR_NULL ("bad observation for this prior", GSL_EBADLEN);
  if (!(gamma >= 0.0 && isfinite (gamma)))
    GSL_ERROR_NULL ("gamma must be finite and >= 0", GSL_EDOM);
  if (method == FC_GUIDE_NOTE && obs->m != prior->dim)
    GSL_ERROR_NULL ("the note's guidance needs a square A (m = D)",
                    GSL_EBADLEN);
  fc_guide_field *f = calloc (1, sizeof *f);
  if (f == NULL)
    GSL_ERROR_NULL ("no memory for the guided field", GSL_ENOMEM);
  f->post = fc_gmm_condition (prior, obs->m, obs->a, obs->y, obs->sigma_y);
  if (f->post == NULL)
    {
      free (f);
      GSL_ERROR_NULL ("cannot condition the prior on the observation",
                      GSL_EFAILED);
    }
  f->prior = prior;
  f->obs = obs;
  f->s = s;
  f->method = method;
  f->gamma = gamma;
  return f;
}

void
fc_guide_field_free (fc_guide_field *f)
{
  if (f == NULL)
    return;
  fc_gmm_free (f->post);
  free (f);
}

/* TERM (n, D) = c_t times the guidance term of method F at time T.  The
   note's vector is multiplied by c_t itself: it is no gradient of a
   likelihood whose scaled form could be taken, and with gamma = 0 it
   diverges like c_t as alpha -> 0 (GSL_EDOM at alpha = 0).  */
static int
fc_guide_field_term (const fc_guide_field *f, double t, size_t n,
                     const double *x, double *term)
{
  fc_guide_out eo = { 0 };
  fc_guide_approx_out ao = { 0 };
  switch (f->method)
    {
    case FC_GUIDE_EXACT_SPLIT:
      eo.cgrad = term;
      return fc_guide_eval (f->prior, f->s, t, f->obs, n, x, &eo);
    case FC_GUIDE_RECONSTRUCTION:
    case FC_GUIDE_TWEEDIE:
      ao.cgrad = term;
      return fc_guide_approx (f->prior, f->s, t, f->obs,
                              f->method == FC_GUIDE_TWEEDIE
                                ? FC_GUIDE_LIK_TWEEDIE
                                : FC_GUIDE_LIK_RECONSTRUCTION,
                              f->gamma, n, x, &ao);
    default:
      break;
    }
  double c;
  int status = fc_guide_factor (f->s, t, &c);
  if (status)
    return status;
  if (isinf (c) && f->gamma == 0.0)
    GSL_ERROR ("the note's guidance with gamma = 0 diverges at alpha = 0",
               GSL_EDOM);
  ao.note = term;
  status = fc_guide_approx (f->prior, f->s, t, f->obs,
                            FC_GUIDE_LIK_RECONSTRUCTION, f->gamma, n, x, &ao);
  for (size_t i = 0; status == GSL_SUCCESS && i < n * f->prior->dim; i++)
    term[i] = isinf (c) ? 0.0 : c * term[i];
  return status;
}

int
fc_guide_field_velocity (double t, size_t n, const double *x, double *u,
                         double *div, void *params)
{
  const fc_guide_field *f = params;
  fc_path_field_params prior = { f->prior, f->s }, post = { f->post, f->s };
  if (f->method == FC_GUIDE_NONE)
    return fc_path_field_velocity (t, n, x, u, div, &prior);
  if (f->method == FC_GUIDE_EXACT) /* the exact posterior's path */
    return fc_path_field_velocity (t, n, x, u, div, &post);
  if (div != NULL)
    GSL_ERROR ("no closed-form divergence for this guided field",
               GSL_EUNIMPL);
  size_t nd = n * f->prior->dim;
  double *term = malloc ((nd > 0 ? nd : 1) * sizeof (double));
  if (term == NULL)
    GSL_ERROR ("no memory for the guidance term", GSL_ENOMEM);
  int status = fc_path_field_velocity (t, n, x, u, NULL, &prior);
  if (status == GSL_SUCCESS)
    status = fc_guide_field_term (f, t, n, x, term);
  for (size_t i = 0; status == GSL_SUCCESS && i < nd; i++)
    u[i] += term[i];
  free (term);
  return status;
}
