/* derivations/guidance/note_chain.c -- claim G7 (N §Conditional vector
 * field): the two chains of equalities the note writes for
 * dp_t(x|y)/dt, evaluated line by line on a mixture, and the first line
 * that is false.
 *
 * With q = p_t(x|y), h = p_t(y|x), p = p_t(x), u = u_t, g = grad_x
 * log p(y|x) = A^T (y - A x)/sigma_y^2, each line divided by q (exact, and
 * free of underflow far in the tails):
 *
 *  expansion of -div((u + g) q) (the note's first display):
 *   a1  -div((u + g) q)
 *   a2  -q div u - <u, grad q> - q div g - <g, grad q>        product rule
 *   a3  -q div u - q <u, grad log q>
 *       - q (lap log p(y|x) + |g|^2 + <g, grad log p>)        the note's
 *  a3 uses grad log q = g + grad log p, where Bayes' rule gives
 *  grad log q = grad log h + grad log p: p_t(y|x) replaced by p(y|x).
 *
 *  Bayes' rule q = h p / p(y) (the note's second display):
 *   b0  dq/dt
 *   b1  (h/p(y)) dp/dt + (p/p(y)) dh/dt
 *   b2  -(q/p) div(u p) + (q/h) dh/dt                 continuity of p_t
 *   b3  -q div u - q <u, grad log p> + q d log h/dt
 *   b4  -q div u - q <u, grad log q> + q <u, grad log h> + q d log h/dt
 *   b5  -div(q u) + (h p/p(y)) <u, grad log h> + q d log h/dt
 *
 * Exact quantities from fc_path (q, p, their scores, u, div u) and
 * fc_guide (h, grad log h, p(y) = h_0); the derivatives the lines write
 * as such (d/dt, div of a product) by central differences of step h in t
 * and in x.  The gap of line k is the pooled rms of (line k - line k-1)
 * over the points (drawn from p_t(x|y) at the module's three times)
 * relative to the rms of line k-1.  A true line that a difference
 * separates from its predecessor (a2, b2, b3, b5) has a gap O(h^2), and
 * the order of its decay over the ladder of steps is reported; a true
 * line that only rearranges exact quantities (b4), or whose differences
 * are of functions equal up to a constant (b1: log q = log h + log p -
 * log p(y), so the time differences agree), is at round-off; a false line
 * stays O(1).  Deciding, per line, the gap at the
 * finest step against the truncation scale of central differences there,
 * 2 (1 + D) (h_min/ell)^2 (fc_study.h's, ell the path's shortest scale):
 * a3 holds (it is the note's own step), the others valid (the machinery
 * reproduces the true lines).
 *
 * Controls: a3 with grad log p_t(y|x) kept (every line holds: CONFIRMED);
 * lines a2, b1, b3 and b5 scaled by 1 + 1e-2 (each true gap, a2 .. b5,
 * then sees a 1 % error: NONE).  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>

#include "fc_fd.h"
#include "fc_path.h"
#include "fc_path_field.h"
#include "fc_rng.h"
#include "guidance_internal.h"

/* The lines in order; a gap is taken between consecutive lines of a
   chain (a1 and b0 open their chains).  */
enum
{
  GD_A1, GD_A2, GD_A3, GD_B0, GD_B1, GD_B2, GD_B3, GD_B4, GD_B5, GD_NLINES
};

static const char *const gd_line_names[GD_NLINES]
    = { "a1", "a2", "a3", "b0", "b1", "b2", "b3", "b4", "b5" };

/* 1: the gap of the line is a finite-difference error (its order is
   reported); 0: it opens a chain or compares exact quantities.  */
static const int gd_line_differenced[GD_NLINES]
    = { 0, 1, 0, 0, 0, 1, 1, 0, 1 };

/* The perturbation of the perturbed_lines control.  */
#define GD_G7_PERTURBATION 1e-2

/* Exact quantities at the stencil XS ((1 + 2D) n points; block 0 the
   points) and at the points at t +- h.  */
typedef struct
{
  size_t n, d, nb;
  double *xs;                  /* (nb, D) */
  double *logq, *logp, *u, *g; /* at the stencil: (nb), (nb), (nb, D) x2 */
  double *sq, *sp, *divu;      /* at the points: (n, D) x2, (n) */
  double *logh, *gh;           /* at the points: (n), (n, D) */
  double *dq, *dp, *dh;        /* d/dt of log q, log p, log h (n) */
  double *tmp;                 /* (n) */
  double logpy;                /* log p(y) */
} gd_g7_work;

static void
gd_g7_work_free (gd_g7_work *w)
{
  double *a[] = { w->xs, w->logq, w->logp, w->u, w->g, w->sq, w->sp,
                  w->divu, w->logh, w->gh, w->dq, w->dp, w->dh, w->tmp };
  for (size_t k = 0; k < sizeof a / sizeof a[0]; k++)
    free (a[k]);
}

static int
gd_g7_work_alloc (gd_g7_work *w, size_t n, size_t d)
{
  w->n = n, w->d = d, w->nb = (1 + 2 * d) * n;
  w->xs = gd_alloc (w->nb * d), w->logq = gd_alloc (w->nb);
  w->logp = gd_alloc (w->nb), w->u = gd_alloc (w->nb * d);
  w->g = gd_alloc (w->nb * d), w->sq = gd_alloc (n * d);
  w->sp = gd_alloc (n * d), w->divu = gd_alloc (n);
  w->logh = gd_alloc (n), w->gh = gd_alloc (n * d);
  w->dq = gd_alloc (n), w->dp = gd_alloc (n), w->dh = gd_alloc (n);
  w->tmp = gd_alloc (n);
  if (w->xs && w->logq && w->logp && w->u && w->g && w->sq && w->sp
      && w->divu && w->logh && w->gh && w->dq && w->dp && w->dh && w->tmp)
    return GSL_SUCCESS;
  GSL_ERROR ("no memory for the G7 lines", GSL_ENOMEM);
}

/* g = A^T (y - A x) / sigma_y^2 at the N points X into G (n, D). */
static void
gd_likelihood_grad_at (const fc_obs *o, size_t n, const double *x, double *g)
{
  for (size_t i = 0; i < n * o->dim; i++)
    g[i] = 0.0;
  gd_add_likelihood_grad (o, 1.0, n, x, g);
}

/* d/dt of log f at the points by a central difference of step H: F at
   t + h minus F at t - h, each (n), into D.  */
static void
gd_time_difference (size_t n, const double *fp, const double *fm, double h,
                    double *d)
{
  for (size_t i = 0; i < n; i++)
    d[i] = (fp[i] - fm[i]) / (2.0 * h);
}

/* log p_t(y|x) at the points at time T into OUT (n).  */
static int
gd_g7_logh (const gd_setting *set, fc_schedule s, double t, size_t n,
            const double *x, double *out)
{
  fc_guide_out o = { 0 };
  o.logh = out;
  return fc_guide_eval (set->prior, s, t, set->obs, n, x, &o);
}

/* The time differences of log q, log p and log h at the points.  */
static int
gd_g7_time_parts (const gd_case *cs, double t, double h, gd_g7_work *w)
{
  const gd_setting *set = cs->set;
  size_t n = w->n;
  double *fp = w->tmp, *fm = w->logh; /* logh is filled after this */
  int status = GSL_SUCCESS;
  const fc_gmm *dens[2] = { set->post, set->prior };
  double *out[3] = { w->dq, w->dp, w->dh };
  for (size_t k = 0; k < 3 && status == GSL_SUCCESS; k++)
    {
      if (k < 2)
        status = fc_path_eval (dens[k], cs->s, t + h, FC_Q_LOGP, n, w->xs, fp);
      else
        status = gd_g7_logh (set, cs->s, t + h, n, w->xs, fp);
      if (status == GSL_SUCCESS)
        status = k < 2 ? fc_path_eval (dens[k], cs->s, t - h, FC_Q_LOGP, n,
                                       w->xs, fm)
                       : gd_g7_logh (set, cs->s, t - h, n, w->xs, fm);
      if (status == GSL_SUCCESS)
        gd_time_difference (n, fp, fm, h, out[k]);
    }
  return status;
}

/* Everything the lines need at time T and step H for the points X.  */
static int
gd_g7_fill (const gd_case *cs, double t, double h, const double *x,
            gd_g7_work *w)
{
  const gd_setting *set = cs->set;
  gd_axis_stencil (w->d, w->n, x, h, w->xs);
  gd_likelihood_grad_at (set->obs, w->nb, w->xs, w->g);
  int status = gd_g7_time_parts (cs, t, h, w);
  fc_path_out po = { 0 }, qo = { 0 };
  po.logp = w->logp, po.velocity = w->u;
  qo.logp = w->logq;
  if (status == GSL_SUCCESS)
    status = fc_path_eval_many (set->prior, cs->s, t, w->nb, w->xs, &po);
  if (status == GSL_SUCCESS)
    status = fc_path_eval_many (set->post, cs->s, t, w->nb, w->xs, &qo);
  po.logp = po.velocity = NULL, po.score = w->sp, po.div = w->divu;
  qo.logp = NULL, qo.score = w->sq;
  if (status == GSL_SUCCESS)
    status = fc_path_eval_many (set->prior, cs->s, t, w->n, w->xs, &po);
  if (status == GSL_SUCCESS)
    status = fc_path_eval_many (set->post, cs->s, t, w->n, w->xs, &qo);
  fc_guide_out go = { 0 };
  go.logh = w->logh, go.grad = w->gh;
  if (status == GSL_SUCCESS)
    status = fc_guide_eval (set->prior, cs->s, t, set->obs, w->n, w->xs, &go);
  return status;
}

/* div(F w)/w at point I by central differences of step H, F = U (+ G when
   G is not NULL) and w = exp(LOGW), both at the stencil.  */
static double
gd_flux_div (const gd_g7_work *w, size_t i, const double *logw,
             const double *u, const double *g, double h)
{
  size_t n = w->n, d = w->d;
  double div = 0.0;
  for (size_t j = 0; j < d; j++)
    {
      size_t ip = (1 + 2 * j) * n + i, im = (2 + 2 * j) * n + i;
      double fp = u[ip * d + j] + (g ? g[ip * d + j] : 0.0);
      double fm = u[im * d + j] + (g ? g[im * d + j] : 0.0);
      div += (fp * exp (logw[ip] - logw[i]) - fm * exp (logw[im] - logw[i]))
             / (2.0 * h);
    }
  return div;
}

static double
gd_dot (size_t d, const double *a, const double *b)
{
  double s = 0.0;
  for (size_t j = 0; j < d; j++)
    s += a[j] * b[j];
  return s;
}

/* The lines at point I into L (GD_NLINES), each divided by q; KEPT: a3
   with grad log p_t(y|x) in place of g; SCALE: the factor of lines a2,
   b1, b3, b5 (1 as written).  */
static void
gd_g7_lines (const gd_g7_work *w, const fc_obs *o, size_t i, double h,
             int kept, double scale, double *l)
{
  size_t d = w->d;
  const double *u = w->u + i * d, *g = w->g + i * d, *sq = w->sq + i * d;
  const double *sp = w->sp + i * d, *gh = w->gh + i * d;
  double lap = 0.0; /* lap log p(y|x) = -tr(A^T A)/sigma_y^2 */
  for (size_t k = 0; k < o->m * d; k++)
    lap -= o->a[k] * o->a[k] / (o->sigma_y * o->sigma_y);
  double ratio = exp (w->logh[i] + w->logp[i] - w->logpy - w->logq[i]);
  double dv = w->divu[i], usq = gd_dot (d, u, sq), ugh = gd_dot (d, u, gh);
  l[GD_A1] = -gd_flux_div (w, i, w->logq, w->u, w->g, h);
  l[GD_A2] = scale * (-dv - usq - lap - gd_dot (d, g, sq));
  l[GD_A3] = -dv - usq
             - (lap + (kept ? gd_dot (d, g, gh) : gd_dot (d, g, g))
                + gd_dot (d, g, sp));
  l[GD_B0] = w->dq[i];
  l[GD_B1] = scale * (ratio * w->dp[i] + ratio * w->dh[i]);
  l[GD_B2] = -gd_flux_div (w, i, w->logp, w->u, NULL, h) + w->dh[i];
  l[GD_B3] = scale * (-dv - gd_dot (d, u, sp) + w->dh[i]);
  l[GD_B4] = -dv - usq + ugh + w->dh[i];
  l[GD_B5] = scale * (-gd_flux_div (w, i, w->logq, w->u, NULL, h)
                      + ratio * ugh + w->dh[i]);
}

/* Pooled sums of squares of the gaps (line k - line k-1) and of the
   references (line k-1), per line and step.  */
typedef struct
{
  double gap2[GD_NLINES][GD_NH], ref2[GD_NLINES][GD_NH];
  double rel[GD_NLINES][GD_NH];
  double h[GD_NH];
  double trunc, ell;
} gd_g7_result;

static void
gd_g7_accumulate (const gd_g7_work *w, const fc_obs *o, size_t k, int kept,
                  double scale, gd_g7_result *r)
{
  double l[GD_NLINES];
  for (size_t i = 0; i < w->n; i++)
    {
      gd_g7_lines (w, o, i, r->h[k], kept, scale, l);
      for (size_t j = 1; j < GD_NLINES; j++)
        if (j != GD_B0)
          {
            r->gap2[j][k] += gsl_pow_2 (l[j] - l[j - 1]);
            r->ref2[j][k] += gsl_pow_2 (l[j - 1]);
          }
    }
}

/* Every line at every step at the N points X of p_t(x|y), time T.  */
static int
gd_g7_time (const gd_case *cs, double t, const double *x, int kept,
            double scale, gd_g7_work *w, gd_g7_result *r)
{
  int status = GSL_SUCCESS;
  for (size_t k = 0; k < GD_NH && status == GSL_SUCCESS; k++)
    {
      status = gd_g7_fill (cs, t, r->h[k], x, w);
      if (status == GSL_SUCCESS)
        gd_g7_accumulate (w, cs->set->obs, k, kept, scale, r);
    }
  return status;
}

/* log p(y) = log h_0 (h_0 = p(y) at every x).  */
static int
gd_log_evidence (const gd_case *cs, double *logpy)
{
  double x0[GD_DIM_MAX] = { 0.0 };
  return gd_g7_logh (cs->set, cs->s, 0.0, 1, x0, logpy);
}

static int
gd_g7_run (const fc_run_options *opt, const gd_case *cs, int kept,
           double scale, gd_g7_result *r)
{
  size_t n = FC_SIZES (gd_sizes_plan, opt)->n_points, d = cs->set->dim;
  unsigned long seed = gd_case_seed (opt, GD_TAG_G7, cs);
  double *x = gd_alloc (n * d);
  gd_g7_work w;
  int status = gd_g7_work_alloc (&w, n, d);
  if (status == GSL_SUCCESS && x == NULL)
    status = GSL_ENOMEM;
  for (size_t k = 0; k < GD_NH; k++)
    r->h[k] = GD_H_MAX * pow (2.0, -(double) k);
  if (status == GSL_SUCCESS)
    status = gd_log_evidence (cs, &w.logpy);
  for (size_t j = 0; j < GD_NT && status == GSL_SUCCESS; j++)
    {
      status = gd_post_points (cs->set, cs->s, gd_times[j],
                               fc_rng_stream_seed (seed, j), n, x);
      if (status == GSL_SUCCESS)
        status = gd_g7_time (cs, gd_times[j], x, kept, scale, &w, r);
    }
  gd_g7_work_free (&w);
  free (x);
  return status;
}

/* The fitted order of line J's gap over the part of the ladder above the
   round-off floor of a central difference at the finest step,
   eps ell / h_min (fc_study_ladder_above_floor); NAN when fewer than
   three steps are above it.  */
static double
gd_g7_order (const gd_g7_result *r, size_t j)
{
  double floor = GSL_DBL_EPSILON * r->ell / r->h[GD_NH - 1], order, lc, se;
  size_t m = fc_study_ladder_above_floor (GD_NH, r->rel[j], floor);
  if (m < 3 || fc_fd_order_fit (m, r->h, r->rel[j], &order, &lc, &se))
    return NAN;
  return order;
}

static void
gd_g7_record (const gd_case *cs, const gd_g7_result *r, fc_verdict *v)
{
  char name[FC_VERDICT_NAME_LEN], prefix[16];
  for (size_t j = 1; j < GD_NLINES; j++)
    {
      if (j == GD_B0)
        continue;
      double gap = r->rel[j][GD_NH - 1];
      snprintf (prefix, sizeof prefix, "gap_%s", gd_line_names[j]);
      gd_case_name (name, sizeof name, prefix, cs);
      fc_verdict_decide (v, j == GD_A3 ? FC_TEST_HOLDS : FC_TEST_VALID, name,
                         gap, r->trunc, gap <= r->trunc);
    }
  for (size_t j = 1; j < GD_NLINES; j++)
    if (gd_line_differenced[j])
      {
        snprintf (prefix, sizeof prefix, "order_%s", gd_line_names[j]);
        gd_case_name (name, sizeof name, prefix, cs);
        fc_verdict_report (v, name, gd_g7_order (r, j), 2.0);
      }
}

static int
gd_g7_case (const fc_run_options *opt, const gd_case *cs, const void *params,
            fc_verdict *v)
{
  (void) params;
  int k = fc_control_variant (opt);
  gd_g7_result r = { .trunc = 0.0 };
  int status = fc_path_field_scale (cs->s, GD_NT, gd_times, &r.ell);
  if (status == GSL_SUCCESS)
    status = gd_g7_run (opt, cs, k == GD_G7_KEPT_LIKELIHOOD,
                        k == GD_G7_PERTURBED_LINES ? 1.0 + GD_G7_PERTURBATION
                                                   : 1.0,
                        &r);
  if (status)
    return status;
  for (size_t j = 1; j < GD_NLINES; j++)
    for (size_t s = 0; s < GD_NH; s++)
      r.rel[j][s] = j == GD_B0 ? NAN : sqrt (r.gap2[j][s] / r.ref2[j][s]);
  double hmin = r.h[GD_NH - 1];
  r.trunc = 2.0 * (1.0 + (double) cs->set->dim) * gsl_pow_2 (hmin / r.ell);
  gd_g7_record (cs, &r, v);
  return GSL_SUCCESS;
}

/* The first deciding figure of V that fails, NULL if none.  */
static const fc_metric *
gd_first_false (const fc_verdict *v)
{
  for (size_t k = 0; k < v->n_metrics; k++)
    if (v->metric[k].test != FC_TEST_NONE && !v->metric[k].pass)
      return &v->metric[k];
  return NULL;
}

int
gd_check_g7 (const fc_run_options *opt, fc_verdict *v)
{
  int status = gd_on_cases (opt, 1, gd_g7_case, NULL, v);
  if (status)
    return status;
  const fc_metric *m = gd_first_false (v);
  if (m == NULL)
    fc_verdict_note (v, "every line of both chains holds (gaps at most the "
                     "truncation scale at h_min)");
  else
    fc_verdict_note (v, "first false line: %s (gap %.3g, truncation scale "
                     "%.2g)%s", m->name, m->value, m->tolerance,
                     m->test == FC_TEST_HOLDS
                         ? ": a3 puts grad log p(y|x) for grad log p_t(y|x)"
                         : "");
  return GSL_SUCCESS;
}
