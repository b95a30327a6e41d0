/* src/fc_path_kernel.c -- the chunk kernels of the exact path quantities
 * (fc_path.c for the formulas in the eigenbasis, fc_path_chol.c for the
 * Cholesky form), one variant per instruction set, and the dispatch.
 *
 * Shape of the computation.  Points are cut into chunks of FC_PATH_CHUNK;
 * OpenMP shares chunks among threads (fc_path.c) and nothing is reduced
 * across chunks, so every point's result is the same whatever the thread
 * count.  Within a chunk, per component, a product of the chunk with one
 * D x D matrix gives the component's coordinates of every point (the
 * triangular Y = X L^{-T} of the Cholesky form, or Z = X V in the
 * eigenbasis), then per point the log-density and an unnormalised weight
 * by an online log-sum-exp (running maximum, rescaling the accumulators
 * when it grows), then per requested vector quantity one product Y += W R
 * of the weighted coordinates.  The Cholesky form costs D^2 + 2 D^2 flops
 * per point, component and quantity, the eigenbasis 2 D^2 + 2 D^2; with
 * the quantities affine in the score (fc_path_chol.c) two triangular
 * products, D^2 + D^2, for all of them.  At D <= FC_PATH_SMALL_D the
 * Cholesky form runs across vector lanes instead (fc_path_small.h).
 *
 * Variants.  The whole chunk (the products, fc_gemm.h, and the per-point
 * work, inlined) is compiled three times from one body: AVX-512 (8 x 16
 * register blocks of 8-double vectors), AVX2 + FMA (6 x 8 blocks of
 * 4-double vectors) and the portable baseline, chosen per call by
 * fc_path_isa_current (the best the CPU supports, or the one a test
 * forces).  The AVX-512 and AVX2 variants perform the same fused
 * multiply-adds in the same order on every element, so their results are
 * bitwise equal (tests/check_path_isa.c asserts it).  That needs every sum
 * written as an accumulator plus one product at a time: in a * b + c * d
 * the compiler may fuse either product, and two variants may choose
 * differently.  The exponentials are fc_exp.h's, the same code per lane.  The baseline has no FMA:
 * each a * b + c is rounded twice, so its results differ from the others
 * by the rounding of the products, a few eps times the condition of the
 * solve (tests/check_path_isa.c bounds it).  Code outside the variants
 * (the plans) is compiled once, for the baseline.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_exp.h"
#include "fc_gemm.h"
#include "fc_path_internal.h"
#include "fc_path_small.h"

/* sum_i u_i v_i w_i with four partial sums (i mod 4) added in a fixed
   order: four independent FMA chains instead of one (the quadratic forms
   sit on the critical path of every point and component), and the same
   rounding for every point, whatever its place in the chunk.  */
static inline __attribute__ ((always_inline)) double
fc_path_wdot (size_t d, const double *u, const double *v, const double *w)
{
  double s4[4] = { 0.0, 0.0, 0.0, 0.0 };
  size_t i = 0;
  for (; i + 4 <= d; i += 4)
    for (int r = 0; r < 4; r++)
      s4[r] += u[i + r] * v[i + r] * w[i + r];
  for (; i < d; i++)
    s4[0] += u[i] * v[i] * w[i];
  return (s4[0] + s4[1]) + (s4[2] + s4[3]);
}

/* sum_i z_i^2, four partial sums as in fc_path_wdot.  */
static inline __attribute__ ((always_inline)) double
fc_path_sumsq (size_t d, const double *z)
{
  double s4[4] = { 0.0, 0.0, 0.0, 0.0 };
  size_t i = 0;
  for (; i + 4 <= d; i += 4)
    for (int r = 0; r < 4; r++)
      s4[r] += z[i + r] * z[i + r];
  for (; i < d; i++)
    s4[0] += z[i] * z[i];
  return (s4[0] + s4[1]) + (s4[2] + s4[3]);
}

/* Multiply every accumulator of point P by SCALE (the running maximum of
   the log-sum-exp grew).  */
static inline __attribute__ ((always_inline)) void
fc_path_rescale (const fc_path_plan *pl, fc_path_scratch *s, size_t p,
                 double scale)
{
  size_t d = pl->d, bd = FC_PATH_CHUNK * d;
  s->ssum[p] *= scale;
  s->tdiv[p] *= scale;
  for (int q = 0; q < VQ_COUNT; q++)
    if (pl->need_vq[q])
      for (size_t i = 0; i < d; i++)
        s->y[q * bd + p * d + i] *= scale;
}

/* The unnormalised weight of a component at point P whose log w_k N_k is
   L: online log-sum-exp.  */
static inline __attribute__ ((always_inline)) double
fc_path_weight_of (const fc_path_plan *pl, fc_path_scratch *s, size_t p,
                   double l)
{
  /* A weight that underflowed in fc_gmm_prepare (log w_k = -inf, a ratio
     below 2^-1074 to the largest) contributes nothing; it must not meet
     the initial maximum -inf in exp (-inf - -inf) = NaN.  */
  if (l == -INFINITY)
    return 0.0;
  if (l > s->m[p])
    {
      if (s->m[p] > -INFINITY)
        fc_path_rescale (pl, s, p, fc_exp_nonpos (s->m[p] - l));
      s->m[p] = l;
      return 1.0;
    }
  return fc_exp_nonpos (l - s->m[p]);
}

/* The unnormalised weight of component K at point P, given Z (centred and
   rotated).  With alpha = 0 every component has the same law N(0, sigma^2
   I), so the weight is w_k itself (r_k = w_k exactly, not up to rounding
   of the quadratic forms).  */
static inline __attribute__ ((always_inline)) double
fc_path_weight (const fc_path_plan *pl, fc_path_scratch *s, size_t k,
                size_t p, const double *z, size_t d)
{
  if (pl->alpha0)
    return pl->g->weight[k];
  return fc_path_weight_of (
    pl, s, p, pl->lconst[k] - 0.5 * fc_path_wdot (d, z, z, pl->inv_c + k * d));
}

/* e (tr B_k + s_k . u_k) for the divergence (see the top of the file). */
static inline __attribute__ ((always_inline)) double
fc_path_div_term (const fc_path_plan *pl, size_t k, const double *z,
                  size_t d)
{
  const double *ic = pl->inv_c + k * d;
  const double *me = pl->g->mean_eig + k * d;
  double zm = fc_path_wdot (d, z, me, ic);
  double bzz = fc_path_wdot (d, z, z, pl->bic + k * d);
  return pl->sumb[k] - pl->sv.dalpha * zm - bzz;
}

/* Component K's contribution to the NB points X of the chunk.  D is
   pl->d, passed separately so that the caller can make it a constant.  */
static inline __attribute__ ((always_inline)) void
fc_path_chunk_component (const fc_path_plan *pl, fc_path_scratch *s,
                         size_t k, size_t nb, const double *x, size_t d,
                         int wide)
{
  size_t kd = pl->nk * d, bd = FC_PATH_CHUNK * d;
  const double *amu = pl->amu + k * d;
  fc_gemm_ex (nb, d, x, pl->g->eigvec + k * d * d, s->z, 0, FC_GEMM_FULL,
              wide);
  for (size_t p = 0; p < nb; p++)
    {
      double *z = s->z + p * d;
#pragma omp simd
      for (size_t i = 0; i < d; i++)
        z[i] -= amu[i];
      double e = fc_path_weight (pl, s, k, p, z, d);
      s->e[p] = e;
      s->ssum[p] += e;
      if (pl->need_div)
        s->tdiv[p] += e * fc_path_div_term (pl, k, z, d);
    }
  for (int q = 0; q < VQ_COUNT; q++)
    {
      if (!pl->need_vq[q])
        continue;
      const double *gq = pl->gdiag + q * kd + k * d;
      /* a mean_eig precomputed: one product per sum, so one way to fuse
         it (fc_path_small.h).  */
      const double *ame = pl->ame + q * kd + k * d;
      for (size_t p = 0; p < nb; p++)
        {
          const double *z = s->z + p * d;
          double *w = s->w + p * d, e = s->e[p];
#pragma omp simd
          for (size_t i = 0; i < d; i++)
            w[i] = e * (ame[i] + gq[i] * z[i]);
        }
      fc_gemm_ex (nb, d, s->w, pl->g->eigvec_t + k * d * d, s->y + q * bd,
                  1, FC_GEMM_FULL, wide);
    }
}

/* Component K's contribution to the NB points X of the chunk in the
   Cholesky form (fc_path_chol.c): Y = X L^{-T} - (L^{-1} alpha mu)^T, the
   weight from |y|^2, W = e Y, then per quantity Y_q += W R_q and the mean
   term e a mu_k.  */
static inline __attribute__ ((always_inline)) void
fc_path_chol_chunk_component (const fc_path_plan *pl, fc_path_scratch *s,
                              size_t k, size_t nb, const double *x, size_t d,
                              int wide)
{
  size_t dd = d * d, bd = FC_PATH_CHUNK * d;
  const double *lm = pl->lm + k * d, *mu = pl->g->mean + k * d;
  fc_gemm_ex (nb, d, x, pl->mt + k * dd, s->z, 0, FC_GEMM_UPPER, wide);
  for (size_t p = 0; p < nb; p++)
    {
      double *z = s->z + p * d, *w = s->w + p * d;
#pragma omp simd
      for (size_t i = 0; i < d; i++)
        z[i] -= lm[i];
      double e = fc_path_weight_of (pl, s, p,
                                    pl->lcc[k] - 0.5 * fc_path_sumsq (d, z));
      s->e[p] = e;
      s->ssum[p] += e;
#pragma omp simd
      for (size_t i = 0; i < d; i++)
        w[i] = e * z[i];
    }
  for (int q = 0; q < VQ_COUNT; q++)
    {
      if (!pl->need_vq[q])
        continue;
      double *y = s->y + q * bd;
      fc_gemm_ex (nb, d, s->w, pl->rq + (q * pl->nk + k) * dd, y, 1,
                  pl->affine ? FC_GEMM_LOWER : FC_GEMM_FULL, wide);
      if (pl->a[q] == 0.0)
        continue;
      for (size_t p = 0; p < nb; p++)
        {
          double ea = s->e[p] * pl->a[q];
#pragma omp simd
          for (size_t i = 0; i < d; i++)
            y[p * d + i] += ea * mu[i];
        }
    }
}

/* log p_t at point X when alpha = 0: p_t = N(0, sigma^2 I).  */
static double
fc_path_logp_alpha0 (const fc_path_plan *pl, const double *x)
{
  double r2 = 0.0;
  for (size_t i = 0; i < pl->d; i++)
    r2 += x[i] * x[i];
  return -0.5 * r2 / pl->sv.sigma2
         - 0.5 * pl->d * log (2 * M_PI * pl->sv.sigma2);
}

/* 1 when some of the N values V is not finite: v * 0 is 0 for a finite
   v and NaN otherwise, and a sum with a NaN is NaN (one test per vector,
   no branch per value).  */
static inline __attribute__ ((always_inline)) int
fc_path_any_nonfinite (size_t n, const double *v)
{
  double z = 0.0;
#pragma omp simd reduction(+ : z)
  for (size_t i = 0; i < n; i++)
    z += v[i] * 0.0;
  return isnan (z);
}

/* The vector quantities other than the score from the score SC (D) at the
   points X (D), stored at offset OFF (pl->affine, fc_path_chol.c), each
   only when asked.  Returns 1 when some value is not finite.  */
static inline __attribute__ ((always_inline)) int
fc_path_affine_out (const fc_path_plan *pl, const double *sc,
                    const double *x, size_t off, const fc_path_out *out,
                    size_t d)
{
  const fc_schedule_value *v = &pl->sv;
  int bad = 0;
  if (out->velocity != NULL)
    {
      /* Two loops, one product each: ux x + us s in one expression could
         be fused on either product, differently by two variants.  */
      double *u = out->velocity + off;
#pragma omp simd
      for (size_t i = 0; i < d; i++)
        u[i] = pl->ux * x[i];
#pragma omp simd
      for (size_t i = 0; i < d; i++)
        u[i] += pl->us * sc[i];
      bad |= fc_path_any_nonfinite (d, u);
    }
  if (out->x0hat != NULL)
#pragma omp simd
    for (size_t i = 0; i < d; i++)
      out->x0hat[off + i] = -v->sigma * sc[i];
  if (out->x1hat != NULL)
    {
      double *x1 = out->x1hat + off;
#pragma omp simd
      for (size_t i = 0; i < d; i++)
        x1[i] = (x[i] + v->sigma2 * sc[i]) / v->alpha;
      bad |= fc_path_any_nonfinite (d, x1);
    }
  return bad;
}

/* Normalise and store the chunk's results for the points P0 .. P0+NB-1.
   Returns 0, or 1 when some result is not finite (overflow).  Inlined
   into the variants (vectorised per instruction set), written, like the
   kernels, one product per sum.  */
static inline __attribute__ ((always_inline)) int
fc_path_chunk_finish (const fc_path_plan *pl, fc_path_scratch *s, size_t p0,
                      size_t nb, const double *x, const fc_path_out *out,
                      size_t d)
{
  size_t bd = FC_PATH_CHUNK * d;
  double *const outv[VQ_COUNT]
    = { out->score, out->velocity, out->x1hat, out->x0hat };
  int bad = 0;
  for (size_t p = 0; p < nb; p++)
    {
      double inv = pl->alpha0 ? 1.0 : 1.0 / s->ssum[p];
      for (int q = 0; q < VQ_COUNT; q++)
        if (pl->need_vq[q])
          {
            double *y = s->y + q * bd + p * d;
#pragma omp simd
            for (size_t i = 0; i < d; i++)
              y[i] *= inv;
            bad |= fc_path_any_nonfinite (d, y);
            if (outv[q] != NULL)
              memcpy (outv[q] + (p0 + p) * d, y, d * sizeof (double));
          }
      if (pl->affine)
        bad |= fc_path_affine_out (pl, s->y + VQ_SCORE * bd + p * d,
                                   x + p * d, (p0 + p) * d, out, d);
      if (out->logp != NULL)
        {
          out->logp[p0 + p] = pl->alpha0 ? fc_path_logp_alpha0 (pl, x + p * d)
                                         : s->m[p] + log (s->ssum[p]);
          bad |= !isfinite (out->logp[p0 + p]);
        }
      if (out->div != NULL)
        {
          const double *sc = s->y + VQ_SCORE * bd + p * d;
          const double *u = s->y + VQ_VELOCITY * bd + p * d;
          double su = 0.0;
          for (size_t i = 0; i < d; i++)
            su += sc[i] * u[i];
          out->div[p0 + p] = s->tdiv[p] * inv - su;
          bad |= !isfinite (out->div[p0 + p]);
        }
    }
  return bad;
}

/* The lane kernel (fc_path_small.h) on the chunk XC and its finish, D
   constant in each call.  */
static inline __attribute__ ((always_inline)) int
fc_path_small_run (const fc_path_plan *pl, fc_path_scratch *s, size_t p0,
                   size_t nb, const double *xc, const fc_path_out *out,
                   size_t d)
{
  fc_path_small_chunk (pl, s, nb, xc, d);
  return fc_path_chunk_finish (pl, s, p0, nb, xc, out, d);
}

/* The points P0 .. P0+NB-1 of X.  Returns 1 on overflow.  Always inlined
   into the variants below, WIDE constant: the 16-column register blocks
   of the AVX-512 variant.  */
static inline __attribute__ ((always_inline)) int
fc_path_chunk_body (const fc_path_plan *pl, fc_path_scratch *s, size_t p0,
                    size_t nb, const double *x, const fc_path_out *out,
                    int wide)
{
  size_t d = pl->d, bd = FC_PATH_CHUNK * d;
  const double *xc = x + p0 * d;
  if (pl->small)
    {
      /* D constant in each copy, every loop over coordinates unrolled.  */
      switch (d)
        {
        case 1: return fc_path_small_run (pl, s, p0, nb, xc, out, 1);
        case 2: return fc_path_small_run (pl, s, p0, nb, xc, out, 2);
        case 3: return fc_path_small_run (pl, s, p0, nb, xc, out, 3);
        case 4: return fc_path_small_run (pl, s, p0, nb, xc, out, 4);
        case 16: return fc_path_small_run (pl, s, p0, nb, xc, out, 16);
        default: return fc_path_small_run (pl, s, p0, nb, xc, out, d);
        }
    }
  for (size_t p = 0; p < nb; p++)
    {
      s->m[p] = pl->alpha0 ? 0.0 : -INFINITY;
      s->ssum[p] = 0.0;
      s->tdiv[p] = 0.0;
    }
  for (int q = 0; q < VQ_COUNT; q++)
    if (pl->need_vq[q])
      memset (s->y + q * bd, 0, nb * d * sizeof (double));
  /* D = 2 (the toy data sets) gets its own copy with constant loop
     bounds: there the per-point overheads, not the flops, set the speed. */
  for (size_t k = 0; k < pl->nk; k++)
    if (pl->chol && d == 2)
      fc_path_chol_chunk_component (pl, s, k, nb, xc, 2, wide);
    else if (pl->chol)
      fc_path_chol_chunk_component (pl, s, k, nb, xc, d, wide);
    else if (d == 2)
      fc_path_chunk_component (pl, s, k, nb, xc, 2, wide);
    else
      fc_path_chunk_component (pl, s, k, nb, xc, d, wide);
  return fc_path_chunk_finish (pl, s, p0, nb, xc, out, d);
}

/* The variants (function multiversioning by target attributes: the same
   body compiled per instruction set, dispatched below).  */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define FC_PATH_X86 1
#else
#define FC_PATH_X86 0
#endif

#if FC_PATH_X86
__attribute__ ((target ("avx512f,avx512vl,avx512dq,avx2,fma"))) static int
fc_path_chunk_avx512 (const fc_path_plan *pl, fc_path_scratch *s, size_t p0,
                      size_t nb, const double *x, const fc_path_out *out)
{
  return fc_path_chunk_body (pl, s, p0, nb, x, out, 1);
}

__attribute__ ((target ("avx2,fma"))) static int
fc_path_chunk_avx2 (const fc_path_plan *pl, fc_path_scratch *s, size_t p0,
                    size_t nb, const double *x, const fc_path_out *out)
{
  return fc_path_chunk_body (pl, s, p0, nb, x, out, 0);
}
#endif

static int
fc_path_chunk_default (const fc_path_plan *pl, fc_path_scratch *s, size_t p0,
                       size_t nb, const double *x, const fc_path_out *out)
{
  return fc_path_chunk_body (pl, s, p0, nb, x, out, 0);
}

int
fc_path_chunk (const fc_path_plan *pl, fc_path_scratch *s, size_t p0,
               size_t nb, const double *x, const fc_path_out *out)
{
  switch (pl->isa)
    {
#if FC_PATH_X86
    case FC_PATH_ISA_AVX512:
      return fc_path_chunk_avx512 (pl, s, p0, nb, x, out);
    case FC_PATH_ISA_AVX2:
      return fc_path_chunk_avx2 (pl, s, p0, nb, x, out);
#endif
    default:
      return fc_path_chunk_default (pl, s, p0, nb, x, out);
    }
}

/* ---------------------------------------------------------- dispatch */

static fc_path_isa fc_path_isa_forced = FC_PATH_ISA_BEST;

int
fc_path_isa_supported (fc_path_isa isa)
{
  switch (isa)
    {
    case FC_PATH_ISA_DEFAULT:
      return 1;
#if FC_PATH_X86
    case FC_PATH_ISA_AVX2:
      __builtin_cpu_init ();
      return __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma");
    case FC_PATH_ISA_AVX512:
      __builtin_cpu_init ();
      return fc_path_isa_supported (FC_PATH_ISA_AVX2)
             && __builtin_cpu_supports ("avx512f")
             && __builtin_cpu_supports ("avx512vl")
             && __builtin_cpu_supports ("avx512dq");
#endif
    default:
      return 0;
    }
}

fc_path_isa
fc_path_isa_current (void)
{
  if (fc_path_isa_forced != FC_PATH_ISA_BEST)
    return fc_path_isa_forced;
  for (int isa = FC_PATH_ISA_COUNT - 1; isa > FC_PATH_ISA_DEFAULT; isa--)
    if (fc_path_isa_supported ((fc_path_isa) isa))
      return (fc_path_isa) isa;
  return FC_PATH_ISA_DEFAULT;
}

fc_path_isa
fc_path_isa_force (fc_path_isa isa)
{
  fc_path_isa prev = fc_path_isa_forced;
  fc_path_isa_forced = isa;
  return prev;
}

const char *
fc_path_isa_name (fc_path_isa isa)
{
  static const char *const names[FC_PATH_ISA_COUNT + 1]
    = { "default", "avx2", "avx512", "best" };
  return (unsigned) isa <= FC_PATH_ISA_COUNT ? names[isa] : "?";
}
