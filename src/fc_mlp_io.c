/* src/fc_mlp_io.c -- activation names and the text file format of fc_mlp
 * (fc_mlp.h, "File format"), read strictly: every error names the file
 * and line (fc_parse.h).  */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "fc_mlp.h"
#include "fc_parse.h"

#define FC_MLP_FORMAT_VERSION 1

static const char *const activation_names[FC_MLP_N_ACTIVATIONS]
    = { "selu", "relu", "tanh", "gelu" };

const char *
fc_mlp_activation_name (fc_mlp_activation a)
{
  return fc_parse_index_name (activation_names, FC_MLP_N_ACTIVATIONS, (int) a,
                              NULL);
}

int
fc_mlp_activation_parse (const char *name, fc_mlp_activation *a)
{
  int i = fc_parse_name_index (activation_names, FC_MLP_N_ACTIVATIONS, name);
  if (i < 0)
    return GSL_EINVAL;
  *a = (fc_mlp_activation) i;
  return GSL_SUCCESS;
}

int
fc_mlp_save (const fc_mlp *net, FILE *out)
{
  size_t L = fc_mlp_n_layers (net), np = fc_mlp_n_params (net);
  const double *theta = fc_mlp_params_const (net);
  fprintf (out, "fc_mlp %d\nactivation %s\nwidths", FC_MLP_FORMAT_VERSION,
           fc_mlp_activation_name (fc_mlp_act (net)));
  for (size_t l = 0; l <= L; l++)
    fprintf (out, " %zu", fc_mlp_width (net, l));
  fprintf (out, "\nparams %zu\n", np);
  for (size_t k = 0; k < np; k++)
    fprintf (out, "%.17g\n", theta[k]);
  if (fflush (out) != 0 || ferror (out))
    GSL_ERROR ("write error", GSL_EFAILED);
  return GSL_SUCCESS;
}

/* A positive integer token into *V; -1 with a message otherwise.  */
static int
parse_count (fc_parse_ctx *ctx, const char *kw, const char *tok, size_t *v)
{
  char *end;
  errno = 0;
  unsigned long long x = strtoull (tok, &end, 10);
  if (tok[0] == '-' || tok[0] == '+' || end == tok || *end || errno || x == 0
      || x > (unsigned long long) 1e9)
    return fc_parse_fail (ctx, "%s: '%s' is not a positive integer", kw, tok);
  *v = (size_t) x;
  return 0;
}

/* The next statement, which must be KW with NARGS arguments (NARGS < 0:
   at least one).  */
static int
expect (fc_parse_ctx *ctx, fc_parse_reader *r, FILE *in, const char *kw,
        int nargs)
{
  int s = fc_parse_next (ctx, r, in);
  if (s < 0)
    return -1;
  if (s == 0)
    return fc_parse_fail (ctx, "expected '%s', found the end of the file",
                          kw);
  if (strcmp (r->tok[0], kw) != 0)
    return fc_parse_fail (ctx, "expected '%s', found '%s'", kw, r->tok[0]);
  if (nargs >= 0 ? r->ntok != (size_t) nargs + 1 : r->ntok < 2)
    return fc_parse_fail (ctx, "'%s' takes %s%d value%s", kw,
                          nargs < 0 ? "at least " : "", nargs < 0 ? 1 : nargs,
                          nargs == 1 || nargs < 0 ? "" : "s");
  return 0;
}

/* The header (version, activation, widths) into a new network.  */
static fc_mlp *
read_header (fc_parse_ctx *ctx, fc_parse_reader *r, FILE *in)
{
  size_t version;
  fc_mlp_activation act;
  if (expect (ctx, r, in, "fc_mlp", 1) < 0
      || parse_count (ctx, "fc_mlp", r->tok[1], &version) < 0)
    return NULL;
  if (version != FC_MLP_FORMAT_VERSION)
    {
      fc_parse_fail (ctx, "unknown format version %zu (this reads %d)",
                     version, FC_MLP_FORMAT_VERSION);
      return NULL;
    }
  if (expect (ctx, r, in, "activation", 1) < 0)
    return NULL;
  if (fc_mlp_activation_parse (r->tok[1], &act) != GSL_SUCCESS)
    {
      fc_parse_fail (ctx, "unknown activation '%s' (selu, relu, tanh, gelu)",
                     r->tok[1]);
      return NULL;
    }
  if (expect (ctx, r, in, "widths", -1) < 0)
    return NULL;
  if (r->ntok < 3)
    {
      fc_parse_fail (ctx, "'widths' needs at least 2 values (input, output)");
      return NULL;
    }
  size_t L = r->ntok - 2, *widths = malloc ((L + 1) * sizeof (size_t));
  fc_mlp *net = NULL;
  if (!widths)
    fc_parse_fail (ctx, "no memory");
  else
    {
      size_t l = 0;
      while (l <= L && parse_count (ctx, "widths", r->tok[l + 1], widths + l)
                           == 0)
        l++;
      if (l > L && !(net = fc_mlp_alloc (L, widths, act)))
        fc_parse_fail (ctx, "no memory for the network");
    }
  free (widths);
  return net;
}

/* The parameter count and the parameters of NET.  */
static int
read_params (fc_parse_ctx *ctx, fc_parse_reader *r, FILE *in, fc_mlp *net)
{
  size_t np;
  if (expect (ctx, r, in, "params", 1) < 0
      || parse_count (ctx, "params", r->tok[1], &np) < 0)
    return -1;
  if (np != fc_mlp_n_params (net))
    return fc_parse_fail (ctx, "params %zu, but the widths give %zu", np,
                          fc_mlp_n_params (net));
  double *theta = fc_mlp_params (net);
  for (size_t k = 0; k < np; k++)
    {
      int s = fc_parse_next (ctx, r, in);
      if (s < 0)
        return -1;
      if (s == 0)
        return fc_parse_fail (ctx, "%zu parameters of %zu, then the end of "
                              "the file", k, np);
      if (r->ntok != 1)
        return fc_parse_fail (ctx, "one parameter a line, found %zu values",
                              r->ntok);
      if (fc_parse_number (ctx, "parameter", r->tok[0], theta + k) < 0)
        return -1;
    }
  int s = fc_parse_next (ctx, r, in);
  if (s > 0)
    return fc_parse_fail (ctx, "'%s' after the %zu parameters", r->tok[0],
                          np);
  return s;
}

fc_mlp *
fc_mlp_load (FILE *in, const char *name, char *err, size_t errlen)
{
  fc_parse_ctx ctx;
  fc_parse_reader r = { 0 };
  fc_parse_ctx_init (&ctx, name, err, errlen);
  fc_mlp *net = read_header (&ctx, &r, in);
  if (net && read_params (&ctx, &r, in, net) < 0)
    {
      fc_mlp_free (net);
      net = NULL;
    }
  fc_parse_reader_free (&r);
  return net;
}

int
fc_mlp_save_file (const fc_mlp *net, const char *path)
{
  FILE *out = fopen (path, "w");
  if (!out)
    GSL_ERROR ("cannot open the network file for writing", GSL_EFAILED);
  int status = fc_mlp_save (net, out);
  if (fclose (out) != 0 && status == GSL_SUCCESS)
    GSL_ERROR ("cannot close the network file", GSL_EFAILED);
  return status;
}

fc_mlp *
fc_mlp_load_file (const char *path, char *err, size_t errlen)
{
  FILE *in = fc_parse_open (path, err, errlen);
  if (!in)
    return NULL;
  fc_mlp *net = fc_mlp_load (in, path, err, errlen);
  fclose (in);
  return net;
}
