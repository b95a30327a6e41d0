/* src/fc_mlp_layers.c -- the operators of fc_mlp (fc_mlp_layers.h): a
 * linear layer (one BLAS-3 product over the batch each way), the
 * element-wise activations and the mean-squared loss, each a forward and
 * a backward function in the manner of llm.c.  */
#include <config.h>

#include <math.h>

#include <gsl/gsl_cblas.h>
#include <gsl/gsl_math.h>

#include "fc_mlp_layers.h"

/* SELU's constants (Klambauer et al. 2017, eq. 2; PyTorch's values).  */
#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_SCALE 1.0507009873554804934193349852946

void
fc_linear_forward (double *out, const double *inp, const double *w,
                   const double *b, size_t n, size_t k, size_t m)
{
  /* out (n, m): every row starts at b (m), then += inp (n, k) w^T (k, m) */
  for (size_t p = 0; p < n; p++)
    for (size_t j = 0; j < m; j++)
      out[p * m + j] = b[j];
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
    for (size_t j = 0; j < m; j++)
      db[j] += dout[p * m + j];
}

static inline double
selu (double x)
{
  return SELU_SCALE * (x > 0.0 ? x : SELU_ALPHA * expm1 (x));
}

static inline double
selu_prime (double x)
{
  return SELU_SCALE * (x > 0.0 ? 1.0 : SELU_ALPHA * exp (x));
}

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

void
fc_act_forward (fc_mlp_activation act, double *out, const double *inp,
                size_t count)
{
  switch (act)
    {
    case FC_MLP_SELU:
      for (size_t k = 0; k < count; k++)
        out[k] = selu (inp[k]);
      break;
    case FC_MLP_RELU:
      for (size_t k = 0; k < count; k++)
        out[k] = inp[k] > 0.0 ? inp[k] : 0.0;
      break;
    case FC_MLP_TANH:
      for (size_t k = 0; k < count; k++)
        out[k] = tanh (inp[k]);
      break;
    default:
      for (size_t k = 0; k < count; k++)
        out[k] = gelu (inp[k]);
      break;
    }
}

void
fc_act_backward (fc_mlp_activation act, double *dinp, const double *inp,
                 const double *dout, size_t count)
{
  switch (act)
    {
    case FC_MLP_SELU:
      for (size_t k = 0; k < count; k++)
        dinp[k] += selu_prime (inp[k]) * dout[k];
      break;
    case FC_MLP_RELU:
      for (size_t k = 0; k < count; k++)
        dinp[k] += inp[k] > 0.0 ? dout[k] : 0.0;
      break;
    case FC_MLP_TANH:
      for (size_t k = 0; k < count; k++)
        {
          double th = tanh (inp[k]);
          dinp[k] += (1.0 - th * th) * dout[k];
        }
      break;
    default:
      for (size_t k = 0; k < count; k++)
        dinp[k] += gelu_prime (inp[k]) * dout[k];
      break;
    }
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
