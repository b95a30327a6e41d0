/* src/fc_guide_exact.c -- the Tweedie moments and the exact likelihood
 * h_t(x) = p_t(y | x) with its gradient (fc_guide.h): their plan, and the
 * per-point responsibilities, likelihood, Cov and J between the kernel's
 * two passes (fc_guide_kernel.c).  The component posteriors and the
 * identity (T) are derived in fc_guide_internal.h.
 *
 * Tweedie.  x1hat = sum_k r_k m1_k and grad r_k = r_k (s_k - s) give
 * J = sum_k r_k J_k + sum_k r_k m1_k (s_k - s)^T; by (T) and the law of
 * total covariance J = (alpha / sigma^2) Cov[x1 | x_t] for sigma > 0.
 *
 * Exact likelihood (N §Guidance term, first line).  p_t(y | x) =
 * int N(y; A x1, sigma_y^2 I) p_t(x1 | x) dx1 with p_t(x1 | x) the mixture
 * sum_k r_k N(m1_k, Sigma1_k): h = sum_k r_k N(y; A m1_k, G_k).  Its
 * gradient: grad (r_k N_k) = r_k N_k [(s_k - s) + J_k^T A^T G_k^{-1}
 * (y - A m1_k)] (G_k does not depend on x, J_k is symmetric), so
 * grad log h = sum_k rho_k [(s_k - s) + J_k A^T G_k^{-1} (y - A m1_k)].
 * Bayes gives the independent check h = p_t^post(x) p(y) / p_t(x).
 *
 * Guidance factor.  u = alpha' x1hat + sigma' x0hat with x0hat = -sigma s
 * and x1hat = (x + sigma^2 s)/alpha give u = (alpha'/alpha) x +
 * (alpha' sigma^2/alpha - sigma sigma') s; the posterior path has the same
 * schedule and score s + grad log h, so u(x|y) - u(x) = c_t grad log h with
 * c_t = (alpha' sigma^2 - alpha sigma sigma')/alpha; for linear
 * ((1-t)^2 + t (1-t))/t = (1-t)/t (S6).
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_guide_internal.h"

/* E (n) = exp (V + W - max), W optional, and the log-sum-exp of V + W;
   the normalised weights are then E / sum.  One exponential per term,
   where exp (V + W - lse) would take a second (they were a sixth of G6's
   CPU), and no rounding of a large lse enters the weights.  When every
   term is -inf the weights are NaN and the result -inf, as
   exp (-inf - -inf) made them.  */
static double
fc_guide_softmax (size_t n, const double *v, const double *w, double *e)
{
  double mx = -INFINITY, acc = 0.0;
  for (size_t k = 0; k < n; k++)
    mx = GSL_MAX (mx, v[k] + (w ? w[k] : 0.0));
  if (mx == -INFINITY)
    {
      for (size_t k = 0; k < n; k++)
        e[k] = NAN;
      return mx;
    }
  for (size_t k = 0; k < n; k++)
    acc += e[k] = exp (v[k] + (w ? w[k] : 0.0) - mx);
  for (size_t k = 0; k < n; k++)
    e[k] /= acc;
  return mx + log (acc);
}

/* Responsibilities and the per-point likelihood of point P of the chunk.
   Returns 2 when the tweedie Sigma is not positive definite.  */
int
fc_guide_weights (const fc_guide_plan *pl, fc_guide_scratch *s, size_t p)
{
  size_t nk = pl->nk;
  const double *l = s->l + p * nk, *ln = s->ln + p * nk;
  double *r = s->r + p * nk;
  double lse = fc_guide_softmax (nk, l, NULL, r);
  if (pl->lik)
    {
      double *rho = s->rho + p * nk;
      s->lh[p] = fc_guide_softmax (nk, l, ln, rho) - lse;
      for (size_t k = 0; k < nk; k++)
        s->coef[p * nk + k] = pl->scaled ? (rho[k] - r[k]) / pl->sv.sigma2
                                         : rho[k] - r[k];
    }
  if (pl->approx)
    return fc_guide_approx_weights (pl, s, p);
  return 0;
}

/* x1hat, Cov and jhat (= J, or J/alpha in the scaled form) at point P of
   the chunk.  Cov is made exactly symmetric (its upper triangle is copied
   from the lower one), since it is a covariance that callers factor.  */
static void
fc_guide_matrices (const fc_guide_plan *pl, fc_guide_scratch *s, size_t p)
{
  const size_t b = FC_GUIDE_CHUNK;
  size_t d = pl->d, dd = d * d, nk = pl->nk;
  const double *r = s->r + p * nk;
  memset (s->x1hat, 0, d * sizeof (double));
  memset (s->s, 0, d * sizeof (double));
  for (size_t k = 0; k < nk; k++)
    for (size_t i = 0; i < d; i++)
      {
        s->x1hat[i] += r[k] * s->m1[(k * b + p) * d + i];
        if (pl->need_jac && !pl->scaled)
          s->s[i] += r[k] * s->sk[(k * b + p) * d + i];
      }
  if (!pl->need_cov && !pl->need_jac)
    return;
  if (pl->need_cov)
    memset (s->cov, 0, dd * sizeof (double));
  if (pl->need_jac)
    memset (s->jhat, 0, dd * sizeof (double));
  for (size_t k = 0; k < nk; k++)
    {
      const double *m1 = s->m1 + (k * b + p) * d;
      /* dk = s_k - s (direct form) or (m1_k - x1hat)/sigma^2 = (s_k -
         s)/alpha (scaled form).  */
      for (size_t i = 0; pl->need_jac && i < d; i++)
        s->dk[i] = pl->scaled ? (m1[i] - s->x1hat[i]) / pl->sv.sigma2
                              : s->sk[(k * b + p) * d + i] - s->s[i];
      for (size_t i = 0; i < d; i++)
        for (size_t j = 0; j < d; j++)
          {
            double ci = m1[i] - s->x1hat[i];
            if (pl->need_cov)
              s->cov[i * d + j] += r[k] * (pl->s1mat[k * dd + i * d + j]
                                           + ci * (m1[j] - s->x1hat[j]));
            if (pl->need_jac)
              s->jhat[i * d + j] += r[k] * (pl->jmat[k * dd + i * d + j]
                                            + ci * s->dk[j]);
          }
    }
  for (size_t i = 0; pl->need_cov && i < d; i++)
    for (size_t j = i + 1; j < d; j++)
      s->cov[i * d + j] = s->cov[j * d + i];
}

/* Store the fc_guide_eval results of point P of the chunk (P0 + P
   overall).  Returns 1 when one is not finite.  */
int
fc_guide_store_eval (const fc_guide_plan *pl, fc_guide_scratch *s, size_t p,
                     size_t p0)
{
  const fc_guide_out *out = pl->eo;
  size_t d = pl->d, dd = d * d, q = p0 + p;
  const double *vec = s->y + p * d;
  int bad = 0;
  if (pl->need_m1)
    fc_guide_matrices (pl, s, p);
  for (size_t i = 0; i < d; i++)
    {
      if (out->x1hat)
        bad |= !isfinite (out->x1hat[q * d + i] = s->x1hat[i]);
      if (out->grad)
        bad |= !isfinite (out->grad[q * d + i] = pl->gfac * vec[i]);
      if (out->cgrad)
        bad |= !isfinite (out->cgrad[q * d + i] = pl->cfac * vec[i]);
    }
  for (size_t i = 0; i < dd; i++)
    {
      if (out->cov)
        bad |= !isfinite (out->cov[q * dd + i] = s->cov[i]);
      if (out->jac)
        bad |= !isfinite (out->jac[q * dd + i] = pl->gfac * s->jhat[i]);
    }
  if (out->logh)
    bad |= !isfinite (out->logh[q] = s->lh[p]);
  return bad;
}

/* The plan of the exact likelihood; OUT (fc_guide_eval) or U (the
   exact-split field's velocity) receives the results.  */
int
fc_guide_eval_plan (fc_guide_plan *pl, const fc_gmm *g, fc_schedule s,
                    double t, const fc_obs *obs, size_t n, const double *x,
                    const fc_guide_out *out, double *u)
{
  memset (pl, 0, sizeof *pl);
  if (out == NULL && u == NULL)
    GSL_ERROR ("no output record", GSL_EINVAL);
  int status = fc_schedule_eval (s, t, &pl->sv);
  if (status)
    return status;
  if (u != NULL)
    {
      static const fc_guide_out none = { 0 };
      out = &none;
      pl->lik = pl->need_vel = 1;
      pl->u = u;
    }
  else
    {
      pl->lik = out->logh != NULL || out->grad != NULL || out->cgrad != NULL;
      pl->eo = out;
    }
  if (pl->lik && obs == NULL)
    GSL_ERROR ("the likelihood needs an observation", GSL_EINVAL);
  status = fc_guide_check (g, pl->lik ? obs : NULL, n, x);
  if (status)
    return status;
  pl->g = g;
  pl->obs = pl->lik ? obs : NULL;
  pl->d = g->dim;
  pl->nk = g->n_comp;
  pl->m = pl->lik ? obs->m : 0;
  pl->need_am = pl->lik;
  pl->need_vec = out->grad != NULL || out->cgrad != NULL;
  pl->need_cov = out->cov != NULL;
  pl->need_jac = out->jac != NULL;
  pl->need_m1 = out->x1hat != NULL || pl->need_cov || pl->need_jac;
  return fc_guide_plan_init (pl);
}

int
fc_guide_eval (const fc_gmm *g, fc_schedule s, double t, const fc_obs *obs,
               size_t n, const double *x, const fc_guide_out *out)
{
  fc_guide_plan pl;
  int status = fc_guide_eval_plan (&pl, g, s, t, obs, n, x, out, NULL);
  if (status == GSL_SUCCESS && n > 0)
    status = fc_guide_run (&pl, n, x);
  fc_guide_plan_free (&pl);
  return status;
}

int
fc_guide_factor (fc_schedule s, double t, double *c)
{
  fc_schedule_value v;
  int status = fc_schedule_eval (s, t, &v);
  if (status)
    return status;
  if (v.alpha == 0.0)
    *c = GSL_POSINF;
  else
    *c = (v.dalpha * v.sigma2 - v.alpha * v.sigma_dsigma) / v.alpha;
  return GSL_SUCCESS;
}
