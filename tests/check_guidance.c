/* tests/check_guidance.c -- the claims of module `guidance` (G1-G6).
 *
 * One test per claim: it runs the check with the quick sizes and a fixed
 * seed, asserts the catalog's expected verdict (DERIVATIONS.md; written
 * here, not read from the module) and the decisive metrics against the
 * tolerances the module recorded beside them (order bands from the local
 * orders plus an O((h_max/ell)^2) floor, truncation scales from sigma_t,
 * round-off bounds, Monte Carlo bands from the spread of two-exact-sample
 * distances).  Then tests that must fail when the mathematics is changed:
 * the guidance factor c_t replaced by a constant refutes both the posterior
 * path's continuity equation (S6 form) and G2's corrected equation.  Then
 * the note's vector for m < D (an error, not a gradient), reproducibility,
 * and the figure data.  */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "fc_check.h"
#include "fc_guide.h"
#include "fc_module.h"
#define FC_CK_MODULE "guidance"
#include "fc_check_module.h"
#include "fc_spec.h"
#include "guidance/guidance.h"


static void
assert_above (const fc_verdict *v, const char *name)
{
  const fc_metric *m = metric (v, name);
  ck_assert_msg (m->value > m->tolerance, "%s %s = %.17g not above %.17g",
                 v->id, name, m->value, m->tolerance);
}

/* Stalled: slope below a quarter of 2, and a residual at least FACTOR times
   the truncation scale of a converging field.  */
static void
assert_stalled (const fc_verdict *v, const char *name, double factor)
{
  char buf[FC_VERDICT_NAME_LEN];
  snprintf (buf, sizeof buf, "order_%s", name);
  ck_assert_msg (metric (v, buf)->value < 0.5, "%s %s = %.17g", v->id, buf,
                 metric (v, buf)->value);
  snprintf (buf, sizeof buf, "rel_hmin_%s", name);
  const fc_metric *r = metric (v, buf);
  ck_assert_msg (r->value > factor * r->tolerance, "%s %s = %.17g vs %.17g",
                 v->id, buf, r->value, r->tolerance);
}

START_TEST (test_module_lists_claims_g1_to_g6_in_catalog_order)
{
  static const char *const ids[] = { "G1", "G2", "G3", "G4", "G5", "G6" };
  const fc_module *m = assert_claim_table ("guidance", ids, 6);
  ck_assert_str_eq (m->title, "conditional fields and reconstruction guidance "
                              "(N §Conditional flow matching, §Guidance term)");
  ck_assert_ptr_nonnull (m->write_figure_data);
}
END_TEST

START_TEST (test_g1_postulated_field_residual_does_not_shrink_for_any_c)
{
  fc_verdict v;
  run_claim ("G1", FC_VERDICT_REFUTED, &v);
  /* c = 1: a violation of order one (rel >= 1), a thousand times the
     truncation scale; the best c(t) leaves a residual of order 1/10, still
     a hundred times it.  */
  assert_stalled (&v, "c1", 1000.0);
  assert_stalled (&v, "best_c", 100.0);
  assert_above (&v, "rel_left_best_c_t0.25");
  assert_above (&v, "rel_left_best_c_t0.5");
  assert_above (&v, "rel_left_best_c_t0.8");
}
END_TEST

START_TEST (test_g2_note_equation_refuted_corrected_equation_order_two)
{
  fc_verdict v;
  run_claim ("G2", FC_VERDICT_REFUTED, &v);
  assert_stalled (&v, "note", 100.0);
  assert_order_two (&v, "corrected_linear");
  assert_order_two (&v, "corrected_cosine");
}
END_TEST

START_TEST (test_g2_corrected_equation_with_wrong_factor_is_refuted)
{
  fc_run_options opt = { SEED, NULL, 1, NULL };
  fc_order_study st;
  ck_assert_int_eq (fc_guidance_g2_study (&opt, FC_SCHEDULE_LINEAR, NAN, &st),
                    GSL_SUCCESS);
  ck_assert_int_eq (st.kind, FC_VERDICT_CONFIRMED);
  /* c_t = (1-t)/t is 3, 1 and 1/4 at the three times: the constant 1 is
     right at t = 1/2 only, and the pooled residual must stall.  */
  ck_assert_int_eq (fc_guidance_g2_study (&opt, FC_SCHEDULE_LINEAR, 1.0, &st),
                    GSL_SUCCESS);
  ck_assert_int_eq (st.kind, FC_VERDICT_REFUTED);
  ck_assert_msg (st.rel[st.n_steps - 1] > 100.0 * st.trunc, "rel %.17g",
                 st.rel[st.n_steps - 1]);
  /* Dropping the c_t term altogether (c = 0) is the note's equation
     rearranged (div(h u) = u.grad h + h div u) minus h div u: refuted.  */
  ck_assert_int_eq (fc_guidance_g2_study (&opt, FC_SCHEDULE_COSINE, 0.0, &st),
                    GSL_SUCCESS);
  ck_assert_int_eq (st.kind, FC_VERDICT_REFUTED);
}
END_TEST

START_TEST (test_exact_guidance_solves_posterior_continuity_only_with_c_t)
{
  fc_run_options opt = { SEED, NULL, 1, NULL };
  fc_order_study st;
  ck_assert_int_eq (fc_guidance_split_study (&opt, NAN, &st), GSL_SUCCESS);
  ck_assert_int_eq (st.kind, FC_VERDICT_CONFIRMED);
  fc_ck_assert_abs (st.order, 2.0, st.band, "S6 order");
  ck_assert (st.rel[st.n_steps - 1] <= st.trunc);
  /* u_t + grad log h_t (c_t replaced by 1) does not generate p_t(x|y). */
  ck_assert_int_eq (fc_guidance_split_study (&opt, 1.0, &st), GSL_SUCCESS);
  ck_assert_int_eq (st.kind, FC_VERDICT_REFUTED);
  ck_assert_msg (st.rel[st.n_steps - 1] > 100.0 * st.trunc, "rel %.17g",
                 st.rel[st.n_steps - 1]);
}
END_TEST

START_TEST (test_g3_ode_coupling_likelihood_differs_and_mis_samples)
{
  fc_verdict v;
  run_claim ("G3", FC_VERDICT_REFUTED, &v);
  assert_above (&v, "w2_coupled");
  assert_below (&v, "w2_exact");
  /* The two likelihoods meet at t = 1 (phi_{1->1} = id and h_1 = p(y|x)):
     the log gap shrinks along t, and is of order one or more early.  */
  double g1 = metric (&v, "logh_gap_t0.1")->value;
  double g9 = metric (&v, "logh_gap_t0.9")->value;
  ck_assert_msg (g1 > 1.0 && g9 < g1 / 10.0, "gaps %.17g %.17g", g1, g9);
  /* h~_0(x) = p(y | phi_{0->1}(x)) depends on x, where h_0 = p(y) does not. */
  ck_assert (metric (&v, "grad_logh_coupled_t0_rms")->value > 1.0);
  ck_assert (isfinite (metric (&v, "flow_error")->value));
}
END_TEST

START_TEST (test_g4_reconstruction_gradient_error_vanishes_only_as_t_to_1)
{
  fc_verdict v;
  run_claim ("G4", FC_VERDICT_APPROXIMATE, &v);
  assert_above (&v, "err_max");
  assert_below (&v, "err_t1_max");
  const fc_metric *p = metric (&v, "decay_power_min");
  ck_assert_msg (p->value >= p->tolerance, "decay power %.17g", p->value);
  /* Near t = 1, Cov[x1|x_t] = (sigma/alpha)^2 I + O(sigma^4): gamma = 0
     misses Sigma by O((1-t)^2), so its error decays like (1-t)^2; the fit
     over 1-t in [0.02, 0.2] carries relative corrections O(1-t) <= 0.2,
     about 0.5 in the exponent at most.  */
  fc_ck_assert_abs (metric (&v, "decay_power_gamma0")->value, 2.0, 0.5,
                    "gamma = 0 decay");
  /* Poor at small t: the relative error is of order one there. */
  ck_assert (metric (&v, "err_gamma1_t0.02")->value > 0.5);
  ck_assert (metric (&v, "err_gamma1_t0.9")->value
             < metric (&v, "err_gamma1_t0.02")->value / 10.0);
}
END_TEST

START_TEST (test_g5_note_vector_wrong_direction_even_at_t1)
{
  fc_verdict v;
  run_claim ("G5", FC_VERDICT_REFUTED, &v);
  assert_below (&v, "corrected_err_t1");
  assert_above (&v, "note_err_t1");
  assert_above (&v, "note_err_min");
  /* O(1): at least a tenth of the gradient at every t, and a visible angle. */
  ck_assert (metric (&v, "note_err_min")->value > 0.1);
  ck_assert (metric (&v, "note_angle_deg_t1")->value > 5.0);
  ck_assert (metric (&v, "line_note_is_gradient_shape")->value == 0.0);
}
END_TEST

START_TEST (test_note_vector_for_fewer_observations_than_dimensions_is_refused)
{
  fc_gmm *g = fc_spec_builtin ("8gaussians");
  fc_obs *o = fc_obs_alloc (1, 2);
  ck_assert_ptr_nonnull (g);
  ck_assert_ptr_nonnull (o);
  o->a[0] = 0.6, o->a[1] = 0.8, o->y[0] = 0.381966, o->sigma_y = 0.25;
  double x[2] = { 0.381966, -1.2 }, note[2], grad[2];
  fc_guide_approx_out out = { 0 };
  out.note = note;
  ck_assert_int_eq (fc_guide_approx (g, FC_SCHEDULE_LINEAR, 0.7, o,
                                     FC_GUIDE_LIK_RECONSTRUCTION, 1.0, 1, x,
                                     &out),
                    GSL_EBADLEN);
  /* The corrected G4 gradient is a D-vector for the same observation. */
  out.note = NULL, out.grad = grad;
  ck_assert_int_eq (fc_guide_approx (g, FC_SCHEDULE_LINEAR, 0.7, o,
                                     FC_GUIDE_LIK_RECONSTRUCTION, 1.0, 1, x,
                                     &out),
                    GSL_SUCCESS);
  ck_assert (isfinite (grad[0]) && isfinite (grad[1]));
  ck_assert_ptr_null (fc_guide_field_alloc (g, FC_SCHEDULE_LINEAR, o,
                                            FC_GUIDE_NOTE, 1.0));
  fc_obs_free (o);
  fc_gmm_free (g);
}
END_TEST

START_TEST (test_g6_exact_guidance_at_noise_level_approximations_above)
{
  fc_verdict v;
  run_claim ("G6", FC_VERDICT_APPROXIMATE, &v);
  static const char *const sy[] = { "0.01", "0.1", "1" };
  for (size_t i = 0; i < 3; i++)
    {
      char name[FC_VERDICT_NAME_LEN];
      snprintf (name, sizeof name, "w2_exact_sy%s", sy[i]);
      assert_below (&v, name);
      snprintf (name, sizeof name, "w2_noise_sy%s", sy[i]);
      ck_assert (metric (&v, name)->value > 0.0);
    }
  /* Some approximation, for some sigma_y, measurably above its band. */
  size_t above = 0;
  for (size_t k = 0; k < v.n_metrics; k++)
    if (strncmp (v.metric[k].name, "w2_worst_", 9) == 0
        && !(v.metric[k].value <= v.metric[k].tolerance))
      above++;
  ck_assert_uint_gt (above, 0);
}
END_TEST

START_TEST (test_same_seed_same_figures_other_seed_other_figures)
{
  assert_claim_reproducible ("G4", "err_gamma1_t0.5");
}
END_TEST

START_TEST (test_figure_data_written_whole_with_headers)
{
  /* Quick sizes: 5 steps; 41^2 grid + 4 x 200 samples + 2 line ends;
     3 sigma_y x 5 gammas.  */
  static const fc_ck_figure_file files[] = {
    { "guidance-residual.dat", 5 },
    { "guided-samples.dat", 41 * 41 + 4 * 200 + 2 },
    { "guidance-gamma.dat", 3 * 5 },
  };
  assert_figure_files (files, sizeof files / sizeof files[0]);
}
END_TEST

START_TEST (test_figure_data_into_missing_directory_fails)
{
  fc_run_options opt = { SEED, "/nonexistent/flowcheck-guidance", 1, NULL };
  ck_assert_int_ne (module_under_test ()->write_figure_data (&opt), GSL_SUCCESS);
  opt.out_dir = NULL;
  ck_assert_int_ne (module_under_test ()->write_figure_data (&opt), GSL_SUCCESS);
}
END_TEST

static Suite *
guidance_suite (void)
{
  Suite *s = suite_create ("guidance");
  TCase *tc = tcase_create ("claims");
  tcase_add_test (tc, test_module_lists_claims_g1_to_g6_in_catalog_order);
  tcase_add_test (tc, test_g1_postulated_field_residual_does_not_shrink_for_any_c);
  tcase_add_test (tc, test_g2_note_equation_refuted_corrected_equation_order_two);
  tcase_add_test (tc, test_g2_corrected_equation_with_wrong_factor_is_refuted);
  tcase_add_test (tc, test_exact_guidance_solves_posterior_continuity_only_with_c_t);
  tcase_add_test (tc, test_g3_ode_coupling_likelihood_differs_and_mis_samples);
  tcase_add_test (tc, test_g4_reconstruction_gradient_error_vanishes_only_as_t_to_1);
  tcase_add_test (tc, test_g5_note_vector_wrong_direction_even_at_t1);
  tcase_add_test (tc, test_note_vector_for_fewer_observations_than_dimensions_is_refused);
  tcase_add_test (tc, test_g6_exact_guidance_at_noise_level_approximations_above);
  tcase_add_test (tc, test_same_seed_same_figures_other_seed_other_figures);
  suite_add_tcase (s, tc);
  TCase *tf = tcase_create ("figures");
  tcase_add_test (tf, test_figure_data_written_whole_with_headers);
  tcase_add_test (tf, test_figure_data_into_missing_directory_fails);
  suite_add_tcase (s, tf);
  return s;
}

int
main (void)
{
  return fc_run_suite (guidance_suite ());
}
