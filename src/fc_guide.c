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
 * = V diag(lambda sigma^2/c) V^T, which is why J_k = (alpha/sigma^2)
 * Sigma1_k.  Also alpha m1_k = x + sigma^2 s_k (Tweedie per component),
 * hence
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
 * Products, not matrices.  Every guidance gradient is a sum over
 * components of vectors V_k (...) in the components' eigenbases, so no
 * D x D matrix is formed unless Cov or J is itself asked for:
 *
 *  - exact: sum_k rho_k (s_k - s) = sum_k (rho_k - r_k) s_k (sum rho_k =
 *    sum r_k = 1), s_k = V_k (-z/c), and J_k A^T G_k^{-1} (y - A m1_k) =
 *    V_k (g o (A V_k)^T v_k) with g the diagonal of J_k (or J_k/alpha);
 *  - approximate (G4): J is symmetric (alpha J = I + sigma^2 Hess log p_t),
 *    so J^T A^T v = J w, w = A^T v, and
 *      J w = sum_k r_k J_k w + sum_k r_k (m1_k - x1hat) ((s_k - s) . w),
 *    where J_k w = V_k (g o (A V_k)^T v) and (s_k - s) . w =
 *    (A s_k - A s) . v (direct form) or (A m1_k - A x1hat) . v / sigma^2
 *    (scaled form): m-vectors.  With the coefficients c_k of the rank-one
 *    part centred (sum_k r_k c_k = 0 up to rounding), sum_k r_k c_k
 *    (m1_k - x1hat) = sum_k r_k c_k m1_k = sum_k V_k (r_k c_k e_k),
 *    e_k = V_k^T m1_k; A x1hat = sum_k r_k A m1_k; and the Tweedie
 *    A Cov A^T = sum_k r_k (A Sigma1_k A^T + (A m1_k - A x1hat)(...)^T)
 *    with A Sigma1_k A^T (m x m) formed once per call.
 *
 * Shape of the computation.  Points are cut into chunks of FC_GUIDE_CHUNK;
 * OpenMP shares chunks among threads.  Per chunk, two passes over the
 * components: (1) Z_k = X V_k (one GEMM of the chunk, fc_gemm.h), then
 * per point log w_k N_k, A m1_k (and A s_k, the likelihood of component k)
 * at O(m D) each; the responsibilities, rho_k and the approximate
 * likelihood per point; (2) per component the weighted eigenbasis vectors
 * W (chunk, D) and Y += W V_k^T (one GEMM).  That is 4 D^2 flops per point
 * and component at BLAS-3 speed, against 8 D^2 for four matrix-vector
 * products by V_k per point and component, and K D^2 more for the D x D
 * Jacobian per point, in a per-point evaluation.  The scratch keeps Z_k of
 * the chunk for every component (K x FC_GUIDE_CHUNK x D doubles per
 * thread), so that pass 2 needs no second product by V_k.  A guided
 * velocity field adds the prior velocity u_t = sum_k r_k V_k (alpha'
 * mean_eig_k + b o z_k) (fc_path.c) to the same W, so its two GEMMs per
 * component serve both terms.  Every point's result is computed in the
 * same order whatever its chunk or its position in it (fc_gemm.h), hence
 * bitwise the same for any thread count and batch.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_matrix.h>

#include "fc_chol.h"
#include "fc_gemm.h"
#include "fc_parse.h"
#include "fc_gmm.h"
#include "fc_guide.h"
#include "fc_obs.h"
#include "fc_path_field.h"
#include "fc_schedule.h"

/* Points per chunk, the unit of OpenMP work; results do not depend on it.
   32 rows amortise each component's constants and the loads of V_k in the
   GEMMs (five 6-row register blocks and one of 2), while the chunk's Z_k
   for all K components stays in L2 up to K D ~ 2000.  */
#define FC_GUIDE_CHUNK 32

/* Per-call constants and outputs, read-only in the threads.  */
typedef struct
{
  const fc_gmm *g;
  const fc_obs *obs;    /* NULL when no observation is needed */
  size_t d, nk, m;      /* m = 0 without an observation */
  fc_schedule_value sv;
  int alpha0;           /* alpha == 0: r_k = w_k for every x */
  int scaled;           /* alpha <= sigma: the scaled form (top of file) */
  double gfac;          /* grad = gfac * vec, jac = gfac * jhat */
  double cfac;          /* c_t grad = cfac * vec */
  int lik;              /* the exact likelihood: log h, rho_k */
  int approx;           /* an approximate likelihood of kind KIND */
  fc_guide_lik kind;
  int limit;            /* reconstruction at alpha = 0, gamma > 0 */
  int need_am;          /* A m1_k (lik or approx) */
  int need_as;          /* A s_k (approximate gradient, direct form) */
  int need_vec;         /* the gradient vector vec */
  int need_vel;         /* u = prior velocity + cfac vec (guided fields) */
  int need_m1, need_cov, need_jac; /* the per-component m1_k and matrices */
  double *lconst;       /* (K) log w_k - 1/2 sum log c - D/2 log 2 pi */
  double *inv_c;        /* (K, D) 1/c */
  double *gjt;          /* (K, D) alpha lambda / c, the diagonal of J_k */
  double *gjo;          /* (K, D) that of jhat_k: J_k, J_k/alpha if scaled */
  double *gs1;          /* (K, D) lambda sigma^2 / c, that of Sigma1_k */
  double *bvel;         /* (K, D) (alpha alpha' lambda + sigma sigma') / c */
  double *av;           /* (K, m, D) A V_k */
  double *gav;          /* (K, m, D) A V_k diag(gjo) */
  double *asa;          /* (K, m, m) A Sigma1_k A^T */
  double *gchol;        /* (K, m, m) Cholesky factor of G_k */
  double *nconst;       /* (K) -1/2 log det G_k - m/2 log 2 pi */
  double *s1mat;        /* (K, D, D) Sigma1_k */
  double *jmat;         /* (K, D, D) V diag(gjo) V^T */
  double *schol;        /* (m, m) factor of Sigma_gamma (reconstruction) */
  double sconst;        /* -1/2 log det Sigma_gamma - m/2 log 2 pi */
  const fc_guide_out *eo;        /* outputs of fc_guide_eval, or NULL */
  const fc_guide_approx_out *ao; /* outputs of fc_guide_approx, or NULL */
  double *u;                     /* the guided velocity, or NULL */
} fc_guide_plan;

/* Per-thread scratch, allocated once per call; B = FC_GUIDE_CHUNK.  */
typedef struct
{
  double *z;            /* (K, B, D) z_k = V_k^T x - alpha mean_eig_k */
  double *l, *ln;       /* (B, K) log w_k N_k(x), log N(y; A m1_k, G_k) */
  double *r, *rho;      /* (B, K) r_k, rho_k */
  double *coef;         /* (B, K) rho_k - r_k (over sigma^2 when scaled),
                           or the centred c_k */
  double *am, *as, *vk; /* (B, K, m) A m1_k, A s_k, G_k^{-1} (y - A m1_k) */
  double *v;            /* (B, m) Sigma^{-1} (y - A x1hat) */
  double *lh;           /* (B) log h or the approximate log-likelihood */
  double *w, *y;        /* (B, D) weighted eigenbasis vectors, their sum */
  double *m1, *sk;      /* (K, B, D) m1_k, s_k (Cov and J only) */
  double *e, *x1hat, *s, *dk; /* (D) */
  double *res, *ax;     /* (m) */
  double *sig;          /* (m, m) Sigma (tweedie) and its factor */
  double *cov, *jhat;   /* (D, D) */
  double *block;        /* the one allocation all the above point into */
} fc_guide_scratch;

static void
fc_guide_plan_free (fc_guide_plan *pl)
{
  free (pl->lconst);
  free (pl->inv_c);
  free (pl->gjt);
  free (pl->gjo);
  free (pl->gs1);
  free (pl->bvel);
  free (pl->av);
  free (pl->gav);
  free (pl->asa);
  free (pl->gchol);
  free (pl->nconst);
  free (pl->s1mat);
  free (pl->jmat);
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
          if (pl->bvel)
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
  double s2 = pl->obs->sigma_y * pl->obs->sigma_y, logdet = 0.0;
  memcpy (gk, asa, m * m * sizeof (double));
  for (size_t i = 0; i < m; i++)
    gk[i * m + i] += s2;
  gsl_matrix_view gv = gsl_matrix_view_array (gk, m, m);
  int status = gsl_linalg_cholesky_decomp1 (&gv.matrix);
  if (status)
    return status;
  for (size_t i = 0; i < m; i++)
    logdet += 2.0 * log (gk[i * m + i]);
  pl->nconst[k] = -0.5 * logdet - 0.5 * m * log (2 * M_PI);
  return GSL_SUCCESS;
}

#define FC_GUIDE_ALLOC(p, count) \
  ((p) = malloc (((count) > 0 ? (count) : 1) * sizeof (double)), (p) != NULL)

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
  if (ok && pl->need_vel)
    ok = FC_GUIDE_ALLOC (pl->bvel, nk * d);
  if (ok && m > 0)
    ok = FC_GUIDE_ALLOC (pl->av, nk * m * d)
         && FC_GUIDE_ALLOC (pl->gav, nk * m * d)
         && FC_GUIDE_ALLOC (pl->asa, nk * m * m);
  if (ok && pl->lik)
    ok = FC_GUIDE_ALLOC (pl->gchol, nk * m * m)
         && FC_GUIDE_ALLOC (pl->nconst, nk);
  if (ok && pl->need_cov)
    ok = FC_GUIDE_ALLOC (pl->s1mat, nk * d * d);
  if (ok && pl->need_jac)
    ok = FC_GUIDE_ALLOC (pl->jmat, nk * d * d);
  if (!ok)
    GSL_ERROR ("out of memory for the guidance constants", GSL_ENOMEM);
  int status = fc_guide_plan_diag (pl);
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

static void
fc_guide_scratch_free (fc_guide_scratch *s)
{
  free (s->block);
  memset (s, 0, sizeof *s);
}

/* Carve the scratch arrays out of one allocation.  */
static int
fc_guide_scratch_alloc (const fc_guide_plan *pl, fc_guide_scratch *s)
{
  const size_t b = FC_GUIDE_CHUNK;
  size_t d = pl->d, nk = pl->nk, m = pl->m;
  size_t nm1 = pl->need_m1 ? nk * b * d : 0;
  size_t nsk = pl->need_jac && !pl->scaled ? nk * b * d : 0;
  size_t nmat = (pl->need_cov || pl->need_jac) ? d * d : 0;
  double **slot[] = { &s->z, &s->l, &s->ln, &s->r, &s->rho, &s->coef,
                      &s->am, &s->as, &s->vk, &s->v, &s->lh, &s->w, &s->y,
                      &s->m1, &s->sk, &s->e, &s->x1hat, &s->s, &s->dk,
                      &s->res, &s->ax, &s->sig, &s->cov, &s->jhat };
  const size_t len[] = { nk * b * d, b * nk, b * nk, b * nk, b * nk, b * nk,
                         b * nk * m, b * nk * m, b * nk * m, b * m, b,
                         b * d, b * d, nm1, nsk, d, d, d, d, m, m, m * m,
                         nmat, nmat };
  size_t total = 0;
  for (size_t i = 0; i < sizeof len / sizeof len[0]; i++)
    total += len[i];
  memset (s, 0, sizeof *s);
  s->block = malloc (total * sizeof (double));
  if (s->block == NULL)
    return GSL_ENOMEM;
  double *p = s->block;
  for (size_t i = 0; i < sizeof len / sizeof len[0]; i++)
    {
      *slot[i] = p;
      p += len[i];
    }
  return GSL_SUCCESS;
}

/* sum_i u_i v_i (w_i, or 1 when W is NULL) with four partial sums (i mod
   4) added in a fixed order: independent multiply-add chains, and the same
   rounding for every point.  */
static inline __attribute__ ((always_inline)) double
fc_guide_dot (size_t d, const double *u, const double *v, const double *w)
{
  double s4[4] = { 0.0, 0.0, 0.0, 0.0 };
  size_t i = 0;
  for (; i + 4 <= d; i += 4)
    for (int r = 0; r < 4; r++)
      s4[r] += u[i + r] * v[i + r] * (w ? w[i + r] : 1.0);
  for (; i < d; i++)
    s4[0] += u[i] * v[i] * (w ? w[i] : 1.0);
  return (s4[0] + s4[1]) + (s4[2] + s4[3]);
}

/* Log-sum-exp of V (n) (+ W). */
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

/* OUT (m) = A V_k IN for component K, IN (D) in its eigenbasis.  */
static inline __attribute__ ((always_inline)) void
fc_guide_project (const fc_guide_plan *pl, size_t k, const double *in,
                  double *out, size_t d)
{
  const double *av = pl->av + k * pl->m * d;
  for (size_t r = 0; r < pl->m; r++)
    out[r] = fc_guide_dot (d, av + r * d, in, NULL);
}

/* Pass 1 for component K over the chunk's NB points X: z_k (one GEMM),
   log w_k N_k, and, when an observation is used, A m1_k, A s_k and the
   likelihood N(y; A m1_k, G_k) with v_k = G_k^{-1} (y - A m1_k).  D is
   pl->d, passed apart so that the caller can make it a constant.  */
static inline __attribute__ ((always_inline)) void
fc_guide_forward (const fc_guide_plan *pl, fc_guide_scratch *s, size_t k,
                  size_t nb, const double *x, size_t d)
{
  const size_t b = FC_GUIDE_CHUNK;
  size_t nk = pl->nk, m = pl->m;
  const double *me = pl->g->mean_eig + k * d, *ic = pl->inv_c + k * d;
  const double *gj = pl->gjt + k * d;
  double alpha = pl->sv.alpha, *zk = s->z + k * b * d;
  fc_gemm (nb, d, x, pl->g->eigvec + k * d * d, zk, 0);
  for (size_t p = 0; p < nb; p++)
    {
      double *z = zk + p * d;
      size_t pk = p * nk + k;
      for (size_t i = 0; i < d; i++)
        z[i] -= alpha * me[i];
      /* With alpha = 0 every component of p_t is N(0, sigma^2 I): r_k =
         w_k exactly, not up to the rounding of the quadratic forms.  */
      s->l[pk] = pl->alpha0 ? pl->g->log_weight[k]
                            : pl->lconst[k] - 0.5 * fc_guide_dot (d, z, z, ic);
      if (!pl->need_am)
        continue;
      for (size_t i = 0; i < d; i++)
        s->e[i] = me[i] + gj[i] * z[i];
      fc_guide_project (pl, k, s->e, s->am + pk * m, d);
      if (pl->need_as)
        {
          for (size_t i = 0; i < d; i++)
            s->e[i] = -z[i] * ic[i];
          fc_guide_project (pl, k, s->e, s->as + pk * m, d);
        }
      if (pl->lik)
        {
          for (size_t r = 0; r < m; r++)
            s->res[r] = pl->obs->y[r] - s->am[pk * m + r];
          double q = fc_chol_solve (m, pl->gchol + k * m * m, s->res,
                                          s->vk + pk * m);
          s->ln[pk] = pl->nconst[k] - 0.5 * q;
        }
    }
}

/* The approximate likelihood at point P of the chunk, given r_k and
   A m1_k: A x1hat, Sigma (factored per point for tweedie), v =
   Sigma^{-1} (y - A x1hat), log N(y; A x1hat, Sigma), and the centred
   coefficients c_k = (s_k - s) . A^T v of the rank-one part (top of
   file).  Returns 2 when Sigma is not positive definite.  */
static int
fc_guide_approx_weights (const fc_guide_plan *pl, fc_guide_scratch *s,
                         size_t p)
{
  size_t nk = pl->nk, m = pl->m;
  const double *r = s->r + p * nk, *am = s->am + p * nk * m;
  double *v = s->v + p * m, *ck = s->coef + p * nk, lconst = pl->sconst;
  const double *chol = pl->schol;
  memset (s->ax, 0, m * sizeof (double));
  for (size_t k = 0; k < nk; k++)
    for (size_t i = 0; i < m; i++)
      s->ax[i] += r[k] * am[k * m + i];
  if (pl->kind == FC_GUIDE_LIK_TWEEDIE)
    {
      double s2 = pl->obs->sigma_y * pl->obs->sigma_y;
      for (size_t i = 0; i < m * m; i++)
        s->sig[i] = 0.0;
      for (size_t k = 0; k < nk; k++)
        for (size_t i = 0; i < m; i++)
          for (size_t j = 0; j <= i; j++)
            s->sig[i * m + j]
              += r[k] * (pl->asa[k * m * m + i * m + j]
                         + (am[k * m + i] - s->ax[i])
                             * (am[k * m + j] - s->ax[j]));
      for (size_t i = 0; i < m; i++)
        {
          s->sig[i * m + i] += s2;
          for (size_t j = i + 1; j < m; j++)
            s->sig[i * m + j] = s->sig[j * m + i];
        }
      gsl_matrix_view sv = gsl_matrix_view_array (s->sig, m, m);
      if (gsl_linalg_cholesky_decomp1 (&sv.matrix))
        return 2;
      double logdet = 0.0;
      for (size_t i = 0; i < m; i++)
        logdet += 2.0 * log (s->sig[i * m + i]);
      lconst = -0.5 * logdet - 0.5 * m * log (2 * M_PI);
      chol = s->sig;
    }
  for (size_t i = 0; i < m; i++)
    s->res[i] = pl->obs->y[i] - s->ax[i];
  s->lh[p] = lconst - 0.5 * fc_chol_solve (m, chol, s->res, v);
  if (!pl->need_vec)
    return 0;
  /* c_k = (A s_k - A s) . v, or (A m1_k - A x1hat) . v / sigma^2 in the
     scaled form; then centred once more, so that sum_k r_k c_k vanishes
     to rounding and the term - x1hat sum_k r_k c_k can be left out.  */
  const double *as = pl->scaled ? am : s->as + p * nk * m;
  if (!pl->scaled)
    {
      memset (s->ax, 0, m * sizeof (double));
      for (size_t k = 0; k < nk; k++)
        for (size_t i = 0; i < m; i++)
          s->ax[i] += r[k] * as[k * m + i];
    }
  double csum = 0.0;
  for (size_t k = 0; k < nk; k++)
    {
      double c = 0.0;
      for (size_t i = 0; i < m; i++)
        c += (as[k * m + i] - s->ax[i]) * v[i];
      ck[k] = pl->scaled ? c / pl->sv.sigma2 : c;
      csum += r[k] * ck[k];
    }
  for (size_t k = 0; k < nk; k++)
    ck[k] -= csum;
  return 0;
}

/* Responsibilities and the per-point likelihood of point P of the chunk.
   Returns 2 when the tweedie Sigma is not positive definite.  */
static int
fc_guide_weights (const fc_guide_plan *pl, fc_guide_scratch *s, size_t p)
{
  size_t nk = pl->nk;
  const double *l = s->l + p * nk, *ln = s->ln + p * nk;
  double *r = s->r + p * nk;
  double lse = fc_guide_lse (nk, l, NULL);
  for (size_t k = 0; k < nk; k++)
    r[k] = exp (l[k] - lse);
  if (pl->lik)
    {
      double lse2 = fc_guide_lse (nk, l, ln);
      s->lh[p] = lse2 - lse;
      for (size_t k = 0; k < nk; k++)
        {
          double rho = exp (l[k] + ln[k] - lse2);
          s->rho[p * nk + k] = rho;
          s->coef[p * nk + k] = pl->scaled ? (rho - r[k]) / pl->sv.sigma2
                                           : rho - r[k];
        }
    }
  if (pl->approx)
    return fc_guide_approx_weights (pl, s, p);
  return 0;
}

/* Pass 2 for component K: the row of W for each point (the gradient's
   eigenbasis vector of component K, plus the prior velocity's for a
   guided field), then Y += W V_k^T.  In the eigenbasis J_k A^T v (or
   J_k A^T v / alpha) is sum_r v_r (row r of A V_k diag(gjo)).  */
static inline __attribute__ ((always_inline)) void
fc_guide_backward (const fc_guide_plan *pl, fc_guide_scratch *s, size_t k,
                   size_t nb, size_t d)
{
  const size_t b = FC_GUIDE_CHUNK;
  size_t nk = pl->nk, m = pl->m;
  const double *me = pl->g->mean_eig + k * d, *ic = pl->inv_c + k * d;
  const double *gj = pl->gjt + k * d, *gav = pl->gav + k * m * d;
  const double *bv = pl->bvel + k * d, *zk = s->z + k * b * d;
  double da = pl->sv.dalpha, cf = pl->need_vel ? pl->cfac : 1.0;
  for (size_t p = 0; p < nb; p++)
    {
      const double *z = zk + p * d;
      double *w = s->w + p * d, rk = s->r[p * nk + k];
      double ck = s->coef[p * nk + k], cv;
      const double *v;
      if (pl->lik)
        {
          /* (rho_k - r_k) s_k + rho_k jt_k, or in the scaled form
             (rho_k - r_k) m1_k / sigma^2 + rho_k jt_k / alpha.  */
          v = s->vk + (p * nk + k) * m;
          cv = cf * s->rho[p * nk + k];
          if (pl->scaled)
            for (size_t i = 0; i < d; i++)
              w[i] = cf * ck * (me[i] + gj[i] * z[i]);
          else
            for (size_t i = 0; i < d; i++)
              w[i] = cf * ck * (-z[i] * ic[i]);
        }
      else
        {
          /* r_k (J_k w + c_k m1_k) (or J_k w / alpha + ...).  */
          v = s->v + p * m;
          cv = cf * rk;
          for (size_t i = 0; i < d; i++)
            w[i] = cf * rk * ck * (me[i] + gj[i] * z[i]);
        }
      if (pl->need_vel)
        for (size_t i = 0; i < d; i++)
          w[i] += rk * (da * me[i] + bv[i] * z[i]);
      for (size_t r = 0; r < m; r++)
        {
          double c = cv * v[r];
          for (size_t i = 0; i < d; i++)
            w[i] += c * gav[r * d + i];
        }
    }
  fc_gemm (nb, d, s->w, pl->g->eigvec_t + k * d * d, s->y, 1);
}

/* m1_k (and s_k for J in the direct form) of every point of the chunk,
   for x1hat, Cov and J: one GEMM per component and vector.  */
static inline __attribute__ ((always_inline)) void
fc_guide_component_vectors (const fc_guide_plan *pl, fc_guide_scratch *s,
                            size_t k, size_t nb, size_t d)
{
  const size_t b = FC_GUIDE_CHUNK;
  const double *me = pl->g->mean_eig + k * d, *ic = pl->inv_c + k * d;
  const double *gj = pl->gjt + k * d, *zk = s->z + k * b * d;
  const double *vt = pl->g->eigvec_t + k * d * d;
  for (size_t p = 0; p < nb; p++)
    for (size_t i = 0; i < d; i++)
      s->w[p * d + i] = me[i] + gj[i] * zk[p * d + i];
  fc_gemm (nb, d, s->w, vt, s->m1 + k * b * d, 0);
  if (!pl->need_jac || pl->scaled)
    return;
  for (size_t p = 0; p < nb; p++)
    for (size_t i = 0; i < d; i++)
      s->w[p * d + i] = -zk[p * d + i] * ic[i];
  fc_gemm (nb, d, s->w, vt, s->sk + k * b * d, 0);
}

/* x1hat, Cov and jhat (= J, or J/alpha in the scaled form) at point P of
   the chunk.  Cov is made exactly symmetric (its upper triangle is copied
   from the lower one), since it is a covariance that callers factor.  */
static void
fc_guide_matrices (const fc_guide_plan *pl, fc_guide_scratch *s, size_t p)
{
  const size_t b = FC_GUIDE_CHUNK;
  size_t d = pl->d, dd = d * d, nk = pl->nk;
  const double *r = s->r + p * nk;
  memset (s->x1hat, 0, d * sizeof (double));
  memset (s->s, 0, d * sizeof (double));
  for (size_t k = 0; k < nk; k++)
    for (size_t i = 0; i < d; i++)
      {
        s->x1hat[i] += r[k] * s->m1[(k * b + p) * d + i];
        if (pl->need_jac && !pl->scaled)
          s->s[i] += r[k] * s->sk[(k * b + p) * d + i];
      }
  if (!pl->need_cov && !pl->need_jac)
    return;
  if (pl->need_cov)
    memset (s->cov, 0, dd * sizeof (double));
  if (pl->need_jac)
    memset (s->jhat, 0, dd * sizeof (double));
  for (size_t k = 0; k < nk; k++)
    {
      const double *m1 = s->m1 + (k * b + p) * d;
      /* dk = s_k - s (direct form) or (m1_k - x1hat)/sigma^2 = (s_k -
         s)/alpha (scaled form).  */
      for (size_t i = 0; pl->need_jac && i < d; i++)
        s->dk[i] = pl->scaled ? (m1[i] - s->x1hat[i]) / pl->sv.sigma2
                              : s->sk[(k * b + p) * d + i] - s->s[i];
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

/* Store the fc_guide_eval results of point P of the chunk (P0 + P
   overall).  Returns 1 when one is not finite.  */
static int
fc_guide_store_eval (const fc_guide_plan *pl, fc_guide_scratch *s, size_t p,
                     size_t p0)
{
  const fc_guide_out *out = pl->eo;
  size_t d = pl->d, dd = d * d, q = p0 + p;
  const double *vec = s->y + p * d;
  int bad = 0;
  if (pl->need_m1)
    fc_guide_matrices (pl, s, p);
  for (size_t i = 0; i < d; i++)
    {
      if (out->x1hat)
        bad |= !isfinite (out->x1hat[q * d + i] = s->x1hat[i]);
      if (out->grad)
        bad |= !isfinite (out->grad[q * d + i] = pl->gfac * vec[i]);
      if (out->cgrad)
        bad |= !isfinite (out->cgrad[q * d + i] = pl->cfac * vec[i]);
    }
  for (size_t i = 0; i < dd; i++)
    {
      if (out->cov)
        bad |= !isfinite (out->cov[q * dd + i] = s->cov[i]);
      if (out->jac)
        bad |= !isfinite (out->jac[q * dd + i] = pl->gfac * s->jhat[i]);
    }
  if (out->logh)
    bad |= !isfinite (out->logh[q] = s->lh[p]);
  return bad;
}

/* Store the fc_guide_approx results (or the guided velocity) of point P.
   Returns 1 when one is not finite.  */
static int
fc_guide_store_approx (const fc_guide_plan *pl, const fc_guide_scratch *s,
                       size_t p, size_t p0)
{
  size_t d = pl->d, m = pl->m, q = p0 + p;
  const double *vec = s->y + p * d;
  int bad = 0;
  if (pl->u)
    {
      for (size_t i = 0; i < d; i++)
        bad |= !isfinite (pl->u[q * d + i] = vec[i]);
      return bad;
    }
  const fc_guide_approx_out *o = pl->ao;
  if (o->loglik)
    bad |= !isfinite (o->loglik[q] = s->lh[p]);
  for (size_t i = 0; i < d; i++)
    {
      if (o->grad)
        bad |= !isfinite (o->grad[q * d + i] = pl->gfac * vec[i]);
      if (o->cgrad)
        bad |= !isfinite (o->cgrad[q * d + i] = pl->cfac * vec[i]);
    }
  for (size_t i = 0; o->note && i < m; i++)
    bad |= !isfinite (o->note[q * m + i] = s->v[p * m + i]);
  return bad;
}

/* Both passes over the components for the NB points X of the chunk.  */
static inline __attribute__ ((always_inline)) int
fc_guide_chunk_body (const fc_guide_plan *pl, fc_guide_scratch *s,
                     size_t nb, const double *x, size_t d)
{
  int fail = 0;
  for (size_t k = 0; k < pl->nk; k++)
    fc_guide_forward (pl, s, k, nb, x, d);
  for (size_t p = 0; p < nb; p++)
    fail |= fc_guide_weights (pl, s, p);
  if (fail)
    return 2;
  if (pl->need_vec || pl->need_vel)
    {
      memset (s->y, 0, nb * d * sizeof (double));
      for (size_t k = 0; k < pl->nk; k++)
        fc_guide_backward (pl, s, k, nb, d);
    }
  if (pl->need_m1)
    for (size_t k = 0; k < pl->nk; k++)
      fc_guide_component_vectors (pl, s, k, nb, d);
  return 0;
}

/* The points P0 .. P0+NB-1 of X.  Returns 0, 1 when a result is not
   finite, 2 when a tweedie Sigma is not positive definite.

   Compiled twice, the ISA chosen at run time by the ifunc resolver of
   target_clones as in fc_path.c: the "fma" clone (AVX + FMA) where the CPU
   has it, the portable default elsewhere; one clone serves a whole run, so
   results stay bitwise reproducible on a given machine.  */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
__attribute__ ((target_clones ("fma", "default")))
#endif
static int
fc_guide_chunk (const fc_guide_plan *pl, fc_guide_scratch *s, size_t p0,
                size_t nb, const double *x)
{
  size_t d = pl->d;
  const double *xc = x + p0 * d;
  /* D = 2 (the toy data sets) gets its own copy with constant loop
     bounds: there the per-point overheads, not the flops, set the speed. */
  int st = d == 2 ? fc_guide_chunk_body (pl, s, nb, xc, 2)
                  : fc_guide_chunk_body (pl, s, nb, xc, d);
  if (st)
    return st;
  int bad = 0;
  for (size_t p = 0; p < nb; p++)
    bad |= pl->eo ? fc_guide_store_eval (pl, s, p, p0)
                  : fc_guide_store_approx (pl, s, p, p0);
  return bad;
}

/* Every chunk, OpenMP over chunks; per-thread scratch allocated once.  */
static int
fc_guide_run (const fc_guide_plan *pl, size_t n, const double *x)
{
  size_t n_chunks = (n + FC_GUIDE_CHUNK - 1) / FC_GUIDE_CHUNK;
  int nomem = 0, bad = 0, fail = 0;
#pragma omp parallel if (n_chunks > 1) reduction(| : nomem, bad, fail)
  {
    fc_guide_scratch s;
    int ok = fc_guide_scratch_alloc (pl, &s) == GSL_SUCCESS;
    nomem |= !ok;
#pragma omp for schedule(static)
    for (size_t c = 0; c < n_chunks; c++)
      if (ok)
        {
          size_t p0 = c * FC_GUIDE_CHUNK;
          int st = fc_guide_chunk (pl, &s, p0,
                                   GSL_MIN (FC_GUIDE_CHUNK, n - p0), x);
          bad |= st == 1;
          fail |= st > 1;
        }
    if (ok)
      fc_guide_scratch_free (&s);
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

/* The plan of the exact likelihood; OUT (fc_guide_eval) or U (the
   exact-split field's velocity) receives the results.  */
static int
fc_guide_eval_plan (fc_guide_plan *pl, const fc_gmm *g, fc_schedule s,
                    double t, const fc_obs *obs, size_t n, const double *x,
                    const fc_guide_out *out, double *u)
{
  memset (pl, 0, sizeof *pl);
  if (out == NULL && u == NULL)
    GSL_ERROR ("no output record", GSL_EINVAL);
  int status = fc_schedule_eval (s, t, &pl->sv);
  if (status)
    return status;
  if (u != NULL)
    {
      static const fc_guide_out none = { 0 };
      out = &none;
      pl->lik = pl->need_vel = 1;
      pl->u = u;
    }
  else
    {
      pl->lik = out->logh != NULL || out->grad != NULL || out->cgrad != NULL;
      pl->eo = out;
    }
  if (pl->lik && obs == NULL)
    GSL_ERROR ("the likelihood needs an observation", GSL_EINVAL);
  status = fc_guide_check (g, pl->lik ? obs : NULL, n, x);
  if (status)
    return status;
  pl->g = g;
  pl->obs = pl->lik ? obs : NULL;
  pl->d = g->dim;
  pl->nk = g->n_comp;
  pl->m = pl->lik ? obs->m : 0;
  pl->need_am = pl->lik;
  pl->need_vec = out->grad != NULL || out->cgrad != NULL;
  pl->need_cov = out->cov != NULL;
  pl->need_jac = out->jac != NULL;
  pl->need_m1 = out->x1hat != NULL || pl->need_cov || pl->need_jac;
  return fc_guide_plan_init (pl);
}

int
fc_guide_eval (const fc_gmm *g, fc_schedule s, double t, const fc_obs *obs,
               size_t n, const double *x, const fc_guide_out *out)
{
  fc_guide_plan pl;
  int status = fc_guide_eval_plan (&pl, g, s, t, obs, n, x, out, NULL);
  if (status == GSL_SUCCESS && n > 0)
    status = fc_guide_run (&pl, n, x);
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
fc_guide_approx_recon (fc_guide_plan *pl, double gamma)
{
  size_t m = pl->m, d = pl->d;
  double kappa = gamma == 0.0 ? 0.0
                 : gamma * pl->sv.sigma2 / (pl->sv.alpha * pl->sv.alpha);
  if (isinf (kappa))
    {
      pl->limit = 1;
      return GSL_SUCCESS;
    }
  pl->schol = malloc (m * m * sizeof (double));
  if (pl->schol == NULL)
    GSL_ERROR ("out of memory for Sigma_gamma", GSL_ENOMEM);
  gsl_matrix_const_view a = gsl_matrix_const_view_array (pl->obs->a, m, d);
  gsl_matrix_view sv = gsl_matrix_view_array (pl->schol, m, m);
  gsl_blas_dsyrk (CblasLower, CblasNoTrans, kappa, &a.matrix, 0.0,
                  &sv.matrix);
  for (size_t i = 0; i < m; i++)
    pl->schol[i * m + i] += pl->obs->sigma_y * pl->obs->sigma_y;
  return fc_guide_factor_sigma (m, pl->schol, &pl->sconst);
}

/* Outputs of every point in the limit case (reconstruction with gamma > 0
   at alpha = 0, fc_guide.h).  */
static void
fc_guide_approx_limit (const fc_guide_plan *pl, size_t n)
{
  size_t d = pl->d, m = pl->m;
  const fc_guide_approx_out *o = pl->ao;
  for (size_t p = 0; p < n; p++)
    {
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
}

/* The plan of an approximate likelihood of KIND; OUT (fc_guide_approx) or
   U (a guided field's velocity) receives the results.  */
static int
fc_guide_approx_plan (fc_guide_plan *pl, const fc_gmm *g, fc_schedule s,
                      double t, const fc_obs *obs, fc_guide_lik kind,
                      double gamma, size_t n, const double *x,
                      const fc_guide_approx_out *out, double *u)
{
  memset (pl, 0, sizeof *pl);
  if ((out == NULL && u == NULL) || obs == NULL)
    GSL_ERROR ("no output record or no observation", GSL_EINVAL);
  if ((int) kind < 0 || kind >= FC_GUIDE_LIK_COUNT)
    GSL_ERROR ("unknown approximate likelihood", GSL_EINVAL);
  if (kind == FC_GUIDE_LIK_RECONSTRUCTION
      && !(gamma >= 0.0 && isfinite (gamma)))
    GSL_ERROR ("gamma must be finite and >= 0", GSL_EDOM);
  int status = fc_schedule_eval (s, t, &pl->sv);
  if (status)
    return status;
  status = fc_guide_check (g, obs, n, x);
  if (status)
    return status;
  if (out != NULL && out->note != NULL && obs->m != g->dim)
    GSL_ERROR ("the note's vector Sigma^{-1} (y - A x1hat) has m entries: "
               "comparable with a gradient only when m = D", GSL_EBADLEN);
  pl->g = g;
  pl->obs = obs;
  pl->d = g->dim;
  pl->nk = g->n_comp;
  pl->m = obs->m;
  pl->approx = 1;
  pl->kind = kind;
  pl->need_am = 1;
  pl->need_vel = u != NULL;
  pl->need_vec = u != NULL || out->grad != NULL || out->cgrad != NULL;
  pl->ao = out;
  pl->u = u;
  status = fc_guide_plan_init (pl);
  pl->need_as = pl->need_vec && !pl->scaled;
  if (status == GSL_SUCCESS && kind == FC_GUIDE_LIK_RECONSTRUCTION)
    status = fc_guide_approx_recon (pl, gamma);
  return status;
}

int
fc_guide_approx (const fc_gmm *g, fc_schedule s, double t, const fc_obs *obs,
                 fc_guide_lik kind, double gamma, size_t n, const double *x,
                 const fc_guide_approx_out *out)
{
  fc_guide_plan pl;
  int status = fc_guide_approx_plan (&pl, g, s, t, obs, kind, gamma, n, x,
                                     out, NULL);
  if (status == GSL_SUCCESS && pl.limit)
    fc_guide_approx_limit (&pl, n);
  else if (status == GSL_SUCCESS && n > 0)
    status = fc_guide_run (&pl, n, x);
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

/* U (n, D) = u_t + c_t grad log h of the exact-split, reconstruction or
   tweedie field F, in one run over the chunks: the prior velocity shares
   z_k and the GEMMs with the guidance term (top of file).  In the limit
   case of reconstruction (gamma > 0 at alpha = 0) the term is 0 and U is
   the prior velocity of fc_path.  */
static int
fc_guide_field_fused (const fc_guide_field *f, double t, size_t n,
                      const double *x, double *u)
{
  fc_guide_plan pl;
  int status;
  if (f->method == FC_GUIDE_EXACT_SPLIT)
    status = fc_guide_eval_plan (&pl, f->prior, f->s, t, f->obs, n, x, NULL,
                                 u);
  else
    status = fc_guide_approx_plan (
      &pl, f->prior, f->s, t, f->obs,
      f->method == FC_GUIDE_TWEEDIE ? FC_GUIDE_LIK_TWEEDIE
                                    : FC_GUIDE_LIK_RECONSTRUCTION,
      f->gamma, n, x, NULL, u);
  if (status == GSL_SUCCESS && pl.limit)
    {
      fc_path_field_params prior = { f->prior, f->s };
      status = fc_path_field_velocity (t, n, x, u, NULL, &prior);
    }
  else if (status == GSL_SUCCESS && n > 0)
    status = fc_guide_run (&pl, n, x);
  fc_guide_plan_free (&pl);
  return status;
}

/* TERM (n, D) = c_t times the note's vector.  It is multiplied by c_t
   itself: it is no gradient of a likelihood whose scaled form could be
   taken, and with gamma = 0 it diverges like c_t as alpha -> 0 (GSL_EDOM
   at alpha = 0).  */
static int
fc_guide_field_note (const fc_guide_field *f, double t, size_t n,
                     const double *x, double *term)
{
  fc_guide_approx_out ao = { 0 };
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
  if (f->method != FC_GUIDE_NOTE)
    return fc_guide_field_fused (f, t, n, x, u);
  size_t nd = n * f->prior->dim;
  double *term = malloc ((nd > 0 ? nd : 1) * sizeof (double));
  if (term == NULL)
    GSL_ERROR ("no memory for the guidance term", GSL_ENOMEM);
  int status = fc_path_field_velocity (t, n, x, u, NULL, &prior);
  if (status == GSL_SUCCESS)
    status = fc_guide_field_note (f, t, n, x, term);
  for (size_t i = 0; status == GSL_SUCCESS && i < nd; i++)
    u[i] += term[i];
  free (term);
  return status;
}
