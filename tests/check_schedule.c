/* tests/check_schedule.c -- the schedules alpha_t, sigma_t (fc_schedule.h;
 * CATALOG.md "Conventions").  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <gsl/gsl_math.h>

#include "fc_check.h"
#include "fc_schedule.h"

static const fc_schedule all_s[]
  = { FC_SCHEDULE_LINEAR, FC_SCHEDULE_COSINE, FC_SCHEDULE_VP };
/* Interior times, "high-entropy" values away from 0, 1/2 and 1.  */
static const double interior_t[] = { 0.0381966, 0.381966, 0.7236068, 0.95 };

static fc_schedule_value
eval_ok (fc_schedule s, double t)
{
  fc_schedule_value v;
  int status = fc_schedule_eval (s, t, &v);
  ck_assert_msg (status == GSL_SUCCESS, "%s at t = %.17g: status %d",
                 fc_schedule_name (s), t, status);
  return v;
}

FC_TEST ("core", test_endpoints_are_exact)
{
  for (size_t i = 0; i < 3; i++)
    {
      fc_schedule_value v1 = eval_ok (all_s[i], 1.0);
      ck_assert (v1.alpha == 1.0 && v1.sigma == 0.0 && v1.sigma2 == 0.0);
      ck_assert (isfinite (v1.sigma_dsigma) && isfinite (v1.dalpha));
      fc_schedule_value v0 = eval_ok (all_s[i], 0.0);
      if (all_s[i] != FC_SCHEDULE_VP)
        ck_assert (v0.alpha == 0.0 && v0.sigma == 1.0 && v0.sigma2 == 1.0);
    }
  /* vp at t = 0: log alpha = -(bmax - bmin)/4 - bmin/2 = -5.025; a few
     ulps of error in the exponent (|5.025| * 2 eps) become a relative
     error of alpha.  */
  fc_schedule_value v = eval_ok (FC_SCHEDULE_VP, 0.0);
  fc_ck_assert_rel (v.alpha, exp (-5.025), TOL_EPS (16), "vp alpha(0)");
}
END_TEST

FC_TEST ("core", test_vp_sigma_derivative_is_infinite_but_product_finite_at_t1)
{
  fc_schedule_value v = eval_ok (FC_SCHEDULE_VP, 1.0);
  ck_assert (v.dsigma == -INFINITY);
  /* d log alpha/dt = (1-t)(bmax - bmin)/2 + bmin/2 is bmin/2 at the data
     end, so sigma sigma' = -alpha alpha' = -bmin/2 there.  */
  fc_ck_assert_rel (v.sigma_dsigma, -FC_VP_BETA_MIN / 2, TOL_EPS (4),
                    "vp sigma sigma' at t = 1");
  fc_ck_assert_rel (v.dalpha, FC_VP_BETA_MIN / 2, TOL_EPS (4),
                    "vp alpha' at t = 1");
}
END_TEST

FC_TEST ("core", test_closed_forms_at_interior_times)
{
  for (size_t j = 0; j < 4; j++)
    {
      double t = interior_t[j];
      fc_schedule_value l = eval_ok (FC_SCHEDULE_LINEAR, t);
      fc_ck_assert_rel (l.alpha, t, 0.0, "linear alpha");
      fc_ck_assert_rel (l.sigma, 1 - t, 0.0, "linear sigma");
      fc_schedule_value c = eval_ok (FC_SCHEDULE_COSINE, t);
      fc_ck_assert_rel (c.alpha, sin (M_PI_2 * t), TOL_EPS (4), "cos alpha");
      fc_ck_assert_rel (c.sigma, cos (M_PI_2 * t), TOL_EPS (8), "cos sigma");
      for (size_t i = 0; i < 3; i++)
        {
          fc_schedule_value v = eval_ok (all_s[i], t);
          fc_ck_assert_rel (v.sigma2, v.sigma * v.sigma, TOL_EPS (4),
                            "%s sigma2 = sigma^2", fc_schedule_name (all_s[i]));
          fc_ck_assert_rel (v.sigma_dsigma, v.sigma * v.dsigma, TOL_EPS (4),
                            "%s sigma_dsigma", fc_schedule_name (all_s[i]));
          if (all_s[i] != FC_SCHEDULE_LINEAR)
            fc_ck_assert_rel (v.alpha * v.alpha + v.sigma2, 1.0, TOL_EPS (4),
                              "%s variance preserving",
                              fc_schedule_name (all_s[i]));
        }
    }
}
END_TEST

/* Central difference of field F of the schedule at T with step H. */
static double
central (fc_schedule s, double t, double h, int field)
{
  fc_schedule_value p = eval_ok (s, t + h), m = eval_ok (s, t - h);
  double fp = field == 0 ? p.alpha : field == 1 ? p.sigma : p.sigma2;
  double fm = field == 0 ? m.alpha : field == 1 ? m.sigma : m.sigma2;
  return (fp - fm) / (2 * h);
}

/* Derivatives against central differences.  Error bound of the central
   difference: h^2 M3 / 6 + eps max|f| / h, with M3 a bound on the third
   derivative on [0, 1].  For alpha and sigma: linear 0, cosine
   (pi/2)^3 < 4; vp, alpha = e^a with a' <= bmax/2 and |a''| = (bmax - bmin)/2,
   alpha''' = alpha (a'^3 + 3 a' a'') below 1400.  For sigma^2: linear 0,
   cosine (1 + cos pi t)/2 gives pi^3/2 < 16, vp (alpha^2)''' =
   8 alpha^2 (a'^3 + 3/2 a' a'') below 9200 (sigma^2 = 1 - alpha^2; vp's
   sigma itself is not differenced, its sigma' is infinite at t = 1).  */
FC_TEST ("core", test_derivatives_match_central_differences)
{
  const double h = 1e-5;
  const double m3[3] = { 0.0, 4.0, 1400.0 };
  const double m3s2[3] = { 0.0, 16.0, 9200.0 };
  for (size_t i = 0; i < 3; i++)
    for (size_t j = 0; j < 4; j++)
      {
        double t = interior_t[j];
        double tol = h * h * m3[i] / 6 + 2 * GSL_DBL_EPSILON / h;
        double tol2 = h * h * m3s2[i] / 6 + 2 * GSL_DBL_EPSILON / h;
        fc_schedule_value v = eval_ok (all_s[i], t);
        const char *nm = fc_schedule_name (all_s[i]);
        fc_ck_assert_abs (v.dalpha, central (all_s[i], t, h, 0), tol,
                          "%s alpha' at %g", nm, t);
        fc_ck_assert_abs (v.sigma_dsigma, 0.5 * central (all_s[i], t, h, 2),
                          tol2, "%s sigma sigma' at %g", nm, t);
        if (all_s[i] != FC_SCHEDULE_VP)
          fc_ck_assert_abs (v.dsigma, central (all_s[i], t, h, 1), tol,
                            "%s sigma' at %g", nm, t);
      }
}
END_TEST

/* Near t = 1 sigma is small: computed naively (1 - alpha^2, cos of an angle
   near pi/2) it would lose all relative accuracy.  Compare with series that
   are exact to far below eps there.  */
FC_TEST ("core", test_sigma_keeps_relative_accuracy_near_t1)
{
  const double u = 1e-9; /* 1 - t */
  double t = 1.0 - u, ue = 1.0 - t; /* the u actually represented */
  fc_schedule_value c = eval_ok (FC_SCHEDULE_COSINE, t);
  double th = M_PI_2 * ue;
  fc_ck_assert_rel (c.sigma, th * (1 - th * th / 6), TOL_EPS (4),
                    "cosine sigma at 1 - 1e-9");
  fc_schedule_value v = eval_ok (FC_SCHEDULE_VP, t);
  double la = -ue * ue * (FC_VP_BETA_MAX - FC_VP_BETA_MIN) / 4
              - ue * FC_VP_BETA_MIN / 2;
  /* -expm1(2a) = -2a - 2a^2 - (4/3) a^3 ...; |a| ~ 5e-11.  */
  fc_ck_assert_rel (v.sigma2, -2 * la - 2 * la * la, TOL_EPS (4),
                    "vp sigma^2 at 1 - 1e-9");
}
END_TEST

FC_TEST ("core", test_bad_time_or_schedule_is_an_error)
{
  fc_schedule_value v;
  const double bad[] = { NAN, -1e-300, 1.0 + GSL_DBL_EPSILON, -INFINITY,
                         INFINITY };
  for (size_t i = 0; i < 3; i++)
    for (size_t j = 0; j < 5; j++)
      ck_assert_int_eq (fc_schedule_eval (all_s[i], bad[j], &v), GSL_EDOM);
  ck_assert_int_eq (fc_schedule_eval (FC_SCHEDULE_COUNT, 0.5, &v),
                    GSL_EINVAL);
}
END_TEST

FC_TEST ("core", test_names_round_trip_and_unknown_names_are_rejected)
{
  fc_schedule s;
  for (size_t i = 0; i < 3; i++)
    {
      ck_assert_int_eq (fc_schedule_parse (fc_schedule_name (all_s[i]), &s),
                        GSL_SUCCESS);
      ck_assert_int_eq (s, all_s[i]);
    }
  ck_assert_str_eq (fc_schedule_name (FC_SCHEDULE_VP), "vp");
  ck_assert_int_eq (fc_schedule_parse ("Linear", &s), GSL_EINVAL);
  ck_assert_int_eq (fc_schedule_parse ("", &s), GSL_EINVAL);
  ck_assert_int_eq (fc_schedule_parse (NULL, &s), GSL_EINVAL);
  ck_assert_str_eq (fc_schedule_name (FC_SCHEDULE_COUNT), "unknown");
}
END_TEST

FC_CK_MAIN ("schedule")
