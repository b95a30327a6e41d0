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
 *   multimarginal.c M8: the multimarginal interpolant's vertices and the
 *                   note's approximation of its conditional velocity
 *   k1_reduction.c  M9: the note's K = 1 reduction alpha(t) = (t-1, t)
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
  size_t m8_n;      /* random (x0, x_1..x_3) configurations of M8's vertices */
  size_t m8_eval;   /* samples of x per (alpha, alpha') of M8's conditional
                       study */
  size_t m9_n;      /* random triples (x*, x0, x1) and pairs of M9 */
  size_t m9_nt;     /* times of M9's paths */
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

/* M8, M9 (N §Interpolating ... SE(3), "manifolds"): their controls, in a
   block of their own.  */
enum
{
  MF_M8_PERTURBED_INTERPOLANT = 0x801, /* exp_{x0}((1 + MF_M8_PERTURB) sum
                                          alpha_k log_{x0}(x_k)) */
  MF_M8_DETERMINISTIC,  /* one atom: (x_1, x_2) a function of x(alpha) */
  MF_M8_PRIOR_WEIGHTS,  /* the conditional law replaced by the prior */
  MF_M9_CORRECTED_FORM, /* (1-t, t) in place of the note's (t-1, t) */
  MF_M9_BROKEN_CORRECTED /* (1-t, t (1 + MF_M9_PERTURB)) as the corrected
                            form */
};
#define MF_M8_PERTURB 1e-9
#define MF_M9_PERTURB 1e-9
enum
{
  MF_TAG_M8 = 0x3A800, /* + 0 vertices, + 1 conditional study */
  MF_TAG_M9 = MF_TAG_M8 + 0x80
};
/* M8: the vertices of the interpolant's vertex check, the atoms of the
   conditional example, and the band of its orthogonality z (a standard
   normal's |z| > 4 has probability 6e-5, 4e-4 over the six
   configurations).  */
#define MF_MM_VERTICES 3
#define MF_MM_ATOMS 4
#define MF_M8_Z_BAND 4.0
/* M8: the (alpha, alpha') of the conditional study, the samples of each
   kept for the figure, and the spread below which gap/spread^2 is not
   formed (round-off over round-off).  */
#define MF_MM_CONFIGS 6
#define MF_MM_FIG_PER 300
#define MF_MM_SPREAD_MIN 1e-4

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

/* X_i = S_i A_i^T B_i (9 N) with N Haar pairs (A, B) (scratch) at distance
   in [DMIN, pi - MF_CUT_MARGIN): points within the cut locus of their
   anchors S_i (multimarginal.c).  */
int
mf_points_around (unsigned long seed, size_t n, double dmin, const double *S,
                  double *A, double *B, double *X);

/* V = exp(v) hat(J(v) u): the velocity d/de exp(v + e u) at e = 0, J the
   right Jacobian (multimarginal.c).  */
int
mf_exp_velocity (const double v[3], const double u[3], double V[9]);

/* ------------------------------------------------------- the parts */

fc_check_fn mf_check_m1, mf_check_m2, mf_check_m3;
fc_check_fn mf_check_m8, mf_check_m9;

/* ------------------------------------------------- the figure record */

/* so3-sign (M2): distance to x1hat along one path, note's and corrected
   field, at every step of MF_SIGN_STEPS.  */
#define MF_SIGN_STEPS 64
/* so3-schedules (M3): d(x_t, x1)/d0 at MF_SCHED_NT times for linear kappa
   and the exponential rates, and the order ladder's errors.  */
#define MF_SCHED_NT 101

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
  /* so3-multimarginal-gap (M8): per sample of x, the conditional spread
     of w_1, the gap |L - R| and the velocity error, MF_MM_FIG_PER samples
     of each of the MF_MM_CONFIGS (alpha, alpha').  */
  struct
  {
    int done;
    double spread[MF_MM_CONFIGS * MF_MM_FIG_PER];
    double gap[MF_MM_CONFIGS * MF_MM_FIG_PER];
    double err[MF_MM_CONFIGS * MF_MM_FIG_PER];
  } mm;
} mf_figures;

int
mf_write_figures (const fc_run_options *opt, const void *record);

#endif /* FC_MANIFOLD_INTERNAL_H */
