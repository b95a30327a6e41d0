/* tests/check_doob_well.c -- claim H1 of module `doob` whole: the
 * Gaussian bridges against their exact marginals and the double well's
 * h-transform against rejection-conditioned paths
 * (derivations/doob/h1_marginals.c, h1_double_well.c), and the double
 * well's control.  The double well is the costly part of the module's
 * tests, so it has its own suite, run beside check_doob.
 *
 * At the quick sizes and the fixed seed: H1 is CONFIRMED (CATALOG.md,
 * H1), each metric within the tolerance the module derived and recorded
 * beside it (Bonferroni z bands, two-sample and chi-square levels, the
 * systematic-error bounds in standard errors, the grid order band), and
 * the double-well figure data H1 stores hold the mass of the densities
 * they show; the control without the h-term is REFUTED with a decisive
 * p-value: a check that cannot fail checks nothing.  */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "fc_check.h"
#include "fc_module.h"
#define FC_CK_MODULE "doob"
#include "fc_check_module.h"
#include "doob/doob_internal.h"

/* "Decisive": the chi-square p-value of the control against the
   exact-grid density below DECISIVE_P, ten orders of magnitude under the
   test's level, and a moment z-score above twice the band.  */
#define DECISIVE_P 1e-12

/* The metrics of H1's Gaussian part, within their bands.  */
static void
assert_gaussian_part (const fc_verdict *v)
{
  assert_below (v, "z_max_bm", "z_max_ou");
  assert_above (v, "ts_pmin_bm", "ts_pmin_ou");
  assert_below (v, "em_bias_z", "endpoint_err_bm", "endpoint_err_ou");
}

/* The metrics of H1's double-well part, within their bands.  */
static void
assert_double_well_part (const fc_verdict *v)
{
  assert_below (v, "well_z_mean", "well_z_var", "well_accept_z");
  assert_above (v, "well_two_sample_p", "well_chisq_p_h", "well_chisq_p_ref",
                "well_n_accepted");
  assert_below (v, "well_grid_err_z", "well_eps_bias_z", "well_em_bias_z",
                "well_clamped_frac");
  const fc_metric *o = metric (v, "well_grid_order");
  fc_ck_assert_abs (o->value, 2.0, o->tolerance, "grid order of q");
}

/* The bin averages of q over [-2.4, 2.4] (width 0.1) hold its mass but
   for the tails beyond, below 1e-6 for this law, at both times; the
   histogram of the h-transform sample holds all but the draws outside.  */
static void
assert_double_well_figure (const db_figures *fig)
{
  double w = 2.0 * DB_WELL_FIG_BOX / DB_WELL_FIG_BINS;
  ck_assert (fig->well_done);
  for (size_t j = 0; j < FC_DOOB_WELL_NT; j++)
    {
      double mass_h = 0.0, mass_q = 0.0;
      for (size_t i = 0; i < DB_WELL_FIG_BINS; i++)
        {
          mass_h += fig->well[DB_WELL_FIG_COLS * j][i] * w;
          mass_q += fig->well[DB_WELL_FIG_COLS * j + 2][i] * w;
        }
      fc_ck_assert_rel (mass_q, 1.0, 1e-6, "mass of q over the bins, time %zu", j);
      ck_assert (mass_h > 0.99 && mass_h <= 1.0 + TOL_EPS (100));
    }
}

FC_TEST ("double_well", test_h1_h_transform_conditions_on_the_end_point)
{
  const fc_module *m = module_under_test ();
  const fc_claim *c = claim_under_test ("H1");
  db_figures *fig = fc_module_figures_alloc (m);
  ck_assert_ptr_nonnull (fig);
  fc_run_options opt = quick_options (SEED);
  opt.figures = fig;
  fc_verdict v;
  int status = fc_claim_run (m, c, &opt, &v);
  assert_verdict (&v, "H1", status, FC_VERDICT_CONFIRMED);
  ck_assert_int_eq (c->expected, FC_VERDICT_CONFIRMED);
  assert_gaussian_part (&v);
  assert_double_well_part (&v);
  assert_double_well_figure (fig);
  fc_module_figures_free (m, fig);
}
END_TEST

FC_TEST ("double_well", test_h1_dropping_the_h_term_is_refuted_decisively)
{
  fc_verdict v;
  run_control ("H1", "no_h_term", FC_VERDICT_REFUTED, &v);
  ck_assert_uint_le (v.n_metrics, 12);
  const fc_metric *p = metric (&v, "well_chisq_p_h");
  ck_assert_msg (p->value < DECISIVE_P, "chi-square p %.3g", p->value);
  const fc_metric *t = metric (&v, "well_two_sample_p");
  ck_assert_msg (t->value < t->tolerance, "two-sample p %.3g", t->value);
  const fc_metric *z = metric (&v, "well_z_mean");
  ck_assert_msg (z->value > 2.0 * z->tolerance, "z %.3g", z->value);
  /* The reference does not depend on the h-term: it still agrees.  */
  assert_above (&v, "well_chisq_p_ref");
  assert_below (&v, "well_accept_z");
}
END_TEST

FC_CK_MAIN ("doob_well")
