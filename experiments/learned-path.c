/* experiments/learned-path.c -- learning a cheaper path through the
 * simplex of the barycentric interpolant (claims B6-B8; N §Albergo et al.
 * 2023, §What we need to do, §Chat 3/11/2023).
 *
 *   learned-path --out DIR [--seed S] [--quick]
 *   learned-path --marginals SPEC0 SPEC1 [SPEC2 ...] [--from I] [--to J]
 *                [--modes N] [--iter N] [--mc N] [--seed S]
 *   learned-path --help
 *
 * Default mode: the cost study (learned_path_study.c, with the module's
 * learning, derivations/barycentric/barycentric.h): every problem of B6
 * and B8, data files into DIR, a summary table on stdout, progress on
 * stderr.
 *
 * Problem mode: the user's marginals rho_0 .. rho_K (spec files or
 * built-in names, fc_spec.h).  The path runs from vertex e_I to vertex e_J
 * of the simplex; the other marginals are helpers the path may visit.  It
 * prints one header line and one line of values:
 *
 *   straight_cost learned_cost lower_bound gap_closed
 *
 * straight_cost = C(straight path), learned_cost = C(learned path),
 * lower_bound = W2^2(rho_I, rho_J) when both are Gaussian, else the
 * Gelbrich bound (W2^2 of the moment-matched Gaussians; both are
 * fc_w2sq_gelbrich), gap_closed = (straight - learned) / (straight -
 * lower_bound), "nan" when straight = lower_bound.  Values in %.17g, so
 * that a script reads back the exact doubles.
 *
 * The learned path is fc_pathcost's simplex path with N sine modes per
 * vertex ((K + 1) N parameters, theta = 0 the straight path) minimised by
 * fc_learn_minimise (Nelder-Mead, --iter iterations, initial step
 * LP_STEP, stopping when the simplex size is below LP_SIZE_TOL).  With
 * every marginal Gaussian the cost is closed form in x and a GSL adaptive
 * quadrature in t (relative tolerance LP_REL_TOL): deterministic, no
 * standard error.  Otherwise the cost is a Monte Carlo mean over --mc draws
 * (LP_NODES Gauss-Legendre nodes in t) with common random numbers: the
 * minimiser sees one fixed set of draws (streams from LP_STREAM_FIT), and
 * the reported straight and learned costs are re-estimated on independent
 * draws (streams from LP_STREAM_EVAL) with LP_EVAL_NODES nodes, since a
 * cost measured on the draws and nodes it was minimised on is biased low.  Their standard errors, and the
 * standard error of the paired difference straight - learned, go to
 * stderr (stdout keeps exactly the four columns).
 *
 * Exit status: 0 done; 1 a computation or a file failed; 2 bad usage or
 * input (unknown option, bad spec with FILE:LINE, dimensions differ,
 * --from = --to or out of range, fewer than 2 marginals), with one message
 * on stderr and nothing on stdout.  */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_statistics_double.h>

#include "fc_gmm.h"
#include "fc_interp.h"
#include "fc_io.h"
#include "fc_pathcost.h"
#include "fc_spec.h"
#include "fc_wasserstein.h"
#include "learned_path_study.h"

#define LP_NAME "learned-path"
#define FC_EXP_NAME LP_NAME
#include "exp_args.h"
#include "exp_cells.h"
#define LP_SEED_DEFAULT 20240501UL
#define LP_MARGINALS_MAX 16

/* Problem-mode defaults and fixed settings (documented in --help).  */
#define LP_MODES_DEFAULT 2
#define LP_ITER_EXACT 200    /* --iter default, every marginal Gaussian */
#define LP_ITER_MC 60        /* --iter default with a mixture (each
                                iteration costs --mc draws x 16 nodes) */
#define LP_MC_DEFAULT 1000
#define LP_NODES 16         /* Gauss-Legendre nodes in t (Monte Carlo fit) */
/* Nodes of every reported Monte Carlo cost, and of the check that the
   learned path beats the straight one: a minimiser working on LP_NODES
   nodes can find paths that move fast between them, whose true cost is far
   above the fitted one; 64 nodes resolve the paths that 16-node fits
   produce (32 and 64 nodes agree to the printed digits in the module's
   problems, derivations/barycentric/barycentric.c).  */
#define LP_EVAL_NODES 64
#define LP_REL_TOL 1e-8     /* quadrature in t (Gaussian cost) */
#define LP_STEP 0.5         /* initial Nelder-Mead step of every parameter */
#define LP_SIZE_TOL 1e-6    /* stop when the Nelder-Mead simplex is this small */
#define LP_STREAM_FIT 0UL   /* draws the minimiser sees */
#define LP_STREAM_EVAL (1UL << 20) /* independent draws of the reported costs */

typedef struct
{
  int problem;           /* --marginals given */
  int quick;
  unsigned long seed;
  const char *out_dir;
  size_t n_marg;
  const char *spec[LP_MARGINALS_MAX];
  size_t from, to, modes, iter, mc;
  int from_set, to_set;
} lp_opts;

/* -------------------------------------------------------------- options */

static void
lp_help (void)
{
  printf (
      "Usage: " LP_NAME " --out DIR [--seed S] [--quick]\n"
      "       " LP_NAME " --marginals SPEC0 SPEC1 [SPEC2 ...] [--from I] [--to J]\n"
      "                    [--modes N] [--iter N] [--mc N] [--seed S]\n"
      "Learn a cheaper path through the simplex of the barycentric\n"
      "interpolant x(alpha) = sum_k alpha_k x_k, x_k ~ rho_k independent\n"
      "(claims B6-B8, N §Albergo et al. 2023).  The cost of a path alpha(t)\n"
      "from vertex e_I to e_J is C = int_0^1 E||b(t, x)||^2 dt with\n"
      "b = sum_k alpha_k'(t) E[x_k | x(alpha(t)) = x]; C >= W2^2(rho_I, rho_J)\n"
      "(Benamou-Brenier).\n"
      "\n"
      "Default mode: the cost study of every B6 and B8 problem; data files\n"
      "into DIR (created if missing), a summary table on stdout, progress on\n"
      "stderr.\n"
      "  --out DIR       directory of the data files (required)\n"
      "  --seed S        seed of every random draw (default 20240501)\n"
      "  --quick         the small sizes of the tests\n"
      "\n"
      "Problem mode: --marginals takes every following argument up to the\n"
      "next one that starts with '--'; each is a mixture spec file or a\n"
      "built-in name (8gaussians, moons, checkerboard, grid25; a spec with\n"
      "one component is a Gaussian), at least 2, at most 16, all of one\n"
      "dimension.  The path goes from marginal --from I to marginal --to J\n"
      "(defaults 0 and 1, I != J); the other marginals are helpers.\n"
      "  --from I, --to J  end vertices (0-based indices into the list)\n"
      "  --modes N       sine modes per vertex of the path, N >= 1 (default\n"
      "                  2): (K+1) N parameters, all zero = straight path\n"
      "  --iter N        Nelder-Mead iterations, N >= 1 (default 200 when\n"
      "                  every marginal is Gaussian, else 60)\n"
      "  --mc N          Monte Carlo draws when a marginal is a mixture,\n"
      "                  N >= 2 (default 1000); 16 Gauss-Legendre nodes in t\n"
      "                  for the fit, 64 for every reported cost\n"
      "  --seed S        seed of the Monte Carlo draws (default 20240501)\n"
      "Output: one header line and one line of values in %%.17g:\n"
      "  straight_cost learned_cost lower_bound gap_closed\n"
      "lower_bound is W2^2(rho_I, rho_J) when both end points are Gaussian,\n"
      "else the Gelbrich bound (W2^2 between the moment-matched Gaussians);\n"
      "gap_closed = (straight - learned) / (straight - lower_bound) ('nan'\n"
      "when the two are equal).  With all marginals Gaussian the costs are\n"
      "closed form in x and adaptive quadrature in t (relative tolerance\n"
      "1e-8).  Otherwise they are Monte Carlo means: the minimiser uses one\n"
      "fixed set of draws, the reported costs an independent set of the same\n"
      "size (a learned path that does not beat the straight one on the\n"
      "fitting draws at 64 nodes is replaced by the straight path, with a\n"
      "note on stderr); their standard errors and that of the paired difference\n"
      "straight - learned are printed on stderr (one line, 'se:').\n"
      "Nelder-Mead starts at the straight path with step 0.5 and stops after\n"
      "--iter iterations or when its simplex size is below 1e-6.\n"
      "\n"
      "  --help          this text\n"
      "\n"
      "Exit status: 0 done, 1 a computation or file failed, 2 bad usage or\n"
      "input (unknown option, bad spec reported as FILE:LINE, dimensions\n"
      "differ, --from = --to or out of range, fewer than 2 marginals): one\n"
      "message on stderr, nothing on stdout.  The numbers depend only on\n"
      "the seed, not on the number of threads.\n");
  fc_exp_cells_help ("of the cost study, path0 .. path3 and block_schedule");
}

static void
lp_parse_marginals (int argc, char **argv, int *i, lp_opts *o)
{
  if (o->problem)
    fc_exp_usage_error ("--marginals", "given twice");
  o->problem = 1;
  while (*i + 1 < argc && strncmp (argv[*i + 1], "--", 2) != 0)
    {
      if (o->n_marg == LP_MARGINALS_MAX)
        fc_exp_usage_error ("--marginals", "more than 16 marginals");
      o->spec[o->n_marg++] = argv[++*i];
    }
}

/* One option at ARGV[*I]; returns 0 when it is not a known option.  */
static int
lp_parse_one (int argc, char **argv, int *i, lp_opts *o)
{
  const char *a = argv[*i];
  size_t big = (size_t) 1 << 30;
  if (strcmp (a, "--marginals") == 0)
    lp_parse_marginals (argc, argv, i, o);
  else if (fc_exp_common_option (argc, argv, i, &o->quick, &o->seed,
                                 &o->out_dir, lp_help))
    return 1;
  else if (fc_exp_is (a, "--from"))
    o->from = fc_exp_size_value (argc, argv, i, "--from", 0,
                                 LP_MARGINALS_MAX - 1), o->from_set = 1;
  else if (fc_exp_is (a, "--to"))
    o->to = fc_exp_size_value (argc, argv, i, "--to", 0, LP_MARGINALS_MAX - 1),
    o->to_set = 1;
  else if (fc_exp_is (a, "--modes"))
    o->modes = fc_exp_size_value (argc, argv, i, "--modes", 1, 64);
  else if (fc_exp_is (a, "--iter"))
    o->iter = fc_exp_size_value (argc, argv, i, "--iter", 1, big);
  else if (fc_exp_is (a, "--mc"))
    o->mc = fc_exp_size_value (argc, argv, i, "--mc", 2, big);
  else
    return 0;
  return 1;
}

/* Which options belong to which mode: a problem-mode option without
   --marginals, or a study option with it, is a usage error.  */
static void
lp_check_modes (const lp_opts *o, int any_problem_opt)
{
  if (o->problem)
    {
      if (o->out_dir != NULL)
        fc_exp_usage_error ("--out", "not used with --marginals");
      if (o->quick)
        fc_exp_usage_error ("--quick", "not used with --marginals");
      if (o->n_marg < 2)
        fc_exp_usage_error ("--marginals", "needs at least 2 marginals");
      if (o->from == o->to)
        fc_exp_usage_error ("--from", "--from and --to must differ");
      if (o->from >= o->n_marg || o->to >= o->n_marg)
        {
          char msg[128];
          snprintf (msg, sizeof msg, "vertex index must be below %zu "
                    "(the number of marginals)", o->n_marg);
          fc_exp_usage_error (o->from >= o->n_marg ? "--from" : "--to", msg);
        }
      return;
    }
  if (any_problem_opt)
    fc_exp_usage_error ("--marginals", "--from, --to, --modes, --iter and --mc "
                    "need --marginals");
  if (o->out_dir == NULL)
    fc_exp_usage_error ("--out", "required (or --marginals for a problem)");
}

static void
lp_parse (int argc, char **argv, lp_opts *o)
{
  fc_exp_refuse_repeats (argc, argv);
  memset (o, 0, sizeof *o);
  o->seed = LP_SEED_DEFAULT;
  o->to = 1;
  o->modes = LP_MODES_DEFAULT;
  o->iter = 0; /* resolved once the marginals are read */
  o->mc = LP_MC_DEFAULT;
  int any_problem_opt = 0;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (!lp_parse_one (argc, argv, &i, o))
        fc_exp_usage_error (a, strncmp (a, "--", 2) == 0 ? "unknown option"
                                                     : "unexpected argument");
      any_problem_opt |= fc_exp_is (a, "--from") || fc_exp_is (a, "--to")
                         || fc_exp_is (a, "--modes") || fc_exp_is (a, "--iter")
                         || fc_exp_is (a, "--mc");
    }
  lp_check_modes (o, any_problem_opt);
}

/* ------------------------------------------------------- problem mode */

typedef struct
{
  fc_gmm *marg[LP_MARGINALS_MAX];
  size_t n_marg;
  fc_interp *ip;
  fc_simplex_path path;
  int gaussian;   /* every marginal one component: exact costs */
  size_t mc, iter;
  unsigned long seed;
} lp_problem;

static void
lp_problem_free (lp_problem *p)
{
  fc_interp_free (p->ip);
  for (size_t k = 0; k < p->n_marg; k++)
    fc_gmm_free (p->marg[k]);
}

/* Read and validate every input before any output: a failure is a usage
   error (exit 2, nothing on stdout).  */
static void
lp_problem_init (const lp_opts *o, lp_problem *p)
{
  memset (p, 0, sizeof *p);
  char err[512];
  p->gaussian = 1;
  for (size_t k = 0; k < o->n_marg; k++)
    {
      p->marg[k] = fc_spec_load (o->spec[k], err, sizeof err);
      if (p->marg[k] == NULL)
        {
          fprintf (stderr, LP_NAME ": %s\n", err);
          exit (2);
        }
      p->n_marg = k + 1;
      if (p->marg[k]->dim != p->marg[0]->dim)
        {
          fprintf (stderr, LP_NAME ": %s: dimension %zu differs from %s's "
                   "dimension %zu\n", o->spec[k], p->marg[k]->dim,
                   o->spec[0], p->marg[0]->dim);
          exit (2);
        }
      p->gaussian &= p->marg[k]->n_comp == 1;
    }
  p->ip = fc_interp_alloc (p->n_marg, (const fc_gmm *const *) p->marg);
  if (p->ip == NULL)
    {
      fprintf (stderr, LP_NAME ": --marginals: the interpolant cannot be "
               "built (more than %d component tuples, or a component "
               "covariance that is not positive definite)\n",
               FC_INTERP_MAX_TUPLES);
      exit (2);
    }
  p->path.n_vertices = p->n_marg;
  p->path.from = o->from;
  p->path.to = o->to;
  p->path.n_modes = o->modes;
  p->mc = o->mc;
  p->seed = o->seed;
  p->iter = o->iter > 0 ? o->iter : p->gaussian ? LP_ITER_EXACT : LP_ITER_MC;
}

static int
lp_cost (const lp_problem *p, const double *theta, unsigned long stream,
         size_t nodes, fc_path_cost *c)
{
  return fc_path_cost_simplex (p->ip, &p->path, theta, LP_REL_TOL, p->mc,
                               nodes, p->seed, stream, c);
}

/* The minimiser's objective: the cost on the fitting draws.  */
static int
lp_objective (size_t n, const double *theta, void *params, double *cost)
{
  (void) n;
  fc_path_cost c;
  int status = lp_cost (params, theta, LP_STREAM_FIT, LP_NODES, &c);
  *cost = c.cost;
  return status;
}

/* Monte Carlo: the standard error of the paired difference straight -
   learned on the evaluation draws (common random numbers).  */
static int
lp_paired_se (const lp_problem *p, const double *theta, double *se)
{
  double *a = malloc (2 * p->mc * sizeof (double)), *b = a + p->mc;
  if (a == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  int status = fc_path_cost_simplex_draws (p->ip, &p->path, NULL, p->mc,
                                           LP_EVAL_NODES, p->seed,
                                           LP_STREAM_EVAL, a);
  if (status == GSL_SUCCESS)
    status = fc_path_cost_simplex_draws (p->ip, &p->path, theta, p->mc,
                                         LP_EVAL_NODES, p->seed,
                                         LP_STREAM_EVAL, b);
  for (size_t i = 0; status == GSL_SUCCESS && i < p->mc; i++)
    a[i] -= b[i];
  if (status == GSL_SUCCESS)
    *se = gsl_stats_sd (a, 1, p->mc) / sqrt ((double) p->mc);
  free (a);
  return status;
}

static void
lp_fail (const char *what, int status)
{
  fprintf (stderr, LP_NAME ": %s: %s\n", what, gsl_strerror (status));
  exit (EXIT_FAILURE);
}

static int
lp_run_problem (const lp_opts *o)
{
  lp_problem p;
  lp_problem_init (o, &p);
  size_t np = fc_simplex_path_n_params (&p.path);
  double *theta = calloc (np, sizeof (double));
  if (theta == NULL)
    lp_fail ("learned path", GSL_ENOMEM);
  double lower;
  int status = fc_w2sq_gelbrich (p.marg[o->from], p.marg[o->to], &lower);
  if (status != GSL_SUCCESS)
    lp_fail ("lower bound", status);
  fprintf (stderr, LP_NAME ": %zu marginals, dimension %zu, path %zu -> %zu, "
           "%zu parameters, %s cost, %zu iterations\n", p.n_marg,
           fc_interp_dim (p.ip), o->from, o->to, np,
           p.gaussian ? "exact" : "Monte Carlo", p.iter);
  fc_learn_options lo = { p.iter, LP_SIZE_TOL, LP_STEP };
  double fit;
  status = fc_learn_minimise (lp_objective, &p, np, theta, &lo, &fit, NULL,
                              NULL);
  if (status != GSL_SUCCESS)
    lp_fail ("minimisation", status);
  if (!p.gaussian)
    {
      /* Keep the learned path only if it beats the straight one on the
         fitting draws at LP_EVAL_NODES nodes (see LP_EVAL_NODES).  */
      fc_path_cost fs, fl;
      status = lp_cost (&p, NULL, LP_STREAM_FIT, LP_EVAL_NODES, &fs);
      if (status == GSL_SUCCESS)
        status = lp_cost (&p, theta, LP_STREAM_FIT, LP_EVAL_NODES, &fl);
      if (status != GSL_SUCCESS)
        lp_fail ("path cost", status);
      if (!(fl.cost < fs.cost))
        {
          fprintf (stderr, LP_NAME ": the learned path does not beat the "
                   "straight one at %d nodes; keeping the straight path\n",
                   LP_EVAL_NODES);
          memset (theta, 0, np * sizeof (double));
        }
    }
  fc_path_cost cs, cl;
  unsigned long stream = p.gaussian ? LP_STREAM_FIT : LP_STREAM_EVAL;
  status = lp_cost (&p, NULL, stream, LP_EVAL_NODES, &cs);
  if (status == GSL_SUCCESS)
    status = lp_cost (&p, theta, stream, LP_EVAL_NODES, &cl);
  if (status != GSL_SUCCESS)
    lp_fail ("path cost", status);
  double gap = cs.cost - lower;
  double closed = gap != 0.0 ? (cs.cost - cl.cost) / gap : NAN;
  if (!p.gaussian)
    {
      double se_diff;
      status = lp_paired_se (&p, theta, &se_diff);
      if (status != GSL_SUCCESS)
        lp_fail ("standard error", status);
      fprintf (stderr, LP_NAME ": se: straight_cost %.6g learned_cost %.6g "
               "difference %.6g (%zu draws; fitted cost %.6g)\n",
               cs.stderr_, cl.stderr_, se_diff, p.mc, fit);
    }
  printf ("straight_cost learned_cost lower_bound gap_closed\n");
  printf ("%.17g %.17g %.17g %.17g\n", cs.cost, cl.cost, lower, closed);
  free (theta);
  lp_problem_free (&p);
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      fprintf (stderr, LP_NAME ": cannot write the output: %s\n",
               strerror (errno));
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}

/* ---------------------------------------------------------- study mode */

static int
lp_run_study (const lp_opts *o, const fc_cells_opts *co, int argc,
              char **argv)
{
  if (co->mode != FC_CELLS_LIST)
    fc_exp_out_dir (o->out_dir);
  fc_run_options ro = { .seed = o->seed, .out_dir = o->out_dir,
                        .quick = o->quick, .progress = stderr };
  fc_module_set_program ("experiments/" LP_NAME);
  if (co->mode != FC_CELLS_ALL)
    return lp_cells_run (&ro, co, argc, argv);
  int status = lp_cost_study (&ro, stdout);
  if (status != GSL_SUCCESS)
    {
      fprintf (stderr, LP_NAME ": the cost study failed: %s\n",
               gsl_strerror (status));
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}

/* --merge DIR: the study read back from DIR/cells/study.  */
static int
lp_merge (const char *dir)
{
  fc_cells_study study;
  lp_opts o;
  fc_exp_read_study (dir, &study);
  lp_parse (study.argc, study.argv, &o);
  if (o.problem)
    fc_exp_cells_error ("--merge: DIR/cells/study is not a cost study");
  fc_run_options ro = { .seed = o.seed, .out_dir = o.out_dir,
                        .quick = o.quick, .progress = stderr };
  fc_module_set_program ("experiments/" LP_NAME);
  return lp_cells_merge (dir, &study, &ro);
}

int
main (int argc, char **argv)
{
  lp_opts o;
  fc_cells_opts co;
  fc_exp_take_cells (&argc, argv, &co);
  gsl_set_error_handler_off ();
  if (co.mode == FC_CELLS_MERGE)
    return lp_merge (co.merge_dir);
  lp_parse (argc, argv, &o);
  if (o.problem && co.mode != FC_CELLS_ALL)
    fc_exp_cells_error ("--marginals: a single problem has no cells");
  return o.problem ? lp_run_problem (&o) : lp_run_study (&o, &co, argc, argv);
}
