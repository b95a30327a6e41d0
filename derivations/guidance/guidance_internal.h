/* derivations/guidance/guidance_internal.h -- what the parts of module
 * `guidance` share (private to the folder).
 *
 * Claims G1-G7 of CATALOG.md (N §Conditional flow matching,
 * §Conditional vector field, §Guidance term), canonical convention: noise
 * x0 ~ N(0, I) at t = 0, data x1 at t = 1.
 *
 * Setting (gd_setting): a prior of any dimension D (a built-in data set by
 * name, the module's own gmm3d, or a given mixture; 8gaussians in D = 2 is
 * the reference: its multimodal posteriors are where the approximations
 * differ), observed through y = A x1 + N(0, sigma_y^2 I) with A (m, D),
 * 1 <= m <= D, of seeded Gaussian rows scaled to unit length (so sigma_y
 * is in the units of the data), and y drawn from the model (x* from the
 * prior, then the noise).  The exact
 * posterior p(x1|y) is a mixture (fc_gmm_condition) and its path p_t(x|y)
 * is that mixture's path (fc_path); h_t(x) = p_t(y|x) and its gradient are
 * exact (fc_guide_eval).
 *
 * The parts:
 *   setting.c             the observation setting, the size plan, the
 *                         points of p_t(x|y)
 *   residual.c            density-field pairs of the posterior path and the
 *                         residual-study plan (G1, G2)
 *   postulated_field.c    G1: does u_t + c grad log p(y|x) generate p_t(x|y)?
 *   likelihood_equation.c G2: the equation h_t = p_t(y|x) solves
 *   ode_coupling.c        G3: the ODE coupling's likelihood
 *   note_chain.c          G7: the note's chains of equalities, line by line
 *   reconstruction.c      G4, G5: approximate guidance gradients
 *   posterior_sampling.c  G6: guided samplers against the exact posterior
 *   sample_distance.c     the sampler runs and their W2 scoring (G3, G6)
 *   figures.c             renders what the checks stored
 *   guidance.c            the claim table, its controls, the figure list */
#ifndef FC_GUIDANCE_INTERNAL_H
#define FC_GUIDANCE_INTERNAL_H

#include <stddef.h>
#include "fc_gmm.h"
#include "fc_guide.h"
#include "fc_module.h"
#include "fc_obs.h"
#include "fc_ode.h"
#include "fc_schedule.h"
#include "fc_study.h"

/* The largest data dimension of a setting (gd_setting_init_prior refuses
   more): the bound of the few per-point scratch arrays kept on the stack.  */
#define GD_DIM_MAX 128

/* Noise of the observation in G1-G5 (data units; the prior's components
   have standard deviation 0.35 and centres 2.83 from the origin): small
   enough that the posterior is much narrower than the prior across the
   observed direction, large enough that the guided fields stay non-stiff
   for the modest fixed-step integrations of G3.  */
#define GD_SIGMA_Y 0.25

/* Residual studies (G1, G2, the exact guided field): times early, middle
   and late on the path, each with t +- h_max inside (0, 1); steps
   h_k = GD_H_MAX 2^-k, k < GD_NH (0.04 .. 0.0025, as in module continuity:
   the smallest keeps the round-off of a second difference,
   eps |h| / h^2 ~ 4e-11 |h|, far below the truncation error it must
   expose).  */
#define GD_NT 3
extern const double gd_times[GD_NT];
#define GD_NH 5
#define GD_H_MAX 0.04

/* The z band of the Monte Carlo figures (5 sigma, tests/fc_check.h's
   Z_MAX: a false alarm has probability ~6e-7 per figure, fixed seed).  */
#define GD_Z_MAX 5.0
#define GD_NPROJ 64       /* sliced W2 directions */
#define GD_NREP_NOISE 16  /* exact-vs-exact pairs of the W2 noise level */
#define GD_NREP_MAX 16    /* sampler blocks at most (gd_blocks_w2) */

/* Times of the gradient comparisons (G4, G5), dense towards t = 1 where
   the decay is fitted (t = 0 is left out: there grad log h = 0 and a
   relative error has no meaning; t = 1 is where the corrected forms are
   exact); the gammas of reconstruction guidance (G4, G6).  */
#define GD_G4_NT 14
extern const double gd_g4_times[GD_G4_NT];
#define GD_G4_NG 5
extern const double gd_g4_gammas[GD_G4_NG];

/* Sub-streams of opt->seed, one per study. */
enum
{
  GD_TAG_SETTING = 0x6D000, /* A, x*, e: shared by every claim */
  GD_TAG_SQUARE = 0x6D100,  /* A, x*, e of G5's square case */
  GD_TAG_G1 = 0x61000,
  GD_TAG_G2 = 0x62000,
  GD_TAG_G3 = 0x63000,
  GD_TAG_G4 = 0x64000,
  GD_TAG_G5 = 0x65000,
  GD_TAG_G6 = 0x66000,
  GD_TAG_EXACT_FIELD = 0x6E000, /* the exact guided field's study (G1) */
  GD_TAG_G7 = 0x67000
};

/* The controls of the claim table (fc_control.variant): what each check
   changes when it runs one.  */
enum
{
  GD_AS_STATED = 0,
  GD_G1_EXACT_GUIDANCE,    /* u_t + c_t grad log p_t(y|x)             */
  GD_G1_EXACT_UNIT_FACTOR, /* u_t + grad log p_t(y|x): c_t -> 1       */
  GD_G2_CORRECTED,         /* the corrected equation, c_t             */
  GD_G2_FACTOR_ONE,        /* the corrected equation, c_t -> 1        */
  GD_G2_FACTOR_ZERO,       /* the corrected equation, c_t -> 0        */
  GD_G3_INTERPOLANT,       /* the interpolant's p_t(y|x) for h~       */
  GD_G3_REFERENCE_REVERSED, /* G3's reference, guidance term reversed */
  GD_G4_GAUSSIAN_TWEEDIE,  /* one Gaussian prior, Tweedie covariance  */
  GD_G5_JACOBIAN_FORM,     /* J^T A^T Sigma^{-1}(y - A x1hat) (G4's)  */
  GD_G6_GAUSSIAN_TWEEDIE,  /* one Gaussian prior, Tweedie covariance  */
  GD_G7_KEPT_LIKELIHOOD,   /* line a3 with grad log p_t(y|x) kept     */
  GD_G7_PERTURBED_LINES,   /* lines a2, b1, b3, b5 scaled by 1 + 1e-2 */
  GD_G4_NO_TIME_FACTOR,    /* covariances without (sigma/alpha)^2     */
  GD_G5_NO_TIME_FACTOR,    /* the corrected form, the same            */
  GD_G6_NO_TIME_FACTOR,    /* G6's approximations, the same           */
  GD_G6_EXACT_UNIT_FACTOR  /* exact guidance with c_t replaced by 1   */
};

/* ------------------------------------------------------------ size plan */

typedef struct
{
  size_t n_points;  /* points per time of the residual and gradient studies */
  size_t g3_inner;  /* RK4 steps of G3's inner flow phi_{t->1} */
  size_t g3_steps;  /* RK4 steps of G3's samplers from t_s to 1 */
  size_t g3_n;      /* particles per G3 block */
  size_t fig_grid;  /* guided-samples: density grid points per axis */
} gd_sizes;

extern const gd_sizes gd_sizes_plan[FC_SIZE_COUNT];

/* -------------------------------------------------------------- setting */

/* An observation setting: a prior of any dimension D observed through
   y = A x1 + N(0, sigma_y^2 I), A (m, D) with 1 <= m <= D (m < D: fewer
   observations than dimensions, the posterior a mixture of degenerate-
   direction Gaussians along the unobserved ones; m = D: square).  */
typedef struct
{
  fc_gmm *prior; /* prepared, owned */
  fc_obs *obs;   /* A (m, D), y (m), sigma_y */
  fc_gmm *post;  /* the exact posterior mixture p(x1|y) */
  size_t dim;    /* D = prior->dim */
} gd_setting;

/* PRIOR (taken over: freed with the setting, also on failure) observed
   with M rows (1 <= M <= D <= GD_DIM_MAX) and noise SIGMA_Y: A's rows
   Gaussian scaled to unit length (so sigma_y is in the units of the data),
   x* from the prior, e ~ N(0, I_m), y = A x* + sigma_y e, all from
   sub-streams of SEED.  The same SEED, M and D give the same A, x* and e
   for every SIGMA_Y (setting.c).  */
int
gd_setting_init_prior (gd_setting *set, fc_gmm *prior, unsigned long seed,
                       size_t m, double sigma_y);

/* The same with the data set named DATA (gd_data_set).  */
int
gd_setting_init_data (gd_setting *set, const char *data, unsigned long seed,
                      size_t m, double sigma_y);

/* The same with the 8gaussians prior (D = 2).  */
int
gd_setting_init (gd_setting *set, unsigned long seed, size_t m,
                 double sigma_y);

/* The data set NAME, prepared: a built-in (fc_module_builtin) or the
   module's own "gmm3d" (a fixed 4-component mixture in D = 3, setting.c);
   NULL when unknown.  */
fc_gmm *
gd_data_set (const char *name);

/* A measurement on a setting SET, with PARAMS of its own, into V.  */
typedef int (*gd_setting_fn) (const fc_run_options *opt,
                              const gd_setting *set, const void *params,
                              fc_verdict *v);

/* FN on the setting of G1-G4: 8gaussians, one row, noise GD_SIGMA_Y, A, x*
   and e from the sub-stream GD_TAG_SETTING.  */
int
gd_on_line_setting (const fc_run_options *opt, gd_setting_fn fn,
                    const void *params, fc_verdict *v);

/* ---------------------------------------------------------------- cases */

/* The data sets of G1, G2, G3 and G7 (issue 11: two data sets, one with
   several rows and fewer than its dimension): 8gaussians observed by one
   row (m = 1 < D = 2, the reference case of the earlier single-setting
   checks, same draws), gmm3d by two (m = 2 < D = 3).  TAG names the case
   in figure names.  */
typedef struct
{
  const char *data, *tag;
  size_t m;
} gd_data_case;

#define GD_NDATA 2
extern const gd_data_case gd_data_cases[GD_NDATA];

/* One case: the setting of data set number DATA under schedule S
   (ONE_SCHEDULE: the claim runs on the linear schedule only).  */
typedef struct
{
  const gd_setting *set;
  size_t data;
  fc_schedule s;
  int one_schedule;
} gd_case;

/* The name PREFIX_TAG_SCHEDULE of a figure of case C into BUF (SIZE),
   e.g. "field_8g_linear"; PREFIX_TAG when the claim runs on one schedule. */
void
gd_case_name (char *buf, size_t size, const char *prefix, const gd_case *c);

/* The seed of sub-stream TAG + 0x10 s + 0x100 data of opt->seed: the
   reference case (8gaussians, linear) keeps TAG's own stream.  */
unsigned long
gd_case_seed (const fc_run_options *opt, unsigned long tag, const gd_case *c);

/* A measurement on case C, with PARAMS of its own, into V.  */
typedef int (*gd_case_fn) (const fc_run_options *opt, const gd_case *c,
                           const void *params, fc_verdict *v);

/* FN on every case: each data set of gd_data_cases (its setting: m rows,
   noise GD_SIGMA_Y, A, x* and e from the sub-stream GD_TAG_SETTING) under
   each of the first NS schedules: FC_SCHEDULE_COUNT (linear, cosine, vp)
   or 1 (linear only).  */
int
gd_on_cases (const fc_run_options *opt, size_t ns, gd_case_fn fn,
             const void *params, fc_verdict *v);

/* 1 for the reference case (the one the figures draw). */
int
gd_case_is_reference (const gd_case *c);

/* One Gaussian with PRIOR's mean and covariance: its posterior given a
   linear-Gaussian observation is one Gaussian, whose Cov[x1|x_t] does not
   depend on x, so the Tweedie-covariance likelihood
   N(y; A x1hat, sigma_y^2 I + A Cov A^T) is p_t(y|x) exactly.  */
fc_gmm *
gd_gaussian_prior_of (const fc_gmm *prior);

/* gd_gaussian_prior_of the 8gaussians.  */
fc_gmm *
gd_gaussian_prior (void);

void
gd_setting_free (gd_setting *set);

/* A buffer of N doubles (at least one). */
double *
gd_alloc (size_t n);

/* N points of p_t(x|y) at time T into X, stream SEED. */
int
gd_post_points (const gd_setting *set, fc_schedule s, double t,
                unsigned long seed, size_t n, double *x);

/* ----------------------------------------------------- residual studies */

/* A density-field pair of the residual studies (residual.c).  */
typedef enum
{
  GD_PAIR_SPLIT = 0, /* p_t(x|y) with u_t + c grad log h_t: the exact
                        guided field (c NAN: c_t)                      */
  GD_PAIR_POSTULATE, /* p_t(x|y) with u_t + c grad log p(y|x)     (G1) */
  GD_PAIR_NOTE       /* h_t(x) with u_t: the note's equation      (G2) */
} gd_pair_kind;

typedef struct
{
  const gd_setting *set;
  fc_schedule s;
  gd_pair_kind kind;
  double c;
} gd_pair;

/* An fc_density_field_fn, PARAMS a gd_pair.  */
int
gd_pair_field (double t, size_t n, const double *x, double *p, double *u,
               void *params);

/* The N points X (n, D) shifted by +-H along each axis into XS
   ((1 + 2D) n, D): block b = 0 the points, b = 1 + 2j + k the points
   shifted by (-1)^k h e_j (the central-difference stencil of G2, G7).  */
void
gd_axis_stencil (size_t d, size_t n, const double *x, double h, double *xs);

/* U += C A^T (y - A x) / sigma_y^2 at the N points X, the gradient of
   log p(y|x1) taken at x1 = x (N §Conditional vector field:
   "u_t + grad_x log p(y|x)"; G1, G7).  */
void
gd_add_likelihood_grad (const fc_obs *o, double c, size_t n, const double *x,
                        double *u);

/* U += C grad log h_t at X (exact h); C NAN means c_t (fc_guide_eval's
   cgrad, finite at alpha = 0).  */
int
gd_add_exact_guidance (const gd_setting *set, fc_schedule s, double t,
                       double c, size_t n, const double *x, double *u);

/* The plan of a residual study NAME in dimension DIM under schedule S.  */
int
gd_study_init (fc_order_study *st, const char *name, size_t dim,
               fc_schedule s);

/* The study NAME of the pair (KIND, C) of case CS (its setting and
   schedule), points of p_t(x|y) from stream SEED; decides ST.  */
int
gd_pair_study (const fc_run_options *opt, const gd_case *cs,
               gd_pair_kind kind, double c, const char *name,
               unsigned long seed, fc_order_study *st);

/* V's note: the range over the cases of rel(h_min) and of the order of
   the studies recorded as PREFIX* (stated form: STATED, described by
   STATED_WHAT; reference: REF, REF_WHAT), those V has.  */
void
gd_note_slots (fc_verdict *v, const char *stated, const char *stated_what,
               const char *ref, const char *ref_what);

/* ------------------------------------------------------ sampler scoring */

/* 1 when every entry of X (n) is finite. */
int
gd_all_finite (size_t n, const double *x);

/* 1 when STATUS is a numerical failure of a field on points that ran off:
   the run diverged.  */
int
gd_diverged (int status);

/* Carry Z (n points of dimension DIM) from T0 to T1 with F into X in STEPS
   RK4 steps; a run that diverged leaves X non-finite.  TRAJ as
   fc_ode_fixed's, or NULL.  */
int
gd_push (fc_velocity_fn f, void *params, double t0, double t1, size_t steps,
         size_t dim, size_t n, const double *z, double *x, double *traj);

/* The band of a mean of NREP block distances against the noise level
   (mean M0, sd S0 over NREP0 exact pairs).  */
double
gd_band (double m0, double s0, size_t nrep, size_t nrep0);

/* The W2 of each of the NREP blocks of X (nrep * n, D) against its own
   exact sample of POST into W (nrep); +inf for all when X is not finite.  */
int
gd_blocks_w2 (const fc_gmm *post, size_t nrep, size_t n, const double *x,
              unsigned long seed, double *w);

/* Mean and sd of W (nrep; sd NAN for one block).  */
void
gd_blocks_mean_sd (size_t nrep, const double *w, double *mean, double *sd);

/* The noise level of POST at N points: fc_compare_w2_noise with the
   module's pairs and directions.  */
int
gd_w2_noise (const fc_gmm *post, size_t n, unsigned long seed, double *mean,
             double *sd);

/* ------------------------------------------- gradient forms (G4, G5) */

/* Relative rms error sqrt(sum |a - e|^2 / sum |e|^2) over N rows of
   width W (approx_gradient.c).  */
double
gd_rel_error (size_t n, size_t w, const double *a, const double *e);

/* Mean angle in degrees between the rows of A and E (n, D). */
double
gd_mean_angle (size_t n, size_t d, const double *a, const double *e);

/* The exact grad_x log p_t(y|x) of SET under schedule S at time T for the
   N points X into GE (n, D) (fc_guide_eval).  */
int
gd_exact_grad (const gd_setting *set, fc_schedule s, double t, size_t n,
               const double *x, double *ge);

/* The covariance of an approximate likelihood: as stated (reconstruction
   sigma_y^2 I + gamma (sigma/alpha)^2 A A^T, Tweedie sigma_y^2 I
   + A Cov[x1|x_t] A^T), or with the time factor (sigma/alpha)^2 dropped
   (sigma_y^2 I + gamma A A^T; sigma_y^2 I + A Cov A^T (alpha/sigma)^2),
   the controls' broken approximation.  */
typedef enum
{
  GD_COV_STATED = 0,
  GD_COV_NO_TIME_FACTOR
} gd_cov_form;

/* The gradient J^T A^T Sigma^{-1} (y - A x1hat) of the approximate
   likelihood KIND (GAMMA for reconstruction) with covariance FORM into GA
   (n, D), and for FORM stated the note's vector Sigma^{-1} (y - A x1hat)
   into NOTE (n, m) when not NULL (m = D only: fc_guide_approx).  */
int
gd_approx_grad (const gd_setting *set, fc_schedule s, double t,
                fc_guide_lik kind, double gamma, gd_cov_form form, size_t n,
                const double *x, double *ga, double *note);

/* The same gradient computed here from the Tweedie moments of
   fc_guide_eval (x1hat, J, Cov) and an m x m Cholesky solve per point
   (fc_guide_approx's formula, any FORM); with WITH_FACTOR times c_t (its
   finite limit at alpha = 0), the guidance term of a sampler.  */
int
gd_formula_grad (const gd_setting *set, fc_schedule s, double t,
                 fc_guide_lik kind, double gamma, gd_cov_form form,
                 int with_factor, size_t n, const double *x, double *ga);

/* Scratch of the gradient studies: points, exact and approximate
   gradients, the note's vector (n, D) each.  */
typedef struct
{
  size_t n, d;
  double *x, *ge, *ga, *nv;
} gd_grad_work;

int
gd_grad_work_alloc (gd_grad_work *w, size_t n, size_t d);

/* Free W, also after a failed gd_grad_work_alloc.  */
void
gd_grad_work_free (gd_grad_work *w);

/* ------------------------------------------------------- figure record */

/* guided-samples: the methods drawn, as indices of G6's method table.  */
#define GD_FIG_NMETHODS 4
extern const size_t gd_fig_methods[GD_FIG_NMETHODS];
/* guided-samples draws the plane of a D = 2 setting.  */
#define GD_FIG_DIM 2
/* guidance-gamma: reconstruction on one third of the steps only; one
   panel per D = 2 configuration of G6 (sigma_y = 0.1 and 1).  */
#define GD_FIG_NWIN 3
#define GD_FIG_NS 2

typedef struct
{
  double sigma_y;
  size_t steps, block_n, nrep;
  size_t window_step[GD_FIG_NWIN + 1]; /* window k: steps [s_k, s_k+1) */
  double window[GD_G4_NG][GD_FIG_NWIN]; /* block 0, W2; +inf diverged */
  double all[GD_G4_NG];       /* block 0 of G6's reconstruction runs */
  double exact_mean, exact_sd; /* G6's exact guidance over its blocks */
  double exact_block0;        /* its block 0, the windows' own start */
  double noise_mean, noise_sd; /* G6's exact-vs-exact level */
  double band;                /* G6's band of the mean of the blocks */
} gd_fig_gamma;

typedef struct
{
  /* guidance-residual: G1's studies, the exact guided field's, G2's. */
  int have_g1, have_g2;
  fc_order_study exact_field, unit, best, note, corrected;
  /* guided-samples: G6's runs of its first configuration (D = 2). */
  fc_gmm *post;               /* that posterior (owned) */
  double a[GD_FIG_DIM], y;    /* the observation row and value */
  double sigma_y;
  size_t n_samples, steps;
  double *samples[GD_FIG_NMETHODS]; /* (n_samples, D) each, owned */
  /* guidance-gamma: one per D = 2 configuration of G6. */
  int have_gamma;
  gd_fig_gamma gamma[GD_FIG_NS];
} gd_figures;

/* ------------------------------------------------------------- the parts */

fc_check_fn gd_check_g1, gd_check_g2, gd_check_g3, gd_check_g4, gd_check_g5,
  gd_check_g6;
fc_check_fn gd_check_g7;

/* Method K of G6's table (exact, reconstruction gamma_0..4, Tweedie) as a
   guided field of SET; NULL on failure.  */
#define GD_G6_NM (GD_G4_NG + 2)
fc_guide_field *
gd_g6_field (const gd_setting *set, size_t k);
const char *
gd_g6_method_label (size_t k);

/* A guided field of G6's controls (guided_field.c): u_t of the prior plus
   c_t J^T A^T Sigma^{-1} (y - A x1hat) with the covariance KIND, GAMMA,
   FORM (gd_formula_grad), or with EXACT_UNIT u_t + grad log h_t (exact h,
   c_t replaced by 1); linear schedule.  */
typedef struct
{
  const gd_setting *set;
  fc_guide_field *prior; /* FC_GUIDE_NONE: u_t of the prior, owned */
  fc_guide_lik kind;
  double gamma;
  gd_cov_form form;
  int exact_unit;
  double *scratch;       /* (cap) the guidance term */
  size_t cap;
} gd_guided;

int
gd_guided_init (gd_guided *f, const gd_setting *set, fc_guide_lik kind,
                double gamma, gd_cov_form form, int exact_unit);

void
gd_guided_free (gd_guided *f);

/* An fc_velocity_fn, PARAMS a gd_guided.  */
int
gd_guided_velocity (double t, size_t n, const double *x, double *u,
                    double *div, void *params);

/* G6's share of the figures (sampling_figures.c), when opt->figures is
   set: method K's block 0 (N points X, its W2 W2_BLOCK0) for the panel
   PANEL of guidance-gamma and, for panel 0, guided-samples; the
   observation and posterior of SET (taken over) for guided-samples; the
   windowed runs of panel PANEL from the exact run's trajectory TRAJ of
   NT points.  */
int
gd_g6_figure_method (const fc_run_options *opt, const gd_setting *set,
                     int panel, size_t k, size_t n, const double *x,
                     double w2_block0);
void
gd_g6_figure_keep (const fc_run_options *opt, gd_setting *set, size_t steps);
int
gd_g6_figure_windows (const fc_run_options *opt, const gd_setting *set,
                      int panel, const double *traj, size_t nt,
                      unsigned long seed);

int gd_write_figures (const fc_run_options *opt, const void *record);
void gd_free_figures (void *record);

#endif /* FC_GUIDANCE_INTERNAL_H */
