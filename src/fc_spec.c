/* src/fc_spec.c -- the strict parser and writer of mixture spec files.
 *
 * Grammar (fc_spec.h, ARCHITECTURE.md "Contracts"), one statement a line,
 * '#' starting a comment anywhere, blank lines and CRLF line ends allowed:
 *
 *   dim D                       once, before any component
 *   component WEIGHT            WEIGHT finite and > 0
 *   mean m1 ... mD
 *   var v | diag v1 ... vD | cov c11 ... cDD    exactly one, after 'mean'
 *
 * Every error is reported as "NAME:LINE: message" naming what was expected
 * and what was found, and the parse returns NULL (ARCHITECTURE.md "Bad
 * input").  Covariances must be positive definite: a spec describes data
 * with a density; point masses are built with fc_gmm_point_masses.  All
 * checks are made here, before the mixture is built, so that a malformed
 * file never reaches the GSL error handler.
 *
 * The line reader and the number helpers are shared with the observation
 * parser (fc_parse.h).  */
#include <config.h>

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>

#include "fc_gmm.h"
#include "fc_parse.h"
#include "fc_spec.h"

/* Largest accepted 'dim'.  A spec stores dense D x D covariances as text,
   so 1024 (8 MB per component) is far beyond any hand-written file, and it
   keeps a typo such as "dim 1000000" from exhausting memory.  */
#define FC_SPEC_DIM_MAX 1024

/* "NAME:LINE: message" into the error buffer of parser P; -1.  */
#define fc_spec_fail(p, ...) fc_parse_fail (&(p)->ctx, __VA_ARGS__)

typedef struct
{
  fc_parse_ctx ctx;     /* file name, error buffer, current line */
  size_t dim;           /* 0 until 'dim' is read */
  size_t dim_line;
  size_t n, cap;        /* components read, and room for */
  double *weight;       /* (cap) */
  double *mean;         /* (cap, D) */
  double *cov;          /* (cap, D, D) */
  size_t *comp_line;    /* (cap) line of each 'component' */
  int have_mean;        /* of the current (last) component */
  int have_cov;
  double *num;          /* (D * D) numbers of the current line */
} fc_spec_parser;

/* What the grammar expects next, for messages.  */
static const char *
fc_spec_expected (const fc_spec_parser *p)
{
  if (p->dim == 0)
    return "'dim'";
  if (p->n == 0)
    return "'component'";
  if (!p->have_mean)
    return "'mean'";
  if (!p->have_cov)
    return "'var', 'diag' or 'cov'";
  return "'component' or end of file";
}

/* 'dim D': D a decimal integer in [1, FC_SPEC_DIM_MAX].  */
static int
fc_spec_dim (fc_spec_parser *p, char **tok, size_t ntok)
{
  if (fc_parse_once (&p->ctx, fc_spec_expected (p), "dim", p->dim_line))
    return -1;
  if (ntok != 2)
    return fc_spec_fail (p, "'dim' needs 1 number, found %zu", ntok - 1);
  const char *s = tok[1];
  size_t d = 0;
  for (size_t i = 0; s[i] != '\0'; i++)
    {
      if (!isdigit ((unsigned char) s[i]) || d > FC_SPEC_DIM_MAX)
        return fc_spec_fail (p, "'dim': expected an integer in [1, %d], "
                             "found '%s'", FC_SPEC_DIM_MAX, s);
      d = 10 * d + (size_t) (s[i] - '0');
    }
  if (d < 1 || d > FC_SPEC_DIM_MAX)
    return fc_spec_fail (p, "'dim': expected an integer in [1, %d], "
                         "found '%s'", FC_SPEC_DIM_MAX, s);
  p->num = malloc (d * d * sizeof (double));
  if (p->num == NULL)
    return fc_spec_fail (p, "out of memory");
  p->dim = d;
  p->dim_line = p->ctx.line;
  return 0;
}

/* Room for one more component.  */
static int
fc_spec_grow (fc_spec_parser *p)
{
  if (p->n < p->cap)
    return 0;
  size_t cap = p->cap ? 2 * p->cap : 8, d = p->dim;
  double *w = realloc (p->weight, cap * sizeof (double));
  if (w)
    p->weight = w;
  double *m = realloc (p->mean, cap * d * sizeof (double));
  if (m)
    p->mean = m;
  double *c = realloc (p->cov, cap * d * d * sizeof (double));
  if (c)
    p->cov = c;
  size_t *l = realloc (p->comp_line, cap * sizeof (size_t));
  if (l)
    p->comp_line = l;
  if (!w || !m || !c || !l)
    return fc_spec_fail (p, "out of memory");
  p->cap = cap;
  return 0;
}

/* Complain about an incomplete current component; FOUND names what came
   instead of its missing part.  */
static int
fc_spec_incomplete (fc_spec_parser *p, const char *found)
{
  size_t at = p->comp_line[p->n - 1];
  if (!p->have_mean)
    return fc_spec_fail (p, "component of line %zu has no 'mean': "
                         "expected 'mean', found %s", at, found);
  return fc_spec_fail (p, "component of line %zu has no covariance: "
                       "expected 'var', 'diag' or 'cov', found %s", at,
                       found);
}

/* 'component WEIGHT'.  */
static int
fc_spec_component (fc_spec_parser *p, char **tok, size_t ntok)
{
  double w;
  if (p->n > 0 && !(p->have_mean && p->have_cov))
    return fc_spec_incomplete (p, "'component'");
  if (fc_parse_numbers (&p->ctx, tok, ntok, 1, &w))
    return -1;
  if (!(w > 0.0))
    return fc_spec_fail (p, "'component': weight must be > 0, found '%s'",
                         tok[1]);
  if (fc_spec_grow (p))
    return -1;
  p->weight[p->n] = w;
  p->comp_line[p->n] = p->ctx.line;
  p->n++;
  p->have_mean = p->have_cov = 0;
  return 0;
}

/* 'mean m1 ... mD'.  */
static int
fc_spec_mean (fc_spec_parser *p, char **tok, size_t ntok)
{
  if (p->have_mean)
    return fc_spec_fail (p, "expected %s, found a second 'mean' "
                         "(component of line %zu)", fc_spec_expected (p),
                         p->comp_line[p->n - 1]);
  if (fc_parse_numbers (&p->ctx, tok, ntok, p->dim,
                        p->mean + (p->n - 1) * p->dim))
    return -1;
  p->have_mean = 1;
  return 0;
}

/* Every one of the N numbers in P->num must be > 0 (a variance).  */
static int
fc_spec_positive (fc_spec_parser *p, char **tok, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!(p->num[i] > 0.0))
      return fc_spec_fail (p, "'%s': a variance must be > 0, found '%s' "
                           "(covariance not positive definite)", tok[0],
                           tok[i + 1]);
  return 0;
}

/* Every variance (diagonal entry) of S (D, D) must be at least DBL_MIN:
   a subnormal variance v has a precision 1/v that overflows a double, so
   at t = 1 the score, velocity and divergence overflow at every point but
   the mean.  Such a spec cannot be evaluated and is refused here rather
   than at the first point.  (Means may be anything finite: whether a
   quantity is representable then depends on the point, and eval names the
   point.)  */
static int
fc_spec_normal_variances (fc_spec_parser *p, const char *kw, size_t d,
                          const double *s)
{
  for (size_t i = 0; i < d; i++)
    if (s[i * d + i] > 0.0 && s[i * d + i] < DBL_MIN)
      return fc_spec_fail (p, "'%s': variance %.17g (entry %zu) is below "
                           "%.17g, the smallest normal double: its inverse "
                           "overflows, so the quantities at t = 1 cannot be "
                           "evaluated", kw, s[i * d + i], i + 1, DBL_MIN);
  return 0;
}

/* Report the most asymmetric pair of entries of S (D, D).  */
static int
fc_spec_asymmetric (fc_spec_parser *p, size_t d, const double *s)
{
  size_t bi = 1, bj = 0;
  double worst = -1.0;
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < i; j++)
      if (fabs (s[i * d + j] - s[j * d + i]) > worst)
        {
          worst = fabs (s[i * d + j] - s[j * d + i]);
          bi = i;
          bj = j;
        }
  return fc_spec_fail (p, "'cov' is not symmetric: entry (%zu,%zu) is %.17g "
                       "but (%zu,%zu) is %.17g", bj + 1, bi + 1,
                       s[bj * d + bi], bi + 1, bj + 1, s[bi * d + bj]);
}

/* The full matrix of 'var', 'diag' or 'cov' into S, checked symmetric and
   positive definite with the very tests of fc_gmm.  */
static int
fc_spec_covariance (fc_spec_parser *p, char **tok, size_t ntok)
{
  size_t d = p->dim, n = strcmp (tok[0], "var") == 0 ? 1
                        : strcmp (tok[0], "diag") == 0 ? d : d * d;
  double *s = p->cov + (p->n - 1) * d * d;
  if (p->have_cov)
    return fc_spec_fail (p, "expected %s, found a second covariance '%s' "
                         "(component of line %zu)", fc_spec_expected (p),
                         tok[0], p->comp_line[p->n - 1]);
  if (fc_parse_numbers (&p->ctx, tok, ntok, n, p->num))
    return -1;
  if (n < d * d && fc_spec_positive (p, tok, n))
    return -1;
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      s[i * d + j] = n == d * d ? p->num[i * d + j]
                     : i != j   ? 0.0
                                : p->num[n == 1 ? 0 : i];
  if (fc_spec_normal_variances (p, tok[0], d, s))
    return -1;
  if (!fc_gmm_cov_is_symmetric (d, s))
    return fc_spec_asymmetric (p, d, s);
  if (!fc_gmm_cov_is_pd (d, s))
    return fc_spec_fail (p, "'%s' is not positive definite", tok[0]);
  p->have_cov = 1;
  return 0;
}

/* One statement.  Keywords out of order get "expected X, found Y".  */
static int
fc_spec_statement (void *parser, char **tok, size_t ntok)
{
  fc_spec_parser *p = parser;
  const char *kw = tok[0];
  int is_cov = !strcmp (kw, "var") || !strcmp (kw, "diag")
               || !strcmp (kw, "cov");
  if (!strcmp (kw, "dim"))
    return fc_spec_dim (p, tok, ntok);
  if (!strcmp (kw, "component") && p->dim > 0)
    return fc_spec_component (p, tok, ntok);
  if (!strcmp (kw, "mean") && p->n > 0 && !p->have_cov)
    return fc_spec_mean (p, tok, ntok);
  if (is_cov && p->n > 0 && p->have_mean)
    return fc_spec_covariance (p, tok, ntok);
  return fc_parse_unexpected (&p->ctx, fc_spec_expected (p), kw,
                              !strcmp (kw, "component")
                                || !strcmp (kw, "mean") || is_cov);
}

/* The end of the file: the spec must be complete.  */
static int
fc_spec_finish (fc_spec_parser *p)
{
  if (p->dim == 0)
    return fc_spec_fail (p, "%s: expected 'dim', found end of file",
                         p->ctx.line == 0 ? "empty spec" : "no 'dim'");
  if (p->n == 0)
    return fc_spec_fail (p, "no component: expected 'component', "
                         "found end of file");
  if (!(p->have_mean && p->have_cov))
    return fc_spec_incomplete (p, "end of file");
  return 0;
}

/* The mixture of the parsed components, prepared.  */
static fc_gmm *
fc_spec_build (fc_spec_parser *p)
{
  size_t d = p->dim;
  fc_gmm *g = fc_gmm_alloc (d, p->n);
  int status = g == NULL ? GSL_ENOMEM : GSL_SUCCESS;
  for (size_t k = 0; k < p->n && status == GSL_SUCCESS; k++)
    status = fc_gmm_set_component (g, k, p->weight[k], p->mean + k * d,
                                   p->cov + k * d * d);
  if (status == GSL_SUCCESS)
    status = fc_gmm_prepare (g);
  if (status != GSL_SUCCESS)
    {
      fc_spec_fail (p, "cannot build the mixture: %s", gsl_strerror (status));
      fc_gmm_free (g);
      return NULL;
    }
  return g;
}

static void
fc_spec_parser_free (fc_spec_parser *p)
{
  free (p->weight);
  free (p->mean);
  free (p->cov);
  free (p->comp_line);
  free (p->num);
}

fc_gmm *
fc_spec_read_stream (FILE *in, const char *name, char *err, size_t errlen)
{
  fc_spec_parser p;
  memset (&p, 0, sizeof p);
  fc_parse_ctx_init (&p.ctx, name, err, errlen);
  fc_gmm *g = NULL;
  if (fc_parse_statements (&p.ctx, in, fc_spec_statement, &p) == 0
      && fc_spec_finish (&p) == 0)
    g = fc_spec_build (&p);
  fc_spec_parser_free (&p);
  return g;
}

fc_gmm *
fc_spec_read_file (const char *path, char *err, size_t errlen)
{
  FILE *in = fc_parse_open (path, err, errlen);
  if (in == NULL)
    return NULL;
  fc_gmm *g = fc_spec_read_stream (in, path, err, errlen);
  fclose (in);
  return g;
}

fc_gmm *
fc_spec_load (const char *name_or_path, char *err, size_t errlen)
{
  fc_gmm *g = fc_spec_builtin (name_or_path);
  if (g != NULL)
    return g;
  return fc_spec_read_file (name_or_path, err, errlen);
}

int
fc_spec_write (FILE *out, const fc_gmm *g)
{
  size_t d = g->dim;
  fprintf (out, "# flowcheck mixture: %zu component%s in %zu dimension%s\n",
           g->n_comp, g->n_comp == 1 ? "" : "s", d, d == 1 ? "" : "s");
  fprintf (out, "dim %zu\n", d);
  for (size_t k = 0; k < g->n_comp; k++)
    {
      fprintf (out, "component %.17g\n", g->weight[k]);
      fc_parse_write_row (out, "mean", d, g->mean + k * d);
      fc_parse_write_row (out, "cov", d * d, g->cov + k * d * d);
    }
  if (ferror (out))
    GSL_ERROR ("cannot write spec", GSL_EFAILED);
  return GSL_SUCCESS;
}
