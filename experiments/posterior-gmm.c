/* experiments/posterior-gmm.c -- posterior sampling by guided flows (G6).
 *
 *   posterior-gmm [--quick] [--seed S] [--out DIR] [--dims LIST]
 *                 [--rows LIST] [--sigmas LIST] [--priors LIST]
 *                 [--seeds R] [--samples N] [--steps K] [--help]
 *
 * Claim G6 (CATALOG.md; N §Guidance term): how close do the guided
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
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_io.h"
#include "fc_rng.h"
#include "posterior_gmm.h"
#define FC_EXP_NAME PG_NAME
#include "exp_cells.h"

#define FC_EXP_NAME PG_NAME
#include "exp_args.h"

const pg_method pg_methods[PG_N_METHODS] = {
  { FC_GUIDE_EXACT_SPLIT, NAN },   { FC_GUIDE_RECONSTRUCTION, 0.0 },
  { FC_GUIDE_RECONSTRUCTION, 0.1 }, { FC_GUIDE_RECONSTRUCTION, 0.5 },
  { FC_GUIDE_RECONSTRUCTION, 1.0 }, { FC_GUIDE_RECONSTRUCTION, 2.0 },
  { FC_GUIDE_TWEEDIE, NAN }
};

const char *const pg_status_names[] = { "ok", "div", "stiff" };

/* ------------------------------------------------------------ utilities */

/* The data file being written, removed when the run fails, so that a
   failed run leaves no output.  */
fc_datafile *pg_open_file;

void
pg_fail (const char *what)
{
  fprintf (stderr, PG_NAME ": %s\n", what);
  fc_datafile_abort (pg_open_file);
  exit (EXIT_FAILURE);
}

void *
pg_xmalloc (size_t n)
{
  void *p = malloc (n > 0 ? n : 1);
  if (p == NULL)
    pg_fail ("out of memory");
  return p;
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

void
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
pg_table_row (FILE *table, const pg_config *c, const char *method,
              double gamma, const pg_score *s, const pg_score *noise,
              const char *flag)
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
  fprintf (table,
           "%-6s %3zu %2zu %7.3g %-15s %5s %4s %9s %10s %9s %8s %5s %8.2f\n",
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
   rows on TABLE and write its data rows to OUT.  */
void
pg_run_config (const pg_config *c, const pg_opts *o, FILE *table, FILE *out)
{
  unsigned long pseed = fc_rng_stream_seed (o->seed, PG_TAG_PROJ);
  pg_score noise = { 0 };
  double *exact = pg_exact_samples (c, o, pseed, &noise);
  for (size_t k = 0; k < PG_N_METHODS; k++)
    {
      pg_score s = pg_score_method (c, o, &pg_methods[k], exact, &noise,
                                    pseed);
      pg_table_row (table, c, fc_guide_method_name (pg_methods[k].method),
                    pg_methods[k].gamma, &s, &noise,
                    pg_at_noise (&s, &noise, o) ? "yes" : "no");
      pg_data_row (out, c, o, &pg_methods[k], &s, &noise);
    }
  pg_table_row (table, c, "(noise)", GSL_NAN, &noise, &noise, "-");
  fflush (table);
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
fc_datafile *
pg_open_data (const pg_opts *o, int argc, char **argv)
{
  char path[4096];
  fc_exp_out_dir (o->out_dir);
  if (fc_io_path (path, sizeof path, o->out_dir, PG_FILE) != GSL_SUCCESS)
    fc_exp_usage_error ("--out", "directory name too long");
  char *cmd = pg_command_line (argc, argv);
  fc_datafile *f = fc_datafile_open (path, cmd, PG_COLUMNS);
  free (cmd);
  if (f == NULL)
    {
      fprintf (stderr, PG_NAME ": --out: cannot write '%s': %s\n", path,
               strerror (errno));
      exit (2);
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
  double t0 = fc_io_wall_seconds ();
  for (int p = 0; p < PG_PRIOR_COUNT; p++)
    for (size_t id = 0; o->use_prior[p] && id < o->n_dims; id++)
      for (size_t is = 0; is < o->n_sigmas; is++)
        {
          pg_config c;
          double tc = fc_io_wall_seconds ();
          pg_config_init (&c, (pg_prior) p, o->dims[id], o->rows[id],
                          o->sigmas[is], o->seed);
          pg_run_config (&c, o, stdout, out);
          fprintf (stderr,
                   PG_NAME ": [%zu/%zu] %s d=%zu m=%zu sigma_y=%g: %.1f s "
                           "(elapsed %.1f s)\n",
                   ++i_conf, n_conf, pg_prior_names[p], c.d, c.m, c.sigma_y,
                   fc_io_wall_seconds () - tc, fc_io_wall_seconds () - t0);
          pg_config_free (&c);
        }
  printf ("# total wall time %.1f s\n", fc_io_wall_seconds () - t0);
}

int
main (int argc, char **argv)
{
  pg_opts o;
  fc_cells_opts co;
  fc_exp_take_cells (&argc, argv, &co);
  gsl_set_error_handler_off ();
  if (co.mode == FC_CELLS_MERGE)
    return pg_merge (co.merge_dir);
  pg_parse (argc, argv, &o);
  if (co.mode != FC_CELLS_ALL)
    return pg_run_cells (&o, &co, argc, argv);
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
