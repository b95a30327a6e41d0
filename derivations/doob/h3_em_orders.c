/* derivations/doob/h3_em_orders.c -- claim H3: Euler-Maruyama on the
 * bridge, whose drift is singular at T (module `doob`, N §Doob's
 * h-transform).
 *
 * Euler-Maruyama over six step counts against a fine-step reference on
 * the same Brownian paths (fc_sde fine_steps): weak order (second moment
 * at T/2, coupled paths, cross-checked by the scheme's exact moment
 * recursion), strong order at T/2, endpoint order of plain Euler-Maruyama,
 * and the endpoint with the deterministic last step.  The study stores its
 * table in the figure record (doob-orders).  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_statistics_double.h>

#include "doob_internal.h"
#include "fc_compare.h"
#include "fc_fd.h"
#include "fc_rng.h"
#include "fc_study.h"

#define DB_H3_DIM 2
#define DB_H3_NH 6
static const size_t db_h3_steps[DB_H3_NH] = { 8, 16, 32, 64, 128, 256 };
/* The reference, DB_H3_FINE steps: 16 fine steps per finest coarse step.
   Its own strong and weak errors, c h_ref, turn the measured c (h - h_ref)
   and bend the fitted slope by at most log(31/15)/log 2 - 1 = 0.05 at the
   finest pair.  */

/* Order bands: |order - expected| <= floor + 3 standard errors of the
   fitted slope.  Weak and strong (expected 1): the reference's bend
   (<= 0.05) and the O(h^2) terms at h_max = T/8, u = theta h <= 0.37,
   (<= 0.1): floor 0.15.  Endpoint of plain EM (expected 1/2): the error is
   sigma sqrt(D h) times the RMS of n D normals, whose relative Monte Carlo
   error 1/sqrt(2 n D) can tilt the slope by up to 2 x 3/sqrt(2 n D) over
   ln(h_max/h_min) (db_endpoint_floor), plus 0.02 for the OU's O(h^2) term
   (u^2 |x_T - mu| / 2 against sigma sqrt(D h): 8% at h_max, a tilt of
   0.08 / ln 32 = 0.02).
   Endpoint with the deterministic last step, OU (expected 2, the scheme's
   local error, see db_endpoint_band): its u^4 terms at u <= 0.37: floor
   0.2.  */
#define DB_H3_FLOOR 0.15
#define DB_H3_END_FLOOR 0.02
#define DB_H3_DET_FLOOR 0.2
#define DB_H3_BAND_SE 3.0

/* ---------------------------------------------------------- the study */

/* The second moment sum_i E X_i^2 at T/2 of the chain of the drift DP
   with STEPS steps (the recursion) minus the exact bridge's, into *W.  */
static int
db_h3_weak_exact (const db_setup *s, const db_drift_params *dp, size_t steps,
                  double *w)
{
  size_t d = s->b.dim, k = steps / 2;
  fc_sde_grid grid = { 0.0, s->b.T, steps, 0, 1, 0, 0 };
  double m[DB_DIM_MAX], v[DB_DIM_MAX], me[DB_DIM_MAX], ve[DB_DIM_MAX];
  int status = db_em_moments (s, dp, s->b.sigma, &grid, 1, &k, m, v);
  if (status == GSL_SUCCESS)
    status = fc_bridge_marginal (&s->b, 0.0, fc_sde_grid_time (&grid, k), 1, s->x0,
                                 me, ve);
  *w = 0.0;
  for (size_t i = 0; i < d; i++)
    *w += (m[i] * m[i] + v[i]) - (me[i] * me[i] + ve[i]);
  return status;
}

/* Fill row K of TAB from the run's states HALF (n, D) at T/2 and END
   (n, D) at T against the reference REF (n, D) at T/2, with the scratch
   D2 (n).  */
static void
db_h3_row (const db_setup *s, size_t n, const double *half, const double *end,
           const double *ref, double *d2, fc_doob_order_table *tab, size_t k)
{
  size_t d = s->b.dim;
  double ss = 0.0, se = 0.0;
  for (size_t p = 0; p < n; p++)
    {
      double a2 = 0.0, r2 = 0.0, e2 = 0.0, dd = 0.0;
      for (size_t i = 0; i < d; i++)
        {
          double a = half[p * d + i], r = ref[p * d + i];
          a2 += a * a, r2 += r * r, dd += (a - r) * (a - r);
          e2 += gsl_pow_2 (end[p * d + i] - s->x_T[i]);
        }
      d2[p] = a2 - r2;
      ss += dd, se += e2;
    }
  double mean = gsl_stats_mean (d2, 1, n);
  tab->weak[k] = mean;
  tab->weak_se[k] = gsl_stats_sd_m (d2, 1, n, mean) / sqrt ((double) n);
  tab->strong[k] = sqrt (ss / (double) n);
  tab->endpoint[k] = sqrt (se / (double) n);
}

/* The weak error of row K against the recursion's w(h) - w(h_ref), and
   the end points END_DET (n, D) of the deterministic last step.  */
static void
db_h3_row_exact (const db_setup *s, size_t n, double w, double w_ref,
                 const double *end_det, fc_doob_order_table *tab, size_t k)
{
  size_t d = s->b.dim, nd = n * d;
  tab->weak_exact[k] = fabs (w);
  tab->mc_z = GSL_MAX (tab->mc_z, fabs (tab->weak[k] - (w - w_ref)) / tab->weak_se[k]);
  tab->weak[k] = fabs (tab->weak[k]);
  tab->endpoint_det[k] = 0.0;
  for (size_t q = 0; q < nd; q++)
    tab->endpoint_det[k] = GSL_MAX (tab->endpoint_det[k],
                                    fabs (end_det[q] - s->x_T[q % d]));
}

/* The runs of the study (db_coupled, one pass over each Brownian path):
   the N_H coarse step counts, then the reference, each saved at T/2 and
   T, and the deterministic last steps.  */
typedef struct
{
  const db_setup *s;
  const db_drift_params *dp;
  size_t n_h, fine, n;
  const size_t *steps;
  double *xs;  /* (n_h + 1, 2, n, D) */
  double *det; /* (n_h + 1, n, D) */
} db_h3_runs;

/* The table of the runs R into TAB; DET: the deterministic last step
   (else the plain one stands in for it).  */
static int
db_h3_table (const db_h3_runs *R, int det, double *d2, fc_doob_order_table *tab)
{
  const db_setup *s = R->s;
  size_t nd = R->n * s->b.dim;
  const double *ref = R->xs + 2 * R->n_h * nd;
  double w_ref = 0.0;
  tab->n_h = R->n_h;
  tab->mc_z = 0.0;
  int status = db_h3_weak_exact (s, R->dp, R->fine, &w_ref);
  for (size_t k = 0; k < R->n_h && status == GSL_SUCCESS; k++)
    {
      double w;
      const double *half = R->xs + 2 * k * nd, *end = half + nd;
      tab->steps[k] = (double) R->steps[k];
      tab->h[k] = s->b.T / (double) R->steps[k];
      db_h3_row (s, R->n, half, end, ref, d2, tab, k);
      status = db_h3_weak_exact (s, R->dp, R->steps[k], &w);
      if (status == GSL_SUCCESS)
        db_h3_row_exact (s, R->n, w, w_ref, det ? R->det + k * nd : end, tab, k);
      tab->det_band[k] = db_endpoint_band (s, s->b.sigma, R->steps[k]);
    }
  return status;
}

/* The H3 study of S over the step counts STEPS (n_h, each dividing FINE,
   even) against the reference with FINE steps, N paths, SEED.  VARIANT:
   DB_H3_NOISY_LAST_STEP keeps the noise of the "deterministic" last step,
   DB_H3_UNCOUPLED_PATHS runs the coarse steps on other Brownian paths than
   the reference, DB_H3_WRONG_END_TIME simulates (and recurses) the drift
   of the wrong end time, DB_H3_BROKEN_RECURSION breaks the recursion.  */
static int
db_h3_study (const db_setup *s, int variant, size_t n_h, const size_t *steps,
             size_t fine, size_t n, unsigned long seed, fc_doob_order_table *tab)
{
  size_t d = s->b.dim, nd = n * d, all[FC_DOOB_NH_MAX + 1];
  db_drift_params dp;
  db_drift_init (&dp, s, variant);
  fc_sde_system sys = { db_drift, NULL, s->b.sigma, d, &dp };
  double t_save[2] = { 0.5 * s->b.T, s->b.T };
  memcpy (all, steps, n_h * sizeof *all);
  all[n_h] = fine;
  db_h3_runs R = { s, &dp, n_h, fine, n, steps, NULL, NULL };
  R.xs = malloc ((3 * (n_h + 1) * nd + n) * sizeof *R.xs);
  double *x0 = malloc (nd * sizeof *x0);
  int status = R.xs && x0 ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    {
      R.det = R.xs + 2 * (n_h + 1) * nd;
      db_coupled c = { &sys, 0.0, s->b.T, fine, n_h + 1, all, n, seed,
                       variant == DB_H3_UNCOUPLED_PATHS ? fc_rng_stream_seed (seed, 1)
                                                        : seed,
                       n_h, 2, t_save, R.xs, R.det };
      db_fill_start (s, n, x0);
      status = db_coupled_run (&c, x0);
    }
  if (status == GSL_SUCCESS)
    status = db_h3_table (&R, variant != DB_H3_NOISY_LAST_STEP,
                          R.det + (n_h + 1) * nd, tab);
  free (R.xs), free (x0);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the order study", GSL_ENOMEM);
  return status;
}

/* The round-off floors of the errors (fc_study_ladder_above_floor): a
   state of the finest run carries at most FINE roundings of the size
   xmax = max |x0|, |x_T| plus four standard deviations sigma sqrt(T) of
   the paths' reach, so RMS and endpoint errors of positions have the floor
   fine eps xmax, and the second moments 2 xmax times it; the deterministic
   end point has db_endpoint_roundoff.  */
static double
db_h3_roundoff (const db_setup *s, size_t fine)
{
  double xmax = 0.0;
  for (size_t i = 0; i < s->b.dim; i++)
    xmax = GSL_MAX (xmax, GSL_MAX (fabs (s->x0[i]), fabs (s->x_T[i])));
  xmax += 4.0 * s->b.sigma * sqrt (s->b.T);
  return (double) fine * GSL_DBL_EPSILON * xmax;
}

/* Fitted order of ERR over H (n) on the leading steps whose error stays
   above FC_STUDY_FLOOR_MARGIN times the round-off FLOOR (no order is
   fitted in the floor), their number into *KEPT; NAN (and se NAN) when
   fewer than three steps are kept or an error is not finite.  */
static void
db_fit (size_t n, const double *h, const double *err, double floor,
        double *order, double *se, size_t *kept)
{
  double lc;
  *order = *se = NAN;
  *kept = fc_study_ladder_above_floor (n, err, floor);
  for (size_t k = 0; k < *kept; k++)
    if (!isfinite (err[k]))
      return;
  if (*kept < 3
      || fc_fd_order_fit (*kept, h, err, order, &lc, se) != GSL_SUCCESS)
    *order = *se = NAN;
}

static void
db_h3_fit_all (const db_setup *s, size_t fine, const fc_doob_order_table *t,
               fc_doob_orders *o)
{
  size_t n = t->n_h;
  double x_floor = db_h3_roundoff (s, fine);
  double x2_floor = 2.0 * (x_floor / ((double) fine * GSL_DBL_EPSILON)) * x_floor;
  double det_floor = db_endpoint_roundoff (s, s->b.sigma, (size_t) t->steps[n - 1]);
  db_fit (n, t->h, t->weak, x2_floor, &o->weak, &o->weak_se, &o->kept[0]);
  db_fit (n, t->h, t->strong, x_floor, &o->strong, &o->strong_se, &o->kept[1]);
  db_fit (n, t->h, t->endpoint, x_floor, &o->end, &o->end_se, &o->kept[2]);
  db_fit (n, t->h, t->weak_exact, x2_floor, &o->wexact, &o->wexact_se, &o->kept[3]);
  db_fit (n, t->h, t->endpoint_det, det_floor, &o->det, &o->det_se, &o->kept[4]);
}

int
fc_doob_order_study (fc_bridge_kind kind, size_t n_h, const size_t *steps,
                     size_t fine, size_t n, unsigned long seed,
                     fc_doob_order_table *tab, fc_doob_orders *o)
{
  if (n_h < 2 || n_h > FC_DOOB_NH_MAX)
    GSL_ERROR ("2 .. FC_DOOB_NH_MAX step counts", GSL_EINVAL);
  for (size_t k = 0; k < n_h; k++)
    if (steps[k] % 2 != 0 || fine % steps[k] != 0)
      GSL_ERROR ("step counts must be even and divide the fine steps", GSL_EINVAL);
  db_setup s;
  db_setup_init (&s, kind, DB_H3_DIM, FC_DOOB_T, FC_DOOB_SIGMA, 1.0);
  int status = db_h3_study (&s, DB_CLAIM, n_h, steps, fine, n, seed, tab);
  if (status == GSL_SUCCESS)
    db_h3_fit_all (&s, fine, tab, o);
  return status;
}

/* ------------------------------------------------------------ the claim */

/* Record the order NAME = ORDER of kind TEST with band FLOOR + 3 SE
   around EXPECTED (a NAN order, no fit above the floor, fails).  */
static void
db_order_metric (fc_verdict *v, fc_metric_test test, const char *name,
                 double order, double se, double expected, double floor)
{
  double band = floor + DB_H3_BAND_SE * (isfinite (se) ? se : 0.0);
  fc_verdict_decide (v, test, name, order, band, fabs (order - expected) <= band);
}

/* The endpoint order floor for N paths in dimension D over steps H_MAX
   to H_MIN (see DB_H3_END_FLOOR).  */
static double
db_endpoint_floor (size_t n, size_t d, double h_max, double h_min)
{
  return DB_H3_END_FLOOR
         + 6.0 / (sqrt (2.0 * (double) (n * d)) * log (h_max / h_min));
}

/* The fitted orders of BM (O[0]) and OU (O[1]).  The claim's orders
   decide (HOLDS): weak order 1 from the scheme's exact moment recursion
   (no Monte Carlo noise), strong order 1 at T/2 against the coupled fine
   reference, endpoint order 1/2 of plain Euler-Maruyama, order 2 of the
   OU's deterministic last step.  The coupled Monte Carlo weak orders, the
   same weak error with noise, are reported: weak_mc_z (below) shows that
   the recursion is the law of the simulated chain.  */
static void
db_h3_order_metrics (fc_verdict *v, const fc_doob_orders *o, double end_floor)
{
  static const char *const wx[2] = { "weak_order_exact", "weak_order_exact_ou" };
  static const char *const st[2] = { "strong_order", "strong_order_ou" };
  static const char *const en[2] = { "endpoint_order", "endpoint_order_ou" };
  for (int k = 0; k < 2; k++)
    {
      db_order_metric (v, FC_TEST_HOLDS, wx[k], o[k].wexact, o[k].wexact_se, 1.0,
                       DB_H3_FLOOR);
      db_order_metric (v, FC_TEST_HOLDS, st[k], o[k].strong, o[k].strong_se, 1.0,
                       DB_H3_FLOOR);
      db_order_metric (v, FC_TEST_HOLDS, en[k], o[k].end, o[k].end_se, 0.5,
                       end_floor);
    }
  db_order_metric (v, FC_TEST_HOLDS, "endpoint_det_order_ou", o[1].det, o[1].det_se,
                   2.0, DB_H3_DET_FLOOR);
  db_order_metric (v, FC_TEST_NONE, "weak_order", o[0].weak, o[0].weak_se, 1.0,
                   DB_H3_FLOOR);
  db_order_metric (v, FC_TEST_NONE, "weak_order_ou", o[1].weak, o[1].weak_se, 1.0,
                   DB_H3_FLOOR);
}

/* The Brownian bridge with the deterministic last step ends at x_T to
   round-off at every step count: the largest error and band (HOLDS,
   passing when every error is within its band).  */
static void
db_h3_endpoint_det_bm (fc_verdict *v, const fc_doob_order_table *t)
{
  double det = 0.0, det_band = 0.0;
  int ok = 1;
  for (size_t k = 0; k < t->n_h; k++)
    {
      det = GSL_MAX (det, t->endpoint_det[k]);
      det_band = GSL_MAX (det_band, t->det_band[k]);
      ok = ok && t->endpoint_det[k] <= t->det_band[k];
    }
  fc_verdict_decide (v, FC_TEST_HOLDS, "endpoint_det_bm", det, det_band, ok);
}

/* The fewest steps an order was fitted on (of DB_H3_NH), over the fits
   that have one: where the ladders stop above the round-off floor.  */
static size_t
db_h3_kept_min (const fc_doob_orders *o)
{
  size_t kept = DB_H3_NH;
  for (int k = 0; k < 2; k++)
    for (int c = 0; c < 4; c++)
      kept = GSL_MIN (kept, o[k].kept[c]);
  return GSL_MIN (kept, o[1].kept[4]);
}

int
db_check_h3 (const fc_run_options *opt, fc_verdict *v)
{
  size_t n = FC_SIZES (db_size_plan, opt)->h3_n;
  db_setup s[2];
  fc_doob_order_table tab[2];
  fc_doob_orders o[2];
  int status = GSL_SUCCESS;
  for (int k = 0; k < 2 && status == GSL_SUCCESS; k++)
    {
      db_setup_init (&s[k], k ? FC_BRIDGE_OU : FC_BRIDGE_BM, DB_H3_DIM, FC_DOOB_T,
                     FC_DOOB_SIGMA, 1.0);
      fc_module_progress (opt, "%s: %zu paths, steps 8 .. 256 against %d fine steps",
                          db_kind_name (s[k].b.kind), n, DB_H3_FINE);
      status = db_h3_study (&s[k], fc_control_variant (opt), DB_H3_NH, db_h3_steps,
                            DB_H3_FINE, n, fc_module_seed (opt, DB_TAG_H3 + k),
                            &tab[k]);
      if (status == GSL_SUCCESS)
        db_h3_fit_all (&s[k], DB_H3_FINE, &tab[k], &o[k]);
    }
  if (status)
    return status;
  double end_floor = db_endpoint_floor (n, DB_H3_DIM, tab[0].h[0],
                                        tab[0].h[DB_H3_NH - 1]);
  db_h3_order_metrics (v, o, end_floor);
  db_h3_endpoint_det_bm (v, &tab[0]);
  /* VALID: the coupled Monte Carlo weak errors agree with the recursion's
     w(h) - w(h_ref) within the Bonferroni band of the 2 n_h comparisons,
     so the recursion whose order decides is the simulated scheme's.  */
  double mc_z = GSL_MAX (tab[0].mc_z, tab[1].mc_z);
  double z_band = fc_compare_z_band (FC_DOOB_MC_ALPHA, 2 * DB_H3_NH);
  fc_verdict_decide (v, FC_TEST_VALID, "weak_mc_z", mc_z, z_band, mc_z <= z_band);
  size_t kept = db_h3_kept_min (o);
  fc_verdict_report (v, "ladder_steps_fitted_min", (double) kept, NAN);
  for (int k = 0; k < 2; k++)
    fc_module_progress (opt, "%s: weak %.3f (exact recursion %.3f), strong %.3f, "
                        "endpoint %.3f, deterministic last step %.3g .. %.3g "
                        "(order %.2f); MC vs recursion |z| %.2f",
                        db_kind_name (s[k].b.kind), o[k].weak, o[k].wexact,
                        o[k].strong, o[k].end, tab[k].endpoint_det[0],
                        tab[k].endpoint_det[DB_H3_NH - 1], o[k].det, tab[k].mc_z);
  fc_module_progress (opt, "every order fitted on at least %zu of %d steps above "
                      "ten times its round-off floor", kept, DB_H3_NH);
  fc_verdict_note (v, "BM/OU: weak %.2f/%.2f (recursion), strong %.2f/%.2f, endpoint "
                   "%.2f/%.2f; deterministic last step: BM end err %.1g, OU order %.2f",
                   o[0].wexact, o[1].wexact, o[0].strong, o[1].strong, o[0].end,
                   o[1].end, fc_verdict_get (v, "endpoint_det_bm"), o[1].det);
  if (opt->figures != NULL)
    {
      db_figures *fig = opt->figures;
      for (int k = 0; k < 2; k++)
        fig->orders[k] = tab[k], fig->fits[k] = o[k];
      fig->orders_n = n;
      fig->orders_done = 1;
    }
  return GSL_SUCCESS;
}
