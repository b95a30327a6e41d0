/* src/fc_guide_kernel.c -- the chunked evaluation of fc_guide
 * (fc_guide_internal.h): two passes over the components per chunk of
 * points, with the per-point work between them (fc_guide_exact.c,
 * fc_guide_approx.c).  Only the passes are compiled per ISA (fc_guide_chunk
 * below); the per-point functions are compiled once, for the portable ISA,
 * and called by every clone.
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
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_carve.h"
#include "fc_chol.h"
#include "fc_gemm.h"
#include "fc_guide_internal.h"

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
  memset (s, 0, sizeof *s);
  s->block = FC_CARVE (slot, len);
  return s->block != NULL ? GSL_SUCCESS : GSL_ENOMEM;
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
                  size_t nb, const double *x, size_t d, int wide)
{
  const size_t b = FC_GUIDE_CHUNK;
  size_t nk = pl->nk, m = pl->m;
  const double *me = pl->g->mean_eig + k * d, *ic = pl->inv_c + k * d;
  const double *gj = pl->gjt + k * d;
  double alpha = pl->sv.alpha, *zk = s->z + k * b * d;
  fc_gemm_ex (nb, d, x, pl->g->eigvec + k * d * d, zk, 0, FC_GEMM_FULL, wide);
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

/* Pass 2 for component K: the row of W for each point (the gradient's
   eigenbasis vector of component K, plus the prior velocity's for a
   guided field), then Y += W V_k^T.  In the eigenbasis J_k A^T v (or
   J_k A^T v / alpha) is sum_r v_r (row r of A V_k diag(gjo)).  */
static inline __attribute__ ((always_inline)) void
fc_guide_backward (const fc_guide_plan *pl, fc_guide_scratch *s, size_t k,
                   size_t nb, size_t d, int wide)
{
  const size_t b = FC_GUIDE_CHUNK;
  size_t nk = pl->nk, m = pl->m;
  /* The loops over i are vectorised (omp simd: -O2 alone does not, for
     an unknown trip count), and restrict says W is written only through
     w: the same operations per element, so the same bits.  Scalar, they
     loaded and stored w[i] once per double and per r.  */
  const double *restrict me = pl->g->mean_eig + k * d;
  const double *restrict ic = pl->inv_c + k * d;
  const double *restrict gj = pl->gjt + k * d;
  const double *restrict gav = pl->gav + k * m * d;
  const double *restrict bv = pl->bvel + k * d;
  const double *zk = s->z + k * b * d;
  double da = pl->sv.dalpha, cf = pl->need_vel ? pl->cfac : 1.0;
  for (size_t p = 0; p < nb; p++)
    {
      const double *restrict z = zk + p * d;
      double *restrict w = s->w + p * d, rk = s->r[p * nk + k];
      double ck = s->coef[p * nk + k], cv;
      const double *v;
      if (pl->lik)
        {
          /* (rho_k - r_k) s_k + rho_k jt_k, or in the scaled form
             (rho_k - r_k) m1_k / sigma^2 + rho_k jt_k / alpha.  */
          v = s->vk + (p * nk + k) * m;
          cv = cf * s->rho[p * nk + k];
          if (pl->scaled)
#pragma omp simd
            for (size_t i = 0; i < d; i++)
              w[i] = cf * ck * (me[i] + gj[i] * z[i]);
          else
#pragma omp simd
            for (size_t i = 0; i < d; i++)
              w[i] = cf * ck * (-z[i] * ic[i]);
        }
      else
        {
          /* r_k (J_k w + c_k m1_k) (or J_k w / alpha + ...).  */
          v = s->v + p * m;
          cv = cf * rk;
#pragma omp simd
          for (size_t i = 0; i < d; i++)
            w[i] = cf * rk * ck * (me[i] + gj[i] * z[i]);
        }
      if (pl->need_vel)
#pragma omp simd
        for (size_t i = 0; i < d; i++)
          w[i] += rk * (da * me[i] + bv[i] * z[i]);
      for (size_t r = 0; r < m; r++)
        {
          double c = cv * v[r];
#pragma omp simd
          for (size_t i = 0; i < d; i++)
            w[i] += c * gav[r * d + i];
        }
    }
  fc_gemm_ex (nb, d, s->w, pl->g->eigvec_t + k * d * d, s->y, 1,
              FC_GEMM_FULL, wide);
}

/* m1_k (and s_k for J in the direct form) of every point of the chunk,
   for x1hat, Cov and J: one GEMM per component and vector.  */
static inline __attribute__ ((always_inline)) void
fc_guide_component_vectors (const fc_guide_plan *pl, fc_guide_scratch *s,
                            size_t k, size_t nb, size_t d, int wide)
{
  const size_t b = FC_GUIDE_CHUNK;
  const double *me = pl->g->mean_eig + k * d, *ic = pl->inv_c + k * d;
  const double *gj = pl->gjt + k * d, *zk = s->z + k * b * d;
  const double *vt = pl->g->eigvec_t + k * d * d;
  for (size_t p = 0; p < nb; p++)
    for (size_t i = 0; i < d; i++)
      s->w[p * d + i] = me[i] + gj[i] * zk[p * d + i];
  fc_gemm_ex (nb, d, s->w, vt, s->m1 + k * b * d, 0, FC_GEMM_FULL, wide);
  if (!pl->need_jac || pl->scaled)
    return;
  for (size_t p = 0; p < nb; p++)
    for (size_t i = 0; i < d; i++)
      s->w[p * d + i] = -zk[p * d + i] * ic[i];
  fc_gemm_ex (nb, d, s->w, vt, s->sk + k * b * d, 0, FC_GEMM_FULL, wide);
}

/* Both passes over the components for the NB points X of the chunk;
   WIDE: fc_gemm's 16-column blocks (same bits, fc_gemm.h).  */
static inline __attribute__ ((always_inline)) int
fc_guide_chunk_body (const fc_guide_plan *pl, fc_guide_scratch *s,
                     size_t nb, const double *x, size_t d, int wide)
{
  int fail = 0;
  for (size_t k = 0; k < pl->nk; k++)
    fc_guide_forward (pl, s, k, nb, x, d, wide);
  for (size_t p = 0; p < nb; p++)
    fail |= fc_guide_weights (pl, s, p);
  if (fail)
    return 2;
  if (pl->need_vec || pl->need_vel)
    {
      memset (s->y, 0, nb * d * sizeof (double));
      for (size_t k = 0; k < pl->nk; k++)
        fc_guide_backward (pl, s, k, nb, d, wide);
    }
  if (pl->need_m1)
    for (size_t k = 0; k < pl->nk; k++)
      fc_guide_component_vectors (pl, s, k, nb, d, wide);
  return 0;
}

/* The points P0 .. P0+NB-1 of X.  Returns 0, 1 when a result is not
   finite, 2 when a tweedie Sigma is not positive definite.

   Compiled three times, the ISA chosen at run time by the ifunc resolver
   of target_clones as in fc_path.c: the x86-64-v4 clone (AVX-512) where
   the CPU has it, with fc_gemm's 16-column blocks (G6's D = 80 fields:
   1.6x the 8-column AVX2 blocks), the "fma" clone (AVX + FMA), the
   portable default elsewhere.  The wide and narrow blocks make the same
   multiply-adds in the same order (fc_gemm.h), and the rest of the code
   has no reduction a vector width could reorder, so the v4 and fma clones
   give the same bits; one clone serves a whole run.  */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
__attribute__ ((target_clones ("arch=x86-64-v4", "fma", "default")))
#endif
static int
fc_guide_chunk (const fc_guide_plan *pl, fc_guide_scratch *s, size_t p0,
                size_t nb, const double *x)
{
  size_t d = pl->d;
  const double *xc = x + p0 * d;
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
  int wide = d >= 16 && __builtin_cpu_supports ("avx512f");
#else
  int wide = 0;
#endif
  /* D = 2 (the toy data sets) gets its own copy with constant loop
     bounds: there the per-point overheads, not the flops, set the speed. */
  int st = d == 2 ? fc_guide_chunk_body (pl, s, nb, xc, 2, 0)
                  : fc_guide_chunk_body (pl, s, nb, xc, d, wide);
  if (st)
    return st;
  int bad = 0;
  for (size_t p = 0; p < nb; p++)
    bad |= pl->eo ? fc_guide_store_eval (pl, s, p, p0)
                  : fc_guide_store_approx (pl, s, p, p0);
  return bad;
}

/* Every chunk, OpenMP over chunks; per-thread scratch allocated once.  */
int
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
