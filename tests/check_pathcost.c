/* tests/check_pathcost.c -- simplex paths, time maps, path costs, the
 * two-block problem and the minimiser (src/fc_pathcost.h; claims B6-B8,
 * N §Albergo et al. 2023 "Optimisation of path", §What we need to do,
 * §Chat 3/11/2023).
 *
 * Tolerances: pointwise identities on the round-off ladder TOL_EPS(k)
 * with k from the operation count; finite-difference checks by fitted
 * order, the band from the leading neglected term; quadrature results
 * against the rule's own error estimate; Monte Carlo figures within
 * Z_MAX standard errors with a fixed seed.  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_integration.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#include "fc_check.h"
#include "fc_fd.h"
#include "fc_gmm.h"
#include "fc_interp.h"
#include "fc_pathcost.h"
#include "fc_rng.h"

#define SEED 20240611UL
#define KMAX 5  /* largest vertex count used */
#define NMODES 3

/* Scales of the random parameters: small, moderate and large (the large
   ones drive exp(psi) far beyond the range of a double).  */
static const double param_scale[] = { 0.3, 3.0, 30.0, 1000.0 };
#define N_SCALES (sizeof param_scale / sizeof param_scale[0])

static void
random_params (unsigned long stream, double scale, size_t n, double *x)
{
  gsl_rng *r = fc_rng_alloc (SEED, stream);
  for (size_t i = 0; i < n; i++)
    x[i] = scale * gsl_ran_gaussian (r, 1.0);
  gsl_rng_free (r);
}

/* ------------------------------------------------------------ simplex path */

FC_TEST ("core", test_simplex_path_ends_are_exact_vertices_for_any_theta)
{
  for (size_t nk = 2; nk <= KMAX; nk++)
    for (size_t sc = 0; sc < N_SCALES; sc++)
      {
        fc_simplex_path p = { nk, nk - 1, 0, NMODES };
        double theta[KMAX * NMODES], a0[KMAX], a1[KMAX], d[KMAX];
        random_params (100 * nk + sc, param_scale[sc], nk * NMODES, theta);
        ck_assert_int_eq (fc_simplex_path_eval (&p, theta, 0.0, a0, d), GSL_SUCCESS);
        ck_assert_int_eq (fc_simplex_path_eval (&p, theta, 1.0, a1, d), GSL_SUCCESS);
        for (size_t k = 0; k < nk; k++)
          {
            /* Exactly, not to round-off: the end conditions are part of
               the construction (every other weight carries t or 1 - t).  */
            ck_assert_msg (a0[k] == (k == p.from ? 1.0 : 0.0),
                           "alpha_%zu(0) = %.17g (K+1 = %zu, scale %g)", k,
                           a0[k], nk, param_scale[sc]);
            ck_assert_msg (a1[k] == (k == p.to ? 1.0 : 0.0),
                           "alpha_%zu(1) = %.17g (K+1 = %zu, scale %g)", k,
                           a1[k], nk, param_scale[sc]);
          }
      }
}
END_TEST

FC_TEST ("core", test_simplex_path_stays_in_simplex_for_any_theta)
{
  for (size_t nk = 2; nk <= KMAX; nk++)
    for (size_t sc = 0; sc < N_SCALES; sc++)
      {
        fc_simplex_path p = { nk, 0, 1, NMODES };
        double theta[KMAX * NMODES], a[KMAX], d[KMAX];
        random_params (200 * nk + sc, param_scale[sc], nk * NMODES, theta);
        for (size_t i = 0; i <= 200; i++)
          {
            double t = i / 200.0 * 0.999 + 0.000381966;
            ck_assert_int_eq (fc_simplex_path_eval (&p, theta, t, a, d), GSL_SUCCESS);
            double sum = 0.0;
            for (size_t k = 0; k < nk; k++)
              {
                ck_assert_msg (a[k] >= 0.0 && a[k] <= 1.0, "alpha_%zu = %.17g", k, a[k]);
                ck_assert (isfinite (d[k]));
                sum += a[k];
              }
            /* The weights are renormalised by their sum: K + 1 additions
               and one division per term, 2 (K + 1) epsilons.  */
            fc_ck_assert_abs (sum, 1.0, TOL_EPS (2.0 * nk), "sum alpha at t = %g", t);
          }
      }
}
END_TEST

FC_TEST ("core", test_simplex_path_theta_zero_is_the_straight_path)
{
  fc_simplex_path p = { 3, 2, 0, NMODES };
  double zero[3 * NMODES] = { 0 };
  static const double ts[] = { 0.0, 0.381966, 0.5, 0.9, 1.0 };
  for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
    {
      double a[3], d[3], a2[3], d2[3];
      ck_assert_int_eq (fc_simplex_path_eval (&p, NULL, ts[i], a, d), GSL_SUCCESS);
      ck_assert_int_eq (fc_simplex_path_eval (&p, zero, ts[i], a2, d2), GSL_SUCCESS);
      /* (1 - t) e_2 + t e_0 up to the rounding of log/exp (4 eps).  */
      fc_ck_assert_abs (a[2], 1.0 - ts[i], TOL_EPS (4), "alpha_from(%g)", ts[i]);
      fc_ck_assert_abs (a[0], ts[i], TOL_EPS (4), "alpha_to(%g)", ts[i]);
      ck_assert (a[1] == 0.0);
      fc_ck_assert_abs (d[2], -1.0, TOL_EPS (8), "alpha_from'(%g)", ts[i]);
      fc_ck_assert_abs (d[0], 1.0, TOL_EPS (8), "alpha_to'(%g)", ts[i]);
      for (size_t k = 0; k < 3; k++)
        ck_assert (a[k] == a2[k] && d[k] == d2[k]);
    }
}
END_TEST

/* Finite-difference order study of a derivative: ERR(h) for h_k =
   H_MAX 2^-k, k < NH; asserts the fitted order is 2 within BAND plus three
   standard errors of the fitted slope.  */
#define NH 5
static void
assert_order_two (const double *h, const double *err, double band,
                  const char *what)
{
  double order, log_c, se;
  ck_assert_int_eq (fc_fd_order_fit (NH, h, err, &order, &log_c, &se), GSL_SUCCESS);
  fc_ck_assert_abs (order, 2.0, band + 3.0 * se, "fitted order of %s", what);
}

/* Second-order difference of F at T with step H: central inside, the
   one-sided (-3 f(t) + 4 f(t + h) - f(t + 2h)) / 2h (mirrored at t = 1)
   at the ends, so t = 0 and t = 1 are studied too.  */
typedef int (*scalar_fn) (double t, void *params, double *out, size_t n);

static int
fd_second_order (scalar_fn f, void *params, double t, double h, size_t n,
                 double *out)
{
  double f0[KMAX], f1[KMAX], f2[KMAX];
  int s;
  if (t - h < 0.0 || t + h > 1.0)
    {
      double sgn = t - h < 0.0 ? 1.0 : -1.0;
      s = f (t, params, f0, n) | f (t + sgn * h, params, f1, n)
          | f (t + 2.0 * sgn * h, params, f2, n);
      for (size_t k = 0; k < n; k++)
        out[k] = sgn * (-3.0 * f0[k] + 4.0 * f1[k] - f2[k]) / (2.0 * h);
      return s;
    }
  s = f (t + h, params, f1, n) | f (t - h, params, f2, n);
  for (size_t k = 0; k < n; k++)
    out[k] = (f1[k] - f2[k]) / (2.0 * h);
  return s;
}

typedef struct
{
  fc_simplex_path p;
  const double *theta;
} sp_params;

static int
sp_alpha (double t, void *params, double *out, size_t n)
{
  (void) n;
  sp_params *s = params;
  return fc_simplex_path_eval (&s->p, s->theta, t, out, NULL);
}

/* h_max = 0.01: the neglected term of a second-order difference is
   c4 h^2 / c2 ~ (omega h)^2 relative, omega = pi N (1 + |theta|) the
   fastest rate in alpha for N = 3 modes and |theta| ~ 1, i.e.
   (3 pi * 2 * 0.01)^2 = 0.036 on the slope; BAND 0.05 covers it.  */
#define SP_H_MAX 0.01
#define SP_BAND 0.05

FC_TEST ("core", test_simplex_path_derivative_matches_differences_at_order_two)
{
  static const double ts[] = { 0.0, 0.381966, 0.7236068, 1.0 };
  double theta[4 * NMODES];
  random_params (300, 0.5, 4 * NMODES, theta);
  sp_params sp = { { 4, 1, 3, NMODES }, theta };
  for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
    {
      double a[4], d[4], h[NH], err[NH];
      ck_assert_int_eq (fc_simplex_path_eval (&sp.p, theta, ts[i], a, d), GSL_SUCCESS);
      for (size_t j = 0; j < NH; j++)
        {
          double fd[4];
          h[j] = SP_H_MAX * ldexp (1.0, -(int) j);
          ck_assert_int_eq (fd_second_order (sp_alpha, &sp, ts[i], h[j], 4, fd), GSL_SUCCESS);
          err[j] = 0.0;
          for (size_t k = 0; k < 4; k++)
            err[j] = GSL_MAX (err[j], fabs (fd[k] - d[k]));
        }
      char what[64];
      snprintf (what, sizeof what, "alpha' at t = %g", ts[i]);
      assert_order_two (h, err, SP_BAND, what);
    }
}
END_TEST

/* ------------------------------------------------------- monotone time map */

FC_TEST ("core", test_time_map_is_increasing_with_exact_ends_for_any_a)
{
  for (size_t sc = 0; sc < N_SCALES - 1; sc++)
    for (size_t rep = 0; rep < 3; rep++)
      {
        double a[NMODES], tau, dtau, prev = 0.0;
        random_params (400 + 10 * sc + rep, param_scale[sc], NMODES, a);
        ck_assert_int_eq (fc_time_map_eval (NMODES, a, 0.0, &tau, &dtau), GSL_SUCCESS);
        ck_assert (tau == 0.0);
        ck_assert_int_eq (fc_time_map_eval (NMODES, a, 1.0, &tau, &dtau), GSL_SUCCESS);
        ck_assert (tau == 1.0);
        for (size_t i = 1; i < 400; i++)
          {
            double s = i / 400.0;
            ck_assert_int_eq (fc_time_map_eval (NMODES, a, s, &tau, &dtau), GSL_SUCCESS);
            /* Strictly increasing wherever the increase dtau / 400
               exceeds the rounding of tau (8 eps); never decreasing.  */
            int strict = dtau / 400.0 > TOL_EPS (8);
            ck_assert_msg ((strict ? tau > prev : tau >= prev) && tau <= 1.0
                           && dtau > 0.0,
                           "tau(%g) = %.17g after %.17g (scale %g)", s, tau,
                           prev, param_scale[sc]);
            prev = tau;
          }
      }
}
END_TEST

FC_TEST ("core", test_time_map_identity_at_zero_parameters)
{
  double zero[NMODES] = { 0 };
  for (size_t i = 0; i <= 10; i++)
    {
      double s = i / 10.0 * 0.9381966, tau, dtau, tau2;
      ck_assert_int_eq (fc_time_map_eval (NMODES, NULL, s, &tau, &dtau), GSL_SUCCESS);
      ck_assert_int_eq (fc_time_map_eval (NMODES, zero, s, &tau2, NULL), GSL_SUCCESS);
      /* Sum of 16 weighted nodes per panel over 3 panels, then a ratio.  */
      fc_ck_assert_abs (tau, s, TOL_EPS (64), "identity tau(%g)", s);
      fc_ck_assert_abs (dtau, 1.0, TOL_EPS (64), "identity tau'(%g)", s);
      ck_assert (tau == tau2);
    }
}
END_TEST

typedef struct
{
  size_t n;
  const double *a;
} tm_params;

static double
tm_exp_phi (double r, void *params)
{
  const tm_params *t = params;
  double phi = 0.0;
  for (size_t n = 1; n <= t->n; n++)
    phi += t->a[n - 1] * cos (n * M_PI * r);
  return exp (phi);
}

FC_TEST ("core", test_time_map_matches_adaptive_quadrature)
{
  /* Independent reference: tau(s) = I(s) / I(1) by gsl_integration_qags
     at relative tolerance 1e-13; the band is the reference's own error
     estimate, propagated through the ratio, plus 64 eps of round-off.  */
  gsl_integration_workspace *ws = gsl_integration_workspace_alloc (1000);
  for (size_t sc = 0; sc < N_SCALES - 1; sc++)
    {
      double a[NMODES];
      random_params (500 + sc, param_scale[sc], NMODES, a);
      tm_params tp = { NMODES, a };
      gsl_function f = { tm_exp_phi, &tp };
      double tot, etot;
      ck_assert_int_eq (gsl_integration_qags (&f, 0.0, 1.0, 0.0, 1e-13, 1000, ws, &tot, &etot), GSL_SUCCESS);
      static const double ss[] = { 0.1, 0.381966, 0.5, 0.7236068, 0.99 };
      for (size_t i = 0; i < sizeof ss / sizeof ss[0]; i++)
        {
          double part, epart, tau;
          ck_assert_int_eq (gsl_integration_qags (&f, 0.0, ss[i], 0.0, 1e-13, 1000, ws, &part, &epart), GSL_SUCCESS);
          ck_assert_int_eq (fc_time_map_eval (NMODES, a, ss[i], &tau, NULL), GSL_SUCCESS);
          double ref = part / tot;
          double band = (epart + ref * etot) / tot + TOL_EPS (64);
          fc_ck_assert_abs (tau, ref, band, "tau(%g), scale %g", ss[i], param_scale[sc]);
        }
    }
  gsl_integration_workspace_free (ws);
}
END_TEST

static int
tm_tau (double s, void *params, double *out, size_t n)
{
  (void) n;
  const tm_params *t = params;
  return fc_time_map_eval (t->n, t->a, s, out, NULL);
}

FC_TEST ("core", test_time_map_derivative_matches_differences_at_order_two)
{
  double a[NMODES];
  random_params (600, 0.5, NMODES, a);
  tm_params tp = { NMODES, a };
  static const double ss[] = { 0.0, 0.381966, 0.7236068, 1.0 };
  for (size_t i = 0; i < sizeof ss / sizeof ss[0]; i++)
    {
      double tau, dtau, h[NH], err[NH];
      ck_assert_int_eq (fc_time_map_eval (NMODES, a, ss[i], &tau, &dtau), GSL_SUCCESS);
      for (size_t j = 0; j < NH; j++)
        {
          double fd;
          h[j] = SP_H_MAX * ldexp (1.0, -(int) j);
          ck_assert_int_eq (fd_second_order (tm_tau, &tp, ss[i], h[j], 1, &fd), GSL_SUCCESS);
          err[j] = fabs (fd - dtau);
        }
      char what[64];
      snprintf (what, sizeof what, "tau' at s = %g", ss[i]);
      assert_order_two (h, err, SP_BAND, what);
    }
}
END_TEST

FC_TEST ("core", test_note_time_map_misses_its_end_by_the_squared_sum)
{
  for (size_t rep = 0; rep < 5; rep++)
    {
      double a[NMODES], sum = 0.0;
      random_params (700 + rep, 1.0, NMODES, a);
      for (size_t n = 0; n < NMODES; n++)
        sum += a[n];
      ck_assert (fc_time_map_note (NMODES, a, 0.0) == 0.0);
      /* t(1) = 1 + (sum a)^2: sin(pi/2) rounds to 1, three additions.  */
      fc_ck_assert_rel (fc_time_map_note (NMODES, a, 1.0), 1.0 + sum * sum,
                        TOL_EPS (8), "note t(1)");
    }
}
END_TEST

/* -------------------------------------------------------------------- cost */

static fc_gmm *
gaussian (size_t dim, const double *mean, const double *cov, size_t copies)
{
  fc_gmm *g = fc_gmm_alloc (dim, copies);
  for (size_t c = 0; c < copies; c++)
    fc_gmm_set_component (g, c, 1.0, mean, cov);
  fc_gmm_prepare (g);
  return g;
}

/* The 1-D pair x0 ~ N(M0, S0^2), x1 ~ N(M1, S1^2), x = (1-t) x0 + t x1.
   With v = (1-t)^2 S0^2 + t^2 S1^2 and c = Cov(x1 - x0, x) = v'/2,
   b = (M1 - M0) + c (x - E x) / v, E b^2 = (M1 - M0)^2 + c^2 / v, and
   (v')^2 = 4 A v - 4 S0^2 S1^2 with A = S0^2 + S1^2, so
   c^2 / v = A - S0^2 S1^2 / v; int_0^1 dt / v = (pi / 2) / (S0 S1)
   (arctan(S1/S0) + arctan(S0/S1)).  Hence
     C = (M1 - M0)^2 + S0^2 + S1^2 - (pi / 2) S0 S1.  */
static double
pair_cost_1d (double m0, double s0, double m1, double s1)
{
  return gsl_pow_2 (m1 - m0) + s0 * s0 + s1 * s1 - M_PI_2 * s0 * s1;
}

#define M0 (-1.381966)
#define S0 0.8
#define M1 2.2360680
#define S1 1.3

static fc_interp *
pair_or_triple (size_t copies, size_t nk)
{
  double m[3] = { M0, M1, 0.4 }, v[3] = { S0 * S0, S1 * S1, 0.09 };
  const fc_gmm *g[3];
  fc_gmm *own[3];
  for (size_t k = 0; k < nk; k++)
    g[k] = own[k] = gaussian (1, &m[k], &v[k], copies);
  fc_interp *ip = fc_interp_alloc (nk, g);
  for (size_t k = 0; k < nk; k++)
    fc_gmm_free (own[k]);
  return ip;
}

#define REL_TOL 1e-10

FC_TEST ("core", test_gaussian_straight_cost_matches_closed_form_1d)
{
  double exact = pair_cost_1d (M0, S0, M1, S1);
  for (size_t nk = 2; nk <= 3; nk++)
    {
      /* With a third (helper) vertex the straight path never touches it:
         alpha_2 = 0, so the cost is the pair's.  */
      fc_interp *ip = pair_or_triple (1, nk);
      fc_simplex_path p = { nk, 0, 1, NMODES };
      fc_path_cost c;
      ck_assert_int_eq (fc_path_cost_simplex (ip, &p, NULL, REL_TOL, 0, 0, 0, 0, &c), GSL_SUCCESS);
      ck_assert (c.stderr_ == 0.0);
      /* Band: the quadrature's error estimate and the requested relative
         tolerance (cquad's estimate may be below it) plus round-off.  */
      double band = GSL_MAX (c.abserr, REL_TOL * exact) + TOL_EPS (64) * exact;
      fc_ck_assert_abs (c.cost, exact, band, "straight cost, K+1 = %zu", nk);
      fc_interp_free (ip);
    }
}
END_TEST

FC_TEST ("core", test_monte_carlo_cost_agrees_with_exact_cost)
{
  /* Gaussian marginals written as two identical components each: the cost
     takes the Monte Carlo branch, with the exact (Gaussian) cost known.
     The Gauss-Legendre bias in t is negligible: the integrand is analytic
     with its nearest complex pole (v(t) = 0) at distance S0 S1 / (S0^2 +
     S1^2) = 0.46 from [0, 1], so 24 nodes err by ~(1.6)^-48 ~ 1e-10.  */
  fc_interp *ipg = pair_or_triple (1, 3), *ipm = pair_or_triple (2, 3);
  fc_simplex_path p = { 3, 0, 1, 2 };
  double theta[6] = { 0.3, -0.2, 0.1, 0.2, 0.9, -0.4 };
  size_t n = fc_under_valgrind () ? 512 : 4096;
  for (size_t i = 0; i < 2; i++)
    {
      const double *th = i == 0 ? NULL : theta;
      fc_path_cost ex, mc;
      ck_assert_int_eq (fc_path_cost_simplex (ipg, &p, th, REL_TOL, 0, 0, 0, 0, &ex), GSL_SUCCESS);
      ck_assert_int_eq (fc_path_cost_simplex (ipm, &p, th, REL_TOL, n, 24, SEED, 7, &mc), GSL_SUCCESS);
      ck_assert (mc.stderr_ > 0.0);
      fc_ck_assert_abs (mc.cost, ex.cost, Z_MAX * mc.stderr_, "MC cost, path %zu (n = %zu)", i, n);
    }
  fc_interp_free (ipg), fc_interp_free (ipm);
}
END_TEST

FC_TEST ("core", test_monte_carlo_draws_reuse_common_random_numbers)
{
  fc_interp *ipm = pair_or_triple (2, 3);
  fc_simplex_path p = { 3, 0, 1, 1 };
  double th[3] = { 0.2, -0.1, 0.7 }, c1[300], c2[300];
  /* Same seed, same draws: identical per-draw costs, and a tiny change
     of theta changes every draw's cost only a little (smooth objective).  */
  ck_assert_int_eq (fc_path_cost_simplex_draws (ipm, &p, th, 300, 16, SEED, 3, c1), GSL_SUCCESS);
  ck_assert_int_eq (fc_path_cost_simplex_draws (ipm, &p, th, 300, 16, SEED, 3, c2), GSL_SUCCESS);
  for (size_t i = 0; i < 300; i++)
    ck_assert (c1[i] == c2[i]);
  th[2] += 1e-6;
  ck_assert_int_eq (fc_path_cost_simplex_draws (ipm, &p, th, 300, 16, SEED, 3, c2), GSL_SUCCESS);
  for (size_t i = 0; i < 300; i++)
    fc_ck_assert_abs (c2[i], c1[i], 1e-4 * (1.0 + c1[i]), "draw %zu", i);
  fc_interp_free (ipm);
}
END_TEST

/* ------------------------------------------------------- two-block schedule */

FC_TEST ("core", test_block_cost_of_independent_blocks_is_sum_of_pair_costs)
{
  /* Uncorrelated 1-D blocks, diagonal schedule: each block is the 1-D pair
     N(0, 1) -> N(mu_r, S_rr), whose cost is pair_cost_1d.  */
  double mean[2] = { 1.381966, -0.5 }, cov[4] = { 0.49, 0.0, 0.0, 2.25 };
  fc_block_problem bp = { 1, 1, mean, cov };
  fc_path_cost c;
  ck_assert_int_eq (fc_path_cost_block (&bp, NMODES, NULL, NULL, REL_TOL, &c), GSL_SUCCESS);
  double exact = pair_cost_1d (0.0, 1.0, mean[0], 0.7) + pair_cost_1d (0.0, 1.0, mean[1], 1.5);
  double band = GSL_MAX (c.abserr, REL_TOL * exact) + TOL_EPS (64) * exact;
  fc_ck_assert_abs (c.cost, exact, band, "diagonal block cost");
}
END_TEST

FC_TEST ("core", test_block_velocity_is_conditional_mean_by_monte_carlo)
{
  /* x0 ~ N(0, I), x1 ~ N(mu, S) with correlated blocks (2 + 1 dims); at
     block times (ta, tb) the sampled velocity xdot minus b(x) must be
     uncorrelated with x and centred (the defining property of E[xdot|x]),
     and the mean of ||b(x)||^2 must match fc_block_speed2: each within
     Z_MAX standard errors.  */
  enum { D = 3 };
  double mean[D] = { 0.7, -1.2, 0.4 };
  double cov[D * D] = { 1.0, 0.3, 0.56, 0.3, 0.5, 0.2, 0.56, 0.2, 0.9 };
  fc_block_problem bp = { 2, 1, mean, cov };
  double ta = 0.381966, tb = 0.7236068, dta = 1.3, dtb = 0.6, s2;
  ck_assert_int_eq (fc_block_speed2 (&bp, ta, tb, dta, dtb, &s2), GSL_SUCCESS);
  size_t n = fc_under_valgrind () ? 2000 : 20000;
  double *x = malloc (n * D * sizeof *x), *xd = malloc (n * D * sizeof *xd);
  double *b = malloc (n * D * sizeof *b), *q = malloc (n * sizeof *q);
  double chol[D * D] = { 0 };
  /* The lower Cholesky factor of S, as fc_gmm_prepare computed it.  */
  fc_gmm *g = gaussian (D, mean, cov, 1);
  for (size_t i = 0; i < D * D; i++)
    chol[i] = g->chol[i];
  fc_gmm_free (g);
  gsl_rng *r = fc_rng_alloc (SEED, 801);
  for (size_t i = 0; i < n; i++)
    {
      double z[D], x0[D], x1[D];
      for (size_t d = 0; d < D; d++)
        x0[d] = gsl_ran_gaussian (r, 1.0), z[d] = gsl_ran_gaussian (r, 1.0);
      for (size_t d = 0; d < D; d++)
        {
          x1[d] = mean[d];
          for (size_t e = 0; e <= d; e++)
            x1[d] += chol[d * D + e] * z[e];
          double t = d < 2 ? ta : tb, dt = d < 2 ? dta : dtb;
          x[i * D + d] = (1.0 - t) * x0[d] + t * x1[d];
          xd[i * D + d] = dt * (x1[d] - x0[d]);
        }
    }
  gsl_rng_free (r);
  ck_assert_int_eq (fc_block_velocity (&bp, ta, tb, dta, dtb, n, x, b), GSL_SUCCESS);
  for (size_t i = 0; i < n; i++)
    {
      q[i] = 0.0;
      for (size_t d = 0; d < D; d++)
        q[i] += b[i * D + d] * b[i * D + d];
    }
  double m = gsl_stats_mean (q, 1, n), se = gsl_stats_sd_m (q, 1, n, m) / sqrt ((double) n);
  fc_ck_assert_abs (m, s2, Z_MAX * se, "E||b||^2 vs closed form (n = %zu)", n);
  /* Orthogonality: E[(xdot - b)_r] = 0 and E[(xdot - b)_r x_c] = 0.  */
  for (size_t rr = 0; rr < D; rr++)
    for (size_t c = 0; c <= D; c++)
      {
        for (size_t i = 0; i < n; i++)
          q[i] = (xd[i * D + rr] - b[i * D + rr]) * (c < D ? x[i * D + c] : 1.0);
        double mm = gsl_stats_mean (q, 1, n);
        double sd = gsl_stats_sd_m (q, 1, n, mm) / sqrt ((double) n);
        fc_ck_assert_abs (mm, 0.0, Z_MAX * sd, "residual %zu moment %zu", rr, c);
      }
  free (x), free (xd), free (b), free (q);
}
END_TEST

FC_TEST ("core", test_block_speed_finite_at_both_ends_and_singular_only_at_one_one)
{
  double mean[2] = { 0.5, 1.0 }, cov[4] = { 1.0, 0.8, 0.8, 1.0 };
  double sing[4] = { 1.0, 1.0, 1.0, 1.0 }, s2;
  fc_block_problem bp = { 1, 1, mean, cov }, bs = { 1, 1, mean, sing };
  ck_assert_int_eq (fc_block_speed2 (&bp, 0.0, 0.0, 1.0, 1.0, &s2), GSL_SUCCESS);
  ck_assert (isfinite (s2));
  ck_assert_int_eq (fc_block_speed2 (&bp, 1.0, 1.0, 1.0, 1.0, &s2), GSL_SUCCESS);
  ck_assert (isfinite (s2));
  ck_assert_int_eq (fc_block_speed2 (&bs, 0.9, 1.0, 1.0, 1.0, &s2), GSL_SUCCESS);
  ck_assert_int_eq (fc_block_speed2 (&bs, 1.0, 1.0, 1.0, 1.0, &s2), GSL_EDOM);
}
END_TEST

/* ---------------------------------------------------------------- learning */

typedef struct
{
  size_t calls, fail_after;
} quad_params;

static const double quad_c[3] = { 0.381966, -1.2360680, 0.7 };
static const double quad_w[3] = { 1.0, 2.5, 0.4 };
#define QUAD_MIN 1.381966

static int
quadratic (size_t n, const double *x, void *params, double *cost)
{
  quad_params *q = params;
  if (q != NULL && ++q->calls > q->fail_after)
    GSL_ERROR ("deliberate objective failure", GSL_EDOM);
  double s = QUAD_MIN;
  for (size_t i = 0; i < n; i++)
    s += quad_w[i] * gsl_pow_2 (x[i] - quad_c[i]);
  *cost = s;
  return GSL_SUCCESS;
}

FC_TEST ("core", test_minimiser_finds_quadratic_minimum_with_decreasing_trace)
{
  double x[3] = { 0 }, cost, trace[500];
  size_t nt;
  /* Stop at a simplex size of 1e-7: the vertices then lie within ~1e-7
     of their centroid, and the best one within a few sizes of the
     minimiser for this well-conditioned quadratic (weights 0.4 .. 2.5);
     the cost is then within max w (4 size)^2 of the minimum.  */
  fc_learn_options opt = { 500, 1e-7, 0.5 };
  ck_assert_int_eq (fc_learn_minimise (quadratic, NULL, 3, x, &opt, &cost, trace, &nt), GSL_SUCCESS);
  ck_assert (nt > 0 && nt < 500);
  for (size_t i = 0; i < 3; i++)
    fc_ck_assert_abs (x[i], quad_c[i], 4.0 * opt.size_tol / sqrt (quad_w[i] / 2.5) * 4.0, "x_%zu", i);
  fc_ck_assert_abs (cost, QUAD_MIN, 2.5 * gsl_pow_2 (16.0 * opt.size_tol) + TOL_EPS (4), "minimum");
  ck_assert (trace[nt - 1] == cost);
  for (size_t i = 1; i < nt; i++)
    ck_assert (trace[i] <= trace[i - 1]);
}
END_TEST

FC_TEST ("core", test_minimiser_reports_failures)
{
  double x[3] = { 0 }, cost;
  fc_learn_options opt = { 50, 1e-7, 0.5 }, bad = { 50, 1e-7, 0.0 };
  ck_assert_int_eq (fc_learn_minimise (quadratic, NULL, 3, x, &bad, &cost, NULL, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_learn_minimise (NULL, NULL, 3, x, &opt, &cost, NULL, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_learn_minimise (quadratic, NULL, 3, x, NULL, &cost, NULL, NULL), GSL_EINVAL);
  quad_params q = { 0, 10 };
  ck_assert_int_eq (fc_learn_minimise (quadratic, &q, 3, x, &opt, &cost, NULL, NULL), GSL_EDOM);
  /* No parameters: the objective at the fixed point.  */
  ck_assert_int_eq (fc_learn_minimise (quadratic, NULL, 0, NULL, &opt, &cost, NULL, NULL), GSL_SUCCESS);
  ck_assert (cost == QUAD_MIN);
}
END_TEST

/* ------------------------------------------------------------ error paths */

FC_TEST ("core", test_bad_arguments_are_reported)
{
  double a[3], th[3] = { 0.0, NAN, 0.0 }, tau, s2;
  fc_simplex_path same = { 3, 1, 1, 1 }, one = { 1, 0, 0, 1 }, out = { 3, 0, 3, 1 };
  fc_simplex_path ok = { 3, 0, 1, 1 };
  ck_assert_int_eq (fc_simplex_path_eval (&same, NULL, 0.5, a, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_simplex_path_eval (&one, NULL, 0.5, a, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_simplex_path_eval (&out, NULL, 0.5, a, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_simplex_path_eval (NULL, NULL, 0.5, a, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_simplex_path_eval (&ok, NULL, 0.5, NULL, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_simplex_path_eval (&ok, NULL, -1e-17, a, NULL), GSL_EDOM);
  ck_assert_int_eq (fc_simplex_path_eval (&ok, NULL, 1.0 + 1e-15, a, NULL), GSL_EDOM);
  ck_assert_int_eq (fc_simplex_path_eval (&ok, NULL, NAN, a, NULL), GSL_EDOM);
  ck_assert_int_eq (fc_simplex_path_eval (&ok, th, 0.5, a, NULL), GSL_EDOM);
  ck_assert_uint_eq (fc_simplex_path_n_params (&ok), 3);
  ck_assert_uint_eq (fc_simplex_path_n_params (NULL), 0);

  double big[1] = { 1e9 };
  ck_assert_int_eq (fc_time_map_eval (1, NULL, 1.5, &tau, NULL), GSL_EDOM);
  ck_assert_int_eq (fc_time_map_eval (1, NULL, 0.5, NULL, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_time_map_eval (3, th, 0.5, &tau, NULL), GSL_EDOM);
  ck_assert_int_eq (fc_time_map_eval (1, big, 0.5, &tau, NULL), GSL_EDOM);

  double mean[2] = { 0.0, 0.0 }, cov[4] = { 1.0, 0.0, 0.0, 1.0 };
  fc_block_problem bp = { 1, 1, mean, cov }, bz = { 0, 1, mean, cov };
  fc_path_cost c;
  ck_assert_int_eq (fc_block_speed2 (&bp, 1.1, 0.5, 1.0, 1.0, &s2), GSL_EDOM);
  ck_assert_int_eq (fc_block_speed2 (&bp, 0.5, 0.5, NAN, 1.0, &s2), GSL_EDOM);
  ck_assert_int_eq (fc_block_speed2 (&bz, 0.5, 0.5, 1.0, 1.0, &s2), GSL_EINVAL);
  ck_assert_int_eq (fc_block_speed2 (&bp, 0.5, 0.5, 1.0, 1.0, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_block_velocity (&bp, 0.5, 0.5, 1.0, 1.0, 1, NULL, a), GSL_EINVAL);
  ck_assert_int_eq (fc_path_cost_block (&bp, 1, NULL, NULL, 0.0, &c), GSL_EINVAL);
  ck_assert_int_eq (fc_path_cost_block (&bz, 1, NULL, NULL, 1e-8, &c), GSL_EINVAL);

  fc_interp *ipg = pair_or_triple (1, 2), *ipm = pair_or_triple (2, 2);
  fc_simplex_path two = { 2, 0, 1, 1 };
  double cst[4];
  ck_assert_int_eq (fc_path_cost_simplex (ipg, &ok, NULL, 1e-8, 0, 0, 0, 0, &c), GSL_EINVAL);
  ck_assert_int_eq (fc_path_cost_simplex (ipg, &two, NULL, 0.0, 0, 0, 0, 0, &c), GSL_EINVAL);
  ck_assert_int_eq (fc_path_cost_simplex (ipm, &two, NULL, 1e-8, 1, 8, 0, 0, &c), GSL_EINVAL);
  ck_assert_int_eq (fc_path_cost_simplex (ipm, &two, NULL, 1e-8, 4, 0, 0, 0, &c), GSL_EINVAL);
  ck_assert_int_eq (fc_path_cost_simplex (NULL, &two, NULL, 1e-8, 4, 8, 0, 0, &c), GSL_EINVAL);
  ck_assert_int_eq (fc_path_cost_simplex_draws (ipm, &two, th, 4, 8, 0, 0, cst), GSL_EDOM);
  ck_assert_int_eq (fc_path_cost_simplex_draws (ipm, &two, NULL, 4, 8, 0, 0, NULL), GSL_EINVAL);
  fc_interp_free (ipg), fc_interp_free (ipm);
}
END_TEST

FC_CK_MAIN ("pathcost")
