/* src/fc_path.h -- exact path quantities for mixture data.
 *
 * For data q = sum_k w_k N(mu_k, S_k) and the affine path
 * x_t = alpha_t x1 + sigma_t x0 (x0 ~ N(0, I)), everything is closed form
 * (CATALOG.md "Conventions"; N "marginal vf induced by conditional vf";
 * L "Justification"):
 *
 *   p_t(x)         = sum_k w_k N(x; m_k, C_k),  m_k = alpha mu_k,
 *                    C_k = alpha^2 S_k + sigma^2 I
 *   r_k(x)         = P(k | x_t = x)           (log-sum-exp)
 *   E[x1|x_t=x, k] = mu_k + alpha S_k C_k^{-1} (x - m_k)
 *   E[x0|x_t=x, k] = sigma C_k^{-1} (x - m_k)
 *   u_t(x)         = alpha' E[x1|x_t=x] + sigma' E[x0|x_t=x]
 *                  = sum_k r_k (alpha' mu_k + B_k (x - m_k)),
 *                    B_k = (alpha alpha' S_k + sigma sigma' I) C_k^{-1}
 *   score          = -sum_k r_k C_k^{-1} (x - m_k)
 *   div u_t        = sum_k r_k (tr B_k + s_k . u_k) - s . u,
 *                    s_k = -C_k^{-1}(x - m_k), u_k the component field.
 *
 * In the eigenbasis of S_k (fc_gmm.h) C_k, B_k are diagonal with entries
 * c_i = alpha^2 lambda_i + sigma^2 and b_i = (alpha alpha' lambda_i +
 * sigma sigma')/c_i, so only sigma*sigma' appears: finite at t = 1 for every
 * schedule, including vp where sigma' is infinite, and no 1/(1-t) appears
 * anywhere.  At t = 1 a singular S_k makes C_k singular: the quantities are
 * undefined there and the call fails with GSL_EDOM (never a NaN).
 *
 * All calls are batched: X is (n, D) row-major.  Evaluation is parallel over
 * fixed chunks of points (OpenMP) and each point's result does not depend on
 * the chunking, so results are bitwise the same whatever the thread count.
 * The kernel is compiled per instruction set and chosen by the CPU
 * (fc_path_kernel.c): AVX-512 and AVX2 give the same bits; the portable
 * baseline, without fused multiply-adds, differs from them by rounding
 * (~1e-13 relative).  */
#ifndef FC_PATH_H
#define FC_PATH_H

#include <stddef.h>
#include "fc_gmm.h"
#include "fc_schedule.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum
{
  FC_Q_LOGP = 0, /* log p_t(x)                    width 1 */
  FC_Q_SCORE,    /* grad_x log p_t(x)             width D */
  FC_Q_VELOCITY, /* u_t(x)                        width D */
  FC_Q_X1HAT,    /* E[x1 | x_t = x]               width D */
  FC_Q_X0HAT,    /* E[x0 | x_t = x]               width D */
  FC_Q_DIV,      /* div_x u_t(x)                  width 1 */
  FC_Q_COUNT
} fc_quantity;

/* Requested outputs of one evaluation; a NULL field is not computed.
   Shapes: logp (n), score/velocity/x1hat/x0hat (n, D), div (n).  */
typedef struct
{
  double *logp;
  double *score;
  double *velocity;
  double *x1hat;
  double *x0hat;
  double *div;
} fc_path_out;

/* Evaluate every requested quantity of the marginal path of data G (prepared)
   under schedule S at time T for the N points X (n, D).  Shares the
   per-component work among the requested quantities.  GSL_EDOM when T is
   outside [0, 1] or the quantity is undefined (singular component at t = 1);
   GSL_EBADFUNC when an input coordinate is not finite.  */
int
fc_path_eval_many (const fc_gmm *g, fc_schedule s, double t, size_t n,
                   const double *x, const fc_path_out *out);

/* One quantity Q into OUT (n * width).  */
int
fc_path_eval (const fc_gmm *g, fc_schedule s, double t, fc_quantity q,
              size_t n, const double *x, double *out);

/* 1 or D. */
size_t
fc_quantity_width (fc_quantity q, size_t dim);

const char *
fc_quantity_name (fc_quantity q);

/* GSL_EINVAL (no error handler call) when NAME names no quantity. */
int
fc_quantity_parse (const char *name, fc_quantity *q);

#ifdef __cplusplus
}
#endif
#endif /* FC_PATH_H */
