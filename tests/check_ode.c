/* tests/check_ode.c -- batch ODE integration and the log-density ODE.
 *
 * Claims: Euler, Heun and RK4 converge at orders 1, 2 and 4 on a linear
 * field with a known solution, for the state and for the log-density
 * change d/dt log p = -div u (C5, N "Ordinary differential equation");
 * the adaptive integrator meets its tolerance; backward integration undoes
 * forward integration; results do not depend on the thread count; a
 * failing field stops the integration with its own status.
 *
 * The test field is dx/dt = A(t) x with A(t) = a(t) I + b(t) J in 2-D, J
 * the quarter turn.  I and J commute, so the flow is
 *   x(t) = exp(int a) R(int b) x(0),
 * R the rotation, and div u = tr A = 2 a(t), so the exact log-density
 * change over [t0, t1] is -2 int_t0^t1 a.  a is not a polynomial, so no
 * scheme integrates the divergence exactly (Simpson's rule, which RK4
 * applies to it, is exact only up to cubics, and its error then has all
 * the even powers h^4, h^6, ...).  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unit_fixtures.h"
#include "fc_fd.h"
#include "fc_ode.h"

#define DIM 2
#define NPART 5

static const double start[NPART * DIM]
    = { 0.381966, -0.236068, -1.618034, 0.145898, 1.1180339, 0.7071068,
        -0.9442719, -1.3416408, 2.2360680, 0.5527864 };

/* a(t), b(t) and their integrals from 0.  */
static double
lin_a (double t)
{
  return 0.618034 - 0.9 * t + 0.5 * sin (2.5 * t);
}

static double
lin_int_a (double t)
{
  return 0.618034 * t - 0.45 * t * t + 0.2 * (1.0 - cos (2.5 * t));
}

static double
lin_b (double t)
{
  return 1.2 + 0.9 * t * t;
}

static double
lin_int_b (double t)
{
  return 1.2 * t + 0.3 * pow (t, 3);
}

typedef struct
{
  size_t calls;   /* field evaluations (points), counted atomically */
  double fail_hi; /* GSL_ERANGE when x1 > fail_hi after t > 0.5 */
  double fail_lo; /* GSL_EDOM when x1 < fail_lo after t > 0.5 */
} lin_params;

static int
lin_field (double t, size_t n, const double *x, double *u, double *div,
           void *params)
{
  lin_params *lp = params;
  double a = lin_a (t), b = lin_b (t);
  if (lp)
    {
#pragma omp atomic
      lp->calls += n;
    }
  for (size_t i = 0; i < n; i++)
    {
      const double *xi = x + i * DIM;
      if (lp && t > 0.5 && xi[1] > lp->fail_hi)
        return GSL_ERANGE;
      if (lp && t > 0.5 && xi[1] < lp->fail_lo)
        return GSL_EDOM;
      u[i * DIM] = a * xi[0] - b * xi[1];
      u[i * DIM + 1] = b * xi[0] + a * xi[1];
      if (div)
        div[i] = 2.0 * a;
    }
  return GSL_SUCCESS;
}

/* The exact flow from t0 to t1 of X0 (D) into X (D), and the exact
   log-density change.  */
static double
lin_exact (double t0, double t1, const double *x0, double *x)
{
  double g = exp (lin_int_a (t1) - lin_int_a (t0));
  double th = lin_int_b (t1) - lin_int_b (t0);
  x[0] = g * (cos (th) * x0[0] - sin (th) * x0[1]);
  x[1] = g * (sin (th) * x0[0] + cos (th) * x0[1]);
  return -2.0 * (lin_int_a (t1) - lin_int_a (t0));
}

/* Largest error over the particles after a run from T0 to T1, in the
   state (*ERR_X) and the log-density change (*ERR_L).  */
static void
lin_errors (double t0, double t1, const double *x, const double *logdet,
            double *err_x, double *err_l)
{
  double ex = 0.0, el = 0.0, xe[DIM];
  for (size_t i = 0; i < NPART; i++)
    {
      double l = lin_exact (t0, t1, start + i * DIM, xe);
      for (size_t j = 0; j < DIM; j++)
        ex = fmax (ex, fabs (x[i * DIM + j] - xe[j]));
      el = fmax (el, fabs (logdet[i] - l));
    }
  *err_x = ex;
  *err_l = el;
}

/* ------------------------------------------------------------ orders */

#define NSTEPS 5

/* Run METHOD for steps 10, 20, ..., 160 on [0, 1]; fit the order of the
   error in the state and in the log-density change, and check it against
   P.  The error expands as c_p h^p + c_{p+1} h^{p+1} + ..., so the local
   orders are p + O(h) and their largest deviation from p (at the coarsest
   pair) bounds the deviation of the fitted slope, which averages them.
   The deviations must shrink under refinement, as the next term makes
   them (by half per halving; at least 0.75 is asked).  */
static void
check_fixed_order (fc_ode_fixed_method method, double p)
{
  double hs[NSTEPS], ex[NSTEPS], el[NSTEPS];
  for (size_t k = 0; k < NSTEPS; k++)
    {
      size_t steps = 10u << k;
      double x[NPART * DIM], logdet[NPART] = { 0 };
      memcpy (x, start, sizeof x);
      ck_assert_int_eq (fc_ode_fixed (lin_field, NULL, method, DIM, NPART, x,
                                      logdet, 0.0, 1.0, steps, NULL),
                        GSL_SUCCESS);
      hs[k] = 1.0 / (double) steps;
      lin_errors (0.0, 1.0, x, logdet, &ex[k], &el[k]);
    }
  const double *errs[2] = { ex, el };
  const char *what[2] = { "state", "logdet" };
  for (int w = 0; w < 2; w++)
    {
      double order, local[NSTEPS - 1], band = 0.0;
      ck_assert_int_eq (fc_fd_order_fit (NSTEPS, hs, errs[w], &order, NULL, NULL),
                        GSL_SUCCESS);
      ck_assert_int_eq (fc_fd_local_orders (NSTEPS, hs, errs[w], local),
                        GSL_SUCCESS);
      for (size_t k = 0; k + 1 < NSTEPS; k++)
        band = fmax (band, fabs (local[k] - p));
      for (size_t k = 0; k + 2 < NSTEPS; k++)
        ck_assert_msg (fabs (local[k + 1] - p) <= 0.75 * fabs (local[k] - p),
                       "%s %s: local order deviation %g then %g",
                       fc_ode_fixed_method_name (method), what[w],
                       local[k] - p, local[k + 1] - p);
      fc_ck_assert_abs (order, p, band, "%s fitted order of the %s error",
                        fc_ode_fixed_method_name (method), what[w]);
      ck_assert_msg (band < 0.25 * p, "%s %s: coarsest local order %g",
                     fc_ode_fixed_method_name (method), what[w], local[0]);
    }
}

FC_TEST ("fixed", test_euler_converges_at_order_1)
{
  check_fixed_order (FC_ODE_EULER, 1.0);
}
END_TEST

FC_TEST ("fixed", test_heun_converges_at_order_2)
{
  check_fixed_order (FC_ODE_HEUN, 2.0);
}
END_TEST

FC_TEST ("fixed", test_rk4_converges_at_order_4)
{
  check_fixed_order (FC_ODE_RK4, 4.0);
}
END_TEST

FC_TEST ("fixed", test_fixed_trajectory_holds_every_step)
{
  /* TRAJ (steps + 1, n, D): the start, then each step; the last slice is
     the returned state, and the first step is one Euler step exactly.  */
  const size_t steps = 7;
  double x[NPART * DIM], traj[(7 + 1) * NPART * DIM];
  memcpy (x, start, sizeof x);
  ck_assert_int_eq (fc_ode_fixed (lin_field, NULL, FC_ODE_EULER, DIM, NPART,
                                  x, NULL, 0.0, 1.0, steps, traj),
                    GSL_SUCCESS);
  ck_assert_int_eq (memcmp (traj, start, sizeof x), 0);
  ck_assert_int_eq (memcmp (traj + steps * NPART * DIM, x, sizeof x), 0);
  double u[NPART * DIM], dt = 1.0 / (double) steps;
  lin_field (0.0, NPART, start, u, NULL, NULL);
  for (size_t i = 0; i < NPART * DIM; i++)
    ck_assert_double_eq (traj[NPART * DIM + i], start[i] + dt * u[i]);
}
END_TEST

FC_TEST ("fixed", test_fixed_backward_run_undoes_forward_run)
{
  /* RK4 there and back over [0.381966, 1]: each leg errs by about the
     forward error e (measured against the exact flow), so the round trip
     returns within 2 e times the flow's amplification exp(|int a|) <= e,
     and the log-density changes cancel within the same budget.  */
  const double t0 = 0.381966, t1 = 1.0;
  const size_t steps = 40;
  double x[NPART * DIM], logdet[NPART] = { 0 }, ex, el;
  memcpy (x, start, sizeof x);
  ck_assert_int_eq (fc_ode_fixed (lin_field, NULL, FC_ODE_RK4, DIM, NPART, x,
                                  logdet, t0, t1, steps, NULL),
                    GSL_SUCCESS);
  lin_errors (t0, t1, x, logdet, &ex, &el);
  ck_assert_int_eq (fc_ode_fixed (lin_field, NULL, FC_ODE_RK4, DIM, NPART, x,
                                  logdet, t1, t0, steps, NULL),
                    GSL_SUCCESS);
  double budget = 2.0 * M_E * ex + TOL_EPS (64);
  for (size_t i = 0; i < NPART * DIM; i++)
    fc_ck_assert_abs (x[i], start[i], budget, "round trip coordinate %zu", i);
  for (size_t i = 0; i < NPART; i++)
    fc_ck_assert_abs (logdet[i], 0.0, 2.0 * el + TOL_EPS (64),
                      "round trip logdet %zu", i);
}
END_TEST

/* A field defined on [0, 1] only, like the path of fc_path.h: GSL_EDOM
   for any other time.  Records the extreme times it was asked for.  */
typedef struct
{
  double t_min, t_max;
} unit_params;

static int
unit_field (double t, size_t n, const double *x, double *u, double *div,
            void *params)
{
  unit_params *up = params;
  up->t_min = fmin (up->t_min, t);
  up->t_max = fmax (up->t_max, t);
  if (!(t >= 0.0 && t <= 1.0))
    return GSL_EDOM;
  return lin_field (t, n, x, u, div, NULL);
}

FC_TEST ("fixed", test_fixed_stages_stay_inside_the_interval)
{
  /* t0 + (steps - 1) dt + dt rounds to 1 + 2^-52 for 93 steps of 1/93,
     and 1 + (steps - 1)(-dt) - dt to -2^-54 for 5 steps back: a stage at
     node c = 1 must be taken at the end of the interval itself.  */
  static const size_t steps[] = { 5, 10, 93, 117 };
  for (int m = 0; m < FC_ODE_FIXED_COUNT; m++)
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++)
      for (int back = 0; back < 2; back++)
        {
          double x[NPART * DIM], logdet[NPART] = { 0 };
          unit_params up = { INFINITY, -INFINITY };
          memcpy (x, start, sizeof x);
          ck_assert_msg (fc_ode_fixed (unit_field, &up, m, DIM, NPART, x,
                                       logdet, back ? 1.0 : 0.0,
                                       back ? 0.0 : 1.0, steps[k], NULL)
                             == GSL_SUCCESS,
                         "%s, %zu steps %s: times [%a, %a]",
                         fc_ode_fixed_method_name (m), steps[k],
                         back ? "backward" : "forward", up.t_min, up.t_max);
          /* The stages of the last step reach the end exactly (Euler has
             no stage at the end of a step).  */
          if (m != FC_ODE_EULER)
            ck_assert_double_eq (back ? up.t_min : up.t_max, back ? 0.0 : 1.0);
        }
}
END_TEST

FC_TEST ("fixed", test_fixed_rejects_bad_arguments_and_propagates_field_status)
{
  double x[NPART * DIM];
  memcpy (x, start, sizeof x);
  ck_assert_int_eq (fc_ode_fixed (lin_field, NULL, FC_ODE_RK4, DIM, NPART, x,
                                  NULL, 0.0, 1.0, 0, NULL),
                    GSL_EDOM);
  ck_assert_int_eq (fc_ode_fixed (lin_field, NULL, FC_ODE_FIXED_COUNT, DIM,
                                  NPART, x, NULL, 0.0, 1.0, 4, NULL),
                    GSL_EINVAL);
  ck_assert_int_eq (fc_ode_fixed (lin_field, NULL, FC_ODE_HEUN, 0, NPART, x,
                                  NULL, 0.0, 1.0, 4, NULL),
                    GSL_EDOM);
  ck_assert_int_eq (fc_ode_fixed (lin_field, NULL, FC_ODE_HEUN, DIM, NPART, x,
                                  NULL, 0.0, INFINITY, 4, NULL),
                    GSL_EDOM);
  ck_assert_int_eq (memcmp (x, start, sizeof x), 0);
  /* Particle 1 crosses x1 < -1 after t = 0.5 under the flow.  */
  lin_params lp = { 0, 1e300, -0.5 };
  for (int m = 0; m < FC_ODE_FIXED_COUNT; m++)
    {
      memcpy (x, start, sizeof x);
      ck_assert_int_eq (fc_ode_fixed (lin_field, &lp, m, DIM, NPART, x, NULL,
                                      0.0, 1.0, 10, NULL),
                        GSL_EDOM);
    }
  ck_assert_str_eq (fc_ode_fixed_method_name (FC_ODE_EULER), "euler");
  ck_assert_str_eq (fc_ode_fixed_method_name (FC_ODE_HEUN), "heun");
  ck_assert_str_eq (fc_ode_fixed_method_name (FC_ODE_RK4), "rk4");
  ck_assert_str_eq (fc_ode_fixed_method_name (FC_ODE_FIXED_COUNT), "unknown");
}
END_TEST

/* ------------------------------------------------------------ adaptive */

#define TOL_ADAPT 1e-10

FC_TEST ("adaptive", test_adaptive_meets_its_tolerance_on_0_1)
{
  /* The local error per step is held below TOL_ADAPT (1 + |y|); over at
     most n_steps_max steps, amplified by at most exp(int |a|) <= e, the
     global error is below n_steps_max e TOL_ADAPT (1 + |x|) (the budget
     of GSL's own ode-initval2 tests: factor * steps * target).  */
  double x[NPART * DIM], logdet[NPART] = { 0 }, xe[DIM];
  fc_ode_stats st;
  lin_params lp = { 0, 1e300, -1e300 };
  memcpy (x, start, sizeof x);
  ck_assert_int_eq (fc_ode_adaptive (lin_field, &lp, DIM, NPART, x, logdet,
                                     0.0, 1.0, TOL_ADAPT, TOL_ADAPT, &st),
                    GSL_SUCCESS);
  ck_assert_uint_gt (st.n_steps_max, 0);
  ck_assert_uint_eq (st.n_evals, lp.calls);
  double budget = (double) st.n_steps_max * M_E * TOL_ADAPT;
  for (size_t i = 0; i < NPART; i++)
    {
      double l = lin_exact (0.0, 1.0, start + i * DIM, xe);
      for (size_t j = 0; j < DIM; j++)
        fc_ck_assert_abs (x[i * DIM + j], xe[j], budget * (1.0 + fabs (xe[j])),
                          "adaptive particle %zu coordinate %zu", i, j);
      fc_ck_assert_abs (logdet[i], l, budget * (1.0 + fabs (l)),
                        "adaptive logdet of particle %zu", i);
    }
}
END_TEST

FC_TEST ("adaptive", test_adaptive_backward_run_undoes_forward_run)
{
  double x[NPART * DIM], logdet[NPART] = { 0 };
  fc_ode_stats fw, bw;
  memcpy (x, start, sizeof x);
  ck_assert_int_eq (fc_ode_adaptive (lin_field, NULL, DIM, NPART, x, logdet,
                                     0.0, 1.0, TOL_ADAPT, TOL_ADAPT, &fw),
                    GSL_SUCCESS);
  ck_assert_int_eq (fc_ode_adaptive (lin_field, NULL, DIM, NPART, x, logdet,
                                     1.0, 0.0, TOL_ADAPT, TOL_ADAPT, &bw),
                    GSL_SUCCESS);
  /* Two legs, each within the budget of the test above.  */
  double budget = (double) (fw.n_steps_max + bw.n_steps_max) * M_E
                  * TOL_ADAPT;
  for (size_t i = 0; i < NPART * DIM; i++)
    fc_ck_assert_abs (x[i], start[i], budget * (1.0 + M_E * fabs (start[i])),
                      "adaptive round trip coordinate %zu", i);
  for (size_t i = 0; i < NPART; i++)
    fc_ck_assert_abs (logdet[i], 0.0, budget * 2.0, "adaptive round trip "
                      "logdet %zu", i);
}
END_TEST

FC_TEST ("adaptive", test_adaptive_empty_interval_is_identity)
{
  double x[NPART * DIM], logdet[NPART] = { 0 };
  fc_ode_stats st = { 7, 7 };
  memcpy (x, start, sizeof x);
  ck_assert_int_eq (fc_ode_adaptive (lin_field, NULL, DIM, NPART, x, logdet,
                                     0.381966, 0.381966, TOL_ADAPT, 0.0, &st),
                    GSL_SUCCESS);
  ck_assert_int_eq (memcmp (x, start, sizeof x), 0);
  ck_assert_uint_eq (st.n_evals, 0);
  ck_assert_uint_eq (st.n_steps_max, 0);
}
END_TEST

/* A cloud of NBIG particles: several chunks, so threads share work.  */
#define NBIG 150

static void
big_cloud (double *x)
{
  for (size_t i = 0; i < NBIG * DIM; i++)
    x[i] = start[i % (NPART * DIM)] * (1.0 + 0.0381966 * (double) (i / 7));
}

FC_TEST ("adaptive", test_adaptive_is_bitwise_independent_of_thread_count)
{
#ifdef _OPENMP
  double x1[NBIG * DIM], x2[NBIG * DIM], l1[NBIG] = { 0 }, l2[NBIG] = { 0 };
  fc_ode_stats s1, s2;
  big_cloud (x1);
  big_cloud (x2);
  int saved = set_threads (1);
  ck_assert_int_eq (fc_ode_adaptive (lin_field, NULL, DIM, NBIG, x1, l1, 0.0,
                                     1.0, 1e-9, 1e-9, &s1),
                    GSL_SUCCESS);
  set_threads (2);
  ck_assert_int_eq (fc_ode_adaptive (lin_field, NULL, DIM, NBIG, x2, l2, 0.0,
                                     1.0, 1e-9, 1e-9, &s2),
                    GSL_SUCCESS);
  set_threads (saved);
  ck_assert_int_eq (memcmp (x1, x2, sizeof x1), 0);
  ck_assert_int_eq (memcmp (l1, l2, sizeof l1), 0);
  ck_assert_uint_eq (s1.n_evals, s2.n_evals);
  ck_assert_uint_eq (s1.n_steps_max, s2.n_steps_max);
#endif
}
END_TEST

FC_TEST ("adaptive", test_adaptive_returns_status_of_lowest_failing_particle)
{
  /* Particle 40 is pushed above x1 = 50 (GSL_ERANGE), particle 100 below
     x1 = -50 (GSL_EDOM); then the other way round.  The status is the
     lowest failing particle's, whatever the thread count.  */
  for (int swap = 0; swap < 2; swap++)
    for (int threads = 1; threads <= 2; threads++)
      {
        double x[NBIG * DIM];
        big_cloud (x);
        x[40 * DIM + 1] = swap ? -60.0 : 60.0;
        x[100 * DIM + 1] = swap ? 60.0 : -60.0;
        x[40 * DIM] = x[100 * DIM] = 0.0;
        lin_params lp = { 0, 50.0, -50.0 };
        int saved = set_threads (threads);
        int status = fc_ode_adaptive (lin_field, &lp, DIM, NBIG, x, NULL,
                                      0.0, 1.0, 1e-8, 1e-8, NULL);
        set_threads (saved);
        ck_assert_int_eq (status, swap ? GSL_EDOM : GSL_ERANGE);
      }
}
END_TEST

/* The joint form (each chunk of 32 particles one system): every particle
   within the same global-error budget as test_adaptive_meets_its_tolerance
   (its chunk's steps are at least as fine as it needs), the evaluations
   counted per point, the same bits at 1 and 2 threads, and the lowest
   failing particle's status.  NBIG = 150: four full chunks and a short
   one.  */
FC_TEST ("adaptive", test_adaptive_joint_meets_tolerance_and_is_deterministic)
{
  double x[2][NBIG * DIM], l[2][NBIG] = { { 0 } }, xe[DIM];
  fc_ode_stats st[2];
  lin_params lp = { 0, 1e300, -1e300 };
  int saved = set_threads (1);
  for (int k = 0; k < 2; k++)
    {
      big_cloud (x[k]);
      set_threads (k + 1);
      lp.calls = 0;
      ck_assert_int_eq (fc_ode_adaptive_joint (lin_field, &lp, DIM, NBIG, x[k],
                                               l[k], 0.0, 1.0, TOL_ADAPT,
                                               TOL_ADAPT, &st[k]),
                        GSL_SUCCESS);
      ck_assert_uint_eq (st[k].n_evals, lp.calls);
    }
  set_threads (saved);
  ck_assert_int_eq (memcmp (x[0], x[1], sizeof x[0]), 0);
  ck_assert_int_eq (memcmp (l[0], l[1], sizeof l[0]), 0);
  double x0[NBIG * DIM];
  big_cloud (x0);
  double budget = (double) st[0].n_steps_max * M_E * TOL_ADAPT;
  for (size_t i = 0; i < NBIG; i++)
    {
      double le = lin_exact (0.0, 1.0, x0 + i * DIM, xe);
      for (size_t j = 0; j < DIM; j++)
        fc_ck_assert_abs (x[0][i * DIM + j], xe[j],
                          budget * (1.0 + fabs (xe[j])),
                          "joint particle %zu coordinate %zu", i, j);
      fc_ck_assert_abs (l[0][i], le, budget * (1.0 + fabs (le)),
                        "joint logdet of particle %zu", i);
    }
  for (int swap = 0; swap < 2; swap++)
    {
      double xf[NBIG * DIM];
      big_cloud (xf);
      xf[40 * DIM + 1] = swap ? -60.0 : 60.0;
      xf[100 * DIM + 1] = swap ? 60.0 : -60.0;
      xf[40 * DIM] = xf[100 * DIM] = 0.0;
      lin_params lf = { 0, 50.0, -50.0 };
      ck_assert_int_eq (fc_ode_adaptive_joint (lin_field, &lf, DIM, NBIG, xf,
                                               NULL, 0.0, 1.0, 1e-8, 1e-8,
                                               NULL),
                        swap ? GSL_EDOM : GSL_ERANGE);
    }
}
END_TEST

FC_TEST ("adaptive", test_adaptive_rejects_bad_tolerances)
{
  double x[NPART * DIM];
  memcpy (x, start, sizeof x);
  ck_assert_int_eq (fc_ode_adaptive (lin_field, NULL, DIM, NPART, x, NULL,
                                     0.0, 1.0, -1e-8, 1e-8, NULL),
                    GSL_EDOM);
  ck_assert_int_eq (fc_ode_adaptive (lin_field, NULL, DIM, NPART, x, NULL,
                                     0.0, 1.0, 0.0, 0.0, NULL),
                    GSL_EDOM);
  ck_assert_int_eq (fc_ode_adaptive (lin_field, NULL, DIM, NPART, x, NULL,
                                     0.0, 1.0, NAN, 1e-8, NULL),
                    GSL_EDOM);
  ck_assert_int_eq (fc_ode_adaptive (lin_field, NULL, 0, NPART, x, NULL, 0.0,
                                     1.0, 1e-8, 1e-8, NULL),
                    GSL_EDOM);
  ck_assert_int_eq (memcmp (x, start, sizeof x), 0);
}
END_TEST

FC_CK_MAIN ("ode")
