/* src/fc_gemm.h -- a register-blocked product C = A M (or C += A M) of a
 * row block A (nb, D) and a square M (D, D), all row-major: the shape of
 * rotating a chunk of points into or out of a component's eigenbasis
 * (fc_path.c, fc_guide_kernel.c).  Internal, not installed.
 *
 * Hand-written because the reference CBLAS that GSL ships runs this shape
 * at a few GFLOP/s, because even OpenBLAS is slower at it, and because its
 * summation order must not depend on the number of rows.  Measured (AMD
 * EPYC, Zen 4; OpenBLAS 0.3.21 on one thread; thread CPU time, best of 5
 * runs of 0.3 s): C = A M for a 64-row chunk and an upper-triangular M,
 * nanoseconds per product at D = 16 / 32 / 64: these blocks 698 / 1940 /
 * 6212 (8 x 16, AVX-512) and 564 / 1658 / 6029 (6 x 8, AVX2); OpenBLAS
 * dtrmm 1204 / 3127 / 8971 and dgemm (the full product) 656 / 2358 /
 * 9213.  On the order: every element of C is accumulated as i = 0 ..
 * D-1, one multiply-add each, whichever code path computes it, so a
 * point's result does not depend on the chunk it falls in (bitwise
 * reproducibility for any thread count and batch).  All functions are
 * static inline and always inlined: the caller is compiled per
 * instruction set (target_clones, or the target attributes of
 * fc_path_kernel.c's variants) and the kernel takes the ISA of each
 * copy.  With WIDE (fc_gemm_ex) the register blocks are 8 rows x 16
 * columns of 8-double vectors, for AVX-512; the same multiply-adds in the
 * same order as the 6 x 8 blocks of 4-double vectors, so the two give the
 * same bits.  */
#ifndef FC_GEMM_H
#define FC_GEMM_H

#include <stddef.h>
#include <string.h>

/* A 4-double vector (GCC/Clang vector extension), unaligned and allowed to
   alias double: one AVX register in the FMA clone of the caller, two SSE2
   registers in the default one.  */
typedef double fc_v4d __attribute__ ((vector_size (32), aligned (8),
                                      may_alias));

/* An 8-double vector: one AVX-512 register in an AVX-512 variant of the
   caller (fc_gemm_block16, used only there).  */
typedef double fc_v8d __attribute__ ((vector_size (64), aligned (8),
                                      may_alias));

#define FC_GEMM_MR 6 /* rows of the register block */
#define FC_GEMM_MR_MAX 8 /* rows of the 16-wide (AVX-512) register block */
#define FC_GEMM_NR 8 /* columns of the register block (two fc_v4d) */

/* C[0..MR) x [J, J+2W) += A[0..MR) M[IBEG:IEND, J..J+2W), vectors VT of
   W doubles: an MR x 2W block of C held in 2 MR vector registers while i
   runs over the rows of M, so that each loaded row segment of M serves MR
   multiply-adds per vector and C is loaded and stored once (the register
   blocking of the BLIS "haswell" micro-kernel, 6 x 8).  Always inlined
   with a constant MR, so the block stays in registers and the code takes
   the ISA of the caller.  Defined for fc_v4d (fc_gemm_block, 8 columns)
   and fc_v8d (fc_gemm_block16, 16 columns: one AVX-512 register per
   vector in the caller's AVX-512 variant; MR = 8 uses 16 of the 32
   registers); both perform, per element, the same multiply-adds in the
   same order.  */
#define FC_GEMM_BLOCK_DEF(NAME, VT, W)                                        \
  static inline __attribute__ ((always_inline)) void NAME (                  \
    int mr, size_t d, const double *restrict a, const double *restrict m,     \
    double *restrict c, size_t j, size_t ibeg, size_t iend)                   \
  {                                                                           \
    VT c0[FC_GEMM_MR_MAX], c1[FC_GEMM_MR_MAX];                                \
    _Pragma ("GCC unroll 8") for (int r = 0; r < mr; r++)                     \
    {                                                                         \
      c0[r] = *(const VT *) (c + r * d + j);                                  \
      c1[r] = *(const VT *) (c + r * d + j + W);                              \
    }                                                                         \
    for (size_t i = ibeg; i < iend; i++)                                      \
      {                                                                       \
        VT m0 = *(const VT *) (m + i * d + j);                                \
        VT m1 = *(const VT *) (m + i * d + j + W);                            \
        _Pragma ("GCC unroll 8") for (int r = 0; r < mr; r++)                 \
        {                                                                     \
          double x = a[r * d + i];                                            \
          c0[r] += x * m0;                                                    \
          c1[r] += x * m1;                                                    \
        }                                                                     \
      }                                                                       \
    _Pragma ("GCC unroll 8") for (int r = 0; r < mr; r++)                     \
    {                                                                         \
      *(VT *) (c + r * d + j) = c0[r];                                        \
      *(VT *) (c + r * d + j + W) = c1[r];                                    \
    }                                                                         \
  }

FC_GEMM_BLOCK_DEF (fc_gemm_block, fc_v4d, 4)
FC_GEMM_BLOCK_DEF (fc_gemm_block16, fc_v8d, 8)

/* Rows [0, NR) x columns [J0, D) of C += A M, vectorised over the
   contiguous column index (small D, and the columns left over by the
   8-wide blocks).  */
static inline __attribute__ ((always_inline)) void
fc_gemm_cols (size_t nr, size_t d, const double *restrict a,
              const double *restrict m, double *restrict c, size_t j0)
{
  if (j0 == d)
    return;
  for (size_t r = 0; r < nr; r++)
    for (size_t i = 0; i < d; i++)
      {
        double x = a[r * d + i];
        const double *restrict mi = m + i * d;
        double *restrict cr = c + r * d;
#pragma omp simd
        for (size_t j = j0; j < d; j++)
          cr[j] += x * mi[j];
      }
}

/* C += A M for D < 8, one dot product per element.  */
static inline __attribute__ ((always_inline)) void
fc_gemm_small (size_t nb, size_t d, const double *restrict a,
               const double *restrict m, double *restrict c)
{
  for (size_t p = 0; p < nb; p++)
    for (size_t j = 0; j < d; j++)
      {
        double acc_j = c[p * d + j];
        for (size_t i = 0; i < d; i++)
          acc_j += a[p * d + i] * m[i * d + j];
        c[p * d + j] = acc_j;
      }
}

/* The shape of M in a product: full, upper triangular (M[i][j] = 0 for
   i > j) or lower triangular (M[i][j] = 0 for i < j).  */
enum
{
  FC_GEMM_FULL = 0,
  FC_GEMM_UPPER,
  FC_GEMM_LOWER
};

/* The rows of M that can be nonzero in columns [J, J+NR): [*IBEG, *IEND).
   The rows skipped hold exact zeros, and adding x * 0 to an accumulator
   changes no bit (a rounded sum is -0 only when both terms are, and the
   accumulators start at +0), so a block that skips them gives the same
   bits as one that does not: the 8-wide and the 16-wide blocks agree.  */
static inline __attribute__ ((always_inline)) void
fc_gemm_irange (int tri, size_t d, size_t j, size_t nr, size_t *ibeg,
                size_t *iend)
{
  *ibeg = tri == FC_GEMM_LOWER ? j : 0;
  *iend = tri == FC_GEMM_UPPER && j + nr < d ? j + nr : d;
}

/* MR rows of C += A M, all columns: 16-wide blocks when WIDE, then 8-wide
   blocks, then the columns left over (all rows of M: they are the last
   columns, where an upper M has no zero rows to skip, and the zeros of a
   lower one change no bit).  */
static inline __attribute__ ((always_inline)) void
fc_gemm_rows (int mr, size_t d, const double *restrict a,
              const double *restrict m, double *restrict c, int tri,
              int wide)
{
  size_t j = 0, ib, ie;
  if (wide)
    for (; j + 16 <= d; j += 16)
      {
        fc_gemm_irange (tri, d, j, 16, &ib, &ie);
        fc_gemm_block16 (mr, d, a, m, c, j, ib, ie);
      }
  for (; j + FC_GEMM_NR <= d; j += FC_GEMM_NR)
    {
      fc_gemm_irange (tri, d, j, FC_GEMM_NR, &ib, &ie);
      fc_gemm_block (mr, d, a, m, c, j, ib, ie);
    }
  fc_gemm_cols (mr, d, a, m, c, j);
}

/* C (NB, D) = A (NB, D) M (D, D), or C += A M when ACC; all row-major.
   TRI: the shape of M (its zeros skipped by whole blocks).  WIDE:
   blocks of 8 rows x 16 columns (the AVX-512 variant of the caller), else
   6 x 8; then blocks of 4, 2, 1 rows.  Every element of C is accumulated
   in the same order (i = 0 .. D-1, one multiply-add each, the skipped
   terms exact zeros) whichever block computes it, so a row's result does
   not depend on NB, on its position in the chunk, or on WIDE.  Inlined
   into the caller, whose target attribute chooses the ISA.  */
static inline __attribute__ ((always_inline)) void
fc_gemm_ex (size_t nb, size_t d, const double *restrict a,
            const double *restrict m, double *restrict c, int acc, int tri,
            int wide)
{
  if (!acc)
    memset (c, 0, nb * d * sizeof (double));
  size_t p = 0;
  if (d < FC_GEMM_NR)
    {
      /* Small D: a dot product per element; vector loops of 2 or 3
         iterations would cost more in set-up than they save.  D = 2 and 3
         (the toy data sets) get a constant trip count, fully unrolled.  */
      if (d == 2)
        fc_gemm_small (nb, 2, a, m, c);
      else if (d == 3)
        fc_gemm_small (nb, 3, a, m, c);
      else
        fc_gemm_small (nb, d, a, m, c);
      return;
    }
  if (wide)
    for (; p + FC_GEMM_MR_MAX <= nb; p += FC_GEMM_MR_MAX)
      fc_gemm_rows (FC_GEMM_MR_MAX, d, a + p * d, m, c + p * d, tri, 1);
  else
    for (; p + FC_GEMM_MR <= nb; p += FC_GEMM_MR)
      fc_gemm_rows (FC_GEMM_MR, d, a + p * d, m, c + p * d, tri, 0);
  /* The rows left over (6-row blocks of a 64-row chunk: 10 x 6 + 4).  */
  for (; p + 4 <= nb; p += 4)
    fc_gemm_rows (4, d, a + p * d, m, c + p * d, tri, wide);
  for (; p + 2 <= nb; p += 2)
    fc_gemm_rows (2, d, a + p * d, m, c + p * d, tri, wide);
  for (; p < nb; p++)
    fc_gemm_rows (1, d, a + p * d, m, c + p * d, tri, wide);
}

/* C = A M (or C += A M when ACC) with a full M, 6 x 8 blocks.  */
static inline __attribute__ ((always_inline)) void
fc_gemm (size_t nb, size_t d, const double *restrict a,
         const double *restrict m, double *restrict c, int acc)
{
  fc_gemm_ex (nb, d, a, m, c, acc, FC_GEMM_FULL, 0);
}

#endif /* FC_GEMM_H */
