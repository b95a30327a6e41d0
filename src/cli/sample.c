/* src/cli/sample.c -- "flowcheck sample": samples of the prior, or of the
 * posterior given a linear-Gaussian observation, by a guided flow.
 *
 * Starting points x0 ~ N(0, I) at t = 0 are carried to t = 1 by the field
 * u_t(x) + c_t grad log h_t(x) (fc_guide.h), with RK4 in a fixed number of
 * equal steps (fc_guide_sample): the exact likelihood h gives the exact
 * posterior path's velocity (N §Going through the diffusion ODE, in the
 * canonical convention: claim S6), the reconstruction and Tweedie
 * likelihoods the usual approximations (G4), no guidance the prior (C5).
 *
 * Reproducibility: the coordinates of the starting points are drawn in
 * chunks of FC_RNG_CHUNK from streams tied to the chunks (fc_rng.h), and
 * the field acts point by point, so sample i depends only on the seed, the
 * options and i: not on the thread count, and not on --n (the first k
 * samples of a run are the k samples of the run with --n k).  That is what
 * lets the points be integrated in batches, for progress reports, without
 * changing a bit.  All samples are computed and checked before the first
 * byte is written (ARCHITECTURE.md "Contracts").  */

#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "fc_guide.h"
#include "fc_rng.h"
#include "fc_schedule.h"

/* The default numbers of RK4 steps, measured (README "flowcheck sample"):
   for every built-in observed with sigma_y = 0.1 (one off-axis coordinate,
   and both coordinates), the sample mean moves between K and 2K steps by
   at most 3.1e-5 of its Monte Carlo standard error at 10^4 samples for the
   exact and Tweedie guidances and none at K = 100.  Reconstruction
   guidance is stiffer (its Sigma has gamma (sigma/alpha)^2 A A^T where
   Tweedie's has A Cov[x1 | x_t] A^T, larger between the modes of a wide
   mixture, so it pulls harder towards y there): at K = 100 the mean still
   moves by up to 0.33 standard errors (grid25, A = I), at K = 400 by at
   most 0.062, hence its larger default.  */
#define FC_CLI_SAMPLE_STEPS 100UL
#define FC_CLI_SAMPLE_STEPS_RECONSTRUCTION 400UL

/* Sanity limits: 10^8 coordinates is 800 MB of samples, about the most a
   single run should hold in memory; beyond 10^6 RK4 steps the global error
   (h^4) is far below the round-off accumulated over the steps, so more
   steps can only be a typing error.  */
#define FC_CLI_SAMPLE_MAX_COORDS 100000000UL
#define FC_CLI_SAMPLE_MAX_STEPS 1000000UL

/* Points per batch: a multiple of FC_RNG_CHUNK (so the batches draw
   exactly the streams a single call would), large enough to keep many
   threads busy (128 chunks of fc_ode_fixed's 32 points) and small enough
   for progress every few seconds (a batch takes 0.7 s of one core for
   8gaussians with exact guidance at the default steps).  */
#define FC_CLI_SAMPLE_BATCH (16 * FC_RNG_CHUNK)

/* Progress is reported only for runs longer than this (seconds).  */
#define FC_CLI_SAMPLE_PROGRESS_AFTER 2.0

typedef struct
{
  const char *data;     /* --data: built-in name or spec file */
  const char *obs;      /* --obs: observation file, or NULL */
  const char *output;   /* --output: file, or NULL / "-" for stdout */
  const char *guidance_arg, *gamma_arg, *n_arg, *schedule_arg;
  fc_guide_method method;
  double gamma;
  unsigned long n, seed, steps; /* steps 0: the default of the guidance */
  fc_schedule schedule;
  int quiet;
} fc_cli_sample_args;

/* The guidance names of the command line.  "exact" is the split form
   u_t + c_t grad log h with the exact likelihood, equal to the exact
   posterior path's velocity up to round-off (S6).  */
static const struct
{
  const char *name;
  fc_guide_method method;
} fc_cli_sample_guidances[] = {
  { "exact", FC_GUIDE_EXACT_SPLIT },
  { "reconstruction", FC_GUIDE_RECONSTRUCTION },
  { "tweedie", FC_GUIDE_TWEEDIE },
  { "none", FC_GUIDE_NONE },
};

#define FC_CLI_SAMPLE_N_GUIDANCES \
  (sizeof fc_cli_sample_guidances / sizeof fc_cli_sample_guidances[0])

void
fc_cli_sample_usage (FILE *out)
{
  fputs (
      "Usage: flowcheck sample --data SPEC|NAME --obs FILE --guidance G --n N\n"
      "                        [--gamma GAMMA] [--seed S] [--steps K]\n"
      "                        [--schedule S] [--output FILE] [--quiet]\n"
      "       flowcheck sample --data SPEC|NAME --guidance none --n N ...\n"
      "\n"
      "N samples of the posterior of data x1 ~ q (a Gaussian mixture) given\n"
      "the observation y = A x1 + N(0, sigma^2 I) of FILE, or of q itself,\n"
      "by a guided flow: N points x0 ~ N(0, I) at t = 0 carried to t = 1\n"
      "(x_t = alpha_t x1 + sigma_t x0) by u_t(x) + c_t grad log h_t(x), u_t\n"
      "the marginal field of q, c_t the guidance factor ((1-t)/t for the\n"
      "linear schedule), h_t a likelihood of y given x_t, with RK4 in K equal\n"
      "steps.  One sample a line: D numbers, %.17g, separated by one blank;\n"
      "or, with --output NAME.npy, a NumPy .npy array (float64, C order,\n"
      "shape (N, D)).\n"
      "\n"
      "Options:\n"
      "  --data SPEC|NAME  a built-in data set or a mixture spec file (required)\n"
      "  --obs FILE        the observation file (required, except with\n"
      "                    --guidance none, where it is optional: read and\n"
      "                    checked if given, but the samples are of q)\n"
      "  --guidance G      (required) the likelihood h_t:\n"
      "                    exact           p_t(y | x) exactly: samples of the\n"
      "                                    exact posterior (up to the RK4 error)\n"
      "                    reconstruction  N(y; A E[x1|x_t], sigma^2 I\n"
      "                                    + GAMMA (sigma_t/alpha_t)^2 A A^T)\n"
      "                    tweedie         N(y; A E[x1|x_t], sigma^2 I\n"
      "                                    + A Cov[x1|x_t] A^T)\n"
      "                    none            no guidance: samples of q\n"
      "  --n N             number of samples, >= 1 (N times D at most 10^8)\n"
      "  --gamma GAMMA     reconstruction only: a finite number >= 0\n"
      "                    (default 1); refused with the other guidances,\n"
      "                    which have no such parameter\n"
      "  --seed S          seed of the starting points, a non-negative\n"
      "                    integer (default 20240501, as 'flowcheck run');\n"
      "                    same seed, same bytes, whatever the thread count\n"
      "  --steps K         RK4 steps from t = 0 to t = 1, 1 <= K <= 10^6\n"
      "                    (default 100, 400 for reconstruction, which is\n"
      "                    stiffer: measured on the built-ins, the sample mean\n"
      "                    then moves between K and 2K steps by well under its\n"
      "                    Monte Carlo error at 10^4 samples; see the README)\n"
      "  --schedule S      linear (default), cosine or vp, as in\n"
      "                    'flowcheck eval'\n"
      "  --output FILE     write to FILE instead of standard output: .npy\n"
      "                    when FILE ends in '.npy', else the text above;\n"
      "                    written atomically, and not at all on failure\n"
      "  --quiet           no progress lines on standard error (they appear\n"
      "                    only for runs longer than 2 s)\n"
      "  -h, --help        print this help and exit\n"
      "\n",
      out);
  fc_cli_print_data_and_obs (out);
  fputs (
      "\n"
      "Sample i depends only on the options and i: the first k samples of a\n"
      "run are those of the same run with --n k.\n"
      "\n",
      out);
  fc_cli_print_obs_example (out, "  flowcheck sample --data 8gaussians --obs "
                                 "y.obs --guidance exact \\\n"
                                 "      --n 10000 > post.txt\n");
  fputs (
      "\n"
      "Exit status: 0 success; 1 numerical failure (a sample that is not\n"
      "finite, a posterior that cannot be computed) or out of memory, with\n"
      "nothing written on standard output, or a write error; 2 bad usage or\n"
      "input (missing or bad option, unknown guidance, --gamma without\n"
      "reconstruction, malformed spec or observation file, observation of\n"
      "another dimension than the data, an --output file that cannot be\n"
      "created), with nothing written on standard output or to --output.\n",
      out);
}

/* The guidance named NAME into *M; -1 when there is none.  */
static int
fc_cli_sample_guidance_parse (const char *name, fc_guide_method *m)
{
  for (size_t i = 0; i < FC_CLI_SAMPLE_N_GUIDANCES; i++)
    if (strcmp (name, fc_cli_sample_guidances[i].name) == 0)
      {
        *m = fc_cli_sample_guidances[i].method;
        return 0;
      }
  return -1;
}

/* --guidance and --gamma; 0 or FC_CLI_EXIT_USAGE.  */
static int
fc_cli_sample_check_guidance (fc_cli_sample_args *a)
{
  if (fc_cli_sample_guidance_parse (a->guidance_arg, &a->method) != 0)
    {
      fc_cli_error ("sample", "--guidance: '%s' is not a guidance (exact, "
                    "reconstruction, tweedie, none)", a->guidance_arg);
      return FC_CLI_EXIT_USAGE;
    }
  a->gamma = 1.0;
  if (a->gamma_arg == NULL)
    return 0;
  /* Only reconstruction has a gamma: accepting it elsewhere would suggest
     it changed the samples.  */
  if (a->method != FC_GUIDE_RECONSTRUCTION)
    {
      fc_cli_error ("sample", "--gamma applies only to --guidance "
                    "reconstruction, not to '%s'", a->guidance_arg);
      return FC_CLI_EXIT_USAGE;
    }
  if (fc_cli_parse_double (a->gamma_arg, &a->gamma) != 0 || a->gamma < 0)
    {
      fc_cli_error ("sample", "--gamma: '%s' is not a finite number >= 0",
                    a->gamma_arg);
      return FC_CLI_EXIT_USAGE;
    }
  return 0;
}

/* Check and convert the option values; 0 or FC_CLI_EXIT_USAGE.  */
static int
fc_cli_sample_check (fc_cli_sample_args *a)
{
  if (a->guidance_arg != NULL && fc_cli_sample_check_guidance (a) != 0)
    return FC_CLI_EXIT_USAGE;
  /* --obs is required by every guidance but none, which never reads the
     observation ("" stands for given).  The guidance is checked first, so
     METHOD is the one named.  */
  const fc_cli_required req[] = {
    { "--data", a->data },
    { "--guidance", a->guidance_arg },
    { "--n", a->n_arg },
    { "--obs", a->method == FC_GUIDE_NONE ? "" : a->obs },
  };
  if (fc_cli_require ("sample", req, sizeof req / sizeof req[0]) != 0)
    return FC_CLI_EXIT_USAGE;
  if (fc_cli_parse_ulong (a->n_arg, &a->n) != 0 || a->n < 1
      || a->n > FC_CLI_SAMPLE_MAX_COORDS)
    {
      fc_cli_error ("sample", "--n: '%s' is not an integer in [1, %lu]",
                    a->n_arg, FC_CLI_SAMPLE_MAX_COORDS);
      return FC_CLI_EXIT_USAGE;
    }
  if (a->steps == 0) /* no --steps: the default of the guidance */
    a->steps = a->method == FC_GUIDE_RECONSTRUCTION
                   ? FC_CLI_SAMPLE_STEPS_RECONSTRUCTION
                   : FC_CLI_SAMPLE_STEPS;
  return fc_cli_option_schedule ("sample", a->schedule_arg, &a->schedule);
}

/* Store option C of sample into ARGS (an fc_cli_sample_args); 0 or
   FC_CLI_EXIT_USAGE.  */
static int
fc_cli_sample_option (void *args, int c)
{
  fc_cli_sample_args *a = args;
  switch (c)
    {
    case FC_CLI_OPT_DATA:
      a->data = optarg;
      return 0;
    case FC_CLI_OPT_OBS:
      a->obs = optarg;
      return 0;
    case FC_CLI_OPT_GUIDANCE:
      a->guidance_arg = optarg;
      return 0;
    case FC_CLI_OPT_GAMMA:
      a->gamma_arg = optarg;
      return 0;
    case FC_CLI_OPT_N:
      a->n_arg = optarg;
      return 0;
    case FC_CLI_OPT_SCHEDULE:
      a->schedule_arg = optarg;
      return 0;
    case FC_CLI_OPT_QUIET:
      a->quiet = 1;
      return 0;
    case FC_CLI_OPT_OUTPUT:
      a->output = optarg;
      return 0;
    case FC_CLI_OPT_SEED:
      return fc_cli_option_ulong ("sample", "--seed", optarg, 0, 0, &a->seed);
    default: /* FC_CLI_OPT_STEPS */
      return fc_cli_option_ulong ("sample", "--steps", optarg, 1,
                                  FC_CLI_SAMPLE_MAX_STEPS, &a->steps);
    }
}

/* Parse the options of sample into A, checked and converted
   (fc_cli_sample_check); FC_CLI_PARSED, or the exit status to return
   now.  */
static int
fc_cli_sample_parse (int argc, char **argv, fc_cli_sample_args *a)
{
  static const struct option longopts[] = {
    { "data", required_argument, NULL, FC_CLI_OPT_DATA },
    { "obs", required_argument, NULL, FC_CLI_OPT_OBS },
    { "guidance", required_argument, NULL, FC_CLI_OPT_GUIDANCE },
    { "gamma", required_argument, NULL, FC_CLI_OPT_GAMMA },
    { "n", required_argument, NULL, FC_CLI_OPT_N },
    { "seed", required_argument, NULL, FC_CLI_OPT_SEED },
    { "steps", required_argument, NULL, FC_CLI_OPT_STEPS },
    { "schedule", required_argument, NULL, FC_CLI_OPT_SCHEDULE },
    { "quiet", no_argument, NULL, FC_CLI_OPT_QUIET },
    { "output", required_argument, NULL, FC_CLI_OPT_OUTPUT },
    FC_CLI_HELP_AND_END
  };
  static const fc_cli_parser parser = {
    "sample", longopts, fc_cli_sample_usage, fc_cli_sample_option, ""
  };
  int status = fc_cli_parse (&parser, argc, argv, a);
  if (status != FC_CLI_PARSED)
    return status;
  return fc_cli_sample_check (a) != 0 ? FC_CLI_EXIT_USAGE : FC_CLI_PARSED;
}

/* The observation of the run: the file of --obs, or, for --guidance none
   without one, an observation that carries no information (A = 0), which
   the unguided field never reads.  NULL after a message; *STATUS is then
   the exit status.  */
static fc_obs *
fc_cli_sample_obs (const fc_cli_sample_args *a, const fc_gmm *g, int *status)
{
  *status = FC_CLI_EXIT_USAGE;
  if (a->obs != NULL)
    return fc_cli_load_obs ("sample", a->obs, g->dim, a->data);
  fc_obs *o = fc_obs_alloc (1, g->dim);
  if (o == NULL)
    {
      fc_cli_error ("sample", "out of memory");
      *status = FC_CLI_EXIT_MISMATCH;
    }
  return o;
}

/* Run the flow of F for all the samples into X (n, D), batch by batch,
   with progress on stderr after FC_CLI_SAMPLE_PROGRESS_AFTER seconds.
   GSL status.  */
static int
fc_cli_sample_run (const fc_cli_sample_args *a, fc_guide_field *f,
                   size_t dim, double *x)
{
  double start = fc_io_wall_seconds ();
  for (size_t i0 = 0; i0 < a->n; i0 += FC_CLI_SAMPLE_BATCH)
    {
      size_t nb = a->n - i0 < FC_CLI_SAMPLE_BATCH ? a->n - i0
                                                  : FC_CLI_SAMPLE_BATCH;
      /* I0 is a multiple of FC_RNG_CHUNK, so the batch's coordinates start
         at a chunk boundary: chunk c of the batch is chunk
         i0 D / FC_RNG_CHUNK + c of the whole run.  */
      int status = fc_guide_sample (f, a->seed, i0 * dim / FC_RNG_CHUNK,
                                    FC_ODE_RK4, a->steps, nb, x + i0 * dim);
      if (status != GSL_SUCCESS)
        return status;
      /* Nothing after the last batch: the output itself follows.  */
      double elapsed = fc_io_wall_seconds () - start;
      if (!a->quiet && elapsed > FC_CLI_SAMPLE_PROGRESS_AFTER
          && i0 + nb < a->n)
        fprintf (stderr, "flowcheck sample: %zu of %lu samples in %.1f s\n",
                 i0 + nb, a->n, elapsed);
    }
  return GSL_SUCCESS;
}

/* Explain a failure of the flow; returns the exit status.  */
static int
fc_cli_sample_failed (int status)
{
  if (status == GSL_ENOMEM)
    fc_cli_error ("sample", "out of memory");
  else
    fc_cli_error ("sample", "numerical failure: the guided field cannot be "
                  "integrated: %s", gsl_strerror (status));
  return FC_CLI_EXIT_MISMATCH;
}

/* 0 when every coordinate of X (n, D) is finite, else FC_CLI_EXIT_MISMATCH
   after a message naming the first sample that is not.  */
static int
fc_cli_sample_check_finite (const double *x, size_t n, size_t dim)
{
  size_t bad = 0, first = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < dim; j++)
      if (!isfinite (x[i * dim + j]))
        {
          if (bad++ == 0)
            first = i;
          break;
        }
  if (bad == 0)
    return 0;
  fc_cli_error ("sample", "numerical failure: %zu of %zu samples not finite "
                "(the first is sample %zu); more --steps may help", bad, n,
                first + 1);
  return FC_CLI_EXIT_MISMATCH;
}

/* Sample with the prior G and observation O, writing to OUT; returns the
   exit status.  */
static int
fc_cli_sample_draw (const fc_cli_sample_args *a, const fc_gmm *g,
                    const fc_obs *o, fc_cli_output *out)
{
  size_t dim = g->dim;
  if (a->n > FC_CLI_SAMPLE_MAX_COORDS / dim)
    {
      fc_cli_error ("sample", "--n: %lu samples of dimension %zu exceed the "
                    "limit of %lu coordinates", a->n, dim,
                    FC_CLI_SAMPLE_MAX_COORDS);
      return FC_CLI_EXIT_USAGE;
    }
  /* Dimensions and gamma are checked, so the field fails only when the
     conditioning does (fc_gmm_condition: a posterior covariance that is
     not numerically positive definite, e.g. for a tiny sigma) or memory
     runs out.  */
  fc_guide_field *f = fc_guide_field_alloc (g, a->schedule, o, a->method,
                                            a->gamma);
  if (f == NULL)
    {
      fc_cli_error ("sample", "numerical failure: cannot condition the data "
                    "on the observation (or out of memory)");
      return FC_CLI_EXIT_MISMATCH;
    }
  double *x = malloc (a->n * dim * sizeof *x);
  int status = x == NULL ? GSL_ENOMEM : GSL_SUCCESS;
  if (status == GSL_SUCCESS)
    status = fc_cli_sample_run (a, f, dim, x);
  int exit_status = status == GSL_SUCCESS
                        ? fc_cli_sample_check_finite (x, a->n, dim)
                        : fc_cli_sample_failed (status);
  if (exit_status == FC_CLI_EXIT_OK
      && fc_cli_output_rows (out, x, a->n, dim, 0) != GSL_SUCCESS)
    exit_status = FC_CLI_EXIT_MISMATCH;
  free (x);
  fc_guide_field_free (f);
  return exit_status;
}

int
fc_cli_sample (int argc, char **argv)
{
  fc_cli_sample_args a;
  fc_cli_output out;

  memset (&a, 0, sizeof a);
  a.seed = FC_CLI_DEFAULT_SEED;
  a.schedule_arg = "linear";
  int status = fc_cli_sample_parse (argc, argv, &a);
  if (status != FC_CLI_PARSED)
    return status;
  if (fc_cli_output_open ("sample", a.output, &out) != 0)
    return FC_CLI_EXIT_USAGE;
  fc_gmm *g = fc_cli_load_data ("sample", a.data);
  fc_obs *o = NULL;
  if (g == NULL)
    status = FC_CLI_EXIT_USAGE;
  else
    o = fc_cli_sample_obs (&a, g, &status);
  if (o != NULL)
    status = fc_cli_sample_draw (&a, g, o, &out);
  fc_obs_free (o);
  fc_gmm_free (g);
  return fc_cli_output_close ("sample", &out, status);
}
