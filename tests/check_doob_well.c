/* tests/check_doob_well.c -- claim H1 of module `doob` whole: the
 * Gaussian bridges against their exact marginals and the double well's
 * h-transform against rejection-conditioned paths
 * (derivations/doob/h1_marginals.c, h1_double_well.c) and the coupled
 * 2-D double well's (h1_well2d.c), and the wells' control.  The double
 * wells are the costly part of the module's tests, so they have their own
 * suite, run beside check_doob.
 *
 * At the quick sizes and the fixed seed: H1 is CONFIRMED (CATALOG.md,
 * H1), each deciding figure of the kind it is (HOLDS: the claim's
 * comparisons; VALID: the references and the systematic errors) and
 * within the tolerance the module derived and recorded beside it
 * (Bonferroni z bands, two-sample and chi-square levels, the summed
 * systematic-error bound in standard errors), and the double-well figure
 * data H1 stores hold the mass of the densities they show; the control
 * without the h-term is REFUTED in both wells with decisive figures: a
 * check that cannot fail checks nothing.  */
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

/* Each deciding figure of the NULL-terminated list NAMES is of kind TEST
   and passes (PASS 1) or fails (PASS 0).  */
static void
assert_deciding (const fc_verdict *v, fc_metric_test test, int pass,
                 const char *const *names)
{
  for (size_t i = 0; names[i] != NULL; i++)
    {
      const fc_metric *m = metric (v, names[i]);
      ck_assert_msg (m->test == test && m->pass == pass,
                     "%s %s = %.17g (tolerance %.17g): %s, pass %d", v->id, names[i],
                     m->value, m->tolerance, fc_metric_test_name (m), m->pass);
    }
}

/* The figures of H1's Gaussian part, within their bands.  */
static void
assert_gaussian_part (const fc_verdict *v)
{
  assert_deciding (v, FC_TEST_HOLDS, 1,
                   FC_CK_NAMES_ ("z_max_bm", "z_max_ou", "ts_pmin_bm", "ts_pmin_ou",
                                 "endpoint_err_bm", "endpoint_err_ou"));
  assert_deciding (v, FC_TEST_VALID, 1, FC_CK_NAMES_ ("em_bias_z"));
  assert_below (v, "z_max_bm", "z_max_ou");
  assert_above (v, "ts_pmin_bm", "ts_pmin_ou");
  assert_below (v, "em_bias_z", "endpoint_err_bm", "endpoint_err_ou");
}

/* The figures of H1's double wells (1-D and 2-D), within their bands;
   the grid's order of the 1-D well, reported, is 2.  */
static void
assert_double_well_part (const fc_verdict *v)
{
  assert_deciding (v, FC_TEST_HOLDS, 1,
                   FC_CK_NAMES_ ("well_z_mean", "well_z_var", "well_two_sample_p",
                                 "well_chisq_p_h", "well2_z_max",
                                 "well2_two_sample_p"));
  assert_deciding (v, FC_TEST_VALID, 1,
                   FC_CK_NAMES_ ("well_chisq_p_ref", "well_accept_z", "well_bias_z",
                                 "well2_ref_z", "well2_accept_z", "well2_bias_z"));
  assert_below (v, "well_z_mean", "well_z_var", "well_accept_z", "well_bias_z",
                "well2_z_max", "well2_ref_z", "well2_accept_z", "well2_bias_z");
  assert_above (v, "well_two_sample_p", "well_chisq_p_h", "well_chisq_p_ref",
                "well2_two_sample_p");
  const fc_metric *o = metric (v, "well_grid_order");
  fc_ck_assert_abs (o->value, 2.0, o->tolerance, "grid order of q");
  ck_assert (fc_verdict_get (v, "well_n_accepted") >= 100.0);
  ck_assert (fc_verdict_get (v, "well2_n_accepted") >= 50.0);
  ck_assert_double_eq (fc_verdict_get (v, "well_clamped_frac"), 0.0);
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

/* Without the h-term both wells' paths follow the unconditioned law: the
   comparisons with the rejection samples reject it decisively, the
   references (which have no h-term) still agree, and no bias figure is
   recorded (the control skips the bias runs).  */
FC_TEST ("double_well", test_h1_dropping_the_h_term_is_refuted_decisively)
{
  fc_verdict v;
  run_control ("H1", "no_h_term", FC_VERDICT_REFUTED, &v);
  assert_deciding (&v, FC_TEST_HOLDS, 0,
                   FC_CK_NAMES_ ("well_z_mean", "well_two_sample_p", "well_chisq_p_h",
                                 "well2_z_max", "well2_two_sample_p"));
  const fc_metric *p = metric (&v, "well_chisq_p_h");
  ck_assert_msg (p->value < DECISIVE_P, "chi-square p %.3g", p->value);
  const fc_metric *z = metric (&v, "well_z_mean");
  ck_assert_msg (z->value > 2.0 * z->tolerance, "z %.3g", z->value);
  const fc_metric *z2 = metric (&v, "well2_z_max");
  ck_assert_msg (z2->value > 2.0 * z2->tolerance, "2-D z %.3g", z2->value);
  assert_deciding (&v, FC_TEST_VALID, 1,
                   FC_CK_NAMES_ ("well_chisq_p_ref", "well_accept_z", "well2_ref_z",
                                 "well2_accept_z"));
  ck_assert (isnan (fc_verdict_get (&v, "well_bias_z")));
  ck_assert (isnan (fc_verdict_get (&v, "well2_bias_z")));
}
END_TEST

FC_CK_MAIN ("doob_well")
