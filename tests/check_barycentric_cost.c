/* tests/check_barycentric_cost.c -- claims B6-B8 of module `barycentric`
 * (N §Albergo et al. 2023 "Optimisation of path", §What we need to do,
 * §Chat 3/11/2023) at the quick sizes, and the learning trace the figure
 * path-cost draws (their controls are tested in check_barycentric).
 *
 * Each claim test asserts the catalog's expected verdict (written here)
 * and the decisive metrics against the tolerances the module derived
 * beside them (quadrature error estimates; Z_MAX standard errors for Monte
 * Carlo figures; round-off for the end points).  Also: the note's time
 * map, used as a block schedule, does not reach the end (1, 1): its
 * end-point cost integrand is evaluated outside the unit square and is
 * refused.  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fc_check.h"
#include "fc_module.h"
#include "fc_pathcost.h"
#define FC_CK_MODULE "barycentric"
#include "fc_check_module.h"

static const char *const b6_problems[]
    = { "gauss1d", "gauss2d", "mixture2d", "gauss1d_narrow" };

FC_CLAIM_TEST (test_b6_cost_above_bound_and_learned_not_above_straight,
               "B6", FC_VERDICT_CONFIRMED)
{
  char name[FC_VERDICT_NAME_LEN];
  for (size_t i = 0; i < sizeof b6_problems / sizeof b6_problems[0]; i++)
    {
      snprintf (name, sizeof name, "%s_bound_excess", b6_problems[i]);
      assert_below (v, name);
      snprintf (name, sizeof name, "%s_learned_minus_straight", b6_problems[i]);
      /* Learning lowers the cost beyond the band (the deciding figure's
         criterion).  */
      const fc_metric *d = metric (v, name);
      ck_assert_msg (d->value < -d->tolerance && d->pass == 1,
                     "%s = %.17g, band %.17g", name, d->value, d->tolerance);
      /* Exact ends and a path in the simplex, by construction: reported.  */
      snprintf (name, sizeof name, "%s_endpoint_error", b6_problems[i]);
      assert_below (v, name);
      ck_assert (metric (v, name)->test == FC_TEST_NONE);
      snprintf (name, sizeof name, "%s_gap_closed", b6_problems[i]);
      double g = metric (v, name)->value;
      /* A fraction of a gap: learned between the bound and straight.  */
      ck_assert_msg (g >= -1.0 && g <= 1.0, "%s = %.17g", name, g);
    }
  /* The wide helper closes a clear part of the 1-D gap, more than the
     edge reparameterisation alone (the narrow-helper problem).  */
  ck_assert (metric (v, "gauss1d_gap_closed")->value
             > metric (v, "gauss1d_narrow_gap_closed")->value);
  /* With mixture end points the band is Z_MAX paired standard errors on
     draws independent of those the path was learned on.  */
  const fc_metric *d = metric (v, "mixture2d_learned_minus_straight");
  ck_assert_msg (d->tolerance > 0.0 && d->tolerance < 0.1,
                 "mixture2d band %.17g", d->tolerance);
}

FC_CLAIM_TEST (test_b7_note_map_misses_end_and_corrected_map_does_not,
               "B7", FC_VERDICT_REFUTED)
{
  /* The note's map misses t(1) = 1 by (sum a)^2 in every draw, far beyond
     round-off, leaves [0, 1], and depends on a only through sum a.  */
  const fc_metric *m = metric (v, "stated_end_miss_min");
  ck_assert_msg (m->value > 1e6 * m->tolerance, "miss %.17g", m->value);
  assert_below (v, "stated_collapse_to_sum");
  ck_assert (metric (v, "stated_overshoot")->pass == 0);
  ck_assert (metric (v, "stated_end_miss_max")->pass == 0);
  /* The corrected map, measured the same way, ends at 1 and stays in
     [0, 1] (VALID), and never decreases (reported: its rate is positive
     by construction; at the amplitude 30 it underflows to 0 on parts of
     the grid).  */
  assert_below (v, "corrected_end_miss_max", "corrected_overshoot");
  ck_assert (metric (v, "corrected_end_miss_max")->test == FC_TEST_VALID);
  ck_assert (metric (v, "corrected_min_slope")->value >= 0.0);
  ck_assert (metric (v, "corrected_min_slope")->test == FC_TEST_NONE);
}

FC_CLAIM_TEST (test_b8_learned_no_worse_and_separate_vertices_lose_correlation,
               "B8", FC_VERDICT_CONFIRMED)
{
  /* The learned schedule lowers the cost beyond the quadrature errors
     and stays above W2^2 (reported: B6 decides the bound); separate
     vertices lose the correlation the joint construction keeps.  */
  const fc_metric *d = metric (v, "learned_minus_diagonal");
  ck_assert_msg (d->value < -d->tolerance, "%.17g vs %.17g", d->value,
                 d->tolerance);
  assert_below (v, "w2sq_lower_bound", "z_joint_vs_data", "z_separate_vs_zero");
  assert_above (v, "z_joint_minus_separate");
  ck_assert (metric (v, "z_joint_vs_data")->test == FC_TEST_VALID);
}

/* The note's map t(s) = s + (sum a sin(pi s / 2))^2 as a block schedule
   overshoots: at s = 1 the block time is 1 + (sum a)^2, outside [0, 1],
   where the block law is not defined -- the cost integrand is refused.  */
FC_TEST ("claims", test_note_map_schedule_leaves_the_unit_square)
{
  double mean[2] = { 2.0, -0.3 }, cov[4] = { 0.25, 0.6, 0.6, 2.25 }, s2;
  fc_block_problem bp = { 1, 1, mean, cov };
  double a[2] = { 0.381966, 0.2 };
  double t1 = fc_time_map_note (2, a, 1.0);
  ck_assert (t1 > 1.0);
  ck_assert_int_eq (fc_block_speed2 (&bp, t1, t1, 1.0, 1.0, &s2), GSL_EDOM);
  double tau;
  ck_assert_int_eq (fc_time_map_eval (2, a, 1.0, &tau, NULL), GSL_SUCCESS);
  ck_assert (tau == 1.0);
  ck_assert_int_eq (fc_block_speed2 (&bp, tau, tau, 1.0, 1.0, &s2), GSL_SUCCESS);
}
END_TEST

/* The rows of DIR/path-cost.dat (iteration, cost, straight_cost,
   lower_bound, start) are the best objective so far from the straight
   path: never increasing and never above the straight cost, which they
   start at (rows compared exactly: the file holds %.17g).  Returns the
   number of rows, or 0 on a violation.  */
static size_t
path_cost_trace_rows (const char *dir)
{
  char path[1024], line[512];
  snprintf (path, sizeof path, "%s/path-cost.dat", dir);
  FILE *f = fopen (path, "r");
  if (f == NULL)
    return 0;
  size_t rows = 0;
  int ok = 1;
  double prev = 0.0;
  while (fgets (line, sizeof line, f) != NULL)
    {
      double it, c, s, b;
      int start;
      if (sscanf (line, "%lf %lf %lf %lf %d", &it, &c, &s, &b, &start) != 5)
        continue;
      if (it == 0.0)
        ok &= c == s && start == -1;
      else
        ok &= c <= prev && c <= s && start >= 0;
      prev = c;
      rows++;
    }
  fclose (f);
  return ok ? rows : 0;
}

/* Remove the data files of the module's figure list from DIR, and DIR.  */
static void
remove_figure_data (const fc_module *m, const char *dir)
{
  char path[1024];
  for (size_t i = 0; i < m->n_figures; i++)
    for (size_t d = 0; d < FC_FIGURE_MAX_DATA && m->figures[i].data[d]; d++)
      {
        snprintf (path, sizeof path, "%s/%s", dir, m->figures[i].data[d]);
        ck_assert_int_eq (unlink (path), 0);
      }
  ck_assert_int_eq (rmdir (dir), 0);
}

FC_TEST ("claims", test_b6_learning_trace_never_rises_above_the_straight_path)
{
  const fc_module *m = module_under_test ();
  void *record = fc_module_figures_alloc (m);
  ck_assert_ptr_nonnull (record);
  fc_run_options opt = quick_options (SEED);
  opt.figures = record;
  fc_verdict v;
  ck_assert_int_eq (fc_claim_run (m, claim_under_test ("B6"), &opt, &v),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_claim_run (m, claim_under_test ("B8"), &opt, &v),
                    GSL_SUCCESS);
  char dir[] = "/tmp/fc-bary-cost-XXXXXX";
  ck_assert_ptr_nonnull (mkdtemp (dir));
  opt.figures = NULL;
  opt.out_dir = dir;
  ck_assert_int_eq (fc_module_figures_write (m, &opt, record), GSL_SUCCESS);
  fc_module_figures_free (m, record);
  ck_assert (path_cost_trace_rows (dir) > 10);
  remove_figure_data (m, dir);
}
END_TEST

FC_CK_MAIN ("barycentric_cost")
