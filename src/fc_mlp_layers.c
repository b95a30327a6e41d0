/* src/fc_mlp_layers.c -- the operators of fc_mlp (fc_mlp_layers.h): a
 * linear layer (one BLAS-3 product over the batch each way), the
 * element-wise activations and the mean-squared loss, each a forward and
 * a backward function in the manner of llm.c.  */
#include <config.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_math.h>

#include "fc_exp.h"
#include "fc_mlp_layers.h"

/* The element-wise loops below choose between branches (SELU's x > 0)
   by selects, which GCC's if-conversion refuses to vectorise under
   -ftrapping-math (a branch could raise a floating-point exception the
   other would not); no code here reads the exception flags, and the
   values are the same.  */
#pragma GCC optimize ("no-trapping-math")

/* SELU's constants (Klambauer et al. 2017, eq. 2; PyTorch's values).  */
#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_SCALE 1.0507009873554804934193349852946

void
fc_linear_forward (double *out, const double *inp, const double *w,
                   const double *b, size_t n, size_t k, size_t m)
{
  /* out (n, m): every row starts at b (m), then += inp (n, k) w^T (k, m) */
  for (size_t p = 0; p < n; p++)
    memcpy (out + p * m, b, m * sizeof (double));
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) n, (int) m,
               (int) k, 1.0, inp, (int) k, w, (int) k, 1.0, out, (int) m);
}

void
fc_linear_backward (double *dinp, double *dw, double *db,
                    const double *dout, const double *inp, const double *w,
                    size_t n, size_t k, size_t m)
{
  /* dinp (n, k) += dout (n, m) w (m, k) */
  if (dinp)
    cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) n, (int) k,
                 (int) m, 1.0, dout, (int) m, w, (int) k, 1.0, dinp, (int) k);
  /* dw (m, k) += dout^T (m, n) inp (n, k) */
  cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) m, (int) k,
               (int) n, 1.0, dout, (int) m, inp, (int) k, 1.0, dw, (int) k);
  /* db (m) += sum over rows of dout, in row order */
  for (size_t p = 0; p < n; p++)
#pragma omp simd
    for (size_t j = 0; j < m; j++)
      db[j] += dout[p * m + j];
}

/* exp(X) - 1 and exp(X) for X <= 0 come from fc_expm1_nonpos (fc_exp.h),
   arithmetic only (no libm call), so that the loops over a layer
   vectorise: libm's scalar expm1 and exp were 40% of a training step of
   the 3 x 64 SELU network (callgrind).  */

/* GELU, exact form x Phi(x) (Hendrycks and Gimpel 2016): PyTorch's
   default approximate = 'none'.  */
static inline double
gelu (double x)
{
  return 0.5 * x * (1.0 + erf (x * M_SQRT1_2));
}

static inline double
gelu_prime (double x)
{
  double pdf = exp (-0.5 * x * x) * (M_2_SQRTPI * M_SQRT1_2 * 0.5);
  return 0.5 * (1.0 + erf (x * M_SQRT1_2)) + x * pdf;
}

/* SELU and its derivative, branch-free so that the loop vectorises; an
   AVX2 + FMA clone where the CPU has them (4 lanes; the default clone
   has 2).  The clone may fuse multiply-adds (GCC contracts by default in
   GNU C), so its last bits can differ from the default clone's; a machine
   always runs the same clone, so results stay the same at any thread
   count.  */
__attribute__ ((target_clones ("arch=x86-64-v3", "default"))) static void
selu_forward (double *restrict out, double *restrict deriv,
              const double *restrict inp, size_t count)
{
#pragma omp simd
  for (size_t k = 0; k < count; k++)
    {
      double x = inp[k], em1, e;
      fc_expm1_nonpos (x > 0.0 ? 0.0 : x, &em1, &e);
      out[k] = SELU_SCALE * (x > 0.0 ? x : SELU_ALPHA * em1);
      deriv[k] = SELU_SCALE * (x > 0.0 ? 1.0 : SELU_ALPHA * e);
    }
}

void
fc_act_forward (fc_mlp_activation act, double *out, double *deriv,
                const double *inp, size_t count)
{
  switch (act)
    {
    case FC_MLP_SELU:
      selu_forward (out, deriv, inp, count);
      break;
    case FC_MLP_RELU:
      for (size_t k = 0; k < count; k++)
        {
          out[k] = inp[k] > 0.0 ? inp[k] : 0.0;
          deriv[k] = inp[k] > 0.0 ? 1.0 : 0.0;
        }
      break;
    case FC_MLP_TANH:
      for (size_t k = 0; k < count; k++)
        {
          out[k] = tanh (inp[k]);
          deriv[k] = 1.0 - out[k] * out[k];
        }
      break;
    default:
      for (size_t k = 0; k < count; k++)
        {
          out[k] = gelu (inp[k]);
          deriv[k] = gelu_prime (inp[k]);
        }
      break;
    }
}

void
fc_act_backward (double *restrict dinp, const double *restrict deriv,
                 const double *restrict dout, size_t count)
{
#pragma omp simd
  for (size_t k = 0; k < count; k++)
    dinp[k] += deriv[k] * dout[k];
}

double
fc_mse_forward (const double *pred, const double *target, size_t count)
{
  double s = 0.0;
  for (size_t k = 0; k < count; k++)
    {
      double e = pred[k] - target[k];
      s += e * e;
    }
  return s / (double) count;
}

void
fc_mse_backward (double *dpred, const double *pred, const double *target,
                 size_t count)
{
  double scale = 2.0 / (double) count;
  for (size_t k = 0; k < count; k++)
    dpred[k] += scale * (pred[k] - target[k]);
}
