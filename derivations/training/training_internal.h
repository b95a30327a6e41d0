/* derivations/training/training_internal.h -- what the parts of module
 * `training` share (L "Warmup: normalizing flow", "Flow matching:
 * algorithms", "Diffusion vs Flow"; N §Ordinary diferential equation;
 * claims T1-T4), private to the folder.
 *
 *   training.c       the claim table with its controls, the size plan and
 *                    the figure list
 *   flow_density.c   T1: change of variables for a composition of
 *                    invertible layers (fc_flow.h)
 *   learn.c          T2: the flow-matching training algorithm with a
 *                    network (fc_mlp.h) against the exact field
 *   logp_ode.c       T4: d log p_t(x_t)/dt = -div u_t along the exact
 *                    field's trajectories, and Hutchinson's estimator
 *   steps.c          T3: steps to a given accuracy, linear, cosine and vp
 *                    schedules, Euler and RK4, exact fields
 *   figures.c        training-field, training-budget, steps-to-accuracy
 *                    and hutchinson from the record the checks fill  */
#ifndef FC_TRAINING_INTERNAL_H
#define FC_TRAINING_INTERNAL_H

#include <stddef.h>
#include "fc_module.h"
#include "fc_ode.h"
#include "fc_rng.h"
#include "fc_schedule.h"

/* The largest data dimension of T3 and T4 (their per-point arrays live on
   the stack).  */
#define TR_MAX_DIM 16

/* -------------------------------------------------------- the controls */

enum
{
  TR_CLAIM = 0,
  TR_T1_DROPPED_LOGDET = 1, /* the first linear layer's log |det| left out */
  TR_T1_WRONG_ORDER,        /* inverses composed as g_L o ... o g_1 */
  TR_T4_SCALED_DIV,         /* -div u (1 + TR_T4_DIV_PERTURB) integrated */
  TR_T4_SCALED_PROBES,      /* probes scaled by sqrt(1 + TR_T4_PROBE_PERTURB) */
  TR_T3_SWAPPED,            /* the linear and vp schedules exchanged */
  TR_T2_FROZEN,             /* the optimiser's learning rate 0 */
  TR_T3_RK4_ONLY            /* T3 restated for RK4 (Euler not run) */
};

/* T4's perturbations: the log-density change misses by 1e-3 of the
   integral of div (far above the RK4 error at the finest step); the
   probes' second moment 1 + 0.1 biases the mean by 0.1 tr J and the
   variance by 21%, many standard errors at the quick sizes.  */
#define TR_T4_DIV_PERTURB 1e-3
#define TR_T4_PROBE_PERTURB 0.1

/* ------------------------------------------------------- the size plan */

typedef struct
{
  size_t t1_n;      /* pushed samples of T1's histogram */
  size_t t1_bins;   /* cells per axis of T1's histogram */
  size_t t4_paths;  /* ODE paths of T4's log-density study */
  size_t t4_points; /* (x, t) points of T4's Hutchinson study */
  size_t t4_probes; /* probes per point and kind */
  size_t t3_particles; /* particles of T3's end-point error */
  size_t t3_dim;    /* dimension of T3's higher-dimensional data set */
  size_t t2_budget[3]; /* T2's training budgets (steps), increasing */
  size_t t2_batch;  /* T2's batch */
  size_t t2_width;  /* T2's hidden width (three hidden layers) */
  size_t t2_eval;   /* T2's evaluation points per time */
  size_t t2_samples; /* T2's generated and data points of each W2 */
  size_t t2_ode_steps; /* RK4 steps of T2's sampling */
} tr_sizes;

extern const tr_sizes tr_size_plan[FC_SIZE_COUNT];

/* Sub-streams of opt->seed, one per study.  */
enum
{
  TR_TAG_T1 = 0x7A100, /* + 0 flow, + 1 samples, + 2 pilot (grid and quadrature) */
  TR_TAG_T4 = 0x7A400, /* + 0 paths, + 1 points, + 2 probes, + 3 data */
  TR_TAG_T3 = 0x7A300, /* + 0 particles, + 1 data, + 2 bootstrap */
  TR_TAG_T2 = 0x7A200  /* + 0 batches' x0 and t, + 1 init, + 2 evaluation
                          points, + 3 floor, + 4 W2 data, + 5 batches' x1,
                          + 6 sampling x0 */
};

/* T1: the flow (couplings and the heads' scale), the quadrature and the
   histogram test's level.  */
#define TR_T1_COUPLINGS 3
#define TR_T1_SCALE 1.0
#define TR_T1_QUAD_REL 1e-8
#define TR_T1_QUAD_LIMIT 200
#define TR_T1_ALPHA 1e-3
/* Gauss-Legendre nodes per axis of a histogram cell.  */
#define TR_T1_CELL_NODES 16

/* T4: the RK4 step ladder of the log-density study, the family level of
   the Hutchinson z-scores.  */
#define TR_T4_NLADDER 5
extern const size_t tr_t4_ladder[TR_T4_NLADDER];
#define TR_T4_ALPHA 1e-3

/* T3: schedules, methods, data sets, the step ladder and the targets.  */
#define TR_T3_NSCHED 3 /* linear, cosine, vp */
#define TR_T3_NMETH 2  /* Euler, RK4 */
#define TR_T3_NDATA 3  /* 8gaussians, moons, a random mixture in t3_dim */
#define TR_T3_NLADDER 21
extern const size_t tr_t3_ladder[TR_T3_NLADDER];
#define TR_T3_NTARGET 2
extern const double tr_t3_targets[TR_T3_NTARGET];
extern const char *const tr_t3_data_names[TR_T3_NDATA];

/* T2: budgets, times, optimiser (Tong et al.: AdamW, lr 1e-3, weight
   decay 1e-5), pairs of the W2 floor.  */
#define TR_T2_NB 3
#define TR_T2_NT 3
extern const double tr_t2_times[TR_T2_NT]; /* 1/4, 1/2, 3/4 */
#define TR_T2_LR 1e-3
#define TR_T2_WD 1e-5
#define TR_T2_FLOOR_PAIRS 12

/* ------------------------------------------------------- the parts */

fc_check_fn tr_check_t1, tr_check_t2, tr_check_t3, tr_check_t4;

/* The data set D of T3 (0, 1: built-ins; 2: a random mixture in DIM
   dimensions from SEED), prepared; NULL on failure.  */
fc_gmm *
tr_t3_data (size_t d, size_t dim, unsigned long seed);

/* ------------------------------------------------- the figure record */

/* training-field (T2): a TR_FIELD_GRID^2 grid on [-box, box]^2.  */
#define TR_FIELD_GRID 15
#define TR_FIELD_BOX 4.0

/* hutchinson (T4): the spread of the mean of k probes, k = 1, 2, 4, ...,
   measured and predicted, for Gaussian and Rademacher probes at one
   point.  */
#define TR_HUTCH_NK 9

typedef struct
{
  int hutch_done, steps_done;
  double hutch_t, hutch_div;
  double hutch_k[TR_HUTCH_NK];
  double hutch_sd[2][TR_HUTCH_NK];   /* measured: Gaussian, Rademacher */
  double hutch_pred[2][TR_HUTCH_NK]; /* predicted sd / sqrt(k) */
  /* steps-to-accuracy (T3): relative RMS end-point error per ladder step,
     and the interpolated steps to each target.  */
  double steps_err[TR_T3_NDATA][TR_T3_NSCHED][TR_T3_NMETH][TR_T3_NLADDER];
  double steps_to[TR_T3_NDATA][TR_T3_NSCHED][TR_T3_NMETH][TR_T3_NTARGET];
  /* training-budget and training-field (T2).  */
  int train_done;
  double budget_steps[TR_T2_NB], budget_err[TR_T2_NB], budget_se[TR_T2_NB];
  double budget_w2[TR_T2_NB], budget_err_t[TR_T2_NB][TR_T2_NT];
  double budget_floor, budget_floor_sd;
  double field_x[TR_FIELD_GRID * TR_FIELD_GRID * 2];
  double field_learned[TR_T2_NT][TR_FIELD_GRID * TR_FIELD_GRID * 2];
  double field_exact[TR_T2_NT][TR_FIELD_GRID * TR_FIELD_GRID * 2];
} tr_figures;

int
tr_write_figures (const fc_run_options *opt, const void *record);

#endif /* FC_TRAINING_INTERNAL_H */
