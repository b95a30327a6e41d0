/* experiments/posterior-gmm.c -- posterior sampling by guided flows (G6).
 *
 *   posterior-gmm [--quick] [--seed S] [--out DIR] [--dims LIST]
 *                 [--rows LIST] [--sigmas LIST] [--priors LIST]
 *                 [--seeds R] [--samples N] [--steps K] [--help]
 *
 * Claim G6 (DERIVATIONS.md; N §Guidance term): how close do the guided
 * flows come to the exact posterior of a Gaussian-mixture prior observed
 * through y = A x1 + N(0, sigma_y^2 I)?  For every prior, dimension d and
 * noise level sigma_y, every method carries N samples of N(0, I) from
 * t = 0 to t = 1 (linear schedule, RK4 in K equal steps, fc_guide_sample)
 * and is scored by the sliced Wasserstein-2 distance to N exact posterior
 * samples (fc_gmm_sample of fc_gmm_condition), repeated over R seeds.
 *
 * Methods (fc_guide.h): exact guidance u_t + c_t grad log p_t(y | x) with
 * the exact likelihood (FC_GUIDE_EXACT_SPLIT, claim S6); reconstruction
 * guidance, Sigma = sigma_y^2 I + gamma (sigma/alpha)^2 A A^T, for gamma in
 * {0, 0.1, 0.5, 1, 2} (gamma = 0 is the point-estimate likelihood; G4);
 * the exact-Tweedie-covariance variant, Sigma = sigma_y^2 I
 * + A Cov[x1 | x_t] A^T (FC_GUIDE_TWEEDIE).  The approximate methods use
 * the corrected gradient J^T A^T Sigma^{-1} (y - A x1hat) of G4, since the
 * note's vector (G5) is not even a d-vector when m < d.
 *
 * The noise level of the metric is the sliced W2 between two independent
 * exact posterior samples of the same size, over max(R, 16) seeds.  A
 * method is "at noise level" when |mean W2_method - mean W2_noise| <=
 * 3 sd_noise sqrt(1/R + 1/R_noise), three standard deviations of the
 * difference of the two means were the method exact: its distance to the
 * posterior cannot be told from the distance between two exact samples.
 *
 * Every method's integration error is controlled before it is scored: from
 * the same 128 starting points of the first seed, K and 2K steps must agree
 * in sliced W2 to a tenth of the larger of the noise level and the
 * method's own distance to the posterior (K doubled from --steps up to 4
 * times --steps).  The error of K steps, about 16/15 of that difference
 * for RK4, is then well below the sampling noise; the table shows it
 * (step_err) beside the K used.  A method that does not settle by the cap
 * is reported "stiff" (finite samples) or "div" (non-finite samples or a
 * failing field) and not scored: at small sigma_y and gamma the
 * approximate fields are stiff, and what a fixed-step explicit scheme then
 * produces measures the scheme, not the likelihood approximation.
 *
 * Output: the table on stdout, the data file DIR/posterior-gmm.dat
 * (default DIR = results), progress on stderr.  The same seed gives the same
 * numbers whatever the thread count.  Exit status 0, 1 when a computation
 * or the data file failed, 2 on bad usage (nothing written).  */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "fc_gmm.h"
#include "fc_guide.h"
#include "fc_io.h"
#include "fc_obs.h"
#include "fc_rng.h"
#include "fc_spec.h"
#include "fc_stats.h"

#define PG_NAME "posterior-gmm"
#define FC_EXP_NAME PG_NAME
#include "exp_args.h"
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

/* The random prior (fc_gmm_random): K components, unnormalised weights
   U[0.5, 1.5), means N(0, 3^2 I), covariance eigenvalues U[0.1, 1] with
   Haar eigenvectors.  */
#define PG_RANDOM_K 10
static const fc_gmm_random_params pg_random_params = { 0.5, 1.5, 3.0, 0.1,
                                                       1.0 };

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

static const char *const pg_prior_names[PG_PRIOR_COUNT] = { "grid",
                                                            "random" };

/* The methods compared, in table order; gamma is NaN when not used.  */
typedef struct
{
  fc_guide_method method;
  double gamma;
} pg_method;

static const pg_method pg_methods[] = {
  { FC_GUIDE_EXACT_SPLIT, NAN },   { FC_GUIDE_RECONSTRUCTION, 0.0 },
  { FC_GUIDE_RECONSTRUCTION, 0.1 }, { FC_GUIDE_RECONSTRUCTION, 0.5 },
  { FC_GUIDE_RECONSTRUCTION, 1.0 }, { FC_GUIDE_RECONSTRUCTION, 2.0 },
  { FC_GUIDE_TWEEDIE, NAN }
};
#define PG_N_METHODS (sizeof pg_methods / sizeof pg_methods[0])

/* Sizes of the full study and of --quick.  */
#define PG_FULL_SEEDS 3
#define PG_FULL_SAMPLES 1000
#define PG_FULL_STEPS 32
#define PG_QUICK_SEEDS 2
#define PG_QUICK_SAMPLES 500
#define PG_QUICK_STEPS 16

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

static const char *const pg_status_names[] = { "ok", "div", "stiff" };

/* The scores of one method over the seeds, and its step control.  */
typedef struct
{
  double mean, sd, seconds;
  pg_status status;
  size_t steps;        /* K used */
  double step_err;     /* sliced W2 between K and 2K steps (check points) */
  double step_rms;     /* rms distance of the paired check particles */
} pg_score;

/* ------------------------------------------------------------ utilities */

static double
pg_now (void)
{
#ifdef _OPENMP
  return omp_get_wtime ();
#else
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
#endif
}

/* The data file being written, removed when the run fails, so that a
   failed run leaves no output.  */
static fc_datafile *pg_open_file;

static void
pg_fail (const char *what)
{
  fprintf (stderr, PG_NAME ": %s\n", what);
  fc_datafile_abort (pg_open_file);
  exit (EXIT_FAILURE);
}

static void *
pg_xmalloc (size_t n)
{
  void *p = malloc (n > 0 ? n : 1);
  if (p == NULL)
    pg_fail ("out of memory");
  return p;
}

/* -------------------------------------------------------------- options */

static void
pg_help (void)
{
  printf (
      "Usage: " PG_NAME " [OPTION]...\n"
      "Posterior sampling by guided flows against the exact posterior of a\n"
      "Gaussian-mixture prior (claim G6, N §Guidance term).\n"
      "\n"
      "Problems: prior 'grid' (the 25-component grid25, means on\n"
      "{-4,-2,0,2,4}^2, covariance 0.04 I, extended to d dimensions: component\n"
      "(i, j) has mean (a_i, b_j, a_i, b_j, ...) and covariance 0.04 I_d) and\n"
      "prior 'random' (fc_gmm_random: K = 10, weights U[0.5, 1.5), means\n"
      "N(0, 9 I), covariance eigenvalues U[0.1, 1], Haar eigenvectors); d in\n"
      "{2, 8, 80} with m = 1, 2, 4 observed rows; A (m, d) with N(0, 1)\n"
      "entries; y = A x* + sigma_y e, x* drawn from the prior, e ~ N(0, I);\n"
      "sigma_y in {0.01, 0.1, 1}.  All drawn from seeded streams.\n"
      "\n"
      "Methods (linear schedule, RK4 in K equal steps from N(0, I) at t = 0):\n"
      "  exact-split      u_t + c_t grad log p_t(y|x), exact likelihood\n"
      "  reconstruction   Sigma = sigma_y^2 I + gamma (sigma/alpha)^2 A A^T,\n"
      "                   gamma in {0, 0.1, 0.5, 1, 2}\n"
      "  tweedie          Sigma = sigma_y^2 I + A Cov[x1|x_t] A^T\n"
      "Each is scored by the sliced W2 (256 directions) between its N samples\n"
      "and N exact posterior samples, mean and sd over R seeds.  'noise' is\n"
      "the sliced W2 between two independent exact samples (max(R, 16)\n"
      "seeds); 'ratio' is W2 / noise; a method is at noise level ('yes') when\n"
      "|W2 - noise| <= 3 sd_noise sqrt(1/R + 1/R_noise) (means over seeds).\n"
      "Step control: from the same 128 starting points (first seed), K and\n"
      "2K RK4 steps must agree in sliced W2 ('step_err') to 0.1 times the\n"
      "larger of the noise and the method's own W2; K starts at --steps and\n"
      "doubles up to 4 times --steps.  A method that does not settle is\n"
      "reported 'stiff' (finite samples) or 'div' (non-finite samples or a\n"
      "failing field) and is not scored.\n"
      "\n"
      "Options:\n"
      "  --quick         d in {2, 8} only, R = 2 seeds, N = 500 samples,\n"
      "                  K from 16 steps: under a minute on 2 cores\n"
      "  --seed S        seed of every random draw (default 20240501)\n"
      "  --out DIR       write DIR/" PG_FILE " (default DIR = results)\n"
      "  --dims LIST     comma-separated dimensions (default 2,8,80)\n"
      "  --rows LIST     observed rows m per dimension, 1 <= m < d (default\n"
      "                  1, 2, 4 for d = 2, 8, 80; needed for other d)\n"
      "  --sigmas LIST   comma-separated sigma_y > 0 (default 0.01,0.1,1)\n"
      "  --priors LIST   grid,random (default both; grid needs even d)\n"
      "  --seeds R       seeds per method, R >= 2 (default 3)\n"
      "  --samples N     samples per method and seed, N >= 2 (default 1000)\n"
      "  --steps K       initial RK4 steps, K >= 1 (default 32)\n"
      "  --help          this text\n"
      "\n"
      "The table goes to stdout, progress (one line per configuration) to\n"
      "stderr.  The data file has a '#' header naming the command and every\n"
      "column, one row per configuration and method, and is written\n"
      "atomically.  The numbers depend only on the seed, not on the number\n"
      "of threads (OMP_NUM_THREADS).  Exit status: 0 done, 1 failure,\n"
      "2 bad usage.\n");
}

/* A whole string as an unsigned integer in [LO, HI].  */
static size_t
pg_parse_size (const char *opt, const char *s, size_t lo, size_t hi)
{
  char *end;
  errno = 0;
  unsigned long long v = strtoull (s, &end, 10);
  if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0 || v < lo
      || v > hi)
    {
      char msg[160];
      snprintf (msg, sizeof msg, "expected an integer in [%zu, %zu], got '%.64s'",
                lo, hi, s);
      fc_exp_usage_error (opt, msg);
    }
  return (size_t) v;
}

/* A whole string as a finite double > 0.  */
static double
pg_parse_positive (const char *opt, const char *s)
{
  char *end;
  errno = 0;
  double v = strtod (s, &end);
  if (*s == '\0' || *end != '\0' || errno != 0 || !gsl_finite (v) || v <= 0)
    {
      char msg[160];
      snprintf (msg, sizeof msg, "expected a finite number > 0, got '%.64s'",
                s);
      fc_exp_usage_error (opt, msg);
    }
  return v;
}

/* Split the comma-separated LIST into at most PG_LIST_MAX items, each
   copied into ITEMS (at most 63 characters).  Returns the count.  */
static size_t
pg_split (const char *opt, const char *list, char items[][64])
{
  size_t n = 0;
  const char *p = list;
  for (;;)
    {
      const char *c = strchr (p, ',');
      size_t len = c ? (size_t) (c - p) : strlen (p);
      if (len == 0 || len >= 64)
        fc_exp_usage_error (opt, "expected a comma-separated list of values");
      if (n == PG_LIST_MAX)
        fc_exp_usage_error (opt, "too many values (at most 16)");
      memcpy (items[n], p, len);
      items[n++][len] = '\0';
      if (c == NULL)
        return n;
      p = c + 1;
    }
}

static void
pg_parse_dims (pg_opts *o, const char *s)
{
  char items[PG_LIST_MAX][64];
  o->n_dims = pg_split ("--dims", s, items);
  for (size_t i = 0; i < o->n_dims; i++)
    o->dims[i] = pg_parse_size ("--dims", items[i], 2, PG_DIM_MAX);
}

static void
pg_parse_rows (pg_opts *o, const char *s)
{
  char items[PG_LIST_MAX][64];
  o->n_rows = pg_split ("--rows", s, items);
  for (size_t i = 0; i < o->n_rows; i++)
    o->rows[i] = pg_parse_size ("--rows", items[i], 1, PG_DIM_MAX);
}

static void
pg_parse_sigmas (pg_opts *o, const char *s)
{
  char items[PG_LIST_MAX][64];
  o->n_sigmas = pg_split ("--sigmas", s, items);
  for (size_t i = 0; i < o->n_sigmas; i++)
    o->sigmas[i] = pg_parse_positive ("--sigmas", items[i]);
}

static void
pg_parse_priors (pg_opts *o, const char *s)
{
  char items[PG_LIST_MAX][64];
  size_t n = pg_split ("--priors", s, items);
  o->use_prior[PG_PRIOR_GRID] = o->use_prior[PG_PRIOR_RANDOM] = 0;
  for (size_t i = 0; i < n; i++)
    {
      int k = strcmp (items[i], "grid") == 0     ? PG_PRIOR_GRID
              : strcmp (items[i], "random") == 0 ? PG_PRIOR_RANDOM
                                                 : -1;
      if (k < 0)
        fc_exp_usage_error ("--priors", "expected 'grid' and/or 'random'");
      o->use_prior[k] = 1;
    }
}

/* The default m for d (1, 2, 4 for d = 2, 8, 80), 0 when there is none. */
static size_t
pg_default_rows (size_t d)
{
  return d == 2 ? 1 : d == 8 ? 2 : d == 80 ? 4 : 0;
}

/* Cross-option checks and the sizes --quick and the defaults imply.  */
static void
pg_finish_opts (pg_opts *o, int dims_given)
{
  if (!dims_given)
    {
      static const size_t full[] = { 2, 8, 80 };
      o->n_dims = o->quick ? 2 : 3;
      memcpy (o->dims, full, o->n_dims * sizeof full[0]);
    }
  if (o->n_rows != 0 && o->n_rows != o->n_dims)
    fc_exp_usage_error ("--rows", "needs one value per dimension of --dims");
  for (size_t i = 0; i < o->n_dims; i++)
    {
      char msg[160];
      if (o->n_rows == 0 && (o->rows[i] = pg_default_rows (o->dims[i])) == 0)
        {
          snprintf (msg, sizeof msg, "no default m for d = %zu: give --rows",
                    o->dims[i]);
          fc_exp_usage_error ("--dims", msg);
        }
      if (o->rows[i] >= o->dims[i])
        {
          snprintf (msg, sizeof msg, "m = %zu is not below d = %zu",
                    o->rows[i], o->dims[i]);
          fc_exp_usage_error ("--rows", msg);
        }
      if (o->use_prior[PG_PRIOR_GRID] && o->dims[i] % 2 != 0)
        {
          snprintf (msg, sizeof msg,
                    "the grid prior needs an even dimension, got %zu",
                    o->dims[i]);
          fc_exp_usage_error ("--dims", msg);
        }
    }
  if (o->seeds == 0)
    o->seeds = o->quick ? PG_QUICK_SEEDS : PG_FULL_SEEDS;
  if (o->samples == 0)
    o->samples = o->quick ? PG_QUICK_SAMPLES : PG_FULL_SAMPLES;
  if (o->steps == 0)
    o->steps = o->quick ? PG_QUICK_STEPS : PG_FULL_STEPS;
}

static void
pg_parse (int argc, char **argv, pg_opts *o)
{
  static const double sigmas[] = { 0.01, 0.1, 1.0 };
  int dims_given = 0;
  memset (o, 0, sizeof *o);
  o->seed = PG_SEED_DEFAULT;
  o->out_dir = "results";
  o->n_sigmas = 3;
  memcpy (o->sigmas, sigmas, sizeof sigmas);
  o->use_prior[PG_PRIOR_GRID] = o->use_prior[PG_PRIOR_RANDOM] = 1;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "--help") == 0)
        {
          pg_help ();
          exit (EXIT_SUCCESS);
        }
      else if (strcmp (a, "--quick") == 0)
        o->quick = 1;
      else if (fc_exp_is (a, "--seed"))
        o->seed = pg_parse_size ("--seed", fc_exp_value (argc, argv, &i, "--seed"),
                                 0, 4294967295UL);
      else if (fc_exp_is (a, "--out"))
        {
          o->out_dir = fc_exp_value (argc, argv, &i, "--out");
          if (*o->out_dir == '\0')
            fc_exp_usage_error ("--out", "empty directory name");
        }
      else if (fc_exp_is (a, "--dims"))
        {
          pg_parse_dims (o, fc_exp_value (argc, argv, &i, "--dims"));
          dims_given = 1;
        }
      else if (fc_exp_is (a, "--rows"))
        pg_parse_rows (o, fc_exp_value (argc, argv, &i, "--rows"));
      else if (fc_exp_is (a, "--sigmas"))
        pg_parse_sigmas (o, fc_exp_value (argc, argv, &i, "--sigmas"));
      else if (fc_exp_is (a, "--priors"))
        pg_parse_priors (o, fc_exp_value (argc, argv, &i, "--priors"));
      else if (fc_exp_is (a, "--seeds"))
        o->seeds = pg_parse_size ("--seeds",
                                  fc_exp_value (argc, argv, &i, "--seeds"), 2, 64);
      else if (fc_exp_is (a, "--samples"))
        o->samples = pg_parse_size (
            "--samples", fc_exp_value (argc, argv, &i, "--samples"), 2, 1000000);
      else if (fc_exp_is (a, "--steps"))
        o->steps = pg_parse_size ("--steps",
                                  fc_exp_value (argc, argv, &i, "--steps"), 1,
                                  100000);
      else
        fc_exp_usage_error (a, a[0] == '-' ? "unknown option"
                                       : "unexpected argument");
    }
  pg_finish_opts (o, dims_given);
}

/* ------------------------------------------------------------- problems */

/* The built-in 2-D grid25 extended to D dimensions (D even): component k
   keeps its weight, its mean (a, b) becomes (a, b, a, b, ...) and its 2 x 2
   covariance is repeated along the diagonal, the usual d-dimensional
   version of the grid in posterior-sampling benchmarks.  */
static fc_gmm *
pg_grid_prior (size_t d)
{
  fc_gmm *g2 = fc_spec_builtin ("grid25");
  if (g2 == NULL)
    pg_fail ("cannot build the grid25 prior");
  fc_gmm *g = fc_gmm_alloc (d, g2->n_comp);
  double *mu = pg_xmalloc (d * sizeof (double));
  double *cov = pg_xmalloc (d * d * sizeof (double));
  int status = g ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t k = 0; k < g2->n_comp && status == GSL_SUCCESS; k++)
    {
      const double *c2 = g2->cov + 4 * k;
      memset (cov, 0, d * d * sizeof (double));
      for (size_t l = 0; l < d / 2; l++)
        for (size_t i = 0; i < 2; i++)
          {
            mu[2 * l + i] = g2->mean[2 * k + i];
            for (size_t j = 0; j < 2; j++)
              cov[(2 * l + i) * d + 2 * l + j] = c2[2 * i + j];
          }
      status = fc_gmm_set_component (g, k, g2->weight[k], mu, cov);
    }
  if (status == GSL_SUCCESS)
    status = fc_gmm_prepare (g);
  free (mu);
  free (cov);
  fc_gmm_free (g2);
  if (status != GSL_SUCCESS)
    pg_fail ("cannot build the d-dimensional grid prior");
  return g;
}

static fc_gmm *
pg_prior_alloc (pg_prior kind, size_t d, unsigned long seed)
{
  if (kind == PG_PRIOR_GRID)
    return pg_grid_prior (d);
  fc_gmm *g = fc_gmm_random (d, PG_RANDOM_K, &pg_random_params, seed,
                             PG_TAG_RANDOM + d);
  if (g == NULL)
    pg_fail ("cannot build the random prior");
  return g;
}

/* The observation of configuration C: A (m, d) with N(0, 1) entries,
   x* ~ prior and e ~ N(0, I_m) from one stream that depends on (prior, d,
   m) only, so that every sigma_y observes the same x* through the same A
   and the same e: y = A x* + sigma_y e.  */
static fc_obs *
pg_obs_alloc (const pg_config *c, unsigned long seed)
{
  size_t d = c->d, m = c->m;
  fc_obs *o = fc_obs_alloc (m, d);
  unsigned long tag = PG_TAG_PROBLEM + 2 * (d + 1000 * m) + c->prior_kind;
  gsl_rng *r = fc_rng_alloc (seed, tag);
  double *xs = pg_xmalloc (d * sizeof (double));
  if (o == NULL || r == NULL
      || fc_gmm_sample (c->prior, fc_rng_stream_seed (seed, tag), 1, xs))
    pg_fail ("cannot draw the observation");
  for (size_t i = 0; i < m * d; i++)
    o->a[i] = gsl_ran_gaussian (r, 1.0);
  for (size_t i = 0; i < m; i++)
    {
      double ax = 0.0;
      for (size_t j = 0; j < d; j++)
        ax += o->a[i * d + j] * xs[j];
      o->y[i] = ax + c->sigma_y * gsl_ran_gaussian (r, 1.0);
    }
  o->sigma_y = c->sigma_y;
  gsl_rng_free (r);
  free (xs);
  return o;
}

static void
pg_config_init (pg_config *c, pg_prior kind, size_t d, size_t m,
                double sigma_y, unsigned long seed)
{
  c->prior_kind = kind;
  c->d = d;
  c->m = m;
  c->sigma_y = sigma_y;
  c->prior = pg_prior_alloc (kind, d, seed);
  c->obs = pg_obs_alloc (c, seed);
  c->post = fc_gmm_condition (c->prior, m, c->obs->a, c->obs->y, sigma_y);
  if (c->post == NULL)
    pg_fail ("cannot condition the prior on the observation");
}

static void
pg_config_free (pg_config *c)
{
  fc_gmm_free (c->post);
  fc_obs_free (c->obs);
  fc_gmm_free (c->prior);
}

/* The seed of USE on replicate R of configuration C: independent of
   sigma_y (common random numbers across noise levels and methods).  */
static unsigned long
pg_replicate_seed (const pg_config *c, unsigned long seed, size_t r, int use)
{
  unsigned long key
      = ((c->prior_kind * 1001UL + c->d) * 64UL + r) * 4UL + (unsigned) use;
  return fc_rng_stream_seed (seed, PG_TAG_REPLICATE + key);
}

/* ------------------------------------------------------------- scoring */

static int
pg_all_finite (size_t n, const double *x)
{
  for (size_t i = 0; i < n; i++)
    if (!gsl_finite (x[i]))
      return 0;
  return 1;
}

/* Samples of method M (gamma G) from the starting points of SEED into X;
   0 when they are finite, 1 when the method diverged (a non-finite sample
   or a failing field: the handler is off, so this never aborts).  */
static int
pg_sample_method (const pg_config *c, fc_guide_method m, double g,
                  unsigned long seed, size_t steps, size_t n, double *x)
{
  fc_guide_field *f
      = fc_guide_field_alloc (c->prior, FC_SCHEDULE_LINEAR, c->obs, m,
                              gsl_isnan (g) ? 0.0 : g);
  if (f == NULL)
    pg_fail ("cannot build a guided field");
  int status = fc_guide_sample (f, seed, 0, FC_ODE_RK4, steps, n, x);
  fc_guide_field_free (f);
  return status != GSL_SUCCESS || !pg_all_finite (n * c->d, x);
}

/* Mean and standard deviation of W (n).  */
static void
pg_mean_sd (size_t n, const double *w, double *mean, double *sd)
{
  *mean = gsl_stats_mean (w, 1, n);
  *sd = gsl_stats_sd_m (w, 1, n, *mean);
}

/* The exact posterior samples the methods are scored on, (R, N, d), and
   the noise level: the sliced W2 between two independent exact samples of
   size N, over max(R, PG_NOISE_SEEDS) replicates.  Exact samples are cheap,
   so the noise level is estimated on more seeds than the methods are: its
   mean and spread, the yardstick of every method, are then not themselves
   at the mercy of two or three draws.  */
static double *
pg_exact_samples (const pg_config *c, const pg_opts *o, unsigned long pseed,
                  pg_score *noise)
{
  size_t nd = o->samples * c->d, nr = GSL_MAX (o->seeds, PG_NOISE_SEEDS);
  double *xa = pg_xmalloc (o->seeds * nd * sizeof (double));
  double *xb = pg_xmalloc (2 * nd * sizeof (double));
  double *w = pg_xmalloc (nr * sizeof (double));
  double t0 = pg_now ();
  for (size_t r = 0; r < nr; r++)
    {
      double *a = r < o->seeds ? xa + r * nd : xb + nd;
      unsigned long sa = pg_replicate_seed (c, o->seed, r, PG_USE_EXACT_A);
      unsigned long sb = pg_replicate_seed (c, o->seed, r, PG_USE_EXACT_B);
      if (fc_gmm_sample (c->post, sa, o->samples, a)
          || fc_gmm_sample (c->post, sb, o->samples, xb))
        pg_fail ("cannot sample the exact posterior");
      w[r] = fc_stats_sliced_w2 (c->d, o->samples, a, o->samples, xb,
                                 PG_PROJ, pseed);
    }
  pg_mean_sd (nr, w, &noise->mean, &noise->sd);
  noise->seconds = pg_now () - t0;
  noise->status = PG_OK;
  noise->steps = 0;
  noise->step_err = noise->step_rms = GSL_NAN;
  free (w);
  free (xb);
  return xa;
}

/* The step control of method M: K = K0, 2 K0, 4 K0 ... up to the cap
   PG_STEP_CAP K0, the first K whose samples agree with those of 2K steps
   in sliced W2 (same starting points: the first PG_CHECK_N of seed 0) to
   PG_STEP_TOL times the larger of the noise level NOISE and the method's
   own distance to the exact samples EXACT (N of them), estimated on the
   2K-step points.  RK4 converges at order 4, so once K and 2K agree the
   error of K is about 16/15 of their difference: then the integration
   error moves neither a method at noise level nor a biased method's W2 by
   more than a tenth.  The guided fields of the approximate
   likelihoods can be stiff (c_t J^T A^T Sigma^{-1} A J grows like
   |A|^2 / sigma_y^2 when gamma is small), and a fixed-step explicit scheme
   then blows up: that is an integration failure, not the method's bias, so
   it is reported as such ("stiff", or "div" when the samples are not even
   finite) rather than scored.  */
static void
pg_choose_steps (const pg_config *c, const pg_opts *o, const pg_method *m,
                 const double *exact, double noise, unsigned long pseed,
                 pg_score *s)
{
  size_t n = GSL_MIN (o->samples, PG_CHECK_N), nd = n * c->d;
  double *xa = pg_xmalloc (nd * sizeof (double));
  double *xb = pg_xmalloc (nd * sizeof (double));
  unsigned long seed = pg_replicate_seed (c, o->seed, 0, PG_USE_START);
  size_t k = o->steps;
  int bad_a = pg_sample_method (c, m->method, m->gamma, seed, k, n, xa);
  int finite = 0;
  s->status = PG_DIVERGED;
  s->step_err = s->step_rms = GSL_NAN;
  for (; k <= PG_STEP_CAP * o->steps; k *= 2)
    {
      int bad_b = pg_sample_method (c, m->method, m->gamma, seed, 2 * k, n,
                                    xb);
      s->steps = k;
      if (!bad_a && !bad_b)
        {
          double acc = 0.0;
          for (size_t i = 0; i < nd; i++)
            acc += (xa[i] - xb[i]) * (xa[i] - xb[i]);
          s->step_rms = sqrt (acc / (double) n);
          s->step_err = fc_stats_sliced_w2 (c->d, n, xa, n, xb, PG_PROJ,
                                            pseed);
          finite = 1;
          double dist = fc_stats_sliced_w2 (c->d, n, xb, o->samples, exact,
                                            PG_PROJ, pseed);
          if (s->step_err <= PG_STEP_TOL * GSL_MAX (noise, dist))
            {
              s->status = PG_OK;
              break;
            }
        }
      double *t = xa;
      xa = xb, xb = t, bad_a = bad_b;
    }
  if (s->status != PG_OK && finite)
    s->status = PG_STIFF;
  free (xa);
  free (xb);
}

/* Score method M on every replicate against the exact samples EXACT:
   choose the steps, then the sliced W2 of each seed's N samples.  A seed
   whose samples are not finite at the chosen K marks the method diverged.  */
static pg_score
pg_score_method (const pg_config *c, const pg_opts *o, const pg_method *m,
                 const double *exact, const pg_score *noise,
                 unsigned long pseed)
{
  size_t nd = o->samples * c->d;
  pg_score s = { GSL_NAN, GSL_NAN, 0.0, PG_OK, 0, GSL_NAN, GSL_NAN };
  double t0 = pg_now ();
  pg_choose_steps (c, o, m, exact, noise->mean, pseed, &s);
  double *x = pg_xmalloc (nd * sizeof (double));
  double *w = pg_xmalloc (o->seeds * sizeof (double));
  for (size_t r = 0; s.status == PG_OK && r < o->seeds; r++)
    {
      unsigned long seed = pg_replicate_seed (c, o->seed, r, PG_USE_START);
      if (pg_sample_method (c, m->method, m->gamma, seed, s.steps,
                            o->samples, x))
        s.status = PG_DIVERGED;
      else
        w[r] = fc_stats_sliced_w2 (c->d, o->samples, x, o->samples,
                                   exact + r * nd, PG_PROJ, pseed);
    }
  if (s.status == PG_OK)
    pg_mean_sd (o->seeds, w, &s.mean, &s.sd);
  s.seconds = pg_now () - t0;
  free (w);
  free (x);
  return s;
}

/* ------------------------------------------------------------- output */

#define PG_COLUMNS                                                         \
  "prior d m sigma_y method gamma steps samples seeds w2_mean w2_sd "      \
  "noise_mean noise_sd ratio at_noise status seconds step_err step_rms"

/* 1 when the method is at noise level.  Were its samples exact, each of
   its R distances would be a draw of the noise level, so the difference of
   the two means would have standard deviation
   sd_noise sqrt(1/R + 1/R_noise), the combined spread of the two means;
   the method is at noise level when the difference is within
   PG_NOISE_Z of those.  The spread is taken from the noise level, estimated
   on many seeds, not from the method's own R draws: a wild method must not
   pass because its spread is wild too.  */
static int
pg_at_noise (const pg_score *s, const pg_score *noise, const pg_opts *o)
{
  size_t nr = GSL_MAX (o->seeds, PG_NOISE_SEEDS);
  double band = PG_NOISE_Z * noise->sd
                * sqrt (1.0 / (double) o->seeds + 1.0 / (double) nr);
  return s->status == PG_OK && fabs (s->mean - noise->mean) <= band;
}

static void
pg_table_header (const pg_opts *o)
{
  printf ("# G6 posterior sampling: R = %zu seeds, N = %zu samples, RK4 "
          "from K = %zu steps (doubled up to %dK until K and 2K agree to "
          "%g max(noise, W2)), sliced W2 with %d directions, seed %lu\n",
          o->seeds, o->samples, o->steps, PG_STEP_CAP, PG_STEP_TOL, PG_PROJ,
          o->seed);
  printf ("# ratio = W2 / noise; noise = W2 between two exact samples; "
          "'yes' when |W2 - noise| <= %g sd_noise sqrt(1/R + 1/%zu); "
          "step_err = W2(K, 2K steps)\n",
          PG_NOISE_Z, GSL_MAX (o->seeds, (size_t) PG_NOISE_SEEDS));
  printf ("%-6s %3s %2s %7s %-15s %5s %4s %9s %10s %9s %8s %5s %8s\n",
          "prior", "d", "m", "sigma_y", "method", "gamma", "K", "step_err",
          "W2_mean", "W2_sd", "ratio", "noise", "seconds");
}

static void
pg_table_row (const pg_config *c, const char *method, double gamma,
              const pg_score *s, const pg_score *noise, const char *flag)
{
  char g[32], k[32], err[32], mean[32], sd[32], ratio[32];
  snprintf (g, sizeof g, gsl_isnan (gamma) ? "-" : "%.3g", gamma);
  snprintf (k, sizeof k, s->steps ? "%zu" : "-", s->steps);
  snprintf (err, sizeof err, gsl_isnan (s->step_err) ? "-" : "%.2g",
            s->step_err);
  if (s->status != PG_OK)
    {
      snprintf (mean, sizeof mean, "%s", pg_status_names[s->status]);
      snprintf (sd, sizeof sd, "-");
      snprintf (ratio, sizeof ratio, "-");
    }
  else
    {
      snprintf (mean, sizeof mean, "%.4g", s->mean);
      snprintf (sd, sizeof sd, "%.2g", s->sd);
      snprintf (ratio, sizeof ratio, "%.3g", s->mean / noise->mean);
    }
  printf ("%-6s %3zu %2zu %7.3g %-15s %5s %4s %9s %10s %9s %8s %5s %8.2f\n",
          pg_prior_names[c->prior_kind], c->d, c->m, c->sigma_y, method, g,
          k, err, mean, sd, ratio, flag, s->seconds);
}

/* A data row; a method that was not scored has w2_mean = inf.  */
static void
pg_data_row (FILE *out, const pg_config *c, const pg_opts *o,
             const pg_method *m, const pg_score *s, const pg_score *noise)
{
  double mean = s->status == PG_OK ? s->mean : GSL_POSINF;
  fprintf (out,
           "%s %zu %zu %.17g %s %.17g %zu %zu %zu %.17g %.17g %.17g %.17g "
           "%.17g %d %d %.6g %.17g %.17g\n",
           pg_prior_names[c->prior_kind], c->d, c->m, c->sigma_y,
           fc_guide_method_name (m->method), m->gamma, s->steps, o->samples,
           o->seeds, mean, s->sd, noise->mean, noise->sd, mean / noise->mean,
           pg_at_noise (s, noise, o), (int) s->status, s->seconds,
           s->step_err, s->step_rms);
}

/* Run configuration C: the noise level, then every method; print its table
   rows and write its data rows to OUT.  */
static void
pg_run_config (const pg_config *c, const pg_opts *o, FILE *out)
{
  unsigned long pseed = fc_rng_stream_seed (o->seed, PG_TAG_PROJ);
  pg_score noise = { 0 };
  double *exact = pg_exact_samples (c, o, pseed, &noise);
  for (size_t k = 0; k < PG_N_METHODS; k++)
    {
      pg_score s = pg_score_method (c, o, &pg_methods[k], exact, &noise,
                                    pseed);
      pg_table_row (c, fc_guide_method_name (pg_methods[k].method),
                    pg_methods[k].gamma, &s, &noise,
                    pg_at_noise (&s, &noise, o) ? "yes" : "no");
      pg_data_row (out, c, o, &pg_methods[k], &s, &noise);
    }
  pg_table_row (c, "(noise)", GSL_NAN, &noise, &noise, "-");
  fflush (stdout);
  free (exact);
}

/* "ARGV[0] ARGV[1] ..." into a malloc'ed string.  */
static char *
pg_command_line (int argc, char **argv)
{
  size_t len = 1;
  for (int i = 0; i < argc; i++)
    len += strlen (argv[i]) + 1;
  char *s = pg_xmalloc (len);
  s[0] = '\0';
  for (int i = 0; i < argc; i++)
    {
      strcat (s, argv[i]);
      if (i + 1 < argc)
        strcat (s, " ");
    }
  return s;
}

/* Open DIR/posterior-gmm.dat (through a temporary) and write the design
   into its header.  */
static fc_datafile *
pg_open_data (const pg_opts *o, int argc, char **argv)
{
  char path[4096];
  if (fc_io_mkdir (o->out_dir) != GSL_SUCCESS
      || fc_io_path (path, sizeof path, o->out_dir, PG_FILE) != GSL_SUCCESS)
    {
      fprintf (stderr, PG_NAME ": %s: cannot create the directory: %s\n",
               o->out_dir, strerror (errno));
      exit (EXIT_FAILURE);
    }
  char *cmd = pg_command_line (argc, argv);
  fc_datafile *f = fc_datafile_open (path, cmd, PG_COLUMNS);
  free (cmd);
  if (f == NULL)
    {
      fprintf (stderr, PG_NAME ": %s: cannot write: %s\n", path,
               strerror (errno));
      exit (EXIT_FAILURE);
    }
  fprintf (fc_datafile_stream (f),
           "# G6 posterior sampling by guided flows (linear schedule, RK4); "
           "seed %lu\n"
           "# gamma: nan when the method has none; status: 0 scored, "
           "1 diverged, 2 stiff (then w2_mean = inf, w2_sd = nan)\n"
           "# noise: sliced W2 between two exact posterior samples over "
           "max(seeds, %d) seeds; ratio = w2_mean / noise_mean;\n"
           "# at_noise = |w2_mean - noise_mean| <= %g noise_sd "
           "sqrt(1/seeds + 1/max(seeds, %d))\n"
           "# step_err, step_rms: the method in 'steps' vs 2 * steps from "
           "the same %d points of seed 0 (sliced W2, rms paired distance);\n"
           "# 'steps' doubles from %zu up to %zu until step_err <= %g "
           "max(noise_mean, w2 of the check points)\n",
           o->seed, PG_NOISE_SEEDS, PG_NOISE_Z, PG_NOISE_SEEDS, PG_CHECK_N,
           o->steps, PG_STEP_CAP * o->steps, PG_STEP_TOL);
  return f;
}

/* Every configuration in order: prior, dimension, noise level.  */
static void
pg_run_all (const pg_opts *o, FILE *out)
{
  size_t n_conf = 0, i_conf = 0;
  for (int p = 0; p < PG_PRIOR_COUNT; p++)
    n_conf += o->use_prior[p] ? o->n_dims * o->n_sigmas : 0;
  double t0 = pg_now ();
  for (int p = 0; p < PG_PRIOR_COUNT; p++)
    for (size_t id = 0; o->use_prior[p] && id < o->n_dims; id++)
      for (size_t is = 0; is < o->n_sigmas; is++)
        {
          pg_config c;
          double tc = pg_now ();
          pg_config_init (&c, (pg_prior) p, o->dims[id], o->rows[id],
                          o->sigmas[is], o->seed);
          pg_run_config (&c, o, out);
          fprintf (stderr,
                   PG_NAME ": [%zu/%zu] %s d=%zu m=%zu sigma_y=%g: %.1f s "
                           "(elapsed %.1f s)\n",
                   ++i_conf, n_conf, pg_prior_names[p], c.d, c.m, c.sigma_y,
                   pg_now () - tc, pg_now () - t0);
          pg_config_free (&c);
        }
  printf ("# total wall time %.1f s\n", pg_now () - t0);
}

int
main (int argc, char **argv)
{
  pg_opts o;
  pg_parse (argc, argv, &o);
  gsl_set_error_handler_off ();
  pg_open_file = pg_open_data (&o, argc, argv);
  pg_table_header (&o);
  pg_run_all (&o, fc_datafile_stream (pg_open_file));
  fc_datafile *df = pg_open_file;
  pg_open_file = NULL;
  if (fc_datafile_commit (df) != GSL_SUCCESS)
    {
      fprintf (stderr, PG_NAME ": cannot write the data file in %s: %s\n",
               o.out_dir, strerror (errno));
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
