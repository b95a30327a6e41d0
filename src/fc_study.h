/* src/fc_study.h -- order studies of the continuity residual.
 *
 * Most claims of CATALOG.md reduce to "this density-field pair solves
 * dp/dt + div(p u) = 0" (C1-C3, S5, S6, G1, G2, B3, B4, B9).  They are all
 * judged the same way (L "Background: continuity equation"): the residual
 * R_h of fc_fd_continuity_residual is measured at points drawn from p_t, at
 * a few times, over a geometric sequence of steps h, and pooled into
 *
 *   rel(h) = rms_i R_h(x_i) / rms_i dpdt_h(x_i)      (pooled over the times)
 *
 * A pair that solves the equation has rel(h) = c2 h^2 + c4 h^4 + ...
 * (central differences), so the fitted log-log slope is 2 up to
 * O((h_max/ell)^2), ell the shortest scale of p; a pair that does not has
 * rel(h) -> const != 0, slope 0.  The decision rule and its tolerances are
 * in fc_order_study_verdict.
 *
 * Use: fc_order_study_init (the plan: times, steps, order floor), set
 * st.scale (fc_path_field_scale for the affine path), then either
 * fc_order_study_run with a point-drawing callback, or
 * fc_order_study_accumulate once per time with points of your own followed
 * by fc_order_study_verdict; fc_order_study_record puts the two decisive
 * figures into a verdict.  The struct is plain data: no allocation, no free.
 *
 * Also the small reductions the modules share (fc_study_sumsq,
 * fc_study_norm): plain left-to-right sums, so figures derived from them are
 * the same bits on every machine (BLAS dnrm2 rescales and may reorder).  */
#ifndef FC_STUDY_H
#define FC_STUDY_H

#include <stddef.h>
#include "fc_fd.h"
#include "fc_verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FC_STUDY_MAX_TIMES 8
#define FC_STUDY_MAX_STEPS 12

/* The order of the central differences of fc_fd_continuity_residual: the
   slope a solving pair shows.  */
#define FC_ORDER_STUDY_ORDER 2.0

/* Draw N evaluation points X (n, D) at time T from stream SEED (a seed of
   fc_rng.h, one per time).  Returns a GSL status.  */
typedef int (*fc_study_points_fn) (double t, unsigned long seed, size_t n,
                                   double *x, void *params);

typedef struct
{
  /* The plan (fc_order_study_init). */
  const char *name;                 /* metric suffix: "linear", "gmm" */
  size_t dim;                       /* D of the points */
  size_t n_times;
  double time[FC_STUDY_MAX_TIMES];  /* t_j, each with t_j +- h_max in [0, 1] */
  size_t n_steps;
  double h[FC_STUDY_MAX_STEPS];     /* h_k = h_max 2^-k, decreasing */
  double order_floor;               /* least half-width of the order band */
  double scale;                     /* ell: shortest scale of p in x or t over
                                       the times; set by the caller */
  /* Pooled sums of squares over the points and times accumulated so far. */
  size_t n_accumulated;             /* points accumulated, over all times */
  double ssr[FC_STUDY_MAX_STEPS];   /* sum R_h^2 */
  double ssp[FC_STUDY_MAX_STEPS];   /* sum dpdt_h^2 */
  /* The outcome (fc_order_study_verdict). */
  double rel[FC_STUDY_MAX_STEPS];   /* rel(h_k) */
  double order;                     /* fitted log-log slope */
  double order_stderr;              /* its standard error (fc_fd_order_fit) */
  double local_lo, local_hi;        /* range of the local orders */
  double local_finest;              /* local order of the two finest steps */
  double band;                      /* allowed |order - 2| */
  double trunc;                     /* predicted truncation scale of rel(h_min) */
  fc_verdict_kind kind;
} fc_order_study;

/* Set the plan of ST: NAME (kept as a pointer), points of dimension DIM,
   N_TIMES times TIMES, N_STEPS steps h_k = H_MAX 2^-k, and the least order
   band ORDER_FLOOR.  The floor must cover the O((h_max/ell)^2) deviation of
   the fitted slope from 2 (c4/c2 h_max^2 of rel = c2 h^2 + c4 h^4): about
   2.5 (h_max/ell)^2 with ell the smallest width of p at the times.  Clears
   the sums and the outcome; ST->scale is NAN until the caller sets it.
   GSL_EINVAL on a bad size (n_times, n_steps beyond the FC_STUDY_MAX_*,
   n_steps < 2, dim 0), a non-positive h_max, a negative floor; GSL_EDOM
   when some t_j +- h_max leaves [0, 1].  */
int
fc_order_study_init (fc_order_study *st, const char *name, size_t dim,
                     size_t n_times, const double *times, size_t n_steps,
                     double h_max, double order_floor);

/* Forget the accumulated sums and the outcome, keeping the plan. */
void
fc_order_study_reset (fc_order_study *st);

/* Add the residuals of the pair F at time ST->time[J] and the N points
   X (n, ST->dim) for every step to the pooled sums.  Allocates its scratch
   once per call.  GSL_EINVAL when J is not a time of the plan or N is 0;
   otherwise the status of F or of fc_fd_continuity_residual (the sums are
   then not updated).  */
int
fc_order_study_accumulate (fc_order_study *st, fc_density_field_fn f,
                           void *f_params, size_t j, size_t n,
                           const double *x);

/* Fit and judge the pooled sums (see the file header):
     rel(h_k) = sqrt(ssr_k / ssp_k),  order = fitted slope of log rel
     vs log h,  band = order_floor + (max - min of the local orders),
     trunc = 2 (1 + D) (h_min/ell)^2;
   CONFIRMED when |order - 2| <= band, the local order of the two smallest
   steps is within order_floor of 2 and rel(h_min) <= trunc, REFUTED when
   order < 2/4 and rel(h_min) > trunc, APPROXIMATE otherwise.  GSL_EINVAL
   when ST->scale is not finite and positive or nothing was accumulated;
   GSL_EDOM when some rel(h_k) is not finite and positive (fc_fd_order_fit). */
int
fc_order_study_verdict (fc_order_study *st);

/* Reset ST, then at each time t_j draw N points with POINTS (stream
   fc_rng_stream_seed (SEED, j)), accumulate them, and decide the verdict.
   Allocates the points once per call.  */
int
fc_order_study_run (fc_order_study *st, fc_density_field_fn f,
                    void *f_params, fc_study_points_fn points,
                    void *points_params, size_t n, unsigned long seed);

/* The two criteria of fc_order_study_verdict for a decided study: the
   order (|order - 2| <= band and the finest local order within
   order_floor of 2) and the residual (rel(h_min) <= trunc).  */
int
fc_order_study_order_passes (const fc_order_study *st);
int
fc_order_study_residual_passes (const fc_order_study *st);

/* Append the two decisive figures of a decided study to V as HOLDS
   figures: "order_NAME" (order, tolerance band) and "rel_hmin_NAME"
   (rel(h_min), tolerance trunc), each with its criterion's outcome.  */
void
fc_order_study_record (fc_verdict *v, const fc_order_study *st);

/* The same with the figures of kind TEST (FC_TEST_NONE: reported).  */
void
fc_order_study_record_as (fc_verdict *v, const fc_order_study *st,
                          fc_metric_test test);

/* One line for progress reports into BUF (SIZE > 0 bytes, always
   terminated, truncated when short):
   "NAME rel(h) r_0 .. r_K  order o (2 +- band)  VERDICT".  Returns the
   length of the whole line, as snprintf does; -1 when BUF is NULL or SIZE
   is 0.  */
int
fc_order_study_describe (const fc_order_study *st, char *buf, size_t size);

/* An error within this factor of the round-off floor carries a round-off
   part of 1/FC_STUDY_FLOOR_MARGIN or more, enough to bend a fitted slope
   by log(1 + 1/10)/log 2 = 0.14 per halving of the step: no order is
   fitted on such a point.  */
#define FC_STUDY_FLOOR_MARGIN 10.0

/* The number of leading entries of ERR (n errors along a ladder of
   decreasing steps) that stay above FC_STUDY_FLOOR_MARGIN times the
   round-off floor FLOOR: the part of the ladder an order may be fitted on.
   The ladder stops at the first entry that reaches the margin (an error
   that reached the floor does not climb out of it as the step shrinks).  */
size_t
fc_study_ladder_above_floor (size_t n, const double *err, double floor);

/* Sum of squares of V (n), left to right. */
double
fc_study_sumsq (size_t n, const double *v);

/* Euclidean norm of V (n): sqrt (fc_study_sumsq (n, v)). */
double
fc_study_norm (size_t n, const double *v);

#ifdef __cplusplus
}
#endif
#endif /* FC_STUDY_H */
