/* src/fc_pathcost.h -- paths through the simplex, their transport cost, and
 * learning a cheaper path (N §Albergo et al. 2023 "Optimisation of path",
 * §What we need to do, §Chat 3/11/2023).
 *
 * A path alpha: [0, 1] -> simplex Delta^K from vertex e_i to vertex e_j
 * drives the barycentric interpolant (fc_interp.h) with velocity
 * b(t, x) = sum_k alpha_k'(t) g_k(alpha(t), x), and costs
 *
 *     C(alpha) = int_0^1 E ||b(t, x(alpha(t)))||^2 dt   >=   W2^2(rho_i, rho_j)
 *
 * (Benamou-Brenier: b transports rho_i to rho_j in unit time, claim B6).
 *
 * Parameterisations (claims B6, B7).  Every parameter vector gives a valid
 * path: exact end points and values in the simplex, by construction rather
 * than by constraint, so an unconstrained minimiser (GSL multimin) can be
 * used.
 *
 *  Simplex path, N modes, parameters theta (K + 1, N) row-major:
 *      psi_k(t) = sum_{n=1}^{N} theta_{k n} sin(n pi t)      (zero at both ends)
 *      w_i = (1 - t) exp(psi_i),   w_j = t exp(psi_j),
 *      w_k = t (1 - t) psi_k(t)^2                  (k != i, j)
 *      alpha(t) = w / sum_k w_k.
 *  At t = 0 only w_i is non-zero and at t = 1 only w_j: alpha(0) = e_i and
 *  alpha(1) = e_j for every theta; w >= 0 and sum w > 0 keep alpha in the
 *  simplex; theta = 0 is the straight path alpha = (1 - t) e_i + t e_j.
 *  alpha' is computed analytically.
 *
 *  Monotone time map, N modes, parameters a (N):
 *      tau(s) = int_0^s exp(phi(r)) dr / int_0^1 exp(phi(r)) dr,
 *      phi(r) = sum_{n=1}^{N} a_n cos(n pi r),
 *  strictly increasing with tau(0) = 0 and tau(1) = 1 for every a; a = 0 is
 *  the identity.  The integrals by fixed-order Gauss-Legendre quadrature
 *  (gsl_integration_glfixed), exact to round-off for the smooth phi used.
 *  The note's map (B7) t(s) = s + (sum_n a_n sin(pi s / 2))^2 is provided
 *  for comparison: it has t(1) = 1 + (sum_n a_n)^2.
 *
 * Costs.  When every marginal is Gaussian E||b||^2 is closed form at each t
 * (fc_interp_gaussian_speed2) and C is a GSL adaptive quadrature in t.
 * Otherwise C is a Monte Carlo estimate with common random numbers: the same
 * draws (x_0 .. x_K) for every t and every parameter vector (so the
 * objective is smooth in the parameters), E||b||^2 at the nodes of a fixed
 * Gauss-Legendre rule in t; each draw's integrated cost is one independent
 * sample, which gives the standard error.
 *
 * Two-block paths (claim B8).  The state is two blocks x = (x^a, x^b) of
 * dimensions DA, DB; x0 ~ N(0, I) and x1 ~ N(mu, S) jointly Gaussian (the
 * blocks correlated); with block times (t_a, t_b) in [0, 1]^2
 *     x^a = (1 - t_a) x0^a + t_a x1^a,   x^b = (1 - t_b) x0^b + t_b x1^b.
 * A schedule s -> (t_a(s), t_b(s)) from (0, 0) to (1, 1) is two monotone
 * time maps; its cost int_0^1 E||E[xdot | x]||^2 ds is closed form at each
 * s (b is affine in x).  */
#ifndef FC_PATHCOST_H
#define FC_PATHCOST_H

#include <stddef.h>
#include "fc_interp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ simplex path */

typedef struct
{
  size_t n_vertices; /* K + 1 */
  size_t from, to;   /* i != j, both < n_vertices */
  size_t n_modes;    /* N >= 0; the parameter count is n_vertices * N */
} fc_simplex_path;

size_t
fc_simplex_path_n_params (const fc_simplex_path *p);

/* alpha(T) into ALPHA (K + 1) and alpha'(T) into DALPHA (may be NULL), for
   the parameters THETA (NULL means all zero: the straight path).  GSL_EDOM
   for T outside [0, 1] or non-finite THETA; GSL_EINVAL for a bad P.  */
int
fc_simplex_path_eval (const fc_simplex_path *p, const double *theta, double t,
                      double *alpha, double *dalpha);

/* ------------------------------------------------------- monotone time map */

/* tau(S) and tau'(S) (DTAU may be NULL) for the N_MODES parameters A
   (NULL: the identity).  GSL_EDOM for S outside [0, 1].  */
int
fc_time_map_eval (size_t n_modes, const double *a, double s, double *tau,
                  double *dtau);

/* The note's map t(s) = s + (sum_n a_n sin(pi s / 2))^2 (claim B7).  */
double
fc_time_map_note (size_t n_modes, const double *a, double s);

/* -------------------------------------------------------------------- cost */

typedef struct
{
  double cost;     /* C(alpha) */
  double stderr_;  /* its Monte Carlo standard error; 0 when exact */
  double abserr;   /* the quadrature's error estimate (exact case) */
} fc_path_cost;

/* The cost of the simplex path (P, THETA) for the interpolant IP: closed
   form + adaptive quadrature (relative tolerance REL_TOL) when every
   marginal is Gaussian, else Monte Carlo over N_MC draws from streams
   (SEED, STREAM_BASE + chunk) with N_NODES Gauss-Legendre nodes in t.  */
int
fc_path_cost_simplex (const fc_interp *ip, const fc_simplex_path *p,
                      const double *theta, double rel_tol, size_t n_mc,
                      size_t n_nodes, unsigned long seed,
                      unsigned long stream_base, fc_path_cost *out);

/* The Monte Carlo part of fc_path_cost_simplex, exposed so that two paths
   can be compared draw by draw (common random numbers: the paired
   difference has a far smaller standard error than either cost): COST
   (n_mc) receives each draw's integrated cost
     int_0^1 ||b(t, x(alpha(t)))||^2 dt  ~  sum_m w_m ||b(t_m, .)||^2
   over the N_NODES Gauss-Legendre nodes t_m of (0, 1), draw i from the
   chunk stream (SEED, STREAM_BASE + i / FC_RNG_CHUNK).  Any marginals
   (Gaussian ones too).  GSL_EINVAL for bad sizes or pointers.  */
int
fc_path_cost_simplex_draws (const fc_interp *ip, const fc_simplex_path *p,
                            const double *theta, size_t n_mc, size_t n_nodes,
                            unsigned long seed, unsigned long stream_base,
                            double *cost);

/* ------------------------------------------------------- two-block schedule */

typedef struct
{
  size_t dim_a, dim_b; /* block dimensions */
  const double *mean;  /* (DA + DB) mean of x1 */
  const double *cov;   /* (DA + DB)^2 covariance of x1 (blocks correlated) */
} fc_block_problem;

/* E ||E[xdot | x]||^2 at block times (TA, TB) with rates (DTA, DTB), closed
   form.  GSL_EDOM when the law of x is singular there (only at
   (t_a, t_b) = (1, 1) with a singular S).  */
int
fc_block_speed2 (const fc_block_problem *bp, double ta, double tb, double dta,
                 double dtb, double *speed2);

/* The velocity B (n, D) = E[xdot | x] (affine in x) at the N points X
   (n, D), D = DA + DB, at block times (TA, TB) with rates (DTA, DTB).
   Errors as fc_block_speed2.  */
int
fc_block_velocity (const fc_block_problem *bp, double ta, double tb,
                   double dta, double dtb, size_t n, const double *x,
                   double *b);

/* The cost of the schedule t_a = tau(s; A), t_b = tau(s; B) (each N_MODES
   parameters, NULL for the diagonal) by adaptive quadrature in s.  */
int
fc_path_cost_block (const fc_block_problem *bp, size_t n_modes,
                    const double *a, const double *b, double rel_tol,
                    fc_path_cost *out);

/* ---------------------------------------------------------------- learning */

/* An objective of N parameters: *COST at X (a GSL status on failure).  */
typedef int (*fc_cost_fn) (size_t n, const double *x, void *params,
                           double *cost);

typedef struct
{
  size_t max_iter;  /* iteration budget */
  double size_tol;  /* stop when the simplex size falls below it */
  double step;      /* initial step of every parameter */
} fc_learn_options;

/* Minimise F from X (n; overwritten by the minimiser) with
   gsl_multimin_fminimizer_nmsimplex2.  When TRACE is not NULL it receives
   the best cost after each iteration (up to max_iter entries) and *N_TRACE
   their count.  *COST is the final cost.  */
int
fc_learn_minimise (fc_cost_fn f, void *params, size_t n, double *x,
                   const fc_learn_options *opt, double *cost, double *trace,
                   size_t *n_trace);

#ifdef __cplusplus
}
#endif
#endif /* FC_PATHCOST_H */
