/* derivations/guidance.c -- conditional fields and reconstruction guidance.
 *
 * Claims G1-G6 of DERIVATIONS.md (module `guidance`; N §Conditional flow
 * matching, §Conditional vector field, §Guidance term), in the canonical
 * convention: noise x0 ~ N(0, I) at t = 0, data x1 at t = 1.
 *
 * Setting: the 8gaussians prior (D = 2; its multimodal posteriors are where
 * the approximations differ), observed through y = A x1 + N(0, sigma_y^2 I)
 * with A (m, 2) of seeded Gaussian rows scaled to unit length (so sigma_y
 * is in the units of the data), m = 1 except G5's square case m = 2, and y
 * drawn from the model (x* from the prior, then the noise).  The exact
 * posterior p(x1|y) is a mixture (fc_gmm_condition) and its path
 * p_t(x|y) is that mixture's path (fc_path); h_t(x) = p_t(y|x) and its
 * gradient are exact (fc_guide_eval).
 *
 *  G1  the note's postulate u_t + c grad log p(y|x) (likelihood evaluated
 *      at x): continuity residual of p_t(x|y) over a sequence of steps
 *      (fc_study.h), for c = 1 and for the least-squares best c(t).
 *  G2  the note's d/dt h = -div(h u) against the corrected
 *      dh/dt + u.grad h + c_t (lap h + grad log p_t . grad h) = 0.
 *  G3  the ODE coupling p_t(x1|x) = delta(x1 - phi_{t->1}(x)): its
 *      likelihood p(y | phi(x)) against h_t, and sampling with it.
 *  G4  reconstruction guidance: relative gradient error against t, gamma.
 *  G5  the note's vector Sigma^{-1}(y - A x1hat), which lacks J^T A^T.
 *  G6  sliced W2 of guided samples against exact posterior samples.
 *
 * Every decision rule and tolerance is stated next to the constant it
 * uses.  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_statistics_double.h>

#include "fc_fd.h"
#include "fc_gmm.h"
#include "fc_guide.h"
#include "fc_io.h"
#include "fc_module.h"
#include "fc_obs.h"
#include "fc_ode.h"
#include "fc_path.h"
#include "fc_path_field.h"
#include "fc_rng.h"
#include "fc_schedule.h"
#include "fc_spec.h"
#include "fc_stats.h"
#include "fc_study.h"
#include "guidance.h"

/* ------------------------------------------------------------ study plan */

#define GD_DIM 2

/* Noise of the observation in G1-G5 (data units; the prior's components
   have standard deviation 0.35 and centres 2.83 from the origin): small
   enough that the posterior is much narrower than the prior across the
   observed direction, large enough that the guided fields stay non-stiff
   for the modest fixed-step integrations of G3.  */
#define GD_SIGMA_Y 0.25

/* Residual studies (G1, G2, S6 curve): times early, middle and late on the
   path, each with t +- h_max inside (0, 1); steps h_k = GD_H_MAX 2^-k,
   k < GD_NH (0.04 .. 0.0025, as in module continuity: the smallest keeps
   the round-off of a second difference, eps |h| / h^2 ~ 4e-11 |h|, far
   below the truncation error it must expose).  */
#define GD_NT 3
static const double gd_times[GD_NT] = { 0.25, 0.5, 0.8 };
#define GD_NH 5
#define GD_H_MAX 0.04
#define GD_NPTS_FULL 400
#define GD_NPTS_QUICK 64

/* The z band of the Monte Carlo figures (5 sigma, tests/fc_check.h's
   Z_MAX: a false alarm has probability ~6e-7 per figure, fixed seed).  */
#define GD_Z_MAX 5.0
#define GD_NPROJ 64 /* sliced W2 directions */

/* Sub-streams of opt->seed, one per study. */
enum
{
  GD_TAG_SETTING = 0x6D000, /* A, x*, e: shared by every claim */
  GD_TAG_SQUARE = 0x6D100,  /* A, x*, e of G5's square case */
  GD_TAG_G1 = 0x61000,
  GD_TAG_G2 = 0x62000,
  GD_TAG_G3 = 0x63000,
  GD_TAG_G4 = 0x64000,
  GD_TAG_G5 = 0x65000,
  GD_TAG_G6 = 0x66000,
  GD_TAG_S6 = 0x6E000,
  GD_TAG_FIG = 0x6F000
};

#define GD_PROGRESS(opt, ...) fc_module_progress ((opt), "guidance: " __VA_ARGS__)

/* --------------------------------------------------------------- setting */

typedef struct
{
  fc_gmm *prior; /* 8gaussians, prepared */
  fc_obs *obs;
  fc_gmm *post;  /* the exact posterior mixture */
} gd_setting;

static void
gd_setting_free (gd_setting *set)
{
  fc_gmm_free (set->prior);
  fc_obs_free (set->obs);
  fc_gmm_free (set->post);
  set->prior = set->post = NULL;
  set->obs = NULL;
}

/* A (m, 2): Gaussian rows from stream (SEED, 0), each scaled to unit
   length; x* ~ prior from stream (SEED, 1); e ~ N(0, I_m) from stream
   (SEED, 2); y = A x* + sigma_y e.  The same SEED gives the same A, x* and
   e for every sigma_y (G6 varies sigma_y alone).  */
static int
gd_setting_init (gd_setting *set, unsigned long seed, size_t m, double sigma_y)
{
  double xs[GD_DIM], e[GD_DIM];
  set->prior = fc_spec_builtin ("8gaussians");
  set->obs = fc_obs_alloc (m, GD_DIM);
  set->post = NULL;
  int status = set->prior && set->obs && m <= GD_DIM ? GSL_SUCCESS : GSL_EFAILED;
  if (status == GSL_SUCCESS)
    status = fc_rng_gaussian_fill (fc_rng_stream_seed (seed, 0), 0, m * GD_DIM,
                                   set->obs->a);
  if (status == GSL_SUCCESS)
    status = fc_gmm_sample (set->prior, fc_rng_stream_seed (seed, 1), 1, xs);
  if (status == GSL_SUCCESS)
    status = fc_rng_gaussian_fill (fc_rng_stream_seed (seed, 2), 0, m, e);
  for (size_t i = 0; status == GSL_SUCCESS && i < m; i++)
    {
      double *row = set->obs->a + i * GD_DIM;
      double len = fc_study_norm (GD_DIM, row);
      row[0] /= len, row[1] /= len;
      set->obs->y[i] = row[0] * xs[0] + row[1] * xs[1] + sigma_y * e[i];
    }
  if (status == GSL_SUCCESS)
    {
      set->obs->sigma_y = sigma_y;
      set->post = fc_gmm_condition (set->prior, m, set->obs->a, set->obs->y,
                                    sigma_y);
      if (set->post == NULL)
        status = GSL_EFAILED;
    }
  if (status)
    {
      gd_setting_free (set);
      GSL_ERROR ("cannot build the observation setting", status);
    }
  return GSL_SUCCESS;
}

static double *
gd_alloc (size_t n)
{
  return malloc ((n > 0 ? n : 1) * sizeof (double));
}

/* N points of p_t(x|y) at time T into X, stream SEED. */
static int
gd_post_points (const gd_setting *set, fc_schedule s, double t,
                unsigned long seed, size_t n, double *x)
{
  fc_path_field_source src = { s, GD_DIM, set->post, NULL };
  return fc_path_field_points (t, seed, n, x, &src);
}

/* ------------------------------------------------ density-field callbacks */

typedef enum
{
  GD_PAIR_SPLIT = 0, /* p_t(x|y) with u_t + c grad log h_t (S6) */
  GD_PAIR_POSTULATE, /* p_t(x|y) with u_t + c grad log p(y|x)   (G1) */
  GD_PAIR_NOTE       /* h_t(x) with u_t: the note's equation    (G2) */
} gd_pair_kind;

typedef struct
{
  const gd_setting *set;
  fc_schedule s;
  gd_pair_kind kind;
  double c; /* POSTULATE: the coefficient; SPLIT: NAN for c_t, else c */
} gd_pair;

/* U += C A^T (y - A x) / sigma_y^2, the gradient of log p(y|x1) taken at
   x1 = x (N §Conditional vector field: "u_t + grad_x log p(y|x)").  */
static void
gd_add_likelihood_grad (const fc_obs *o, double c, size_t n, const double *x,
                        double *u)
{
  double w = c / (o->sigma_y * o->sigma_y);
  for (size_t i = 0; i < n; i++)
    for (size_t r = 0; r < o->m; r++)
      {
        const double *a = o->a + r * GD_DIM;
        double res = o->y[r] - a[0] * x[i * GD_DIM] - a[1] * x[i * GD_DIM + 1];
        u[i * GD_DIM] += w * a[0] * res;
        u[i * GD_DIM + 1] += w * a[1] * res;
      }
}

/* U += C grad log h_t at X, C = c_t (the limit cgrad of fc_guide_eval) when
   C is NAN.  */
static int
gd_add_exact_guidance (const gd_setting *set, fc_schedule s, double t,
                       double c, size_t n, const double *x, double *u)
{
  double *g = gd_alloc (n * GD_DIM);
  if (g == NULL)
    GSL_ERROR ("no memory for the guidance term", GSL_ENOMEM);
  fc_guide_out out = { 0 };
  if (isnan (c))
    out.cgrad = g;
  else
    out.grad = g;
  int status = fc_guide_eval (set->prior, s, t, set->obs, n, x, &out);
  double w = isnan (c) ? 1.0 : c;
  for (size_t i = 0; status == GSL_SUCCESS && i < n * GD_DIM; i++)
    u[i] += w * g[i];
  free (g);
  return status;
}

static int
gd_pair_field (double t, size_t n, const double *x, double *p, double *u,
               void *params)
{
  const gd_pair *pp = params;
  const gd_setting *set = pp->set;
  int status;
  if (pp->kind == GD_PAIR_NOTE)
    {
      fc_guide_out out = { 0 };
      out.logh = p;
      status = fc_guide_eval (set->prior, pp->s, t, set->obs, n, x, &out);
    }
  else
    status = fc_path_eval (set->post, pp->s, t, FC_Q_LOGP, n, x, p);
  if (status == GSL_SUCCESS)
    status = fc_path_eval (set->prior, pp->s, t, FC_Q_VELOCITY, n, x, u);
  if (status)
    return status;
  for (size_t i = 0; i < n; i++)
    p[i] = exp (p[i]);
  if (pp->kind == GD_PAIR_POSTULATE)
    gd_add_likelihood_grad (set->obs, pp->c, n, x, u);
  else if (pp->kind == GD_PAIR_SPLIT)
    status = gd_add_exact_guidance (set, pp->s, t, pp->c, n, x, u);
  return status;
}

/* --------------------------------------------------------- order studies */

/* Plan of a residual study under schedule S: the module's times and steps;
   scale ell of p_t from fc_path_field_scale (the posterior path's
   components are at least sigma_t wide too, and h_t = p_t(x|y) p(y)/p_t(x)
   varies on the same scales).  Order floor: the fitted slope of
   c2 h^2 + c4 h^4 is off by about (c4/c2) h_max^2 ~ (h_max/ell)^2; the
   floor is fc_study.h's 2.5 (h_max/ell)^2 (0.16 linear, 0.11 cosine).  */
static int
gd_study_init (fc_order_study *st, const char *name, fc_schedule s)
{
  double ell;
  int status = fc_path_field_scale (s, GD_NT, gd_times, &ell);
  if (status == GSL_SUCCESS)
    status = fc_order_study_init (st, name, GD_DIM, GD_NT, gd_times, GD_NH,
                                  GD_H_MAX, 2.5 * gsl_pow_2 (GD_H_MAX / ell));
  st->scale = ell;
  return status;
}

static void
gd_study_log (const fc_run_options *opt, const char *claim,
              const fc_order_study *st)
{
  char line[256];
  fc_order_study_describe (st, line, sizeof line);
  GD_PROGRESS (opt, "%s %s", claim, line);
}

/* The S6 curve: p_t(x|y) with u_t + c grad log h_t, linear schedule. */
static int
gd_split_study (const fc_run_options *opt, const gd_setting *set,
                double c_const, fc_order_study *st)
{
  gd_pair par = { set, FC_SCHEDULE_LINEAR, GD_PAIR_SPLIT, c_const };
  fc_path_field_source src = { FC_SCHEDULE_LINEAR, GD_DIM, set->post, NULL };
  int status = gd_study_init (st, "S6_split", FC_SCHEDULE_LINEAR);
  if (status == GSL_SUCCESS)
    status = fc_order_study_run (st, gd_pair_field, &par, fc_path_field_points,
                                 &src, opt->quick ? GD_NPTS_QUICK : GD_NPTS_FULL,
                                 fc_module_seed (opt, GD_TAG_S6));
  return status;
}

int
fc_guidance_split_study (const fc_run_options *opt, double c_const,
                         fc_order_study *st)
{
  gd_setting set;
  int status = gd_setting_init (&set, fc_module_seed (opt, GD_TAG_SETTING), 1,
                                GD_SIGMA_Y);
  if (status)
    return status;
  status = gd_split_study (opt, &set, c_const, st);
  gd_setting_free (&set);
  return status;
}

/* ------------------------------------------------------------------ G1 */

typedef struct
{
  fc_order_study unit; /* c = 1: the postulate as written */
  fc_order_study best; /* c = the least-squares c(t_j) at each time */
  double c_best[GD_NT];
  double rel_best[GD_NT]; /* rel residual at h_min left with c(t_j) */
  double rel_zero[GD_NT]; /* ... with c = 0 (the prior field alone) */
} gd_g1_result;

/* The residual is affine in c: R(c) = R0 + c D, D = R(1) - R(0) (same
   points, same step), so the least-squares c is -<R0, D> / <D, D> and the
   residual it leaves is R0 + c D.  Measured at h_min.  */
static int
gd_g1_best_c (const gd_setting *set, double t, size_t n, const double *x,
              double *c, double *rel, double *rel0)
{
  double *r0 = gd_alloc (n), *r1 = gd_alloc (n), *dp = gd_alloc (n);
  double h = GD_H_MAX * pow (2.0, -(GD_NH - 1));
  gd_pair par = { set, FC_SCHEDULE_LINEAR, GD_PAIR_POSTULATE, 0.0 };
  int status = r0 && r1 && dp ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = fc_fd_continuity_residual (gd_pair_field, &par, GD_DIM, t, h, n, x,
                                        r0, dp);
  par.c = 1.0;
  if (status == GSL_SUCCESS)
    status = fc_fd_continuity_residual (gd_pair_field, &par, GD_DIM, t, h, n, x,
                                        r1, NULL);
  if (status == GSL_SUCCESS)
    {
      double rd = 0.0, dd = 0.0, rr = 0.0, r00 = 0.0;
      for (size_t i = 0; i < n; i++)
        {
          double d = r1[i] - r0[i];
          rd += r0[i] * d, dd += d * d;
        }
      *c = -rd / dd;
      for (size_t i = 0; i < n; i++)
        {
          rr += gsl_pow_2 (r0[i] + *c * (r1[i] - r0[i]));
          r00 += r0[i] * r0[i];
        }
      double pp = fc_study_sumsq (n, dp);
      *rel = sqrt (rr / pp);
      *rel0 = sqrt (r00 / pp);
    }
  free (r0), free (r1), free (dp);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the best-c residuals", GSL_ENOMEM);
  return status;
}

static int
gd_g1_run (const fc_run_options *opt, const gd_setting *set, gd_g1_result *res)
{
  size_t n = opt->quick ? GD_NPTS_QUICK : GD_NPTS_FULL;
  unsigned long seed = fc_module_seed (opt, GD_TAG_G1);
  double *x = gd_alloc (n * GD_DIM);
  int status = x != NULL ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = gd_study_init (&res->unit, "c1", FC_SCHEDULE_LINEAR);
  if (status == GSL_SUCCESS)
    status = gd_study_init (&res->best, "best_c", FC_SCHEDULE_LINEAR);
  for (size_t j = 0; j < GD_NT && status == GSL_SUCCESS; j++)
    {
      gd_pair par = { set, FC_SCHEDULE_LINEAR, GD_PAIR_POSTULATE, 1.0 };
      status = gd_post_points (set, FC_SCHEDULE_LINEAR, gd_times[j],
                               fc_rng_stream_seed (seed, j), n, x);
      if (status == GSL_SUCCESS)
        status = fc_order_study_accumulate (&res->unit, gd_pair_field, &par, j,
                                            n, x);
      if (status == GSL_SUCCESS)
        status = gd_g1_best_c (set, gd_times[j], n, x, &res->c_best[j],
                               &res->rel_best[j], &res->rel_zero[j]);
      par.c = res->c_best[j];
      if (status == GSL_SUCCESS)
        status = fc_order_study_accumulate (&res->best, gd_pair_field, &par, j,
                                            n, x);
    }
  if (status == GSL_SUCCESS)
    status = fc_order_study_verdict (&res->unit);
  if (status == GSL_SUCCESS)
    status = fc_order_study_verdict (&res->best);
  free (x);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the G1 points", GSL_ENOMEM);
  return status;
}

static int
gd_check_g1 (const fc_run_options *opt, fc_verdict *v)
{
  gd_setting set;
  gd_g1_result r;
  int status = gd_setting_init (&set, fc_module_seed (opt, GD_TAG_SETTING), 1,
                                GD_SIGMA_Y);
  if (status)
    return status;
  status = gd_g1_run (opt, &set, &r);
  gd_setting_free (&set);
  if (status)
    return status;
  gd_study_log (opt, "G1", &r.unit);
  gd_study_log (opt, "G1", &r.best);
  fc_order_study_record (v, &r.unit);
  fc_order_study_record (v, &r.best);
  for (size_t j = 0; j < GD_NT; j++)
    {
      char name[FC_VERDICT_NAME_LEN];
      snprintf (name, sizeof name, "best_c_t%g", gd_times[j]);
      fc_verdict_add (v, name, r.c_best[j], NAN);
      snprintf (name, sizeof name, "rel_left_best_c_t%g", gd_times[j]);
      fc_verdict_add (v, name, r.rel_best[j], r.best.trunc);
      GD_PROGRESS (opt, "G1 t = %g: best c %.4g (c_t = %.4g); rel residual "
                   "%.3g with c = 0, %.3g with the best c", gd_times[j],
                   r.c_best[j], (1.0 - gd_times[j]) / gd_times[j],
                   r.rel_zero[j], r.rel_best[j]);
    }
  /* The claim is that some c(t) (1 as written) makes the field generate
     p_t(x|y).  The least-squares c(t) is the most favourable choice at each
     time, so its study decides: REFUTED when even that residual does not
     shrink (fc_order_study_verdict: order < 1/2 and rel(h_min) above the
     truncation scale of a converging field).  */
  v->verdict = r.best.kind;
  fc_verdict_note (v, "rel(h=%.4g) %.3g with c = 1 (order %.2f), %.3g with the "
                   "best c(t) (order %.2f): no c(t) makes it solve continuity",
                   r.unit.h[GD_NH - 1], r.unit.rel[GD_NH - 1], r.unit.order,
                   r.best.rel[GD_NH - 1], r.best.order);
  return GSL_SUCCESS;
}

/* ------------------------------------------------------------------ G2 */

/* The corrected equation's residual at the N points X, time T, step H:
     R = D_t h + u . D_x h + c (L_x h + s . D_x h),
   D central first differences, L the 2D+1-point Laplacian, h = exp(log h)
   exact, u and s = grad log p_t exact (fc_path).  Into R (n) and the scale
   D_t h into DP (n).  */
static int
gd_g2_residual (const gd_setting *set, fc_schedule s, double c, double t,
                double h, size_t n, const double *x, double *r, double *dp)
{
  size_t nb = (1 + 2 * GD_DIM) * n;
  double *xs = gd_alloc (nb * GD_DIM), *lh = gd_alloc (nb);
  double *hp = gd_alloc (n), *hm = gd_alloc (n);
  double *u = gd_alloc (n * GD_DIM), *sc = gd_alloc (n * GD_DIM);
  int status = xs && lh && hp && hm && u && sc ? GSL_SUCCESS : GSL_ENOMEM;
  fc_guide_out op = { 0 }, om = { 0 }, o0 = { 0 };
  fc_path_out po = { 0 };
  op.logh = hp, om.logh = hm, o0.logh = lh;
  po.velocity = u, po.score = sc;
  /* Block b of XS: b = 0 the points, b = 1 + 2j + k the points shifted by
     (-1)^k h e_j.  */
  for (size_t b = 0; status == GSL_SUCCESS && b < 1 + 2 * GD_DIM; b++)
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < GD_DIM; j++)
        {
          double sh = b > 0 && (b - 1) / 2 == j ? ((b - 1) % 2 ? -h : h) : 0.0;
          xs[(b * n + i) * GD_DIM + j] = x[i * GD_DIM + j] + sh;
        }
  if (status == GSL_SUCCESS)
    status = fc_guide_eval (set->prior, s, t + h, set->obs, n, x, &op);
  if (status == GSL_SUCCESS)
    status = fc_guide_eval (set->prior, s, t - h, set->obs, n, x, &om);
  if (status == GSL_SUCCESS)
    status = fc_guide_eval (set->prior, s, t, set->obs, nb, xs, &o0);
  if (status == GSL_SUCCESS)
    status = fc_path_eval_many (set->prior, s, t, n, x, &po);
  for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
    {
      double h0 = exp (lh[i]), adv = 0.0, lap = 0.0, drift = 0.0;
      for (size_t j = 0; j < GD_DIM; j++)
        {
          double hpj = exp (lh[(1 + 2 * j) * n + i]);
          double hmj = exp (lh[(2 + 2 * j) * n + i]);
          double g = (hpj - hmj) / (2.0 * h);
          adv += u[i * GD_DIM + j] * g;
          drift += sc[i * GD_DIM + j] * g;
          lap += (hpj - 2.0 * h0 + hmj) / (h * h);
        }
      dp[i] = (exp (hp[i]) - exp (hm[i])) / (2.0 * h);
      r[i] = dp[i] + adv + c * (lap + drift);
    }
  free (xs), free (lh), free (hp), free (hm), free (u), free (sc);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the G2 residual", GSL_ENOMEM);
  return status;
}

/* Accumulate the corrected residual into ST's pooled sums (fc_study.h: the
   struct is plain data; the same sums fc_order_study_accumulate keeps), so
   that fc_order_study_verdict judges it by the same rule.  */
static int
gd_g2_accumulate (fc_order_study *st, const gd_setting *set, fc_schedule s,
                  double c_const, size_t j, size_t n, const double *x)
{
  double c = c_const, *r = gd_alloc (n), *dp = gd_alloc (n);
  int status = r && dp ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS && isnan (c_const))
    status = fc_guide_factor (s, st->time[j], &c);
  for (size_t k = 0; k < st->n_steps && status == GSL_SUCCESS; k++)
    {
      status = gd_g2_residual (set, s, c, st->time[j], st->h[k], n, x, r, dp);
      if (status == GSL_SUCCESS)
        {
          st->ssr[k] += fc_study_sumsq (n, r);
          st->ssp[k] += fc_study_sumsq (n, dp);
        }
    }
  if (status == GSL_SUCCESS)
    st->n_accumulated += n;
  free (r), free (dp);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the G2 study", GSL_ENOMEM);
  return status;
}

static int
gd_g2_corrected (const fc_run_options *opt, const gd_setting *set,
                 fc_schedule s, double c_const, fc_order_study *st)
{
  size_t n = opt->quick ? GD_NPTS_QUICK : GD_NPTS_FULL;
  unsigned long seed = fc_module_seed (opt, GD_TAG_G2 + 1 + s);
  double *x = gd_alloc (n * GD_DIM);
  int status = x != NULL ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = gd_study_init (st, s == FC_SCHEDULE_LINEAR ? "corrected_linear"
                                : "corrected_cosine", s);
  for (size_t j = 0; j < GD_NT && status == GSL_SUCCESS; j++)
    {
      status = gd_post_points (set, s, gd_times[j], fc_rng_stream_seed (seed, j),
                               n, x);
      if (status == GSL_SUCCESS)
        status = gd_g2_accumulate (st, set, s, c_const, j, n, x);
    }
  if (status == GSL_SUCCESS)
    status = fc_order_study_verdict (st);
  free (x);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the G2 points", GSL_ENOMEM);
  return status;
}

int
fc_guidance_g2_study (const fc_run_options *opt, fc_schedule s,
                      double c_const, fc_order_study *st)
{
  gd_setting set;
  int status = gd_setting_init (&set, fc_module_seed (opt, GD_TAG_SETTING), 1,
                                GD_SIGMA_Y);
  if (status)
    return status;
  status = gd_g2_corrected (opt, &set, s, c_const, st);
  gd_setting_free (&set);
  return status;
}

/* The note's equation: h_t with u_t as a density-field pair. */
static int
gd_g2_note (const fc_run_options *opt, const gd_setting *set,
            fc_order_study *st)
{
  gd_pair par = { set, FC_SCHEDULE_LINEAR, GD_PAIR_NOTE, NAN };
  fc_path_field_source src = { FC_SCHEDULE_LINEAR, GD_DIM, set->post, NULL };
  int status = gd_study_init (st, "note", FC_SCHEDULE_LINEAR);
  if (status == GSL_SUCCESS)
    status = fc_order_study_run (st, gd_pair_field, &par, fc_path_field_points,
                                 &src, opt->quick ? GD_NPTS_QUICK : GD_NPTS_FULL,
                                 fc_module_seed (opt, GD_TAG_G2));
  return status;
}

static int
gd_check_g2 (const fc_run_options *opt, fc_verdict *v)
{
  gd_setting set;
  fc_order_study note, lin, cosn;
  int status = gd_setting_init (&set, fc_module_seed (opt, GD_TAG_SETTING), 1,
                                GD_SIGMA_Y);
  if (status)
    return status;
  status = gd_g2_note (opt, &set, &note);
  if (status == GSL_SUCCESS)
    status = gd_g2_corrected (opt, &set, FC_SCHEDULE_LINEAR, NAN, &lin);
  if (status == GSL_SUCCESS)
    status = gd_g2_corrected (opt, &set, FC_SCHEDULE_COSINE, NAN, &cosn);
  gd_setting_free (&set);
  if (status)
    return status;
  gd_study_log (opt, "G2", &note);
  gd_study_log (opt, "G2", &lin);
  gd_study_log (opt, "G2", &cosn);
  fc_order_study_record (v, &note);
  fc_order_study_record (v, &lin);
  fc_order_study_record (v, &cosn);
  /* The claim is the note's equation: its study decides.  The corrected
     equation's studies are recorded beside it (they must confirm at
     order 2; the tests assert that).  */
  v->verdict = note.kind;
  fc_verdict_note (v, "note's dh/dt = -div(h u): rel(h_min) %.3g, order %.2f; "
                   "corrected: order %.3f linear, %.3f cosine (%s, %s)",
                   note.rel[GD_NH - 1], note.order, lin.order, cosn.order,
                   fc_verdict_name (lin.kind), fc_verdict_name (cosn.kind));
  return GSL_SUCCESS;
}

/* ------------------------------------------------------------------ G3 */

/* The ODE coupling: phi_{t->1}(x), the flow of the prior's u_t from t to 1
   (N §Guidance term, "p_t(x1|x) = delta(x1 - phi_t(x))"), by RK4 in
   GD_G3_INNER equal steps (the same count whatever t, so the discrete map
   is smooth in t and in x).  The prior's field changes on the time scale of
   its narrowest component, std 0.35; RK4's error falls like (h/0.35)^4 and
   the module measures it against twice the steps (flow_error), which must
   stay well below the W2 differences it is used to resolve.  */
#define GD_G3_INNER_FULL 8
#define GD_G3_INNER_QUICK 4
/* Sampling: both fields start at T_S from exact draws of p_{t_s}(x|y) (the
   ODE-coupling term c_t grad log h~ has a non-integrable 1/t singularity at
   t = 0, measured as grad0_rms), RK4 in GD_G3_STEPS equal steps to t = 1.
   The exact field u_t + c_t grad log h_t is then exact on [t_s, 1], so any
   difference is the coupling's.  Every field evaluation of the coupled
   sampler integrates 5 inner flows per particle, so the sizes are small:
   GD_G3_NREP blocks of GD_G3_N particles (gd_blocks_w2).  Exact guidance
   integrated the same way lands at the two-exact-sample level (w2_exact),
   which shows the outer steps resolve the fields.  */
#define GD_G3_TS 0.2
#define GD_G3_STEPS_FULL 20
#define GD_G3_STEPS_QUICK 12
#define GD_G3_N_FULL 150
#define GD_G3_N_QUICK 40
#define GD_G3_NREP 8
#define GD_G3_NTGAP 5
static const double gd_g3_gap_times[GD_G3_NTGAP] = { 0.1, 0.3, 0.5, 0.7, 0.9 };

typedef struct
{
  const gd_setting *set;
  size_t inner; /* RK4 steps of the inner flow */
  double delta; /* forward-difference step of the flow map's Jacobian */
} gd_coupled;

/* phi_{t->1} of the N points X into PHI (n, D). */
static int
gd_flow_to_one (const gd_setting *set, double t, size_t inner, size_t n,
                const double *x, double *phi)
{
  fc_path_field_params par = { set->prior, FC_SCHEDULE_LINEAR };
  memcpy (phi, x, n * GD_DIM * sizeof *phi);
  if (t >= 1.0)
    return GSL_SUCCESS;
  return fc_ode_fixed (fc_path_field_velocity, &par, FC_ODE_RK4, GD_DIM, n, phi,
                       NULL, t, 1.0, inner, NULL);
}

/* log h~_t(x) = log N(y; A phi(x), sigma_y^2 I) into LOGH (when not NULL)
   and grad log h~ = Jphi^T A^T (y - A phi)/sigma_y^2 into GRAD (when not
   NULL), Jphi by forward differences of the discrete flow map: the flows of
   X and of X + delta e_j go through one batched integration (forward, not
   central: 3 flows per point instead of 5, and the 3e-8 relative error of
   gd_g3_delta is far below anything the study resolves).  */
static int
gd_coupled_eval (const gd_coupled *cp, double t, size_t n, const double *x,
                 double *logh, double *grad)
{
  const fc_obs *o = cp->set->obs;
  size_t nb = (1 + GD_DIM) * n;
  double *xs = gd_alloc (nb * GD_DIM), *phi = gd_alloc (nb * GD_DIM);
  int status = xs && phi ? GSL_SUCCESS : GSL_ENOMEM;
  /* Block b of XS: b = 0 the points, b = 1 + j the points + delta e_j. */
  for (size_t b = 0; status == GSL_SUCCESS && b < 1 + GD_DIM; b++)
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < GD_DIM; j++)
        xs[(b * n + i) * GD_DIM + j]
            = x[i * GD_DIM + j] + (b == 1 + j ? cp->delta : 0.0);
  if (status == GSL_SUCCESS)
    status = gd_flow_to_one (cp->set, t, cp->inner, grad ? nb : n, xs, phi);
  double s2 = o->sigma_y * o->sigma_y;
  for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
    {
      const double *p = phi + i * GD_DIM;
      double atr[GD_DIM] = { 0.0, 0.0 }, q = 0.0;
      for (size_t r = 0; r < o->m; r++)
        {
          const double *a = o->a + r * GD_DIM;
          double res = o->y[r] - a[0] * p[0] - a[1] * p[1];
          q += res * res;
          atr[0] += a[0] * res / s2, atr[1] += a[1] * res / s2;
        }
      if (logh != NULL)
        logh[i] = -0.5 * q / s2 - 0.5 * (double) o->m * log (2.0 * M_PI * s2);
      for (size_t j = 0; grad != NULL && j < GD_DIM; j++)
        {
          const double *pj = phi + ((1 + j) * n + i) * GD_DIM;
          grad[i * GD_DIM + j]
              = ((pj[0] - p[0]) * atr[0] + (pj[1] - p[1]) * atr[1]) / cp->delta;
        }
    }
  free (xs), free (phi);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the coupled likelihood", GSL_ENOMEM);
  return status;
}

/* u_t + c_t grad log h~_t: an fc_velocity_fn, PARAMS a gd_coupled. */
static int
gd_coupled_velocity (double t, size_t n, const double *x, double *u,
                     double *div, void *params)
{
  const gd_coupled *cp = params;
  double c, *g = gd_alloc (n * GD_DIM);
  if (div != NULL || g == NULL)
    {
      free (g);
      GSL_ERROR ("coupled field: no divergence, or no memory", GSL_EUNIMPL);
    }
  int status = fc_guide_factor (FC_SCHEDULE_LINEAR, t, &c);
  if (status == GSL_SUCCESS)
    status = fc_path_eval (cp->set->prior, FC_SCHEDULE_LINEAR, t, FC_Q_VELOCITY,
                           n, x, u);
  if (status == GSL_SUCCESS)
    status = gd_coupled_eval (cp, t, n, x, NULL, g);
  for (size_t i = 0; status == GSL_SUCCESS && i < n * GD_DIM; i++)
    u[i] += c * g[i];
  free (g);
  return status;
}

/* The forward-difference step of Jphi: truncation delta |phi''|/2 against
   round-off eps |phi|/delta, with |phi''| ~ |phi|/ell^2, ell the prior's
   smallest standard deviation, balance at delta = sqrt(eps) ell; the
   relative error of Jphi is then about 2 sqrt(eps) ~ 3e-8.  */
static double
gd_g3_delta (const fc_gmm *g)
{
  double lmin = GSL_POSINF;
  for (size_t i = 0; i < g->n_comp * g->dim; i++)
    lmin = GSL_MIN (lmin, g->eigval[i]);
  return sqrt (GSL_DBL_EPSILON * lmin);
}

typedef struct
{
  double gap[GD_G3_NTGAP]; /* rms (log h~ - log h) at points of p_t(x|y) */
  double flow_error;       /* max |phi_inner - phi_2inner| at t = 0.1 */
  double grad0_rms;        /* rms |grad log h~_0| (exact: 0) */
  double w_coupled, w_exact, w_coupled_sd, w_exact_sd;
  double w_noise, w_sd, w_tol;
} gd_g3_result;

static int
gd_g3_gaps (const fc_run_options *opt, const gd_coupled *cp, gd_g3_result *res)
{
  size_t n = opt->quick ? GD_NPTS_QUICK : GD_NPTS_FULL;
  unsigned long seed = fc_module_seed (opt, GD_TAG_G3);
  double *x = gd_alloc (n * GD_DIM), *lt = gd_alloc (n), *le = gd_alloc (n);
  double *p1 = gd_alloc (n * GD_DIM), *p2 = gd_alloc (n * GD_DIM);
  int status = x && lt && le && p1 && p2 ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t k = 0; k < GD_G3_NTGAP && status == GSL_SUCCESS; k++)
    {
      fc_guide_out out = { 0 };
      out.logh = le;
      double t = gd_g3_gap_times[k];
      status = gd_post_points (cp->set, FC_SCHEDULE_LINEAR, t,
                               fc_rng_stream_seed (seed, k), n, x);
      if (status == GSL_SUCCESS)
        status = gd_coupled_eval (cp, t, n, x, lt, NULL);
      if (status == GSL_SUCCESS)
        status = fc_guide_eval (cp->set->prior, FC_SCHEDULE_LINEAR, t,
                                cp->set->obs, n, x, &out);
      for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
        lt[i] -= le[i];
      res->gap[k] = fc_fd_rms (n, lt);
      /* The inner flow's accuracy, at the earliest time (longest flow). */
      if (status == GSL_SUCCESS && k == 0)
        status = gd_flow_to_one (cp->set, t, cp->inner, n, x, p1);
      if (status == GSL_SUCCESS && k == 0)
        status = gd_flow_to_one (cp->set, t, 2 * cp->inner, n, x, p2);
      for (size_t i = 0; status == GSL_SUCCESS && k == 0 && i < n * GD_DIM; i++)
        res->flow_error = GSL_MAX (res->flow_error, fabs (p1[i] - p2[i]));
    }
  /* grad log h~ at t = 0 on draws of N(0, I). */
  if (status == GSL_SUCCESS)
    status = fc_rng_gaussian_fill (fc_rng_stream_seed (seed, 99), 0, n * GD_DIM, x);
  if (status == GSL_SUCCESS)
    status = gd_coupled_eval (cp, 0.0, n, x, NULL, p1);
  if (status == GSL_SUCCESS)
    res->grad0_rms = fc_fd_rms (n * GD_DIM, p1) * sqrt ((double) GD_DIM);
  free (x), free (lt), free (le), free (p1), free (p2);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the G3 gaps", GSL_ENOMEM);
  return status;
}

/* Sliced W2 of NREP pairs of independent exact samples of size N of G: the
   null distribution of a sampler-vs-exact distance, mean and standard
   deviation.  Streams 2r + 10, 2r + 11 of SEED.  */
#define GD_NREP_NOISE 16
static int
gd_w2_noise (const fc_gmm *g, size_t n, unsigned long seed, size_t nrep,
             double *mean, double *sd)
{
  double *a = gd_alloc (n * GD_DIM), *b = gd_alloc (n * GD_DIM);
  double w[GD_NREP_NOISE];
  int status = a && b && nrep <= GD_NREP_NOISE ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t r = 0; status == GSL_SUCCESS && r < nrep; r++)
    {
      status = fc_gmm_sample (g, fc_rng_stream_seed (seed, 2 * r + 10), n, a);
      if (status == GSL_SUCCESS)
        status = fc_gmm_sample (g, fc_rng_stream_seed (seed, 2 * r + 11), n, b);
      w[r] = fc_stats_sliced_w2 (GD_DIM, n, a, n, b, GD_NPROJ, seed);
    }
  if (status == GSL_SUCCESS)
    {
      *mean = gsl_stats_mean (w, 1, nrep);
      *sd = gsl_stats_sd_m (w, 1, nrep, *mean);
    }
  free (a), free (b);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the W2 noise level", GSL_ENOMEM);
  return status;
}

/* 1 when every entry of X (n) is finite. */
static int
gd_all_finite (size_t n, const double *x)
{
  for (size_t i = 0; i < n; i++)
    if (!gsl_finite (x[i]))
      return 0;
  return 1;
}

/* 1 when STATUS is a numerical failure of a field on points that ran off
   (non-finite input, overflow, a covariance no longer positive definite):
   the run diverged.  Other statuses (no memory, bad arguments) are errors. */
static int
gd_diverged (int status)
{
  return status == GSL_EBADFUNC || status == GSL_EOVRFLW
         || status == GSL_ERANGE || status == GSL_EDOM || status == GSL_ESING;
}

/* Sliced W2 distances are dominated, for a multimodal posterior, by the
   binomial fluctuation of the mass in each mode, which shrinks only like
   n^(-1/4); one sampler run against one exact sample cannot resolve much.
   Samplers are therefore run on NREP independent blocks of N particles
   (integrated as one batch) and judged by the mean of the blocks' W2, each
   against its own exact posterior sample (stream 1000 + r of SEED).  When
   the sampler is exact, each block's W2 is one draw of the two-exact-sample
   statistic (gd_w2_noise: mean m0, sd s0 over NREP0 pairs), so the
   difference of the two means has standard error
   s0 sqrt(1/NREP + 1/NREP0); the band is m0 + Z_MAX times that.  */
static double
gd_band (double m0, double s0, size_t nrep, size_t nrep0)
{
  return m0 + GD_Z_MAX * s0 * sqrt (1.0 / (double) nrep + 1.0 / (double) nrep0);
}

/* Mean and sd of the W2 of the NREP blocks of X (nrep * n, D) against
   exact samples of POST; +inf when X is not finite.  */
static int
gd_blocks_w2 (const fc_gmm *post, size_t nrep, size_t n, const double *x,
              unsigned long seed, double *mean, double *sd)
{
  double *ref = gd_alloc (n * GD_DIM), w[GD_NREP_NOISE];
  int status = ref != NULL && nrep <= GD_NREP_NOISE ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS && !gd_all_finite (nrep * n * GD_DIM, x))
    {
      free (ref);
      *mean = GSL_POSINF, *sd = NAN;
      return GSL_SUCCESS;
    }
  for (size_t r = 0; status == GSL_SUCCESS && r < nrep; r++)
    {
      status = fc_gmm_sample (post, fc_rng_stream_seed (seed, 1000 + r), n, ref);
      w[r] = fc_stats_sliced_w2 (GD_DIM, n, x + r * n * GD_DIM, n, ref,
                                 GD_NPROJ, seed);
    }
  if (status == GSL_SUCCESS)
    {
      *mean = gsl_stats_mean (w, 1, nrep);
      *sd = nrep > 1 ? gsl_stats_sd_m (w, 1, nrep, *mean) : NAN;
    }
  free (ref);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the block distances", GSL_ENOMEM);
  return status;
}

static int
gd_g3_sampling (const fc_run_options *opt, gd_coupled *cp, gd_g3_result *res)
{
  size_t n = opt->quick ? GD_G3_N_QUICK : GD_G3_N_FULL, nt = GD_G3_NREP * n;
  size_t steps = opt->quick ? GD_G3_STEPS_QUICK : GD_G3_STEPS_FULL;
  unsigned long seed = fc_module_seed (opt, GD_TAG_G3 + 1);
  double *xc = gd_alloc (nt * GD_DIM), *xe = gd_alloc (nt * GD_DIM);
  fc_guide_field *f = fc_guide_field_alloc (cp->set->prior, FC_SCHEDULE_LINEAR,
                                            cp->set->obs, FC_GUIDE_EXACT_SPLIT,
                                            0.0);
  int status = xc && xe && f ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = gd_post_points (cp->set, FC_SCHEDULE_LINEAR, GD_G3_TS,
                             fc_rng_stream_seed (seed, 0), nt, xe);
  if (status == GSL_SUCCESS)
    {
      memcpy (xc, xe, nt * GD_DIM * sizeof *xc);
      status = fc_ode_fixed (gd_coupled_velocity, cp, FC_ODE_RK4, GD_DIM, nt,
                             xc, NULL, GD_G3_TS, 1.0, steps, NULL);
      /* A coupled run that blows up is as far off as it gets.  */
      if (gd_diverged (status))
        xc[0] = GSL_POSINF, status = GSL_SUCCESS;
    }
  if (status == GSL_SUCCESS)
    status = fc_ode_fixed (fc_guide_field_velocity, f, FC_ODE_RK4, GD_DIM, nt,
                           xe, NULL, GD_G3_TS, 1.0, steps, NULL);
  if (status == GSL_SUCCESS)
    status = gd_blocks_w2 (cp->set->post, GD_G3_NREP, n, xc, seed,
                           &res->w_coupled, &res->w_coupled_sd);
  if (status == GSL_SUCCESS)
    status = gd_blocks_w2 (cp->set->post, GD_G3_NREP, n, xe, seed,
                           &res->w_exact, &res->w_exact_sd);
  if (status == GSL_SUCCESS)
    status = gd_w2_noise (cp->set->post, n, seed, GD_NREP_NOISE, &res->w_noise,
                          &res->w_sd);
  res->w_tol = gd_band (res->w_noise, res->w_sd, GD_G3_NREP, GD_NREP_NOISE);
  free (xc), free (xe);
  fc_guide_field_free (f);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the G3 sampling", GSL_ENOMEM);
  return status;
}

static int
gd_check_g3 (const fc_run_options *opt, fc_verdict *v)
{
  gd_setting set;
  gd_g3_result r;
  memset (&r, 0, sizeof r);
  int status = gd_setting_init (&set, fc_module_seed (opt, GD_TAG_SETTING), 1,
                                GD_SIGMA_Y);
  if (status)
    return status;
  gd_coupled cp = { &set, opt->quick ? GD_G3_INNER_QUICK : GD_G3_INNER_FULL,
                    gd_g3_delta (set.prior) };
  status = gd_g3_gaps (opt, &cp, &r);
  if (status == GSL_SUCCESS)
    status = gd_g3_sampling (opt, &cp, &r);
  gd_setting_free (&set);
  if (status)
    return status;
  GD_PROGRESS (opt, "G3 rms(log h~ - log h) at t = 0.1 .. 0.9: %.3g %.3g %.3g "
               "%.3g %.3g; flow error %.2g; rms |grad log h~_0| %.3g",
               r.gap[0], r.gap[1], r.gap[2], r.gap[3], r.gap[4], r.flow_error,
               r.grad0_rms);
  GD_PROGRESS (opt, "G3 sliced W2 from t = %g, mean of %d blocks: coupling "
               "%.4g (sd %.3g), exact %.4g (sd %.3g); exact pairs %.4g +- %.4g, "
               "band %.4g", GD_G3_TS, GD_G3_NREP, r.w_coupled, r.w_coupled_sd,
               r.w_exact, r.w_exact_sd, r.w_noise, r.w_sd, r.w_tol);
  for (size_t k = 0; k < GD_G3_NTGAP; k++)
    {
      char name[FC_VERDICT_NAME_LEN];
      snprintf (name, sizeof name, "logh_gap_t%g", gd_g3_gap_times[k]);
      fc_verdict_add (v, name, r.gap[k], NAN);
    }
  fc_verdict_add (v, "grad_logh_coupled_t0_rms", r.grad0_rms, NAN);
  fc_verdict_add (v, "flow_error", r.flow_error, NAN);
  fc_verdict_add (v, "w2_coupled", r.w_coupled, r.w_tol);
  fc_verdict_add (v, "w2_exact", r.w_exact, r.w_tol);
  fc_verdict_add (v, "w2_noise", r.w_noise, NAN);
  fc_verdict_add (v, "w2_noise_sd", r.w_sd, NAN);
  /* The claim (the delta coupling gives the guidance likelihood) is
     REFUTED when sampling with it is measurably off (above the band of two
     exact samples) while the interpolant's exact h, integrated the same
     way from the same points, is not; CONFIRMED when neither is off;
     anything else (exact guidance itself off) decides nothing.  */
  int coupled_off = !(r.w_coupled <= r.w_tol), exact_off = !(r.w_exact <= r.w_tol);
  v->verdict = exact_off ? FC_VERDICT_APPROXIMATE
               : coupled_off ? FC_VERDICT_REFUTED : FC_VERDICT_CONFIRMED;
  fc_verdict_note (v, "log h gap %.3g (t=0.1) .. %.3g (t=0.9); sliced W2 from "
                   "t=%g: coupling %.4f, exact h %.4f, band %.4f",
                   r.gap[0], r.gap[GD_G3_NTGAP - 1], GD_G3_TS, r.w_coupled,
                   r.w_exact, r.w_tol);
  return GSL_SUCCESS;
}

/* ------------------------------------------------------------ G4 and G5 */

/* Times of the gradient comparisons, dense towards t = 1 where the decay is
   fitted (t = 0 is left out: there grad log h = 0 and a relative error has
   no meaning; t = 1 is where the corrected forms are exact).  */
#define GD_G4_NT 14
static const double gd_g4_times[GD_G4_NT]
    = { 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8,
        0.9, 0.95, 0.98, 1.0 };
#define GD_G4_NG 5
static const double gd_g4_gammas[GD_G4_NG] = { 0.0, 0.1, 0.5, 1.0, 2.0 };
/* Decay fit over 1 - t in [0.02, 0.2] (t = 0.8 .. 0.98).  */
#define GD_G4_FIT_FIRST 9
#define GD_G4_FIT_N 4
/* Near t = 1, Cov[x1|x_t, k] = (sigma/alpha)^2 I + O(sigma^4) for every
   component, so the error of Sigma, and of the gradient, is O((1-t)^2)
   (O((1-t)^4) for gamma = 1); half the smaller predicted power is the
   least accepted evidence that the error tends to 0.  */
#define GD_G4_POWER_MIN 1.0
/* Round-off of a relative gradient error at t = 1, where the two forms
   agree exactly: each gradient is a sum over K = 8 components of products
   of 2 x 2 Cholesky solves, accurate to a few eps per term, so
   64 K eps (1.1e-13) bounds their difference with room.  */
#define GD_ROUNDOFF (64.0 * 8.0 * GSL_DBL_EPSILON)

/* Relative rms error sqrt(sum |a - e|^2 / sum |e|^2) over N rows of
   width W. */
static double
gd_rel_error (size_t n, size_t w, const double *a, const double *e)
{
  double num = 0.0, den = 0.0;
  for (size_t i = 0; i < n * w; i++)
    {
      num += gsl_pow_2 (a[i] - e[i]);
      den += e[i] * e[i];
    }
  return sqrt (num / den);
}

/* Mean angle in degrees between the rows of A and E (n, 2). */
static double
gd_mean_angle (size_t n, const double *a, const double *e)
{
  double sum = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      const double *p = a + i * GD_DIM, *q = e + i * GD_DIM;
      double c = (p[0] * q[0] + p[1] * q[1])
                 / (fc_study_norm (GD_DIM, p) * fc_study_norm (GD_DIM, q));
      sum += acos (GSL_MAX (-1.0, GSL_MIN (1.0, c)));
    }
  return sum / (double) n * 180.0 / M_PI;
}

typedef struct
{
  double err[GD_G4_NT][GD_G4_NG]; /* reconstruction, per t and gamma */
  double tweedie[GD_G4_NT];
  size_t best[GD_G4_NT];          /* index of the best gamma */
  double power[GD_G4_NG + 1];     /* fitted decay, tweedie last */
} gd_g4_result;

/* Exact gradient into GE and the approximate G4 gradient of KIND and GAMMA
   into GA, at the N points X and time T.  */
static int
gd_grads (const gd_setting *set, double t, size_t n, const double *x,
          fc_guide_lik kind, double gamma, double *ga, double *note,
          double *ge)
{
  int status = GSL_SUCCESS;
  if (ge != NULL)
    {
      fc_guide_out out = { 0 };
      out.grad = ge;
      status = fc_guide_eval (set->prior, FC_SCHEDULE_LINEAR, t, set->obs, n, x,
                              &out);
    }
  fc_guide_approx_out ao = { 0 };
  ao.grad = ga, ao.note = note;
  if (status == GSL_SUCCESS)
    status = fc_guide_approx (set->prior, FC_SCHEDULE_LINEAR, t, set->obs, kind,
                              gamma, n, x, &ao);
  return status;
}

static int
gd_g4_fit (const gd_g4_result *r, size_t which, double *power)
{
  double gap[GD_G4_FIT_N], err[GD_G4_FIT_N], lc, se;
  for (size_t k = 0; k < GD_G4_FIT_N; k++)
    {
      size_t i = GD_G4_FIT_FIRST + k;
      gap[k] = 1.0 - gd_g4_times[i];
      err[k] = which < GD_G4_NG ? r->err[i][which] : r->tweedie[i];
    }
  return fc_fd_order_fit (GD_G4_FIT_N, gap, err, power, &lc, &se);
}

static int
gd_g4_run (const fc_run_options *opt, const gd_setting *set, gd_g4_result *r)
{
  size_t n = opt->quick ? GD_NPTS_QUICK : GD_NPTS_FULL;
  unsigned long seed = fc_module_seed (opt, GD_TAG_G4);
  double *x = gd_alloc (n * GD_DIM), *ge = gd_alloc (n * GD_DIM);
  double *ga = gd_alloc (n * GD_DIM);
  int status = x && ge && ga ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t i = 0; i < GD_G4_NT && status == GSL_SUCCESS; i++)
    {
      double t = gd_g4_times[i];
      status = gd_post_points (set, FC_SCHEDULE_LINEAR, t,
                               fc_rng_stream_seed (seed, i), n, x);
      r->best[i] = 0;
      for (size_t g = 0; g < GD_G4_NG && status == GSL_SUCCESS; g++)
        {
          status = gd_grads (set, t, n, x, FC_GUIDE_LIK_RECONSTRUCTION,
                             gd_g4_gammas[g], ga, NULL, g == 0 ? ge : NULL);
          r->err[i][g] = gd_rel_error (n, GD_DIM, ga, ge);
          if (r->err[i][g] < r->err[i][r->best[i]])
            r->best[i] = g;
        }
      if (status == GSL_SUCCESS)
        status = gd_grads (set, t, n, x, FC_GUIDE_LIK_TWEEDIE, 0.0, ga, NULL,
                           NULL);
      r->tweedie[i] = gd_rel_error (n, GD_DIM, ga, ge);
    }
  for (size_t w = 0; w <= GD_G4_NG && status == GSL_SUCCESS; w++)
    status = gd_g4_fit (r, w, &r->power[w]);
  free (x), free (ge), free (ga);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the G4 gradients", GSL_ENOMEM);
  return status;
}

static void
gd_g4_log (const fc_run_options *opt, const gd_g4_result *r)
{
  for (size_t i = 0; i < GD_G4_NT; i++)
    GD_PROGRESS (opt, "G4 t = %-5g rel grad error gamma 0 %.3g, 0.1 %.3g, "
                 "0.5 %.3g, 1 %.3g, 2 %.3g; tweedie %.3g; best gamma %g",
                 gd_g4_times[i], r->err[i][0], r->err[i][1], r->err[i][2],
                 r->err[i][3], r->err[i][4], r->tweedie[i],
                 gd_g4_gammas[r->best[i]]);
}

static int
gd_check_g4 (const fc_run_options *opt, fc_verdict *v)
{
  gd_setting set;
  gd_g4_result r;
  int status = gd_setting_init (&set, fc_module_seed (opt, GD_TAG_SETTING), 1,
                                GD_SIGMA_Y);
  if (status)
    return status;
  status = gd_g4_run (opt, &set, &r);
  gd_setting_free (&set);
  if (status)
    return status;
  gd_g4_log (opt, &r);
  double emax = 0.0, e1 = r.tweedie[GD_G4_NT - 1], pmin = GSL_POSINF;
  for (size_t i = 0; i < GD_G4_NT; i++)
    for (size_t g = 0; g < GD_G4_NG; g++)
      {
        emax = GSL_MAX (emax, r.err[i][g]);
        if (i == GD_G4_NT - 1)
          e1 = GSL_MAX (e1, r.err[i][g]);
      }
  for (size_t w = 0; w <= GD_G4_NG; w++)
    pmin = GSL_MIN (pmin, r.power[w]);
  static const size_t show[3] = { 0, 6, 10 }; /* t = 0.02, 0.5, 0.9 */
  for (size_t k = 0; k < 3; k++)
    {
      char name[FC_VERDICT_NAME_LEN];
      size_t i = show[k];
      snprintf (name, sizeof name, "err_gamma1_t%g", gd_g4_times[i]);
      fc_verdict_add (v, name, r.err[i][3], NAN);
      snprintf (name, sizeof name, "err_gamma0_t%g", gd_g4_times[i]);
      fc_verdict_add (v, name, r.err[i][0], NAN);
      snprintf (name, sizeof name, "err_tweedie_t%g", gd_g4_times[i]);
      fc_verdict_add (v, name, r.tweedie[i], NAN);
      snprintf (name, sizeof name, "best_gamma_t%g", gd_g4_times[i]);
      fc_verdict_add (v, name, gd_g4_gammas[r.best[i]], NAN);
    }
  fc_verdict_add (v, "err_max", emax, GD_ROUNDOFF);
  fc_verdict_add (v, "err_t1_max", e1, GD_ROUNDOFF);
  fc_verdict_add (v, "decay_power_gamma0", r.power[0], GD_G4_POWER_MIN);
  fc_verdict_add (v, "decay_power_gamma1", r.power[3], GD_G4_POWER_MIN);
  fc_verdict_add (v, "decay_power_tweedie", r.power[GD_G4_NG], GD_G4_POWER_MIN);
  fc_verdict_add (v, "decay_power_min", pmin, GD_G4_POWER_MIN);
  /* APPROXIMATE: the error is beyond round-off somewhere, exact (round-off)
     at t = 1 and decaying towards it (every fitted power >= 1).
     CONFIRMED if it were at round-off everywhere; REFUTED if it did not
     vanish as t -> 1.  */
  int vanishes = e1 <= GD_ROUNDOFF && pmin >= GD_G4_POWER_MIN;
  v->verdict = !vanishes ? FC_VERDICT_REFUTED
               : emax > GD_ROUNDOFF ? FC_VERDICT_APPROXIMATE
                                    : FC_VERDICT_CONFIRMED;
  fc_verdict_note (v, "rel grad error at t=0.02: gamma 1 %.3g, tweedie %.3g; at "
                   "t=0.98: %.2g, %.2g; ~(1-t)^%.2f or faster; %.1e at t=1",
                   r.err[0][3], r.tweedie[0], r.err[GD_G4_NT - 2][3],
                   r.tweedie[GD_G4_NT - 2], pmin, e1);
  return GSL_SUCCESS;
}

typedef struct
{
  double err[GD_G4_NT];   /* note's vector, gamma = 1 */
  double angle[GD_G4_NT]; /* mean angle to the exact gradient, degrees */
  double corrected_t1;    /* G4 form, gamma = 1, at t = 1 */
  double err_min;
} gd_g5_result;

static int
gd_g5_run (const fc_run_options *opt, const gd_setting *set, gd_g5_result *r)
{
  size_t n = opt->quick ? GD_NPTS_QUICK : GD_NPTS_FULL;
  unsigned long seed = fc_module_seed (opt, GD_TAG_G5);
  double *x = gd_alloc (n * GD_DIM), *ge = gd_alloc (n * GD_DIM);
  double *ga = gd_alloc (n * GD_DIM), *nv = gd_alloc (n * GD_DIM);
  int status = x && ge && ga && nv ? GSL_SUCCESS : GSL_ENOMEM;
  r->err_min = GSL_POSINF;
  r->corrected_t1 = NAN;
  for (size_t i = 0; i < GD_G4_NT && status == GSL_SUCCESS; i++)
    {
      status = gd_post_points (set, FC_SCHEDULE_LINEAR, gd_g4_times[i],
                               fc_rng_stream_seed (seed, i), n, x);
      if (status == GSL_SUCCESS)
        status = gd_grads (set, gd_g4_times[i], n, x,
                           FC_GUIDE_LIK_RECONSTRUCTION, 1.0, ga, nv, ge);
      r->err[i] = gd_rel_error (n, GD_DIM, nv, ge);
      r->angle[i] = gd_mean_angle (n, nv, ge);
      r->err_min = GSL_MIN (r->err_min, r->err[i]);
      if (i == GD_G4_NT - 1)
        r->corrected_t1 = gd_rel_error (n, GD_DIM, ga, ge);
    }
  free (x), free (ge), free (ga), free (nv);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the G5 gradients", GSL_ENOMEM);
  return status;
}

static int
gd_check_g5 (const fc_run_options *opt, fc_verdict *v)
{
  gd_setting set, line;
  gd_g5_result r = { 0 };
  int status = gd_setting_init (&set, fc_module_seed (opt, GD_TAG_SQUARE), 2,
                                GD_SIGMA_Y);
  if (status)
    return status;
  status = gd_g5_run (opt, &set, &r);
  gd_setting_free (&set);
  /* The observation of the other claims, m = 1 < D = 2: the note's vector
     Sigma^{-1}(y - A x1hat) has m = 1 entries where a gradient has D = 2;
     fc_guide_approx refuses it (GSL_EBADLEN, tested in check_guidance).  */
  if (status == GSL_SUCCESS)
    status = gd_setting_init (&line, fc_module_seed (opt, GD_TAG_SETTING), 1,
                              GD_SIGMA_Y);
  if (status)
    return status;
  fc_verdict_add (v, "line_obs_rows_m", (double) line.obs->m, NAN);
  fc_verdict_add (v, "line_obs_dim_D", (double) line.obs->dim, NAN);
  fc_verdict_add (v, "line_note_is_gradient_shape",
                  line.obs->m == line.obs->dim ? 1.0 : 0.0, NAN);
  gd_setting_free (&line);
  for (size_t i = 0; i < GD_G4_NT; i++)
    GD_PROGRESS (opt, "G5 t = %-5g note's vector: rel error %.3g, mean angle "
                 "%.1f deg", gd_g4_times[i], r.err[i], r.angle[i]);
  static const size_t show[3] = { 0, 6, GD_G4_NT - 1 }; /* t = 0.02, 0.5, 1 */
  for (size_t k = 0; k < 3; k++)
    {
      char name[FC_VERDICT_NAME_LEN];
      snprintf (name, sizeof name, "note_err_t%g", gd_g4_times[show[k]]);
      fc_verdict_add (v, name, r.err[show[k]], GD_ROUNDOFF);
      snprintf (name, sizeof name, "note_angle_deg_t%g", gd_g4_times[show[k]]);
      fc_verdict_add (v, name, r.angle[show[k]], NAN);
    }
  fc_verdict_add (v, "note_err_min", r.err_min, GD_ROUNDOFF);
  fc_verdict_add (v, "corrected_err_t1", r.corrected_t1, GD_ROUNDOFF);
  /* At t = 1 the corrected form J^T A^T Sigma^{-1}(y - A x1hat) is exact
     (J = I, Sigma = sigma_y^2 I): its error there must be round-off, which
     validates the comparison.  The note's vector is REFUTED when its error
     stays above round-off at every t, t = 1 included; CONFIRMED when it
     is at round-off at t = 1 as the corrected form is.  */
  int valid = r.corrected_t1 <= GD_ROUNDOFF;
  v->verdict = !valid ? FC_VERDICT_APPROXIMATE
               : r.err_min > GD_ROUNDOFF ? FC_VERDICT_REFUTED
                                         : FC_VERDICT_CONFIRMED;
  fc_verdict_note (v, "m = 1: an m-vector, not a gradient; m = D = 2: rel error "
                   "%.3g (t=0.02) .. %.3g (t=1), angle %.0f..%.0f deg; "
                   "corrected %.1e at t=1",
                   r.err[0], r.err[GD_G4_NT - 1], r.angle[0],
                   r.angle[GD_G4_NT - 1], r.corrected_t1);
  return GSL_SUCCESS;
}

/* ------------------------------------------------------------------ G6 */

/* Posterior sampling (a summary of experiments/posterior-gmm in D = 2):
   each method carries the same GD_G6_NREP blocks of N draws of N(0, I)
   from t = 0 to 1 by RK4 in GD_G6_STEPS equal steps and is scored by the
   mean over blocks of the sliced W2 against exact posterior samples,
   against the band of gd_band.  A method whose samples are not finite (its
   field too stiff for the steps: reconstruction with gamma = 0 and
   sigma_y = 0.01 has c_t |J^T A^T A J|/sigma_y^2 ~ 1e4 t) is reported
   diverged, W2 = +inf.  The integration error of exact guidance is checked
   against the posterior path's own velocity (FC_GUIDE_EXACT, the same
   field to round-off by S6) in twice the steps from the same points
   (step_rms, an upper bound on the W2 between the two).  */
#define GD_G6_NS 3
static const double gd_g6_sigmas[GD_G6_NS] = { 0.01, 0.1, 1.0 };
#define GD_G6_N_FULL 200
#define GD_G6_N_QUICK 50
#define GD_G6_NREP_FULL 6
#define GD_G6_NREP_QUICK 4
#define GD_G6_STEPS_FULL 48
#define GD_G6_STEPS_QUICK 16
#define GD_G6_NM (GD_G4_NG + 2) /* exact, 5 gammas, tweedie */

typedef struct
{
  double w[GD_G6_NS][GD_G6_NM];
  double noise[GD_G6_NS], sd[GD_G6_NS], band[GD_G6_NS];
  double step_rms[GD_G6_NS]; /* rms |x_K - x_2K| of exact guidance */
} gd_g6_result;

static const char *
gd_g6_method_label (size_t k)
{
  static const char *const names[GD_G6_NM]
      = { "exact", "recon_g0", "recon_g0.1", "recon_g0.5", "recon_g1",
          "recon_g2", "tweedie" };
  return names[k];
}

/* Method K of the G6 table as a guided field. */
static fc_guide_field *
gd_g6_field (const gd_setting *set, size_t k)
{
  if (k == 0)
    return fc_guide_field_alloc (set->prior, FC_SCHEDULE_LINEAR, set->obs,
                                 FC_GUIDE_EXACT_SPLIT, 0.0);
  if (k == GD_G6_NM - 1)
    return fc_guide_field_alloc (set->prior, FC_SCHEDULE_LINEAR, set->obs,
                                 FC_GUIDE_TWEEDIE, 0.0);
  return fc_guide_field_alloc (set->prior, FC_SCHEDULE_LINEAR, set->obs,
                               FC_GUIDE_RECONSTRUCTION, gd_g4_gammas[k - 1]);
}

/* Carry Z (N(0, I) draws, n points) from t = 0 to 1 with F into X.  A run
   that diverged (gd_diverged) leaves X non-finite, which the distances
   report as +inf; other failures are returned.  */
static int
gd_push (fc_velocity_fn f, void *params, size_t steps, size_t n,
         const double *z, double *x)
{
  memcpy (x, z, n * GD_DIM * sizeof *x);
  int status = fc_ode_fixed (f, params, FC_ODE_RK4, GD_DIM, n, x, NULL, 0.0,
                             1.0, steps, NULL);
  if (gd_diverged (status))
    x[0] = GSL_POSINF, status = GSL_SUCCESS;
  return status;
}

/* W2 of a single run X (n) against REF: +inf when X is not finite. */
static double
gd_w2_single (size_t n, const double *x, const double *ref, unsigned long seed)
{
  if (!gd_all_finite (n * GD_DIM, x))
    return GSL_POSINF;
  return fc_stats_sliced_w2 (GD_DIM, n, x, n, ref, GD_NPROJ, seed);
}

static int
gd_g6_sigma (const fc_run_options *opt, size_t is, gd_g6_result *r)
{
  size_t n = opt->quick ? GD_G6_N_QUICK : GD_G6_N_FULL;
  size_t nrep = opt->quick ? GD_G6_NREP_QUICK : GD_G6_NREP_FULL, nt = nrep * n;
  size_t steps = opt->quick ? GD_G6_STEPS_QUICK : GD_G6_STEPS_FULL;
  unsigned long seed = fc_module_seed (opt, GD_TAG_G6 + is);
  gd_setting set;
  int status = gd_setting_init (&set, fc_module_seed (opt, GD_TAG_SETTING), 1,
                                gd_g6_sigmas[is]);
  if (status)
    return status;
  double *z = gd_alloc (nt * GD_DIM), *x = gd_alloc (nt * GD_DIM);
  double *xe = gd_alloc (nt * GD_DIM), sd;
  status = z && x && xe ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = fc_rng_gaussian_fill (fc_rng_stream_seed (seed, 0), 0, nt * GD_DIM, z);
  for (size_t k = 0; k < GD_G6_NM && status == GSL_SUCCESS; k++)
    {
      fc_guide_field *f = gd_g6_field (&set, k);
      double *out = k == 0 ? xe : x;
      status = f != NULL ? gd_push (fc_guide_field_velocity, f, steps, nt, z, out)
                         : GSL_EFAILED;
      if (status == GSL_SUCCESS)
        status = gd_blocks_w2 (set.post, nrep, n, out, seed, &r->w[is][k], &sd);
      fc_guide_field_free (f);
    }
  fc_guide_field *fx = status == GSL_SUCCESS
      ? fc_guide_field_alloc (set.prior, FC_SCHEDULE_LINEAR, set.obs,
                              FC_GUIDE_EXACT, 0.0) : NULL;
  if (status == GSL_SUCCESS && fx == NULL)
    status = GSL_EFAILED;
  if (status == GSL_SUCCESS)
    status = gd_push (fc_guide_field_velocity, fx, 2 * steps, nt, z, x);
  if (status == GSL_SUCCESS)
    {
      for (size_t i = 0; i < nt * GD_DIM; i++)
        x[i] -= xe[i];
      r->step_rms[is] = fc_fd_rms (nt * GD_DIM, x) * sqrt ((double) GD_DIM);
      status = gd_w2_noise (set.post, n, seed, GD_NREP_NOISE, &r->noise[is],
                            &r->sd[is]);
      r->band[is] = gd_band (r->noise[is], r->sd[is], nrep, GD_NREP_NOISE);
    }
  fc_guide_field_free (fx);
  free (z), free (x), free (xe);
  gd_setting_free (&set);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the G6 samples", GSL_ENOMEM);
  return status;
}

static int
gd_check_g6 (const fc_run_options *opt, fc_verdict *v)
{
  gd_g6_result r;
  int status = GSL_SUCCESS;
  for (size_t is = 0; is < GD_G6_NS && status == GSL_SUCCESS; is++)
    {
      status = gd_g6_sigma (opt, is, &r);
      if (status == GSL_SUCCESS)
        GD_PROGRESS (opt, "G6 sigma_y %g: W2 exact %.4g, recon g0 %.4g g0.1 %.4g "
                     "g0.5 %.4g g1 %.4g g2 %.4g, tweedie %.4g; noise %.4g +- "
                     "%.4g; step rms %.2g", gd_g6_sigmas[is], r.w[is][0],
                     r.w[is][1], r.w[is][2], r.w[is][3], r.w[is][4], r.w[is][5],
                     r.w[is][6], r.noise[is], r.sd[is], r.step_rms[is]);
    }
  if (status)
    return status;
  int exact_ok = 1, approx_off = 0;
  for (size_t is = 0; is < GD_G6_NS; is++)
    {
      char name[FC_VERDICT_NAME_LEN];
      size_t best = 1, worst = 1;
      for (size_t k = 1; k < GD_G6_NM; k++)
        {
          best = r.w[is][k] < r.w[is][best] ? k : best;
          worst = r.w[is][k] > r.w[is][worst] ? k : worst;
          approx_off |= !(r.w[is][k] <= r.band[is]);
        }
      exact_ok &= r.w[is][0] <= r.band[is];
      snprintf (name, sizeof name, "w2_exact_sy%g", gd_g6_sigmas[is]);
      fc_verdict_add (v, name, r.w[is][0], r.band[is]);
      snprintf (name, sizeof name, "w2_noise_sy%g", gd_g6_sigmas[is]);
      fc_verdict_add (v, name, r.noise[is], NAN);
      snprintf (name, sizeof name, "w2_tweedie_sy%g", gd_g6_sigmas[is]);
      fc_verdict_add (v, name, r.w[is][GD_G6_NM - 1], r.band[is]);
      snprintf (name, sizeof name, "w2_best_%s_sy%g", gd_g6_method_label (best),
                gd_g6_sigmas[is]);
      fc_verdict_add (v, name, r.w[is][best], r.band[is]);
      snprintf (name, sizeof name, "w2_worst_%s_sy%g",
                gd_g6_method_label (worst), gd_g6_sigmas[is]);
      fc_verdict_add (v, name, r.w[is][worst], r.band[is]);
      snprintf (name, sizeof name, "step_rms_sy%g", gd_g6_sigmas[is]);
      fc_verdict_add (v, name, r.step_rms[is], NAN);
    }
  /* APPROXIMATE: exact guidance at the two-exact-sample level for every
     sigma_y (the comparison is sound) and some approximation measurably
     above it; CONFIRMED if every method were at that level; REFUTED if
     exact guidance itself were off (the sampler would be wrong).  */
  v->verdict = !exact_ok ? FC_VERDICT_REFUTED
               : approx_off ? FC_VERDICT_APPROXIMATE : FC_VERDICT_CONFIRMED;
  fc_verdict_note (v, "mean sliced W2, sigma_y 0.01/0.1/1: exact %.3f/%.3f/%.3f "
                   "(bands %.3f/%.3f/%.3f); recon gamma 1 %.3g/%.3g/%.3g",
                   r.w[0][0], r.w[1][0], r.w[2][0], r.band[0], r.band[1],
                   r.band[2], r.w[0][4], r.w[1][4], r.w[2][4]);
  return GSL_SUCCESS;
}

/* ----------------------------------------------------------- figure data */


/* guidance-residual.dat: rel(h) of S6, G1 (c = 1, best c), G2 (note's,
   corrected, linear).  */
static int
gd_write_residual (const fc_run_options *opt, const gd_setting *set)
{
  fc_order_study s6, note, corr;
  gd_g1_result g1;
  int status = gd_split_study (opt, set, NAN, &s6);
  if (status == GSL_SUCCESS)
    status = gd_g1_run (opt, set, &g1);
  if (status == GSL_SUCCESS)
    status = gd_g2_note (opt, set, &note);
  if (status == GSL_SUCCESS)
    status = gd_g2_corrected (opt, set, FC_SCHEDULE_LINEAR, NAN, &corr);
  if (status)
    return status;
  fc_datafile *f = fc_module_datafile (opt, "guidance-residual.dat",
                                "h rel_S6_exact_split rel_G1_c1 rel_G1_best_c "
                                "rel_G2_note rel_G2_corrected");
  if (f == NULL)
    return GSL_EFAILED;
  const fc_order_study *st[5] = { &s6, &g1.unit, &g1.best, &note, &corr };
  FILE *out = fc_datafile_stream (f);
  fprintf (out, "# 8gaussians prior, y = A x1 + N(0, %g^2), m = 1, linear "
           "schedule; points from p_t(x|y) at t = 0.25, 0.5, 0.8; fitted "
           "orders:", GD_SIGMA_Y);
  for (size_t i = 0; i < 5; i++)
    fprintf (out, " %.4f", st[i]->order);
  fputc ('\n', out);
  for (size_t k = 0; k < GD_NH; k++)
    {
      fprintf (out, "%.17g", s6.h[k]);
      for (size_t i = 0; i < 5; i++)
        fprintf (out, " %.17g", st[i]->rel[k]);
      fputc ('\n', out);
    }
  return fc_module_commit (f, GSL_SUCCESS);
}

/* guided-samples.dat: index 0 the exact posterior density on a grid (x y p,
   a blank line per scan row), 1 exact guidance, 2 reconstruction gamma 0,
   3 reconstruction gamma 1, 4 tweedie (x y each), 5 the line A x = y
   clipped to the box.  */
#define GD_FIG_GRID_FULL 121
#define GD_FIG_GRID_QUICK 41
#define GD_FIG_NS_FULL 1000
#define GD_FIG_NS_QUICK 200
#define GD_FIG_BOX 4.0
static const size_t gd_fig_methods[4] = { 0, 1, 4, GD_G6_NM - 1 };

static int
gd_write_density (FILE *out, const gd_setting *set, size_t ng)
{
  double *x = gd_alloc (ng * ng * GD_DIM), *lp = gd_alloc (ng * ng);
  int status = x && lp ? GSL_SUCCESS : GSL_ENOMEM;
  double step = 2.0 * GD_FIG_BOX / (double) (ng - 1);
  for (size_t i = 0; status == GSL_SUCCESS && i < ng * ng; i++)
    {
      x[2 * i] = -GD_FIG_BOX + (double) (i / ng) * step;
      x[2 * i + 1] = -GD_FIG_BOX + (double) (i % ng) * step;
    }
  if (status == GSL_SUCCESS)
    status = fc_gmm_log_density (set->post, ng * ng, x, lp);
  fprintf (out, "# exact posterior density\n");
  for (size_t i = 0; status == GSL_SUCCESS && i < ng * ng; i++)
    fprintf (out, "%.17g %.17g %.17g\n%s", x[2 * i], x[2 * i + 1], exp (lp[i]),
             (i + 1) % ng == 0 ? "\n" : "");
  free (x), free (lp);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the density grid", GSL_ENOMEM);
  return status;
}

/* The segment of a1 x + a2 y = y0 inside the box (A's row has unit length:
   the foot of the perpendicular plus and minus the box's diagonal).  */
static void
gd_write_line (FILE *out, const fc_obs *o)
{
  const double *a = o->a;
  double px = a[0] * o->y[0], py = a[1] * o->y[0], l = 2.0 * M_SQRT2 * GD_FIG_BOX;
  fprintf (out, "\n\n# the observation line A x = y\n%.17g %.17g\n%.17g %.17g\n",
           px - l * a[1], py + l * a[0], px + l * a[1], py - l * a[0]);
}

static int
gd_write_samples (const fc_run_options *opt, const gd_setting *set)
{
  size_t n = opt->quick ? GD_FIG_NS_QUICK : GD_FIG_NS_FULL;
  size_t steps = opt->quick ? GD_G6_STEPS_QUICK : GD_G6_STEPS_FULL;
  double *z = gd_alloc (n * GD_DIM), *x = gd_alloc (n * GD_DIM);
  fc_datafile *f = z && x ? fc_module_datafile (opt, "guided-samples.dat", "x y [p]")
                          : NULL;
  int status = f != NULL ? GSL_SUCCESS : GSL_EFAILED;
  if (status == GSL_SUCCESS)
    {
      FILE *out = fc_datafile_stream (f);
      fprintf (out, "# 8gaussians prior, A = (%.6g, %.6g), y = %.6g, sigma_y "
               "= %g; RK4 %zu steps; index 0 density, 1 exact guidance, 2 "
               "reconstruction gamma 0, 3 gamma 1, 4 tweedie, 5 line\n",
               set->obs->a[0], set->obs->a[1], set->obs->y[0],
               set->obs->sigma_y, steps);
      status = gd_write_density (out, set, opt->quick ? GD_FIG_GRID_QUICK
                                                      : GD_FIG_GRID_FULL);
    }
  if (status == GSL_SUCCESS)
    status = fc_rng_gaussian_fill (fc_module_seed (opt, GD_TAG_FIG), 0,
                                   n * GD_DIM, z);
  for (size_t k = 0; k < 4 && status == GSL_SUCCESS; k++)
    {
      FILE *out = fc_datafile_stream (f);
      fc_guide_field *g = gd_g6_field (set, gd_fig_methods[k]);
      status = g != NULL ? gd_push (fc_guide_field_velocity, g, steps, n, z, x)
                         : GSL_EFAILED;
      fc_guide_field_free (g);
      fprintf (out, "\n\n# %s\n", gd_g6_method_label (gd_fig_methods[k]));
      if (!gd_all_finite (n * GD_DIM, x))
        fprintf (out, "# diverged: no samples\nNaN NaN\n");
      for (size_t i = 0; status == GSL_SUCCESS && gd_all_finite (n * GD_DIM, x)
                         && i < n; i++)
        fprintf (out, "%.17g %.17g\n", x[2 * i], x[2 * i + 1]);
    }
  if (status == GSL_SUCCESS)
    gd_write_line (fc_datafile_stream (f), set->obs);
  free (z), free (x);
  if (status == GSL_SUCCESS)
    return fc_module_commit (f, GSL_SUCCESS);
  fc_datafile_abort (f);
  return status;
}

/* guidance-gamma.dat: reconstruction guidance used on one window of t only,
   exact guidance elsewhere.  */
typedef struct
{
  fc_guide_field *inside, *outside;
  double lo, hi; /* the window [lo, hi), hi = 1 closed */
} gd_window;

static int
gd_window_velocity (double t, size_t n, const double *x, double *u,
                    double *div, void *params)
{
  const gd_window *w = params;
  int in = t >= w->lo && (t < w->hi || (w->hi >= 1.0 && t <= 1.0));
  return fc_guide_field_velocity (t, n, x, u, div, in ? w->inside : w->outside);
}

#define GD_FIG_NWIN 4
static const double gd_win_lo[GD_FIG_NWIN] = { 0.0, 1.0 / 3.0, 2.0 / 3.0, 0.0 };
static const double gd_win_hi[GD_FIG_NWIN] = { 1.0 / 3.0, 2.0 / 3.0, 1.0, 1.0 };
#define GD_FIG_NREP_EXACT 4 /* replicate start seeds of the exact level */
#define GD_FIG_WN_FULL 1000
#define GD_FIG_WN_QUICK 60
#define GD_FIG_WSTEPS_FULL 48
#define GD_FIG_WSTEPS_QUICK 12

/* One block of the file: sigma_y number IS. */
static int
gd_write_gamma_block (const fc_run_options *opt, FILE *out, size_t is)
{
  size_t n = opt->quick ? GD_FIG_WN_QUICK : GD_FIG_WN_FULL;
  size_t steps = opt->quick ? GD_FIG_WSTEPS_QUICK : GD_FIG_WSTEPS_FULL;
  unsigned long seed = fc_module_seed (opt, GD_TAG_FIG + 1 + is);
  gd_setting set;
  int status = gd_setting_init (&set, fc_module_seed (opt, GD_TAG_SETTING), 1,
                                gd_g6_sigmas[is]);
  if (status)
    return status;
  double *z = gd_alloc (n * GD_DIM), *ref = gd_alloc (n * GD_DIM);
  double *x = gd_alloc (n * GD_DIM), we[GD_FIG_NREP_EXACT], noise = NAN, sd = NAN;
  fc_guide_field *fx = fc_guide_field_alloc (set.prior, FC_SCHEDULE_LINEAR,
                                             set.obs, FC_GUIDE_EXACT, 0.0);
  status = z && ref && x && fx ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = fc_gmm_sample (set.post, fc_rng_stream_seed (seed, 1), n, ref);
  /* Replicates in reverse order, so that Z ends as replicate 0's start
     points, which the window runs then share (paired with we[0]).  */
  for (size_t r = GD_FIG_NREP_EXACT; status == GSL_SUCCESS && r-- > 0;)
    {
      status = fc_rng_gaussian_fill (fc_rng_stream_seed (seed, 100 + r), 0,
                                     n * GD_DIM, z);
      if (status == GSL_SUCCESS)
        status = gd_push (fc_guide_field_velocity, fx, steps, n, z, x);
      we[r] = gd_w2_single (n, x, ref, seed);
    }
  if (status == GSL_SUCCESS)
    status = gd_w2_noise (set.post, n, seed, GD_NREP_NOISE, &noise, &sd);
  double em = gsl_stats_mean (we, 1, GD_FIG_NREP_EXACT);
  double es = gsl_stats_sd_m (we, 1, GD_FIG_NREP_EXACT, em);
  fprintf (out, "%s# sigma_y = %g\n", is > 0 ? "\n\n" : "", gd_g6_sigmas[is]);
  for (size_t g = 0; g < GD_G4_NG && status == GSL_SUCCESS; g++)
    {
      double w[GD_FIG_NWIN];
      gd_window win = { fc_guide_field_alloc (set.prior, FC_SCHEDULE_LINEAR,
                                              set.obs, FC_GUIDE_RECONSTRUCTION,
                                              gd_g4_gammas[g]), fx, 0.0, 1.0 };
      status = win.inside != NULL ? GSL_SUCCESS : GSL_EFAILED;
      for (size_t k = 0; k < GD_FIG_NWIN && status == GSL_SUCCESS; k++)
        {
          win.lo = gd_win_lo[k], win.hi = gd_win_hi[k];
          status = gd_push (gd_window_velocity, &win, steps, n, z, x);
          w[k] = gd_w2_single (n, x, ref, seed);
        }
      fc_guide_field_free (win.inside);
      /* A diverged run (W2 = inf) is written as NaN: gnuplot skips it.  */
      fprintf (out, "%g %g", gd_g6_sigmas[is], gd_g4_gammas[g]);
      for (size_t k = 0; k < GD_FIG_NWIN; k++)
        fprintf (out, " %.17g", gsl_finite (w[k]) ? w[k] : NAN);
      fprintf (out, " %.17g %.17g %.17g %.17g %.17g\n", em, es, noise, sd,
               we[0]);
    }
  fc_guide_field_free (fx);
  free (z), free (ref), free (x);
  gd_setting_free (&set);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the gamma study", GSL_ENOMEM);
  return status;
}

static int
gd_write_gamma (const fc_run_options *opt)
{
  fc_datafile *f = fc_module_datafile (opt, "guidance-gamma.dat",
                                "sigma_y gamma w2_window_0_1/3 "
                                "w2_window_1/3_2/3 w2_window_2/3_1 w2_all "
                                "w2_exact_mean w2_exact_sd w2_noise_mean "
                                "w2_noise_sd w2_exact_same_start");
  int status = f != NULL ? GSL_SUCCESS : GSL_EFAILED;
  if (status == GSL_SUCCESS)
    fprintf (fc_datafile_stream (f),
             "# reconstruction guidance on the window only, exact guidance "
             "elsewhere; RK4 %d steps, %d particles, sliced W2 to one exact "
             "posterior sample; exact level over %d start seeds, the first "
             "(w2_exact_same_start) the windows' own; one index block per "
             "sigma_y; NaN = diverged\n",
             opt->quick ? GD_FIG_WSTEPS_QUICK : GD_FIG_WSTEPS_FULL,
             opt->quick ? GD_FIG_WN_QUICK : GD_FIG_WN_FULL, GD_FIG_NREP_EXACT);
  for (size_t is = 0; is < GD_G6_NS && status == GSL_SUCCESS; is++)
    {
      status = gd_write_gamma_block (opt, fc_datafile_stream (f), is);
      GD_PROGRESS (opt, "figure guidance-gamma: sigma_y %g done",
                   gd_g6_sigmas[is]);
    }
  if (status == GSL_SUCCESS)
    return fc_module_commit (f, GSL_SUCCESS);
  fc_datafile_abort (f);
  return status;
}

static int
gd_write_figure_data (const fc_run_options *opt)
{
  if (opt->out_dir == NULL)
    GSL_ERROR ("no output directory", GSL_EINVAL);
  gd_setting set;
  int status = gd_setting_init (&set, fc_module_seed (opt, GD_TAG_SETTING), 1,
                                GD_SIGMA_Y);
  if (status)
    return status;
  status = gd_write_residual (opt, &set);
  if (status == GSL_SUCCESS)
    status = gd_write_samples (opt, &set);
  gd_setting_free (&set);
  if (status == GSL_SUCCESS)
    status = gd_write_gamma (opt);
  return status;
}

/* ------------------------------------------------------------ the module */

/* Until the figure writer renders the checks' record: the old writer. */
static int
gd_write_legacy (const fc_run_options *opt, const void *record)
{
  (void) record;
  return gd_write_figure_data (opt);
}

static const fc_claim gd_claims[] = {
  { "G1", "N §Conditional vector field",
    "the postulate u_t(.|y) = u_t + grad_x log p(y|x) (or with any rescaling "
    "c(t) of that term) generates p_t(x|y)",
    FC_VERDICT_REFUTED, gd_check_g1, NULL, 0 },
  { "G2", "N §Conditional vector field",
    "d/dt p_t(y|x) = -div(p_t(y|x) u_t(x)); correct: dh/dt + u.grad h + c_t "
    "(lap h + grad log p_t . grad h) = 0",
    FC_VERDICT_REFUTED, gd_check_g2, NULL, 0 },
  { "G3", "N §Guidance term",
    "assuming the flow bijective, p_t(x1|x) = delta(x1 - phi_t(x)): the "
    "ODE-coupling likelihood p(y|phi(x)) serves as p_t(y|x) for guidance",
    FC_VERDICT_REFUTED, gd_check_g3, NULL, 0 },
  { "G4", "N §Guidance term",
    "reconstruction guidance p_t(y|x_t) ~ N(y | A x1hat, sigma_y^2 I + gamma "
    "(1-t)^2/t^2 A A^T): gradient error vs t and gamma",
    FC_VERDICT_APPROXIMATE, gd_check_g4, NULL, 0 },
  { "G5", "N §Guidance term",
    "N's gradient (sigma_y^2 + gamma (1-t)^2/t^2 A A^T)^{-1} (y - A x1hat) "
    "is grad_x log p_t(y|x)",
    FC_VERDICT_REFUTED, gd_check_g5, NULL, 0 },
  { "G6", "N §Guidance term",
    "posterior sampling in D = 2: exact guidance vs reconstruction guidance "
    "(gamma grid) and the Tweedie covariance, sliced W2 to exact samples",
    FC_VERDICT_APPROXIMATE, gd_check_g6, NULL, 0 },
};

const fc_module fc_module_guidance
    = { "guidance",
        "conditional fields and reconstruction guidance (N §Conditional flow "
        "matching, §Guidance term)",
        gd_claims, sizeof gd_claims / sizeof gd_claims[0],
        NULL, 0, 1, gd_write_legacy, NULL };
