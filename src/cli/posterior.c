/* src/cli_posterior.c -- "flowcheck posterior": the exact posterior of
 * mixture data given a linear-Gaussian observation, as a spec file; and the
 * input readers that "flowcheck sample" shares with it.
 *
 * For q = sum_k w_k N(mu_k, S_k) and y = A x1 + N(0, sigma_y^2 I) the
 * posterior is again a mixture, with per-component Gaussian conditionals and
 * weights w_k N(y; A mu_k, A S_k A^T + sigma_y^2 I), normalised
 * (fc_gmm_condition; N §Guidance term, claims S5, S6).  It is written with
 * fc_spec_write, so "flowcheck eval --data" and "flowcheck sample --data"
 * read it back: the output of one command is the input of the next.  As for
 * every command, all input is read and checked before the first byte of
 * output (ARCHITECTURE.md "Contracts").  */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "fc_spec.h"

/* Room for "FILE:LINE: message" from the parsers.  */
#define FC_CLI_ERR_LEN 1024

/* ------------------------------------------------------------ inputs */

fc_gmm *
fc_cli_load_data (const char *cmd, const char *data)
{
  char err[FC_CLI_ERR_LEN];
  fc_gmm *g = fc_spec_builtin (data);
  if (g != NULL)
    return g;
  FILE *f = fc_cli_open_input (data);
  if (f == NULL)
    {
      int e = errno;
      fc_cli_error (cmd, "--data: '%s' is not a built-in data set "
                    "(see 'flowcheck %s --help') and cannot be read as a "
                    "spec file: %s", data, cmd, strerror (e));
      return NULL;
    }
  g = fc_spec_read_stream (f, data, err, sizeof err);
  fclose (f);
  if (g == NULL)
    fc_cli_error (cmd, "%s", err);
  return g;
}

fc_obs *
fc_cli_load_obs (const char *cmd, const char *path, size_t dim,
                 const char *data)
{
  char err[FC_CLI_ERR_LEN];
  FILE *f = fc_cli_open_input (path);
  if (f == NULL)
    {
      fc_cli_error (cmd, "--obs: %s: cannot open: %s", path,
                    strerror (errno));
      return NULL;
    }
  fc_obs *o = fc_obs_read_stream (f, path, dim, err, sizeof err);
  fclose (f);
  if (o != NULL)
    return o;
  /* A row of the wrong length is most often an observation written for
     data of another dimension: say which dimension the rows must have.  */
  if (strstr (err, "'row' needs") != NULL)
    fc_cli_error (cmd, "%s (rows of A have D = %zu entries, the dimension "
                  "of --data %s)", err, dim, data);
  else
    fc_cli_error (cmd, "%s", err);
  return NULL;
}

void
fc_cli_print_obs_format (FILE *out)
{
  fputs (
      "Observation file (--obs): y = A x1 + e, e ~ N(0, sigma^2 I), x1 the\n"
      "data, A an m x D matrix.  One statement a line, in this order, '#'\n"
      "starts a comment:\n"
      "  sigma S          the noise standard deviation, finite and > 0\n"
      "  y y1 ... ym      the m >= 1 observed values\n"
      "  row a1 ... aD    m lines: the rows of A, D = the data dimension\n"
      "Errors are reported as FILE:LINE: message.\n",
      out);
}

/* ------------------------------------------------------------ posterior */

void
fc_cli_posterior_usage (FILE *out)
{
  fputs (
      "Usage: flowcheck posterior --data SPEC|NAME --obs FILE\n"
      "\n"
      "The exact posterior of data x1 ~ q (a Gaussian mixture) given the\n"
      "observation y = A x1 + N(0, sigma^2 I) of FILE: again a mixture,\n"
      "one component per component of q (each conditioned on y), with\n"
      "weights w_k N(y; A mu_k, A S_k A^T + sigma^2 I), normalised.  It is\n"
      "written on standard output as a spec file (full 'cov' rows, %.17g),\n"
      "which 'flowcheck eval --data' and 'flowcheck sample --data' read.\n"
      "\n"
      "Options (both required):\n"
      "  --data SPEC|NAME  a built-in data set or a mixture spec file\n"
      "  --obs FILE        the observation file\n"
      "  -h, --help        print this help and exit\n"
      "\n",
      out);
  fputs ("Built-in data sets (2-D mixtures, described in the README):\n ",
         out);
  for (const char *const *n = fc_spec_builtin_names (); *n != NULL; n++)
    fprintf (out, " %s", *n);
  fputs ("\n\n", out);
  fc_cli_print_obs_format (out);
  fputs (
      "\n"
      "Example (observe the first coordinate of 8gaussians):\n"
      "  printf 'sigma 0.1\\ny 1.5\\nrow 1 0\\n' > y.obs\n"
      "  flowcheck posterior --data 8gaussians --obs y.obs > post.spec\n"
      "\n"
      "Exit status: 0 success; 1 the posterior could not be computed or\n"
      "written (a component numerically singular, e.g. for a tiny sigma;\n"
      "out of memory; write error); 2 bad usage or input (missing or bad\n"
      "option, malformed spec or observation file, wrong dimension), with\n"
      "nothing written on standard output.\n",
      out);
}

/* Parse the options into *DATA and *OBS; 0, or the exit status to return
   now (DONE set after --help).  */
static int
fc_cli_posterior_parse (int argc, char **argv, const char **data,
                        const char **obs, int *done)
{
  static const struct option longopts[] = {
    { "data", required_argument, NULL, FC_CLI_OPT_DATA },
    { "obs", required_argument, NULL, FC_CLI_OPT_OBS },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  int c;

  *done = 0;
  while ((c = getopt_long (argc, argv, ":h", longopts, NULL)) != -1)
    switch (c)
      {
      case FC_CLI_OPT_DATA:
        *data = optarg;
        break;
      case FC_CLI_OPT_OBS:
        *obs = optarg;
        break;
      case 'h':
        fc_cli_posterior_usage (stdout);
        *done = 1;
        return fc_cli_finish_output ("posterior", FC_CLI_EXIT_OK);
      default:
        return fc_cli_getopt_error ("posterior", c, argv, longopts);
      }
  if (optind < argc)
    {
      fc_cli_error ("posterior", "unexpected argument '%s'", argv[optind]);
      fc_cli_hint ("posterior");
      return FC_CLI_EXIT_USAGE;
    }
  if (*data == NULL || *obs == NULL)
    {
      fc_cli_error ("posterior", "missing required option %s",
                    *data == NULL ? "--data" : "--obs");
      fc_cli_hint ("posterior");
      return FC_CLI_EXIT_USAGE;
    }
  return 0;
}

/* The posterior of G given O, checked to be writable as a spec file that
   reads back.  NULL after a message.  */
static fc_gmm *
fc_cli_posterior_compute (const fc_gmm *g, const fc_obs *o)
{
  fc_gmm *post = fc_gmm_condition (g, o->m, o->a, o->y, o->sigma_y);
  if (post == NULL)
    {
      fc_cli_error ("posterior", "cannot condition the data on the "
                    "observation (numerical failure)");
      return NULL;
    }
  /* The spec reader requires positive-definite covariances (a Cholesky
     factorisation that succeeds), as fc_gmm_prepare records in all_pd; a
     posterior that fails it would be written but not read back.  */
  if (!post->all_pd)
    {
      fc_cli_error ("posterior", "a posterior component is numerically "
                    "singular (sigma %.17g is too small for the data's "
                    "scale); it cannot be written as a spec file",
                    o->sigma_y);
      fc_gmm_free (post);
      return NULL;
    }
  return post;
}

/* S on OUT with control characters (a newline would end the comment line)
   shown as '?'.  */
static void
fc_cli_posterior_put_name (FILE *out, const char *s)
{
  for (; *s != '\0'; s++)
    fputc ((unsigned char) *s < ' ' ? '?' : *s, out);
}

int
fc_cli_posterior (int argc, char **argv)
{
  const char *data = NULL, *obs_path = NULL;
  int done;

  int status = fc_cli_posterior_parse (argc, argv, &data, &obs_path, &done);
  if (status != 0 || done)
    return status;
  fc_gmm *g = fc_cli_load_data ("posterior", data);
  if (g == NULL)
    return FC_CLI_EXIT_USAGE;
  fc_obs *o = fc_cli_load_obs ("posterior", obs_path, g->dim, data);
  if (o == NULL)
    {
      fc_gmm_free (g);
      return FC_CLI_EXIT_USAGE;
    }
  fc_gmm *post = fc_cli_posterior_compute (g, o);
  status = post == NULL ? FC_CLI_EXIT_MISMATCH : FC_CLI_EXIT_OK;
  if (post != NULL)
    {
      /* Provenance first, as in every data file flowcheck writes.  */
      fputs ("# written by: flowcheck posterior --data ", stdout);
      fc_cli_posterior_put_name (stdout, data);
      fputs (" --obs ", stdout);
      fc_cli_posterior_put_name (stdout, obs_path);
      fputc ('\n', stdout);
      if (fc_spec_write (stdout, post) != GSL_SUCCESS)
        status = FC_CLI_EXIT_MISMATCH;
    }
  fc_gmm_free (post);
  fc_obs_free (o);
  fc_gmm_free (g);
  return fc_cli_finish_output ("posterior", status);
}
