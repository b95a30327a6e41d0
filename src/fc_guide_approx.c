/* src/fc_guide_approx.c -- the approximate likelihoods of fc_guide
 * (fc_guide.h; N §Guidance term, claims G4, G5): N(y; A x1hat, Sigma) with
 * the reconstruction Sigma_gamma = sigma_y^2 I + gamma (sigma/alpha)^2
 * A A^T, factored once per call, or the Tweedie Sigma = sigma_y^2 I +
 * A Cov[x1 | x_t] A^T, formed and factored per point from the per-call
 * A Sigma1_k A^T; the G4 gradient J^T A^T Sigma^{-1} (y - A x1hat) as
 * products (fc_guide_kernel.c, top) and the note's vector
 * Sigma^{-1} (y - A x1hat) (G5).  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_chol.h"
#include "fc_guide_internal.h"

/* OUT (m) = sum_k R_k ROWS_k, ROWS (nk, m), summed over k in order into
   one register per entry: the same bits as accumulating in OUT, without
   a store and reload of OUT on every term (which made the loop a chain of
   store-to-load latencies: a quarter of this file's time in G6).  */
static void
fc_guide_weighted_rows (size_t nk, size_t m, const double *r,
                        const double *rows, double *out)
{
  for (size_t i = 0; i < m; i++)
    {
      double acc = 0.0;
      for (size_t k = 0; k < nk; k++)
        acc += r[k] * rows[k * m + i];
      out[i] = acc;
    }
}

/* The approximate likelihood at point P of the chunk, given r_k and
   A m1_k: A x1hat, Sigma (factored per point for tweedie), v =
   Sigma^{-1} (y - A x1hat), log N(y; A x1hat, Sigma), and the centred
   coefficients c_k = (s_k - s) . A^T v of the rank-one part
   (fc_guide_kernel.c, top).  Returns 2 when Sigma is not positive
   definite.  */
int
fc_guide_approx_weights (const fc_guide_plan *pl, fc_guide_scratch *s,
                         size_t p)
{
  size_t nk = pl->nk, m = pl->m;
  const double *r = s->r + p * nk, *am = s->am + p * nk * m;
  double *v = s->v + p * m, *ck = s->coef + p * nk, lconst = pl->sconst;
  const double *chol = pl->schol;
  fc_guide_weighted_rows (nk, m, r, am, s->ax);
  if (pl->kind == FC_GUIDE_LIK_TWEEDIE)
    {
      double s2 = pl->obs->sigma_y * pl->obs->sigma_y;
      /* Each entry summed over k in order in a register (the same bits
         as accumulating in sig, without its store-to-load chain).  */
      for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j <= i; j++)
          {
            double acc = 0.0;
            for (size_t k = 0; k < nk; k++)
              acc += r[k] * (pl->asa[k * m * m + i * m + j]
                             + (am[k * m + i] - s->ax[i])
                                 * (am[k * m + j] - s->ax[j]));
            s->sig[i * m + j] = acc;
          }
      for (size_t i = 0; i < m; i++)
        {
          s->sig[i * m + i] += s2;
          for (size_t j = i + 1; j < m; j++)
            s->sig[i * m + j] = s->sig[j * m + i];
        }
      if (fc_guide_factor_sigma (m, s->sig, &lconst))
        return 2;
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
    fc_guide_weighted_rows (nk, m, r, as, s->ax);
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

/* Store the fc_guide_approx results (or the guided velocity) of point P.
   Returns 1 when one is not finite.  */
int
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
int
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
