/* derivations/guidance/reconstruction.c -- claims G4 and G5 (N §Guidance
 * term): the gradients of the approximate likelihoods against the exact
 * grad_x log p_t(y|x) (fc_guide_eval) at points of p_t(x|y).
 *
 *  G4  reconstruction guidance N(y | A x1hat, sigma_y^2 I + gamma
 *      (1-t)^2/t^2 A A^T) and the Tweedie covariance, gradient
 *      J^T A^T Sigma^{-1} (y - A x1hat): relative error against t and
 *      gamma.  Control: a single-Gaussian prior with the Tweedie
 *      covariance, where the approximation is exact.
 *  G5  the note's vector Sigma^{-1} (y - A x1hat), which lacks J^T A^T.
 *      Control: the vector with that factor, G4's gradient.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>

#include "fc_fd.h"
#include "fc_rng.h"
#include "guidance_internal.h"

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

/* Mean angle in degrees between the rows of A and E (n, D). */
static double
gd_mean_angle (size_t n, size_t d, const double *a, const double *e)
{
  double sum = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      const double *p = a + i * d, *q = e + i * d;
      double dot = 0.0;
      for (size_t j = 0; j < d; j++)
        dot += p[j] * q[j];
      double c = dot / (fc_study_norm (d, p) * fc_study_norm (d, q));
      sum += acos (GSL_MAX (-1.0, GSL_MIN (1.0, c)));
    }
  return sum / (double) n * 180.0 / M_PI;
}

/* The exact gradient into GE (when not NULL), and the approximate G4
   gradient of KIND and GAMMA into GA and the note's vector into NOTE (when
   not NULL), at the N points X and time T.  */
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

/* Scratch of the gradient studies: points, exact and approximate
   gradients, the note's vector (n, D) each.  */
typedef struct
{
  size_t n, d;
  double *x, *ge, *ga, *nv;
} gd_grad_work;

static int
gd_grad_work_alloc (gd_grad_work *w, size_t n, size_t d)
{
  w->n = n, w->d = d;
  w->x = gd_alloc (n * d), w->ge = gd_alloc (n * d);
  w->ga = gd_alloc (n * d), w->nv = gd_alloc (n * d);
  if (w->x && w->ge && w->ga && w->nv)
    return GSL_SUCCESS;
  GSL_ERROR ("no memory for the gradient study", GSL_ENOMEM);
}

/* Free the scratch W, also after a failed gd_grad_work_alloc.  */
static void
gd_grad_work_free (gd_grad_work *w)
{
  free (w->x), free (w->ge), free (w->ga), free (w->nv);
}

/* ------------------------------------------------------------------- G4 */

typedef struct
{
  double err[GD_G4_NT][GD_G4_NG]; /* reconstruction, per t and gamma */
  double tweedie[GD_G4_NT];
  size_t best[GD_G4_NT];          /* index of the best gamma */
  double power[GD_G4_NG + 1];     /* fitted decay, tweedie last */
  double emax, e1, pmin;          /* what decides (gd_g4_decide) */
} gd_g4_result;

/* The decay power of the errors ERR (GD_G4_NT) over the fitted times.  */
static int
gd_g4_fit (const double *err, double *power)
{
  double gap[GD_G4_FIT_N], e[GD_G4_FIT_N], lc, se;
  for (size_t k = 0; k < GD_G4_FIT_N; k++)
    {
      gap[k] = 1.0 - gd_g4_times[GD_G4_FIT_FIRST + k];
      e[k] = err[GD_G4_FIT_FIRST + k];
    }
  return fc_fd_order_fit (GD_G4_FIT_N, gap, e, power, &lc, &se);
}

/* APPROXIMATE: the error is beyond round-off somewhere, exact (round-off)
   at t = 1 and decaying towards it (every fitted power >= 1).  CONFIRMED
   if it were at round-off everywhere (then there is no decay to fit: the
   powers of round-off noise mean nothing); REFUTED if it did not vanish as
   t -> 1.  */
static fc_verdict_kind
gd_g4_decide (const gd_g4_result *r)
{
  int exact = r->emax <= GD_ROUNDOFF;
  int vanishes = r->e1 <= GD_ROUNDOFF && (exact || r->pmin >= GD_G4_POWER_MIN);
  return !vanishes ? FC_VERDICT_REFUTED
         : exact   ? FC_VERDICT_CONFIRMED
                   : FC_VERDICT_APPROXIMATE;
}

/* Time I of the claim: every gamma and the Tweedie covariance.  */
static int
gd_g4_time (const gd_setting *set, size_t i, gd_grad_work *w, gd_g4_result *r)
{
  double t = gd_g4_times[i];
  int status = GSL_SUCCESS;
  r->best[i] = 0;
  for (size_t g = 0; g < GD_G4_NG && status == GSL_SUCCESS; g++)
    {
      status = gd_grads (set, t, w->n, w->x, FC_GUIDE_LIK_RECONSTRUCTION,
                         gd_g4_gammas[g], w->ga, NULL, g == 0 ? w->ge : NULL);
      r->err[i][g] = gd_rel_error (w->n, w->d, w->ga, w->ge);
      if (r->err[i][g] < r->err[i][r->best[i]])
        r->best[i] = g;
    }
  if (status == GSL_SUCCESS)
    status = gd_grads (set, t, w->n, w->x, FC_GUIDE_LIK_TWEEDIE, 0.0, w->ga,
                       NULL, NULL);
  r->tweedie[i] = gd_rel_error (w->n, w->d, w->ga, w->ge);
  return status;
}

/* The largest error, the largest at t = 1 and the smallest decay power. */
static void
gd_g4_summarise (gd_g4_result *r)
{
  r->emax = 0.0, r->e1 = r->tweedie[GD_G4_NT - 1], r->pmin = GSL_POSINF;
  for (size_t i = 0; i < GD_G4_NT; i++)
    for (size_t g = 0; g < GD_G4_NG; g++)
      {
        r->emax = GSL_MAX (r->emax, r->err[i][g]);
        if (i == GD_G4_NT - 1)
          r->e1 = GSL_MAX (r->e1, r->err[i][g]);
      }
  for (size_t w = 0; w <= GD_G4_NG; w++)
    r->pmin = GSL_MIN (r->pmin, r->power[w]);
}

static int
gd_g4_run (const fc_run_options *opt, const gd_setting *set, gd_g4_result *r)
{
  unsigned long seed = fc_module_seed (opt, GD_TAG_G4);
  gd_grad_work w;
  int status = gd_grad_work_alloc (&w, FC_SIZES (gd_sizes_plan, opt)->n_points,
                                   set->dim);
  for (size_t i = 0; i < GD_G4_NT && status == GSL_SUCCESS; i++)
    {
      status = gd_post_points (set, FC_SCHEDULE_LINEAR, gd_g4_times[i],
                               fc_rng_stream_seed (seed, i), w.n, w.x);
      if (status == GSL_SUCCESS)
        status = gd_g4_time (set, i, &w, r);
    }
  for (size_t g = 0; g < GD_G4_NG && status == GSL_SUCCESS; g++)
    {
      double err[GD_G4_NT];
      for (size_t i = 0; i < GD_G4_NT; i++)
        err[i] = r->err[i][g];
      status = gd_g4_fit (err, &r->power[g]);
    }
  if (status == GSL_SUCCESS)
    status = gd_g4_fit (r->tweedie, &r->power[GD_G4_NG]);
  if (status == GSL_SUCCESS)
    gd_g4_summarise (r);
  gd_grad_work_free (&w);
  return status;
}

static void
gd_g4_record (const fc_run_options *opt, const gd_g4_result *r, fc_verdict *v)
{
  for (size_t i = 0; i < GD_G4_NT; i++)
    fc_module_progress (opt, "t = %-5g rel grad error gamma 0 %.3g, 0.1 %.3g, "
                        "0.5 %.3g, 1 %.3g, 2 %.3g; tweedie %.3g; best gamma %g",
                        gd_g4_times[i], r->err[i][0], r->err[i][1],
                        r->err[i][2], r->err[i][3], r->err[i][4],
                        r->tweedie[i], gd_g4_gammas[r->best[i]]);
  static const size_t show[3] = { 0, 6, 10 }; /* t = 0.02, 0.5, 0.9 */
  for (size_t k = 0; k < 3; k++)
    {
      char name[FC_VERDICT_NAME_LEN];
      size_t i = show[k];
      snprintf (name, sizeof name, "err_gamma1_t%g", gd_g4_times[i]);
      fc_verdict_add (v, name, r->err[i][3], NAN);
      snprintf (name, sizeof name, "err_gamma0_t%g", gd_g4_times[i]);
      fc_verdict_add (v, name, r->err[i][0], NAN);
      snprintf (name, sizeof name, "err_tweedie_t%g", gd_g4_times[i]);
      fc_verdict_add (v, name, r->tweedie[i], NAN);
      snprintf (name, sizeof name, "best_gamma_t%g", gd_g4_times[i]);
      fc_verdict_add (v, name, gd_g4_gammas[r->best[i]], NAN);
    }
  fc_verdict_add (v, "err_max", r->emax, GD_ROUNDOFF);
  fc_verdict_add (v, "err_t1_max", r->e1, GD_ROUNDOFF);
  fc_verdict_add (v, "decay_power_gamma0", r->power[0], GD_G4_POWER_MIN);
  fc_verdict_add (v, "decay_power_gamma1", r->power[3], GD_G4_POWER_MIN);
  fc_verdict_add (v, "decay_power_tweedie", r->power[GD_G4_NG],
                  GD_G4_POWER_MIN);
  fc_verdict_add (v, "decay_power_min", r->pmin, GD_G4_POWER_MIN);
}

/* The claim as stated: the 8gaussians prior, every gamma and the Tweedie
   covariance.  */
static int
gd_g4_claim (const fc_run_options *opt, const gd_setting *set,
             const void *params, fc_verdict *v)
{
  gd_g4_result r;
  (void) params;
  int status = gd_g4_run (opt, set, &r);
  if (status)
    return status;
  gd_g4_record (opt, &r, v);
  v->verdict = gd_g4_decide (&r);
  fc_verdict_note (v, "rel grad error at t=0.02: gamma 1 %.3g, tweedie %.3g; at "
                   "t=0.98: %.2g, %.2g; ~(1-t)^%.2f or faster; %.1e at t=1",
                   r.err[0][3], r.tweedie[0], r.err[GD_G4_NT - 2][3],
                   r.tweedie[GD_G4_NT - 2], r.pmin, r.e1);
  return GSL_SUCCESS;
}

/* The control: one Gaussian prior (gd_gaussian_prior), whose Cov[x1|x_t]
   does not depend on x, so that J^T A^T Sigma^{-1} (y - A x1hat) with the
   Tweedie Sigma is grad log p_t(y|x) exactly; the family judged is that
   likelihood alone.  Its error is then round-off at every t, and the same
   rule must confirm it.  */
static int
gd_g4_gaussian (const fc_run_options *opt, fc_verdict *v)
{
  gd_setting set;
  gd_g4_result r = { .emax = 0.0 };
  gd_grad_work w;
  unsigned long seed = fc_module_seed (opt, GD_TAG_G4);
  int status = gd_setting_init_prior (&set, gd_gaussian_prior (),
                                      fc_module_seed (opt, GD_TAG_SETTING), 1,
                                      GD_SIGMA_Y);
  if (status)
    return status;
  status = gd_grad_work_alloc (&w, FC_SIZES (gd_sizes_plan, opt)->n_points,
                                   set.dim);
  for (size_t i = 0; i < GD_G4_NT && status == GSL_SUCCESS; i++)
    {
      status = gd_post_points (&set, FC_SCHEDULE_LINEAR, gd_g4_times[i],
                               fc_rng_stream_seed (seed, i), w.n, w.x);
      if (status == GSL_SUCCESS)
        status = gd_grads (&set, gd_g4_times[i], w.n, w.x,
                           FC_GUIDE_LIK_TWEEDIE, 0.0, w.ga, NULL, w.ge);
      r.tweedie[i] = gd_rel_error (w.n, w.d, w.ga, w.ge);
      r.emax = GSL_MAX (r.emax, r.tweedie[i]);
    }
  /* Errors at round-off have no decay to fit (their logarithms are noise,
     or -inf where the two forms agree to the bit).  */
  r.pmin = NAN;
  if (status == GSL_SUCCESS && r.emax > GD_ROUNDOFF)
    status = gd_g4_fit (r.tweedie, &r.pmin);
  gd_grad_work_free (&w);
  gd_setting_free (&set);
  if (status)
    return status;
  r.e1 = r.tweedie[GD_G4_NT - 1];
  fc_verdict_add (v, "err_tweedie_t0.02", r.tweedie[0], NAN);
  fc_verdict_add (v, "err_max", r.emax, GD_ROUNDOFF);
  fc_verdict_add (v, "err_t1_max", r.e1, GD_ROUNDOFF);
  fc_verdict_add (v, "decay_power_tweedie", r.pmin, GD_G4_POWER_MIN);
  v->verdict = gd_g4_decide (&r);
  fc_verdict_note (v, "one Gaussian prior, Tweedie covariance: rel grad error "
                   "at most %.2g (t=0.02: %.2g, t=1: %.2g)", r.emax,
                   r.tweedie[0], r.e1);
  return GSL_SUCCESS;
}

int
gd_check_g4 (const fc_run_options *opt, fc_verdict *v)
{
  if (fc_control_variant (opt) == GD_G4_GAUSSIAN_TWEEDIE)
    return gd_g4_gaussian (opt, v);
  return gd_on_line_setting (opt, gd_g4_claim, NULL, v);
}

/* ------------------------------------------------------------------- G5 */

typedef struct
{
  double err[GD_G4_NT];   /* the candidate vector, gamma = 1 */
  double angle[GD_G4_NT]; /* mean angle to the exact gradient, degrees */
  double corrected_t1;    /* G4 form, gamma = 1, at t = 1 */
  double err_min;
} gd_g5_result;

/* The candidate vector: the note's, or in the control G4's gradient.  */
static int
gd_g5_run (const fc_run_options *opt, const gd_setting *set, int jacobian,
           gd_g5_result *r)
{
  unsigned long seed = fc_module_seed (opt, GD_TAG_G5);
  gd_grad_work w;
  int status = gd_grad_work_alloc (&w, FC_SIZES (gd_sizes_plan, opt)->n_points,
                                   set->dim);
  r->err_min = GSL_POSINF;
  r->corrected_t1 = NAN;
  for (size_t i = 0; i < GD_G4_NT && status == GSL_SUCCESS; i++)
    {
      status = gd_post_points (set, FC_SCHEDULE_LINEAR, gd_g4_times[i],
                               fc_rng_stream_seed (seed, i), w.n, w.x);
      if (status == GSL_SUCCESS)
        status = gd_grads (set, gd_g4_times[i], w.n, w.x,
                           FC_GUIDE_LIK_RECONSTRUCTION, 1.0, w.ga, w.nv, w.ge);
      const double *cand = jacobian ? w.ga : w.nv;
      r->err[i] = gd_rel_error (w.n, w.d, cand, w.ge);
      r->angle[i] = gd_mean_angle (w.n, w.d, cand, w.ge);
      r->err_min = GSL_MIN (r->err_min, r->err[i]);
      if (i == GD_G4_NT - 1)
        r->corrected_t1 = gd_rel_error (w.n, w.d, w.ga, w.ge);
    }
  gd_grad_work_free (&w);
  return status;
}

/* The observation of the other claims, m = 1 < D = 2: the note's vector
   Sigma^{-1}(y - A x1hat) has m = 1 entries where a gradient has D = 2;
   fc_guide_approx refuses it (GSL_EBADLEN, tested in check_guidance).  */
static int
gd_g5_line_shape (const fc_run_options *opt, const gd_setting *line,
                  const void *params, fc_verdict *v)
{
  (void) opt, (void) params;
  fc_verdict_add (v, "line_obs_rows_m", (double) line->obs->m, NAN);
  fc_verdict_add (v, "line_obs_dim_D", (double) line->obs->dim, NAN);
  fc_verdict_add (v, "line_note_is_gradient_shape",
                  line->obs->m == line->obs->dim ? 1.0 : 0.0, NAN);
  return GSL_SUCCESS;
}

static void
gd_g5_record (const fc_run_options *opt, const gd_g5_result *r,
              const char *cand, fc_verdict *v)
{
  for (size_t i = 0; i < GD_G4_NT; i++)
    fc_module_progress (opt, "t = %-5g %s vector: rel error %.3g, mean angle "
                        "%.1f deg", gd_g4_times[i], cand, r->err[i],
                        r->angle[i]);
  static const size_t show[3] = { 0, 6, GD_G4_NT - 1 }; /* t = 0.02, 0.5, 1 */
  for (size_t k = 0; k < 3; k++)
    {
      char name[FC_VERDICT_NAME_LEN];
      snprintf (name, sizeof name, "%s_err_t%g", cand, gd_g4_times[show[k]]);
      fc_verdict_add (v, name, r->err[show[k]], GD_ROUNDOFF);
      snprintf (name, sizeof name, "%s_angle_deg_t%g", cand,
                gd_g4_times[show[k]]);
      fc_verdict_add (v, name, r->angle[show[k]], NAN);
    }
  char name[FC_VERDICT_NAME_LEN];
  snprintf (name, sizeof name, "%s_err_min", cand);
  fc_verdict_add (v, name, r->err_min, GD_ROUNDOFF);
  fc_verdict_add (v, "corrected_err_t1", r->corrected_t1, GD_ROUNDOFF);
}

int
gd_check_g5 (const fc_run_options *opt, fc_verdict *v)
{
  gd_setting set;
  gd_g5_result r = { 0 };
  int jacobian = fc_control_variant (opt) == GD_G5_JACOBIAN_FORM;
  const char *cand = jacobian ? "jacobian_form" : "note";
  int status = gd_setting_init (&set, fc_module_seed (opt, GD_TAG_SQUARE), 2,
                                GD_SIGMA_Y);
  if (status)
    return status;
  status = gd_g5_run (opt, &set, jacobian, &r);
  gd_setting_free (&set);
  if (status == GSL_SUCCESS)
    status = gd_on_line_setting (opt, gd_g5_line_shape, NULL, v);
  if (status)
    return status;
  gd_g5_record (opt, &r, cand, v);
  /* At t = 1 the corrected form J^T A^T Sigma^{-1}(y - A x1hat) is exact
     (J = I, Sigma = sigma_y^2 I): its error there must be round-off, which
     validates the comparison.  The candidate is REFUTED when its error
     stays above round-off at every t, t = 1 included; CONFIRMED when it is
     at round-off at t = 1 as the corrected form is.  The control's
     candidate is the corrected form itself, so it must come out
     CONFIRMED.  */
  int valid = r.corrected_t1 <= GD_ROUNDOFF;
  v->verdict = !valid ? FC_VERDICT_APPROXIMATE
               : r.err_min > GD_ROUNDOFF ? FC_VERDICT_REFUTED
                                         : FC_VERDICT_CONFIRMED;
  fc_verdict_note (v, "m = 1: an m-vector, not a gradient; m = D = 2: %srel "
                   "error %.3g (t=0.02) .. %.3g (t=1), angle %.0f..%.0f deg; "
                   "corrected %.1e at t=1", jacobian ? "J^T A^T form: " : "",
                   r.err[0], r.err[GD_G4_NT - 1], r.angle[0],
                   r.angle[GD_G4_NT - 1], r.corrected_t1);
  return GSL_SUCCESS;
}
