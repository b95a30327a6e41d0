/* experiments/posterior_gmm.h -- what the parts of experiments/posterior-gmm
 * share (claim G6; the program's description is in posterior-gmm.c).
 *
 *   posterior-gmm.c          main, the run over configurations, the table
 *                            and the data file
 *   posterior_gmm_args.c     options, sizes and --help
 *   posterior_gmm_problem.c  priors, observations, exact posteriors, seeds
 *   posterior_gmm_score.c    the methods' samples, the noise level, the
 *                            step control and the scores  */
#ifndef PG_POSTERIOR_GMM_H
#define PG_POSTERIOR_GMM_H

#include <math.h>
#include <stddef.h>

#include "fc_gmm.h"
#include "fc_guide.h"
#include "fc_obs.h"

#define PG_NAME "posterior-gmm"
#define PG_FILE "posterior-gmm.dat"
#define PG_SEED_DEFAULT 20240501UL
#define PG_LIST_MAX 16
#define PG_DIM_MAX 1000      /* d^2 K doubles per mixture stay small */
#define PG_PROJ 256          /* sliced W2 directions */
#define PG_NOISE_SEEDS 16    /* replicates of the noise level (at least) */
#define PG_NOISE_Z 3.0       /* standard errors of the "at noise level" band */
#define PG_CHECK_N 128       /* particles of the step control */
#define PG_STEP_TOL 0.1      /* step control: W2(K, 2K) <= 0.1 max(noise, W2) */
#define PG_STEP_CAP 4        /* step control: K at most 4 times --steps */

/* Stream tags under the user seed: each random object of the study draws
   from its own stream, keyed by what it depends on (never by a position in
   a filtered list), so a run restricted with --dims, --sigmas or --priors
   reproduces the rows of the full run.  */
enum
{
  PG_TAG_PROJ = 1,        /* the sliced-W2 directions */
  PG_TAG_RANDOM = 100,    /* + d: the random prior */
  PG_TAG_PROBLEM = 10000, /* + 2 (d + 1000 m) + prior: A, e and x* */
  PG_TAG_REPLICATE = 1 << 24 /* + ((prior * 1001 + d) * 64 + r) * 4 + use */
};

enum
{
  PG_USE_START = 0, /* starting points of every method */
  PG_USE_EXACT_A,   /* the exact posterior sample methods are scored on */
  PG_USE_EXACT_B    /* the second exact sample, for the noise level */
};

typedef enum
{
  PG_PRIOR_GRID = 0,
  PG_PRIOR_RANDOM,
  PG_PRIOR_COUNT
} pg_prior;

extern const char *const pg_prior_names[PG_PRIOR_COUNT];

/* The methods compared, in table order; gamma is NaN when not used.  */
typedef struct
{
  fc_guide_method method;
  double gamma;
} pg_method;

#define PG_N_METHODS 7
extern const pg_method pg_methods[PG_N_METHODS];

typedef struct
{
  int quick;
  unsigned long seed;
  const char *out_dir;
  size_t n_dims, dims[PG_LIST_MAX], rows[PG_LIST_MAX];
  size_t n_rows;
  size_t n_sigmas;
  double sigmas[PG_LIST_MAX];
  int use_prior[PG_PRIOR_COUNT];
  size_t seeds, samples, steps;
} pg_opts;

/* One configuration: prior, observation and exact posterior.  */
typedef struct
{
  pg_prior prior_kind;
  size_t d, m;
  double sigma_y;
  fc_gmm *prior;
  fc_obs *obs;
  fc_gmm *post;
} pg_config;

/* What became of a method.  */
typedef enum
{
  PG_OK = 0,   /* integrated to tolerance, scored on every seed */
  PG_DIVERGED, /* non-finite samples (or a failing field) at every K */
  PG_STIFF     /* finite, but K and 2K steps disagree up to the cap */
} pg_status;

extern const char *const pg_status_names[];

/* The scores of one method over the seeds, and its step control.  */
typedef struct
{
  double mean, sd, seconds;
  pg_status status;
  size_t steps;        /* K used */
  double step_err;     /* sliced W2 between K and 2K steps (check points) */
  double step_rms;     /* rms distance of the paired check particles */
} pg_score;

/* posterior-gmm.c: fail (message on stderr, the data file being written
   removed, exit status 1); malloc or fail.  */
void
pg_fail (const char *what) __attribute__ ((noreturn));
void *
pg_xmalloc (size_t n);

/* posterior_gmm_args.c: the options of ARGV into O (exit 2 on bad usage,
   0 after --help).  */
void
pg_parse (int argc, char **argv, pg_opts *o);

/* posterior_gmm_problem.c: configuration C (prior KIND, d, m, sigma_y)
   from the user SEED; its seed of USE on replicate R.  */
void
pg_config_init (pg_config *c, pg_prior kind, size_t d, size_t m,
                double sigma_y, unsigned long seed);
void
pg_config_free (pg_config *c);
unsigned long
pg_replicate_seed (const pg_config *c, unsigned long seed, size_t r, int use);

/* posterior_gmm_score.c: the exact samples (R, N, d) methods are scored
   on, and the noise level into NOISE; method M's score against them.  */
double *
pg_exact_samples (const pg_config *c, const pg_opts *o, unsigned long pseed,
                  pg_score *noise);
pg_score
pg_score_method (const pg_config *c, const pg_opts *o, const pg_method *m,
                 const double *exact, const pg_score *noise,
                 unsigned long pseed);

/* Cells (issue 16): posterior-gmm.c's table, configuration and data file
   for posterior_gmm_cells.c, where a cell is one configuration (prior, d,
   m, sigma_y), id "grid-d8-m4-sy0.1".  */
#include <stdio.h>
#include "fc_cells.h"
#include "fc_io.h"
extern fc_datafile *pg_open_file; /* removed by pg_fail */
void
pg_table_header (const pg_opts *o);
void
pg_run_config (const pg_config *c, const pg_opts *o, FILE *table, FILE *out);
fc_datafile *
pg_open_data (const pg_opts *o, int argc, char **argv);
/* --list-cells, --cells I/N, --cell ID under CO; the exit status.  */
int
pg_run_cells (const pg_opts *o, const fc_cells_opts *co, int argc,
              char **argv);
/* --merge DIR: the table, DIR/posterior-gmm.dat from the cells; the exit
   status.  */
int
pg_merge (const char *dir);

#endif /* PG_POSTERIOR_GMM_H */
