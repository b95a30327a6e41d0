/* experiments/posterior_gmm_args.c -- the options of posterior-gmm, the
 * sizes --quick and the defaults imply, and --help.  */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_math.h>

#include "fc_module.h"
#include "posterior_gmm.h"
#define FC_EXP_NAME PG_NAME
#include "exp_args.h"
#include "exp_cells.h"

/* Sizes of the full study and of --quick: the dimensions used by default
   (a prefix of 2, 8, 80), seeds R, samples N and the initial steps K.  */
typedef struct
{
  size_t n_dims, seeds, samples, steps;
} pg_sizes;

static const pg_sizes pg_sizes_plan[FC_SIZE_COUNT] = {
  [FC_SIZE_FULL] = { .n_dims = 3, .seeds = 3, .samples = 1000, .steps = 32 },
  [FC_SIZE_QUICK] = { .n_dims = 2, .seeds = 2, .samples = 500, .steps = 16 },
};

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
  fc_exp_cells_help ("one per configuration, e.g. grid-d8-m2-sy0.1");
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

/* The comma-separated LIST of option OPT as integers in [LO, HI] into OUT
   (at most PG_LIST_MAX); returns the count.  */
static size_t
pg_parse_sizes (const char *opt, const char *list, size_t lo, size_t hi,
                size_t *out)
{
  char items[PG_LIST_MAX][64];
  size_t n = pg_split (opt, list, items);
  for (size_t i = 0; i < n; i++)
    out[i] = fc_exp_size (opt, items[i], lo, hi);
  return n;
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
  const pg_sizes *sz = FC_SIZES (pg_sizes_plan, o);
  if (!dims_given)
    {
      static const size_t full[] = { 2, 8, 80 };
      o->n_dims = sz->n_dims;
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
    o->seeds = sz->seeds;
  if (o->samples == 0)
    o->samples = sz->samples;
  if (o->steps == 0)
    o->steps = sz->steps;
}

void
pg_parse (int argc, char **argv, pg_opts *o)
{
  static const double sigmas[] = { 0.01, 0.1, 1.0 };
  int dims_given = 0;
  fc_exp_refuse_repeats (argc, argv);
  memset (o, 0, sizeof *o);
  o->seed = PG_SEED_DEFAULT;
  o->out_dir = "results";
  o->n_sigmas = 3;
  memcpy (o->sigmas, sigmas, sizeof sigmas);
  o->use_prior[PG_PRIOR_GRID] = o->use_prior[PG_PRIOR_RANDOM] = 1;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (fc_exp_common_option (argc, argv, &i, &o->quick, &o->seed,
                                &o->out_dir, pg_help))
        continue;
      else if (fc_exp_is (a, "--dims"))
        {
          o->n_dims = pg_parse_sizes ("--dims",
                                      fc_exp_value (argc, argv, &i, "--dims"),
                                      2, PG_DIM_MAX, o->dims);
          dims_given = 1;
        }
      else if (fc_exp_is (a, "--rows"))
        o->n_rows = pg_parse_sizes ("--rows",
                                    fc_exp_value (argc, argv, &i, "--rows"), 1,
                                    PG_DIM_MAX, o->rows);
      else if (fc_exp_is (a, "--sigmas"))
        pg_parse_sigmas (o, fc_exp_value (argc, argv, &i, "--sigmas"));
      else if (fc_exp_is (a, "--priors"))
        pg_parse_priors (o, fc_exp_value (argc, argv, &i, "--priors"));
      else if (fc_exp_is (a, "--seeds"))
        o->seeds = fc_exp_size_value (argc, argv, &i, "--seeds", 2, 64);
      else if (fc_exp_is (a, "--samples"))
        o->samples = fc_exp_size_value (argc, argv, &i, "--samples", 2, 1000000);
      else if (fc_exp_is (a, "--steps"))
        o->steps = fc_exp_size_value (argc, argv, &i, "--steps", 1, 100000);
      else
        fc_exp_usage_error (a, a[0] == '-' ? "unknown option"
                                       : "unexpected argument");
    }
  pg_finish_opts (o, dims_given);
}
