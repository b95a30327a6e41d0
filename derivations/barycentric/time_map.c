/* derivations/barycentric/time_map.c -- B7: the note's time map
 * t(s) = s + (sum_n a_n sin(pi s / 2))^2 as a path from 0 to 1 (N §What we
 * need to do).
 *
 * At s = 1, sin(pi s / 2) = 1, so t(1) = 1 + (sum a)^2: the map misses
 * its end whenever sum a != 0, and it depends on a only through sum a.
 * The corrected map tau(s; a) (fc_time_map_eval: a normalised integral of
 * a positive rate) has exact ends and is monotone for every a.  Both are
 * measured the same way on random a at several amplitude scales: the
 * stated map's figures decide the claim (HOLDS), the corrected map's show
 * that the same measurement confirms a map that does end at 1 (VALID).  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "barycentric_internal.h"
#include "fc_pathcost.h"
#include "fc_rng.h"

#define BC_B7_MODES 3
#define BC_B7_DRAWS 6
#define BC_B7_GRID 200

/* Amplitude scales of the random parameters a_n ~ N(0, scale^2): the
   stated map at ordinary sizes, the corrected map up to large ones.  */
static const double bc_b7_scale[BC_B7_DRAWS] = { 0.3, 0.5, 1.0, 1.0, 10.0, 30.0 };

static void
bc_b7_params (const fc_run_options *opt, size_t d, double *a)
{
  gsl_rng *r = fc_rng_alloc (fc_module_seed (opt, BC_TAG_B7), d);
  for (size_t n = 0; n < BC_B7_MODES; n++)
    a[n] = bc_b7_scale[d] * gsl_ran_gaussian (r, 1.0);
  gsl_rng_free (r);
}

/* A time map as a run measures it: the note's t(s) (NOTE), or the
   corrected tau(s; a) times SCALE (1, or the broken form of control
   BC_B7_CORRECTED_OFF).  */
typedef struct
{
  int note;
  double scale;
} bc_b7_form;

static double
bc_b7_map (const bc_b7_form *f, const double *a, double s)
{
  double tau;
  if (f->note)
    return fc_time_map_note (BC_B7_MODES, a, s);
  return fc_time_map_eval (BC_B7_MODES, a, s, &tau, NULL) == GSL_SUCCESS
             ? f->scale * tau : GSL_NAN;
}

/* A map on one draw: its miss at s = 1, the largest difference from the
   map of (sum a, 0, 0) (the note's depends on a only through sum a; 0
   unless WITH_COLLAPSE), its smallest slope and its largest value on the
   grid.  */
typedef struct
{
  double miss, collapse, slope, tmax;
} bc_b7_shape;

static void
bc_b7_measure (const bc_b7_form *f, const double *a, int with_collapse,
               bc_b7_shape *m)
{
  double one[BC_B7_MODES] = { 0 };
  for (size_t n = 0; n < BC_B7_MODES; n++)
    one[0] += a[n];
  m->miss = bc_b7_map (f, a, 1.0) - 1.0;
  m->collapse = 0.0, m->slope = GSL_POSINF, m->tmax = 0.0;
  double prev = bc_b7_map (f, a, 0.0);
  for (size_t i = 1; i <= BC_B7_GRID; i++)
    {
      double s = (double) i / BC_B7_GRID, t = bc_b7_map (f, a, s);
      if (with_collapse) /* the stated map's only: it costs a second map */
        m->collapse = GSL_MAX (m->collapse, fabs (t - bc_b7_map (f, one, s)));
      m->slope = GSL_MIN (m->slope, (t - prev) * BC_B7_GRID);
      m->tmax = GSL_MAX (m->tmax, t);
      prev = t;
    }
}

/* The round-off of t(1) - 1: a few operations on numbers of size
   1 + |t(1)|, BC_B7_ROUND (2 + miss).  */
#define BC_B7_ROUND (8.0 * GSL_DBL_EPSILON)

/* The extremes of a map over the draws.  */
typedef struct
{
  double miss_max, miss_min, collapse, slope_min, tmax, tol;
  char misses[120];
} bc_b7_tally;

static void
bc_b7_add (bc_b7_tally *t, const bc_b7_shape *m)
{
  char part[24];
  t->tol = GSL_MAX (t->tol, BC_B7_ROUND * (2.0 + fabs (m->miss)));
  t->miss_max = GSL_MAX (t->miss_max, fabs (m->miss));
  t->miss_min = GSL_MIN (t->miss_min, fabs (m->miss));
  t->collapse = GSL_MAX (t->collapse, m->collapse);
  t->slope_min = GSL_MIN (t->slope_min, m->slope);
  t->tmax = GSL_MAX (t->tmax, m->tmax);
  snprintf (part, sizeof part, "%s%.3g", t->misses[0] ? " " : "", m->miss);
  strncat (t->misses, part, sizeof t->misses - strlen (t->misses) - 1);
}

/* The figures of a map's tally T under the prefix PRE (stated or
   corrected) into V: deciding, of kind TEST, its miss at s = 1 (a path
   from 0 to 1 ends at 1) and its overshoot max t - 1 (an endomorphism
   of [0, 1] stays at or below 1), each within round-off; reported, its
   smallest miss, the stated map's collapse onto sum a and its least slope
   (every map here is monotone by construction: the note's has slope
   >= 1, the corrected one a positive rate).  */
static void
bc_b7_record (fc_verdict *v, const bc_b7_tally *t, const char *pre,
              fc_metric_test test)
{
  char m[FC_VERDICT_NAME_LEN];
  snprintf (m, sizeof m, "%s_end_miss_max", pre);
  fc_verdict_decide (v, test, m, t->miss_max, t->tol, t->miss_max <= t->tol);
  snprintf (m, sizeof m, "%s_overshoot", pre);
  fc_verdict_decide (v, test, m, t->tmax - 1.0, t->tol,
                     t->tmax - 1.0 <= t->tol);
  snprintf (m, sizeof m, "%s_end_miss_min", pre);
  fc_verdict_report (v, m, t->miss_min, t->tol);
  if (test == FC_TEST_HOLDS)
    {
      snprintf (m, sizeof m, "%s_collapse_to_sum", pre);
      fc_verdict_report (v, m, t->collapse, t->tol);
    }
  snprintf (m, sizeof m, "%s_min_slope", pre);
  fc_verdict_report (v, m, t->slope_min, GSL_NAN);
}

/* Controls.  BC_B7_CORRECTED_MAP: the corrected tau(s; a) judged in
   place of the note's t(s) as the stated map: exact ends, so the claim's
   figures must pass (CONFIRMED).  BC_B7_CORRECTED_OFF: the corrected map
   scaled by 1 + BC_B7_OFF (1e-12, 4500 eps): it misses its end by 1e-12,
   far above the round-off tolerance (~ 2e-15), so the corrected map's
   figures must fail and the check must not decide (NONE).  */
#define BC_B7_OFF 1e-12

int
bc_check_b7 (const fc_run_options *opt, fc_verdict *v)
{
  int variant = fc_control_variant (opt);
  const bc_b7_form corrected
      = { 0, variant == BC_B7_CORRECTED_OFF ? 1.0 + BC_B7_OFF : 1.0 };
  const bc_b7_form note = { 1, 1.0 };
  const bc_b7_form *stated = variant == BC_B7_CORRECTED_MAP ? &corrected : &note;
  bc_b7_tally ts = { 0.0, GSL_POSINF, 0.0, GSL_POSINF, 0.0, 0.0, "" };
  bc_b7_tally tc = ts;
  for (size_t d = 0; d < BC_B7_DRAWS; d++)
    {
      double a[BC_B7_MODES];
      bc_b7_shape m;
      bc_b7_params (opt, d, a);
      bc_b7_measure (&corrected, a, 0, &m);
      bc_b7_add (&tc, &m);
      if (bc_b7_scale[d] > 1.0)
        continue; /* the stated map at ordinary sizes only */
      bc_b7_measure (stated, a, 1, &m);
      bc_b7_add (&ts, &m);
      fc_module_progress (opt, "draw %zu: a = (%.4g, %.4g, %.4g), stated "
                          "t(1) - 1 = %.6g", d, a[0], a[1], a[2], m.miss);
    }
  if (!isfinite (tc.miss_max) || !isfinite (ts.miss_max))
    GSL_ERROR ("the corrected time map failed", GSL_EFAILED);
  bc_b7_record (v, &ts, "stated", FC_TEST_HOLDS);
  bc_b7_record (v, &tc, "corrected", FC_TEST_VALID);
  fc_verdict_note (v, "%s t(1) - 1 = %s; max t = %.3g; depends on a only "
                   "via sum a%s; corrected map: |tau(1) - 1| <= %.2g, max "
                   "tau - 1 = %.2g",
                   stated->note ? "note's" : "stated (corrected map)",
                   ts.misses, ts.tmax, ts.collapse <= ts.tol ? "" : " (NOT)",
                   tc.miss_max, tc.tmax - 1.0);
  return GSL_SUCCESS;
}
