/* experiments/train_cfm_args.c -- the options of train-cfm and --help.
 * Every usage error names its option, exits with status 2 and writes
 * nothing to stdout (exp_args.h).  */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fc_spec.h"
#include "train_cfm.h"

#define FC_EXP_NAME TC_NAME
#include "exp_args.h"
#include "exp_cells.h"

static void
tc_help (void)
{
  printf (
      "Usage: " TC_NAME " [--source NAME|SPEC] [--target NAME|SPEC] "
      "[--method M]\n"
      "                 [--seed S] [--steps N] [--n-samples N] [--batch N]\n"
      "                 [--sigma S] [--exact-points M] [--samples FILE]\n"
      "                 [--threads N]\n"
      "       " TC_NAME " --table --out DIR [--seeds K] [--steps N] "
      "[--seed S] ...\n"
      "Conditional flow matching on 2-D problems, the protocol of Tong et\n"
      "al. (TMLR 2024): an MLP 3 x 64 SELU, AdamW (lr 1e-3, weight decay\n"
      "1e-5), batch 512, sigma 0.1, 20,000 steps; evaluation on 1,000\n"
      "points by Euler with 100 steps and by an adaptive solver (rk8pd,\n"
      "tolerance 1e-5): W2 (exact assignment) between the generated points\n"
      "and fresh target points, and the normalised path energy\n"
      "NPE = |int E|v|^2 dt - W2^2(source, target)| / W2^2(source, target).\n"
      "\n"
      "  --source NAME|SPEC  the law at t = 0 (default gaussian, N(0, I))\n"
      "  --target NAME|SPEC  the law at t = 1 (default tcfm-8gaussians)\n"
      "      NAME: gaussian; a mixture built-in: 8gaussians, moons,\n"
      "      checkerboard, grid25, tcfm-8gaussians (torchcfm's: radius 5,\n"
      "      covariance sqrt(0.1) I); a point generator: tcfm-moons\n"
      "      (torchcfm's sample_moons), scurve (Tong et al.'s runner);\n"
      "      or a mixture spec file\n"
      "  --method M      icfm (independent pairs), otcfm (pairs from the\n"
      "                  exact minibatch OT assignment), fm (Lipman et al.,\n"
      "                  needs --source gaussian), exact (no network: the\n"
      "                  closed-form marginal field of the icfm path),\n"
      "                  exact-fm (the same for the fm path); default\n"
      "                  otcfm\n"
      "  --seed S        seed of every draw (default 20240501)\n"
      "  --steps N       training steps, N >= 1 (default 20000)\n"
      "  --n-samples N   generated and fresh target points, N >= 2 (default\n"
      "                  1000)\n"
      "  --batch N       training batch, N >= 1 (default 512)\n"
      "  --sigma S       sigma of the path, S >= 0 (default 0.1; fm's\n"
      "                  sigma_min)\n"
      "  --exact-points M  points of the empirical sample that stands for a\n"
      "                  point generator in the exact field, M >= 1 (default\n"
      "                  1000; one mixture component per point)\n"
      "  --samples FILE  write the generated points (Euler), one per line,\n"
      "                  atomically (a '#' header, then x y)\n"
      "  --threads N     OpenMP threads, N >= 1 (default: OpenMP's); the\n"
      "                  numbers do not depend on it\n"
      "  --table         the sweep: methods icfm, otcfm, fm, exact, exact-fm\n"
      "                  on gaussian->tcfm-8gaussians, tcfm-moons->tcfm-\n"
      "                  8gaussians, gaussian->tcfm-moons, gaussian->scurve,\n"
      "                  seeds S .. S+K-1; writes DIR/cfm-table.tsv,\n"
      "                  DIR/cfm-table.txt and DIR/cfm-runs.tsv, the table\n"
      "                  on stdout\n"
      "  --out DIR       directory of the table files (--table only)\n"
      "  --seeds K       seeds of the sweep, K >= 1 (default 5)\n"
      "  --problems LIST  the problems of the sweep by index, e.g. 0,2\n"
      "                  (0 N->8gaussians, 1 moons->8gaussians, 2 N->moons,\n"
      "                  3 N->scurve; default all), to run parts in\n"
      "                  parallel (the files of each part keep the indices)\n"
      "  --help          this text\n"
      "\n"
      "Output of a run: progress on stderr, one summary line on stdout:\n"
      "  method=M source=S target=T seed=S steps=N w2_euler=.. npe_euler=..\n"
      "  w2_adaptive=.. npe_adaptive=.. w2_floor=.. w2sq_ot=..\n"
      "  energy_euler=.. energy_adaptive=.. train_s=.. s_per_step=..\n"
      "  final_loss=..  (w2_floor: W2 between two fresh target samples of\n"
      "  n points, what a perfect sampler scores; w2sq_ot: the W2^2 between\n"
      "  the source points and the target points that NPE divides by)\n"
      "Exit status: 0 done, 1 a computation or file failed, 2 bad usage or\n"
      "input (the option or FILE:LINE named on stderr, nothing on stdout).\n");
  fc_exp_cells_help ("with --table, one per problem, method and seed, e.g.\n"
                     "N_to_moons-otcfm-k3");
}

/* ARG, the value of OPT, as a finite double >= 0.  */
static double
tc_nonneg (const char *opt, const char *arg)
{
  char *end;
  errno = 0;
  double v = strtod (arg, &end);
  if (*arg == '\0' || *end != '\0' || errno != 0 || !isfinite (v) || v < 0)
    {
      char msg[160];
      snprintf (msg, sizeof msg, "expected a finite number >= 0, got "
                "'%.64s'", arg);
      fc_exp_usage_error (opt, msg);
    }
  return v;
}

/* "0,2,3": problem indices of --table (0 .. 3) as a bit set.  */
static unsigned
tc_problems_parse (const char *arg)
{
  unsigned set = 0;
  const char *p = arg;
  for (;;)
    {
      if (*p < '0' || *p > '3' || (p[1] != ',' && p[1] != '\0'))
        fc_exp_usage_error ("--problems", "expected indices 0 to 3 separated "
                            "by commas");
      set |= 1u << (*p - '0');
      if (p[1] == '\0')
        return set;
      p += 2;
    }
}

static tc_method
tc_method_parse (const char *arg)
{
  for (int m = 0; m < TC_METHOD_COUNT; m++)
    if (strcmp (arg, tc_method_names[m]) == 0)
      return (tc_method) m;
  fc_exp_usage_error ("--method", "expected icfm, otcfm, fm, exact or "
                      "exact-fm");
  return TC_ICFM;
}

/* One option at ARGV[*I] besides the common ones; 0 when unknown.  */
static int
tc_parse_one (int argc, char **argv, int *i, tc_opts *o)
{
  const char *a = argv[*i];
  size_t big = (size_t) 1 << 30;
  if (fc_exp_is (a, "--source"))
    o->source = fc_exp_value (argc, argv, i, "--source");
  else if (fc_exp_is (a, "--target"))
    o->target = fc_exp_value (argc, argv, i, "--target");
  else if (fc_exp_is (a, "--method"))
    o->method = tc_method_parse (fc_exp_value (argc, argv, i, "--method"));
  else if (fc_exp_is (a, "--steps"))
    o->steps = fc_exp_size_value (argc, argv, i, "--steps", 1, big);
  else if (fc_exp_is (a, "--n-samples"))
    o->n_samples = fc_exp_size_value (argc, argv, i, "--n-samples", 2,
                                      1 << 16);
  else if (fc_exp_is (a, "--batch"))
    o->batch = fc_exp_size_value (argc, argv, i, "--batch", 1, 1 << 16);
  else if (fc_exp_is (a, "--exact-points"))
    o->exact_points = fc_exp_size_value (argc, argv, i, "--exact-points", 1,
                                         1 << 20);
  else if (fc_exp_is (a, "--threads"))
    o->threads = fc_exp_size_value (argc, argv, i, "--threads", 1, 1024);
  else if (fc_exp_is (a, "--seeds"))
    o->seeds = fc_exp_size_value (argc, argv, i, "--seeds", 1, 1000);
  else if (fc_exp_is (a, "--sigma"))
    o->sigma = tc_nonneg ("--sigma", fc_exp_value (argc, argv, i, "--sigma"));
  else if (fc_exp_is (a, "--samples"))
    {
      o->samples = fc_exp_value (argc, argv, i, "--samples");
      if (*o->samples == '\0')
        fc_exp_usage_error ("--samples", "empty file name");
    }
  else if (fc_exp_is (a, "--problems"))
    o->problems = tc_problems_parse (fc_exp_value (argc, argv, i,
                                                   "--problems"));
  else if (strcmp (a, "--table") == 0)
    o->table = 1;
  else
    return 0;
  return 1;
}

void
tc_parse (int argc, char **argv, tc_opts *o)
{
  fc_exp_refuse_repeats (argc, argv);
  memset (o, 0, sizeof *o);
  o->source = "gaussian";
  o->target = "tcfm-8gaussians";
  o->method = TC_OTCFM;
  o->seed = TC_SEED_DEFAULT;
  o->steps = TC_STEPS;
  o->n_samples = TC_N_SAMPLES;
  o->batch = TC_BATCH;
  o->sigma = TC_SIGMA;
  o->exact_points = TC_EXACT_POINTS;
  o->seeds = 5;
  o->problems = 0xf;
  o->progress = 1;
  int quick = 0, seeds_set = 0;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      seeds_set |= fc_exp_is (a, "--seeds");
      if (tc_parse_one (argc, argv, &i, o))
        continue;
      if (strcmp (a, "--quick") != 0
          && fc_exp_common_option (argc, argv, &i, &quick, &o->seed,
                                   &o->out_dir, tc_help))
        continue;
      fc_exp_usage_error (a, strncmp (a, "--", 2) == 0
                                 ? "unknown option" : "unexpected argument");
    }
  if (o->table && o->out_dir == NULL)
    fc_exp_usage_error ("--out", "required with --table");
  if (!o->table && o->out_dir != NULL)
    fc_exp_usage_error ("--out", "only with --table");
  if (!o->table && seeds_set)
    fc_exp_usage_error ("--seeds", "only with --table");
  if (!o->table && o->problems != 0xf)
    fc_exp_usage_error ("--problems", "only with --table");
  if (o->table && o->samples != NULL)
    fc_exp_usage_error ("--samples", "not with --table");
}
