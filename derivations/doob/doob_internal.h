/* derivations/doob/doob_internal.h -- what the parts of module `doob`
 * share (N §Doob's h-transform, claims H1-H3), private to the folder.
 *
 *   doob.c              the claim table with its controls, the size plan
 *   gauss_bridge.c      the Gaussian bridge problems of H1 (a, b), H2, H3:
 *                       start and end points, rates, the simulated drift
 *                       (with the controls' changes), the scheme's exact
 *                       moments, the end-point band
 *   h1_marginals.c      H1 (a, b): bridges against their exact marginals
 *   well_grid.c         H1 (c): the double well's h on a grid, its order
 *                       study and the window's bias
 *   h1_double_well.c    H1 (c): h-transformed against rejection paths
 *   well2d_grid.c       H1 (c) in 2-D: a coupled double well's h on a grid
 *   h1_well2d.c         H1 (c) in 2-D: h-transformed against rejection
 *   h2_sigma_limit.c    H2: sigma -> 0
 *   h3_em_orders.c      H3: Euler-Maruyama orders on the bridge
 *   figures.c           doob-paths, doob-orders, doob-double-well from the
 *                       record the checks fill  */
#ifndef FC_DOOB_INTERNAL_H
#define FC_DOOB_INTERNAL_H

#include <stddef.h>
#include "doob.h"
#include "fc_bridge.h"
#include "fc_kolmogorov.h"
#include "fc_module.h"
#include "fc_sde.h"

/* -------------------------------------------------------- the controls */

/* The change a control makes (fc_control.variant); 0 is the claim.  */
enum
{
  DB_CLAIM = 0,
  DB_H1_WRONG_END_TIME = 1, /* Gaussian bridges: h of the end time 1.25 T */
  DB_H1_HALF_H_TERM,        /* Gaussian bridges: f + sigma^2 grad log h / 2 */
  DB_H1_NO_H_TERM,          /* double wells: drift f alone */
  DB_H1_COARSE_STEPS,       /* Gaussian bridges: 1/DB_H1_COARSE_FACTOR of
                               the steps */
  DB_H1_REFERENCE_NOISE,    /* double wells: rejection paths with the noise
                               DB_WELL_REF_NOISE sigma */
  DB_H1_WIDE_WINDOW,        /* double wells: the window DB_WELL_WIDE eps */
  DB_H2_UNIT_NOISE_H,       /* h of sigma = 1 whatever sigma is simulated */
  DB_H2_WRONG_END_TIME,     /* h of the end time (1 + 1e-3) T */
  DB_H3_NOISY_LAST_STEP,    /* the deterministic last step keeps its noise */
  DB_H3_UNCOUPLED_PATHS,    /* coarse runs on paths independent of the
                               reference's */
  DB_H3_WRONG_END_TIME,     /* the scheme with the h of the end time 1.25 T */
  DB_H3_BROKEN_RECURSION    /* the moment recursion at the steps' right ends */
};

/* The step divisor of DB_H1_COARSE_STEPS: the scheme's bias, about 0.17
   standard errors at the claim's steps (em_bias_z), grows like the step,
   to about 1.4 against the band 0.25.  */
#define DB_H1_COARSE_FACTOR 8
/* The rejection noise of DB_H1_REFERENCE_NOISE: the barrier's cost
   2 dV / sigma^2 falls from 1.39 to 0.62, so the acceptance rises by a
   factor of about 2 (well_accept_z, well2_accept_z far above 4.3), and
   the accepted paths spread wider than q_eps (well_chisq_p_ref).  */
#define DB_WELL_REF_NOISE 1.5
/* The window factor of DB_H1_WIDE_WINDOW: the window's bias, O(eps^2),
   about 0.05 standard errors at eps = 0.07 and the quick sizes, grows 25
   times, past the sum band of the systematic errors (well_bias_z).  */
#define DB_WELL_WIDE 5.0

/* The end times of the wrong-end-time controls, in units of T (H1 and
   H3: 1.25; H2: 1 + 1e-3).  */
#define DB_H1_WRONG_T_FACTOR 1.25
#define DB_H2_WRONG_T_FACTOR (1.0 + 1e-3)

/* ------------------------------------------------------- the size plan */

/* Sizes of the double-well comparison (well_grid.c, h1_double_well.c). */
typedef struct
{
  size_t n_h;   /* paths of the h-transformed SDE */
  size_t n_u;   /* unconditioned paths (about 1.85% accepted) */
  size_t bins;  /* of the chi-square tests, at most DB_WELL_BINS_MAX */
  size_t n_lev; /* levels of h's grid order study */
} db_well_sizes;

#define DB_WELL_BINS_MAX 20

/* Sizes of the 2-D double-well comparison (well2d_grid.c, h1_well2d.c). */
typedef struct
{
  size_t n_h;   /* paths of the h-transformed SDE */
  size_t n_u;   /* unconditioned paths (about 1% accepted) */
  size_t n_two; /* per-side size of the two-sample test (at most) */
  size_t n_lev; /* grid levels: dx, 2 dx (and 4 dx for the order) */
  double dx;    /* the grid of h */
} db_well2_sizes;

typedef struct
{
  fc_doob_marginal_sizes h1; /* H1 (a, b) */
  db_well_sizes well;        /* H1 (c) */
  db_well2_sizes well2;      /* H1 (c) in 2-D */
  size_t h2_npts;            /* points per time of H2's pointwise checks */
  size_t h2_n, h2_steps;     /* paths and steps of H2's sigma study */
  size_t h3_n;               /* paths of H3's order study */
} db_sizes;

extern const db_sizes db_size_plan[FC_SIZE_COUNT];

/* Sub-streams of opt->seed, one per study, so that no two studies share
   draws and none depends on which other claims run.  */
enum
{
  DB_TAG_H1 = 0xD1000,        /* + 0 BM, + 1 OU bridges of H1 (a, b) */
  DB_TAG_H2 = 0xD2000,        /* + k drift points, + 8 + k paths, + 16 FM */
  DB_TAG_H3 = 0xD3000,        /* + 0 BM, + 1 OU order studies */
  DB_TAG_PATHS = 0xDF000,     /* + k block k of doob-paths */
  DB_TAG_WELL_H = 0x4C100,    /* the h-transformed double well */
  DB_TAG_WELL_REJ = 0x4C200,  /* its unconditioned (rejection) paths */
  DB_TAG_WELL_TEST = 0x4C300, /* + j two-sample test at time j */
  DB_TAG_W2_H = 0x4D100,      /* the h-transformed 2-D double well */
  DB_TAG_W2_REJ = 0x4D200,    /* its unconditioned (rejection) paths */
  DB_TAG_W2_TEST = 0x4D300    /* its two-sample test */
};

/* ------------------------------------------ the Gaussian bridge problems */

#define DB_DIM_MAX 10

/* One bridge problem: start x0, end x_T, OU rates and mean, and the
   description pointing into them (so a db_setup is never copied).  */
typedef struct
{
  double x0[DB_DIM_MAX], x_T[DB_DIM_MAX], theta[DB_DIM_MAX], mu[DB_DIM_MAX];
  fc_bridge b;
} db_setup;

void
db_setup_init (db_setup *s, fc_bridge_kind kind, size_t dim, double T,
               double sigma, double theta_scale);

const char *
db_kind_name (fc_bridge_kind k);

/* X (n, D) = n copies of S's start point. */
void
db_fill_start (const db_setup *s, size_t n, double *x);

/* The drift the bridges are simulated with: the h-drift of the claim,
   f + H_SCALE (b - f) (the h-term scaled), of the bridge H_OF (S's bridge,
   or a copy with another end time).  */
typedef struct
{
  const fc_bridge *h_of;
  fc_bridge other_end; /* the bridge with the end time of a control */
  double h_scale;
  int right_end_recursion; /* db_em_moments: the broken recursion of a
                              control (coefficients at t_{k+1}) */
} db_drift_params;

/* The claim's drift of S's bridge, or the drift of the control VARIANT
   (the wrong end times, DB_H1_HALF_H_TERM, DB_H3_BROKEN_RECURSION's
   recursion; any other variant gives the claim's drift).  */
void
db_drift_init (db_drift_params *p, const db_setup *s, int variant);

/* An fc_drift_fn; PARAMS is a db_drift_params.  */
int
db_drift (double t, size_t n, const double *x, double *f, void *params);

/* Mean and variance (per coordinate) of the Euler-Maruyama chain of S
   with the drift DP and noise SIGMA on GRID from S's start point after
   the step counts KS (n_k, increasing, each < steps) into MEAN and VAR
   (n_k, D).  */
int
db_em_moments (const db_setup *s, const db_drift_params *dp, double sigma,
               const fc_sde_grid *grid, size_t n_k, const size_t *ks,
               double *mean, double *var);

/* The band of max |X_N - x_T| with the deterministic last step, N =
   STEPS steps.  */
double
db_endpoint_band (const db_setup *s, double sigma, size_t steps);

/* Its round-off part alone (the whole band for Brownian motion).  */
double
db_endpoint_roundoff (const db_setup *s, double sigma, size_t steps);

/* ----------------------------------------- coupled Euler-Maruyama runs */

/* Runs of several step counts on the same Brownian paths in one pass
   (em_coupled.c): run A gives, to the bit, the states
   fc_sde_euler_maruyama gives on the grid {t0, t1, steps[a], fine, seed,
   0} (constant sigma), for one draw of the path instead of one per run.
   With SEED_OTHER != SEED the first N_OTHER runs follow the paths of
   SEED_OTHER instead (a control of H3).  */
typedef struct
{
  const fc_sde_system *sys; /* drift, constant sigma, dim, params */
  double t0, t1;
  size_t fine;              /* steps of the Brownian grid */
  size_t n_runs;
  const size_t *steps;      /* (n_runs), each dividing fine */
  size_t n;                 /* paths */
  unsigned long seed, seed_other;
  size_t n_other;
  size_t n_save;
  const double *t_save;     /* (n_save) grid times of every run, > t0 */
  double *x_save;           /* (n_runs, n_save, n, D) */
  double *x_det;            /* (n_runs, n, D): the drift-only last step
                               from the same state, or NULL */
} db_coupled;

/* Every run of C from the states X0 (n, D).  GSL_EINVAL when a step count
   does not divide the fine steps; a failing drift's status.  */
int
db_coupled_run (const db_coupled *c, const double *x0);

/* -------------------------------------------------- the double well */

#define DB_WELL_SIGMA 0.6
#define DB_WELL_T 4.0
#define DB_WELL_X0 (-1.0)
#define DB_WELL_XT 1.0
/* The grid of h: [a, b], nodes, steps (well_grid.c says why).  */
#define DB_WELL_A (-2.5)
#define DB_WELL_B 2.5
#define DB_WELL_NX 501
#define DB_WELL_STEPS 800
/* Euler-Maruyama steps over [0, T] of both samplers.  */
#define DB_WELL_EM_STEPS 800

/* Monte Carlo decisions of both double wells (h1_double_well.c says
   why): the z-scores of a part share the family level DB_WELL_MC_ALPHA,
   its p-values DB_WELL_TS_ALPHA (Bonferroni within the part).  The
   systematic errors (grid, window, Euler-Maruyama), each in standard
   errors of the moment comparison, may together shift a z-score by at
   most DB_WELL_BIAS_Z_SUM (a quarter standard error each, as the
   Gaussian bridges' bias), which leaves the band of about 4.3 nearly its
   full power; above it the comparison decides nothing (VALID).  */
#define DB_WELL_MC_ALPHA 1e-4
#define DB_WELL_TS_ALPHA 2e-3
#define DB_WELL_BIAS_Z_SUM 0.75

/* The drift f(x) = x - x^3 (an fc_drift_fn; PARAMS unused).  */
int
db_well_drift (double t, size_t n, const double *x, double *f, void *params);

/* The comparison times as fractions of T.  */
extern const double db_well_frac[FC_DOOB_WELL_NT];

/* A solver on [a, b] with NX nodes, STEPS steps over [0, T], keeping
   every STRIDE-th level.  */
fc_kolmogorov *
db_well_solver (double a, double b, size_t nx, size_t steps, size_t stride);

/* Both equations: h with END (window EPS) and p from x0.  */
int
db_well_solve (fc_kolmogorov *k, fc_kolmogorov_end end, double eps);

/* The kept level of time FRAC T.  */
size_t
db_well_level (const fc_kolmogorov *k, double frac);

/* Moments of the node density Q of K.  */
fc_doob_moments
db_well_density_moments (const fc_kolmogorov *k, const double *q);

/* The CDF of the node density Q of K at the nodes into C (nx), and its
   value at X (linear interpolation, 0 and 1 outside the grid).  */
void
db_well_cdf (const fc_kolmogorov *k, const double *q, double *c);
double
db_well_cdf_at (const fc_kolmogorov *k, const double *c, double x);

/* The averages of the node density Q of K over the DB_WELL_FIG_BINS bins
   of [-DB_WELL_FIG_BOX, DB_WELL_FIG_BOX] into B, with the scratch SCRATCH
   (nx).  */
void
db_well_bin_average (const fc_kolmogorov *k, const double *q, double *scratch,
                     double *b);

/* The conditioned marginals of K at the comparison times: moments into M
   (FC_DOOB_WELL_NT), node values into Q (FC_DOOB_WELL_NT, nx) unless
   NULL.  */
int
db_well_conditioned (const fc_kolmogorov *k, fc_doob_moments *m, double *q);

/* The largest difference of the moments A and B (FC_DOOB_WELL_NT each) in
   standard errors of a comparison of NA against NB draws.  */
double
db_well_bias_z (const fc_doob_moments *a, const fc_doob_moments *b,
                size_t na, size_t nb);

/* The grid error of the moments of q at the module's grid (level 1) in
   standard errors of a comparison of NA against NB draws.  */
double
db_well_grid_err_z (const fc_doob_well_grid *gs, size_t na, size_t nb);

/* The controls of the reference (DB_H1_NO_H_TERM, DB_H1_REFERENCE_NOISE)
   need no systematic error: both wells skip their grid-order studies and
   doubled-step runs there, and record no bias figure.  */
static inline int
db_well_need_bias (int variant)
{
  return variant != DB_H1_NO_H_TERM && variant != DB_H1_REFERENCE_NOISE;
}

/* ------------------------------------------- the coupled 2-D double well */

/* V(x, y) = (x^2 - 1)^2 / 4 + (kappa/2) (y - c x)^2 (well2d_grid.c), the
   noise, end time, start x0 = (-1, -c) and end x_T = (1, c) of the 1-D
   well, on the grid [-AX, AX] x [-AY, AY]; the comparison at T/2.  */
#define DB_W2_KAPPA 2.0
#define DB_W2_C 0.5
#define DB_W2_AX 2.2
#define DB_W2_AY 2.6
/* Kept levels of log h over [0, T/2] (the h-transformed drift).  */
#define DB_W2_KEEP 64

/* f = -grad V (an fc_drift_fn of dimension 2; PARAMS unused).  */
int
db_w2_drift (double t, size_t n, const double *x, double *f, void *params);

/* Moments of a law on the plane: means, variances, covariance, central
   fourth moments of each coordinate and E[(x - mx)^2 (y - my)^2] (for
   the standard errors of the variances and the covariance).  */
typedef struct
{
  double mean[2], var[2], cov, m4[2], m22;
} db_w2_moments;

/* The grid (nodes x_i = -AX + i dx, y_j = -AY + j dy, node k = j nx + i),
   its explicit scheme and its solutions.  */
typedef struct
{
  size_t nx, ny, n, steps, stride; /* steps over [0, T]; levels kept every
                                      stride steps up to T/2 */
  double dx, dy, dt;
  double *coef;  /* (4, n): coefficients toward E, W, N, S */
  double *logh;  /* (DB_W2_KEEP + 1, n): log h floored, or NULL */
  double floor[DB_W2_KEEP + 1]; /* the floor of each kept level */
  double *half;  /* (3, n): h, h_eps and p at T/2 */
} db_w2_grid;

/* A grid of spacing about DX (keeping log h for the h-drift when
   KEEP_DRIFT), or NULL (GSL_ERROR_NULL).  */
db_w2_grid *
db_w2_alloc (double dx, int keep_drift);
void
db_w2_free (db_w2_grid *g);

/* The node I of AXIS (0: x, 1: y).  */
double
db_w2_node (const db_w2_grid *g, int axis, size_t i);

/* h of the point x_T (from T to 0 when G keeps the drift, else to T/2),
   h of the window EPS (when EPS > 0) and p from x0, to T/2.  */
int
db_w2_solve (db_w2_grid *g, double eps);

/* The conditioned law q = p h / Z at T/2 of the point (WINDOW 0) or of
   the window: density at the nodes into Q (unless NULL), moments into M,
   Z into *Z (for the window, the acceptance h_eps(0, x0)).  */
int
db_w2_conditioned (const db_w2_grid *g, int window, double *q, db_w2_moments *m,
                   double *z);

/* The h-transformed drift f + sigma^2 grad log h (dimension 2, t <= T/2);
   PARAMS is a db_w2_htransform.  Clamped queries (outside the grid or
   reading a floored log h) are counted atomically.  */
typedef struct
{
  const db_w2_grid *g;
  int drop_h; /* the control: f alone */
  unsigned long *n_clamped;
} db_w2_htransform;

int
db_w2_htransform_drift (double t, size_t n, const double *x, double *f,
                        void *params);

/* The moments of q at N_LEV levels (spacings 2^(n_lev-1) dx .. dx, the
   finest FINE with its q QF) into M (n_lev, coarsest first), and the
   order of the grid error from the largest node differences of the three
   finest levels into *ORDER (NAN for two levels).  */
int
db_w2_grid_study (const db_w2_grid *fine, const double *qf, size_t n_lev,
                  db_w2_moments *m, double *order);

/* ------------------------------------------------------- the parts */

#define DB_NOTE_LEN 120

/* H1's parts: figures into V and a one-line summary into NOTE
   (DB_NOTE_LEN).  VARIANT is the control being run (0: the claim).  */
int
db_h1_marginals (const fc_run_options *opt, int variant, fc_verdict *v,
                 char *note);
int
db_h1_double_well (const fc_run_options *opt, int variant, fc_verdict *v,
                   char *note);
int
db_h1_double_well_2d (const fc_run_options *opt, int variant, fc_verdict *v,
                      char *note);

fc_check_fn db_check_h2, db_check_h3;

/* Steps of H3's fine reference (h3_em_orders.c says why).  */
#define DB_H3_FINE 4096

/* ------------------------------------------------- the figure record */

/* doob-paths (H2): 1-D bridges, DB_PATHS_N Brownian paths scaled by each
   of DB_PATHS_NSIG sigmas, over the deterministic bridge, for a BM and an
   OU bridge (one block each).  */
#define DB_PATHS_STEPS 500
#define DB_PATHS_N 3
#define DB_PATHS_NSIG 3
extern const double db_paths_sigmas[DB_PATHS_NSIG];

typedef struct
{
  double x0, x_T;
  double t[DB_PATHS_STEPS + 1], xbar[DB_PATHS_STEPS + 1];
  double x[DB_PATHS_NSIG][DB_PATHS_STEPS + 1][DB_PATHS_N];
} db_paths_block;

/* doob-double-well (H1 (c)): histograms and bin averages.  */
#define DB_WELL_FIG_BINS 48
#define DB_WELL_FIG_BOX 2.4
#define DB_WELL_FIG_COLS 5 /* hist_h, hist_rej, q, q_eps, p per time */

typedef struct
{
  int paths_done, orders_done, well_done; /* which checks stored */
  db_paths_block paths[2];                /* BM, OU */
  fc_doob_order_table orders[2];          /* H3: BM, OU */
  fc_doob_orders fits[2];
  size_t orders_n;                        /* H3's paths */
  double well[FC_DOOB_WELL_NT * DB_WELL_FIG_COLS][DB_WELL_FIG_BINS];
  fc_doob_well_result well_res;
} db_figures;

int
db_write_figures (const fc_run_options *opt, const void *record);

#endif /* FC_DOOB_INTERNAL_H */
