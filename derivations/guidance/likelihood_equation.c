/* derivations/guidance/likelihood_equation.c -- claim G2 (N §Conditional
 * vector field): the note's equation d/dt h = -div(h u) for the
 * likelihood h_t(x) = p_t(y|x), against the corrected
 *
 *   dh/dt + u . grad h + c_t (lap h + grad log p_t . grad h) = 0,
 *
 * c_t = (alpha' sigma^2 - alpha sigma sigma')/alpha the guidance factor of
 * the schedule ((1-t)/t linear).  On every case (8gaussians and gmm3d,
 * linear, cosine and vp schedules) two order studies (fc_study.h):
 *
 *   equation_CASE   (holds)  the note's equation, h_t with u_t as a
 *                            density-field pair;
 *   corrected_CASE  (valid)  the corrected equation with c_t: the same
 *                            rule must confirm it.
 *
 * Controls: the corrected equation in the equation slot (CONFIRMED, flips
 * every equation figure); the corrected equation with c_t replaced by 1
 * or by 0 in the corrected slot (broken references: NONE, each flips every
 * corrected figure).  Each control measures only the slot it changes.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "fc_path.h"
#include "fc_rng.h"
#include "guidance_internal.h"

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
    gd_axis_stencil (d, n, x, h, xs);
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

/* The study NAME of the corrected equation of case CS, factor C (NAN:
   c_t), points of p_t(x|y) from the sub-stream GD_TAG_G2 + 1 of the case. */
static int
gd_g2_corrected (const fc_run_options *opt, const gd_case *cs, double c,
                 const char *name, fc_order_study *st)
{
  size_t n = FC_SIZES (gd_sizes_plan, opt)->n_points;
  unsigned long seed = gd_case_seed (opt, GD_TAG_G2 + 1, cs);
  double *x = gd_alloc (n * cs->set->dim); /* (n, D) */
  int status = x != NULL ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = gd_study_init (st, name, cs->set->dim, cs->s);
  for (size_t j = 0; j < GD_NT && status == GSL_SUCCESS; j++)
    {
      status = gd_post_points (cs->set, cs->s, gd_times[j],
                               fc_rng_stream_seed (seed, j), n, x);
      if (status == GSL_SUCCESS)
        status = gd_g2_accumulate (st, cs->set, cs->s, c, j, n, x);
    }
  if (status == GSL_SUCCESS)
    status = fc_order_study_verdict (st);
  free (x);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the G2 points", GSL_ENOMEM);
  return status;
}

/* The slot measured and the factor of the corrected equation there, per
   variant: as stated both slots (c_t); GD_G2_CORRECTED the equation slot
   with the corrected equation (c_t); GD_G2_FACTOR_ONE and
   GD_G2_FACTOR_ZERO the corrected slot with c = 1 (right only where
   c_t = 1: at t = 1/2 for linear, nowhere on the three times for cosine
   and vp) or c = 0 (the note's equation rearranged, div(h u) =
   u . grad h + h div u, minus h div u).  */
static double
gd_g2_factor (int variant)
{
  return variant == GD_G2_FACTOR_ONE ? 1.0
         : variant == GD_G2_FACTOR_ZERO ? 0.0
                                        : NAN;
}

static int
gd_g2_case (const fc_run_options *opt, const gd_case *cs, const void *params,
            fc_verdict *v)
{
  (void) params;
  int k = fc_control_variant (opt);
  char eq_name[FC_VERDICT_NAME_LEN], cor_name[FC_VERDICT_NAME_LEN];
  fc_order_study eq, cor;
  gd_case_name (eq_name, sizeof eq_name, "equation", cs);
  gd_case_name (cor_name, sizeof cor_name, "corrected", cs);
  int status = GSL_SUCCESS;
  if (k == GD_AS_STATED)
    status = gd_pair_study (opt, cs, GD_PAIR_NOTE, NAN, eq_name,
                            gd_case_seed (opt, GD_TAG_G2, cs), &eq);
  else if (k == GD_G2_CORRECTED)
    status = gd_g2_corrected (opt, cs, NAN, eq_name, &eq);
  if (status == GSL_SUCCESS && k != GD_G2_CORRECTED)
    status = gd_g2_corrected (opt, cs, gd_g2_factor (k), cor_name, &cor);
  if (status)
    return status;
  if (k == GD_AS_STATED || k == GD_G2_CORRECTED)
    fc_module_record_study (opt, v, &eq);
  if (k != GD_G2_CORRECTED)
    fc_module_record_study_as (opt, v, &cor, FC_TEST_VALID);
  gd_figures *fig = opt->figures;
  if (fig != NULL && k == GD_AS_STATED && gd_case_is_reference (cs))
    {
      fig->note = eq, fig->corrected = cor, fig->have_g2 = 1;
      fig->note.name = "note", fig->corrected.name = "corrected_linear";
    }
  return GSL_SUCCESS;
}

int
gd_check_g2 (const fc_run_options *opt, fc_verdict *v)
{
  int status = gd_on_cases (opt, FC_SCHEDULE_COUNT, gd_g2_case, NULL, v);
  if (status == GSL_SUCCESS)
    {
      static const char *const what[] = {
        [GD_G2_FACTOR_ONE] = "corrected slot with c = 1",
        [GD_G2_FACTOR_ZERO] = "corrected slot with c = 0",
      };
      int k = fc_control_variant (opt);
      gd_note_slots (v, "equation_",
                     k == GD_G2_CORRECTED
                         ? "equation slot: the corrected equation"
                         : "note's dh/dt = -div(h u)",
                     "corrected_",
                     k == GD_G2_FACTOR_ONE || k == GD_G2_FACTOR_ZERO
                         ? what[k]
                         : "corrected equation, c_t");
    }
  return status;
}
