/* derivations/guidance/note_gradient.c -- claim G5 (N §Guidance term):
 * the note's gradient (sigma_y^2 + gamma (1-t)^2/t^2 A A^T)^{-1}
 * (y - A x1hat) is grad_x log p_t(y|x).
 *
 * The gradient of log N(y; A x1hat, Sigma) (Sigma constant in x) is
 * J^T A^T Sigma^{-1} (y - A x1hat), J = d x1hat/dx: the note's vector lacks
 * J^T A^T.  It has the m entries of y, not the D of x: when m < D it is
 * not a gradient at all (a reported shape), and when m = D it points the
 * wrong way.  Decided at t = 1, where the corrected form is exact
 * (J = I, x1hat = x, Sigma = sigma_y^2 I = G: G4's limit) for every
 * schedule alike (alpha = 1, sigma = 0), so any error of the note's vector
 * there is the missing factor A^T alone:
 *   HOLDS  the note's vector against the exact gradient at t = 1, square A
 *          (m = D), on 8gaussians (D = 2) and gmm3d (D = 3): round-off;
 *   VALID  the corrected form at t = 1, in the square cases and in the
 *          non-square ones (m = 1 of D = 2, m = 2 of D = 3): round-off
 *          (the comparison can confirm a right gradient).
 * Reported: the error and angle of the note's vector along t (linear
 * schedule), the shapes of the non-square cases.
 *
 * Controls: the candidate replaced by the corrected form J^T A^T
 * Sigma^{-1}(y - A x1hat), G4's gradient (CONFIRMED); the corrected form
 * with its covariance's time factor dropped (Sigma = sigma_y^2 I
 * + gamma A A^T: wrong at t = 1), which the VALID figures must catch
 * (NONE).  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>

#include "fc_rng.h"
#include "guidance_internal.h"

/* The reconstruction gamma of the note's vector (any gamma: at t = 1 its
   covariance term vanishes).  */
#define GD_G5_GAMMA 1.0

#define GD_G5_NDATA 2
static const char *const gd_g5_data[GD_G5_NDATA] = { "8gaussians", "gmm3d" };
/* The non-square rows: those of G1-G4 (8gaussians) and G4 (gmm3d).  */
static const size_t gd_g5_rows_nonsquare[GD_G5_NDATA] = { 1, 2 };

typedef struct
{
  double err[GD_G4_NT];   /* the candidate, square A, along gd_g4_times */
  double angle[GD_G4_NT]; /* its mean angle to the exact gradient, degrees */
  double corrected_t1;    /* the corrected form at t = 1, square A */
  double corrected_t1_nonsquare;
  double roundoff;
  size_t m_nonsquare, dim;
} gd_g5_result;

/* The candidate of the run: the note's vector, or (control) G4's
   gradient; the corrected form, as stated or (control) broken.  */
typedef struct
{
  int jacobian;
  gd_cov_form corrected;
} gd_g5_plan;

/* Round-off of a relative gradient error where the forms agree (as G4's:
   32 K D eps).  */
static double
gd_g5_roundoff (const gd_setting *set)
{
  return 32.0 * (double) (set->prior->n_comp * set->dim) * GSL_DBL_EPSILON;
}

/* The candidate's error and angle at time I (square SET), and at t = 1
   the corrected form's error.  */
static int
gd_g5_time (const gd_setting *set, const gd_g5_plan *plan, size_t i,
            gd_grad_work *w, gd_g5_result *r)
{
  double t = gd_g4_times[i];
  int status = gd_exact_grad (set, FC_SCHEDULE_LINEAR, t, w->n, w->x, w->ge);
  if (status == GSL_SUCCESS)
    status = gd_approx_grad (set, FC_SCHEDULE_LINEAR, t,
                             FC_GUIDE_LIK_RECONSTRUCTION, GD_G5_GAMMA,
                             GD_COV_STATED, w->n, w->x, w->ga, w->nv);
  if (status)
    return status;
  const double *cand = plan->jacobian ? w->ga : w->nv;
  r->err[i] = gd_rel_error (w->n, w->d, cand, w->ge);
  r->angle[i] = gd_mean_angle (w->n, w->d, cand, w->ge);
  if (i < GD_G4_NT - 1)
    return GSL_SUCCESS;
  status = gd_approx_grad (set, FC_SCHEDULE_LINEAR, t,
                           FC_GUIDE_LIK_RECONSTRUCTION, GD_G5_GAMMA,
                           plan->corrected, w->n, w->x, w->ga, NULL);
  r->corrected_t1 = gd_rel_error (w->n, w->d, w->ga, w->ge);
  return status;
}

/* The square case of data set I: A (D, D), the G5 sub-stream of the
   setting (8gaussians: the draws the claim always had).  */
static int
gd_g5_square (const fc_run_options *opt, const gd_g5_plan *plan, size_t i,
              gd_g5_result *r)
{
  unsigned long seed = fc_module_seed (opt, GD_TAG_G5 + 0x100 * i);
  gd_setting set;
  gd_grad_work w;
  fc_gmm *prior = gd_data_set (gd_g5_data[i]);
  size_t d = prior != NULL ? prior->dim : 1;
  int status = gd_setting_init_prior (
      &set, prior, fc_module_seed (opt, GD_TAG_SQUARE), d, GD_SIGMA_Y);
  if (status)
    return status;
  r->roundoff = gd_g5_roundoff (&set);
  r->dim = d;
  status = gd_grad_work_alloc (&w, FC_SIZES (gd_sizes_plan, opt)->n_points, d);
  for (size_t k = 0; k < GD_G4_NT && status == GSL_SUCCESS; k++)
    {
      status = gd_post_points (&set, FC_SCHEDULE_LINEAR, gd_g4_times[k],
                               fc_rng_stream_seed (seed, k), w.n, w.x);
      if (status == GSL_SUCCESS)
        status = gd_g5_time (&set, plan, k, &w, r);
    }
  gd_grad_work_free (&w);
  gd_setting_free (&set);
  return status;
}

/* The non-square case of data set I (the rows of G4, the setting's
   sub-stream): the corrected form at t = 1 only, the note's vector having
   m entries where a gradient has D.  */
static int
gd_g5_nonsquare (const fc_run_options *opt, const gd_g5_plan *plan, size_t i,
                 gd_g5_result *r)
{
  unsigned long seed = fc_module_seed (opt, GD_TAG_G5 + 0x100 * i + 0x80);
  gd_setting set;
  gd_grad_work w;
  int status = gd_setting_init_data (&set, gd_g5_data[i],
                                     fc_module_seed (opt, GD_TAG_SETTING),
                                     gd_g5_rows_nonsquare[i], GD_SIGMA_Y);
  if (status)
    return status;
  r->m_nonsquare = set.obs->m;
  status = gd_grad_work_alloc (&w, FC_SIZES (gd_sizes_plan, opt)->n_points,
                               set.dim);
  if (status == GSL_SUCCESS)
    status = gd_post_points (&set, FC_SCHEDULE_LINEAR, 1.0, seed, w.n, w.x);
  if (status == GSL_SUCCESS)
    status = gd_exact_grad (&set, FC_SCHEDULE_LINEAR, 1.0, w.n, w.x, w.ge);
  if (status == GSL_SUCCESS)
    status = gd_approx_grad (&set, FC_SCHEDULE_LINEAR, 1.0,
                             FC_GUIDE_LIK_RECONSTRUCTION, GD_G5_GAMMA,
                             plan->corrected, w.n, w.x, w.ga, NULL);
  r->corrected_t1_nonsquare = gd_rel_error (w.n, w.d, w.ga, w.ge);
  gd_grad_work_free (&w);
  gd_setting_free (&set);
  return status;
}

static void
gd_g5_progress (const fc_run_options *opt, const gd_g5_result *r,
                const char *cand)
{
  for (size_t i = 0; i < GD_G5_NDATA; i++)
    for (size_t k = 0; k < GD_G4_NT; k++)
      fc_module_progress (opt, "%s, square A: t = %-5g %s vector: rel error "
                          "%.3g, mean angle %.1f deg", gd_g5_data[i],
                          gd_g4_times[k], cand, r[i].err[k], r[i].angle[k]);
}

/* The deciding figures: the candidate at t = 1 per data set (HOLDS), the
   corrected form at t = 1 over the square and over the non-square cases
   (VALID: the largest error against the smallest round-off bound).  */
static void
gd_g5_decide (const gd_g5_result *r, fc_verdict *v)
{
  char name[FC_VERDICT_NAME_LEN];
  double sq = 0.0, nsq = 0.0, ro = GSL_POSINF;
  for (size_t i = 0; i < GD_G5_NDATA; i++)
    {
      double e = r[i].err[GD_G4_NT - 1];
      snprintf (name, sizeof name, "grad_err_t1_%s_square", gd_g5_data[i]);
      fc_verdict_decide (v, FC_TEST_HOLDS, name, e, r[i].roundoff,
                         e <= r[i].roundoff);
      sq = GSL_MAX (sq, r[i].corrected_t1);
      nsq = GSL_MAX (nsq, r[i].corrected_t1_nonsquare);
      ro = GSL_MIN (ro, r[i].roundoff);
    }
  fc_verdict_decide (v, FC_TEST_VALID, "corrected_err_t1_square", sq, ro,
                     sq <= ro);
  fc_verdict_decide (v, FC_TEST_VALID, "corrected_err_t1_nonsquare", nsq, ro,
                     nsq <= ro);
}

static void
gd_g5_report (const gd_g5_result *r, fc_verdict *v)
{
  char name[FC_VERDICT_NAME_LEN];
  static const size_t show[3] = { 0, 6, GD_G4_NT - 1 }; /* t = 0.02, 0.5, 1 */
  for (size_t k = 0; k < 2; k++)
    {
      snprintf (name, sizeof name, "grad_err_t%g", gd_g4_times[show[k]]);
      fc_verdict_report (v, name, r[0].err[show[k]], NAN);
    }
  for (size_t k = 0; k < 3; k++)
    {
      snprintf (name, sizeof name, "angle_deg_t%g", gd_g4_times[show[k]]);
      fc_verdict_report (v, name, r[0].angle[show[k]], NAN);
    }
  fc_verdict_report (v, "grad_err_t0.5_gmm3d", r[1].err[6], NAN);
  fc_verdict_report (v, "angle_deg_t1_gmm3d", r[1].angle[GD_G4_NT - 1], NAN);
  /* The shapes: the note's expression has the m entries of y, a gradient
     the D of x.  */
  for (size_t i = 0; i < GD_G5_NDATA; i++)
    {
      snprintf (name, sizeof name, "nonsquare_%s_note_entries_m",
                gd_g5_data[i]);
      fc_verdict_report (v, name, (double) r[i].m_nonsquare, NAN);
      snprintf (name, sizeof name, "nonsquare_%s_grad_entries_D",
                gd_g5_data[i]);
      fc_verdict_report (v, name, (double) r[i].dim, NAN);
    }
}

int
gd_check_g5 (const fc_run_options *opt, fc_verdict *v)
{
  int variant = fc_control_variant (opt);
  gd_g5_plan plan = { variant == GD_G5_JACOBIAN_FORM,
                      variant == GD_G5_NO_TIME_FACTOR ? GD_COV_NO_TIME_FACTOR
                                                      : GD_COV_STATED };
  const char *cand = plan.jacobian ? "J^T A^T Sigma^-1 (y - A x1hat)"
                                   : "note's";
  gd_g5_result r[GD_G5_NDATA];
  memset (r, 0, sizeof r);
  int status = GSL_SUCCESS;
  for (size_t i = 0; i < GD_G5_NDATA && status == GSL_SUCCESS; i++)
    {
      status = gd_g5_square (opt, &plan, i, &r[i]);
      if (status == GSL_SUCCESS)
        status = gd_g5_nonsquare (opt, &plan, i, &r[i]);
    }
  if (status)
    return status;
  gd_g5_progress (opt, r, cand);
  gd_g5_decide (r, v);
  gd_g5_report (r, v);
  fc_verdict_note (v, "%s vector, square A: rel error %.3g (t=0.02) .. %.3g "
                   "(t=1) on 8gaussians, %.3g at t=1 on gmm3d; corrected form "
                   "at t=1 %.1e (square), %.1e (m < D, where the note's "
                   "vector has m entries, not D)", cand, r[0].err[0],
                   r[0].err[GD_G4_NT - 1], r[1].err[GD_G4_NT - 1],
                   GSL_MAX (r[0].corrected_t1, r[1].corrected_t1),
                   GSL_MAX (r[0].corrected_t1_nonsquare,
                            r[1].corrected_t1_nonsquare));
  return GSL_SUCCESS;
}
