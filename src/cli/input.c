/* src/cli/input.c -- every input of the flowcheck command, read once here:
 * the mixture of --data (a built-in name, else a spec file), the
 * observation file of --obs, the points of eval (standard input or
 * --points), and the rule that an input file is never a directory.
 *
 * Each reader reports its failure itself, as one line naming the option or
 * FILE:LINE (the parsers' own messages), so every command that takes the
 * same input says the same thing about it; the commands read all of their
 * input before the first byte of output (ARCHITECTURE.md "Contracts").  */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "fc_io.h"
#include "fc_npy.h"
#include "fc_spec.h"

/* Room for "FILE:LINE: message" from the parsers.  */
#define FC_CLI_ERR_LEN 1024

FILE *
fc_cli_open_input (const char *path)
{
  struct stat st;
  FILE *f = fopen (path, "r");
  if (f == NULL)
    return NULL;
  if (fstat (fileno (f), &st) == 0 && S_ISDIR (st.st_mode))
    {
      fclose (f);
      errno = EISDIR;
      return NULL;
    }
  return f;
}

/* The input file PATH of option OPT ("--obs"); NULL after
   "OPT: PATH: cannot open: REASON".  */
static FILE *
fc_cli_open_option (const char *cmd, const char *opt, const char *path)
{
  FILE *f = fc_cli_open_input (path);
  if (f == NULL)
    fc_cli_error (cmd, "%s: %s: cannot open: %s", opt, path,
                  strerror (errno));
  return f;
}

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
  FILE *f = fc_cli_open_option (cmd, "--obs", path);
  if (f == NULL)
    return NULL;
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

const char *
fc_cli_points_name (const char *points)
{
  return points == NULL || strcmp (points, "-") == 0 ? "<stdin>" : points;
}

/* *LINES = N zeros (NULL when N = 0): a .npy input has no lines, and
   fc_cli_point_where names its rows by index.  */
static int
fc_cli_row_numbers (size_t n, size_t **lines, char *err, size_t errlen)
{
  *lines = NULL;
  if (n == 0)
    return GSL_SUCCESS;
  *lines = calloc (n, sizeof **lines);
  if (*lines == NULL)
    {
      snprintf (err, errlen, "out of memory for %zu points", n);
      return GSL_ENOMEM;
    }
  return GSL_SUCCESS;
}

const char *
fc_cli_point_where (char *buf, size_t len, const char *name,
                    const size_t *lines, size_t i)
{
  if (lines != NULL && lines[i] > 0)
    snprintf (buf, len, "%s:%zu", name, lines[i]);
  else
    snprintf (buf, len, "%s: row %zu (counted from 0)", name, i);
  return buf;
}

int
fc_cli_load_points (const char *cmd, const char *points, size_t dim,
                    double **x, size_t *n, size_t **lines)
{
  char err[FC_CLI_ERR_LEN];
  const char *name = fc_cli_points_name (points);
  int from_stdin = name != points;
  FILE *in = from_stdin ? stdin : fc_cli_open_option (cmd, "--points", points);
  if (in == NULL)
    return -1;
  /* A .npy array (told apart by its first byte, which no text starts
     with) carries no line numbers: LINES then numbers the rows.  */
  int status;
  if (fc_npy_sniff (in))
    {
      status = fc_npy_read (in, name, dim, x, n, err, sizeof err);
      if (status == GSL_SUCCESS && lines != NULL)
        status = fc_cli_row_numbers (*n, lines, err, sizeof err);
    }
  else
    status = fc_io_read_points_lines (in, name, dim, x, n, lines, err,
                                      sizeof err);
  if (!from_stdin)
    fclose (in);
  if (status != GSL_SUCCESS)
    {
      fc_cli_error (cmd, "%s", err);
      return -1;
    }
  return 0;
}

void
fc_cli_print_builtins (FILE *out)
{
  fputs ("Built-in data sets (2-D mixtures, described in the README):\n ",
         out);
  for (const char *const *n = fc_spec_builtin_names (); *n != NULL; n++)
    fprintf (out, " %s", *n);
  fputc ('\n', out);
}

/* The observation-file format in brief.  */
static void
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

void
fc_cli_print_obs_example (FILE *out, const char *command)
{
  fputs ("Example (observe the first coordinate of 8gaussians):\n"
         "  printf 'sigma 0.1\\ny 1.5\\nrow 1 0\\n' > y.obs\n", out);
  fputs (command, out);
}

void
fc_cli_print_data_and_obs (FILE *out)
{
  fc_cli_print_builtins (out);
  fputc ('\n', out);
  fc_cli_print_obs_format (out);
}

