/* experiments/bench-train.c -- seconds per training step of the network
 * of Tong et al. (TMLR 2024, the 2-D protocol of torchcfm): an MLP of
 * widths (3, 64, 64, 64, 2), SELU, float64, batch 512, AdamW lr 1e-3,
 * weight decay 1e-5, trained by independent conditional flow matching
 * (sigma = 0.1) from a standard Gaussian to torchcfm's 8 Gaussians
 * (radius 5, covariance sqrt(0.1) I).  A step: draw x0, x1, t and the
 * noise, x_t = t x1 + (1 - t) x0 + sigma eps, target u_t = x1 - x0, the
 * mean-squared loss, its gradient, one AdamW step.
 * experiments/bench-train-torch.py does the same in PyTorch.
 *
 *   bench-train [--steps N] [--threads T] [--seed S]
 *
 * Output (stdout), one line:
 *   steps N batch 512 threads T cblas NAME wall_per_step W cpu_per_step C
 *   loss L
 * (W, C seconds; L the mean loss of the last 100 steps).  The first 20
 * steps are a warm-up, not timed.  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define FC_EXP_NAME "bench-train"
#include "exp_args.h"
#include "fc_blas.h"
#include "fc_mlp.h"
#include "fc_rng.h"

#define BATCH 512
#define SIGMA 0.1
#define WARMUP 20

static double
cpu_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* One batch: IN (BATCH, 3) rows (x_t, t) and TARGET (BATCH, 2).  */
static void
draw_batch (gsl_rng *r, double *in, double *target)
{
  const double sd1 = pow (0.1, 0.25); /* covariance sqrt(0.1) I */
  for (size_t p = 0; p < BATCH; p++)
    {
      double a = 2.0 * M_PI * (double) gsl_rng_uniform_int (r, 8) / 8.0;
      double t = gsl_rng_uniform (r);
      double x0[2], x1[2];
      x1[0] = 5.0 * cos (a) + sd1 * gsl_ran_gaussian_ziggurat (r, 1.0);
      x1[1] = 5.0 * sin (a) + sd1 * gsl_ran_gaussian_ziggurat (r, 1.0);
      for (int k = 0; k < 2; k++)
        {
          x0[k] = gsl_ran_gaussian_ziggurat (r, 1.0);
          in[3 * p + k] = t * x1[k] + (1.0 - t) * x0[k]
                          + SIGMA * gsl_ran_gaussian_ziggurat (r, 1.0);
          target[2 * p + k] = x1[k] - x0[k];
        }
      in[3 * p + 2] = t;
    }
}

static void
help (void)
{
  puts ("Usage: bench-train [--steps N] [--threads T] [--seed S]\n"
        "Seconds per training step of the 3 x 64 SELU network (batch 512,\n"
        "AdamW), after 20 warm-up steps.\n"
        "\n"
        "Options:\n"
        "  --steps N    timed steps, in [100, 10^7] (default 2000)\n"
        "  --threads T  OpenMP threads, in [1, 256] (default 1)\n"
        "  --seed S     seed of the data and the weights (default 20240501)\n"
        "  --help       this text\n"
        "\n"
        "Exit status: 0 done, 1 failure, 2 bad usage (unknown, repeated or\n"
        "bad option).");
}

int
main (int argc, char **argv)
{
  size_t steps = 2000, threads = 1;
  unsigned long seed = 20240501UL;
  fc_exp_refuse_repeats (argc, argv);
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--help") == 0)
        {
          help ();
          return EXIT_SUCCESS;
        }
      else if (fc_exp_is (argv[i], "--steps"))
        steps = fc_exp_size_value (argc, argv, &i, "--steps", 100, 10000000);
      else if (fc_exp_is (argv[i], "--threads"))
        threads = fc_exp_size_value (argc, argv, &i, "--threads", 1, 256);
      else if (fc_exp_is (argv[i], "--seed"))
        seed = fc_exp_size_value (argc, argv, &i, "--seed", 0,
                                  FC_EXP_SEED_MAX);
      else
        fc_exp_usage_error (argv[i], "unknown option");
    }
#ifdef _OPENMP
  omp_set_num_threads ((int) threads);
#endif
  const size_t widths[] = { 3, 64, 64, 64, 2 };
  fc_mlp *net = fc_mlp_alloc (4, widths, FC_MLP_SELU);
  fc_mlp_work *w = net ? fc_mlp_work_alloc (net, BATCH) : NULL;
  fc_adam_config cfg = fc_adam_defaults (1);
  cfg.weight_decay = 1e-5;
  fc_adam *opt = net ? fc_adam_alloc (fc_mlp_n_params (net), &cfg) : NULL;
  gsl_rng *r = fc_rng_alloc (seed, 1);
  double *in = malloc (BATCH * 3 * sizeof (double));
  double *target = malloc (BATCH * 2 * sizeof (double));
  if (!w || !opt || !r || !in || !target
      || fc_mlp_init (net, seed, 0) != GSL_SUCCESS)
    {
      fputs ("bench-train: no memory\n", stderr);
      return EXIT_FAILURE;
    }
  double wall0 = 0, cpu0 = 0, loss_sum = 0;
  for (size_t s = 0; s < steps + WARMUP; s++)
    {
      if (s == WARMUP)
        {
          wall0 = fc_io_wall_seconds ();
          cpu0 = cpu_now ();
        }
      double loss;
      draw_batch (r, in, target);
      fc_mlp_mse_step (net, w, BATCH, in, target, &loss, fc_mlp_work_grad (w));
      fc_adam_step (opt, fc_mlp_params (net), fc_mlp_work_grad (w));
      if (s + 100 >= steps + WARMUP)
        loss_sum += loss;
    }
  double wall = (fc_io_wall_seconds () - wall0) / steps, cpu = (cpu_now () - cpu0) / steps;
  printf ("steps %zu batch %d threads %zu cblas %s wall_per_step %.6g "
          "cpu_per_step %.6g loss %.6g\n", steps, BATCH, threads,
          fc_blas_name (), wall, cpu, loss_sum / 100);
  free (in);
  free (target);
  gsl_rng_free (r);
  fc_adam_free (opt);
  fc_mlp_work_free (w);
  fc_mlp_free (net);
  return EXIT_SUCCESS;
}
