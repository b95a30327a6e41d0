/* tests/check_guide_field.c -- the guidance factor and the guided
 * velocity fields of fc_guide (fc_guide.h): c_t in closed form, the
 * exact-split field u + c_t grad log h against the velocity of the
 * posterior path (S6), every field finite on [0, 1]; the results' bitwise
 * independence of threads and batch, and every refused input.  */
#include <config.h>

#include "guide_fixtures.h"

/* ------------------------------------------- guided velocity (S6) */

FC_TEST ("guided velocity", test_factor_is_one_minus_t_over_t_for_linear)
{
  double c;
  for (int i = 1; i <= 9; i++)
    {
      double t = i / 10.0 + 0.0381966;
      ck_assert_int_eq (fc_guide_factor (FC_SCHEDULE_LINEAR, t, &c), 0);
      fc_ck_assert_rel (c, (1 - t) / t, TOL_EPS (8), "c_t linear");
      /* cosine: sigma (alpha' sigma - alpha sigma')/alpha
         = (pi/2) cos/sin (cos^2 + sin^2) = (pi/2) cot(pi t/2).  */
      ck_assert_int_eq (fc_guide_factor (FC_SCHEDULE_COSINE, t, &c), 0);
      fc_ck_assert_rel (c, M_PI_2 / tan (M_PI_2 * t), TOL_EPS (16),
                        "c_t cosine");
    }
  ck_assert_int_eq (fc_guide_factor (FC_SCHEDULE_LINEAR, 0.0, &c), 0);
  ck_assert (isinf (c) && c > 0);
  ck_assert_int_eq (fc_guide_factor (FC_SCHEDULE_LINEAR, 1.0, &c), 0);
  ck_assert (c == 0.0);
  ck_assert_int_eq (fc_guide_factor (FC_SCHEDULE_VP, 1.0, &c), 0);
  /* vp at t = 1: c = -sigma sigma' = alpha alpha' = beta_min / 2.  */
  fc_ck_assert_rel (c, FC_VP_BETA_MIN / 2, TOL_EPS (8), "c_1 vp");
  ck_assert_int_eq (fc_guide_factor (FC_SCHEDULE_LINEAR, 1.5, &c), GSL_EDOM);
}
END_TEST

FC_LOOP_TEST ("guided velocity", test_split_velocity_is_posterior_path_velocity,
              N_S * N_T)
{
  fc_schedule s = all_s[_i / N_T];
  double t = all_t[_i % N_T], worst = 0.0;
  fc_gmm *g = make_prior (D, NK, 71);
  for (size_t m = 1; m <= D + 1; m += 2)
    {
      fc_obs *o = make_obs (g, m, 72);
      double *x = make_points (NPTS, D, 73);
      double u1[NPTS * D], u2[NPTS * D];
      fc_guide_field *fe = fc_guide_field_alloc (g, s, o, FC_GUIDE_EXACT, 0);
      fc_guide_field *fs
        = fc_guide_field_alloc (g, s, o, FC_GUIDE_EXACT_SPLIT, 0);
      ck_assert (fe != NULL && fs != NULL);
      ck_assert_int_eq (fc_guide_field_velocity (t, NPTS, x, u1, NULL, fe), 0);
      ck_assert_int_eq (fc_guide_field_velocity (t, NPTS, x, u2, NULL, fs), 0);
      for (size_t p = 0; p < NPTS; p++)
        {
          double sc = 1 + norm2 (D, u1 + p * D) + norm2 (D, x + p * D);
          for (size_t i = 0; i < D; i++)
            {
              fc_ck_assert_abs (u2[p * D + i], u1[p * D + i],
                                TOL_BAYES * sc, "%s t=%g m=%zu: u + c grad",
                                fc_schedule_name (s), t, m);
              worst = GSL_MAX (worst, fabs (u2[p * D + i] - u1[p * D + i])
                                        / sc);
            }
        }
      fc_guide_field_free (fe);
      fc_guide_field_free (fs);
      fc_obs_free (o);
      free (x);
    }
  char what[64];
  snprintf (what, sizeof what, "S6 split %s t=%g", fc_schedule_name (s), t);
  report (what, worst);
  fc_gmm_free (g);
}
END_TEST

/* ------------------------------------------- fields, threads, errors */

FC_TEST ("guided velocity", test_guided_fields_are_finite_on_the_whole_interval)
{
  fc_gmm *g = make_prior (D, NK, 121);
  fc_obs *o = make_obs (g, D, 122);
  double *x = make_points (NPTS, D, 123);
  double u[NPTS * D], u0[NPTS * D], dv[NPTS];
  const double ts[] = { 0.0, 1e-9, 0.5, 1.0 };
  for (int mth = 0; mth < FC_GUIDE_COUNT; mth++)
    {
      fc_guide_method m;
      ck_assert_int_eq (fc_guide_method_parse (fc_guide_method_name (mth),
                                               &m), 0);
      ck_assert_int_eq (m, mth);
      fc_guide_field *f = fc_guide_field_alloc (g, FC_SCHEDULE_LINEAR, o, m,
                                                0.381966);
      ck_assert_ptr_nonnull (f);
      for (int k = 0; k < 4; k++)
        {
          ck_assert_int_eq (fc_guide_field_velocity (ts[k], NPTS, x, u, NULL,
                                                     f), 0);
          for (size_t i = 0; i < NPTS * D; i++)
            ck_assert_msg (isfinite (u[i]), "%s at t=%g",
                           fc_guide_method_name (m), ts[k]);
        }
      /* With gamma > 0 the approximate terms vanish at t = 0: the prior
         velocity is left.  */
      if (m == FC_GUIDE_RECONSTRUCTION || m == FC_GUIDE_NOTE)
        {
          fc_path_eval (g, FC_SCHEDULE_LINEAR, 0.0, FC_Q_VELOCITY, NPTS, x,
                        u0);
          fc_guide_field_velocity (0.0, NPTS, x, u, NULL, f);
          ck_assert (memcmp (u, u0, sizeof u) == 0);
        }
      int st = fc_guide_field_velocity (0.5, NPTS, x, u, dv, f);
      ck_assert_int_eq (st, m <= FC_GUIDE_EXACT ? GSL_SUCCESS : GSL_EUNIMPL);
      fc_guide_field_free (f);
    }
  /* The note's guidance with gamma = 0 diverges like c_t at t = 0.  */
  fc_guide_field *f = fc_guide_field_alloc (g, FC_SCHEDULE_LINEAR, o,
                                            FC_GUIDE_NOTE, 0.0);
  ck_assert_int_eq (fc_guide_field_velocity (0.0, NPTS, x, u, NULL, f),
                    GSL_EDOM);
  fc_guide_field_free (f);
  fc_guide_method m;
  ck_assert_int_eq (fc_guide_method_parse ("exactly", &m), GSL_EINVAL);
  ck_assert_str_eq (fc_guide_method_name (FC_GUIDE_COUNT), "unknown");
  fc_obs_free (o);
  fc_gmm_free (g);
  free (x);
}
END_TEST

FC_TEST ("batches and errors", test_results_do_not_depend_on_threads_or_batch)
{
  size_t n = fc_under_valgrind () ? 40 : 200;
  size_t per = 3 * D + 2 * D * D + 1 + 1 + 3 * D;
  fc_gmm *g = make_prior (D, NK, 131);
  fc_obs *o = make_obs (g, D, 132);
  double *x = make_points (n, D, 133);
  const guide_batch b = { g, o, FC_SCHEDULE_COSINE, 0.6180339, 0.0,
                          FC_GUIDE_LIK_TWEEDIE, NULL };
  guide_assert_threads_and_batch (&b, n, per, x, "cosine t=0.618");
  fc_obs_free (o);
  fc_gmm_free (g);
  free (x);
}
END_TEST

FC_TEST ("batches and errors", test_bad_input_is_refused)
{
  fc_gmm *g = make_prior (D, NK, 141);
  fc_obs *o = make_obs (g, 2, 142);
  double x[2 * D] = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 }, lh[2], gr[2 * D];
  fc_guide_out eo = { .logh = lh, .grad = gr };
  fc_guide_approx_out ao = { .loglik = lh };
  fc_schedule L = FC_SCHEDULE_LINEAR;
  ck_assert_int_eq (fc_guide_eval (g, L, -0.1, o, 2, x, &eo), GSL_EDOM);
  ck_assert_int_eq (fc_guide_eval (g, L, 1.1, o, 2, x, &eo), GSL_EDOM);
  ck_assert_int_eq (fc_guide_eval (g, L, GSL_NAN, o, 2, x, &eo), GSL_EDOM);
  ck_assert_int_eq (fc_guide_eval (g, L, 0.5, NULL, 2, x, &eo), GSL_EINVAL);
  ck_assert_int_eq (fc_guide_eval (g, L, 0.5, o, 2, x, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_guide_eval (g, L, 0.5, o, 2, NULL, &eo), GSL_EINVAL);
  ck_assert_int_eq (fc_guide_eval (NULL, L, 0.5, o, 2, x, &eo), GSL_EINVAL);
  x[4] = GSL_NAN;
  ck_assert_int_eq (fc_guide_eval (g, L, 0.5, o, 2, x, &eo), GSL_EBADFUNC);
  ck_assert_int_eq (fc_guide_approx (g, L, 0.5, o, FC_GUIDE_LIK_TWEEDIE, 0,
                                     2, x, &ao), GSL_EBADFUNC);
  x[4] = 0.5;
  ck_assert_int_eq (fc_guide_eval (g, L, 0.5, o, 0, NULL, &eo), GSL_SUCCESS);
  /* The observation: dimension, noise, entries.  */
  fc_obs *o4 = fc_obs_alloc (2, D + 1);
  ck_assert_int_eq (fc_guide_eval (g, L, 0.5, o4, 2, x, &eo), GSL_EBADLEN);
  ck_assert_ptr_null (fc_guide_field_alloc (g, L, o4, FC_GUIDE_EXACT, 0));
  fc_obs_free (o4);
  o->sigma_y = 0.0;
  ck_assert_int_eq (fc_guide_eval (g, L, 0.5, o, 2, x, &eo), GSL_EDOM);
  ck_assert_int_eq (fc_guide_approx (g, L, 0.5, o, FC_GUIDE_LIK_TWEEDIE, 0,
                                     2, x, &ao), GSL_EDOM);
  o->sigma_y = SIGMA_Y;
  /* gamma, kind.  */
  ck_assert_int_eq (fc_guide_approx (g, L, 0.5, o,
                                     FC_GUIDE_LIK_RECONSTRUCTION, -1, 2, x,
                                     &ao), GSL_EDOM);
  ck_assert_int_eq (fc_guide_approx (g, L, 0.5, o,
                                     FC_GUIDE_LIK_RECONSTRUCTION, GSL_POSINF,
                                     2, x, &ao), GSL_EDOM);
  ck_assert_int_eq (fc_guide_approx (g, L, 0.5, o, FC_GUIDE_LIK_COUNT, 0, 2,
                                     x, &ao), GSL_EINVAL);
  ck_assert_int_eq (fc_guide_approx (g, L, 0.5, NULL, FC_GUIDE_LIK_TWEEDIE,
                                     0, 2, x, &ao), GSL_EINVAL);
  ck_assert_ptr_null (fc_guide_field_alloc (g, L, o, FC_GUIDE_RECONSTRUCTION,
                                            -0.5));
  ck_assert_ptr_null (fc_guide_field_alloc (g, L, o, FC_GUIDE_COUNT, 0));
  ck_assert_ptr_null (fc_guide_field_alloc (NULL, L, o, FC_GUIDE_EXACT, 0));
  fc_guide_field_free (NULL);
  /* Point masses: undefined at t = 1, fine before.  */
  fc_gmm *pm = fc_gmm_point_masses (D, 2, x, NULL);
  ck_assert_int_eq (fc_guide_eval (pm, L, 1.0, o, 2, x, &eo), GSL_EDOM);
  ck_assert_int_eq (fc_guide_eval (pm, L, 0.9, o, 2, x, &eo), GSL_SUCCESS);
  fc_gmm_free (pm);
  /* Unprepared mixture.  */
  fc_gmm *raw = fc_gmm_alloc (D, 1);
  ck_assert_int_eq (fc_guide_eval (raw, L, 0.5, o, 2, x, &eo), GSL_EINVAL);
  fc_gmm_free (raw);
  fc_obs_free (o);
  fc_gmm_free (g);
}
END_TEST

FC_CK_MAIN ("guide_field")
