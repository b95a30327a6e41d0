/* src/fc_obs.c -- the linear-Gaussian observation: storage, the strict
 * parser and the writer of observation files (fc_obs.h).
 *
 * The parser follows fc_spec.c: one statement a line, read with the shared
 * helpers of fc_parse.h; every error names the file and the line, says
 * what was expected and what was found, and the parse returns NULL.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>

#include "fc_obs.h"
#include "fc_parse.h"

fc_obs *
fc_obs_alloc (size_t m, size_t dim)
{
  if (m == 0 || dim == 0)
    GSL_ERROR_NULL ("observation needs m >= 1 and dim >= 1", GSL_EINVAL);
  fc_obs *o = calloc (1, sizeof *o);
  if (o == NULL)
    GSL_ERROR_NULL ("no memory for the observation", GSL_ENOMEM);
  o->m = m;
  o->dim = dim;
  o->sigma_y = 1.0;
  o->a = calloc (m * dim, sizeof (double));
  o->y = calloc (m, sizeof (double));
  if (o->a == NULL || o->y == NULL)
    {
      fc_obs_free (o);
      GSL_ERROR_NULL ("no memory for the observation", GSL_ENOMEM);
    }
  return o;
}

void
fc_obs_free (fc_obs *o)
{
  if (o == NULL)
    return;
  free (o->a);
  free (o->y);
  free (o);
}

int
fc_obs_check (const fc_obs *o, size_t dim)
{
  if (o == NULL || o->a == NULL || o->y == NULL || o->m == 0)
    GSL_ERROR ("no observation", GSL_EINVAL);
  if (dim != 0 && o->dim != dim)
    GSL_ERROR ("observation and data dimensions differ", GSL_EBADLEN);
  if (!(isfinite (o->sigma_y) && o->sigma_y > 0.0))
    GSL_ERROR ("observation noise sigma_y must be finite and > 0", GSL_EDOM);
  for (size_t i = 0; i < o->m * o->dim; i++)
    if (!isfinite (o->a[i]))
      GSL_ERROR ("observation matrix A has an entry that is not finite",
                 GSL_EDOM);
  for (size_t i = 0; i < o->m; i++)
    if (!isfinite (o->y[i]))
      GSL_ERROR ("observation y has an entry that is not finite", GSL_EDOM);
  return GSL_SUCCESS;
}

/* ------------------------------------------------------------ parser */

typedef struct
{
  fc_parse_ctx ctx;
  size_t dim;         /* D, from the caller */
  double sigma;
  size_t sigma_line;  /* 0 until 'sigma' is read */
  double *y;          /* (m) */
  size_t m, y_line;   /* 0 until 'y' is read */
  double *a;          /* (rows, D), grown row by row */
  size_t rows, cap;
} fc_obs_parser;

#define fc_obs_fail(p, ...) fc_parse_fail (&(p)->ctx, __VA_ARGS__)

/* What the grammar expects next, for messages.  */
static const char *
fc_obs_expected (const fc_obs_parser *p)
{
  if (p->sigma_line == 0)
    return "'sigma'";
  if (p->y_line == 0)
    return "'y'";
  if (p->rows < p->m)
    return "'row'";
  return "end of file";
}

/* 'sigma S', S finite and > 0.  */
static int
fc_obs_sigma (fc_obs_parser *p, char **tok, size_t ntok)
{
  if (fc_parse_once (&p->ctx, fc_obs_expected (p), "sigma", p->sigma_line)
      || fc_parse_numbers (&p->ctx, tok, ntok, 1, &p->sigma))
    return -1;
  if (!(p->sigma > 0.0))
    return fc_obs_fail (p, "'sigma': the noise standard deviation must be "
                        "> 0, found '%s'", tok[1]);
  p->sigma_line = p->ctx.line;
  return 0;
}

/* 'y y1 ... ym', m >= 1: m is the number of rows A must have.  */
static int
fc_obs_y (fc_obs_parser *p, char **tok, size_t ntok)
{
  if (fc_parse_once (&p->ctx, fc_obs_expected (p), "y", p->y_line))
    return -1;
  if (ntok < 2)
    return fc_obs_fail (p, "'y' needs at least 1 number, found 0");
  p->y = malloc ((ntok - 1) * sizeof (double));
  if (p->y == NULL)
    return fc_obs_fail (p, "out of memory");
  if (fc_parse_numbers (&p->ctx, tok, ntok, ntok - 1, p->y))
    return -1;
  p->m = ntok - 1;
  p->y_line = p->ctx.line;
  return 0;
}

/* 'row a1 ... aD': the next row of A.  */
static int
fc_obs_row (fc_obs_parser *p, char **tok, size_t ntok)
{
  if (p->rows == p->m)
    return fc_obs_fail (p, "expected end of file, found a 'row' too many "
                        "('y' on line %zu has %zu value%s, so A has %zu "
                        "row%s)", p->y_line, p->m, p->m == 1 ? "" : "s",
                        p->m, p->m == 1 ? "" : "s");
  if (p->rows == p->cap)
    {
      size_t cap = p->cap ? 2 * p->cap : 8;
      cap = cap < p->m ? cap : p->m;
      double *a = realloc (p->a, cap * p->dim * sizeof (double));
      if (a == NULL)
        return fc_obs_fail (p, "out of memory");
      p->a = a;
      p->cap = cap;
    }
  if (fc_parse_numbers (&p->ctx, tok, ntok, p->dim, p->a + p->rows * p->dim))
    return -1;
  p->rows++;
  return 0;
}

/* One statement; keywords out of order get "expected X, found Y".  */
static int
fc_obs_statement (void *parser, char **tok, size_t ntok)
{
  fc_obs_parser *p = parser;
  const char *kw = tok[0];
  int is_sigma = !strcmp (kw, "sigma"), is_y = !strcmp (kw, "y");
  int is_row = !strcmp (kw, "row");
  if (is_sigma && p->y_line == 0)
    return fc_obs_sigma (p, tok, ntok);
  if (is_y && p->sigma_line != 0 && p->rows == 0)
    return fc_obs_y (p, tok, ntok);
  if (is_row && p->y_line != 0)
    return fc_obs_row (p, tok, ntok);
  return fc_parse_unexpected (&p->ctx, fc_obs_expected (p), kw,
                              is_sigma || is_y || is_row);
}

/* The end of the file: the observation must be complete.  */
static int
fc_obs_finish (fc_obs_parser *p)
{
  if (p->sigma_line == 0)
    return fc_obs_fail (p, "%s: expected 'sigma', found end of file",
                        p->ctx.line == 0 ? "empty observation"
                                         : "no 'sigma'");
  if (p->y_line == 0)
    return fc_obs_fail (p, "no 'y': expected 'y', found end of file");
  if (p->rows < p->m)
    return fc_obs_fail (p, "A has %zu row%s but 'y' on line %zu has %zu "
                        "value%s: expected 'row', found end of file",
                        p->rows, p->rows == 1 ? "" : "s", p->y_line, p->m,
                        p->m == 1 ? "" : "s");
  return 0;
}

fc_obs *
fc_obs_read_stream (FILE *in, const char *name, size_t dim, char *err,
                    size_t errlen)
{
  fc_obs_parser p;
  memset (&p, 0, sizeof p);
  fc_parse_ctx_init (&p.ctx, name, err, errlen);
  p.dim = dim;
  fc_obs *o = NULL;
  if (dim == 0)
    fc_obs_fail (&p, "the data dimension must be >= 1");
  else if (fc_parse_statements (&p.ctx, in, fc_obs_statement, &p) == 0
           && fc_obs_finish (&p) == 0)
    {
      o = fc_obs_alloc (p.m, dim);
      if (o == NULL)
        fc_obs_fail (&p, "out of memory");
      else
        {
          memcpy (o->a, p.a, p.m * dim * sizeof (double));
          memcpy (o->y, p.y, p.m * sizeof (double));
          o->sigma_y = p.sigma;
        }
    }
  free (p.y);
  free (p.a);
  return o;
}

fc_obs *
fc_obs_read_file (const char *path, size_t dim, char *err, size_t errlen)
{
  FILE *in = fc_parse_open (path, err, errlen);
  if (in == NULL)
    return NULL;
  fc_obs *o = fc_obs_read_stream (in, path, dim, err, errlen);
  fclose (in);
  return o;
}

int
fc_obs_write (FILE *out, const fc_obs *o)
{
  fprintf (out, "# flowcheck observation: y = A x + N(0, sigma^2 I), "
           "%zu value%s of %zu-dimensional data\n", o->m,
           o->m == 1 ? "" : "s", o->dim);
  fprintf (out, "sigma %.17g\n", o->sigma_y);
  fc_parse_write_row (out, "y", o->m, o->y);
  for (size_t i = 0; i < o->m; i++)
    fc_parse_write_row (out, "row", o->dim, o->a + i * o->dim);
  if (ferror (out))
    GSL_ERROR ("cannot write the observation", GSL_EFAILED);
  return GSL_SUCCESS;
}
