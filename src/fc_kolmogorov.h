/* src/fc_kolmogorov.h -- the 1-D backward Kolmogorov and Fokker-Planck
 * equations on a grid (claim H1 (c): Doob's h-transform of a non-Gaussian
 * SDE, N §Doob's h-transform).
 *
 * For the SDE dX = f(t, X) dt + sigma dB on the line, constant sigma > 0,
 *
 *   h(t, x) = E[ phi(X_T) | X_t = x ]  solves
 *     d_t h + f d_x h + (sigma^2/2) d_xx h = 0,  t < T,  h(T, .) = phi,
 *   p(t, x | x0), the density of X_t given X_{t0} = x0, solves
 *     d_t p = -d_x (f p) + (sigma^2/2) d_xx p,   t > t0,  p(t0, .) = delta_x0.
 *
 * With phi = delta_{x_T}, h(t, x) = p(X_T = x_T | X_t = x), the h of the
 * h-transform; with phi the indicator of [x_T - eps, x_T + eps],
 * h(t, x) = P(|X_T - x_T| <= eps | X_t = x), the h of rejection sampling.
 * The conditioned marginal is q(t, x) = p(t, x | x0) h(t, x) / h(t0, x0).
 *
 * Space.  Nodes x_i = a + i dx, i = 0 .. nx-1, dx = (b - a)/(nx - 1), and
 * the central second-order operator
 *   (L h)_i = f_i (h_{i+1} - h_{i-1}) / (2 dx)
 *           + (sigma^2/2) (h_{i+1} - 2 h_i + h_{i-1}) / dx^2,
 * with a reflecting (zero-flux) boundary: the ghost node mirrors its
 * neighbour, h_{-1} = h_1 and h_{nx} = h_{nx-2}, so d_x h = 0 at a and b
 * and L 1 = 0.  The forward equation uses the transpose L^T, the
 * conservative central discretisation of -d_x(f p) + (sigma^2/2) d_xx p:
 * 1^T L^T = (L 1)^T = 0, so sum_i p_i dx is conserved to round-off.  The
 * boundary is an approximation: choose [a, b] so wide that the process
 * started where it matters reaches a or b with negligible probability (for
 * a confining drift such as x - x^3 the density there is exp(-2 dV/sigma^2)
 * small) and measure the error by widening it.  L is an M-matrix (the
 * scheme is monotone and the tridiagonal solves need no pivoting) when the
 * cell Peclet number |f_i| dx / sigma^2 is at most 1 at every node: the
 * solvers check it and fail with GSL_EDOM otherwise.
 *
 * Time.  Levels t_k = t0 + k dt, k = 0 .. steps, dt = (t1 - t0)/steps,
 * Crank-Nicolson (theta = 1/2) with f evaluated at each level, one
 * gsl_linalg_solve_tridiag per step.  A point mass (or an indicator) at
 * the singular end excites the stiff modes that Crank-Nicolson does not
 * damp (its amplification tends to -1); the first RANNACHER steps from the
 * singular end (T for h, t0 for p) are therefore each replaced by two
 * backward-Euler half steps, which restores second order in dt (Rannacher
 * 1984; Giles and Carter 2006).  Both equations do so at both ends, so
 * that on every interval the step of the forward equation is the exact
 * transpose of that of the backward one (for an autonomous f, where the
 * CN factors commute): sum_i p_i h_i dx is then the same at every level
 * (the discrete Chapman-Kolmogorov identity).
 *
 * Point masses.  delta_y is the hat function of the nodes: weights
 * (1 - u)/dx and u/dx at the two nodes around y, u its fractional position
 * (second order for smooth test functions).  The indicator of [y - e, y + e]
 * is its cell average over [x_i - dx/2, x_i + dx/2] at each node.
 *
 * Storage.  Every STRIDE-th level (steps a multiple of stride) is kept:
 * h, d_x log h (central differences of log h, exact for quadratic log h)
 * and p.  Queries at any (t, x) interpolate linearly between the kept
 * levels in t and the nodes in x: log h (where positive) and d_x log h, so
 * both keep second order in dx and in the kept level spacing.  d_x log h is
 * never queried at the last kept level interval of a terminal point mass or
 * indicator (t > t1 - stride dt), where it is singular.
 *
 * Underflow.  Far from the bridge h is tiny, and within a few steps of the
 * terminal point mass it underflows or carries the round-off of the
 * solves, which can make it zero or negative.  At every kept level the
 * "trusted" interval [x_lo, x_hi] is the largest run of nodes around the
 * maximum of h where h >= REL_FLOOR max h; d_x log h is computed there
 * (one-sided at its ends) and held constant beyond it.  A query outside
 * [x_lo, x_hi] at either bracketing level is "clamped" and counted.
 *
 * The object is read-only after the solves: every query is thread-safe.  */
#ifndef FC_KOLMOGOROV_H
#define FC_KOLMOGOROV_H

#include <stddef.h>
#include "fc_sde.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The problem and its grid.  DRIFT is called with dimension 1 on the
   nx nodes at each level (it may be called from one thread only during
   the solves, and concurrently afterwards by fc_kolmogorov_htransform_drift).
   REL_FLOOR in (0, 1): the trusted region of log h, see above; a caller
   derives it from the round-off of the solves (about steps * eps max h)
   and the accuracy it needs of d_x log h.  */
typedef struct
{
  fc_drift_fn drift;
  void *params;
  double sigma;
  double a, b;     /* space interval, a < b */
  size_t nx;       /* nodes, >= 3 */
  double t0, t1;   /* time interval, t0 < t1 */
  size_t steps;    /* time steps, >= 1 */
  size_t stride;   /* keep every stride-th level; steps % stride == 0 */
  size_t rannacher; /* CN steps replaced by two backward-Euler half steps */
  double rel_floor;
} fc_kolmogorov_spec;

/* The terminal condition of the backward equation.  */
typedef enum
{
  FC_KOLMOGOROV_DELTA,  /* delta at x_T (the hat): the h-transform's h */
  FC_KOLMOGOROV_WINDOW  /* indicator of [x_T - eps, x_T + eps] */
} fc_kolmogorov_end;

typedef struct fc_kolmogorov fc_kolmogorov;

/* Allocate the grid and the storage of the kept levels.  NULL through
   GSL_ERROR_NULL: GSL_EINVAL for a NULL spec or drift, GSL_EDOM for
   sigma not finite and > 0, a >= b, t0 >= t1 (or not finite), nx < 3,
   steps == 0, stride == 0 or not dividing steps, rel_floor outside (0, 1);
   GSL_ENOMEM.  */
fc_kolmogorov *
fc_kolmogorov_alloc (const fc_kolmogorov_spec *spec);

void
fc_kolmogorov_free (fc_kolmogorov *k);

/* Solve the backward equation from t1 to t0 with the terminal condition
   END at X_T (half-width EPS for a window; ignored for a delta).
   GSL_EDOM: x_T not inside [a, b], a window with eps not > 0 or wider than
   the domain, a cell Peclet number above 1, a non-finite drift value.  */
int
fc_kolmogorov_solve_backward (fc_kolmogorov *k, fc_kolmogorov_end end,
                              double x_T, double eps);

/* Solve the forward equation from t0 to t1 from delta at X0.  Errors as
   fc_kolmogorov_solve_backward.  */
int
fc_kolmogorov_solve_forward (fc_kolmogorov *k, double x0);

/* Grid facts.  */
size_t fc_kolmogorov_nx (const fc_kolmogorov *k);
double fc_kolmogorov_dx (const fc_kolmogorov *k);
double fc_kolmogorov_node (const fc_kolmogorov *k, size_t i);
size_t fc_kolmogorov_n_levels (const fc_kolmogorov *k); /* steps/stride + 1 */
double fc_kolmogorov_level_time (const fc_kolmogorov *k, size_t j);

/* The nx node values of h, d_x log h and p at kept level J (NULL when J
   is out of range or the equation is not solved).  */
const double *fc_kolmogorov_level_h (const fc_kolmogorov *k, size_t j);
const double *fc_kolmogorov_level_dlogh (const fc_kolmogorov *k, size_t j);
const double *fc_kolmogorov_level_p (const fc_kolmogorov *k, size_t j);

/* h(t, x) at the N points X (n) into H (n): log-linear interpolation
   where the four bracketing values are positive, bilinear otherwise;
   x outside [a, b] is taken at the nearer end (reflecting boundary).
   GSL_EDOM for t outside [t0, t1] or a non-finite x; GSL_EFAILED when
   the backward equation is not solved.  */
int
fc_kolmogorov_h (const fc_kolmogorov *k, double t, size_t n, const double *x,
                 double *h);

/* d_x log h(t, x) into G (n), bilinear.  N_CLAMPED (may be NULL)
   receives the number of clamped points (outside the trusted interval).
   GSL_EDOM also for t > t1 - stride dt (the singular last interval).  */
int
fc_kolmogorov_dlogh (const fc_kolmogorov *k, double t, size_t n,
                     const double *x, double *g, size_t *n_clamped);

/* p(t, x | x0) into P (n), bilinear.  Errors as fc_kolmogorov_h (the
   forward equation must be solved).  */
int
fc_kolmogorov_density (const fc_kolmogorov *k, double t, size_t n,
                       const double *x, double *p);

/* The total mass sum_i p_i dx at kept level J (1 up to round-off).  */
double
fc_kolmogorov_mass (const fc_kolmogorov *k, size_t j);

/* The conditioned marginal at kept level J on the nodes into Q (nx):
   q_i = p_i h_i / Z, Z = sum_j p_j h_j dx, and Z into *Z when not NULL
   (for an autonomous drift Z is the same at every level and equals
   h(t0, x0) as the hat of x0 sees it).  Both equations must be solved;
   GSL_EDOM when Z is not positive.  */
int
fc_kolmogorov_conditioned (const fc_kolmogorov *k, size_t j, double *q,
                           double *z);

/* The h-transformed drift f(t, x) + sigma^2 d_x log h(t, x) as an
   fc_drift_fn (dimension 1): PARAMS is an fc_kolmogorov_htransform.
   Thread-safe; the clamped points are added to *N_CLAMPED (when not NULL)
   atomically, so the total does not depend on the thread count.  With
   DROP_H non-zero the drift is f alone (a negative control).  */
typedef struct
{
  const fc_kolmogorov *k;
  int drop_h;
  unsigned long *n_clamped;
} fc_kolmogorov_htransform;

int
fc_kolmogorov_htransform_drift (double t, size_t n, const double *x,
                                double *f, void *params);

#ifdef __cplusplus
}
#endif
#endif /* FC_KOLMOGOROV_H */
