/* derivations/score/score_internal.h -- what the parts of module `score`
 * share (S1-S6, N §Going through the diffusion ODE; reversed convention):
 * the size plan, the times and steps of the order studies, the Monte Carlo
 * decision levels, the random streams, the control variants, the figure
 * record, and the data sets and helpers of data.c.  Private to the folder.
 *
 * The reversed path x_r = (1 - r) x0 + r x1 (data x0 at r = 0, noise x1 at
 * r = 1) is the canonical linear path (fc_path.h) at t = 1 - r with the
 * roles of x0 and x1 swapped, so every exact quantity comes from fc_path at
 * 1 - r (score.c lists the correspondence).  */
#ifndef SC_SCORE_INTERNAL_H
#define SC_SCORE_INTERNAL_H

#include <stddef.h>

#include "fc_compare.h"
#include "fc_gmm.h"
#include "fc_module.h"
#include "fc_obs.h"
#include "fc_schedule.h"
#include "fc_study.h"
#include "fc_verdict.h"

/* ------------------------------------------------------------ sizes */

#define SC_DIM_MAX 3 /* the random full-covariance mixture */

/* Problem sizes (FC_SIZES): the full run and the quick one of the tests.  */
typedef struct
{
  size_t n_points;    /* points per time of an order study */
  size_t pw_n_times;  /* S2, S4: random times (besides the endpoint) */
  size_t pw_n_points; /* S2, S4: points per time */
  size_t n_two;       /* points per side of a two-sample test: the
                         permutations cost (2 n)^2 / 2 additions each */
  size_t sde_n;       /* S3: Euler-Maruyama particles */
  size_t flow_n;      /* S5, S6: particles of a guided flow */
  size_t fig_bins;    /* S3 figure: bins of the histograms of S3's own
                         1-D samples (sde_n of them: about 65 a bin at the
                         full size, 20 at the quick one) */
  size_t s7_n;        /* S7: particles of each deciding simulation */
  size_t s7_steps;    /* S7: Euler-Maruyama steps over [0, 0.75] */
  size_t s7_grid_n;   /* S7: particles of each reported grid case */
} sc_sizes;

extern const sc_sizes sc_sizes_plan[FC_SIZE_COUNT];

/* ------------------------------------------------------- order studies */

/* Times of the order studies and of the SDE marginals: reversed r for S1,
   S3 and S5, canonical t for S6.  All have t +- h_max in (0, 1).  */
#define SC_NT 3
extern const double sc_times[SC_NT];

/* Steps h_k = SC_H_MAX 2^-k, k < SC_NH: 0.04 .. 0.0025, as the continuity
   module (its round-off argument holds here too).  */
#define SC_NH 5
#define SC_H_MAX 0.04

/* Order band floor: the fitted slope of c2 h^2 + c4 h^4 is off 2 by about
   (h_max/ell)^2, ell the shortest scale of p (fc_path_field_scale).  At
   the times above ell = 0.1875 for linear, 0.225 for cosine and 0.133 for
   vp (t = 0.25), so the deviation is at most (0.04/0.133)^2 = 0.09 < 0.1.
   fc_order_study_verdict adds the spread of the local orders.  */
#define SC_ORDER_FLOOR 0.1

/* --------------------------------------------------- Monte Carlo levels */

/* A family of M moment z-scores is judged at Bonferroni's
   |z| <= Qinv(SC_MC_ALPHA / (2 M)) (fc_compare_z_band): a false alarm of
   the whole family has probability at most 1e-4 with the fixed seed (4.3
   for M = 4, 4.7 for M = 18).  Two-sample tests: a family of M permutation
   tests rejects when some p-value < SC_TS_ALPHA / M (family level 5%); the
   permutation counts let the smallest attainable p-value, 1/(1 + n_perm),
   fall below that level (0.005 < 0.05/6, the largest family).  */
#define SC_MC_ALPHA 1e-4
#define SC_TS_ALPHA 0.05
#define SC_NPERM 199
/* Sliced W2: directions, and pairs of exact samples measuring its noise;
   the pushed-vs-exact distance must be within SC_W2_Z (5) of their
   spread.  */
#define SC_NPROJ 64
#define SC_W2_NREP 8
#define SC_W2_Z 5.0

/* ------------------------------------------------------------- streams */

/* Sub-streams of opt->seed (fc_module_seed), one per study.  */
enum
{
  SC_TAG_S1 = 0x51000,
  SC_TAG_S2 = 0x52000,
  SC_TAG_S3 = 0x53000,
  SC_TAG_S4 = 0x54000,
  SC_TAG_S5 = 0x55000,
  SC_TAG_S6 = 0x56000,
  SC_TAG_S7 = 0x57000,
  SC_TAG_DATA = 0x5D000
};

/* ------------------------------------------------------------ controls */

/* The change a control makes (fc_control.variant); score.c states each
   one's size and why the check must flip.  */
typedef enum
{
  SC_AS_STATED = 0,
  SC_S1_SCORE_SCALED = 1,  /* E[-x1/r | x_r] times 1 + SC_S1_CONTROL_DELTA */
  SC_S2_RHS_SCALED,        /* ((1-r) nu - x)/r times 1 + 8 bands */
  SC_S3_NO_DENOMINATOR,    /* g^2 = 2r instead of 2r/(1-r) */
  SC_S3_DIFFUSION_SCALED,  /* g^2 times 1 + SC_S3_CONTROL_DELTA */
  SC_S3_COARSE_STEPS,      /* Euler-Maruyama with SC_S3_COARSE steps */
  SC_S4_G2_SCALED,         /* g^2 in the drift times 1 + 8 bands */
  SC_S5_FACTOR_ONE,        /* r/(1-r) replaced by 1 */
  SC_S5_NO_GUIDANCE,       /* r/(1-r) replaced by 0 */
  SC_S5_FEW_STEPS,         /* the flow in SC_FLOW_FEW_STEPS RK4 steps */
  SC_S6_FACTOR_ONE,        /* (1-t)/t replaced by 1 */
  SC_S6_NO_GUIDANCE,       /* (1-t)/t replaced by 0 */
  SC_S6_FEW_STEPS,         /* the flow in SC_FLOW_FEW_STEPS RK4 steps */
  SC_S7_ODE_ONLY,          /* the note's form at c = 1, gamma = 0 */
  SC_S7_SCORE_HALVED,      /* corrected SDE with gamma^2/4 grad log p_t */
  SC_S7_COARSE_STEPS       /* Euler-Maruyama with SC_S7_COARSE steps */
} sc_variant;

/* --------------------------------------------------------- figure record */

/* What the S3 check measures for score-sde-marginals.dat: Euler-Maruyama
   samples of the S3 SDE from the 1-D mixture histogrammed at the times
   sc_times, beside the exact p_r at the bin centres.  */
typedef struct
{
  int filled;      /* 1 once S3 stored its figure data */
  size_t n;        /* particles */
  size_t steps;    /* Euler-Maruyama steps over [0, t1] */
  double t1;
  size_t n_bins;
  double box;      /* the bins cover [-box, box] */
  size_t outside;  /* samples outside it, over the times */
  double *hist;    /* (n_bins, SC_NT) histogram densities */
  double *exact;   /* (n_bins, SC_NT) p_r at the bin centres */
} sc_figures;

/* The centre of bin B of the figure record F.  */
static inline double
sc_figure_bin_centre (const sc_figures *f, size_t b)
{
  double w = 2.0 * f->box / (double) f->n_bins;
  return -f->box + ((double) b + 0.5) * w;
}

/* The figure writer (figures.c).  */
int
sc_write_figures (const fc_run_options *opt, const void *record);
void
sc_free_figures (void *record);

/* --------------------------------------------------------- data (data.c) */

/* A skewed, trimodal 1-D mixture: three well separated modes at r = 0.25
   that merge into one skewed bump by r = 0.75 (S3 and its figure).  */
fc_gmm *
sc_mixture_1d (void);

/* A random full-covariance mixture in D = 3, 4 components, covariance
   eigenvalues in [0.05, 0.5]: condition number at most SC_RANDOM_COND.  */
#define SC_RANDOM_COND 10.0
fc_gmm *
sc_mixture_random (const fc_run_options *opt);

/* The exact law of x_r = (1-r) x0 + r x1: the mixture of the
   (1-r) x0 + N(0, r^2 I), x0 ~ G.  */
fc_gmm *
sc_marginal (const fc_gmm *g, double r);

/* The exact marginal p_t of the canonical path of data G under schedule S
   (x_t = alpha_t x1 + sigma_t x0, x0 ~ N(0, I)).  */
fc_gmm *
sc_marginal_canonical (const fc_gmm *g, fc_schedule s, double t);

/* The weak bias of a scheme's moments in standard errors of N samples of
   the exact law P: per coordinate, FACTOR |MH - MO| against the standard
   error of a sample mean and FACTOR |VH - VO| against that of a sample
   variance (exact fourth moments), MH, VH (D) the means and variances at
   step h, MO, VO at another step (FACTOR 2 for h/2, 1 for 2h: the bias
   of a first-order scheme is c h).  *BIAS_Z becomes the largest of its
   value and these.  */
int
sc_bias_z (const fc_gmm *p, size_t n, double factor, const double *mh,
           const double *vh, const double *mo, const double *vo,
           double *bias_z);

/* An fc_study_points_fn: draws of x_r, i.e. of the canonical path at
   t = 1 - r (PARAMS an fc_path_field_source).  */
int
sc_points_reversed (double r, unsigned long seed, size_t n, double *x,
                    void *params);

/* Init the order study ST named NAME of points of dimension DIM at the
   times sc_times, with the shortest scale of p over the reversed times
   (canonical 1 - r) when REVERSED, else of schedule S at t.  */
int
sc_study_init (fc_order_study *st, const char *name, size_t dim, int reversed,
               fc_schedule s);

/* Compare the N samples X (n, D) with the exact mixture G (fc_compare):
   moment z-scores, a two-sample test on the first n_two of them, and, when
   WITH_W2, the sliced W2 against its noise level.  */
int
sc_compare (const fc_run_options *opt, const fc_gmm *g, size_t n,
            const double *x, int with_w2, unsigned long seed,
            fc_compare_result *c);

/* ----------------------------------- guided fields (guided_common.c) */

/* A prior, an observation y = A x + N(0, sigma_y^2 I) of a draw x of it
   with A (m, D) of independent N(0, 1/D) entries (m < D), and the exact
   posterior (fc_gmm_condition): problem 0 is the 8gaussians prior with one
   observed value, problem 1 the random 3-D mixture with two.  */
#define SC_SIGMA_Y 0.3
#define SC_NPROBLEMS 2

typedef struct
{
  fc_gmm *prior;
  fc_obs *obs;
  fc_gmm *post;
  const char *name;
} sc_problem;

/* Both problems, problem i from stream fc_module_seed (opt, TAG + i); on
   failure none is left allocated.  */
int
sc_problems_init (const fc_run_options *opt, unsigned long tag,
                  sc_problem pb[SC_NPROBLEMS]);
void
sc_problems_free (sc_problem pb[SC_NPROBLEMS]);

/* grad_x log p_t(y | x) (canonical t, schedule S) of problem PB into GRAD
   (n, D), and its limit c_t grad into CGRAD when not NULL (fc_guide.h). */
int
sc_guide_grad (const sc_problem *pb, fc_schedule s, double t, size_t n,
               const double *x, double *grad, double *cgrad);

/* Samples by a guided flow: sizes and the integration error allowed.  RK4
   with SC_FLOW_STEPS steps.  A run with half the steps from the same
   starting points estimates the error of each particle by Richardson: RK4
   errs by e(N/2) = 16 e(N), so e(N) = |x_N - x_{N/2}| / 15.  The largest
   must stay below SC_ODE_FRACTION standard errors of a sample mean, so
   that it moves no moment z-score by more than that fraction.  The
   few_steps controls integrate with SC_FLOW_FEW_STEPS steps: their
   Richardson error is above that level, and the comparison decides
   nothing.  */
#define SC_FLOW_STEPS 48
#define SC_FLOW_FEW_STEPS 4
#define SC_ODE_FRACTION 0.1

typedef struct
{
  fc_compare_result c;
  double ode_err;   /* largest |x_N - x_{N/2}| / 15 over particles */
  double ode_tol;   /* SC_ODE_FRACTION * the smallest standard error */
  double z_band;    /* Bonferroni band over the 2 D moment z-scores */
} sc_flow_result;

/* Compare the N flow samples X (n, D), XH the same particles carried with
   half the steps, with the posterior of PB (streams of SEED, 1), into FR,
   with the bands they are judged against.  */
int
sc_flow_judge (const fc_run_options *opt, const sc_problem *pb, size_t n,
               const double *x, const double *xh, unsigned long seed,
               sc_flow_result *fr);

/* The figures of FR into V, and a progress line: the largest moment
   z-score, the sliced W2 and the two-sample p-value decide (HOLDS: no
   statistic tells the samples from the posterior), each only when the
   integration error is negligible (ode_error, VALID); the mean and
   variance z-scores and the W2 noise level are reported.  */
void
sc_flow_record (const fc_run_options *opt, fc_verdict *v,
                const sc_flow_result *fr);

/* A guided-field claim (S5, S6): order studies on the problems, then
   flow samples of problem 0.  */
typedef struct
{
  unsigned long tag; /* the claim's stream tag: problems from TAG + 10,
                        samples from TAG + 20 */
  size_t n_studies;  /* at most SC_GUIDED_MAX_STUDIES */
  size_t n_decide;   /* the first n_decide studies decide (HOLDS), with the
                        samples; the others are reported */
  int few_steps;     /* the variant that integrates the samples with
                        SC_FLOW_FEW_STEPS steps */
  /* Study I on the problems PB into ST.  */
  int (*study) (const fc_run_options *opt, const sc_problem *pb, size_t i,
                int variant, fc_order_study *st);
  /* The samples of problem PB carried in STEPS steps, streams from SEED,
     into FR.  */
  int (*samples) (const fc_run_options *opt, const sc_problem *pb,
                  int variant, size_t steps, unsigned long seed,
                  sc_flow_result *fr);
  /* The verdict's note from the studies and the samples.  */
  void (*note) (fc_verdict *v, const fc_order_study *st,
                const sc_flow_result *fr);
} sc_guided_plan;

#define SC_GUIDED_MAX_STUDIES 8

/* The check of PLAN (or of its control, as OPT says): both problems, the
   studies and the samples, recorded into V (the first n_decide studies and
   the samples decide).  */
int
sc_guided_check (const fc_run_options *opt, fc_verdict *v,
                 const sc_guided_plan *plan);

/* --------------------------------------------------------------- checks */

fc_check_fn sc_check_s1, sc_check_s2, sc_check_s3, sc_check_s4, sc_check_s5,
  sc_check_s6, sc_check_s7;

#endif /* SC_SCORE_INTERNAL_H */
