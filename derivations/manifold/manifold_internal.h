/* derivations/manifold/manifold_internal.h -- what the parts of module
 * `manifold` share (claims M1-M9; manifold.c cites their sections),
 * private to the folder.
 *
 *   manifold.c      the claim table with its controls, the size plan and
 *                   the figure list
 *   round_trip.c    M1 (Euclidean round trip) and M2 (the note's field on
 *                   SO(3): round trip, and its sign as a generating field)
 *   schedules.c     M3: the schedule kappa, its generating field and the
 *                   geodesic Euler order
 *   figures.c       the figures' data files from the record the checks
 *                   fill
 *   losses.c        M4: the rotation losses' minimisers, pointwise and
 *                   for a spread of r1 (tangent mean vs Frechet mean)
 *   translations.c  M5: the translation loss identity, the centred
 *                   Gaussian on R^{3N}/R^3 and the centre of mass of the path
 *   motif.c         M6: estimators of the motif likelihood p(y|x) and its
 *                   gradient (Haar, point mass, IGSO(3) importance sampling)
 *   motif_reference.c  M6's exact references (1-D Bingham reduction,
 *                   angle-axis quadrature)
 *   marginal_field.c  M7: the conditional density, the marginal field, its
 *                   continuity residual and geodesic Euler under it
 *   marginal.c      M7: the measurements (normalisation, histograms, the
 *                   jump on the spheres, the order studies, the end points)
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
  MF_M3_PERTURBED_KAPPA,       /* the curve built with kappa (1 + MF_M3_PERTURB) */
  MF_M6_NON_HAAR,              /* "Haar" draws with a uniform angle on [0, pi] */
  MF_M6_PROPOSAL_SCALE,        /* IS weights with q at MF_M6_SCALE_OFF s */
  MF_M6_FLAT_CROSSCHECK,       /* angle-axis cross-check with w^2/(2 pi) */
  MF_M6_SMALL_SIGMA,           /* every sigma times MF_M6_SMALL */
  MF_M6_UNWEIGHTED_GRAD        /* IS gradient from the unweighted draws */
};

/* The relative perturbations of the controls: far above the round-off
   bands (a few 1e-16 relative), far below any modelling error.  */
#define MF_M1_PERTURB 1e-12
#define MF_M3_PERTURB 1e-9

/* Controls of M4 and M5, numbered by claim (codes are per claim).  */
enum
{
  MF_M4_SHIFTED_MINIMISER = 41, /* losses against r1 exp(MF_M4_SHIFT e_0) */
  MF_M4_ZERO_SPREAD,            /* every r1 of the spread at its centre */
  MF_M4_SWAPPED_MINIMISERS,     /* each margin at the other loss's minimiser */
  MF_M5_WRONG_POWER = 51,       /* x-space loss ||x1hat - x1||^2/(1-t) */
  MF_M5_UNCENTRED_NOISE         /* x0 ~ N(0, I_{3N}), not centred */
};

/* M4: the shift of the minimiser in the control shifted_minimiser: far
   above the round-off band, and the margin's steps eps = 1e-4, 1e-5 are
   below 2 MF_M4_SHIFT, where a step towards the shifted point decreases
   the loss.  */
#define MF_M4_SHIFT 1e-3

/* ------------------------------------------------------- the size plan */

typedef struct
{
  size_t m1_n;      /* random (x_t, x1hat, t) triples of M1 */
  size_t m2_n;      /* random (x_t, x1hat) pairs and paths of M2 */
  size_t m2_steps;  /* geodesic Euler steps over [0, 1] of M2's paths */
  size_t m3_n;      /* random (x0, x1) pairs of M3's identity */
  size_t m3_nt;     /* times of M3's identity */
  size_t m3_paths;  /* paths of M3's order study */
  size_t m4_pairs;  /* random (r_t, r1) pairs of M4's pointwise part */
  size_t m4_n;      /* IGSO(3) draws of M4's spread */
  size_t m4_stride; /* M4 runs every m4_stride-th spread and time */
  size_t m5_atoms;  /* atoms N of M5 (R^{3N}) */
  size_t m5_samples; /* centred noise draws of M5's covariance */
  size_t m5_draws;  /* (x0, x1, x1hat, t) draws of M5's loss and path */
  size_t m6_nsig;   /* motif noise levels of M6 ... */
  const double *m6_sigma; /* ... sigma / rho, ascending */
  size_t m6_nn;     /* Monte Carlo sizes of M6 (the first of mf_m6_n) */
  size_t m6_reps;   /* repeated estimates per (sigma, size) of M6 */
  size_t m7_hist_n;      /* M7: samples of x_t per time of the histograms */
  size_t m7_points;      /* M7: points per time of the continuity studies */
  size_t m7_euler_n;     /* M7: Haar starts of geodesic Euler */
  size_t m7_euler_steps; /* M7: its steps over [0, 1] */
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
  MF_TAG_M3 = 0x3A300, /* + 0 identity, + 1 order study */
  MF_TAG_M6 = 0x3A600  /* + 0 backbone, rotation and noise; + 1 + level:
                          the draws of that sigma level */
};
enum
{
  MF_TAG_M4 = 0x3A400, /* + 0 pointwise pairs, + 1 mu, + 2 directions,
                          + 3 IGSO(3) draws */
  MF_TAG_M5 = 0x3A500  /* + 0 noise draws, + 1 path draws, + 2 times */
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

/* M4: the spreads s (IGSO(3) scale; the mixture's rotations at mu exp(-+
   s e)) and times t, r_t = exp_mu((1-t) log_mu(r0)) with d(r0, mu) =
   MF_M4_D0 (so every r1 stays within pi - 0.1 of r_t).  */
#define MF_M4_NS 4
#define MF_M4_NT 4
#define MF_M4_D0 1.0
extern const double mf_m4_spreads[MF_M4_NS]; /* 0.05 .. 0.4 */
extern const double mf_m4_times[MF_M4_NT];   /* 0 .. 0.9 */

/* M5: the most atoms a configuration may have (stack arrays), and the
   family false-alarm level of the covariance z-scores.  */
#define MF_M5_ATOMS_MAX 64
#define MF_MC_ALPHA 1e-3
/* M6: motif noise levels sigma / rho (rho the motif's rms radius) and
   Monte Carlo sizes; the estimators' figures are kept per level and
   size.  */
#define MF_M6_NSIG 4 /* at most */
#define MF_M6_NN 5
extern const size_t mf_m6_n[MF_M6_NN]; /* 16 .. 4096 */
#define MF_M6_SCALE_OFF 1.2 /* proposal_scale_off: q evaluated at 1.2 s */
#define MF_M6_SMALL 1e-3    /* small_sigma: every level times 1e-3 */

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

/* M6: a motif z = M x (k points) observed as y = Q z + sigma eps, and
   what every estimator and reference of p(y|x) shares (motif.c,
   motif_reference.c).  With H = sum_i z_i y_i^T = U S V^T and W =
   diag(1, 1, d), d = det U det V: Q* = V W U^T (Kabsch), D = S W, and
   |y - Q z|^2 = |y - Q* z|^2 + 2 (tr D - tr(Q H)).  */
#define MF_MOTIF_MAX 8
typedef struct
{
  size_t k;                      /* motif points */
  double z[3 * MF_MOTIF_MAX], y[3 * MF_MOTIF_MAX];
  double sigma;
  double U[9], V[9], dsv[3];     /* H = U diag(S) V^T; dsv = S W */
  double wsign;                  /* d of W = diag(1, 1, d) */
  double qstar[9];               /* the Kabsch rotation of z onto y */
  double G[9];                   /* H Q* (symmetric up to round-off) */
  double trD;                    /* tr(Q* H) = max_Q tr(Q H) */
  double log_pm;                 /* log N(y | Q* z, sigma^2 I) */
  double mu[3];                  /* eigenvalues of tr(G) I - sym(G): the
                                    posterior precision of the rotation
                                    vector per 1/sigma^2 at small sigma */
  double tau_max;                /* largest posterior sd of the rotation
                                    vector at small sigma: sigma /
                                    sqrt(min eig(tr G I - G)) */
} mf_motif;

/* Fill the derived fields of M from k, z, y and sigma.  */
int
mf_motif_prepare (mf_motif *m);

/* The exact reference by the 1-D reduction (motif_reference.c): log I
   with I = int exp(beta (tr(Q H) - tr D)) dQ over normalised Haar, and,
   if EQ is not NULL, the tilted mean E[Q] (9).  beta = 1/sigma^2 gives
   log p = log_pm + log I; 2/sigma^2 the second moment of Haar Monte
   Carlo.  */
int
mf_motif_reference (const mf_motif *m, double beta, double *log_i,
                    double EQ[9]);

/* The same integral by angle-axis Gauss-Legendre quadrature around Q*
   (Q = Q* R), with NW nodes per angle panel, NW in cos(axis polar angle)
   and 2 NW in its azimuth; divided by the IGSO(3) density of scale S
   w.r.t. Haar when S > 0 (the second moment of importance sampling);
   FLAT uses the flat-space angle density w^2/(2 pi) in place of Haar's
   (1 - cos w)/pi (control flat_haar_crosscheck).  */
int
mf_motif_angle_axis (const mf_motif *m, double beta, double s, int flat,
                     size_t nw, double *log_i, double EQ[9]);
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
fc_check_fn mf_check_m4, mf_check_m5;
fc_check_fn mf_check_m6;

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

/* What the field needs of a time t, the same at every point: kappa, the
   rate r(t), kappa^kappa_power and the cosine below which cos d(x, x1)
   puts x certainly beyond the sphere d = kappa pi (-inf without the
   cut-off).  Computed once per time: Euler's paths share their times.  */
typedef struct
{
  double kappa, rate, kpow, cos_out;
} mf_m7_time;

void
mf_m7_time_at (const mf_m7_model *m, double t, mf_m7_time *tm);

/* The marginal density P = sum_j w_j p_t(x|x1_j) and the body vector B of
   the posterior-weighted field at (t, x); B = 0 where no posterior weight
   is positive.  mf_m7_field_at: the same at the time TM.  */
int
mf_m7_field (const mf_m7_model *m, const double X1[MF_M7_NDATA][9],
             double t, const double x[9], double *p, double b[3]);
int
mf_m7_field_at (const mf_m7_model *m, const double X1[MF_M7_NDATA][9],
                const mf_m7_time *tm, const double x[9], double *p,
                double b[3]);

/* The central-difference residual of dp/dt + sum_k E_k (p b_k) = 0 at
   (t, x) with step H (in t and in e of x exp(e e_k)), and the difference
   quotient of p in t.  */
int
mf_m7_residual (const mf_m7_model *m, const double X1[MF_M7_NDATA][9],
                double t, double h, const double x[9], double *res,
                double *dpdt);

/* Geodesic Euler x <- x exp(h b) over [0, 1] in STEPS steps, h = 1/STEPS,
   at the times TIMES (STEPS: mf_m7_time_at of k h); LOST is set when the
   path met a point of zero density (field undefined).  */
int
mf_m7_euler (const mf_m7_model *m, const double X1[MF_M7_NDATA][9],
             size_t steps, const mf_m7_time *times, double x[9], int *lost);

/* x_t = exp_{x1}(kappa(t) log_{x1}(x0)).  */
int
mf_m7_conditional (const mf_m7_model *m, const double x1[9],
                   const double x0[9], double t, double xt[9]);

fc_check_fn mf_check_m7;
fc_check_fn mf_check_m8, mf_check_m9;

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
  /* so3-means (M4): d(tangent mean, Frechet mean) and its leading-order
     law per family (IGSO(3), mixture), spread and time; NaN where the
     size plan skips a setting.  */
  struct
  {
    int done;
    size_t draws; /* IGSO(3) draws */
    double d[2][MF_M4_NS][MF_M4_NT], law[2][MF_M4_NS][MF_M4_NT];
  } means;
  struct
  {
    int done;
    size_t nsig, nn; /* levels and sizes filled */
    double sigma_rel[MF_M6_NSIG];
    /* per level and size: bias and standard deviation over repetitions
       of log p-hat (nats) and of the gradient (relative to |grad|), for
       Haar Monte Carlo [0] and IGSO(3) importance sampling [1]; the
       point mass's log and gradient bias per level.  */
    double log_bias[2][MF_M6_NSIG][MF_M6_NN], log_sd[2][MF_M6_NSIG][MF_M6_NN];
    double grad_bias[2][MF_M6_NSIG][MF_M6_NN], grad_sd[2][MF_M6_NSIG][MF_M6_NN];
    double pm_log_bias[MF_M6_NSIG], pm_grad_bias[MF_M6_NSIG];
  } motif;
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
