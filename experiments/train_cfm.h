/* experiments/train_cfm.h -- what the parts of experiments/train-cfm share
 * (issue 13, "The experiment"; the program's description is in
 * train-cfm.c).
 *
 *   train-cfm.c          main, one run, the summary line, --samples
 *   train_cfm_args.c     options and --help
 *   train_cfm_data.c     the laws: mixtures (built-ins, spec files, the
 *                        standard Gaussian) and point generators (torchcfm's
 *                        moons, the s-curve), seeded draws, the mixture view
 *                        the exact field needs
 *   train_cfm_exact.c    the closed-form marginal field of the path
 *   train_cfm_train.c    the methods (icfm, otcfm, fm): pairs, x_t, targets,
 *                        the training loop
 *   train_cfm_eval.c     sampling (Euler, adaptive), path energy, W2, NPE
 *   train_cfm_table.c    the --table sweep and its files  */
#ifndef TC_TRAIN_CFM_H
#define TC_TRAIN_CFM_H

#include <stddef.h>
#include <stdio.h>

#include "fc_gmm.h"
#include "fc_ode.h"

#define TC_NAME "train-cfm"
#define TC_SEED_DEFAULT 20240501UL
#define TC_DIM_MAX 64

/* Tong et al. (TMLR 2024) 2-D protocol, §5.1 and their appendix: MLP 3 x 64
   SELU, AdamW lr 1e-3 weight decay 1e-5, batch 512, sigma 0.1, 20,000
   steps; evaluation on 1,000 points, Euler with 100 steps.  */
#define TC_WIDTH 64
#define TC_HIDDEN 3
#define TC_LR 1e-3
#define TC_WEIGHT_DECAY 1e-5
#define TC_BATCH 512
#define TC_SIGMA 0.1
#define TC_STEPS 20000
#define TC_N_SAMPLES 1000
#define TC_EULER_STEPS 100
/* Local error control of the adaptive solver (fc_ode_adaptive, rk8pd),
   absolute and relative, on x and on the accumulated path energy.  */
#define TC_ADAPTIVE_TOL 1e-5
/* Points of an empirical sample standing for a point generator in the
   exact field (one mixture component per point).  */
#define TC_EXACT_POINTS 1000

/* Stream tags under the user seed (fc_rng.h): every random object draws
   from its own stream.  */
enum
{
  TC_TAG_INIT = 1,          /* network initialisation (+ layer) */
  TC_TAG_EXACT_SOURCE = 64, /* empirical sample of a generator, source */
  TC_TAG_EXACT_TARGET = 65, /* the same, target */
  TC_TAG_EVAL_SOURCE = 66,  /* the n source points that are pushed */
  TC_TAG_EVAL_TARGET = 67,  /* n fresh target points */
  TC_TAG_EVAL_FLOOR = 68,   /* n more fresh target points (the floor) */
  TC_TAG_TRAIN = 1 << 20    /* + step: the batch of one training step */
};

typedef enum
{
  TC_ICFM = 0, /* independent coupling, x_t = (1-t) x0 + t x1 + sigma eps */
  TC_OTCFM,    /* the same path, pairs from the exact minibatch OT coupling */
  TC_FM,       /* Lipman et al.: x_t = t x1 + (1 - (1 - sigma) t) x0 */
  TC_EXACT,    /* no network: the closed-form field of the icfm path */
  TC_EXACT_FM, /* no network: the closed-form field of the fm path */
  TC_METHOD_COUNT
} tc_method;

extern const char *const tc_method_names[TC_METHOD_COUNT];

/* A law to draw from: a mixture, or one of the point generators.  */
typedef enum
{
  TC_LAW_MIXTURE = 0,
  TC_LAW_MOONS,   /* torchcfm's sample_moons */
  TC_LAW_SCURVE   /* the s-curve of Tong et al.'s runner */
} tc_law_kind;

typedef struct
{
  tc_law_kind kind;
  char name[128];
  fc_gmm *gmm; /* TC_LAW_MIXTURE: prepared */
  int gaussian; /* the standard Gaussian (what fm needs as source) */
} tc_law;

typedef struct
{
  const char *source, *target; /* names or spec files */
  tc_method method;
  unsigned long seed;
  size_t steps, n_samples, batch, threads, exact_points;
  double sigma;
  const char *samples;   /* --samples FILE or NULL */
  int table;             /* --table */
  const char *out_dir;   /* --out DIR of --table */
  size_t seeds;          /* --seeds of --table */
  unsigned problems;     /* --problems of --table: bit p = problem p */
  int progress;          /* progress lines on stderr */
} tc_opts;

/* One run's results.  */
typedef struct
{
  double w2_euler, npe_euler;       /* Euler, TC_EULER_STEPS steps */
  double w2_adaptive, npe_adaptive; /* fc_ode_adaptive */
  double energy_euler, energy_adaptive; /* int E|v|^2 dt along the paths */
  double w2sq_ot;        /* W2^2(source points, fresh target points) */
  double w2_floor;       /* W2 between two fresh target samples of n */
  double train_seconds, seconds_per_step;
  double final_loss;     /* mean of the last 1% of the steps' losses */
  size_t n_evals_adaptive;
} tc_result;

/* ------------------------------------------------------------ options */
void tc_parse (int argc, char **argv, tc_opts *o);

/* ---------------------------------------------------------------- laws */
/* NAME: "gaussian", a built-in of fc_spec (8gaussians, moons, ...,
   tcfm-8gaussians), "tcfm-moons", "scurve", or a spec file.  0, or
   exit 2 with a message naming OPT on failure (a usage error).  */
void tc_law_load (const char *opt, const char *name, tc_law *law);
void tc_law_free (tc_law *law);
size_t tc_law_dim (const tc_law *law);

/* N draws X (n, D) of LAW from stream (SEED, STREAM).  GSL status.  */
int tc_law_sample (const tc_law *law, unsigned long seed,
                   unsigned long stream, size_t n, double *x);

/* The law as a mixture for the exact field: the mixture itself, or an
   empirical sample of N_POINTS draws (stream (SEED, STREAM)) as point
   masses.  A new prepared fc_gmm, or NULL.  */
fc_gmm *tc_law_mixture (const tc_law *law, unsigned long seed,
                        unsigned long stream, size_t n_points);

/* The names of the point generators, NULL-terminated (for --help).  */
extern const char *const tc_generator_names[];

/* ------------------------------------------------------- exact field */
/* The path x_t = a(t) x0 + b(t) x1 + c(t) eps of independent x0 ~ SOURCE,
   x1 ~ TARGET, eps ~ N(0, I), and its marginal field
   u_t(x) = E[a' x0 + b' x1 | x_t = x] (icfm: a = 1 - t, b = t, c = sigma;
   fm: a = 1 - (1 - sigma) t, b = t, c = 0).  */
typedef struct tc_exact tc_exact;

tc_exact *tc_exact_alloc (const fc_gmm *source, const fc_gmm *target,
                          int fm_path, double sigma);
void tc_exact_free (tc_exact *e);

/* An fc_velocity_fn; PARAMS a tc_exact; DIV must be NULL.  */
int tc_exact_velocity (double t, size_t n, const double *x, double *u,
                       double *div, void *params);

/* --------------------------------------------------------- evaluation */
/* Push n source points (stream TC_TAG_EVAL_SOURCE) through the field F
   with Euler and with the adaptive solver; W2 against n fresh target
   points (TC_TAG_EVAL_TARGET), path energies, NPE.  GEN (n, D) receives
   the Euler samples when not NULL.  */
int tc_evaluate (fc_velocity_fn f, void *params, const tc_law *source,
                 const tc_law *target, unsigned long seed, size_t n,
                 tc_result *r, double *gen);

/* ------------------------------------------------------------- training */
/* Train a network for the method of O on SOURCE -> TARGET and evaluate it
   (or, for the exact methods, evaluate the closed-form field).  */
int tc_run (const tc_opts *o, const tc_law *source, const tc_law *target,
            tc_result *r, double *gen);

/* --------------------------------------------------------------- table */
int tc_table (const tc_opts *o);

/* The cells of --table (issue 16; fc_cells.h): --list-cells, --cells I/N,
   --cell ID under CO (one cell per problem, method and seed), and
   --merge DIR.  GSL status.  */
#include "fc_cells.h"
int tc_table_cells (const tc_opts *o, const fc_cells_opts *co, int argc,
                    char **argv);
int tc_table_merge (const char *dir);

/* The one-line summary of a run on OUT.  */
void tc_print_summary (FILE *out, const tc_opts *o, const tc_law *source,
                       const tc_law *target, const tc_result *r);

#endif /* TC_TRAIN_CFM_H */
