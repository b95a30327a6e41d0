/* derivations/barycentric/barycentric_internal.h -- what the parts of
 * module `barycentric` share, private to the folder.
 *
 *   barycentric.c     the claim table with its controls, the size plan,
 *                     the figure list
 *   problems.c        the interpolation problems of B1-B5, B9, B10, the
 *                     coefficient draws and the scale of rho
 *   pointwise.c       what the pointwise identities share: the round-off
 *                     ladder, the condition number, the points and fields
 *   identities.c      B1 and B2: sum_k alpha_k g_k = x, and the note's u_0
 *   chat_formula.c    B10: the chat's two-marginal formula for b
 *   continuity.c      continuity equations by order studies: B3, the
 *                     paths through the simplex, B9
 *   transport.c       B4: the path's field solves the continuity equation
 *                     and carries rho_i to rho_j
 *   regression.c      B5: g_k minimises the regression loss
 *   path_learning.c   the path problems of B6 and learning their paths
 *   path_cost.c       B6: the cost bound and the learned path
 *   time_map.c        B7: the note's time map and the corrected one
 *   block_schedule.c  B8: the two-block schedule
 *   simplex_support.c B11: the note's training sampler of alpha
 *   loss_constant.c   B12: the chat's loss for eta_0, up to a constant
 *   figures.c         the figure writer: renders what B6 and B8 stored
 *
 * The interpolant x(beta) = sum_k beta_k x_k of independent x_k ~ rho_k is
 * exact for Gaussian-mixture marginals (fc_interp.h): rho(beta, x),
 * g_k(beta, x) = E[x_k | x(beta) = x] and b = sum_k beta_k' g_k, for any
 * beta, on the simplex or off it.  */
#ifndef FC_BARYCENTRIC_INTERNAL_H
#define FC_BARYCENTRIC_INTERNAL_H

#include "barycentric.h"
#include "fc_interp.h"
#include "fc_module.h"
#include "fc_study.h"

#define BC_ALBERGO "N §Albergo et al. 2023"

/* Every interpolation problem has K + 1 = 3 marginals in at most 2
   dimensions.  */
#define BC_NM 3
#define BC_DMAX 2

/* The z band of Monte Carlo figures (tests/fc_check.h's Z_MAX: 5 sigma, a
   false alarm has probability ~6e-7 per figure with a fixed seed).  */
#define BC_Z_MAX 5.0

/* Sub-streams of opt->seed, one per study.  */
enum
{
  BC_TAG_B1 = 0xB1000,
  BC_TAG_B2 = 0xB2000,
  BC_TAG_B3 = 0xB3000,
  BC_TAG_B4 = 0xB4000,
  BC_TAG_B5 = 0xB5000,
  BC_TAG_B6_FIT = 0xB6000,
  BC_TAG_B6_EVAL = 0xB6100,
  BC_TAG_B7 = 0xB7000,
  BC_TAG_B8 = 0xB8000,
  BC_TAG_B9 = 0xB9000,
  BC_TAG_B10 = 0xBA000,
  BC_TAG_B11 = 0xBB000,
  BC_TAG_B12 = 0xBC000
};

/* The controls' changes (fc_control.variant; 0 is the claim as stated).
   What each changes and why its check must flip is stated where the check
   applies it.  */
enum
{
  BC_B1_COEFFICIENT_OFF = 1,
  BC_B2_SUM_FROM_K1,
  BC_B2_CORRECTED_OFF,
  BC_B3_OTHER_FIELD,
  BC_B3_FIELD_FAST,
  BC_B4_RATE_DROPPED,
  BC_B4_FIELD_FAST,
  BC_B4_CONSTANT_DRIFT,
  BC_B4_COARSE_RK4,
  BC_B5_PERTURBED_MINIMISER,
  BC_B5_FAR_MINIMISER,
  BC_B6_BOUND_RAISED,
  BC_B6_NO_MODES,
  BC_B7_CORRECTED_MAP,
  BC_B7_CORRECTED_OFF,
  BC_B8_SEPARATE_VERTICES,
  BC_B8_SEPARATE_JOINT,
  BC_B8_NO_MODES,
  BC_B9_NAIVE_FIELD,
  BC_B9_FIELD_FAST,
  BC_B10_COEFFICIENT_OFF,
  BC_B11_FULL_SUPPORT,
  BC_B12_CONSTANT_ADDED,
  BC_B12_CROSS_WEIGHT
};

/* The field of a continuity control that is 5% too fast (B3, B4, B9): the
   residual becomes BC_FIELD_FAST_EXCESS |d rho/dt| at every step, above
   the truncation error rel(h_max) of every study of the module (at most
   ~0.035, the curved paths: 256 rel(h_min)), so that it stalls at that
   level instead of falling like h^2 (fitted orders 0.16 and below at the
   quick sizes, under the stall threshold 0.5).  At 1% the curved paths'
   fits reached orders 0.45 and 0.50, on the threshold.  */
#define BC_FIELD_FAST_EXCESS 0.05

/* ------------------------------------------------------------ the sizes */

#define BC_B5_NFIT_MAX 4

typedef struct
{
  size_t n_points;        /* B1, B2, B10: draws per coefficient vector */
  size_t n_study_points;  /* B3, B4, B9: points per time of a study */
  size_t push_steps;      /* B4: RK4 steps of the pushed samples */
  size_t push_draws;      /* B4: pushed samples */
  size_t b5_clusters;     /* B5: paired-loss clusters */
  size_t b5_eval;         /* B5: evaluation pairs of the regressor */
  size_t b5_n_fit;        /* B5: training sizes of the regressor */
  size_t b5_fit[BC_B5_NFIT_MAX];
  fc_barycentric_plan paths; /* B6 */
  size_t block_dim;       /* B8: D_a = D_b */
  size_t block_draws;     /* B8: flow samples of the endpoint correlation */
  size_t block_iter;      /* B8: Nelder-Mead iterations */
  size_t b11_draws;       /* B11: sampler draws and uniform points */
  size_t b12_clusters;    /* B12: clusters of draws per side */
} bc_sizes;

extern const bc_sizes bc_sizes_plan[FC_SIZE_COUNT];

/* ----------------------------------------------- problems (problems.c) */

typedef enum
{
  BC_PLANAR = 0, /* 2-D: a full-covariance Gaussian, 8gaussians / 2, a
                    three-component full-covariance mixture */
  BC_LINE,       /* 1-D: a Gaussian, two and three components */
  BC_NOISE_8G,   /* B10, B12: N(0, I) and 8gaussians, two marginals */
  BC_N_PROBLEMS
} bc_problem;

fc_interp *
bc_problem_alloc (bc_problem p);

/* The start of a check on problem P: the change of OPT's control into
   *VARIANT (fc_control_variant) and the problem's interpolant into *IP (the
   caller frees it); a GSL status, *IP NULL on failure.  */
int
bc_check_start (const fc_run_options *opt, bc_problem p, int *variant,
                fc_interp **ip);

/* A Gaussian mixture of dimension DIM from N components: weights W (n),
   means MEAN (n, dim), covariances COV (n, dim, dim); prepared, NULL on
   failure.  */
fc_gmm *
bc_gmm_packed (size_t dim, size_t n, const double *w, const double *mean,
               const double *cov);

/* N_ALPHA coefficient vectors ALPHA (n_alpha, K + 1) on the simplex from
   SEED: half interior, half near vertices, the last the vertex e_1 when
   WITH_VERTEX.  */
int
bc_alphas (unsigned long seed, size_t nm, size_t n_alpha, int with_vertex,
           double *alpha);

/* The shortest scale *ELL of rho(beta(t), .) in x or t at coefficients
   BETA moving at DBETA.  */
int
bc_scale (const fc_interp *ip, const double *beta, const double *dbeta,
          double *ell);

/* ------------------------------------- pointwise identities (pointwise.c) */

/* A problem, its round-off measures and the points and fields of one
   coefficient vector.  Free it with bc_pointwise_free whether or not
   bc_pointwise_alloc succeeded.  */
typedef struct
{
  fc_interp *ip;
  size_t n, dim, nm;
  double ladder;     /* the round-off ladder L of the problem */
  double r[BC_NM];   /* R_k: the size of the terms averaged into g_k */
  double *x;         /* (n, D) points */
  double *g;         /* (K+1, n, D) g_k at the points */
  double *b;         /* (n, D) a field or identity at the points */
} bc_pointwise;

int
bc_pointwise_alloc (bc_pointwise *w, bc_problem p, size_t n);
void
bc_pointwise_free (bc_pointwise *w);

/* Draw w->n points from rho(BETA) (stream SEED) and evaluate every g_k;
   *KAPPA receives the largest condition number of the tuple covariances
   at BETA.  */
int
bc_pointwise_draw (bc_pointwise *w, const double *beta, unsigned long seed,
                   double *kappa);

/* M_i = |x_i| + sum_k alpha_k (|g_k(x_i)| + R_k): the magnitude of the
   summands of the identity x = sum_k alpha_k g_k at point I.  */
double
bc_pointwise_magnitude (const bc_pointwise *w, const double *alpha, size_t i);

/* The exponent of the rms errors SWEEP (n) in the coefficient A (n) that
   goes to 0 (round-off divided by A gives -1); NAN when an error is 0.  */
double
bc_sweep_exponent (size_t n, const double *a, const double *sweep);

/* ------------------------------------------ order studies (continuity.c) */

/* Steps h_k = h_max 2^-k, k < BC_NH (continuity.c gives the reasons).  */
#define BC_NH 5

/* The least order band of a study with largest step H_MAX on a density
   whose shortest scale is ELL.  */
double
bc_order_floor (double h_max, double ell);

/* A path from e_I to e_J through the simplex: v_I = 1 - t, v_J = t,
   v_o = C t (1 - t), alpha = v / sum v (C = 0: straight).  TRIG: the
   coefficients of the trigonometric interpolant (B9) with their exact
   rates (1) or the naive ones (2).  DROP >= 0 zeroes that coordinate of
   the velocity's coefficients; SPEED multiplies them (1 as stated); DRIFT
   is added to the field's first coordinate (0 as stated).  */
typedef struct
{
  const fc_interp *ip;
  size_t i, j;
  double c;
  int trig;
  int drop;
  double speed;
  double drift;
} bc_path;

#define BC_DROP_NONE (-1)
/* The curved paths of B4 and B9 (C = 4: alpha(1/2) = (1/4, 1/4, 1/2)).  */
#define BC_CURVE 4.0

/* fc_velocity_fn of a path (no divergence).  */
int
bc_path_velocity (double t, size_t n, const double *x, double *u, double *div,
                  void *params);

/* The order study of the path PA named NAME, points from rho(beta(t)),
   N per time, streams from SEED.  */
int
bc_path_study (const bc_path *pa, size_t n, unsigned long seed,
               const char *name, fc_order_study *st);

/* --------------------------------------------- path problems (B6, B8) */

#define BC_FROM 0
#define BC_TO 1
#define BC_HELPER 2

/* The variance of B6's wide helper (path_learning.c).  */
#define BC_WIDE_VAR 64.0

/* Relative tolerance of the quadrature in t of the closed-form costs.  */
#define BC_REL_TOL 1e-9

/* Nelder-Mead: initial step and the simplex size that stops it.  */
#define BC_STEP 0.5
#define BC_SIZE_TOL 1e-5

enum
{
  BC_P_GAUSS1D,
  BC_P_GAUSS2D,
  BC_P_MIXTURE2D,
  BC_P_NARROW1D
};

/* The interpolant of path problem ID (from, to, helper); NULL on failure.  */
fc_interp *
bc_path_problem_alloc (size_t id);

/* The two-block data of B8: mean (2 DB) and covariance (2 DB)^2, the
   blocks' first coordinates correlated with BC_B8_RHO unless SEPARATE.  */
#define BC_B8_RHO 0.8
#define BC_B8_DMAX 4
void
bc_b8_data (size_t db, double *mean, double *cov, int separate);

/* ----------------------------------------------------------- the checks */

fc_check_fn bc_check_b1, bc_check_b2, bc_check_b3, bc_check_b4, bc_check_b5,
  bc_check_b6, bc_check_b7, bc_check_b8, bc_check_b9, bc_check_b10,
  bc_check_b11, bc_check_b12;

/* ------------------------------------------------- the figure record */

/* What the figures need, stored by B6 and B8 when opt->figures is set.  */
typedef struct
{
  fc_barycentric_path paths[FC_BARYCENTRIC_N_PATH_PROBLEMS]; /* B6 */
  int have_paths;
  fc_barycentric_schedule schedule; /* B8's learned schedule */
  int have_schedule;
} bc_figure_record;

int
bc_write_figures (const fc_run_options *opt, const void *record);
void
bc_free_figures (void *record);

#endif /* FC_BARYCENTRIC_INTERNAL_H */
