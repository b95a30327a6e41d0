/* src/cli/posterior.c -- "flowcheck posterior": the exact posterior of
 * mixture data given a linear-Gaussian observation, as a spec file.
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

#include <stdio.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "fc_spec.h"

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
  fc_cli_print_data_and_obs (out);
  fputc ('\n', out);
  fc_cli_print_obs_example (
      out, "  flowcheck posterior --data 8gaussians --obs y.obs > post.spec\n");
  fputs (
      "\n"
      "Exit status: 0 success; 1 the posterior could not be computed or\n"
      "written (a component numerically singular, e.g. for a tiny sigma;\n"
      "out of memory; write error); 2 bad usage or input (missing or bad\n"
      "option, malformed spec or observation file, wrong dimension), with\n"
      "nothing written on standard output.\n",
      out);
}

/* The options of posterior: the files it reads.  */
typedef struct
{
  const char *data; /* --data: built-in name or spec file */
  const char *obs;  /* --obs: observation file */
} fc_cli_posterior_args;

/* Store option C of posterior into ARGS (an fc_cli_posterior_args).  */
static int
fc_cli_posterior_option (void *args, int c)
{
  fc_cli_posterior_args *a = args;
  if (c == FC_CLI_OPT_DATA)
    a->data = optarg;
  else /* FC_CLI_OPT_OBS */
    a->obs = optarg;
  return 0;
}

/* Parse the options of posterior into A, both files named;
   FC_CLI_PARSED, or the exit status to return now.  */
static int
fc_cli_posterior_parse (int argc, char **argv, fc_cli_posterior_args *a)
{
  static const struct option longopts[] = {
    { "data", required_argument, NULL, FC_CLI_OPT_DATA },
    { "obs", required_argument, NULL, FC_CLI_OPT_OBS },
    FC_CLI_HELP_AND_END
  };
  static const fc_cli_parser parser = {
    "posterior", longopts, fc_cli_posterior_usage, fc_cli_posterior_option,
    ""
  };
  int status = fc_cli_parse (&parser, argc, argv, a);
  if (status != FC_CLI_PARSED)
    return status;
  const fc_cli_required req[] = { { "--data", a->data }, { "--obs", a->obs } };
  if (fc_cli_require ("posterior", req, 2) != 0)
    return FC_CLI_EXIT_USAGE;
  return FC_CLI_PARSED;
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

/* The spec file of POST on stdout, after a provenance line naming the
   inputs A, as in every data file flowcheck writes.  Returns the exit
   status.  */
static int
fc_cli_posterior_write (const fc_cli_posterior_args *a, const fc_gmm *post)
{
  fputs ("# written by: flowcheck posterior --data ", stdout);
  fc_cli_posterior_put_name (stdout, a->data);
  fputs (" --obs ", stdout);
  fc_cli_posterior_put_name (stdout, a->obs);
  fputc ('\n', stdout);
  return fc_spec_write (stdout, post) == GSL_SUCCESS ? FC_CLI_EXIT_OK
                                                     : FC_CLI_EXIT_MISMATCH;
}

int
fc_cli_posterior (int argc, char **argv)
{
  fc_cli_posterior_args a = { NULL, NULL };

  int status = fc_cli_posterior_parse (argc, argv, &a);
  if (status != FC_CLI_PARSED)
    return status;
  fc_gmm *g = fc_cli_load_data ("posterior", a.data);
  if (g == NULL)
    return FC_CLI_EXIT_USAGE;
  fc_obs *o = fc_cli_load_obs ("posterior", a.obs, g->dim, a.data);
  if (o == NULL)
    {
      fc_gmm_free (g);
      return FC_CLI_EXIT_USAGE;
    }
  fc_gmm *post = fc_cli_posterior_compute (g, o);
  status = post == NULL ? FC_CLI_EXIT_MISMATCH
                        : fc_cli_posterior_write (&a, post);
  fc_gmm_free (post);
  fc_obs_free (o);
  fc_gmm_free (g);
  return fc_cli_finish_output ("posterior", status);
}
