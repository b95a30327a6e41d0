/* tests/check_doob.c -- the claims of module `doob` (H1-H3).
 *
 * One test per claim: it runs the check with the quick sizes and a fixed
 * seed, asserts the catalog's expected verdict (DERIVATIONS.md; written
 * here, not read from the module) and the decisive metrics against the
 * tolerance the module derived and recorded beside each (Bonferroni z bands
 * and two-sample levels for the marginals, a quarter standard error for the
 * scheme's exactly computed bias, round-off bands from the operation count,
 * order bands of a stated floor plus three standard errors of the fitted
 * slope).  H1 runs whole (its double-well part is tested in
 * check_doob_well); its Gaussian part also alone.  Then the same
 * measurements with a wrong drift (doob_gauss.h) must refute H1: a check
 * that cannot fail checks nothing; and H3's plain endpoint error must show
 * order 1/2, not 1, while the deterministic last step ends at x_T.  Last,
 * the figure data, written whole into a temporary directory, and the error
 * paths.  */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fc_check.h"
#include "fc_module.h"
#define FC_CK_MODULE "doob"
#include "fc_check_module.h"
#include "doob/doob.h"
#include "doob/doob_gauss.h"

/* The metric NAME is at least its tolerance (p-values). */
static void
assert_above (const fc_verdict *v, const char *name)
{
  const fc_metric *m = metric (v, name);
  ck_assert_msg (m->value >= m->tolerance, "%s %s = %.17g below %.17g", v->id,
                 name, m->value, m->tolerance);
}

/* |metric NAME - EXPECTED| within the metric's band. */
static void
assert_order (const fc_verdict *v, const char *name, double expected)
{
  const fc_metric *m = metric (v, name);
  fc_ck_assert_abs (m->value, expected, m->tolerance, "%s %s", v->id, name);
}

static fc_run_options
quick_options (void)
{
  fc_run_options opt = { SEED, NULL, 1, NULL };
  return opt;
}

START_TEST (test_module_lists_claims_h1_to_h3_in_catalog_order)
{
  static const char *const ids[] = { "H1", "H2", "H3" };
  const fc_module *m = assert_claim_table ("doob", ids, 3);
  ck_assert_ptr_nonnull (m->write_figure_data);
  for (size_t i = 0; i < m->n_claims; i++)
    {
      ck_assert_str_eq (m->claims[i].section, "N §Doob's h-transform");
      ck_assert_int_eq (m->claims[i].expected, FC_VERDICT_CONFIRMED);
    }
}
END_TEST

/* The metrics of H1's Gaussian part, asserted within their bands.  */
static void
assert_gaussian_part (const fc_verdict *v)
{
  assert_below (v, "z_max_bm");
  assert_below (v, "z_max_ou");
  assert_above (v, "ts_pmin_bm");
  assert_above (v, "ts_pmin_ou");
  assert_below (v, "em_bias_z");
  assert_below (v, "endpoint_err_bm");
  assert_below (v, "endpoint_err_ou");
}

START_TEST (test_h1_gaussian_bridges_have_the_exact_marginals_and_end_at_xT)
{
  fc_run_options opt = quick_options ();
  fc_verdict v;
  fc_verdict_kind kind = FC_VERDICT_NONE;
  char note[FC_DOOB_NOTE_LEN] = "";
  fc_verdict_init (&v, "H1", "doob");
  ck_assert_int_eq (fc_doob_h1_gaussian (&opt, &v, &kind, note), GSL_SUCCESS);
  ck_assert_msg (kind == FC_VERDICT_CONFIRMED, "verdict %s (%s)",
                 fc_verdict_name (kind), note);
  ck_assert (strlen (note) > 0 && strlen (note) < FC_DOOB_NOTE_LEN);
  ck_assert_uint_le (v.n_metrics, 10);
  assert_gaussian_part (&v);
}
END_TEST

START_TEST (test_h1_h_transform_conditions_on_the_end_point)
{
  fc_verdict v;
  run_claim ("H1", FC_VERDICT_CONFIRMED, &v);
  assert_gaussian_part (&v);
}
END_TEST

/* A wrong drift must be refuted by the same comparison: the marginal
   z-scores leave their band.  */
static void
assert_variant_refuted (fc_doob_drift_variant variant)
{
  fc_run_options opt = quick_options ();
  fc_verdict v;
  fc_verdict_kind kind = FC_VERDICT_NONE;
  char note[FC_DOOB_NOTE_LEN] = "";
  fc_verdict_init (&v, "H1", "doob");
  ck_assert_int_eq (fc_doob_h1_gaussian_drift (&opt, variant, &v, &kind, note),
                    GSL_SUCCESS);
  ck_assert_msg (kind == FC_VERDICT_REFUTED, "verdict %s (%s)",
                 fc_verdict_name (kind), note);
  const fc_metric *z = metric (&v, "z_max_bm");
  ck_assert_msg (z->value > z->tolerance, "z_max_bm %g within %g", z->value,
                 z->tolerance);
  z = metric (&v, "z_max_ou");
  ck_assert_msg (z->value > z->tolerance, "z_max_ou %g within %g", z->value,
                 z->tolerance);
}

START_TEST (test_h1_drift_with_h_of_the_wrong_end_time_is_refuted)
{
  assert_variant_refuted (FC_DOOB_DRIFT_WRONG_T);
}
END_TEST

START_TEST (test_h1_halved_h_term_is_refuted)
{
  assert_variant_refuted (FC_DOOB_DRIFT_HALF_H);
}
END_TEST

START_TEST (test_h2_drift_is_sigma_free_and_paths_tend_to_the_deterministic_bridge)
{
  fc_verdict v;
  run_claim ("H2", FC_VERDICT_CONFIRMED, &v);
  assert_below (&v, "drift_sigma_spread_bm");
  assert_below (&v, "drift_sigma_spread_ou");
  assert_below (&v, "fm_identity");
  assert_below (&v, "det_err_bm");
  assert_order (&v, "rate_bm", 1.0);
  assert_order (&v, "rate_ou", 1.0);
  assert_order (&v, "det_order_ou", 1.0);
}
END_TEST

/* Weak and strong order 1 at T/2 for BM and OU (coupled Monte Carlo and
   the exact moment recursion); the plain endpoint error has order 1/2,
   which the order-1 band excludes (it is the noise sigma dW of the last
   step); the deterministic last step ends at x_T to round-off for BM and
   leaves the scheme's second-order local error for OU.  One test, since
   the study is the same.  */
START_TEST (test_h3_orders_weak_one_strong_one_endpoint_half_unless_last_step_deterministic)
{
  fc_verdict v;
  run_claim ("H3", FC_VERDICT_CONFIRMED, &v);
  assert_order (&v, "weak_order", 1.0);
  assert_order (&v, "strong_order", 1.0);
  assert_order (&v, "endpoint_order", 0.5);
  assert_order (&v, "weak_order_ou", 1.0);
  assert_order (&v, "strong_order_ou", 1.0);
  assert_order (&v, "endpoint_order_ou", 0.5);
  assert_order (&v, "weak_order_exact", 1.0);
  assert_order (&v, "weak_order_exact_ou", 1.0);
  assert_below (&v, "weak_mc_z");
  const fc_metric *e = metric (&v, "endpoint_order");
  ck_assert_msg (fabs (e->value - 1.0) > e->tolerance, "endpoint order %g", e->value);
  e = metric (&v, "endpoint_order_ou");
  ck_assert_msg (fabs (e->value - 1.0) > e->tolerance, "endpoint order OU %g", e->value);
  assert_below (&v, "endpoint_det_bm");
  assert_order (&v, "endpoint_det_order_ou", 2.0);
}
END_TEST

/* Count the data rows of PATH (lines not starting with '#', not blank)
   and check the header names the columns.  */
static size_t
data_rows (const char *path)
{
  FILE *f = fopen (path, "r");
  ck_assert_msg (f != NULL, "cannot open %s", path);
  char line[8192];
  size_t rows = 0;
  int columns = 0;
  while (fgets (line, sizeof line, f))
    {
      if (strncmp (line, "# columns:", 10) == 0)
        columns = 1;
      else if (line[0] != '#' && line[0] != '\n')
        rows++;
    }
  fclose (f);
  ck_assert_msg (columns, "%s has no column header", path);
  return rows;
}

START_TEST (test_figure_data_is_written_whole)
{
  char dir[] = "/tmp/check_doob.XXXXXX", path[512];
  ck_assert_ptr_nonnull (mkdtemp (dir));
  fc_run_options opt = { SEED, dir, 1, NULL };
  ck_assert_int_eq (fc_doob_write_gauss_figures (&opt), GSL_SUCCESS);
  snprintf (path, sizeof path, "%s/doob-paths.dat", dir);
  ck_assert_uint_eq (data_rows (path), 2 * 501);
  remove (path);
  snprintf (path, sizeof path, "%s/doob-orders.dat", dir);
  ck_assert_uint_eq (data_rows (path), 6);
  remove (path);
  ck_assert_int_eq (rmdir (dir), 0);
}
END_TEST

START_TEST (test_errors_are_reported)
{
  fc_run_options opt = { SEED, "/nonexistent/doob/dir", 1, NULL };
  ck_assert_int_ne (fc_doob_write_gauss_figures (&opt), GSL_SUCCESS);
  ck_assert_int_ne (fc_doob_gauss_sweep (&opt, "/nonexistent/doob/dir", NULL),
                    GSL_SUCCESS);
}
END_TEST

static Suite *
doob_suite (void)
{
  Suite *s = suite_create ("doob");
  TCase *tc = tcase_create ("claims");
  tcase_add_test (tc, test_module_lists_claims_h1_to_h3_in_catalog_order);
  tcase_add_test (tc, test_h1_gaussian_bridges_have_the_exact_marginals_and_end_at_xT);
  tcase_add_test (tc, test_h1_h_transform_conditions_on_the_end_point);
  tcase_add_test (tc, test_h1_drift_with_h_of_the_wrong_end_time_is_refuted);
  tcase_add_test (tc, test_h1_halved_h_term_is_refuted);
  tcase_add_test (tc, test_h2_drift_is_sigma_free_and_paths_tend_to_the_deterministic_bridge);
  tcase_add_test (tc, test_h3_orders_weak_one_strong_one_endpoint_half_unless_last_step_deterministic);
  tcase_add_test (tc, test_figure_data_is_written_whole);
  tcase_add_test (tc, test_errors_are_reported);
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fc_run_suite (doob_suite ());
}
