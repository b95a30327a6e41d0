/* derivations/barycentric/identities.c -- the pointwise identities B1
 * (sum_k alpha_k g_k = x) and B2 (the note's u_0 = (x - sum_{k>1}
 * alpha_k u_k) / alpha_0) (N §Albergo et al. 2023).
 *
 * Each is judged at points drawn from rho(alpha): the error in units of
 * the round-off ladder times the condition number of the tuple
 * covariances (pointwise.c), a deciding figure that passes within the
 * ladder at every point and fails beyond it.  */
#include <config.h>

#include <math.h>
#include <stdio.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>

#include "barycentric_internal.h"
#include "fc_rng.h"

/* ------------------------------------------------------------------ B1 */

#define BC_B1_NALPHA 8 /* 4 interior, 3 near vertices, the vertex e_1 */

/* Control BC_B1_COEFFICIENT_OFF: alpha_0 in the sum raised by
   BC_B1_OFFSET = 1e-13 (450 eps).  Every point then errs by
   BC_B1_OFFSET |g_0| (g_0 = E[x_0 | x] is O(1) at every alpha, the vertex
   e_1 included), against the worst-case ladder L eps kappa M (L = 37 and
   16, kappa M ~ 3 .. 10 |g_0|): at the points where kappa M / |g_0| is
   smallest that is a few times the ladder, so the check must refute it.  */
#define BC_B1_OFFSET 1e-13

/* The largest error of x = sum_k c_k g_k at the points of W in round-off
   units (eps KAPPA M_i, M_i from the coefficients AL) into *UNITS, and
   relative to |x| into *REL (both raised, not reset).  */
static void
bc_b1_errors (const bc_pointwise *w, const double *al, const double *c,
              double kappa, double *units, double *rel)
{
  double e[BC_DMAX];
  for (size_t i = 0; i < w->n; i++)
    {
      for (size_t d = 0; d < w->dim; d++)
        {
          e[d] = -w->x[i * w->dim + d];
          for (size_t k = 0; k < w->nm; k++)
            e[d] += c[k] * w->g[(k * w->n + i) * w->dim + d];
        }
      double err = fc_study_norm (w->dim, e);
      *units = GSL_MAX (*units, err / (GSL_DBL_EPSILON * kappa
                                       * bc_pointwise_magnitude (w, al, i)));
      *rel = GSL_MAX (*rel, err / fc_study_norm (w->dim, w->x + i * w->dim));
    }
}

/* Problem P over its coefficient vectors: the largest errors in
   round-off units and relative to |x|, and the ladder L of the problem.
   OFFSET raises alpha_0 in the sum (the control).  */
static int
bc_b1_problem (const fc_run_options *opt, bc_problem p, double offset,
               double *units, double *ladder, double *rel)
{
  bc_pointwise w;
  double alpha[BC_B1_NALPHA * BC_NM];
  unsigned long seed = fc_module_seed (opt, BC_TAG_B1 + 16 * p);
  int status = bc_pointwise_alloc (&w, p, FC_SIZES (bc_sizes_plan, opt)->n_points);
  if (status == GSL_SUCCESS)
    status = bc_alphas (seed, w.nm, BC_B1_NALPHA, 1, alpha);
  *units = *rel = 0.0;
  *ladder = w.ladder;
  for (size_t a = 0; status == GSL_SUCCESS && a < BC_B1_NALPHA; a++)
    {
      const double *al = alpha + a * w.nm;
      double kappa, coef[BC_NM];
      for (size_t k = 0; k < w.nm; k++)
        coef[k] = al[k] + (k == 0 ? offset : 0.0);
      status = bc_pointwise_draw (&w, al, fc_rng_stream_seed (seed, a + 1),
                                  &kappa);
      if (status == GSL_SUCCESS)
        bc_b1_errors (&w, al, coef, kappa, units, rel);
    }
  bc_pointwise_free (&w);
  return status;
}

int
bc_check_b1 (const fc_run_options *opt, fc_verdict *v)
{
  double units[2], ladder[2], rel[2];
  int variant = fc_control_variant (opt), status = GSL_SUCCESS;
  double offset = variant == BC_B1_COEFFICIENT_OFF ? BC_B1_OFFSET : 0.0;
  for (int p = 0; p < 2 && status == GSL_SUCCESS; p++)
    status = bc_b1_problem (opt, (bc_problem) p, offset, &units[p],
                            &ladder[p], &rel[p]);
  if (status)
    return status;
  /* A pointwise identity (CATALOG.md): every point's error within the
     worst-case round-off ladder, in each problem.  */
  fc_verdict_decide (v, FC_TEST_HOLDS, "roundoff_units_planar", units[0],
                     ladder[0], units[0] <= ladder[0]);
  fc_verdict_decide (v, FC_TEST_HOLDS, "roundoff_units_line", units[1],
                     ladder[1], units[1] <= ladder[1]);
  fc_verdict_report (v, "max_rel_error_planar", rel[0], NAN);
  fc_verdict_report (v, "max_rel_error_line", rel[1], NAN);
  fc_verdict_note (v, "|sum_k alpha_k g_k - x| <= %.2g and %.2g eps kappa M "
                   "(ladders %.0f, %.0f) in 2-D and 1-D, interior and "
                   "near-vertex alpha",
                   units[0], units[1], ladder[0], ladder[1]);
  fc_module_progress (opt, "round-off units planar %.3g (L %.0f), line %.3g "
                      "(L %.0f)", units[0], ladder[0], units[1], ladder[1]);
  return GSL_SUCCESS;
}

/* ------------------------------------------------------------------ B2 */

/* The sweep alpha = (a0, (1 - a0) theta) towards the edge alpha_0 = 0. */
#define BC_B2_NSWEEP 8 /* a0 = 10^-1 .. 10^-8 */

/* The two forms of the note's identity a run measures.  The stated form
   sums from STATED_FIRST: 2 as written (k > 1), 1 in control
   BC_B2_SUM_FROM_K1 (the corrected k >= 1 put in its place, which must be
   confirmed).  The corrected form (k >= 1) is B1's identity divided by
   alpha_0, the check's evidence that it can confirm the note's identity
   once the sum is right; in control BC_B2_CORRECTED_OFF its alpha_1 is
   raised by BC_B1_OFFSET (an error BC_B1_OFFSET |g_1| / alpha_0, B1's
   control divided by alpha_0, a few times the ladder), so it must fail.  */
typedef struct
{
  size_t stated_first;
  double corrected_offset;
} bc_b2_forms;

typedef struct
{
  double units_stated, units_corrected;
  double rel_stated; /* rms |u_0 - g_0| / rms |g_0|, interior alpha only:
                        near alpha_0 = 0 the omitted alpha_1 g_1 / alpha_0
                        makes it arbitrarily large */
  double sweep_err[BC_B2_NSWEEP]; /* the corrected form's rms error */
} bc_b2_result;

/* u_0 from the note's identity, summing from FIRST (2: as written, k > 1;
   1: the corrected k >= 1) with alpha_1 raised by OFFSET, into S->b.  */
static void
bc_b2_u0 (const bc_pointwise *s, const double *alpha, size_t first,
          double offset)
{
  for (size_t i = 0; i < s->n; i++)
    for (size_t d = 0; d < s->dim; d++)
      {
        double acc = s->x[i * s->dim + d];
        for (size_t k = first; k < s->nm; k++)
          acc -= (alpha[k] + (k == 1 ? offset : 0.0))
                 * s->g[(k * s->n + i) * s->dim + d];
        s->b[i * s->dim + d] = acc / alpha[0];
      }
}

/* Largest error of u_0 (in S->b) against g_0 in round-off units
   (eps kappa M_i / alpha_0: the identity's ladder divided by alpha_0),
   the sum of squared errors SSE and of |g_0|^2 SSG.  */
static double
bc_b2_compare (const bc_pointwise *s, const double *alpha, double kappa,
               double *sse, double *ssg)
{
  double units = 0.0, e[BC_DMAX];
  for (size_t i = 0; i < s->n; i++)
    {
      for (size_t d = 0; d < s->dim; d++)
        e[d] = s->b[i * s->dim + d] - s->g[i * s->dim + d];
      double err = fc_study_norm (s->dim, e);
      units = GSL_MAX (units, err * alpha[0]
                                  / (GSL_DBL_EPSILON * kappa
                                     * bc_pointwise_magnitude (s, alpha, i)));
      *sse += err * err;
      *ssg += fc_study_sumsq (s->dim, s->g + i * s->dim);
    }
  return units;
}

/* The A-th coefficient vector of B2: the NA drawn ones (no vertex:
   alpha_0 > 0), then the sweep towards alpha_0 = 0 in the last slot.  */
static double *
bc_b2_alpha (double *alpha, size_t nm, size_t na, size_t a)
{
  static const double theta[BC_NM - 1] = { 0.618034, 0.381966 };
  double *al = alpha + (a < na ? a : na) * nm;
  if (a >= na)
    {
      al[0] = pow (10.0, -(double) (a - na + 1));
      for (size_t k = 1; k < nm; k++)
        al[k] = (1.0 - al[0]) * theta[k - 1];
    }
  return al;
}

/* Both forms at coefficient vector A (AL) of the problem S, points drawn
   already: the stated form's units and, for the interior draws, its
   squared errors into SW (sse, ssg); the corrected form's units, and its
   rms error on the sweep.  */
static void
bc_b2_forms_at (const bc_pointwise *s, const bc_b2_forms *f, const double *al,
                double kappa, size_t a, size_t na, bc_b2_result *res,
                double *sw)
{
  double sse = 0.0, ssg = 0.0, sse_a = 0.0, ssg_a = 0.0;
  bc_b2_u0 (s, al, f->stated_first, 0.0);
  res->units_stated = GSL_MAX (res->units_stated,
                               bc_b2_compare (s, al, kappa, &sse_a, &ssg_a));
  if (a < (na + 1) / 2) /* the interior draws of bc_alphas */
    sw[0] += sse_a, sw[1] += ssg_a;
  bc_b2_u0 (s, al, 1, f->corrected_offset);
  res->units_corrected = GSL_MAX (res->units_corrected,
                                  bc_b2_compare (s, al, kappa, &sse, &ssg));
  if (a >= na)
    res->sweep_err[a - na] = sqrt (sse / (double) s->n);
}

static int
bc_b2_problem (const fc_run_options *opt, bc_problem p, const bc_b2_forms *f,
               bc_b2_result *res, double *ladder)
{
  bc_pointwise s;
  size_t n = FC_SIZES (bc_sizes_plan, opt)->n_points, na = BC_B1_NALPHA - 1;
  double alpha[BC_B1_NALPHA * BC_NM], sw[2] = { 0.0, 0.0 };
  unsigned long seed = fc_module_seed (opt, BC_TAG_B2 + 64 * p);
  int status = bc_pointwise_alloc (&s, p, n);
  if (status == GSL_SUCCESS)
    status = bc_alphas (seed, s.nm, na, 0, alpha);
  *ladder = s.ladder;
  res->units_stated = res->units_corrected = 0.0;
  for (size_t a = 0; status == GSL_SUCCESS && a < na + BC_B2_NSWEEP; a++)
    {
      double *al = bc_b2_alpha (alpha, s.nm, na, a), kappa;
      status = bc_pointwise_draw (&s, al, fc_rng_stream_seed (seed, a + 1),
                                  &kappa);
      if (status == GSL_SUCCESS)
        bc_b2_forms_at (&s, f, al, kappa, a, na, res, sw);
    }
  res->rel_stated = sqrt (sw[0] / sw[1]);
  bc_pointwise_free (&s);
  return status;
}

/* The figures of both forms into V.  Deciding: the stated form within
   the ladder in both problems (HOLDS: as written it fails, and the claim
   is refuted), the corrected form within it (VALID: the same check
   confirms the identity once the sum runs over k >= 1).  Reported: the
   stated form's relative error, and the corrected form's growth as
   alpha_0 -> 0, which is round-off divided by alpha_0 at every step of the
   sweep (its error never leaves the round-off floor, so no exponent is
   judged: the fitted one, ~ -1, is reported only; it moves with the
   compiler's rounding and FMA).  */
static void
bc_b2_record (fc_verdict *v, const bc_b2_result *res, const double *ladder,
              double expo)
{
  static const char *const what[2] = { "planar", "line" };
  char m[FC_VERDICT_NAME_LEN];
  for (int p = 0; p < 2; p++)
    {
      snprintf (m, sizeof m, "roundoff_units_stated_%s", what[p]);
      fc_verdict_decide (v, FC_TEST_HOLDS, m, res[p].units_stated, ladder[p],
                         res[p].units_stated <= ladder[p]);
    }
  for (int p = 0; p < 2; p++)
    {
      snprintf (m, sizeof m, "roundoff_units_corrected_%s", what[p]);
      fc_verdict_decide (v, FC_TEST_VALID, m, res[p].units_corrected,
                         ladder[p], res[p].units_corrected <= ladder[p]);
    }
  fc_verdict_report (v, "rel_error_stated_planar", res[0].rel_stated, NAN);
  fc_verdict_report (v, "rel_error_stated_line", res[1].rel_stated, NAN);
  fc_verdict_report (v, "corrected_error_exponent_alpha0", expo, NAN);
  fc_verdict_report (v, "corrected_rms_error_alpha0_1e-8",
                     res[0].sweep_err[BC_B2_NSWEEP - 1], NAN);
}

int
bc_check_b2 (const fc_run_options *opt, fc_verdict *v)
{
  bc_b2_result res[2];
  double ladder[2], a0[BC_B2_NSWEEP];
  int variant = fc_control_variant (opt), status = GSL_SUCCESS;
  const bc_b2_forms f
      = { variant == BC_B2_SUM_FROM_K1 ? 1 : 2,
          variant == BC_B2_CORRECTED_OFF ? BC_B1_OFFSET : 0.0 };
  for (int p = 0; p < 2 && status == GSL_SUCCESS; p++)
    status = bc_b2_problem (opt, (bc_problem) p, &f, &res[p], &ladder[p]);
  if (status)
    return status;
  for (size_t j = 0; j < BC_B2_NSWEEP; j++)
    a0[j] = pow (10.0, -(double) (j + 1));
  double expo = bc_sweep_exponent (BC_B2_NSWEEP, a0, res[0].sweep_err);
  bc_b2_record (v, res, ladder, expo);
  fc_verdict_note (v, "stated form (%s) rel. error %.2g (2-D), %.2g (1-D); "
                   "corrected (k >= 1%s) within %.2g eps kappa M/alpha_0 "
                   "(L %.0f, %.0f), also at alpha_0 = 1e-8",
                   f.stated_first == 2 ? "k > 1, as written" : "k >= 1",
                   res[0].rel_stated, res[1].rel_stated,
                   f.corrected_offset != 0.0 ? ", alpha_1 + 1e-13" : "",
                   GSL_MAX (res[0].units_corrected, res[1].units_corrected),
                   ladder[0], ladder[1]);
  fc_module_progress (opt, "stated %.3g / %.3g units, corrected %.3g / "
                      "%.3g units; sweep rms error %.3g .. %.3g, exponent "
                      "%.3f (reported)",
                      res[0].units_stated, res[1].units_stated,
                      res[0].units_corrected, res[1].units_corrected,
                      res[0].sweep_err[0], res[0].sweep_err[BC_B2_NSWEEP - 1],
                      expo);
  return GSL_SUCCESS;
}
