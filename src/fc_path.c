/* src/fc_path.c -- exact path quantities of mixture data (the oracle).
 *
 * Formulas: fc_path.h, CATALOG.md "Conventions", N "marginal vf induced
 * by conditional vf", L "Justification".
 *
 * Everything is computed in the eigenbasis of each S_k = V diag(lambda) V^T
 * (fc_gmm_prepare), where C_k = alpha^2 S_k + sigma^2 I is diagonal with
 * entries c_i = alpha^2 lambda_i + sigma^2.  For a point x and component k,
 *
 *   z = V^T (x - alpha mu_k) = V^T x - alpha mean_eig_k,
 *   log N_k(x) = -1/2 sum_i z_i^2 / c_i - 1/2 sum_i log c_i - D/2 log 2 pi,
 *
 * and every vector quantity has the form sum_k r_k [a mu_k + V (g o z)]
 * = sum_k r_k V (a mean_eig_k + g o z) with a scalar a and diagonal g:
 *
 *   score     a = 0,       g = -1/c
 *   x1hat     a = 1,       g = alpha lambda / c
 *   x0hat     a = 0,       g = sigma / c
 *   velocity  a = alpha',  g = b = (alpha alpha' lambda + sigma sigma') / c
 *
 * (velocity = alpha' x1hat + sigma' x0hat; sigma' enters only through
 * sigma sigma', finite at t = 1 for every schedule).  The divergence of
 * u = sum_k r_k u_k with grad r_k = r_k (s_k - s) is
 *
 *   div u = sum_k r_k (tr B_k + s_k . u_k) - s . u,
 *
 * with tr B_k = sum_i b_i and, since V is orthogonal,
 * s_k . u_k = -(z/c) . (alpha' mean_eig_k + b o z)
 *           = -alpha' (z/c) . mean_eig_k - sum_i b_i z_i^2 / c_i.
 *
 * The Cholesky form (fc_path_chol.c) computes the same quantities with
 * 3 D^2 flops per point, component and quantity instead of 4 D^2; it runs
 * when every C_k is well conditioned and no divergence is asked, the
 * eigenbasis form otherwise.  The chunk kernels, their variants per
 * instruction set and the shape of the computation: fc_path_kernel.c.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_carve.h"
#include "fc_parse.h"
#include "fc_path.h"
#include "fc_path_internal.h"

static const char *const fc_quantity_names[FC_Q_COUNT]
  = { "logp", "score", "velocity", "x1hat", "x0hat", "div" };

size_t
fc_quantity_width (fc_quantity q, size_t dim)
{
  return (q == FC_Q_LOGP || q == FC_Q_DIV) ? 1 : dim;
}

FC_PARSE_NAME_TABLE (fc_quantity, fc_quantity_name, fc_quantity_parse,
                     fc_quantity_names, FC_Q_COUNT)

/* The diagonal g of each vector quantity for eigenvalue LAMBDA (see the
   table at the top of the file).  */
static void
fc_path_plan_g (fc_path_plan *pl, size_t idx, double lambda, double c)
{
  const fc_schedule_value *v = &pl->sv;
  size_t kd = pl->nk * pl->d;
  pl->gdiag[VQ_SCORE * kd + idx] = -1.0 / c;
  pl->gdiag[VQ_VELOCITY * kd + idx]
    = (v->alpha * v->dalpha * lambda + v->sigma_dsigma) / c;
  pl->gdiag[VQ_X1HAT * kd + idx] = v->alpha * lambda / c;
  pl->gdiag[VQ_X0HAT * kd + idx] = v->sigma / c;
}

/* Per-component constants at time t.  GSL_EDOM when some c_i = 0 (a
   singular component at t = 1): the path law has no density there.  */
static int
fc_path_plan_init (fc_path_plan *pl)
{
  size_t d = pl->d, nk = pl->nk;
  const fc_gmm *g = pl->g;
  double a2 = pl->sv.alpha * pl->sv.alpha;
  double **slot[] = { &pl->lconst, &pl->sumb, &pl->inv_c, &pl->amu,
                      &pl->gdiag, &pl->bic, &pl->ame };
  const size_t len[] = { nk, nk, nk * d, nk * d, VQ_COUNT * nk * d, nk * d,
                         VQ_COUNT * nk * d };
  pl->block = FC_CARVE (slot, len);
  if (pl->block == NULL)
    GSL_ERROR ("out of memory for the path constants", GSL_ENOMEM);
  for (size_t k = 0; k < nk; k++)
    {
      double sumlog = 0.0, sumb = 0.0;
      for (size_t i = 0; i < d; i++)
        {
          size_t idx = k * d + i;
          double lambda = g->eigval[idx];
          double c = a2 * lambda + pl->sv.sigma2;
          if (!(c > 0.0))
            GSL_ERROR ("quantity undefined at t = 1 for a singular component",
                       GSL_EDOM);
          pl->inv_c[idx] = 1.0 / c;
          pl->amu[idx] = pl->sv.alpha * g->mean_eig[idx];
          sumlog += log (c);
          fc_path_plan_g (pl, idx, lambda, c);
          sumb += pl->gdiag[VQ_VELOCITY * nk * d + idx];
          pl->bic[idx] = pl->gdiag[VQ_VELOCITY * nk * d + idx] / c;
        }
      pl->lconst[k] = g->log_weight[k] - 0.5 * sumlog - 0.5 * d * log (2 * M_PI);
      pl->sumb[k] = sumb;
    }
  pl->a[VQ_SCORE] = 0.0;
  pl->a[VQ_VELOCITY] = pl->sv.dalpha;
  pl->a[VQ_X1HAT] = 1.0;
  pl->a[VQ_X0HAT] = 0.0;
  for (int q = 0; q < VQ_COUNT; q++)
    for (size_t idx = 0; idx < nk * d; idx++)
      pl->ame[q * nk * d + idx] = pl->a[q] * g->mean_eig[idx];
  return GSL_SUCCESS;
}

static int
fc_path_scratch_alloc (fc_path_scratch *s, size_t d, size_t nk)
{
  const size_t b = FC_PATH_CHUNK;
  double **slot[] = { &s->z,    &s->w, &s->y,  &s->m, &s->ssum,
                      &s->tdiv, &s->e, &s->lk, &s->ly };
  size_t nly = d <= FC_PATH_SMALL_D ? nk * d * FC_PATH_LANES : 0;
  const size_t len[] = { b * d, b * d, VQ_COUNT * b * d, b, b,
                         b,     b,     nk * FC_PATH_LANES, nly };
  memset (s, 0, sizeof *s);
  s->block = FC_CARVE (slot, len);
  return s->block != NULL ? GSL_SUCCESS : GSL_ENOMEM;
}

/* Chunk C of the N points X with scratch S; nonzero on overflow.  */
static int
fc_path_run_chunk (const fc_path_plan *pl, fc_path_scratch *s, size_t c,
                   size_t n, const double *x, const fc_path_out *out)
{
  size_t p0 = c * FC_PATH_CHUNK;
  return fc_path_chunk (pl, s, p0, GSL_MIN (FC_PATH_CHUNK, n - p0), x, out);
}

/* Run every chunk, OpenMP over chunks.  One chunk (the single points of
   the adaptive ODE, C5, T3) runs without a parallel region: opening one
   per call cost more than the point (a nested team, futex wake-ups, 1.3 s
   of system time in C5).  */
static int
fc_path_run (const fc_path_plan *pl, size_t n, const double *x,
             const fc_path_out *out)
{
  size_t n_chunks = (n + FC_PATH_CHUNK - 1) / FC_PATH_CHUNK;
  int nomem = 0, overflow = 0;
  if (n_chunks == 1)
    {
      fc_path_scratch s;
      nomem = fc_path_scratch_alloc (&s, pl->d, pl->nk) != GSL_SUCCESS;
      if (!nomem)
        overflow = fc_path_run_chunk (pl, &s, 0, n, x, out);
      free (s.block);
    }
  else
#pragma omp parallel reduction(| : nomem, overflow)
  {
    fc_path_scratch s;
    int ok = fc_path_scratch_alloc (&s, pl->d, pl->nk) == GSL_SUCCESS;
    nomem |= !ok;
#pragma omp for schedule(static)
    for (size_t c = 0; c < n_chunks; c++)
      if (ok)
        overflow |= fc_path_run_chunk (pl, &s, c, n, x, out);
    free (s.block);
  }
  if (nomem)
    GSL_ERROR ("out of memory for the path workspace", GSL_ENOMEM);
  if (overflow)
    GSL_ERROR ("path quantity overflows (point too far from the data)",
               GSL_EOVRFLW);
  return GSL_SUCCESS;
}

int
fc_path_eval_many (const fc_gmm *g, fc_schedule s, double t, size_t n,
                   const double *x, const fc_path_out *out)
{
  fc_path_plan pl;
  memset (&pl, 0, sizeof pl);
  if (out == NULL)
    GSL_ERROR ("no output record", GSL_EINVAL);
  int status = fc_schedule_eval (s, t, &pl.sv);
  if (status)
    return status;
  status = fc_gmm_check_points (g, n, x);
  if (status)
    return status;
  pl.g = g;
  pl.d = g->dim;
  pl.nk = g->n_comp;
  pl.alpha0 = (pl.sv.alpha == 0.0);
  pl.need_div = out->div != NULL;
  pl.need_logp = out->logp != NULL;
  pl.need_vq[VQ_SCORE] = out->score != NULL || pl.need_div;
  pl.need_vq[VQ_VELOCITY] = out->velocity != NULL || pl.need_div;
  pl.need_vq[VQ_X1HAT] = out->x1hat != NULL;
  pl.need_vq[VQ_X0HAT] = out->x0hat != NULL;
  if (!pl.need_logp && !pl.need_div && !out->score && !out->velocity
      && !out->x1hat && !out->x0hat)
    return GSL_SUCCESS;
  pl.isa = fc_path_isa_current ();
  status = fc_path_plan_init (&pl);
  if (status == GSL_SUCCESS && n > 0)
    status = fc_path_chol_plan_init (&pl);
  if (status == GSL_SUCCESS && n > 0)
    status = fc_path_run (&pl, n, x, out);
  fc_path_chol_plan_free (&pl);
  free (pl.block);
  return status;
}

int
fc_path_eval (const fc_gmm *g, fc_schedule s, double t, fc_quantity q,
              size_t n, const double *x, double *out)
{
  fc_path_out o;
  memset (&o, 0, sizeof o);
  switch (q)
    {
    case FC_Q_LOGP: o.logp = out; break;
    case FC_Q_SCORE: o.score = out; break;
    case FC_Q_VELOCITY: o.velocity = out; break;
    case FC_Q_X1HAT: o.x1hat = out; break;
    case FC_Q_X0HAT: o.x0hat = out; break;
    case FC_Q_DIV: o.div = out; break;
    default:
      GSL_ERROR ("unknown quantity", GSL_EINVAL);
    }
  if (n > 0 && out == NULL)
    GSL_ERROR ("no output buffer", GSL_EINVAL);
  return fc_path_eval_many (g, s, t, n, x, &o);
}
