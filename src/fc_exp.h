/* src/fc_exp.h -- e^t for t <= 0, written out so that it vectorises across
 * the lanes of a loop (the weights of the exact path kernel, fc_path_small.h
 * and fc_path_kernel.c: one exponential per point and component, the
 * largest per-point cost at small D) and gives the same bits in every
 * variant that fuses multiply-adds (AVX2, AVX-512: the same operations per
 * lane).  Internal, not installed.
 *
 * Method (Cody and Waite; Muller, "Elementary Functions", ch. 11):
 * t = k ln 2 + r with k = round(t / ln 2) and |r| <= ln 2 / 2, ln 2 split
 * into a head with trailing zeros (k ln2_hi exact) and a tail; e^r by its
 * Taylor polynomial of degree 13 (truncation below (ln2/2)^14 / 14! ~ 4e-18
 * relative), Horner; 2^k by the exponent bits.  Error: about 2 ulp (the
 * rounding of r and of Horner's steps).  Results below e^-708 (~ 3e-308:
 * the scaling would go subnormal) are returned as 0; a weight that small
 * next to the largest one (which is 1) changes no sum.  -inf gives 0, NaN
 * gives NaN.  fc_expm1_nonpos shares the reduction and the polynomial for
 * the vectorised SELU of fc_mlp_layers.c.  */
#ifndef FC_EXP_H
#define FC_EXP_H

#include <stdint.h>
#include <string.h>

#define FC_EXP_TMIN (-708.0)

/* The range reduction: T (clamped at FC_EXP_TMIN) = k ln 2 + r; returns r
   and sets *SCALE = 2^k.  */
static inline __attribute__ ((always_inline)) double
fc_exp_reduce (double t, double *scale)
{
  const double log2e = 0x1.71547652b82fep0, shift = 0x1.8p52;
  const double ln2_hi = 0x1.62e42fefa3800p-1, ln2_lo = 0x1.ef35793c76730p-45;
  double tc = t < FC_EXP_TMIN ? FC_EXP_TMIN : t;
  /* kd = k + 1.5 2^52: k in the low bits of kd's significand.  */
  double kd = tc * log2e + shift;
  uint64_t ki;
  memcpy (&ki, &kd, sizeof ki);
  kd -= shift;
  double r = tc - kd * ln2_hi;
  r = r - kd * ln2_lo;
  /* 2^k: (k + 1023) in the exponent field; the 1.5 2^52 bits of ki shift
     out.  k >= -1022 since tc >= FC_EXP_TMIN.  */
  uint64_t sb = (ki + 1023) << 52;
  memcpy (scale, &sb, sizeof *scale);
  return r;
}

/* (e^r - 1 - r)/r^2 = 1/2 + r/3! + ... + r^11/13!, Horner.  */
static inline __attribute__ ((always_inline)) double
fc_exp_taylor_tail (double r)
{
  double p = 1.0 / 6227020800.0;  /* 1/13! */
  p = p * r + 1.0 / 479001600.0;  /* 1/12! */
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  return p * r + 0.5;
}

static inline __attribute__ ((always_inline)) double
fc_exp_nonpos (double t)
{
  double scale, r = fc_exp_reduce (t, &scale);
  double p = fc_exp_taylor_tail (r);
  p = p * r + 1.0;
  p = p * r + 1.0;
  return t < FC_EXP_TMIN ? 0.0 : p * scale;
}

/* e^t - 1 into *EM1 and e^t into *E for t <= 0 (SELU and its derivative,
   fc_mlp_layers.c): expm1 (r) = r + r^2 tail (r) keeps the small-t
   accuracy of expm1, then expm1 (t) = 2^k expm1 (r) + (2^k - 1), each term
   exact or rounded once.  Below FC_EXP_TMIN, *EM1 is -1 to the last bit
   and *E about 3e-308.  */
static inline __attribute__ ((always_inline)) void
fc_expm1_nonpos (double t, double *em1, double *e)
{
  double scale, r = fc_exp_reduce (t, &scale);
  double q = fc_exp_taylor_tail (r) * r * r + r;
  *em1 = scale * q + (scale - 1.0);
  *e = scale * q + scale;
}

#endif /* FC_EXP_H */
