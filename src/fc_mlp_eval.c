/* src/fc_mlp_eval.c -- evaluation-only forward passes of fc_mlp for any
 * number of points: fixed chunks of FC_MLP_CHUNK points (so the batch of
 * every BLAS product, hence each point's rounding, is fixed by the point's
 * index alone), an OpenMP loop over chunks, one workspace per thread.  */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "fc_mlp.h"

/* Input rows of one chunk: either IN itself (STRIDE = w[0]) or, for the
   (x, t) form, X (n, D) with T appended to each row.  */
typedef struct
{
  const double *in; /* (n, w[0]), or NULL for the (x, t) form */
  const double *x;  /* (n, D) */
  double t;
} eval_input;

/* OUT rows [P0, P0 + NB) of the network at INPUT, with the workspace W
   and the staging buffer XT (FC_MLP_CHUNK, w[0]).  */
static int
eval_chunk (const fc_mlp *net, fc_mlp_work *w, double *xt,
            const eval_input *input, size_t p0, size_t nb, double *out)
{
  size_t din = fc_mlp_input_dim (net), dout = fc_mlp_output_dim (net);
  const double *rows = input->in ? input->in + p0 * din : xt;
  if (!input->in)
    for (size_t p = 0; p < nb; p++)
      {
        memcpy (xt + p * din, input->x + (p0 + p) * (din - 1),
                (din - 1) * sizeof (double));
        xt[p * din + din - 1] = input->t;
      }
  return fc_mlp_forward (net, w, nb, rows, out + p0 * dout);
}

/* Every chunk of N points, in parallel; the first failing status (the
   lowest chunk's, whatever the thread count).  */
static int
eval_chunks (const fc_mlp *net, size_t n, const eval_input *input,
             double *out)
{
  size_t n_chunks = (n + FC_MLP_CHUNK - 1) / FC_MLP_CHUNK;
  int status = GSL_SUCCESS;
  size_t first_bad = n_chunks;
#pragma omp parallel if (n_chunks > 1)
  {
    fc_mlp_work *w = fc_mlp_work_alloc (net, FC_MLP_CHUNK);
    double *xt = malloc (FC_MLP_CHUNK * fc_mlp_input_dim (net)
                         * sizeof (double));
#pragma omp for schedule(static)
    for (size_t c = 0; c < n_chunks; c++)
      {
        size_t p0 = c * FC_MLP_CHUNK;
        size_t nb = n - p0 < FC_MLP_CHUNK ? n - p0 : FC_MLP_CHUNK;
        int s = (w && xt) ? eval_chunk (net, w, xt, input, p0, nb, out)
                          : GSL_ENOMEM;
        if (s != GSL_SUCCESS)
#pragma omp critical(fc_mlp_eval_status)
          if (c < first_bad)
            {
              first_bad = c;
              status = s;
            }
      }
    fc_mlp_work_free (w);
    free (xt);
  }
  return status;
}

int
fc_mlp_eval (const fc_mlp *net, size_t n, const double *in, double *out)
{
  if (!net || (n > 0 && (!in || !out)))
    GSL_ERROR ("null network or points", GSL_EINVAL);
  eval_input input = { in, NULL, 0.0 };
  return eval_chunks (net, n, &input, out);
}

int
fc_mlp_eval_xt (const fc_mlp *net, double t, size_t n, const double *x,
                double *out)
{
  if (!net || (n > 0 && (!x || !out)))
    GSL_ERROR ("null network or points", GSL_EINVAL);
  if (fc_mlp_input_dim (net) != fc_mlp_output_dim (net) + 1)
    GSL_ERROR ("the network is not a field u(x, t)", GSL_EBADLEN);
  eval_input input = { NULL, x, t };
  return eval_chunks (net, n, &input, out);
}

int
fc_mlp_velocity (double t, size_t n, const double *x, double *u, double *div,
                 void *params)
{
  if (div)
    GSL_ERROR ("the network gives no divergence", GSL_EINVAL);
  return fc_mlp_eval_xt ((const fc_mlp *) params, t, n, x, u);
}
