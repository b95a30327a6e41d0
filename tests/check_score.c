/* tests/check_score.c -- the claims of module `score` (S1-S6).
 *
 * One test per claim: it runs the check with the quick sizes and a fixed
 * seed, asserts the catalog's expected verdict (DERIVATIONS.md; written
 * here, not read from the module) and the decisive metrics against the
 * tolerance the module derived and recorded beside each (order bands from
 * the local orders plus an O(h_max^2) floor, truncation scales from
 * sigma_r, round-off bands from the operation count and the condition of
 * the covariances, Bonferroni z bands and two-sample levels).  Then the
 * same measurements with one ingredient of the note's formula changed
 * (score.h) must refute it: a check that cannot fail checks nothing.
 * Last, the figure data: written whole, with its header, into a temporary
 * directory; and the error paths.  */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "fc_check.h"
#include "fc_module.h"
#define FC_CK_MODULE "score"
#include "fc_check_module.h"
#include "score/score.h"


/* The metric NAME is at least its tolerance. */
static void
assert_above (const fc_verdict *v, const char *name)
{
  const fc_metric *m = metric (v, name);
  ck_assert_msg (m->value >= m->tolerance, "%s %s = %.17g below %.17g", v->id,
                 name, m->value, m->tolerance);
}

/* A residual that does not shrink: slope below a quarter of 2 (the
   stall threshold of fc_study.h) and rel(h_min) at least 10 times the
   truncation scale of a converging pair.  */
static void
assert_order_stalls (const fc_verdict *v, const char *name)
{
  char buf[FC_VERDICT_NAME_LEN];
  snprintf (buf, sizeof buf, "order_%s", name);
  const fc_metric *o = metric (v, buf);
  ck_assert_msg (fabs (o->value) < 0.5, "%s %s = %.17g", v->id, buf, o->value);
  snprintf (buf, sizeof buf, "rel_hmin_%s", name);
  const fc_metric *r = metric (v, buf);
  ck_assert_msg (r->value > 10.0 * r->tolerance, "%s %s = %.17g vs %.17g",
                 v->id, buf, r->value, r->tolerance);
}

START_TEST (test_module_lists_claims_s1_to_s6_in_catalog_order)
{
  static const char *const ids[] = { "S1", "S2", "S3", "S4", "S5", "S6" };
  const fc_module *m = assert_claim_table ("score", ids, 6);
  ck_assert_ptr_nonnull (m->write_figure_data);
  ck_assert_ptr_nonnull (strstr (m->title, "reversed convention"));
  for (size_t i = 0; i < m->n_claims; i++)
    ck_assert_str_eq (m->claims[i].section, "N §Going through the diffusion ODE");
}
END_TEST

START_TEST (test_s1_score_is_minus_noise_mean_over_t_at_order_two)
{
  fc_verdict v;
  run_claim ("S1", FC_VERDICT_CONFIRMED, &v);
  assert_order_two (&v, "8gaussians");
  assert_order_two (&v, "gmm3d");
}
END_TEST

START_TEST (test_s2_score_from_nu_holds_to_round_off_including_t1)
{
  fc_verdict v;
  run_claim ("S2", FC_VERDICT_CONFIRMED, &v);
  assert_below (&v, "max_rel_diff_8gaussians");
  assert_below (&v, "max_rel_diff_gmm3d");
  /* The band is a round-off band: a few hundred epsilons at most (the
     module derives it from 2 D + K + 4 operations and cond <= 10).  */
  ck_assert (metric (&v, "max_rel_diff_gmm3d")->tolerance <= TOL_EPS (2048));
  ck_assert_msg (strstr (v.note, "r = 1") != NULL, "note: %s", v.note);
}
END_TEST

START_TEST (test_s3_reversed_sde_has_the_marginals_of_the_path)
{
  fc_verdict v;
  run_claim ("S3", FC_VERDICT_CONFIRMED, &v);
  assert_below (&v, "z_mean");
  assert_below (&v, "z_var");
  assert_above (&v, "two_sample_p_min");
  /* The weak bias of Euler-Maruyama is negligible next to the noise. */
  assert_below (&v, "weak_bias_z");
  assert_order_two (&v, "fokker_planck");
}
END_TEST

START_TEST (test_s4_probability_flow_drift_is_minus_nu_including_t0)
{
  fc_verdict v;
  run_claim ("S4", FC_VERDICT_CONFIRMED, &v);
  assert_below (&v, "max_rel_diff_8gaussians");
  assert_below (&v, "max_rel_diff_gmm3d");
  ck_assert (metric (&v, "max_rel_diff_8gaussians")->tolerance <= TOL_EPS (2048));
  ck_assert_msg (strstr (v.note, "r = 0") != NULL, "note: %s", v.note);
}
END_TEST

/* The flow-sampling metrics of S5 and S6: moments within the Bonferroni
   band, sliced W2 within the exact-vs-exact noise, two-sample p-value
   above its level, and the RK4 error below a tenth of a standard error.  */
static void
assert_flow_samples_match_posterior (const fc_verdict *v)
{
  assert_below (v, "z_mean");
  assert_below (v, "z_var");
  assert_below (v, "sliced_w2");
  assert_above (v, "two_sample_p");
  assert_below (v, "ode_error");
}

START_TEST (test_s5_reversed_guided_field_carries_noise_to_posterior)
{
  fc_verdict v;
  run_claim ("S5", FC_VERDICT_CONFIRMED, &v);
  assert_order_two (&v, "8gaussians");
  assert_order_two (&v, "gmm3d");
  assert_flow_samples_match_posterior (&v);
}
END_TEST

START_TEST (test_s6_canonical_guided_field_holds_for_linear_needs_ct_otherwise)
{
  fc_verdict v;
  run_claim ("S6", FC_VERDICT_CONFIRMED, &v);
  assert_order_two (&v, "8gaussians");
  assert_order_two (&v, "gmm3d");
  assert_flow_samples_match_posterior (&v);
  /* Beyond the claim: with the cosine and vp schedules the literal factor
     (1-t)/t leaves a residual that does not shrink, and the general
     c_t = sigma (alpha' sigma - alpha sigma')/alpha restores order 2.  */
  assert_order_stalls (&v, "cosine_literal");
  assert_order_stalls (&v, "vp_literal");
  assert_order_two (&v, "cosine_ct");
  assert_order_two (&v, "vp_ct");
}
END_TEST

START_TEST (test_s3_sde_without_the_1_over_1_minus_t_is_refuted)
{
  fc_verdict v;
  fc_run_options opt = { SEED, NULL, 1, NULL };
  fc_verdict_init (&v, "S3", "score");
  ck_assert_int_eq (fc_score_s3_measure (&opt, FC_SCORE_SDE_NO_DENOMINATOR, &v),
                    GSL_SUCCESS);
  ck_assert_msg (v.verdict == FC_VERDICT_REFUTED, "verdict %s (%s)",
                 fc_verdict_name (v.verdict), v.note);
  /* g^2 = 2t gives the noise part the variance (1-t)^2 (2/(1-t) - 2 +
     2 log(1-t)) instead of t^2: 0.20 instead of 0.56 at t = 0.75, a
     shortfall of about 7 standard errors of the 500 quick samples.  */
  const fc_metric *z = metric (&v, "z_var");
  ck_assert_msg (z->value > z->tolerance, "z_var %.17g vs %.17g", z->value,
                 z->tolerance);
  assert_order_stalls (&v, "fokker_planck");
}
END_TEST

START_TEST (test_s5_guided_field_without_the_t_over_1_minus_t_is_refuted)
{
  fc_verdict v;
  fc_run_options opt = { SEED, NULL, 1, NULL };
  fc_verdict_init (&v, "S5", "score");
  ck_assert_int_eq (fc_score_s5_measure (&opt, FC_SCORE_FACTOR_ONE, &v),
                    GSL_SUCCESS);
  ck_assert_msg (v.verdict == FC_VERDICT_REFUTED, "verdict %s (%s)",
                 fc_verdict_name (v.verdict), v.note);
  assert_order_stalls (&v, "8gaussians");
  assert_order_stalls (&v, "gmm3d");
  /* The samples land away from the posterior: their mean is off by many
     standard errors.  */
  const fc_metric *z = metric (&v, "z_mean");
  ck_assert_msg (z->value > z->tolerance, "z_mean %.17g vs %.17g", z->value,
                 z->tolerance);
}
END_TEST

START_TEST (test_measure_rejects_unknown_variants)
{
  fc_verdict v;
  fc_run_options opt = { SEED, NULL, 1, NULL };
  fc_verdict_init (&v, "S3", "score");
  ck_assert_int_eq (fc_score_s3_measure (&opt, FC_SCORE_SDE_COUNT, &v), GSL_EINVAL);
  ck_assert_int_eq (v.verdict, FC_VERDICT_NONE);
  fc_verdict_init (&v, "S5", "score");
  ck_assert_int_eq (fc_score_s5_measure (&opt, FC_SCORE_FACTOR_COUNT, &v),
                    GSL_EINVAL);
  ck_assert_int_eq (v.verdict, FC_VERDICT_NONE);
}
END_TEST

START_TEST (test_same_seed_same_figures_other_seed_other_figures)
{
  assert_claim_reproducible ("S1", "rel_hmin_8gaussians");
}
END_TEST

/* ------------------------------------------------------------ figures */

#define FIG_BINS_QUICK 45 /* the module's quick histogram */
#define FIG_NCOL 7        /* x, three exact densities, three histograms */

/* Read the figure file PATH: its first line, the data rows (N_ROWS of
   FIG_NCOL numbers each, into ROWS), and the bin width (the spacing of
   x).  */
static void
read_figure (const char *path, char *first, size_t len, size_t *n_rows,
             double rows[][FIG_NCOL])
{
  FILE *f = fopen (path, "r");
  ck_assert_msg (f != NULL, "cannot open %s", path);
  char line[4096];
  *n_rows = 0;
  first[0] = '\0';
  for (size_t i = 0; fgets (line, sizeof line, f) != NULL; i++)
    {
      if (i == 0)
        {
          size_t k = strlen (line) < len ? strlen (line) : len - 1;
          memcpy (first, line, k);
          first[k] = '\0';
        }
      if (line[0] == '#' || line[0] == '\n')
        continue;
      ck_assert_uint_lt (*n_rows, FIG_BINS_QUICK);
      double *r = rows[*n_rows];
      int got = sscanf (line, "%lf %lf %lf %lf %lf %lf %lf", &r[0], &r[1], &r[2],
                        &r[3], &r[4], &r[5], &r[6]);
      ck_assert_int_eq (got, FIG_NCOL);
      (*n_rows)++;
    }
  fclose (f);
}

START_TEST (test_figure_data_written_whole_with_headers)
{
  char dir[] = "/tmp/check_score.XXXXXX";
  ck_assert_ptr_nonnull (mkdtemp (dir));
  fc_run_options opt = { SEED, dir, 1, NULL };
  ck_assert_int_eq (module_under_test ()->write_figure_data (&opt), GSL_SUCCESS);
  char path[512], first[256];
  double rows[FIG_BINS_QUICK][FIG_NCOL];
  size_t n;
  snprintf (path, sizeof path, "%s/score-sde-marginals.dat", dir);
  read_figure (path, first, sizeof first, &n, rows);
  ck_assert_msg (strncmp (first, "# written by: flowcheck run score", 33) == 0,
                 "header: %s", first);
  ck_assert_uint_eq (n, FIG_BINS_QUICK);
  /* Every column is a density on the bins: the exact p_r integrates to 1
     up to the tails beyond the box (three standard deviations of the
     widest component past the farthest mean: < 0.3% of mass) and the
     midpoint rule's error; the histograms hold at most all the samples.  */
  double w = rows[1][0] - rows[0][0];
  for (size_t c = 1; c < FIG_NCOL; c++)
    {
      double mass = 0.0;
      for (size_t i = 0; i < n; i++)
        {
          ck_assert (rows[i][c] >= 0.0);
          mass += rows[i][c] * w;
        }
      if (c <= 3)
        fc_ck_assert_abs (mass, 1.0, 0.01, "exact density column %zu", c);
      else
        ck_assert_msg (mass <= 1.0 + TOL_EPS (1024) && mass > 0.99,
                       "histogram column %zu holds %.17g", c, mass);
    }
  /* Nothing else (no temporary left behind); then clean up.  */
  remove_dir_of (dir, 1);
}
END_TEST

START_TEST (test_figure_data_into_missing_directory_fails)
{
  fc_run_options opt = { SEED, "/nonexistent/flowcheck-score", 1, NULL };
  ck_assert_int_ne (module_under_test ()->write_figure_data (&opt), GSL_SUCCESS);
  opt.out_dir = NULL;
  ck_assert_int_ne (module_under_test ()->write_figure_data (&opt), GSL_SUCCESS);
}
END_TEST

static Suite *
score_suite (void)
{
  Suite *s = suite_create ("score");
  TCase *tc = tcase_create ("claims");
  tcase_add_test (tc, test_module_lists_claims_s1_to_s6_in_catalog_order);
  tcase_add_test (tc, test_s1_score_is_minus_noise_mean_over_t_at_order_two);
  tcase_add_test (tc, test_s2_score_from_nu_holds_to_round_off_including_t1);
  tcase_add_test (tc, test_s3_reversed_sde_has_the_marginals_of_the_path);
  tcase_add_test (tc, test_s4_probability_flow_drift_is_minus_nu_including_t0);
  tcase_add_test (tc, test_s5_reversed_guided_field_carries_noise_to_posterior);
  tcase_add_test (tc, test_s6_canonical_guided_field_holds_for_linear_needs_ct_otherwise);
  suite_add_tcase (s, tc);
  TCase *tp = tcase_create ("perturbed");
  tcase_add_test (tp, test_s3_sde_without_the_1_over_1_minus_t_is_refuted);
  tcase_add_test (tp, test_s5_guided_field_without_the_t_over_1_minus_t_is_refuted);
  tcase_add_test (tp, test_measure_rejects_unknown_variants);
  tcase_add_test (tp, test_same_seed_same_figures_other_seed_other_figures);
  suite_add_tcase (s, tp);
  TCase *tf = tcase_create ("figures");
  tcase_add_test (tf, test_figure_data_written_whole_with_headers);
  tcase_add_test (tf, test_figure_data_into_missing_directory_fails);
  suite_add_tcase (s, tf);
  return s;
}

int
main (void)
{
  return fc_run_suite (score_suite ());
}
