/* src/fc_fd.h -- finite-difference operators and convergence-order fits.
 *
 * The continuity equation  d/dt p_t(x) + div_x (p_t(x) u_t(x)) = 0  is the
 * identity most claims reduce to (L "Background: continuity equation").  Its
 * residual is measured here by second-order central differences in t and in
 * each coordinate of x, on a batch of points:
 *
 *   R_h(t, x) = [p(t+h, x) - p(t-h, x)] / (2h)
 *             + sum_j [ (p u_j)(t, x + h e_j) - (p u_j)(t, x - h e_j) ] / (2h)
 *
 * For a field that does solve the equation R_h = O(h^2); for one that does
 * not, R_h tends to a nonzero limit.  Claims are judged by the fitted order
 * of |R_h| over a sequence of h, never by one small residual.  */
#ifndef FC_FD_H
#define FC_FD_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A density-and-field pair evaluated on a batch: for N points X (n, D) at
   time T, write P (n) = p_t(x) and U (n, D) = u_t(x).  Returns a GSL status;
   non-zero aborts the caller with that status.  */
typedef int (*fc_density_field_fn) (double t, size_t n, const double *x,
                                    double *p, double *u, void *params);

/* Central-difference continuity residual R_h at the N points X (n, D) and
   time T into RESIDUAL (n).  Also writes DPDT (n) = the central difference
   of p in t, when not NULL, as a natural scale for R_h.  Needs
   t - h >= 0 and t + h <= 1 (GSL_EDOM otherwise).  Allocates its scratch
   once per call.  */
int
fc_fd_continuity_residual (fc_density_field_fn f, void *params, size_t dim,
                           double t, double h, size_t n, const double *x,
                           double *residual, double *dpdt);

/* Least-squares fit of log(err) = log(c) + order * log(h) over N >= 2 pairs
   (gsl_fit_linear).  ORDER_STDERR is the standard error of the slope from
   the fit residuals (0 for n = 2).  GSL_EDOM if some h or err is not finite
   and positive.  */
int
fc_fd_order_fit (size_t n, const double *h, const double *err, double *order,
                 double *log_c, double *order_stderr);

/* Local orders log(err[i+1]/err[i]) / log(h[i+1]/h[i]) into LOCAL (n-1). */
int
fc_fd_local_orders (size_t n, const double *h, const double *err,
                    double *local);

/* Root-mean-square of V (n), by a scaled sum of squares that cannot
   overflow (the reference dnrm2's), the same bits with any BLAS.  */
double
fc_fd_rms (size_t n, const double *v);

#ifdef __cplusplus
}
#endif
#endif /* FC_FD_H */
