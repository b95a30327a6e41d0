/* derivations/guidance/reconstruction.c -- claim G4 (N §Guidance term):
 * reconstruction guidance p_t(y|x) ~ N(y | A x1hat, sigma_y^2 I
 * + gamma (sigma/alpha)^2 A A^T) ((1-t)^2/t^2 for the linear schedule, as
 * in the note) and the Tweedie covariance sigma_y^2 I + A Cov[x1|x_t] A^T,
 * each with the gradient J^T A^T Sigma^{-1} (y - A x1hat), against the
 * exact grad_x log p_t(y|x) at points of p_t(x|y).
 *
 * What the approximation promises, and what decides.  With s = sigma/alpha
 * and S_k the prior's component covariances, per component
 * Cov[x1|x_t,k] = S_k s^2 (S_k + s^2)^{-1} = s^2 I - s^4 S_k^{-1} + O(s^6)
 * and m1_k - x/alpha = O(s^2) (fc_guide.h), so the exact
 * G_k = sigma_y^2 I + A Cov_k A^T is sigma_y^2 I + s^2 A A^T + O(s^4),
 * J = I/alpha + O(s^2), and everything depends on t only through s and
 * x/alpha (so the errors at equal s are the same for every schedule).
 * Hence, as t -> 1 (s -> 0):
 *   limit  at t = 1 (s = 0) every form is exact: Sigma = G = sigma_y^2 I,
 *          J = I, x1hat = x (HOLDS, round-off);
 *   rate   reconstruction misses G by (gamma - 1) s^2 A A^T: its relative
 *          gradient error is ~ |gamma - 1| s^2 |A A^T| / sigma_y^2, power 2
 *          in s for gamma != 1 (gamma = 0: sigma_y^2 alone), power 4 for
 *          gamma = 1, whose s^2 term matches; the Tweedie covariance
 *          matches G to O(s^4) and drops only the x-derivative of Cov,
 *          O(s^4): power 4 (HOLDS, fitted over a ladder of s above the
 *          round-off floor, band below);
 *   exact  for one Gaussian prior Cov[x1|x_t] does not depend on x and the
 *          Tweedie likelihood is p_t(y|x) itself; for a mixture it is not
 *          at intermediate t (EXACT, round-off: fails as stated, so the
 *          claim is APPROXIMATE).
 * Breadth: two data sets (8gaussians in D = 2 with m = 1 row, gmm3d in
 * D = 3 with m = 2 rows: non-square A), the three schedules.
 *
 * Controls: one Gaussian prior (each data set's mean and covariance), where
 * the Tweedie likelihood is exact (CONFIRMED); the covariance's time
 * factor s^2 dropped (gamma A A^T, and A Cov A^T / s^2 for Tweedie), which
 * breaks the limit and the rates (REFUTED).  */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>

#include "fc_fd.h"
#include "fc_rng.h"
#include "guidance_internal.h"

/* The methods: the gammas of gd_g4_gammas, then the Tweedie covariance. */
#define GD_G4_NM (GD_G4_NG + 1)
#define GD_G4_TWEEDIE GD_G4_NG
#define GD_G4_GAMMA1 3 /* gd_g4_gammas[3] = 1 */

/* The ladder of s = sigma/alpha towards t = 1: s_k = GD_G4_S_MAX 2^-k.
   The fitted power carries the next order's relative correction, K s^2
   (gd_g4_rate_floor); s_max = 0.04 keeps it to a few tenths at most, and
   six halvings keep the smallest errors (gamma = 1: ~ 130 s^4 ~ 3e-10 in
   8gaussians) above the round-off floor.  */
#define GD_G4_NS 6
#define GD_G4_S_MAX 0.04
#define GD_G4_MIN_FIT 3 /* ladder points a power is fitted on, at least */

/* The intermediate times of the EXACT figure: gd_g4_times[4..8], t = 0.3
   .. 0.7, far from both ends.  */
#define GD_G4_MID_FIRST 4
#define GD_G4_MID_LAST 8

/* The data sets: 8gaussians (D = 2, one row) and gmm3d (D = 3, two rows),
   both observed with fewer rows than dimensions.  */
#define GD_G4_NDATA 2
static const char *const gd_g4_data[GD_G4_NDATA] = { "8gaussians", "gmm3d" };
static const size_t gd_g4_rows[GD_G4_NDATA] = { 1, 2 };

/* Round-off of a relative gradient error where the two forms agree: each
   gradient is a sum over K components of products of D x D solves,
   accurate to a few eps per term; 32 K D eps bounds their difference with
   room (1.1e-13 for 8gaussians).  */
static double
gd_g4_roundoff (const gd_setting *set)
{
  return 32.0 * (double) (set->prior->n_comp * set->dim) * GSL_DBL_EPSILON;
}

/* The predicted power of the error in s of method K (the file header). */
static double
gd_g4_power (size_t k)
{
  return k == GD_G4_TWEEDIE || k == GD_G4_GAMMA1 ? 4.0 : 2.0;
}

/* One data set under one schedule.  */
typedef struct
{
  double err[GD_G4_NT][GD_G4_NM]; /* along gd_g4_times */
  double lad[GD_G4_NS][GD_G4_NM]; /* along the s ladder */
  double rate[GD_G4_NM], band[GD_G4_NM]; /* NAN: at round-off, not fitted */
  size_t n_fit[GD_G4_NM];
  double e1;  /* the largest error at t = 1 */
  double mid; /* the largest Tweedie error at the intermediate times */
  double roundoff;
} gd_g4_case;

typedef struct
{
  gd_g4_case c[GD_G4_NDATA][FC_SCHEDULE_COUNT];
  double schedule_gap; /* largest relative spread of the ladder errors
                          over the schedules */
  double formula_gap;  /* broken control: the formula with the stated
                          factor against fc_guide_approx */
} gd_g4_result;

/* The time at which sigma/alpha = S under schedule SC (decreasing in t;
   bisection to the last bit).  */
static int
gd_time_of_ratio (fc_schedule sc, double s, double *t)
{
  double lo = 0.0, hi = 1.0;
  for (int it = 0; it < 200 && hi - lo > 0.0; it++)
    {
      double mid = 0.5 * (lo + hi);
      fc_schedule_value v;
      int status = fc_schedule_eval (sc, mid, &v);
      if (status)
        return status;
      if (mid == lo || mid == hi)
        break;
      if (sqrt (v.sigma2) / v.alpha > s)
        lo = mid;
      else
        hi = mid;
    }
  *t = hi;
  return GSL_SUCCESS;
}

/* The errors of every method at time T for the points W->x into ERR. */
static int
gd_g4_errors (const gd_setting *set, fc_schedule sc, double t,
              gd_cov_form form, gd_grad_work *w, double *err)
{
  int status = gd_exact_grad (set, sc, t, w->n, w->x, w->ge);
  for (size_t k = 0; k < GD_G4_NM && status == GSL_SUCCESS; k++)
    {
      int tw = k == GD_G4_TWEEDIE;
      status = gd_approx_grad (set, sc, t,
                               tw ? FC_GUIDE_LIK_TWEEDIE
                                  : FC_GUIDE_LIK_RECONSTRUCTION,
                               tw ? 0.0 : gd_g4_gammas[k], form, w->n, w->x,
                               w->ga, NULL);
      err[k] = gd_rel_error (w->n, w->d, w->ga, w->ge);
    }
  return status;
}

/* The least deviation of a fitted power from its prediction: the next
   order's relative correction K s^2 bends log err by at most 2 K s^2 per
   unit of log s, with K = (1 + gamma) |A A^T| / sigma_y^2 (the
   normalisation by Sigma; |A A^T| <= m for unit rows) + (1 + 1/|gamma-1|)
   / lambda_min (the s^4 terms of Cov_k and J, against the s^2 term they
   follow; for gamma = 1 and Tweedie the first only), lambda_min the
   smallest eigenvalue of the prior's components.  */
static double
gd_g4_rate_floor (const gd_setting *set, size_t k)
{
  const fc_gmm *g = set->prior;
  double lmin = GSL_POSINF;
  for (size_t i = 0; i < g->n_comp * g->dim; i++)
    lmin = GSL_MIN (lmin, g->eigval[i]);
  double gamma = k == GD_G4_TWEEDIE ? 1.0 : gd_g4_gammas[k];
  double kk = (1.0 + gamma) * (double) set->obs->m
              / gsl_pow_2 (set->obs->sigma_y);
  kk += (1.0 + (gd_g4_power (k) == 2.0 ? 1.0 / fabs (gamma - 1.0) : 0.0))
        / lmin;
  return 2.0 * kk * GD_G4_S_MAX * GD_G4_S_MAX;
}

/* Fit the power of method K over the ladder S of case C above its
   round-off floor; the band is the floor of gd_g4_rate_floor plus the
   spread of the local powers (as fc_order_study's).  */
static int
gd_g4_fit (const gd_setting *set, const double *s, size_t k, gd_g4_case *c)
{
  double e[GD_G4_NS], local[GD_G4_NS];
  for (size_t i = 0; i < GD_G4_NS; i++)
    e[i] = c->lad[i][k];
  size_t n = fc_study_ladder_above_floor (GD_G4_NS, e, c->roundoff);
  c->n_fit[k] = n;
  c->rate[k] = c->band[k] = NAN;
  if (n < GD_G4_MIN_FIT)
    return GSL_SUCCESS;
  double lc, se, lo = GSL_POSINF, hi = GSL_NEGINF;
  int status = fc_fd_order_fit (n, s, e, &c->rate[k], &lc, &se);
  if (status == GSL_SUCCESS)
    status = fc_fd_local_orders (n, s, e, local);
  for (size_t i = 0; i + 1 < n && status == GSL_SUCCESS; i++)
    lo = GSL_MIN (lo, local[i]), hi = GSL_MAX (hi, local[i]);
  c->band[k] = gd_g4_rate_floor (set, k) + (hi - lo);
  return status;
}

/* Case C: data set SET under schedule SC, points from stream SEED: the
   errors along gd_g4_times (points (SEED, i)) and along the s ladder.  The
   ladder's points all come from stream (SEED, 100): x = alpha (x1 + s x0)
   with the same draws x1, x0 at every s (common random numbers: the local
   powers then measure the error's decay, not the change of points, which
   for the Tweedie error, carried by the few points between components,
   would spread them by a unit), and the same x/alpha for every
   schedule.  */
static int
gd_g4_case_run (const gd_setting *set, fc_schedule sc, gd_cov_form form,
                unsigned long seed, gd_grad_work *w, gd_g4_case *c)
{
  double s[GD_G4_NS], t;
  int status = GSL_SUCCESS;
  c->roundoff = gd_g4_roundoff (set);
  for (size_t i = 0; i < GD_G4_NT && status == GSL_SUCCESS; i++)
    {
      status = gd_post_points (set, sc, gd_g4_times[i],
                               fc_rng_stream_seed (seed, i), w->n, w->x);
      if (status == GSL_SUCCESS)
        status = gd_g4_errors (set, sc, gd_g4_times[i], form, w, c->err[i]);
    }
  for (size_t k = 0; k < GD_G4_NS && status == GSL_SUCCESS; k++)
    {
      s[k] = GD_G4_S_MAX * ldexp (1.0, -(int) k);
      status = gd_time_of_ratio (sc, s[k], &t);
      if (status == GSL_SUCCESS)
        status = gd_post_points (set, sc, t, fc_rng_stream_seed (seed, 100),
                                 w->n, w->x);
      if (status == GSL_SUCCESS)
        status = gd_g4_errors (set, sc, t, form, w, c->lad[k]);
    }
  for (size_t k = 0; k < GD_G4_NM && status == GSL_SUCCESS; k++)
    status = gd_g4_fit (set, s, k, c);
  c->e1 = c->mid = 0.0;
  for (size_t k = 0; k < GD_G4_NM; k++)
    c->e1 = GSL_MAX (c->e1, c->err[GD_G4_NT - 1][k]);
  for (size_t i = GD_G4_MID_FIRST; i <= GD_G4_MID_LAST; i++)
    c->mid = GSL_MAX (c->mid, c->err[i][GD_G4_TWEEDIE]);
  return status;
}

/* The setting of data set I: its prior (or, GAUSSIAN, one Gaussian with
   its moments) observed with its rows; the 8gaussians draws are those of
   the other claims (sub-stream GD_TAG_SETTING).  */
static int
gd_g4_setting (const fc_run_options *opt, size_t i, int gaussian,
               gd_setting *set)
{
  fc_gmm *prior = gd_data_set (gd_g4_data[i]);
  if (gaussian && prior != NULL)
    {
      fc_gmm *g = gd_gaussian_prior_of (prior);
      fc_gmm_free (prior);
      prior = g;
    }
  return gd_setting_init_prior (set, prior, fc_module_seed (opt, GD_TAG_SETTING),
                                gd_g4_rows[i], GD_SIGMA_Y);
}

/* The largest relative spread of the ladder errors of data set I over the
   schedules, into *GAP (relative to the error, or to the round-off floor
   where the error is below it).  */
static void
gd_g4_schedule_gap (const gd_g4_result *r, size_t i, double *gap)
{
  for (size_t k = 0; k < GD_G4_NS; k++)
    for (size_t m = 0; m < GD_G4_NM; m++)
      {
        double e0 = r->c[i][0].lad[k][m];
        double scale = GSL_MAX (e0, r->c[i][0].roundoff);
        for (int sc = 1; sc < FC_SCHEDULE_COUNT; sc++)
          *gap = GSL_MAX (*gap, fabs (r->c[i][sc].lad[k][m] - e0) / scale);
      }
}

/* The formula with the stated factor against fc_guide_approx (the
   broken control's only change is then the factor): largest relative
   difference over the methods at t = 0.5, points in W.  */
static int
gd_g4_formula_gap (const gd_setting *set, gd_grad_work *w, double *gap)
{
  int status = GSL_SUCCESS;
  *gap = 0.0;
  for (size_t k = 0; k < GD_G4_NM && status == GSL_SUCCESS; k++)
    {
      fc_guide_lik kind = k == GD_G4_TWEEDIE ? FC_GUIDE_LIK_TWEEDIE
                                             : FC_GUIDE_LIK_RECONSTRUCTION;
      double gamma = k == GD_G4_TWEEDIE ? 0.0 : gd_g4_gammas[k];
      status = gd_approx_grad (set, FC_SCHEDULE_LINEAR, 0.5, kind, gamma,
                               GD_COV_STATED, w->n, w->x, w->ge, NULL);
      if (status == GSL_SUCCESS)
        status = gd_formula_grad (set, FC_SCHEDULE_LINEAR, 0.5, kind, gamma,
                                  GD_COV_STATED, 0, w->n, w->x, w->ga);
      if (status == GSL_SUCCESS)
        *gap = GSL_MAX (*gap, gd_rel_error (w->n, w->d, w->ga, w->ge));
    }
  return status;
}

/* Data set I under every schedule.  */
static int
gd_g4_data_run (const fc_run_options *opt, size_t i, gd_g4_result *r)
{
  int variant = fc_control_variant (opt);
  gd_cov_form form = variant == GD_G4_NO_TIME_FACTOR ? GD_COV_NO_TIME_FACTOR
                                                     : GD_COV_STATED;
  unsigned long seed = fc_module_seed (opt, GD_TAG_G4 + 0x100 * i);
  gd_setting set;
  gd_grad_work w;
  int status = gd_g4_setting (opt, i, variant == GD_G4_GAUSSIAN_TWEEDIE, &set);
  if (status)
    return status;
  status = gd_grad_work_alloc (&w, FC_SIZES (gd_sizes_plan, opt)->n_points,
                               set.dim);
  for (int sc = 0; sc < FC_SCHEDULE_COUNT && status == GSL_SUCCESS; sc++)
    status = gd_g4_case_run (&set, (fc_schedule) sc, form, seed, &w,
                             &r->c[i][sc]);
  if (status == GSL_SUCCESS && i == 0 && form != GD_COV_STATED)
    status = gd_g4_formula_gap (&set, &w, &r->formula_gap);
  gd_grad_work_free (&w);
  gd_setting_free (&set);
  return status;
}

/* ------------------------------------------------------------ recording */

/* The rate figure NAME of the methods in MASK (bit k: method k) over
   every case:
   HOLDS, passing when every fitted power is within its band of the
   prediction, showing the worst (largest |rate - p| / band); reported
   (NAN) when no case has a ladder above the round-off floor.  */
static void
gd_g4_record_rate (const gd_g4_result *r, const char *name, unsigned mask,
                   fc_verdict *v)
{
  double worst = -1.0, rate = NAN, band = NAN;
  int pass = 1;
  for (size_t i = 0; i < GD_G4_NDATA; i++)
    for (int sc = 0; sc < FC_SCHEDULE_COUNT; sc++)
      for (size_t k = 0; k < GD_G4_NM; k++)
        {
          const gd_g4_case *c = &r->c[i][sc];
          if (!(mask & (1u << k)) || c->n_fit[k] < GD_G4_MIN_FIT)
            continue;
          double dev = fabs (c->rate[k] - gd_g4_power (k)) / c->band[k];
          pass &= dev <= 1.0;
          if (dev > worst)
            worst = dev, rate = c->rate[k], band = c->band[k];
        }
  if (worst >= 0.0)
    fc_verdict_decide (v, FC_TEST_HOLDS, name, rate, band, pass);
  else
    fc_verdict_report (v, name, NAN, NAN);
}

/* The largest over every case of the field F (e1 or mid) of a case.  */
static double
gd_g4_max (const gd_g4_result *r, int mid)
{
  double m = 0.0;
  for (size_t i = 0; i < GD_G4_NDATA; i++)
    for (int sc = 0; sc < FC_SCHEDULE_COUNT; sc++)
      m = GSL_MAX (m, mid ? r->c[i][sc].mid : r->c[i][sc].e1);
  return m;
}

/* The reported errors of 8gaussians, linear, at t = 0.02, 0.5, 0.9. */
static void
gd_g4_record_table (const gd_g4_case *c, fc_verdict *v)
{
  static const size_t show[3] = { 0, 6, 10 };
  for (size_t j = 0; j < 3; j++)
    {
      char name[FC_VERDICT_NAME_LEN];
      size_t i = show[j], best = 0;
      for (size_t k = 1; k < GD_G4_NG; k++)
        best = c->err[i][k] < c->err[i][best] ? k : best;
      double t = gd_g4_times[i];
      snprintf (name, sizeof name, "err_gamma1_t%g", t);
      fc_verdict_report (v, name, c->err[i][GD_G4_GAMMA1], NAN);
      snprintf (name, sizeof name, "err_gamma0_t%g", t);
      fc_verdict_report (v, name, c->err[i][0], NAN);
      snprintf (name, sizeof name, "err_tweedie_t%g", t);
      fc_verdict_report (v, name, c->err[i][GD_G4_TWEEDIE], NAN);
      snprintf (name, sizeof name, "best_gamma_t%g", t);
      fc_verdict_report (v, name, gd_g4_gammas[best], NAN);
    }
}

static void
gd_g4_progress (const fc_run_options *opt, const gd_g4_result *r)
{
  for (size_t i = 0; i < GD_G4_NDATA; i++)
    for (int sc = 0; sc < FC_SCHEDULE_COUNT; sc++)
      {
        const gd_g4_case *c = &r->c[i][sc];
        fc_module_progress (
            opt, "%s %s: t=1 err %.2g; Tweedie at t 0.3..0.7 up to %.3g; "
            "power in s (fitted on n ladder points): gamma 0 %.2f (%zu), "
            "0.1 %.2f, 0.5 %.2f, 1 %.2f +- %.2f (%zu), 2 %.2f, Tweedie %.2f "
            "+- %.2f (%zu)", gd_g4_data[i], fc_schedule_name (sc), c->e1,
            c->mid, c->rate[0], c->n_fit[0], c->rate[1], c->rate[2],
            c->rate[GD_G4_GAMMA1], c->band[GD_G4_GAMMA1],
            c->n_fit[GD_G4_GAMMA1], c->rate[4], c->rate[GD_G4_TWEEDIE],
            c->band[GD_G4_TWEEDIE], c->n_fit[GD_G4_TWEEDIE]);
      }
}

/* The smallest s of a ladder fitted, over every case and method (where
   the ladders stopped, above the round-off floor).  */
static double
gd_g4_s_stop (const gd_g4_result *r)
{
  size_t n = GD_G4_NS;
  for (size_t i = 0; i < GD_G4_NDATA; i++)
    for (int sc = 0; sc < FC_SCHEDULE_COUNT; sc++)
      for (size_t k = 0; k < GD_G4_NM; k++)
        if (r->c[i][sc].n_fit[k] >= GD_G4_MIN_FIT)
          n = GSL_MIN (n, r->c[i][sc].n_fit[k]);
  return GD_G4_S_MAX * ldexp (1.0, 1 - (int) n);
}

static void
gd_g4_record (const fc_run_options *opt, const gd_g4_result *r, fc_verdict *v)
{
  double ro = r->c[0][0].roundoff;
  for (size_t i = 1; i < GD_G4_NDATA; i++)
    ro = GSL_MAX (ro, r->c[i][0].roundoff);
  double e1 = gd_g4_max (r, 0), mid = gd_g4_max (r, 1);
  fc_verdict_decide (v, FC_TEST_HOLDS, "err_t1_max", e1, ro, e1 <= ro);
  /* gamma = 0 is reported: it has no covariance term, so no change of
     the covariance can break it.  */
  gd_g4_record_rate (r, "rate_gamma_not1", 1u << 1 | 1u << 2 | 1u << 4, v);
  gd_g4_record_rate (r, "rate_gamma1", 1u << GD_G4_GAMMA1, v);
  gd_g4_record_rate (r, "rate_tweedie", 1u << GD_G4_TWEEDIE, v);
  fc_verdict_decide (v, FC_TEST_EXACT, "err_tweedie_mid", mid, ro, mid <= ro);
  fc_verdict_report (v, "rate_gamma0_8gaussians", r->c[0][0].rate[0], 2.0);
  fc_verdict_report (v, "rate_gamma1_gmm3d", r->c[1][0].rate[GD_G4_GAMMA1],
                     4.0);
  fc_verdict_report (v, "rate_tweedie_gmm3d", r->c[1][0].rate[GD_G4_TWEEDIE],
                     4.0);
  fc_verdict_report (v, "ladder_s_stop", gd_g4_s_stop (r), NAN);
  fc_verdict_report (v, "schedule_gap", r->schedule_gap, NAN);
  gd_g4_record_table (&r->c[0][0], v);
  if (fc_control_variant (opt) == GD_G4_NO_TIME_FACTOR)
    fc_verdict_report (v, "formula_gap_stated", r->formula_gap, ro);
}

int
gd_check_g4 (const fc_run_options *opt, fc_verdict *v)
{
  gd_g4_result *r = calloc (1, sizeof *r);
  int status = r != NULL ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t i = 0; i < GD_G4_NDATA && status == GSL_SUCCESS; i++)
    status = gd_g4_data_run (opt, i, r);
  if (status)
    {
      free (r);
      return status;
    }
  for (size_t i = 0; i < GD_G4_NDATA; i++)
    gd_g4_schedule_gap (r, i, &r->schedule_gap);
  gd_g4_progress (opt, r);
  gd_g4_record (opt, r, v);
  const gd_g4_case *c = &r->c[0][0];
  fc_verdict_note (v, "8gaussians, linear: rel grad error gamma 1 %.3g at "
                   "t=0.02, %.2g at t=0.9; Tweedie %.3g at t=0.5; ~s^%.2f "
                   "(gamma 0), s^%.2f (gamma 1), s^%.2f (Tweedie) as "
                   "s = sigma/alpha -> 0; %.1e at t=1", c->err[0][GD_G4_GAMMA1],
                   c->err[10][GD_G4_GAMMA1], c->err[6][GD_G4_TWEEDIE],
                   c->rate[0], c->rate[GD_G4_GAMMA1], c->rate[GD_G4_TWEEDIE],
                   gd_g4_max (r, 0));
  free (r);
  return GSL_SUCCESS;
}
