/* src/fc_path_chol.c -- the constants of the Cholesky form of the exact
 * path kernel (fc_path_kernel.c), fc_path.h for the formulas.
 *
 * With C_k = alpha^2 S_k + sigma^2 I = L_k L_k^T (L_k lower triangular)
 * and y = L_k^{-1} (x - alpha mu_k):
 *
 *   log N_k(x)  = -1/2 |y|^2 - sum_i log L_ii - D/2 log 2 pi,
 *   G C_k^{-1} (x - alpha mu_k) = G L_k^{-T} y   for any matrix G,
 *
 * and every vector quantity is sum_k r_k (a mu_k + G_q,k C_k^{-1} (x -
 * alpha mu_k)) with G_q = g1 S_k + g0 I:
 *
 *   score     a = 0,       G = -I
 *   x1hat     a = 1,       G = alpha S_k
 *   x0hat     a = 0,       G = sigma I
 *   velocity  a = alpha',  G = alpha alpha' S_k + sigma sigma' I
 *
 * (the same table as the eigenbasis form of fc_path.c, with V diag(g) V^T
 * = G C^{-1}).  Per point and component that is y = x^T L^{-T} - (L^{-1}
 * alpha mu)^T (a triangular product, D^2 flops) and, per quantity, y^T R_q
 * with R_q = (G_q L^{-T})^T = L^{-1} G_q (a full product, 2 D^2 flops):
 * 3 D^2 flops for one quantity, against 4 D^2 in the eigenbasis (two full
 * rotations).  The triangular inverse L^{-1} is formed once per call (D^3/3
 * flops per component), so the per-point solve is a product.
 *
 * Fewer flops: the quantities are affine in the score.  alpha^2 S_k =
 * C_k - sigma^2 I makes G_v C_k^{-1} = (alpha'/alpha) I + (sigma sigma' -
 * alpha' sigma^2 / alpha) C_k^{-1}, and the alpha' mu_k terms cancel:
 *
 *   u     = (alpha'/alpha) x + (alpha' sigma^2 / alpha - sigma sigma') s,
 *   x0hat = -sigma s,   x1hat = (x + sigma^2 s) / alpha,
 *
 * with the score s = -sum_k r_k L_k^{-T} y_k, whose product R = -L_k^{-1}
 * is triangular: D^2 + D^2 flops per point and component for any set of
 * vector quantities.  The terms of size |x| / alpha cancel to |u|, so this
 * form amplifies the rounding by up to 1 / alpha relative to |x|: it is
 * used for alpha >= FC_PATH_AFFINE_MIN_ALPHA (at most 4 eps |x|), the full
 * R_q above for smaller alpha.
 *
 * Accuracy.  The Cholesky factor and its inverse carry a relative error of
 * order eps cond(C_k) into y (the eigenbasis form: eps sqrt(cond)), so the
 * form is used only when every cond(C_k) <= FC_PATH_CHOL_MAX_COND: at most
 * ~ 1e4 eps ~ 2e-12 relative, well inside the 1e-10 of tests/eval.test.
 * Otherwise (near t = 1 for a nearly singular S_k), and for alpha = 0 and
 * the divergence, the eigenbasis form of fc_path.c runs.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_carve.h"
#include "fc_chol.h"
#include "fc_path_internal.h"

/* Largest cond(C_k) for which the Cholesky form is used (see above).  */
#define FC_PATH_CHOL_MAX_COND 1e4

/* Smallest alpha for which the vector quantities come from the score
   alone (see above).  */
#define FC_PATH_AFFINE_MIN_ALPHA 0.25

/* cond(C_k) = max c_i / min c_i, c_i = alpha^2 lambda_i + sigma^2.  */
static double
fc_path_chol_cond (const fc_path_plan *pl, size_t k)
{
  double a2 = pl->sv.alpha * pl->sv.alpha, cmin = INFINITY, cmax = 0.0;
  for (size_t i = 0; i < pl->d; i++)
    {
      double c = a2 * pl->g->eigval[k * pl->d + i] + pl->sv.sigma2;
      cmin = GSL_MIN (cmin, c);
      cmax = GSL_MAX (cmax, c);
    }
  return cmax / cmin;
}

/* The inverse of the lower triangular L (D, D) into LI, column by column
   (forward substitution of L LI = I); the upper part of LI zeroed.  */
static void
fc_path_chol_tri_inverse (size_t d, const double *l, double *li)
{
  memset (li, 0, d * d * sizeof (double));
  for (size_t j = 0; j < d; j++)
    {
      li[j * d + j] = 1.0 / l[j * d + j];
      for (size_t i = j + 1; i < d; i++)
        {
          double acc = 0.0;
          for (size_t p = j; p < i; p++)
            acc += l[i * d + p] * li[p * d + j];
          li[i * d + j] = -acc / l[i * d + i];
        }
    }
}

/* LS = LI S for the lower triangular LI and the full S (D, D).  */
static void
fc_path_chol_tri_mul (size_t d, const double *li, const double *s,
                      double *ls)
{
  memset (ls, 0, d * d * sizeof (double));
  for (size_t i = 0; i < d; i++)
    for (size_t p = 0; p <= i; p++)
      {
        double v = li[i * d + p];
        for (size_t j = 0; j < d; j++)
          ls[i * d + j] += v * s[p * d + j];
      }
}

/* g1 and g0 of G_q = g1 S + g0 I (the table above).  */
static void
fc_path_chol_gq (const fc_schedule_value *v, int q, double *g1, double *g0)
{
  *g1 = 0.0;
  *g0 = 0.0;
  switch (q)
    {
    case VQ_SCORE: *g0 = -1.0; break;
    case VQ_VELOCITY:
      *g1 = v->alpha * v->dalpha;
      *g0 = v->sigma_dsigma;
      break;
    case VQ_X1HAT: *g1 = v->alpha; break;
    default: *g0 = v->sigma; break;
    }
}

/* Component K's constants, with the workspace WK (4 D^2).  0 when C_k is
   not numerically positive definite (the caller falls back).  */
static int
fc_path_chol_component (fc_path_plan *pl, size_t k, double *wk)
{
  size_t d = pl->d, dd = d * d;
  const fc_gmm *g = pl->g;
  const double *s = g->cov + k * dd;
  double *c = wk, *l = wk + dd, *li = wk + 2 * dd, *ls = wk + 3 * dd;
  double a2 = pl->sv.alpha * pl->sv.alpha;
  for (size_t i = 0; i < dd; i++)
    c[i] = a2 * s[i];
  for (size_t i = 0; i < d; i++)
    c[i * d + i] += pl->sv.sigma2;
  if (!fc_chol_lower (d, c, l))
    return 0;
  fc_path_chol_tri_inverse (d, l, li);
  double sumlog = 0.0;
  double *mt = pl->mt + k * dd, *lm = pl->lm + k * d;
  for (size_t i = 0; i < d; i++)
    {
      sumlog += log (l[i * d + i]);
      double acc = 0.0;
      for (size_t j = 0; j <= i; j++)
        acc += li[i * d + j] * (pl->sv.alpha * g->mean[k * d + j]);
      lm[i] = acc;
      for (size_t j = 0; j < d; j++)
        mt[i * d + j] = li[j * d + i];
    }
  pl->lcc[k] = g->log_weight[k] - sumlog - 0.5 * d * log (2 * M_PI);
  if (pl->need_vq[VQ_VELOCITY] || pl->need_vq[VQ_X1HAT])
    fc_path_chol_tri_mul (d, li, s, ls);
  for (int q = 0; q < VQ_COUNT; q++)
    {
      if (!pl->need_vq[q])
        continue;
      double g1, g0, *r = pl->rq + (q * pl->nk + k) * dd;
      fc_path_chol_gq (&pl->sv, q, &g1, &g0);
      for (size_t i = 0; i < dd; i++)
        r[i] = g0 * li[i] + (g1 != 0.0 ? g1 * ls[i] : 0.0);
    }
  return 1;
}

/* Accumulate the score alone when some vector quantity is asked: the
   others follow from it (see above).  */
static void
fc_path_affine_plan (fc_path_plan *pl)
{
  const fc_schedule_value *v = &pl->sv;
  int any = 0;
  for (int q = 0; q < VQ_COUNT; q++)
    any |= pl->need_vq[q];
  if (!any)
    return;
  pl->affine = 1;
  for (int q = 0; q < VQ_COUNT; q++)
    pl->need_vq[q] = q == VQ_SCORE;
  pl->ux = v->dalpha / v->alpha;
  pl->us = v->dalpha * v->sigma2 / v->alpha - v->sigma_dsigma;
}

void
fc_path_chol_plan_free (fc_path_plan *pl)
{
  free (pl->chol_block);
  pl->chol_block = NULL;
  pl->chol = 0;
  pl->small = 0;
}

int
fc_path_chol_plan_init (fc_path_plan *pl)
{
  size_t d = pl->d, nk = pl->nk, dd = d * d;
  pl->chol = 0;
  if (pl->alpha0 || pl->need_div)
    return GSL_SUCCESS;
  for (size_t k = 0; k < nk; k++)
    if (!(fc_path_chol_cond (pl, k) <= FC_PATH_CHOL_MAX_COND))
      return GSL_SUCCESS;
  double *wk;
  double **slot[] = { &pl->mt, &pl->lm, &pl->lcc, &pl->rq, &wk };
  const size_t len[]
    = { nk * dd, nk * d, nk, VQ_COUNT * nk * dd, 4 * dd };
  pl->chol_block = FC_CARVE (slot, len);
  if (pl->chol_block == NULL)
    GSL_ERROR ("out of memory for the path constants", GSL_ENOMEM);
  pl->chol = 1;
  if (pl->sv.alpha >= FC_PATH_AFFINE_MIN_ALPHA)
    fc_path_affine_plan (pl);
  for (size_t k = 0; k < nk && pl->chol; k++)
    pl->chol = fc_path_chol_component (pl, k, wk);
  if (!pl->chol)
    fc_path_chol_plan_free (pl);
  /* The small-D kernel accumulates the score alone (or nothing).  */
  pl->small = pl->chol && d <= FC_PATH_SMALL_D
              && (pl->affine || !(pl->need_vq[VQ_SCORE] || pl->need_vq[VQ_VELOCITY]
                                  || pl->need_vq[VQ_X1HAT] || pl->need_vq[VQ_X0HAT]));
  return GSL_SUCCESS;
}
