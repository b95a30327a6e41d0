/* src/fc_mlp.c -- the network of fc_mlp.h: shape, parameters, seeded
 * initialisation, the training pass (forward with an activation cache,
 * backward to the parameter gradient, the mean-squared step) and the
 * chunked evaluation.  The operators are in fc_mlp_layers.c, the
 * optimiser in fc_optim.c, the file format in fc_mlp_io.c.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "fc_blas.h"
#include "fc_mlp.h"
#include "fc_mlp_layers.h"
#include "fc_rng.h"

struct fc_mlp
{
  size_t n_layers;     /* L */
  size_t *widths;      /* w[0 .. L] */
  size_t *offset;      /* offset[l]: W_l in params; b_l follows W_l */
  size_t n_params;
  fc_mlp_activation act;
  double *params;      /* (n_params), the flat layout of fc_mlp.h */
};

/* The activation cache and gradient buffers for N_MAX points.  */
struct fc_mlp_work
{
  size_t n_max;
  size_t n;            /* points of the last forward pass, 0: none */
  size_t n_layers;
  size_t n_params;
  double *in;          /* (n_max, w[0]), a copy of the last input */
  double **pre;        /* pre[l] (n_max, w[l+1]): h W_l^T + b_l */
  double **post;       /* post[l] (n_max, w[l+1]) = act (pre[l]), l < L-1 */
  double *gpre;        /* (n_max, wmax): dLoss/d pre of the current layer */
  double *gpost;       /* (n_max, wmax): dLoss/d input of the current layer */
  double *grad;        /* (n_params) */
  double *block;       /* the one allocation behind the buffers */
};

static const double *
layer_w (const fc_mlp *net, const double *theta, size_t l)
{
  (void) net;
  return theta + net->offset[l];
}

static const double *
layer_b (const fc_mlp *net, const double *theta, size_t l)
{
  return theta + net->offset[l] + net->widths[l + 1] * net->widths[l];
}

fc_mlp *
fc_mlp_alloc (size_t n_layers, const size_t *widths, fc_mlp_activation act)
{
  if (n_layers == 0 || !widths || (int) act < 0
      || act >= FC_MLP_N_ACTIVATIONS)
    return NULL;
  for (size_t l = 0; l <= n_layers; l++)
    if (widths[l] == 0)
      return NULL;
  fc_mlp *net = calloc (1, sizeof *net);
  if (!net)
    return NULL;
  net->n_layers = n_layers;
  net->act = act;
  net->widths = malloc ((n_layers + 1) * sizeof (size_t));
  net->offset = malloc (n_layers * sizeof (size_t));
  if (!net->widths || !net->offset)
    {
      fc_mlp_free (net);
      return NULL;
    }
  memcpy (net->widths, widths, (n_layers + 1) * sizeof (size_t));
  for (size_t l = 0; l < n_layers; l++)
    {
      net->offset[l] = net->n_params;
      net->n_params += widths[l + 1] * (widths[l] + 1);
    }
  net->params = calloc (net->n_params, sizeof (double));
  if (!net->params)
    {
      fc_mlp_free (net);
      return NULL;
    }
  fc_blas_serial ();
  return net;
}

void
fc_mlp_free (fc_mlp *net)
{
  if (!net)
    return;
  free (net->widths);
  free (net->offset);
  free (net->params);
  free (net);
}

fc_mlp *
fc_mlp_clone (const fc_mlp *net)
{
  if (!net)
    return NULL;
  fc_mlp *c = fc_mlp_alloc (net->n_layers, net->widths, net->act);
  if (c)
    memcpy (c->params, net->params, net->n_params * sizeof (double));
  return c;
}

size_t fc_mlp_n_layers (const fc_mlp *net) { return net->n_layers; }
size_t fc_mlp_input_dim (const fc_mlp *net) { return net->widths[0]; }
size_t fc_mlp_n_params (const fc_mlp *net) { return net->n_params; }
fc_mlp_activation fc_mlp_act (const fc_mlp *net) { return net->act; }
double *fc_mlp_params (fc_mlp *net) { return net->params; }
const double *fc_mlp_params_const (const fc_mlp *net) { return net->params; }

size_t
fc_mlp_width (const fc_mlp *net, size_t l)
{
  return l <= net->n_layers ? net->widths[l] : 0;
}

size_t
fc_mlp_output_dim (const fc_mlp *net)
{
  return net->widths[net->n_layers];
}

void
fc_mlp_get_params (const fc_mlp *net, double *theta)
{
  memcpy (theta, net->params, net->n_params * sizeof (double));
}

int
fc_mlp_set_params (fc_mlp *net, const double *theta)
{
  for (size_t k = 0; k < net->n_params; k++)
    if (!isfinite (theta[k]))
      GSL_ERROR ("non-finite parameter", GSL_EDOM);
  memcpy (net->params, theta, net->n_params * sizeof (double));
  return GSL_SUCCESS;
}

int
fc_mlp_init (fc_mlp *net, unsigned long seed, unsigned long stream)
{
  gsl_rng *r = fc_rng_alloc (seed, stream);
  if (!r)
    GSL_ERROR ("no memory for the generator", GSL_ENOMEM);
  for (size_t l = 0; l < net->n_layers; l++)
    {
      fc_rng_reseed (r, seed, stream + l);
      double bound = 1.0 / sqrt ((double) net->widths[l]);
      size_t count = net->widths[l + 1] * (net->widths[l] + 1);
      double *theta = net->params + net->offset[l];
      for (size_t k = 0; k < count; k++)
        theta[k] = bound * (2.0 * gsl_rng_uniform (r) - 1.0);
    }
  gsl_rng_free (r);
  return GSL_SUCCESS;
}

/* ------------------------------------------------------------ workspace */

static size_t
max_width (const fc_mlp *net)
{
  size_t m = 0;
  for (size_t l = 0; l <= net->n_layers; l++)
    m = net->widths[l] > m ? net->widths[l] : m;
  return m;
}

void
fc_mlp_work_free (fc_mlp_work *w)
{
  if (!w)
    return;
  free (w->pre);
  free (w->post);
  free (w->block);
  free (w);
}

fc_mlp_work *
fc_mlp_work_alloc (const fc_mlp *net, size_t n_max)
{
  if (!net || n_max == 0)
    return NULL;
  size_t L = net->n_layers, total = n_max * net->widths[0];
  for (size_t l = 0; l < L; l++)
    total += 2 * n_max * net->widths[l + 1];
  total += 2 * n_max * max_width (net) + net->n_params;
  fc_mlp_work *w = calloc (1, sizeof *w);
  if (!w)
    return NULL;
  w->pre = malloc (L * sizeof (double *));
  w->post = malloc (L * sizeof (double *));
  w->block = malloc (total * sizeof (double));
  if (!w->pre || !w->post || !w->block)
    {
      fc_mlp_work_free (w);
      return NULL;
    }
  w->n_max = n_max;
  w->n_layers = L;
  w->n_params = net->n_params;
  double *p = w->block;
  w->in = p;
  p += n_max * net->widths[0];
  for (size_t l = 0; l < L; l++)
    {
      w->pre[l] = p;
      p += n_max * net->widths[l + 1];
      w->post[l] = p;
      p += n_max * net->widths[l + 1];
    }
  w->gpre = p;
  p += n_max * max_width (net);
  w->gpost = p;
  p += n_max * max_width (net);
  w->grad = p;
  return w;
}

static int
work_fits (const fc_mlp *net, const fc_mlp_work *w)
{
  return w->n_layers == net->n_layers && w->n_params == net->n_params;
}

/* -------------------------------------------------------- training pass */

int
fc_mlp_forward (const fc_mlp *net, fc_mlp_work *w, size_t n,
                const double *in, double *out)
{
  if (!net || !w || !in || !work_fits (net, w))
    GSL_ERROR ("null or mismatched network or workspace", GSL_EINVAL);
  if (n == 0 || n > w->n_max)
    GSL_ERROR ("batch empty or larger than the workspace", GSL_EBADLEN);
  size_t L = net->n_layers;
  memcpy (w->in, in, n * net->widths[0] * sizeof (double));
  const double *h = w->in; /* (n, w[l]) */
  for (size_t l = 0; l < L; l++)
    {
      size_t k = net->widths[l], m = net->widths[l + 1];
      fc_linear_forward (w->pre[l], h, layer_w (net, net->params, l),
                         layer_b (net, net->params, l), n, k, m);
      if (l + 1 < L)
        {
          fc_act_forward (net->act, w->post[l], w->pre[l], n * m);
          h = w->post[l];
        }
    }
  w->n = n;
  if (out)
    memcpy (out, w->pre[L - 1], n * net->widths[L] * sizeof (double));
  return GSL_SUCCESS;
}

const double *
fc_mlp_work_output (const fc_mlp_work *w)
{
  return w->pre[w->n_layers - 1];
}

double *
fc_mlp_work_grad (fc_mlp_work *w)
{
  return w->grad;
}

/* Layer l backward: G = dLoss/d pre[l] (n, w[l+1]) -> the gradients of
   W_l, b_l in W->grad and, when DINP is not NULL, DINP (n, w[l]) =
   dLoss/d input of layer l (overwritten).  */
static void
layer_backward (const fc_mlp *net, fc_mlp_work *w, size_t l, const double *g,
                double *dinp)
{
  size_t n = w->n, k = net->widths[l], m = net->widths[l + 1];
  const double *inp = l == 0 ? w->in : w->post[l - 1];
  double *dw = w->grad + net->offset[l];
  if (dinp)
    memset (dinp, 0, n * k * sizeof (double));
  fc_linear_backward (dinp, dw, dw + m * k, g, inp,
                      layer_w (net, net->params, l), n, k, m);
}

int
fc_mlp_backward (const fc_mlp *net, fc_mlp_work *w, const double *dout,
                 double *grad, double *din)
{
  if (!net || !w || !dout || !work_fits (net, w))
    GSL_ERROR ("null or mismatched network or workspace", GSL_EINVAL);
  if (w->n == 0)
    GSL_ERROR ("backward pass before a forward pass", GSL_EINVAL);
  size_t L = net->n_layers, n = w->n;
  memset (w->grad, 0, net->n_params * sizeof (double));
  /* G runs down the layers: dLoss/d pre[l].  gpost takes dLoss/d post[l-1]
     while G is read, then gpre is overwritten with dLoss/d pre[l-1]: G
     may be gpre itself (fc_mlp_mse_step), already consumed by then.  */
  const double *g = dout;
  for (size_t l = L; l-- > 0;)
    {
      if (l == 0)
        {
          layer_backward (net, w, 0, g, din);
          break;
        }
      layer_backward (net, w, l, g, w->gpost);
      size_t count = n * net->widths[l];
      memset (w->gpre, 0, count * sizeof (double));
      fc_act_backward (net->act, w->gpre, w->pre[l - 1], w->gpost, count);
      g = w->gpre;
    }
  if (grad && grad != w->grad)
    memcpy (grad, w->grad, net->n_params * sizeof (double));
  return GSL_SUCCESS;
}

int
fc_mlp_mse_step (const fc_mlp *net, fc_mlp_work *w, size_t n,
                 const double *in, const double *target, double *loss,
                 double *grad)
{
  if (!target)
    GSL_ERROR ("null target", GSL_EINVAL);
  int status = fc_mlp_forward (net, w, n, in, NULL);
  if (status != GSL_SUCCESS)
    return status;
  size_t count = n * fc_mlp_output_dim (net);
  const double *pred = fc_mlp_work_output (w);
  if (loss)
    *loss = fc_mse_forward (pred, target, count);
  if (!grad)
    return GSL_SUCCESS;
  memset (w->gpre, 0, count * sizeof (double));
  fc_mse_backward (w->gpre, pred, target, count);
  return fc_mlp_backward (net, w, w->gpre, grad, NULL);
}
