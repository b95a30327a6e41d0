/* experiments/doob-bridge.c -- the sweeps of module `doob` (claims H1-H3,
 * N §Doob's h-transform).
 *
 *   doob-bridge --out DIR [--seed S] [--quick] [--help]
 *
 * Runs the Gaussian sweeps (doob_bridge_gauss.c: Brownian and
 * Ornstein-Uhlenbeck bridges against their exact marginals over dimensions
 * and rates, the sigma -> 0 deviations over thirteen sigmas, the
 * Euler-Maruyama orders over eight step sizes) and then the double-well
 * sweeps (doob_bridge_well.c), each a study of the module
 * (derivations/doob/doob.h), writing their data files into DIR, progress
 * on stderr and a summary table on stdout.  The numbers depend only on the
 * seed, not on the number of threads.  Exit status 0, 1 when a computation
 * or a data file failed, 2 on bad usage (nothing written).  */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "doob_bridge_sweeps.h"
#include "fc_io.h"
#include "fc_module.h"

#define DB_NAME "doob-bridge"
#define FC_EXP_NAME DB_NAME
#include "exp_args.h"
#include "exp_cells.h"
#define DB_SEED_DEFAULT 20240501UL

typedef struct
{
  const char *out_dir;
  unsigned long seed;
  int quick;
} db_opts;

static void
db_help (void)
{
  printf (
      "Usage: " DB_NAME " --out DIR [--seed S] [--quick]\n"
      "Sweeps of Doob's h-transform (claims H1-H3, N §Doob's h-transform):\n"
      "bridges of dX = -theta (X - mu) dt + sigma dB (theta = 0: Brownian\n"
      "motion) conditioned on X_T = x_T, simulated by Euler-Maruyama with the\n"
      "h-drift f + sigma^2 grad log h (T = 1.3, sigma = 0.8 unless stated);\n"
      "then the double well f(x) = x - x^3.\n"
      "\n"
      "Files written into DIR (plain text, '#' header naming the command and\n"
      "every column, written atomically):\n"
      "  doob-sweep-marginals.dat  H1: one row per process (kind 0 BM, 1 OU;\n"
      "      OU rates scaled by 0.3, 1, 3) and dimension (1, 3, 10): |z| of the\n"
      "      sample means and variances and the MMD two-sample p-value against\n"
      "      exact draws at T/4, T/2, 3T/4; the scheme's bias in standard\n"
      "      errors (exact moment recursion); the end-point error with the\n"
      "      deterministic last step and its bound.  20000 paths, 2048 steps.\n"
      "  doob-sweep-sigma.dat      H2: for 13 sigmas from 1 to 1e-3, the RMS of\n"
      "      sup_t |X^sigma - X^0| and of |X^sigma(T/2) - X^0(T/2)| (D = 3, each\n"
      "      sigma on its own Brownian paths), BM and OU, and sigma times\n"
      "      the exact bridge spread at T/2.  1000 paths, 1024 steps.\n"
      "  doob-sweep-orders.dat     H3: weak (|E|X_h|^2 - E|X_ref|^2| at T/2,\n"
      "      coupled paths, with its standard error and the exact recursion),\n"
      "      strong (RMS |X_h - X_ref| at T/2) and endpoint errors (plain,\n"
      "      and with the deterministic last step) for 4 .. 512 steps against\n"
      "      8192 fine steps on the same Brownian paths, D = 2.  2000 paths.\n"
      "  doob-well-eps.dat         H1 (c): the rejection window's acceptance\n"
      "      and the bias of its marginals against the point-conditioned ones,\n"
      "      for 6 windows eps.\n"
      "  doob-well-grid.dat        H1 (c): the grid convergence of the\n"
      "      conditioned density of the double well, 4 grids.\n"
      "\n"
      "The summary table on stdout has one row per study and case: study,\n"
      "case, then the decisive figures with their bands.\n"
      "\n"
      "Options:\n"
      "  --out DIR   directory for the data files (required; created)\n"
      "  --seed S    seed of every random draw (default 20240501)\n"
      "  --quick     smaller sizes (the Gaussian part in a few seconds)\n"
      "  --help      this text\n"
      "\n"
      "Runtime: the full run takes about 80 s of CPU time (user + sys; 77 s\n"
      "measured), so at most about 80 s of wall time on 2 cores, more on a\n"
      "loaded machine.  Exit status: 0 done, 1 failure, 2 bad usage (unknown,\n"
      "repeated or bad option, an --out directory that cannot be created).\n");
  fc_exp_cells_help ("the sweeps marginals, sigma, orders and well");
}

static void
db_parse (int argc, char **argv, db_opts *o)
{
  fc_exp_refuse_repeats (argc, argv);
  o->out_dir = NULL;
  o->seed = DB_SEED_DEFAULT;
  o->quick = 0;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (!fc_exp_common_option (argc, argv, &i, &o->quick, &o->seed,
                                 &o->out_dir, db_help))
        fc_exp_usage_error (a, a[0] == '-' ? "unknown option" : "unexpected argument");
    }
  if (o->out_dir == NULL)
    fc_exp_usage_error ("--out", "the output directory is required");
}

/* --merge DIR: the run read back from DIR/cells/study.  */
static int
db_merge (const char *dir)
{
  fc_cells_study study;
  db_opts o;
  fc_exp_read_study (dir, &study);
  db_parse (study.argc, study.argv, &o);
  fc_run_options opt = { .seed = o.seed, .out_dir = o.out_dir,
                         .quick = o.quick, .progress = stderr };
  fc_module_set_program ("experiments/" DB_NAME);
  return db_cells_merge (dir, &study, &opt);
}

int
main (int argc, char **argv)
{
  db_opts o;
  fc_cells_opts co;
  fc_exp_take_cells (&argc, argv, &co);
  gsl_set_error_handler_off ();
  if (co.mode == FC_CELLS_MERGE)
    return db_merge (co.merge_dir);
  db_parse (argc, argv, &o);
  if (co.mode != FC_CELLS_LIST)
    fc_exp_out_dir (o.out_dir);
  fc_run_options opt = { .seed = o.seed, .out_dir = o.out_dir, .quick = o.quick,
                         .progress = stderr };
  fc_module_set_program ("experiments/" DB_NAME);
  double t0 = fc_io_wall_seconds ();
  if (co.mode != FC_CELLS_ALL)
    return db_cells_run (&opt, &co, argc, argv);
  db_summary_header (&opt, stdout);
  int status = db_sweep_gauss (&opt, stdout);
  fprintf (stderr, DB_NAME ": Gaussian sweeps %s (%.1f s)\n",
           status ? gsl_strerror (status) : "done", fc_io_wall_seconds () - t0);
  if (status == GSL_SUCCESS)
    {
      double t1 = fc_io_wall_seconds ();
      status = db_sweep_well (&opt, stdout);
      fprintf (stderr, DB_NAME ": double-well sweeps %s (%.1f s)\n",
               status ? gsl_strerror (status) : "done", fc_io_wall_seconds () - t1);
    }
  printf ("# total wall time %.1f s\n", fc_io_wall_seconds () - t0);
  if (status)
    {
      fprintf (stderr, DB_NAME ": failed: %s\n", gsl_strerror (status));
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
