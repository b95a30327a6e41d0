/* src/fc_path_small.h -- the chunk kernel of the Cholesky form for small
 * D (D <= FC_PATH_SMALL_D: the toy data sets), points across the lanes of
 * the vector registers.  Included by fc_path_kernel.c only, whose variants
 * compile it per instruction set.  Internal.
 *
 * At small D the D x D products are short and the cost is the per-point
 * work: the log-sum-exp and its exponentials, the quadratic forms.  So the points go
 * in blocks of FC_PATH_LANES, each coordinate a lane vector, and the
 * components in two passes: (1) y_k = L_k^{-1} (x - alpha mu_k) and log w_k
 * N_k for every k (kept: K D lane vectors), and their maximum m per point;
 * (2) the weight e_k = exp (log w_k N_k - m) (fc_exp.h, all lanes at once)
 * and the score accumulator sum_k e_k R_k^T y_k (R_k = -L_k^{-1}, lower
 * triangular: fc_path_chol.c).  D (D + 1) multiply-adds per point and
 * component, all in full vectors.  No rescaling, one exponential per
 * point and component.  Every operation is per lane, the same in every
 * lane whatever the block, so a point's result does not depend on its
 * block or on the vector width (AVX2 and AVX-512 give the same bits); a
 * short last block repeats its last point in the spare lanes, whose
 * results are dropped.  */
#ifndef FC_PATH_SMALL_H
#define FC_PATH_SMALL_H

#include <math.h>
#include <string.h>
#include "fc_exp.h"
#include "fc_gemm.h"
#include "fc_path_internal.h"

/* Tell the compiler that D <= FC_PATH_SMALL_D (fc_path_chol.c chooses
   this kernel only then), so that the unrolled copies for a D known only
   at run time stay inside the arrays.  */
#define FC_PATH_SMALL_ASSUME(d)                                               \
  do                                                                          \
    if ((d) < 1 || (d) > FC_PATH_SMALL_D)                                     \
      __builtin_unreachable ();                                               \
  while (0)

/* y = x^T L^{-T} - (L^{-1} alpha mu)^T for the lanes of X (MT = L^{-T},
   upper triangular, row-major; LM = L^{-1} alpha mu).  Lane vectors of
   fc_gemm.h's type, so that with a constant D the loops unroll and y
   stays in registers.

   Every sum here starts from a value that is not a product and adds one
   product at a time, so a variant that fuses multiply-adds has one way
   only to fuse each step (with a * b + c * d the compiler may fuse either
   product, and two variants could choose differently).  i outer: the
   updates of one y_j are D - i apart, not a chain of dependent
   multiply-adds; each y_j still sums i = 0 .. j in order.  */
static inline __attribute__ ((always_inline)) void
fc_path_small_y (size_t d, const double *mt, const double *lm,
                 double x[][FC_PATH_LANES], double y[][FC_PATH_LANES])
{
  fc_v8d yv[FC_PATH_SMALL_D] = { { 0.0 } };
  const fc_v8d zero = { 0.0 };
  FC_PATH_SMALL_ASSUME (d);
#pragma GCC unroll 16
  for (size_t j = 0; j < d; j++)
    yv[j] = zero - lm[j];
#pragma GCC unroll 16
  for (size_t i = 0; i < d; i++)
    {
      fc_v8d xv = *(const fc_v8d *) x[i];
#pragma GCC unroll 16
      for (size_t j = i; j < d; j++)
        yv[j] += xv * mt[i * d + j];
    }
#pragma GCC unroll 16
  for (size_t j = 0; j < d; j++)
    *(fc_v8d *) y[j] = yv[j];
}

/* log w_k N_k = lcc_k - |y|^2 / 2 per lane into LK.  */
static inline __attribute__ ((always_inline)) void
fc_path_small_logw (size_t d, double lcc, const double y[][FC_PATH_LANES],
                    double *lk)
{
  double q[FC_PATH_LANES];
  for (int l = 0; l < FC_PATH_LANES; l++)
    q[l] = 0.0;
  for (size_t j = 0; j < d; j++)
    for (int l = 0; l < FC_PATH_LANES; l++)
      q[l] += y[j][l] * y[j][l];
  for (int l = 0; l < FC_PATH_LANES; l++)
    lk[l] = lcc - 0.5 * q[l];
}

/* The score accumulator ACC += sum_i w_i R[i][j] per lane, w = E y, for
   the lower triangular R (row-major); i outer, as in fc_path_small_y, each
   acc_j summing i = j .. D-1 in order.  */
static inline __attribute__ ((always_inline)) void
fc_path_small_acc (size_t d, const double *r, const double *e,
                   const double y[][FC_PATH_LANES], double acc[][FC_PATH_LANES])
{
  fc_v8d av[FC_PATH_SMALL_D] = { { 0.0 } }, ev = *(const fc_v8d *) e;
  FC_PATH_SMALL_ASSUME (d);
#pragma GCC unroll 16
  for (size_t j = 0; j < d; j++)
    av[j] = *(const fc_v8d *) acc[j];
#pragma GCC unroll 16
  for (size_t i = 0; i < d; i++)
    {
      fc_v8d wv = ev * *(const fc_v8d *) y[i];
#pragma GCC unroll 16
      for (size_t j = 0; j <= i; j++)
        av[j] += wv * r[i * d + j];
    }
#pragma GCC unroll 16
  for (size_t j = 0; j < d; j++)
    *(fc_v8d *) acc[j] = av[j];
}

/* The points PB .. PB+NL-1 (NL <= FC_PATH_LANES) of the chunk X: m, ssum
   and the score accumulator (when asked) into the scratch, as the other
   kernels leave them for fc_path_chunk_finish.  Pass 1 keeps every y_k
   and log w_k N_k of the block in the scratch (ly, lk).  */
static inline __attribute__ ((always_inline)) void
fc_path_small_block (const fc_path_plan *pl, fc_path_scratch *s, size_t pb,
                     size_t nl, const double *x, size_t d)
{
  double xl[FC_PATH_SMALL_D][FC_PATH_LANES], y[FC_PATH_SMALL_D][FC_PATH_LANES];
  double acc[FC_PATH_SMALL_D][FC_PATH_LANES];
  double mx[FC_PATH_LANES], ssum[FC_PATH_LANES], e[FC_PATH_LANES];
  size_t nk = pl->nk, dd = d * d;
  double *lk = s->lk;
  double (*ly)[FC_PATH_LANES] = (double (*)[FC_PATH_LANES]) s->ly;
  for (size_t i = 0; i < d; i++)
    for (int l = 0; l < FC_PATH_LANES; l++)
      xl[i][l] = x[(pb + GSL_MIN ((size_t) l, nl - 1)) * d + i];
  for (int l = 0; l < FC_PATH_LANES; l++)
    mx[l] = -INFINITY;
  for (size_t k = 0; k < nk; k++)
    {
      double *lkk = lk + k * FC_PATH_LANES;
      /* Into a local array (no aliasing with the matrices: vectorised
         without run-time checks), then kept.  */
      fc_path_small_y (d, pl->mt + k * dd, pl->lm + k * d, xl, y);
      fc_path_small_logw (d, pl->lcc[k], y, lkk);
      memcpy (ly + k * d, y, d * sizeof y[0]);
      for (int l = 0; l < FC_PATH_LANES; l++)
        mx[l] = lkk[l] > mx[l] ? lkk[l] : mx[l];
    }
  for (int l = 0; l < FC_PATH_LANES; l++)
    ssum[l] = 0.0;
  for (size_t j = 0; j < d; j++)
    for (int l = 0; l < FC_PATH_LANES; l++)
      acc[j][l] = 0.0;
  int score = pl->need_vq[VQ_SCORE];
  for (size_t k = 0; k < nk; k++)
    {
      const double *lkk = lk + k * FC_PATH_LANES;
      for (int l = 0; l < FC_PATH_LANES; l++)
        {
          e[l] = fc_exp_nonpos (lkk[l] - mx[l]);
          ssum[l] += e[l];
        }
      if (score)
        fc_path_small_acc (d, pl->rq + (VQ_SCORE * nk + k) * dd, e,
                           ly + k * d, acc);
    }
  double *ys = s->y + VQ_SCORE * FC_PATH_CHUNK * d;
  for (size_t l = 0; l < nl; l++)
    {
      s->m[pb + l] = mx[l];
      s->ssum[pb + l] = ssum[l];
      for (size_t j = 0; j < d && score; j++)
        ys[(pb + l) * d + j] = acc[j][l];
    }
}

/* The NB points of the chunk X, blocks of FC_PATH_LANES, D constant in
   each call.  */
static inline __attribute__ ((always_inline)) void
fc_path_small_chunk (const fc_path_plan *pl, fc_path_scratch *s, size_t nb,
                     const double *x, size_t d)
{
  for (size_t pb = 0; pb < nb; pb += FC_PATH_LANES)
    fc_path_small_block (pl, s, pb, GSL_MIN (FC_PATH_LANES, nb - pb), x, d);
}

#endif /* FC_PATH_SMALL_H */
