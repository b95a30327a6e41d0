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
 * Shape of the computation.  Points are cut into chunks of FC_PATH_CHUNK;
 * OpenMP shares chunks among threads and nothing is reduced across chunks,
 * so every point's result is the same whatever the thread count.  Within a
 * chunk, per component: Z = X V_k (a small GEMM), then per point the
 * log-density and an unnormalised weight by an online log-sum-exp (running
 * maximum, rescaling the accumulators when it grows), then per requested
 * vector quantity Y += W V_k^T with W = e (a mean_eig + g o z).  That is
 * 2 B D^2 flops per GEMM: 4 B K D^2 for one vector quantity, and no
 * second pass over the components.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_carve.h"
#include "fc_gemm.h"
#include "fc_parse.h"
#include "fc_path.h"

/* Points per chunk.  64 rows of D doubles keep the chunk's Z, W and
   accumulators in L2 up to D ~ 100, and amortise the per-component work
   (loading V_k, its constants) over many points; the chunk is also the unit
   of OpenMP work.  Results do not depend on it.  */
#define FC_PATH_CHUNK 64

/* The vector quantities, in the order of the accumulators. */
enum
{
  VQ_SCORE = 0,
  VQ_VELOCITY,
  VQ_X1HAT,
  VQ_X0HAT,
  VQ_COUNT
};

static const char *const fc_quantity_names[FC_Q_COUNT]
  = { "logp", "score", "velocity", "x1hat", "x0hat", "div" };

/* Per-call constants shared (read-only) by every thread. */
typedef struct
{
  const fc_gmm *g;
  size_t d, nk;
  fc_schedule_value sv;
  int alpha0;            /* alpha == 0: every component has the same law */
  int need_vq[VQ_COUNT]; /* accumulate this vector quantity */
  int need_div, need_logp;
  double *lconst;        /* (K) log w_k - 1/2 sum log c - D/2 log 2 pi */
  double *inv_c;         /* (K, D) 1 / c_i */
  double *amu;           /* (K, D) alpha * mean_eig_k */
  double *gdiag;         /* (VQ_COUNT, K, D) diagonal g per quantity */
  double a[VQ_COUNT];    /* the scalar a per quantity */
  double *sumb;          /* (K) tr B_k = sum_i b_i */
  double *bic;           /* (K, D) b_i / c_i, for s_k . u_k */
  double *block;         /* the allocation the arrays point into */
} fc_path_plan;

/* Per-thread scratch, allocated once per call.  */
typedef struct
{
  double *z;          /* (B, D) */
  double *w;          /* (B, D) */
  double *y;          /* (VQ_COUNT, B, D) accumulators */
  double *m;          /* (B) running maximum of log w_k N_k */
  double *ssum;       /* (B) sum of exp (log w_k N_k - m) */
  double *tdiv;       /* (B) sum of e_k (tr B_k + s_k . u_k) */
  double *e;          /* (B) weight of the current component */
  double *block;      /* the allocation the arrays point into */
} fc_path_scratch;

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
                      &pl->gdiag, &pl->bic };
  const size_t len[] = { nk, nk, nk * d, nk * d, VQ_COUNT * nk * d, nk * d };
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
  return GSL_SUCCESS;
}

static int
fc_path_scratch_alloc (fc_path_scratch *s, size_t d)
{
  const size_t b = FC_PATH_CHUNK;
  double **slot[] = { &s->z, &s->w, &s->y, &s->m, &s->ssum, &s->tdiv, &s->e };
  const size_t len[] = { b * d, b * d, VQ_COUNT * b * d, b, b, b, b };
  memset (s, 0, sizeof *s);
  s->block = FC_CARVE (slot, len);
  return s->block != NULL ? GSL_SUCCESS : GSL_ENOMEM;
}

/* sum_i u_i v_i w_i with four partial sums (i mod 4) added in a fixed
   order: four independent FMA chains instead of one (the quadratic forms
   sit on the critical path of every point and component), and the same
   rounding for every point, whatever its place in the chunk.  */
static inline __attribute__ ((always_inline)) double
fc_path_wdot (size_t d, const double *u, const double *v, const double *w)
{
  double s4[4] = { 0.0, 0.0, 0.0, 0.0 };
  size_t i = 0;
  for (; i + 4 <= d; i += 4)
    for (int r = 0; r < 4; r++)
      s4[r] += u[i + r] * v[i + r] * w[i + r];
  for (; i < d; i++)
    s4[0] += u[i] * v[i] * w[i];
  return (s4[0] + s4[1]) + (s4[2] + s4[3]);
}

/* Multiply every accumulator of point P by SCALE (the running maximum of
   the log-sum-exp grew).  */
static inline __attribute__ ((always_inline)) void
fc_path_rescale (const fc_path_plan *pl, fc_path_scratch *s, size_t p,
                 double scale)
{
  size_t d = pl->d, bd = FC_PATH_CHUNK * d;
  s->ssum[p] *= scale;
  s->tdiv[p] *= scale;
  for (int q = 0; q < VQ_COUNT; q++)
    if (pl->need_vq[q])
      for (size_t i = 0; i < d; i++)
        s->y[q * bd + p * d + i] *= scale;
}

/* The unnormalised weight of component K at point P, given Z (centred and
   rotated): online log-sum-exp of log w_k N_k.  With alpha = 0 every
   component has the same law N(0, sigma^2 I), so the weight is w_k itself
   (r_k = w_k exactly, not up to rounding of the quadratic forms).  */
static inline __attribute__ ((always_inline)) double
fc_path_weight (const fc_path_plan *pl, fc_path_scratch *s, size_t k,
                size_t p, const double *z, size_t d)
{
  if (pl->alpha0)
    return pl->g->weight[k];
  double l = pl->lconst[k] - 0.5 * fc_path_wdot (d, z, z, pl->inv_c + k * d);
  /* A weight that underflowed in fc_gmm_prepare (log w_k = -inf, a ratio
     below 2^-1074 to the largest) contributes nothing; it must not meet
     the initial maximum -inf in exp (-inf - -inf) = NaN.  */
  if (l == -INFINITY)
    return 0.0;
  if (l > s->m[p])
    {
      if (s->m[p] > -INFINITY)
        fc_path_rescale (pl, s, p, exp (s->m[p] - l));
      s->m[p] = l;
      return 1.0;
    }
  return exp (l - s->m[p]);
}

/* e (tr B_k + s_k . u_k) for the divergence (see the top of the file). */
static inline __attribute__ ((always_inline)) double
fc_path_div_term (const fc_path_plan *pl, size_t k, const double *z,
                  size_t d)
{
  const double *ic = pl->inv_c + k * d;
  const double *me = pl->g->mean_eig + k * d;
  double zm = fc_path_wdot (d, z, me, ic);
  double bzz = fc_path_wdot (d, z, z, pl->bic + k * d);
  return pl->sumb[k] - pl->sv.dalpha * zm - bzz;
}

/* Component K's contribution to the NB points X of the chunk.  D is
   pl->d, passed separately so that the caller can make it a constant.  */
static inline __attribute__ ((always_inline)) void
fc_path_chunk_component (const fc_path_plan *pl, fc_path_scratch *s,
                         size_t k, size_t nb, const double *x, size_t d)
{
  size_t kd = pl->nk * d, bd = FC_PATH_CHUNK * d;
  const double *amu = pl->amu + k * d;
  fc_gemm (nb, d, x, pl->g->eigvec + k * d * d, s->z, 0);
  for (size_t p = 0; p < nb; p++)
    {
      double *z = s->z + p * d;
#pragma omp simd
      for (size_t i = 0; i < d; i++)
        z[i] -= amu[i];
      double e = fc_path_weight (pl, s, k, p, z, d);
      s->e[p] = e;
      s->ssum[p] += e;
      if (pl->need_div)
        s->tdiv[p] += e * fc_path_div_term (pl, k, z, d);
    }
  for (int q = 0; q < VQ_COUNT; q++)
    {
      if (!pl->need_vq[q])
        continue;
      const double *gq = pl->gdiag + q * kd + k * d;
      const double *me = pl->g->mean_eig + k * d;
      double a = pl->a[q];
      for (size_t p = 0; p < nb; p++)
        {
          const double *z = s->z + p * d;
          double *w = s->w + p * d, e = s->e[p];
#pragma omp simd
          for (size_t i = 0; i < d; i++)
            w[i] = e * (a * me[i] + gq[i] * z[i]);
        }
      fc_gemm (nb, d, s->w, pl->g->eigvec_t + k * d * d, s->y + q * bd,
               1);
    }
}

/* log p_t at point X when alpha = 0: p_t = N(0, sigma^2 I).  */
static double
fc_path_logp_alpha0 (const fc_path_plan *pl, const double *x)
{
  double r2 = 0.0;
  for (size_t i = 0; i < pl->d; i++)
    r2 += x[i] * x[i];
  return -0.5 * r2 / pl->sv.sigma2
         - 0.5 * pl->d * log (2 * M_PI * pl->sv.sigma2);
}

/* Normalise and store the chunk's results for the points P0 .. P0+NB-1.
   Returns 0, or 1 when some result is not finite (overflow).  */
static int
fc_path_chunk_finish (const fc_path_plan *pl, fc_path_scratch *s, size_t p0,
                      size_t nb, const double *x, const fc_path_out *out)
{
  size_t d = pl->d, bd = FC_PATH_CHUNK * d;
  double *const outv[VQ_COUNT]
    = { out->score, out->velocity, out->x1hat, out->x0hat };
  int bad = 0;
  for (size_t p = 0; p < nb; p++)
    {
      double inv = pl->alpha0 ? 1.0 : 1.0 / s->ssum[p];
      for (int q = 0; q < VQ_COUNT; q++)
        if (pl->need_vq[q])
          for (size_t i = 0; i < d; i++)
            {
              double *y = s->y + q * bd + p * d + i;
              *y *= inv;
              bad |= !isfinite (*y);
              if (outv[q] != NULL)
                outv[q][(p0 + p) * d + i] = *y;
            }
      if (out->logp != NULL)
        {
          out->logp[p0 + p] = pl->alpha0 ? fc_path_logp_alpha0 (pl, x + p * d)
                                         : s->m[p] + log (s->ssum[p]);
          bad |= !isfinite (out->logp[p0 + p]);
        }
      if (out->div != NULL)
        {
          const double *sc = s->y + VQ_SCORE * bd + p * d;
          const double *u = s->y + VQ_VELOCITY * bd + p * d;
          double su = 0.0;
          for (size_t i = 0; i < d; i++)
            su += sc[i] * u[i];
          out->div[p0 + p] = s->tdiv[p] * inv - su;
          bad |= !isfinite (out->div[p0 + p]);
        }
    }
  return bad;
}

/* The points P0 .. P0+NB-1 of X.  Returns 1 on overflow.

   The whole chunk (the two GEMMs and the per-point work, inlined) is
   compiled twice and the ISA chosen at run time by the ifunc resolver of
   target_clones: the "fma" clone (AVX + FMA: 4-wide registers and fused
   multiply-adds) on CPUs that have it, the portable default elsewhere.
   One clone serves a whole run, so results stay bitwise reproducible on a
   given machine.  */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
__attribute__ ((target_clones ("fma", "default")))
#endif
static int
fc_path_chunk (const fc_path_plan *pl, fc_path_scratch *s, size_t p0,
               size_t nb, const double *x, const fc_path_out *out)
{
  size_t d = pl->d, bd = FC_PATH_CHUNK * d;
  const double *xc = x + p0 * d;
  for (size_t p = 0; p < nb; p++)
    {
      s->m[p] = pl->alpha0 ? 0.0 : -INFINITY;
      s->ssum[p] = 0.0;
      s->tdiv[p] = 0.0;
    }
  for (int q = 0; q < VQ_COUNT; q++)
    if (pl->need_vq[q])
      memset (s->y + q * bd, 0, nb * d * sizeof (double));
  /* D = 2 (the toy data sets) gets its own copy with constant loop
     bounds: there the per-point overheads, not the flops, set the speed. */
  for (size_t k = 0; k < pl->nk; k++)
    if (d == 2)
      fc_path_chunk_component (pl, s, k, nb, xc, 2);
    else
      fc_path_chunk_component (pl, s, k, nb, xc, d);
  return fc_path_chunk_finish (pl, s, p0, nb, xc, out);
}

/* Run every chunk, OpenMP over chunks.  */
static int
fc_path_run (const fc_path_plan *pl, size_t n, const double *x,
             const fc_path_out *out)
{
  size_t n_chunks = (n + FC_PATH_CHUNK - 1) / FC_PATH_CHUNK;
  int nomem = 0, overflow = 0;
#pragma omp parallel if (n_chunks > 1) reduction(| : nomem, overflow)
  {
    fc_path_scratch s;
    int ok = fc_path_scratch_alloc (&s, pl->d) == GSL_SUCCESS;
    nomem |= !ok;
#pragma omp for schedule(static)
    for (size_t c = 0; c < n_chunks; c++)
      if (ok)
        {
          size_t p0 = c * FC_PATH_CHUNK;
          size_t nb = GSL_MIN (FC_PATH_CHUNK, n - p0);
          overflow |= fc_path_chunk (pl, &s, p0, nb, x, out);
        }
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
  status = fc_path_plan_init (&pl);
  if (status == GSL_SUCCESS && n > 0)
    status = fc_path_run (&pl, n, x, out);
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
