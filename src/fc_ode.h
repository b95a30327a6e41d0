/* src/fc_ode.h -- batch ODE integration of dx/dt = u_t(x) for particles.
 *
 * Sampling by the flow (N "Ordinary differential equation"; L "Sampling
 * algorithm") and the instantaneous change of variables
 *   d/dt log p_t(x(t)) = -div u_t(x(t))
 * which lets the log-density be carried along with each particle (claim C5).
 *
 * Two families:
 *  - fixed-step Euler (order 1), Heun (order 2), RK4 (order 4), the whole
 *    batch advanced together through one batched field call per stage, for
 *    order studies;
 *  - adaptive: each particle is its own system (state x and, when asked, the
 *    accumulated log-density change), integrated with GSL odeiv2
 *    (gsl_odeiv2_step_rk8pd, standard error control epsabs/epsrel), OpenMP
 *    over chunks of particles, one driver per thread; or (the joint form)
 *    each chunk of particles one system with one step sequence.  Results
 *    per particle do not depend on the thread count.
 * Integration may run backwards (t1 < t0).  */
#ifndef FC_ODE_H
#define FC_ODE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A batched velocity field: for N points X (n, D) at time T write U (n, D)
   and, when DIV is not NULL, DIV (n) = div_x u_t(x).  Returns a GSL
   status; non-zero aborts the integration with that status.  */
typedef int (*fc_velocity_fn) (double t, size_t n, const double *x, double *u,
                               double *div, void *params);

typedef enum
{
  FC_ODE_EULER = 0,
  FC_ODE_HEUN,
  FC_ODE_RK4,
  FC_ODE_FIXED_COUNT
} fc_ode_fixed_method;

const char *
fc_ode_fixed_method_name (fc_ode_fixed_method m);

/* Advance X (n, D) from T0 to T1 in STEPS equal steps of METHOD.  When
   LOGDET (n) is not NULL, add to it the integral of -div u along each path
   with the same scheme (so log p_T1(x(T1)) = log p_T0(x(T0)) + LOGDET).
   When TRAJ is not NULL it receives the states at every step, shape
   (steps + 1, n, D).  On a failing field status X and LOGDET are left
   partly advanced.  */
int
fc_ode_fixed (fc_velocity_fn f, void *params, fc_ode_fixed_method method,
              size_t dim, size_t n, double *x, double *logdet, double t0,
              double t1, size_t steps, double *traj);

/* Statistics of an adaptive run. */
typedef struct
{
  size_t n_steps_max;  /* largest number of accepted steps of one particle */
  size_t n_evals;      /* field evaluations, summed over particles */
} fc_ode_stats;

/* Advance X (n, D) from T0 to T1 with GSL odeiv2 (rk8pd) per particle,
   EPSABS/EPSREL the local error control.  LOGDET as in fc_ode_fixed.
   STATS may be NULL.  Returns the first failing GSL status (GSL_EMAXITER,
   GSL_ENOPROG, or the field's) over all particles: that of the failing
   particle with the lowest index, whatever the thread count.  On failure
   X and LOGDET are left partly advanced.  A failing field is stopped at
   once (odeiv2 would otherwise retry with smaller steps).  */
int
fc_ode_adaptive (fc_velocity_fn f, void *params, size_t dim, size_t n,
                 double *x, double *logdet, double t0, double t1,
                 double epsabs, double epsrel, fc_ode_stats *stats);

/* As fc_ode_adaptive, with the particles of each chunk of 32 (by index)
   integrated as ONE odeiv2 system: one step sequence per chunk, the
   smallest any of its particles needs, since the standard control bounds
   the local error of every coordinate by EPSABS + EPSREL |y|.  Each
   particle is so held to the same local error as alone, on a finer grid,
   and the field is called on 32 points at a time, which amortises its
   per-call set-up (for the exact GMM field at small D that set-up costs
   about as much as the points).  A particle's result depends on the other
   particles of its chunk (through the steps), never on the thread count.
   STATS counts steps per chunk, evaluations per particle.  */
int
fc_ode_adaptive_joint (fc_velocity_fn f, void *params, size_t dim, size_t n,
                       double *x, double *logdet, double t0, double t1,
                       double epsabs, double epsrel, fc_ode_stats *stats);

#ifdef __cplusplus
}
#endif
#endif /* FC_ODE_H */
