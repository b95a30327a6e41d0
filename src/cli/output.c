/* src/cli/output.c -- where eval and sample write their rows: standard
 * output (text), or --output FILE, text or, for a name ending in ".npy",
 * NumPy's binary format (fc_npy.h).
 *
 * A file is opened (as a temporary beside it) before any input is read,
 * so an unusable --output is refused at once, with exit status 2, before
 * any work; it is renamed into place only when every row is written, so a
 * failing run leaves no file, torn or whole (ARCHITECTURE.md "Contracts").  */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "fc_io.h"
#include "fc_npy.h"

static int
fc_cli_output_is_npy (const char *path)
{
  size_t len = strlen (path);
  return len >= 4 && strcmp (path + len - 4, ".npy") == 0;
}

int
fc_cli_output_open (const char *cmd, const char *path, fc_cli_output *o)
{
  memset (o, 0, sizeof *o);
  o->path = path;
  if (path == NULL || strcmp (path, "-") == 0)
    {
      o->path = NULL;
      return 0;
    }
  o->npy = fc_cli_output_is_npy (path);
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  o->file = fc_datafile_open_raw (path);
  gsl_set_error_handler (old);
  if (o->file != NULL)
    return 0;
  fc_cli_error (cmd, "--output: %s: cannot create: %s", path,
                strerror (errno));
  return FC_CLI_EXIT_USAGE;
}

void
fc_cli_write_rows (FILE *out, const double *x, size_t n, size_t width)
{
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < width; j++)
      fprintf (out, j + 1 < width ? "%.17g " : "%.17g\n", x[i * width + j]);
}

void
fc_cli_print_rows (const double *x, size_t n, size_t width)
{
  fc_cli_write_rows (stdout, x, n, width);
}

int
fc_cli_output_rows (fc_cli_output *o, const double *x, size_t n,
                    size_t width, int vector)
{
  if (o->file == NULL)
    {
      fc_cli_print_rows (x, n, width);
      return 0;
    }
  FILE *f = fc_datafile_stream (o->file);
  if (!o->npy)
    {
      fc_cli_write_rows (f, x, n, width);
      return 0;
    }
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  int status = fc_npy_write (f, x, n, width, vector && width == 1);
  gsl_set_error_handler (old);
  return status;
}

int
fc_cli_output_close (const char *cmd, fc_cli_output *o, int status)
{
  if (o->file == NULL)
    return fc_cli_finish_output (cmd, status);
  if (status != FC_CLI_EXIT_OK)
    {
      fc_datafile_abort (o->file);
      o->file = NULL;
      return status;
    }
  gsl_error_handler_t *old = gsl_set_error_handler_off ();
  int commit = fc_datafile_commit (o->file);
  gsl_set_error_handler (old);
  o->file = NULL;
  if (commit == GSL_SUCCESS)
    return status;
  fc_cli_error (cmd, "--output: %s: write error: %s", o->path,
                strerror (errno));
  return FC_CLI_EXIT_MISMATCH;
}
