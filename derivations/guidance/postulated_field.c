/* derivations/guidance/postulated_field.c -- claim G1 (N §Conditional
 * vector field): the postulate u_t(.|y) = u_t + c grad_x log p(y|x), the
 * likelihood evaluated at x, generates the posterior path p_t(x|y).
 *
 * On every case (8gaussians and gmm3d, linear, cosine and vp schedules)
 * two order studies of the continuity residual of p_t(x|y) (fc_study.h):
 *
 *   field_CASE  (holds)  the postulate with the least-squares best c(t) at
 *                        each time: the most favourable rescaling, so if it
 *                        fails every c(t) fails, c = 1 included;
 *   exact_CASE  (valid)  the exact guided field u_t + c_t grad log p_t(y|x)
 *                        (the posterior path's velocity, S6): the same rule
 *                        must confirm it, or the check cannot decide.
 *
 * Controls: the exact guided field in the field slot (the corrected form:
 * CONFIRMED, flips every field figure); the exact guided field with c_t
 * replaced by 1 in the exact slot (a broken reference: NONE, flips every
 * exact figure).  Each control measures only the slot it changes.  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_fd.h"
#include "fc_rng.h"
#include "guidance_internal.h"

/* What a case measures in each slot.  */
typedef struct
{
  fc_order_study field, exact, unit; /* unit: c = 1, for the figure */
  char field_name[FC_VERDICT_NAME_LEN], exact_name[FC_VERDICT_NAME_LEN];
  double c_best[GD_NT];
  double rel_best[GD_NT]; /* rel residual at h_min left with c(t_j) */
  double rel_zero[GD_NT]; /* ... with c = 0 (the prior field alone) */
} gd_g1_result;

/* The least-squares C of R0 + c D over N points, D = R1 - R0, and the
   relative residuals it leaves (*REL) and that c = 0 leaves (*REL0),
   against the scale DP.  */
static void
gd_g1_fit_c (size_t n, const double *r0, const double *r1, const double *dp,
             double *c, double *rel, double *rel0)
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

/* The residual is affine in c: R(c) = R0 + c D, D = R(1) - R(0) (same
   points, same step), so the least-squares c is -<R0, D> / <D, D> and the
   residual it leaves is R0 + c D.  Measured at h_min.  */
static int
gd_g1_best_c (const gd_case *cs, double t, size_t n, const double *x,
              double *c, double *rel, double *rel0)
{
  const gd_setting *set = cs->set;
  double *r0 = gd_alloc (n), *r1 = gd_alloc (n), *dp = gd_alloc (n);
  double h = GD_H_MAX * pow (2.0, -(GD_NH - 1));
  gd_pair par = { set, cs->s, GD_PAIR_POSTULATE, 0.0 };
  int status = r0 && r1 && dp ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = fc_fd_continuity_residual (gd_pair_field, &par, set->dim, t, h, n,
                                        x, r0, dp);
  par.c = 1.0;
  if (status == GSL_SUCCESS)
    status = fc_fd_continuity_residual (gd_pair_field, &par, set->dim, t, h, n,
                                        x, r1, NULL);
  if (status == GSL_SUCCESS)
    gd_g1_fit_c (n, r0, r1, dp, c, rel, rel0);
  free (r0), free (r1), free (dp);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the best-c residuals", GSL_ENOMEM);
  return status;
}

/* Time J of the field slot at the N points X of p_t(x|y): the best c
   there, then the study with it (and with c = 1 when WITH_UNIT).  */
static int
gd_g1_accumulate (const gd_case *cs, size_t j, size_t n, const double *x,
                  int with_unit, gd_g1_result *res)
{
  gd_pair par = { cs->set, cs->s, GD_PAIR_POSTULATE, 1.0 };
  int status = with_unit ? fc_order_study_accumulate (&res->unit,
                                                      gd_pair_field, &par, j,
                                                      n, x)
                         : GSL_SUCCESS;
  if (status == GSL_SUCCESS)
    status = gd_g1_best_c (cs, gd_times[j], n, x, &res->c_best[j],
                           &res->rel_best[j], &res->rel_zero[j]);
  par.c = res->c_best[j];
  if (status == GSL_SUCCESS)
    status = fc_order_study_accumulate (&res->field, gd_pair_field, &par, j,
                                        n, x);
  return status;
}

/* The field slot as stated: the postulate with its best c(t), points of
   p_t(x|y) from the sub-stream GD_TAG_G1 of the case.  */
static int
gd_g1_postulate (const fc_run_options *opt, const gd_case *cs, int with_unit,
                 gd_g1_result *res)
{
  size_t n = FC_SIZES (gd_sizes_plan, opt)->n_points;
  unsigned long seed = gd_case_seed (opt, GD_TAG_G1, cs);
  double *x = gd_alloc (n * cs->set->dim); /* (n, D) */
  int status = x != NULL ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = gd_study_init (&res->field, res->field_name, cs->set->dim, cs->s);
  if (status == GSL_SUCCESS && with_unit)
    status = gd_study_init (&res->unit, "c1", cs->set->dim, cs->s);
  for (size_t j = 0; j < GD_NT && status == GSL_SUCCESS; j++)
    {
      status = gd_post_points (cs->set, cs->s, gd_times[j],
                               fc_rng_stream_seed (seed, j), n, x);
      if (status == GSL_SUCCESS)
        status = gd_g1_accumulate (cs, j, n, x, with_unit, res);
    }
  if (status == GSL_SUCCESS)
    status = fc_order_study_verdict (&res->field);
  if (status == GSL_SUCCESS && with_unit)
    status = fc_order_study_verdict (&res->unit);
  free (x);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the G1 points", GSL_ENOMEM);
  return status;
}

static void
gd_g1_progress (const fc_run_options *opt, const gd_case *cs,
                const gd_g1_result *r)
{
  for (size_t j = 0; j < GD_NT; j++)
    {
      double c_t;
      fc_guide_factor (cs->s, gd_times[j], &c_t);
      fc_module_progress (opt, "%s t = %g: best c %.4g (c_t = %.4g); rel "
                          "residual %.3g with c = 0, %.3g with the best c",
                          r->field_name, gd_times[j], r->c_best[j], c_t,
                          r->rel_zero[j], r->rel_best[j]);
    }
}

/* The exact guided field with factor C (NAN: c_t) in the exact slot, its
   points from the sub-stream GD_TAG_EXACT_FIELD of the case.  */
static int
gd_g1_exact (const fc_run_options *opt, const gd_case *cs, double c,
             const char *name, fc_order_study *st)
{
  return gd_pair_study (opt, cs, GD_PAIR_SPLIT, c, name,
                        gd_case_seed (opt, GD_TAG_EXACT_FIELD, cs), st);
}

/* guidance-residual draws the reference case's three studies.  */
static void
gd_g1_store (const fc_run_options *opt, const gd_g1_result *r)
{
  gd_figures *fig = opt->figures;
  fig->unit = r->unit;
  fig->best = r->field;
  fig->exact_field = r->exact;
  fig->unit.name = "c1", fig->best.name = "best_c";
  fig->exact_field.name = "exact_guidance";
  fig->have_g1 = 1;
}

/* The slots of case CS the run measures (as stated both; a control the
   one it changes) into V.  */
static int
gd_g1_case (const fc_run_options *opt, const gd_case *cs, const void *params,
            fc_verdict *v)
{
  (void) params;
  int k = fc_control_variant (opt);
  int with_unit = opt->figures != NULL && gd_case_is_reference (cs);
  gd_g1_result r;
  gd_case_name (r.field_name, sizeof r.field_name, "field", cs);
  gd_case_name (r.exact_name, sizeof r.exact_name, "exact", cs);
  int status = GSL_SUCCESS;
  if (k == GD_AS_STATED)
    status = gd_g1_postulate (opt, cs, with_unit, &r);
  else if (k == GD_G1_EXACT_GUIDANCE)
    status = gd_pair_study (opt, cs, GD_PAIR_SPLIT, NAN, r.field_name,
                            gd_case_seed (opt, GD_TAG_G1, cs), &r.field);
  if (status == GSL_SUCCESS && k != GD_G1_EXACT_GUIDANCE)
    status = gd_g1_exact (opt, cs, k == GD_G1_EXACT_UNIT_FACTOR ? 1.0 : NAN,
                          r.exact_name, &r.exact);
  if (status)
    return status;
  if (k != GD_G1_EXACT_UNIT_FACTOR)
    fc_module_record_study (opt, v, &r.field);
  if (k != GD_G1_EXACT_GUIDANCE)
    fc_module_record_study_as (opt, v, &r.exact, FC_TEST_VALID);
  if (k == GD_AS_STATED)
    gd_g1_progress (opt, cs, &r);
  if (with_unit && k == GD_AS_STATED)
    gd_g1_store (opt, &r);
  return GSL_SUCCESS;
}

int
gd_check_g1 (const fc_run_options *opt, fc_verdict *v)
{
  int status = gd_on_cases (opt, FC_SCHEDULE_COUNT, gd_g1_case, NULL, v);
  if (status == GSL_SUCCESS)
    {
      int k = fc_control_variant (opt);
      gd_note_slots (v, "field_",
                     k == GD_G1_EXACT_GUIDANCE
                         ? "field slot: u_t + c_t grad log p_t(y|x)"
                         : "postulate, best c(t)",
                     "exact_",
                     k == GD_G1_EXACT_UNIT_FACTOR
                         ? "exact slot: u_t + grad log p_t(y|x)"
                         : "u_t + c_t grad log p_t(y|x)");
    }
  return status;
}
