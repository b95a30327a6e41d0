/* tests/check_study.c -- order studies (fc_study.h), the path adapters
 * (fc_path_field.h), fc_verdict_combine and the module helpers.
 *
 * Known answers: a moving, shrinking Gaussian with its exact transport field
 * solves the continuity equation (L "Background: continuity equation"), so
 * its study must show order 2 and be CONFIRMED; dropping the field's spread
 * term leaves an O(1) residual, REFUTED.  The decision rule is checked on
 * exact power laws fed to the pooled sums.  The adapters must give the very
 * bits of fc_path_eval_many.  Order bands follow fc_study.h: a floor
 * 2.5 (h_max/ell)^2 for the O(h^2) correction to the slope.  */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <gsl/gsl_math.h>

#include "fc_check.h"
#include "fc_gmm.h"
#include "fc_path.h"
#include "fc_path_field.h"
#include "fc_rng.h"
#include "fc_schedule.h"
#include "fc_spec.h"
#include "fc_study.h"

#define SEED 20240501UL
#define D 2
#define NT 3
#define NH 5
#define H_MAX 0.04
static const double times[NT] = { 0.25, 0.5, 0.8 };

/* ---------------------------------------------------- a known solution */

/* p_t = N(x; t mu, s_t^2 I), s_t = 1 - c t, with the transport field
   u = mu + (s'/s) (x - t mu): the flow x -> t mu + s_t z carries p_t.
   WRONG drops the spread term (u = mu), which moves the mean right but
   not the width: dp/dt + div(p u) = -(s'/s) (D - |x - m|^2/s^2) p != 0.  */
typedef struct
{
  double mu[D];
  double c;
  int wrong;
} gauss_pair;

static const gauss_pair pair_exact = { { 1.381966, -0.618034 }, 0.618034, 0 };

static int
gauss_field (double t, size_t n, const double *x, double *p, double *u,
             void *params)
{
  const gauss_pair *g = params;
  double s = 1.0 - g->c * t, ds = -g->c;
  for (size_t i = 0; i < n; i++)
    {
      double d2 = 0.0;
      for (size_t j = 0; j < D; j++)
        {
          double d = x[i * D + j] - t * g->mu[j];
          d2 += d * d;
          u[i * D + j] = g->mu[j] + (g->wrong ? 0.0 : ds / s * d);
        }
      p[i] = exp (-0.5 * d2 / (s * s)) / (2.0 * M_PI * s * s);
    }
  return GSL_SUCCESS;
}

/* Draws of p_t: t mu + s_t z. */
static int
gauss_points (double t, unsigned long seed, size_t n, double *x, void *params)
{
  const gauss_pair *g = params;
  int status = fc_rng_gaussian_fill (seed, 0, n * D, x);
  for (size_t i = 0; i < n * D; i++)
    x[i] = t * g->mu[i % D] + (1.0 - g->c * t) * x[i];
  return status;
}

/* Shortest scale of p over the times, as fc_path_field_scale: the width
   s_t, and the time over which the mean moves or the width changes by one
   width, 1/((|mu| + |s'|)/s).  */
static double
gauss_scale (const gauss_pair *g)
{
  double ell = GSL_POSINF, speed = hypot (g->mu[0], g->mu[1]) + g->c;
  for (size_t j = 0; j < NT; j++)
    {
      double s = 1.0 - g->c * times[j];
      ell = GSL_MIN (ell, GSL_MIN (s, s / speed));
    }
  return ell;
}

static void
plan (fc_order_study *st, const gauss_pair *g)
{
  double ell = gauss_scale (g);
  ck_assert_int_eq (fc_order_study_init (st, "gauss", D, NT, times, NH, H_MAX,
                                         2.5 * gsl_pow_2 (H_MAX / ell)),
                    GSL_SUCCESS);
  st->scale = ell;
}

static size_t
n_points (void)
{
  return fc_under_valgrind () ? 32 : 200;
}

FC_TEST ("order", test_exact_gaussian_pair_is_confirmed_at_order_two)
{
  fc_order_study st;
  plan (&st, &pair_exact);
  ck_assert_int_eq (fc_order_study_run (&st, gauss_field, (void *) &pair_exact,
                                        gauss_points, (void *) &pair_exact,
                                        n_points (), SEED),
                    GSL_SUCCESS);
  ck_assert_msg (st.kind == FC_VERDICT_CONFIRMED, "verdict %s, order %.17g "
                 "band %.17g rel_hmin %.17g trunc %.17g",
                 fc_verdict_name (st.kind), st.order, st.band,
                 st.rel[NH - 1], st.trunc);
  fc_ck_assert_abs (st.order, 2.0, st.band, "fitted order");
  ck_assert_uint_eq (st.n_accumulated, NT * n_points ());
  ck_assert (st.local_lo <= st.local_hi);
  for (size_t k = 0; k < NH; k++)
    fc_ck_assert_rel (st.h[k], H_MAX / (double) (1u << k), TOL_EPS (1),
                      "h[%zu]", k);
}
END_TEST

FC_TEST ("order", test_pair_without_its_spread_term_is_refuted)
{
  gauss_pair wrong = pair_exact;
  wrong.wrong = 1;
  fc_order_study st;
  plan (&st, &wrong);
  ck_assert_int_eq (fc_order_study_run (&st, gauss_field, &wrong, gauss_points,
                                        &wrong, n_points (), SEED),
                    GSL_SUCCESS);
  ck_assert_msg (st.kind == FC_VERDICT_REFUTED, "verdict %s, order %.17g",
                 fc_verdict_name (st.kind), st.order);
  /* An O(1) residual: the stall threshold of fc_order_study_verdict. */
  ck_assert_msg (st.order < 0.5 && st.rel[NH - 1] > 10.0 * st.trunc,
                 "order %.17g rel %.17g", st.order, st.rel[NH - 1]);
}
END_TEST

FC_TEST ("order", test_run_equals_accumulating_the_same_points_by_hand)
{
  fc_order_study a, b;
  size_t n = n_points ();
  double *x = malloc (n * D * sizeof *x);
  ck_assert_ptr_nonnull (x);
  plan (&a, &pair_exact);
  plan (&b, &pair_exact);
  ck_assert_int_eq (fc_order_study_run (&a, gauss_field, (void *) &pair_exact,
                                        gauss_points, (void *) &pair_exact, n,
                                        SEED),
                    GSL_SUCCESS);
  for (size_t j = 0; j < NT; j++)
    {
      ck_assert_int_eq (gauss_points (times[j], fc_rng_stream_seed (SEED, j),
                                      n, x, (void *) &pair_exact),
                        GSL_SUCCESS);
      ck_assert_int_eq (fc_order_study_accumulate (&b, gauss_field,
                                                   (void *) &pair_exact, j, n,
                                                   x),
                        GSL_SUCCESS);
    }
  ck_assert_int_eq (fc_order_study_verdict (&b), GSL_SUCCESS);
  for (size_t k = 0; k < NH; k++)
    ck_assert (a.rel[k] == b.rel[k]);
  ck_assert (a.order == b.order && a.band == b.band && a.kind == b.kind);
  free (x);
}
END_TEST

/* ---------------------------------------------------- the decision rule */

/* Feed rel(h) = C h^P + R0 exactly (ssp = 1) and decide.  */
static fc_verdict_kind
decide_plus (double c, double p, double r0, fc_order_study *st)
{
  ck_assert_int_eq (fc_order_study_init (st, "synthetic", D, NT, times, NH,
                                         H_MAX, 0.1),
                    GSL_SUCCESS);
  st->scale = 0.2;
  st->n_accumulated = 1;
  for (size_t k = 0; k < NH; k++)
    {
      st->ssr[k] = gsl_pow_2 (c * pow (st->h[k], p) + r0);
      st->ssp[k] = 1.0;
    }
  ck_assert_int_eq (fc_order_study_verdict (st), GSL_SUCCESS);
  return st->kind;
}

/* Feed rel(h) = C h^P exactly.  */
static fc_verdict_kind
decide (double c, double p, fc_order_study *st)
{
  return decide_plus (c, p, 0.0, st);
}

FC_TEST ("order", test_decision_rule_on_exact_power_laws)
{
  fc_order_study st;
  /* trunc = 2 (1 + D) (h_min / ell)^2 = 6 (0.0025/0.2)^2 = 9.375e-4. */
  double trunc = 6.0 * gsl_pow_2 (H_MAX / 16.0 / 0.2);
  /* An exact power law: slope and local orders to round-off of logs of
     size ~ |log h| < 6 over a log-h spread of 2.8: 64 eps with room.  */
  ck_assert_int_eq (decide (1.0, 2.0, &st), FC_VERDICT_CONFIRMED);
  fc_ck_assert_rel (st.trunc, trunc, TOL_EPS (8), "trunc");
  fc_ck_assert_abs (st.order, 2.0, TOL_EPS (64), "order of h^2");
  fc_ck_assert_abs (st.band, 0.1, TOL_EPS (64), "band of an exact law");
  /* Right order, residual above the truncation scale: APPROXIMATE. */
  ck_assert_int_eq (decide (1e3, 2.0, &st), FC_VERDICT_APPROXIMATE);
  /* A constant residual: REFUTED; and a first-order one: APPROXIMATE. */
  ck_assert_int_eq (decide (0.381966, 0.0, &st), FC_VERDICT_REFUTED);
  fc_ck_assert_abs (st.order, 0.0, TOL_EPS (64), "order of a constant");
  ck_assert_int_eq (decide (1.0, 1.0, &st), FC_VERDICT_APPROXIMATE);
  /* A constant below the truncation scale is not refuted (round-off). */
  ck_assert_int_eq (decide (1e-6, 0.0, &st), FC_VERDICT_APPROXIMATE);
  /* Order 2 that stalls at half the truncation scale: the local orders
     fall 1.96, 1.85, 1.51, 0.89 and widen the band to 1.17 around a slope
     of 1.55, but the finest one is 1.1 away from 2: not confirmed.  */
  ck_assert_int_eq (decide_plus (30.0, 2.0, 0.5 * trunc, &st),
                    FC_VERDICT_APPROXIMATE);
  ck_assert_msg (fabs (st.order - 2.0) <= st.band && st.rel[NH - 1] <= trunc,
                 "slope %g, band %g: the case must pass the other tests",
                 st.order, st.band);
}
END_TEST

FC_TEST ("order", test_record_and_describe_give_the_decisive_figures)
{
  fc_order_study st;
  fc_verdict v;
  char line[256], tiny[12];
  decide (1.0, 2.0, &st);
  fc_verdict_init (&v, "X1", "test");
  fc_order_study_record (&v, &st);
  ck_assert_uint_eq (v.n_metrics, 2);
  ck_assert_str_eq (v.metric[0].name, "order_synthetic");
  ck_assert (v.metric[0].value == st.order && v.metric[0].tolerance == st.band);
  ck_assert_str_eq (v.metric[1].name, "rel_hmin_synthetic");
  ck_assert (v.metric[1].value == st.rel[NH - 1]
             && v.metric[1].tolerance == st.trunc);
  int len = fc_order_study_describe (&st, line, sizeof line);
  ck_assert_int_eq (len, (int) strlen (line));
  ck_assert_msg (strncmp (line, "synthetic rel(h) 0.0016 0.0004 ", 31) == 0,
                 "%s", line);
  ck_assert_msg (strstr (line, "order 2.0000 (2 +- 0.100)  CONFIRMED") != NULL,
                 "%s", line);
  /* A short buffer holds a terminated prefix; the length is the whole. */
  ck_assert_int_eq (fc_order_study_describe (&st, tiny, sizeof tiny), len);
  ck_assert_uint_eq (strlen (tiny), sizeof tiny - 1);
  ck_assert (strncmp (tiny, line, sizeof tiny - 1) == 0);
  ck_assert_int_eq (fc_order_study_describe (&st, tiny, 0), -1);
}
END_TEST

/* ------------------------------------------------------------ errors */

static int
failing_points (double t, unsigned long seed, size_t n, double *x,
                void *params)
{
  (void) t, (void) seed, (void) n, (void) x, (void) params;
  return GSL_EBADFUNC;
}

FC_TEST ("order", test_study_errors_are_reported)
{
  fc_order_study st;
  static const double t0[1] = { 0.0 }, t1[1] = { 1.0 }, tin[1] = { 0.381966 };
  ck_assert_int_eq (fc_order_study_init (&st, "e", 0, 1, tin, NH, H_MAX, 0.1),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_order_study_init (&st, "e", D, 0, tin, NH, H_MAX, 0.1),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_order_study_init (&st, "e", D, FC_STUDY_MAX_TIMES + 1,
                                         tin, NH, H_MAX, 0.1),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_order_study_init (&st, "e", D, 1, tin, 1, H_MAX, 0.1),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_order_study_init (&st, "e", D, 1, tin,
                                         FC_STUDY_MAX_STEPS + 1, H_MAX, 0.1),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_order_study_init (&st, "e", D, 1, tin, NH, 0.0, 0.1),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_order_study_init (&st, "e", D, 1, tin, NH, H_MAX, -0.1),
                    GSL_EINVAL);
  /* t = 0 and t = 1: a central difference in t would leave [0, 1]. */
  ck_assert_int_eq (fc_order_study_init (&st, "e", D, 1, t0, NH, H_MAX, 0.1),
                    GSL_EDOM);
  ck_assert_int_eq (fc_order_study_init (&st, "e", D, 1, t1, NH, H_MAX, 0.1),
                    GSL_EDOM);
  ck_assert_int_eq (fc_order_study_init (&st, "e", D, 1, tin, NH, H_MAX, 0.1),
                    GSL_SUCCESS);
  ck_assert (isnan (st.scale));
  /* No scale, then nothing accumulated. */
  ck_assert_int_eq (fc_order_study_verdict (&st), GSL_EINVAL);
  st.scale = 0.2;
  ck_assert_int_eq (fc_order_study_verdict (&st), GSL_EINVAL);
  double x[D] = { 0.381966, -1.2 };
  ck_assert_int_eq (fc_order_study_accumulate (&st, gauss_field,
                                               (void *) &pair_exact, 1, 1, x),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_order_study_accumulate (&st, gauss_field,
                                               (void *) &pair_exact, 0, 0, x),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_order_study_run (&st, gauss_field, (void *) &pair_exact,
                                        failing_points, NULL, 4, SEED),
                    GSL_EBADFUNC);
  ck_assert_int_eq (fc_order_study_run (&st, gauss_field, (void *) &pair_exact,
                                        gauss_points, (void *) &pair_exact, 0,
                                        SEED),
                    GSL_EINVAL);
  ck_assert_int_eq (st.kind, FC_VERDICT_NONE);
}
END_TEST

/* ------------------------------------------------------------ adapters */

static const double probe[] = { 0.381966, -1.2, 2.5, 0.7, -0.05, 0.0,
                                -3.1, -2.2, 1.7, -0.618034 };
#define NPROBE (sizeof probe / sizeof probe[0] / D)

/* The kernel computes the velocity in one of two exact forms, chosen by
   the set of quantities asked for (fc_path_chol.c: the Cholesky form
   without the divergence, the eigenbasis with it), so an adapter asking
   for another set gets the same number to the kernels' rounding: a few
   hundred eps of the field's scale (16 eps (D + K) cond, as
   tests/check_path_isa bounds the two code paths; 8gaussians: D = 2,
   K = 8, cond(C_k) < 4), not the same bits; the density likewise, to that
   band times |log p| (its quadratic form's rounding).  The divergence is
   computed in the eigenbasis whatever else is asked: the same bits.  */
static double
velocity_band (void)
{
  return 16.0 * GSL_DBL_EPSILON * (D + 8) * 4.0;
}

static void
assert_same_velocity (double got, double want)
{
  fc_ck_assert_abs (got, want, velocity_band () * GSL_MAX (1.0, fabs (want)),
                    "adapter velocity against fc_path_eval_many");
}

FC_TEST ("path_field", test_adapters_give_the_numbers_of_fc_path_eval_many)
{
  static const double ts[] = { 0.0, 0.381966, 1.0 };
  fc_gmm *g = fc_spec_builtin ("8gaussians");
  ck_assert_ptr_nonnull (g);
  for (size_t s = 0; s < FC_SCHEDULE_COUNT; s++)
    for (size_t it = 0; it < sizeof ts / sizeof ts[0]; it++)
      {
        double lp[NPROBE], v[NPROBE * D], dv[NPROBE];
        double p[NPROBE], u[NPROBE * D], u2[NPROBE * D], div[NPROBE];
        fc_path_out out = { 0 };
        out.logp = lp, out.velocity = v, out.div = dv;
        fc_path_field_params par = { g, (fc_schedule) s };
        ck_assert_int_eq (fc_path_eval_many (g, par.s, ts[it], NPROBE, probe,
                                             &out), GSL_SUCCESS);
        ck_assert_int_eq (fc_path_field_density (ts[it], NPROBE, probe, p, u,
                                                 &par), GSL_SUCCESS);
        ck_assert_int_eq (fc_path_field_velocity (ts[it], NPROBE, probe, u2,
                                                  div, &par), GSL_SUCCESS);
        for (size_t i = 0; i < NPROBE; i++)
          {
            /* log p to the same rounding, relative to its size */
            double e = exp (lp[i]);
            fc_ck_assert_abs (p[i], e,
                              velocity_band () * GSL_MAX (1.0, fabs (lp[i])) * e,
                              "density adapter against exp (logp)");
            ck_assert (div[i] == dv[i]);
            for (size_t j = 0; j < D; j++)
              {
                assert_same_velocity (u[i * D + j], v[i * D + j]);
                assert_same_velocity (u2[i * D + j], v[i * D + j]);
              }
          }
        ck_assert_int_eq (fc_path_field_velocity (ts[it], NPROBE, probe, u2,
                                                  NULL, &par), GSL_SUCCESS);
        for (size_t i = 0; i < NPROBE * D; i++)
          assert_same_velocity (u2[i], v[i]);
      }
  /* Outside [0, 1] the path's own error comes through. */
  fc_path_field_params par = { g, FC_SCHEDULE_LINEAR };
  double p[NPROBE], u[NPROBE * D];
  ck_assert_int_eq (fc_path_field_density (1.5, NPROBE, probe, p, u, &par),
                    GSL_EDOM);
  fc_gmm_free (g);
}
END_TEST

FC_TEST ("path_field", test_points_of_a_conditional_path_follow_alpha_x1_plus_sigma_x0)
{
  static const double x1[D] = { 1.381966, -0.618034 };
  size_t n = fc_under_valgrind () ? 200 : 4000;
  double *x = malloc (n * D * sizeof *x), *y = malloc (n * D * sizeof *y);
  ck_assert (x != NULL && y != NULL);
  fc_path_field_source src = { FC_SCHEDULE_LINEAR, D, NULL, x1 };
  /* t = 1 (linear): sigma = 0, alpha = 1, every point is x1 exactly. */
  ck_assert_int_eq (fc_path_field_points (1.0, SEED, n, x, &src), GSL_SUCCESS);
  for (size_t i = 0; i < n * D; i++)
    ck_assert (x[i] == x1[i % D]);
  /* t = 0: x = x0 ~ N(0, I); the sample mean within Z_MAX/sqrt(n). */
  ck_assert_int_eq (fc_path_field_points (0.0, SEED, n, x, &src), GSL_SUCCESS);
  for (size_t j = 0; j < D; j++)
    {
      double m = 0.0;
      for (size_t i = 0; i < n; i++)
        m += x[i * D + j] / (double) n;
      fc_ck_assert_abs (m, 0.0, Z_MAX / sqrt ((double) n), "mean %zu", j);
    }
  /* Same seed, same draws; t = 0.381966: alpha x1 + sigma z, z from
     stream (SEED, 2).  */
  ck_assert_int_eq (fc_path_field_points (0.381966, SEED, n, x, &src),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_rng_gaussian_fill (fc_rng_stream_seed (SEED, 2), 0,
                                          n * D, y), GSL_SUCCESS);
  for (size_t i = 0; i < n * D; i++)
    ck_assert (x[i] == 0.381966 * x1[i % D] + (1.0 - 0.381966) * y[i]);
  free (x), free (y);
}
END_TEST

FC_TEST ("path_field", test_points_of_point_mass_data_sit_on_the_masses_at_t1)
{
  static const double pts[3 * D] = { 1.0, 0.0, -0.381966, 2.0, 0.5, -1.5 };
  static const double w[3] = { 0.2, 0.5, 0.3 };
  enum { N = 64 };
  double x[N * D];
  fc_gmm *g = fc_gmm_point_masses (D, 3, pts, w);
  ck_assert_ptr_nonnull (g);
  fc_path_field_source src = { FC_SCHEDULE_LINEAR, D, g, NULL };
  ck_assert_int_eq (fc_path_field_points (1.0, SEED, N, x, &src), GSL_SUCCESS);
  size_t hits[3] = { 0 };
  for (size_t i = 0; i < N; i++)
    {
      int found = 0;
      for (size_t k = 0; k < 3; k++)
        if (x[i * D] == pts[k * D] && x[i * D + 1] == pts[k * D + 1])
          hits[k]++, found = 1;
      ck_assert_msg (found, "point %zu (%g, %g) is no mass", i, x[i * D],
                     x[i * D + 1]);
    }
  /* Every mass of weight >= 0.2 is drawn in 64 tries (miss: 0.8^64 ~ 6e-7). */
  ck_assert (hits[0] > 0 && hits[1] > 0 && hits[2] > 0);
  /* Errors: a source whose dimension is not its data's, one with nothing. */
  fc_path_field_source bad = { FC_SCHEDULE_LINEAR, 3, g, NULL };
  ck_assert_int_eq (fc_path_field_points (0.5, SEED, N, x, &bad), GSL_EBADLEN);
  fc_path_field_source none = { FC_SCHEDULE_LINEAR, D, NULL, NULL };
  ck_assert_int_eq (fc_path_field_points (0.5, SEED, N, x, &none), GSL_EINVAL);
  ck_assert_int_eq (fc_path_field_points (-0.1, SEED, N, x, &src), GSL_EDOM);
  fc_gmm_free (g);
}
END_TEST

FC_TEST ("path_field", test_singular_data_that_are_not_point_masses_are_refused)
{
  static const double mu[D] = { 0.381966, 1.0 };
  static const double cov[D * D] = { 1.0, 0.0, 0.0, 0.0 };
  double x[4 * D];
  fc_gmm *g = fc_gmm_alloc (D, 1);
  ck_assert_ptr_nonnull (g);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 1.0, mu, cov), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_prepare (g), GSL_SUCCESS);
  ck_assert_int_eq (g->all_pd, 0);
  ck_assert_int_eq (fc_path_field_sample_data (g, SEED, 4, x), GSL_EDOM);
  fc_gmm_free (g);
}
END_TEST

FC_TEST ("path_field", test_scales_of_the_linear_path)
{
  /* linear: alpha = t, sigma = 1 - t.  At t = 0.5 sigma = 0.5 and the rate
     1/0.5 + 1/0.5 = 4 gives 0.25; at t = 0.8 sigma = 0.2, rate 1.25 + 5
     = 6.25, 0.16: the minimum.  */
  static const double ts[2] = { 0.5, 0.8 };
  double ell;
  ck_assert_int_eq (fc_path_field_scale (FC_SCHEDULE_LINEAR, 2, ts, &ell),
                    GSL_SUCCESS);
  fc_ck_assert_rel (ell, 0.16, TOL_EPS (8), "scale");
  ck_assert_int_eq (fc_path_field_scale (FC_SCHEDULE_LINEAR, 1, ts, &ell),
                    GSL_SUCCESS);
  fc_ck_assert_rel (ell, 0.25, TOL_EPS (8), "scale at 0.5");
  static const double t01[2] = { 0.0, 1.0 };
  ck_assert_int_eq (fc_path_field_scale (FC_SCHEDULE_LINEAR, 1, t01, &ell),
                    GSL_EDOM);
  ck_assert_int_eq (fc_path_field_scale (FC_SCHEDULE_LINEAR, 1, t01 + 1, &ell),
                    GSL_EDOM);
  /* Box: one Gaussian at (1.381966, -0.618034) with variances 0.25, 0.04:
     alpha = 1, sigma = 0: 1.381966 + 3 * 0.5; alpha = 0, sigma = 1: 3.  */
  static const double mu[D] = { 1.381966, -0.618034 };
  static const double cov[D * D] = { 0.25, 0.0, 0.0, 0.04 };
  fc_gmm *g = fc_gmm_alloc (D, 1);
  ck_assert_ptr_nonnull (g);
  ck_assert_int_eq (fc_gmm_set_component (g, 0, 1.0, mu, cov), GSL_SUCCESS);
  ck_assert_int_eq (fc_gmm_prepare (g), GSL_SUCCESS);
  fc_ck_assert_rel (fc_path_field_box (g, 1.0, 0.0), 1.381966 + 1.5,
                    TOL_EPS (8), "box at t = 1");
  fc_ck_assert_rel (fc_path_field_box (g, 0.0, 1.0), 3.0, TOL_EPS (8),
                    "box at t = 0");
  fc_gmm_free (g);
}
END_TEST

/* ------------------------------------------------------------ helpers */

FC_TEST ("helpers", test_combine_confirms_only_when_every_case_does)
{
  static const fc_verdict_kind all[3] = { FC_VERDICT_CONFIRMED,
                                          FC_VERDICT_CONFIRMED,
                                          FC_VERDICT_CONFIRMED };
  static const fc_verdict_kind one_ref[3] = { FC_VERDICT_CONFIRMED,
                                              FC_VERDICT_APPROXIMATE,
                                              FC_VERDICT_REFUTED };
  static const fc_verdict_kind one_app[2] = { FC_VERDICT_CONFIRMED,
                                              FC_VERDICT_APPROXIMATE };
  static const fc_verdict_kind one_none[2] = { FC_VERDICT_CONFIRMED,
                                               FC_VERDICT_NONE };
  ck_assert_int_eq (fc_verdict_combine (3, all), FC_VERDICT_CONFIRMED);
  ck_assert_int_eq (fc_verdict_combine (3, one_ref), FC_VERDICT_REFUTED);
  ck_assert_int_eq (fc_verdict_combine (2, one_app), FC_VERDICT_APPROXIMATE);
  ck_assert_int_eq (fc_verdict_combine (2, one_none), FC_VERDICT_NONE);
  ck_assert_int_eq (fc_verdict_combine (0, all), FC_VERDICT_NONE);
}
END_TEST

FC_TEST ("helpers", test_sumsq_and_norm_are_exact_on_small_integers)
{
  static const double v[3] = { 3.0, -4.0, 12.0 };
  ck_assert (fc_study_sumsq (2, v) == 25.0);
  ck_assert (fc_study_norm (2, v) == 5.0);
  ck_assert (fc_study_norm (3, v) == 13.0);
  ck_assert (fc_study_sumsq (0, v) == 0.0);
}
END_TEST

FC_CK_MAIN ("study")
