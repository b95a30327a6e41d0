/* derivations/barycentric/time_map.c -- B7: the note's time map
 * t(s) = s + (sum_n a_n sin(pi s / 2))^2 as a path from 0 to 1 (N §What we
 * need to do).
 *
 * At s = 1, sin(pi s / 2) = 1, so t(1) = 1 + (sum a)^2: the map misses its end whenever sum a != 0, and it
 * depends on a only through sum a.  The corrected map tau(s; a)
 * (fc_time_map_eval: a normalised integral of a positive rate) has exact
 * ends and is monotone for every a.  Both are measured on random a at
 * several amplitude scales.  */
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
   note's map at ordinary sizes, the corrected map up to large ones.  */
static const double bc_b7_scale[BC_B7_DRAWS] = { 0.3, 0.5, 1.0, 1.0, 10.0, 30.0 };

static void
bc_b7_params (const fc_run_options *opt, size_t d, double *a)
{
  gsl_rng *r = fc_rng_alloc (fc_module_seed (opt, BC_TAG_B7), d);
  for (size_t n = 0; n < BC_B7_MODES; n++)
    a[n] = bc_b7_scale[d] * gsl_ran_gaussian (r, 1.0);
  gsl_rng_free (r);
}

/* The map the run judges as "a path from 0 to 1" at S: the note's, or in
   control BC_B7_CORRECTED_MAP the corrected tau, whose ends are exact, so
   the check must confirm it.  */
static double
bc_b7_map (int corrected, const double *a, double s)
{
  double tau;
  if (!corrected)
    return fc_time_map_note (BC_B7_MODES, a, s);
  return fc_time_map_eval (BC_B7_MODES, a, s, &tau, NULL) == GSL_SUCCESS
             ? tau : GSL_NAN;
}

/* The judged map on one draw: its miss at s = 1, the largest difference
   from the map of (sum a, 0, 0) (the note's depends on a only through
   sum a), its smallest slope and its largest value on the grid.  */
typedef struct
{
  double miss, collapse, slope, tmax;
} bc_b7_shape;

static void
bc_b7_judged (int corrected, const double *a, bc_b7_shape *m)
{
  double one[BC_B7_MODES] = { 0 };
  for (size_t n = 0; n < BC_B7_MODES; n++)
    one[0] += a[n];
  m->miss = bc_b7_map (corrected, a, 1.0) - 1.0;
  m->collapse = 0.0, m->slope = GSL_POSINF, m->tmax = 0.0;
  double prev = bc_b7_map (corrected, a, 0.0);
  for (size_t i = 1; i <= BC_B7_GRID; i++)
    {
      double s = (double) i / BC_B7_GRID, t = bc_b7_map (corrected, a, s);
      m->collapse = GSL_MAX (m->collapse, fabs (t - bc_b7_map (corrected, one, s)));
      m->slope = GSL_MIN (m->slope, (t - prev) * BC_B7_GRID);
      m->tmax = GSL_MAX (m->tmax, t);
      prev = t;
    }
}

/* The corrected map on one draw: its end errors and whether it is
   non-decreasing on the grid (strictly wherever tau' / grid exceeds the
   rounding of tau, 8 eps).  */
static int
bc_b7_corrected (const double *a, double *end_err, int *monotone)
{
  double tau, dtau, prev = 0.0;
  int status = fc_time_map_eval (BC_B7_MODES, a, 0.0, &tau, NULL);
  *end_err = fabs (tau);
  status |= fc_time_map_eval (BC_B7_MODES, a, 1.0, &tau, NULL);
  *end_err += fabs (tau - 1.0);
  *monotone = 1;
  for (size_t i = 1; status == GSL_SUCCESS && i < BC_B7_GRID; i++)
    {
      status = fc_time_map_eval (BC_B7_MODES, a, (double) i / BC_B7_GRID,
                                 &tau, &dtau);
      int strict = dtau / BC_B7_GRID > 8.0 * GSL_DBL_EPSILON;
      *monotone &= strict ? tau > prev : tau >= prev;
      prev = tau;
    }
  return status;
}

/* Verdict rule (B7): the judged map is REFUTED as a path from 0 to 1 when
   t(1) - 1 exceeds its round-off (BC_B7_ROUND (1 + t(1)) for a few
   operations) in some draw, while the corrected map has exact ends and is
   monotone in every draw; CONFIRMED when the judged map meets t(1) = 1 in
   every draw; APPROXIMATE when the corrected map itself fails.  */
#define BC_B7_ROUND (8.0 * GSL_DBL_EPSILON)

/* The extremes over the draws.  */
typedef struct
{
  double miss_max, miss_min, collapse, slope_min, tmax, end_err, tol;
  int monotone;
  char misses[120];
} bc_b7_tally;

static void
bc_b7_add (bc_b7_tally *t, size_t d, const bc_b7_shape *m)
{
  char part[24];
  t->tol = GSL_MAX (t->tol, BC_B7_ROUND * (2.0 + m->miss));
  t->miss_max = GSL_MAX (t->miss_max, m->miss);
  t->miss_min = GSL_MIN (t->miss_min, m->miss);
  t->collapse = GSL_MAX (t->collapse, m->collapse);
  t->slope_min = GSL_MIN (t->slope_min, m->slope);
  t->tmax = GSL_MAX (t->tmax, m->tmax);
  snprintf (part, sizeof part, "%s%.3g", d ? " " : "", m->miss);
  strncat (t->misses, part, sizeof t->misses - strlen (t->misses) - 1);
}

static void
bc_b7_record (fc_verdict *v, const bc_b7_tally *t, int corrected)
{
  const char *pre = corrected ? "corrected" : "note";
  char m[FC_VERDICT_NAME_LEN];
  snprintf (m, sizeof m, "%s_end_miss_max", pre);
  fc_verdict_add (v, m, t->miss_max, t->tol);
  snprintf (m, sizeof m, "%s_end_miss_min", pre);
  fc_verdict_add (v, m, t->miss_min, t->tol);
  snprintf (m, sizeof m, "%s_collapse_to_sum", pre);
  fc_verdict_add (v, m, t->collapse, t->tol);
  snprintf (m, sizeof m, "%s_min_slope", pre);
  fc_verdict_add (v, m, t->slope_min, GSL_NAN);
  snprintf (m, sizeof m, "%s_max_t", pre);
  fc_verdict_add (v, m, t->tmax, 1.0);
  fc_verdict_add (v, "corrected_end_error", t->end_err, 0.0);
  fc_verdict_add (v, "corrected_monotone", t->monotone, 1.0);
}

int
bc_check_b7 (const fc_run_options *opt, fc_verdict *v)
{
  int variant = fc_control_variant (opt);
  int corrected = variant == BC_B7_CORRECTED_MAP;
  bc_b7_tally t = { 0.0, GSL_POSINF, 0.0, GSL_POSINF, 0.0, 0.0, 0.0, 1, "" };
  for (size_t d = 0; d < BC_B7_DRAWS; d++)
    {
      double a[BC_B7_MODES], ee;
      int mono;
      bc_b7_params (opt, d, a);
      int status = bc_b7_corrected (a, &ee, &mono);
      if (status)
        return status;
      t.end_err = GSL_MAX (t.end_err, ee);
      t.monotone &= mono;
      if (bc_b7_scale[d] > 1.0)
        continue; /* the judged map at ordinary sizes only */
      bc_b7_shape m;
      bc_b7_judged (corrected, a, &m);
      bc_b7_add (&t, d, &m);
      fc_module_progress (opt, "draw %zu: a = (%.4g, %.4g, %.4g), %s t(1) - 1 "
                          "= %.6g", d, a[0], a[1], a[2],
                          corrected ? "corrected" : "note", m.miss);
    }
  bc_b7_record (v, &t, corrected);
  int misses = t.miss_max > t.tol;
  int corrected_ok = t.end_err == 0.0 && t.monotone;
  v->verdict = !corrected_ok ? FC_VERDICT_APPROXIMATE
               : misses      ? FC_VERDICT_REFUTED
                             : FC_VERDICT_CONFIRMED;
  fc_verdict_note (v, "%s = %s; depends on a only via sum a%s; "
                   "%smonotone, max t = %.3g; corrected map: exact ends, "
                   "%smonotone",
                   corrected ? "corrected map judged: t(1) - 1"
                             : "note's t(1) - 1 = (sum a)^2",
                   t.misses, t.collapse <= t.tol ? "" : " (NOT)",
                   t.slope_min > 0.0 ? "" : "not ", t.tmax,
                   t.monotone ? "" : "NOT ");
  return GSL_SUCCESS;
}
