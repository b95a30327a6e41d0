/* derivations/manifold/manifold_internal.h -- what the parts of module
 * `manifold` share (N §Vector field parameterisation, §Scheduling;
 * claims M1-M3), private to the folder.
 *
 *   manifold.c      the claim table with its controls, the size plan and
 *                   the figure list
 *   round_trip.c    M1 (Euclidean round trip) and M2 (the note's field on
 *                   SO(3): round trip, and its sign as a generating field)
 *   schedules.c     M3: the schedule kappa, its generating field and the
 *                   geodesic Euler order
 *   figures.c       so3-sign and so3-schedules from the record the checks
 *                   fill
 *   marginal_field.c  M7: the conditional density, the marginal field, its
 *                   continuity residual and geodesic Euler under it
 *   marginal.c      M7: the measurements (normalisation, histograms, the
 *                   jump on the spheres, the order studies, the end points)
 *
 * Tangent convention (used throughout): a tangent vector at the rotation
 * x is x hat(b) with b in R^3 its body vector; log_x(y) = x log(x^T y)
 * has the body vector fc_so3_log (x^T y), exp_x(x hat(b)) = x exp(b).
 * Geodesic Euler for dx/dt = x hat(b(t, x)) is x <- x exp(h b(t, x)).  */
#ifndef FC_MANIFOLD_INTERNAL_H
#define FC_MANIFOLD_INTERNAL_H

#include <stddef.h>
#include "fc_module.h"
#include "fc_so3.h"

/* -------------------------------------------------------- the controls */

enum
{
  MF_CLAIM = 0,
  MF_M1_PERTURBED_INVERSE = 1, /* x1hat = x_t + (1-t)(1 + MF_M1_PERTURB) v */
  MF_M2_SIGN_CORRECTED,        /* v = +1/(1-t) log_{x_t}(x1hat) */
  MF_M2_UNMATCHED_INVERSE,     /* x1hat recovered as exp_{x_t}((1-t) v) */
  MF_M3_WRONG_RATE,            /* u with d log kappa/dt of c + 1 */
  MF_M3_PERTURBED_KAPPA        /* the curve built with kappa (1 + MF_M3_PERTURB) */
};

/* The relative perturbations of the controls: far above the round-off
   bands (a few 1e-16 relative), far below any modelling error.  */
#define MF_M1_PERTURB 1e-12
#define MF_M3_PERTURB 1e-9

/* ------------------------------------------------------- the size plan */

typedef struct
{
  size_t m1_n;      /* random (x_t, x1hat, t) triples of M1 */
  size_t m2_n;      /* random (x_t, x1hat) pairs and paths of M2 */
  size_t m2_steps;  /* geodesic Euler steps over [0, 1] of M2's paths */
  size_t m3_n;      /* random (x0, x1) pairs of M3's identity */
  size_t m3_nt;     /* times of M3's identity */
  size_t m3_paths;  /* paths of M3's order study */
  size_t m7_hist_n;      /* M7: samples of x_t per time of the histograms */
  size_t m7_points;      /* M7: points per time of the continuity studies */
  size_t m7_euler_n;     /* M7: Haar starts of geodesic Euler */
  size_t m7_euler_steps; /* M7: its steps over [0, 1] */
} mf_sizes;

extern const mf_sizes mf_size_plan[FC_SIZE_COUNT];

/* Sub-streams of opt->seed, one per study.  */
enum
{
  MF_TAG_M1 = 0x3A100,
  MF_TAG_M2 = 0x3A200, /* + 0 round-trip times, + 1 paths, + 2 round-trip
                          pairs */
  MF_TAG_M3 = 0x3A300  /* + 0 identity, + 1 order study */
};

/* The round-off accuracy of fc_so3_log (fc_so3.h: about 1e-13 absolute
   at every angle): the unit of the SO(3) round-off bands.  */
#define MF_SO3_ROUNDOFF 1e-13

/* Pairs closer to the cut locus than this (in angle) are redrawn: M2's
   round trip is stated away from distance pi, where log is two-valued.  */
#define MF_CUT_MARGIN 0.1

/* M3: the exponential rates and the step ladder of the order study.  */
#define MF_NC 2
extern const double mf_rates[MF_NC]; /* c = 5, 10 */
#define MF_NLADDER 5
extern const size_t mf_ladder[MF_NLADDER]; /* 256 .. 4096 steps */

/* ------------------------------------------------- shared helpers */

/* C = A B (3 x 3, row-major); C = A^T B.  */
void
mf_mul (const double A[9], const double B[9], double C[9]);
void
mf_mul_t (const double A[9], const double B[9], double C[9]);

/* The body vector of log_x(y): fc_so3_log (x^T y).  */
int
mf_log_body (const double x[9], const double y[9], double b[3]);

/* x <- x exp(b).  */
int
mf_step (double x[9], const double b[3]);

/* N Haar pairs (A, B) (9 each) at distance below pi - MF_CUT_MARGIN (and
   at least DMIN, and at most DMAX) from the stream SEED.  */
int
mf_pairs (unsigned long seed, size_t n, double dmin, double dmax, double *A,
          double *B);

/* ------------------------------------------------------- the parts */

fc_check_fn mf_check_m1, mf_check_m2, mf_check_m3;

/* ---------------------- M7: the exact marginal path on SO(3) (beyond N) */

/* The controls of M7 (variants numbered apart from the enum above, so
   that no other claim's values move).  */
enum
{
  MF_M7_KAPPA_SQUARED = 0x70, /* p_t with 1/kappa^2 in place of 1/kappa */
  MF_M7_NO_CUTOFF,            /* p_t's formula continued past kappa pi */
  MF_M7_WRONG_RATE,           /* the field's rate times 1 + MF_M7_RATE_PERTURB */
  MF_M7_UNWEIGHTED            /* the posterior without the data weights */
};
#define MF_M7_RATE_PERTURB 1e-2

/* Sub-streams: + 0 the data indices of the histograms, + 1 continuity
   points, + 2 Euler starts, + 3 + q the Haar draws of histogram time q.  */
enum
{
  MF_TAG_M7 = 0x3A700
};

/* The data set: MF_M7_NDATA rotations (marginal_field.c) with weights
   mf_m7_weight (0.5, 0.3, 0.2).  */
#define MF_M7_NDATA 3
extern const double mf_m7_weight[MF_M7_NDATA];

/* The path and the claimed density as a control sees them: the schedule
   (rate_c 0: kappa = 1 - t; else exp(-rate_c t)), the power of 1/kappa in
   front of p_t (1 as derived), the cut-off at kappa pi (1 as derived), the
   factor of the field's rate and whether the posterior uses the data
   weights.  */
typedef struct
{
  double rate_c;
  double kappa_power;
  int cutoff;
  double rate_factor;
  int weighted;
} mf_m7_model;

/* X1: the data rotations.  */
int
mf_m7_data (double X1[MF_M7_NDATA][9]);

double
mf_m7_kappa (const mf_m7_model *m, double t);

/* The claimed p_t(x|x1) w.r.t. normalised Haar at w = d(x, x1).  */
double
mf_m7_cond_density (const mf_m7_model *m, double w, double kappa);

/* The marginal density P = sum_j w_j p_t(x|x1_j) and the body vector B of
   the posterior-weighted field at (t, x); B = 0 where no posterior weight
   is positive.  */
int
mf_m7_field (const mf_m7_model *m, const double X1[MF_M7_NDATA][9],
             double t, const double x[9], double *p, double b[3]);

/* The central-difference residual of dp/dt + sum_k E_k (p b_k) = 0 at
   (t, x) with step H (in t and in e of x exp(e e_k)), and the difference
   quotient of p in t.  */
int
mf_m7_residual (const mf_m7_model *m, const double X1[MF_M7_NDATA][9],
                double t, double h, const double x[9], double *res,
                double *dpdt);

/* Geodesic Euler x <- x exp(h b) over [0, 1] in STEPS steps; LOST is set
   when the path met a point of zero density (field undefined).  */
int
mf_m7_euler (const mf_m7_model *m, const double X1[MF_M7_NDATA][9],
             size_t steps, double x[9], int *lost);

/* x_t = exp_{x1}(kappa(t) log_{x1}(x0)).  */
int
mf_m7_conditional (const mf_m7_model *m, const double x1[9],
                   const double x0[9], double t, double xt[9]);

fc_check_fn mf_check_m7;

/* ------------------------------------------------- the figure record */

/* so3-sign (M2): distance to x1hat along one path, note's and corrected
   field, at every step of MF_SIGN_STEPS.  */
#define MF_SIGN_STEPS 64
/* so3-schedules (M3): d(x_t, x1)/d0 at MF_SCHED_NT times for linear kappa
   and the exponential rates, and the order ladder's errors.  */
#define MF_SCHED_NT 101
/* so3-marginal (M7): the histogram times, bins inside kappa pi and curve
   points; the continuity studies (linear, exponential) and their steps;
   the offsets of the one-sided limits.  */
#define MF_M7_NT 3
#define MF_M7_NBIN 24
#define MF_M7_NCURVE 121
#define MF_M7_NSTUDY 2
#define MF_M7_NSTEP 5
#define MF_M7_NDELTA 5
#define MF_M7_NEULER 3 /* Euler step counts: steps/4, steps/2, steps */

typedef struct
{
  int sign_done, sched_done;
  double sign_d0;
  double sign_t[MF_SIGN_STEPS + 1];
  double sign_note[MF_SIGN_STEPS + 1], sign_fixed[MF_SIGN_STEPS + 1];
  double sched_t[MF_SCHED_NT];
  double sched_ratio[1 + MF_NC][MF_SCHED_NT]; /* linear, c = 5, c = 10 */
  double sched_euler[1 + MF_NC][MF_SCHED_NT]; /* geodesic Euler, 100 steps */
  double order_h[MF_NLADDER];
  double order_err[MF_NC][MF_NLADDER];
  double order_fit[MF_NC];
  struct
  {
    int done;
    double t[MF_M7_NT];                      /* histogram times */
    double kappa[MF_M7_NT];
    double curve_w[MF_M7_NT][MF_M7_NCURVE];  /* claimed p_t on a grid */
    double curve_p[MF_M7_NT][MF_M7_NCURVE];
    double hist_p[MF_M7_NT][MF_M7_NBIN];     /* samples / (n Haar bin mass) */
    double hist_se[MF_M7_NT][MF_M7_NBIN];
    double h[MF_M7_NSTUDY][MF_M7_NSTEP];     /* continuity ladders */
    double rel[MF_M7_NSTUDY][MF_M7_NSTEP];
    double order[MF_M7_NSTUDY];
    double delta[MF_M7_NDELTA];              /* one-sided offsets */
    double field_diff[MF_M7_NDELTA];         /* |b(in) - b(out)| */
    double density_diff[MF_M7_NDELTA];       /* p(in) - p(out) */
    double jump_t, field_jump, density_jump;
    double euler_h[MF_M7_NEULER];            /* geodesic Euler steps */
    double euler_lost[MF_M7_NEULER];         /* fraction of paths lost */
    double end_frac[MF_M7_NDATA];            /* fraction ending at x1_j */
  } m7;
} mf_figures;

int
mf_write_figures (const fc_run_options *opt, const void *record);

#endif /* FC_MANIFOLD_INTERNAL_H */
