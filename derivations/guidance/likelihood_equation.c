/* derivations/guidance/likelihood_equation.c -- claim G2 (N §Conditional
 * vector field): the note's equation d/dt h = -div(h u) for the
 * likelihood h_t(x) = p_t(y|x), against the corrected
 *
 *   dh/dt + u . grad h + c_t (lap h + grad log p_t . grad h) = 0.
 *
 * Both are judged by the order rule of fc_study.h.  Controls: the corrected
 * equation, which the same rule must confirm, and the corrected equation
 * with its factor c_t replaced by 1 or by 0, which it must refute.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "fc_path.h"
#include "fc_rng.h"
#include "guidance_internal.h"

/* The points X shifted by +-H along each axis into XS: block b = 0 the
   points, b = 1 + 2j + k the points shifted by (-1)^k h e_j.  */
static void
gd_g2_stencil (size_t d, size_t n, const double *x, double h, double *xs)
{
  for (size_t b = 0; b < 1 + 2 * d; b++)
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < d; j++)
        {
          double sh = b > 0 && (b - 1) / 2 == j ? ((b - 1) % 2 ? -h : h) : 0.0;
          xs[(b * n + i) * d + j] = x[i * d + j] + sh;
        }
}

/* The residual R and the scale DP (n each) from log h at the stencil LH
   ((1 + 2D) n), log h at t +- h (HP, HM), u and s = grad log p_t (U, SC).  */
static void
gd_g2_combine (size_t d, size_t n, double c, double h, const double *lh,
               const double *hp, const double *hm, const double *u,
               const double *sc, double *r, double *dp)
{
  for (size_t i = 0; i < n; i++)
    {
      double h0 = exp (lh[i]), adv = 0.0, lap = 0.0, drift = 0.0;
      for (size_t j = 0; j < d; j++)
        {
          double hpj = exp (lh[(1 + 2 * j) * n + i]);
          double hmj = exp (lh[(2 + 2 * j) * n + i]);
          double g = (hpj - hmj) / (2.0 * h);
          adv += u[i * d + j] * g;
          drift += sc[i * d + j] * g;
          lap += (hpj - 2.0 * h0 + hmj) / (h * h);
        }
      dp[i] = (exp (hp[i]) - exp (hm[i])) / (2.0 * h);
      r[i] = dp[i] + adv + c * (lap + drift);
    }
}

/* The corrected equation's residual at the N points X, time T, step H:
     R = D_t h + u . D_x h + c (L_x h + s . D_x h),
   D central first differences, L the 2D+1-point Laplacian, h = exp(log h)
   exact, u and s = grad log p_t exact (fc_path).  Into R (n) and the scale
   D_t h into DP (n).  */
static int
gd_g2_residual (const gd_setting *set, fc_schedule s, double c, double t,
                double h, size_t n, const double *x, double *r, double *dp)
{
  size_t d = set->dim, nb = (1 + 2 * d) * n;
  double *xs = gd_alloc (nb * d), *lh = gd_alloc (nb);
  double *hp = gd_alloc (n), *hm = gd_alloc (n);
  double *u = gd_alloc (n * d), *sc = gd_alloc (n * d);
  int status = xs && lh && hp && hm && u && sc ? GSL_SUCCESS : GSL_ENOMEM;
  fc_guide_out op = { 0 }, om = { 0 }, o0 = { 0 };
  fc_path_out po = { 0 };
  op.logh = hp, om.logh = hm, o0.logh = lh;
  po.velocity = u, po.score = sc;
  if (status == GSL_SUCCESS)
    gd_g2_stencil (d, n, x, h, xs);
  if (status == GSL_SUCCESS)
    status = fc_guide_eval (set->prior, s, t + h, set->obs, n, x, &op);
  if (status == GSL_SUCCESS)
    status = fc_guide_eval (set->prior, s, t - h, set->obs, n, x, &om);
  if (status == GSL_SUCCESS)
    status = fc_guide_eval (set->prior, s, t, set->obs, nb, xs, &o0);
  if (status == GSL_SUCCESS)
    status = fc_path_eval_many (set->prior, s, t, n, x, &po);
  if (status == GSL_SUCCESS)
    gd_g2_combine (d, n, c, h, lh, hp, hm, u, sc, r, dp);
  free (xs), free (lh), free (hp), free (hm), free (u), free (sc);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the G2 residual", GSL_ENOMEM);
  return status;
}

/* Accumulate the corrected residual, factor C (NAN: c_t), into ST's pooled
   sums (fc_study.h: the struct is plain data; the same sums
   fc_order_study_accumulate keeps), so that fc_order_study_verdict judges
   it by the same rule.  */
static int
gd_g2_accumulate (fc_order_study *st, const gd_setting *set, fc_schedule s,
                  double c_factor, size_t j, size_t n, const double *x)
{
  double c = c_factor, *r = gd_alloc (n), *dp = gd_alloc (n);
  int status = r && dp ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS && isnan (c_factor))
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

/* The study NAME of the corrected equation under schedule S, factor C
   (NAN: c_t), points of p_t(x|y).  */
static int
gd_g2_corrected (const fc_run_options *opt, const gd_setting *set,
                 fc_schedule s, double c, const char *name, fc_order_study *st)
{
  size_t n = FC_SIZES (gd_sizes_plan, opt)->n_points;
  unsigned long seed = fc_module_seed (opt, GD_TAG_G2 + 1 + s);
  double *x = gd_alloc (n * set->dim); /* (n, D) */
  int status = x != NULL ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = gd_study_init (st, name, set->dim, s);
  for (size_t j = 0; j < GD_NT && status == GSL_SUCCESS; j++)
    {
      status = gd_post_points (set, s, gd_times[j], fc_rng_stream_seed (seed, j),
                               n, x);
      if (status == GSL_SUCCESS)
        status = gd_g2_accumulate (st, set, s, c, j, n, x);
    }
  if (status == GSL_SUCCESS)
    status = fc_order_study_verdict (st);
  free (x);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the G2 points", GSL_ENOMEM);
  return status;
}

/* The claim as stated: the note's equation (h_t with u_t as a
   density-field pair) decides; the corrected equation's studies, linear
   and cosine, are recorded beside it.  */
static int
gd_g2_note (const fc_run_options *opt, const gd_setting *set,
            const void *params, fc_verdict *v)
{
  (void) params;
  fc_order_study note, lin, cosn;
  int status = gd_pair_study (opt, set, GD_PAIR_NOTE, NAN, "note", GD_TAG_G2,
                              &note);
  if (status == GSL_SUCCESS)
    status = gd_g2_corrected (opt, set, FC_SCHEDULE_LINEAR, NAN,
                              "corrected_linear", &lin);
  if (status == GSL_SUCCESS)
    status = gd_g2_corrected (opt, set, FC_SCHEDULE_COSINE, NAN,
                              "corrected_cosine", &cosn);
  if (status)
    return status;
  fc_module_record_study (opt, v, &note);
  fc_module_record_study (opt, v, &lin);
  fc_module_record_study (opt, v, &cosn);
  gd_figures *fig = opt->figures;
  if (fig != NULL)
    fig->note = note, fig->corrected = lin, fig->have_g2 = 1;
  v->verdict = note.kind;
  fc_verdict_note (v, "note's dh/dt = -div(h u): rel(h_min) %.3g, order %.2f; "
                   "corrected: order %.3f linear, %.3f cosine (%s, %s)",
                   note.rel[GD_NH - 1], note.order, lin.order, cosn.order,
                   fc_verdict_name (lin.kind), fc_verdict_name (cosn.kind));
  return GSL_SUCCESS;
}

/* The controls: the corrected equation under schedule S with factor c
   (NAN: c_t) decides in place of the note's.  With c_t it holds, and the
   same order rule must confirm it; with c = 1 (right at t = 1/2 only: c_t =
   3, 1, 1/4 at the three linear times) or c = 0 (the note's equation
   rearranged, div(h u) = u . grad h + h div u, minus h div u) the residual
   must stall.  In the order of the variants GD_G2_CORRECTED,
   GD_G2_FACTOR_ONE, GD_G2_FACTOR_ZERO.  */
typedef struct
{
  fc_schedule s;
  double c;
  const char *name, *what;
} gd_g2_form;

static const gd_g2_form gd_g2_forms[] = {
  { FC_SCHEDULE_LINEAR, NAN, "corrected_linear",
    "dh/dt + u.grad h + c_t (lap h + grad log p_t . grad h), linear" },
  { FC_SCHEDULE_LINEAR, 1.0, "corrected_c1_linear",
    "dh/dt + u.grad h + (lap h + grad log p_t . grad h), linear" },
  { FC_SCHEDULE_COSINE, 0.0, "corrected_c0_cosine",
    "dh/dt + u.grad h, cosine" },
};

static int
gd_g2_control (const fc_run_options *opt, const gd_setting *set,
               const void *params, fc_verdict *v)
{
  const gd_g2_form *form = params;
  fc_order_study st;
  int status = gd_g2_corrected (opt, set, form->s, form->c, form->name, &st);
  if (status == GSL_SUCCESS)
    gd_study_decides (opt, &st, form->what, v);
  return status;
}

int
gd_check_g2 (const fc_run_options *opt, fc_verdict *v)
{
  int k = fc_control_variant (opt);
  if (k == GD_AS_STATED)
    return gd_on_line_setting (opt, gd_g2_note, NULL, v);
  return gd_on_line_setting (opt, gd_g2_control,
                             &gd_g2_forms[k - GD_G2_CORRECTED], v);
}
