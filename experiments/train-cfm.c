/* experiments/train-cfm.c -- conditional flow matching with a C network on
 * the 2-D problems of Tong et al. (TMLR 2024, "Improving and generalizing
 * flow-based generative models with minibatch optimal transport", §5.1
 * and Table 2), measured beside the closed-form field of the same path
 * (issue 13, "The experiment").
 *
 *   train-cfm [--source S] [--target T] [--method M] [--seed S] [--steps N]
 *             [--n-samples N] [--samples FILE] [--threads N] ...
 *   train-cfm --table --out DIR [--seeds K] [--steps N]
 *   train-cfm --help
 *
 * One run trains the method's network (train_cfm_train.c) or takes the
 * exact field (train_cfm_exact.c), scores it (train_cfm_eval.c) and prints
 * one summary line of key=value pairs on stdout (progress on stderr);
 * --samples writes the generated points.  --table runs the sweep
 * (train_cfm_table.c).  The numbers depend only on the options and the
 * seed, not on the thread count: a training step runs on one thread (its
 * BLAS single-threaded, fc_mlp.h), evaluation is parallel over points
 * whose results do not depend on the chunking.
 *
 * Exit status: 0 done; 1 a computation or a file failed; 2 bad usage or
 * input (option or FILE:LINE named on stderr, nothing on stdout, no
 * file written).  */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "fc_io.h"
#include "train_cfm.h"

#define FC_EXP_NAME TC_NAME
#include "exp_args.h"
#include "exp_cells.h"

void
tc_print_summary (FILE *out, const tc_opts *o, const tc_law *source,
                  const tc_law *target, const tc_result *r)
{
  fprintf (out, "method=%s source=%s target=%s seed=%lu steps=%zu "
           "w2_euler=%.6g npe_euler=%.6g w2_adaptive=%.6g "
           "npe_adaptive=%.6g w2_floor=%.6g w2sq_ot=%.6g energy_euler=%.6g "
           "energy_adaptive=%.6g train_s=%.4g s_per_step=%.4g "
           "final_loss=%.6g\n",
           tc_method_names[o->method], source->name, target->name, o->seed,
           o->method == TC_EXACT || o->method == TC_EXACT_FM ? 0 : o->steps,
           r->w2_euler, r->npe_euler, r->w2_adaptive, r->npe_adaptive,
           r->w2_floor, r->w2sq_ot, r->energy_euler, r->energy_adaptive,
           r->train_seconds,
           r->seconds_per_step, r->final_loss);
}

/* Open --samples FILE before any work, so that an unwritable path is a
   usage error (exit 2, nothing written); the points go in after the run and
   the file appears only when complete (fc_datafile).  */
static fc_datafile *
tc_samples_open (const tc_opts *o, size_t d)
{
  char cmd[512];
  snprintf (cmd, sizeof cmd, TC_NAME " --method %s --source %s --target %s "
            "--seed %lu --steps %zu (Euler, %d steps)",
            tc_method_names[o->method], o->source, o->target, o->seed,
            o->steps, TC_EULER_STEPS);
  fc_datafile *f = fc_datafile_open (o->samples, cmd, d == 2 ? "x y" : "x");
  if (f == NULL)
    {
      fprintf (stderr, TC_NAME ": --samples: cannot write '%s': %s\n",
               o->samples, strerror (errno));
      exit (2);
    }
  return f;
}

/* The generated points GEN (n, D) into F, committed.  */
static int
tc_samples_write (fc_datafile *f, size_t n, size_t d, const double *gen)
{
  FILE *s = fc_datafile_stream (f);
  for (size_t i = 0; i < n; i++)
    for (size_t r = 0; r < d; r++)
      fprintf (s, "%.17g%c", gen[i * d + r], r + 1 < d ? ' ' : '\n');
  return fc_datafile_commit (f);
}

/* The laws of a single run, checked before any work (usage errors).  */
static void
tc_load_problem (const tc_opts *o, tc_law *source, tc_law *target)
{
  tc_law_load ("--source", o->source, source);
  tc_law_load ("--target", o->target, target);
  if (tc_law_dim (source) != tc_law_dim (target))
    {
      fprintf (stderr, TC_NAME ": --target: dimension %zu differs from "
               "--source's %zu\n", tc_law_dim (target), tc_law_dim (source));
      exit (2);
    }
  if ((o->method == TC_FM || o->method == TC_EXACT_FM) && !source->gaussian)
    fc_exp_usage_error ("--method", "fm and exact-fm need --source gaussian "
                        "(Lipman et al.'s path starts from N(0, I))");
}

static int
tc_single (const tc_opts *o)
{
  tc_law source, target;
  tc_load_problem (o, &source, &target);
  size_t d = tc_law_dim (&source);
  fc_datafile *f = o->samples ? tc_samples_open (o, d) : NULL;
  double *gen = malloc (o->n_samples * d * sizeof (double));
  tc_result r;
  int status = gen ? tc_run (o, &source, &target, &r, gen) : GSL_ENOMEM;
  if (status != GSL_SUCCESS)
    {
      fprintf (stderr, TC_NAME ": the run failed: %s\n",
               gsl_strerror (status));
      fc_datafile_abort (f);
    }
  else if (f != NULL && tc_samples_write (f, o->n_samples, d, gen) != 0)
    {
      fprintf (stderr, TC_NAME ": --samples: cannot write '%s': %s\n",
               o->samples, strerror (errno));
      status = GSL_EFAILED;
    }
  if (status == GSL_SUCCESS)
    tc_print_summary (stdout, o, &source, &target, &r);
  free (gen);
  tc_law_free (&source);
  tc_law_free (&target);
  if (status == GSL_SUCCESS && (fflush (stdout) != 0 || ferror (stdout)))
    status = GSL_EFAILED;
  return status == GSL_SUCCESS ? EXIT_SUCCESS : EXIT_FAILURE;
}

int
main (int argc, char **argv)
{
  tc_opts o;
  fc_cells_opts co;
  fc_exp_take_cells (&argc, argv, &co);
  gsl_set_error_handler_off ();
  if (co.mode == FC_CELLS_MERGE)
    return tc_table_merge (co.merge_dir) == GSL_SUCCESS ? EXIT_SUCCESS
                                                        : EXIT_FAILURE;
  tc_parse (argc, argv, &o);
  if (co.mode != FC_CELLS_ALL && !o.table)
    fc_exp_cells_error ("--list-cells, --cells, --cell: only with --table");
#ifdef _OPENMP
  if (o.threads > 0)
    omp_set_num_threads ((int) o.threads);
#endif
  if (o.table && co.mode != FC_CELLS_ALL)
    return tc_table_cells (&o, &co, argc, argv) == GSL_SUCCESS ? EXIT_SUCCESS
                                                               : EXIT_FAILURE;
  if (o.table)
    return tc_table (&o) == GSL_SUCCESS ? EXIT_SUCCESS : EXIT_FAILURE;
  return tc_single (&o);
}
