/* src/fc_mlp.h -- a small fully connected network with a hand-written
 * batched forward and backward pass, Adam and AdamW (issue 13, claim T2 and
 * experiments/train-cfm).
 *
 * Shape.  L linear layers with widths w[0] .. w[L]: w[0] is the input
 * dimension (D + 1 for a velocity field u(x, t): x then t), w[L] the output
 * dimension (D).  Layer l maps a row h (w[l]) to h W_l^T + b_l (w[l+1]),
 * W_l stored (w[l+1], w[l]) row-major and b_l (w[l+1]): the layout of
 * PyTorch's nn.Linear, so parameters compare one to one.  The activation
 * follows every layer but the last (the output is linear).  The network
 * of Tong et al. (TMLR 2024), "MLP 3 x 64 SELU", is widths
 * {D + 1, 64, 64, 64, D}: four linear layers, three hidden layers of 64.
 *
 * Flat parameter vector (fc_mlp_params, fc_mlp_get_params, gradients,
 * the optimiser, the file format): for l = 0 .. L-1, W_l row by row, then
 * b_l.  Its length is fc_mlp_n_params = sum_l w[l+1] (w[l] + 1).
 *
 * Batches.  Points are rows: an input batch is (n, w[0]) row-major, an
 * output batch (n, w[L]).  Every linear layer is one BLAS-3 product over
 * the batch (cblas_dgemm through GSL's CBLAS interface; the CBLAS that
 * configure linked: OpenBLAS when present, else gslcblas).  The training
 * pass (fc_mlp_forward, fc_mlp_backward) runs on the calling thread, its
 * BLAS single-threaded, so a step gives the same numbers at any thread
 * count; fc_mlp_eval cuts any n into chunks of FC_MLP_CHUNK points on
 * fixed boundaries and runs them in an OpenMP loop, so a point's output
 * does not depend on the thread count either.
 *
 * File format (fc_mlp_save, fc_mlp_load), text, one statement a line,
 * '#' starts a comment:
 *     fc_mlp 1                     format version
 *     activation selu              selu | relu | tanh | gelu
 *     widths 3 64 64 64 2          w[0] .. w[L], L >= 1, each >= 1
 *     params 12738                 fc_mlp_n_params, then that many lines:
 *     -0.12345678901234567         one parameter a line, %.17g, in the flat
 *     ...                          order above (W_0, b_0, W_1, b_1, ...)
 * %.17g and strtod round-trip every finite double exactly, so a saved and
 * reloaded network gives bitwise the same outputs.
 *
 * Errors: GSL status codes (GSL_EINVAL, GSL_EBADLEN, GSL_ENOMEM, GSL_EDOM
 * for non-finite parameters on load); nothing is printed by the library
 * except the load error message, which goes into the caller's buffer.  */
#ifndef FC_MLP_H
#define FC_MLP_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Points per chunk of fc_mlp_eval (fixed: it sets the batch of every BLAS
   product, hence the rounding of each point's output).  */
#define FC_MLP_CHUNK 256

typedef enum
{
  FC_MLP_SELU = 0, /* scale (x > 0 ? x : alpha (e^x - 1)), Klambauer 2017 */
  FC_MLP_RELU,     /* max (0, x) */
  FC_MLP_TANH,     /* tanh x */
  FC_MLP_GELU,     /* x Phi(x), the exact (erf) form, PyTorch's default */
  FC_MLP_N_ACTIVATIONS
} fc_mlp_activation;

/* "selu", "relu", "tanh", "gelu"; NULL for an invalid value.  */
const char *
fc_mlp_activation_name (fc_mlp_activation a);

/* The activation named NAME into *A; GSL_EINVAL for an unknown name.  */
int
fc_mlp_activation_parse (const char *name, fc_mlp_activation *a);

typedef struct fc_mlp fc_mlp;

/* A network of N_LAYERS >= 1 linear layers with WIDTHS[0 .. N_LAYERS]
   (each >= 1) and activation ACT, its parameters zero (fc_mlp_init
   draws them).  NULL on bad arguments or no memory.  */
fc_mlp *
fc_mlp_alloc (size_t n_layers, const size_t *widths, fc_mlp_activation act);

void
fc_mlp_free (fc_mlp *net);

/* A new network with the shape and parameters of NET; NULL on failure.  */
fc_mlp *
fc_mlp_clone (const fc_mlp *net);

size_t fc_mlp_n_layers (const fc_mlp *net);
size_t fc_mlp_width (const fc_mlp *net, size_t l); /* w[l], l <= L */
size_t fc_mlp_input_dim (const fc_mlp *net);       /* w[0] */
size_t fc_mlp_output_dim (const fc_mlp *net);      /* w[L] */
size_t fc_mlp_n_params (const fc_mlp *net);
fc_mlp_activation fc_mlp_act (const fc_mlp *net);

/* The flat parameter vector of NET (fc_mlp_n_params doubles, the layout of
   the file comment), owned by NET: the optimiser steps it in place.  */
double *fc_mlp_params (fc_mlp *net);
const double *fc_mlp_params_const (const fc_mlp *net);

/* Copy the flat parameters out to THETA (n_params) / in from THETA.
   set: GSL_EDOM if THETA has a non-finite entry (NET unchanged).  */
void fc_mlp_get_params (const fc_mlp *net, double *theta);
int fc_mlp_set_params (fc_mlp *net, const double *theta);

/* Seeded initialisation, PyTorch's nn.Linear default: every entry of W_l
   and b_l uniform on [-1/sqrt(w[l]), 1/sqrt(w[l])] (kaiming_uniform with
   a = sqrt(5) gives this bound for W).  Layer l draws from stream
   (SEED, STREAM + l) of fc_rng.h, so the numbers are fixed by (SEED,
   STREAM) and the shape.  */
int
fc_mlp_init (fc_mlp *net, unsigned long seed, unsigned long stream);

/* ---------------------------------------------------------- training pass
   A workspace holds, for batches of up to N_MAX points, the activation
   cache of the last forward pass (every layer's pre-activation and
   activation), the gradient buffers of the backward pass and the
   parameter gradient.  One workspace per thread.  */
typedef struct fc_mlp_work fc_mlp_work;

fc_mlp_work *
fc_mlp_work_alloc (const fc_mlp *net, size_t n_max);

void
fc_mlp_work_free (fc_mlp_work *w);

/* Forward pass of N <= n_max points IN (n, w[0]), caching what the
   backward pass needs in W.  The output (n, w[L]) is returned by
   fc_mlp_work_output; it is also copied to OUT when OUT is not NULL.
   GSL_EBADLEN if N > n_max or N = 0.  */
int
fc_mlp_forward (const fc_mlp *net, fc_mlp_work *w, size_t n,
                const double *in, double *out);

/* The output (n, w[L]) of the last fc_mlp_forward on W.  */
const double *
fc_mlp_work_output (const fc_mlp_work *w);

/* Backward pass of the last fc_mlp_forward on W: given DOUT (n, w[L]) =
   dLoss/dOutput, write GRAD (n_params, flat layout) = dLoss/dParams
   (overwritten, not accumulated) and, when DIN is not NULL, DIN (n, w[0])
   = dLoss/dInput.  GSL_EINVAL if W holds no forward pass.  */
int
fc_mlp_backward (const fc_mlp *net, fc_mlp_work *w, const double *dout,
                 double *grad, double *din);

/* The mean-squared loss of the regression of N points IN (n, w[0]) on
   TARGET (n, w[L]),
     LOSS = 1/(n w[L]) sum_i |f(in_i) - target_i|^2
   (the mean over all n w[L] entries: PyTorch's torch.mean((v - u)**2) and
   F.mse_loss, torchcfm's training loss), and, when GRAD is not NULL, its
   gradient GRAD (n_params) = dLOSS/dParams: forward, loss, backward in
   one call.  LOSS may be NULL.  */
int
fc_mlp_mse_step (const fc_mlp *net, fc_mlp_work *w, size_t n,
                 const double *in, const double *target, double *loss,
                 double *grad);

/* The parameter gradient of the last fc_mlp_backward or fc_mlp_mse_step
   on W (n_params), owned by W: pass it to fc_adam_step.  */
double *
fc_mlp_work_grad (fc_mlp_work *w);

/* -------------------------------------------------------- evaluation only
   OUT (n, w[L]) = f(IN (n, w[0])) for any n, in chunks of FC_MLP_CHUNK
   points, OpenMP over chunks, each thread with a workspace of its own
   (no activation cache is kept).  Same numbers at any thread count.  */
int
fc_mlp_eval (const fc_mlp *net, size_t n, const double *in, double *out);

/* A velocity field u(x, t) for the ODE integrators: OUT (n, D) =
   f([x_i, t]) for X (n, D) at one time T, where D = w[0] - 1 = w[L]
   (GSL_EBADLEN otherwise).  Chunked like fc_mlp_eval.  */
int
fc_mlp_eval_xt (const fc_mlp *net, double t, size_t n, const double *x,
                double *out);

/* fc_mlp_eval_xt as an fc_velocity_fn of fc_ode.h: PARAMS is the
   (const fc_mlp *); DIV must be NULL (GSL_EINVAL otherwise: the network
   gives no divergence).  */
int
fc_mlp_velocity (double t, size_t n, const double *x, double *u, double *div,
                 void *params);

/* ------------------------------------------------------------- optimiser
   Adam (Kingma and Ba 2015) and AdamW (Loshchilov and Hutter 2019) as
   PyTorch's torch.optim.Adam / AdamW (foreach = False) compute them, step
   t = 1, 2, ...:
     Adam:   g <- g + wd theta                        (L2 penalty)
     AdamW:  theta <- theta (1 - lr wd)               (decoupled decay)
     m <- beta1 m + (1 - beta1) g
     v <- beta2 v + (1 - beta2) g^2
     theta <- theta - (lr / (1 - beta1^t)) m / (sqrt (v) / sqrt (1 - beta2^t) + eps)
   Element-wise, so the step is the same at any thread count.  */
typedef struct
{
  double lr;           /* learning rate (PyTorch default 1e-3) */
  double beta1, beta2; /* (0.9, 0.999) */
  double eps;          /* 1e-8 */
  double weight_decay; /* Adam 0, AdamW 1e-2 in PyTorch; Tong et al. 1e-5 */
  int decoupled;       /* 0: Adam (L2 in the gradient), 1: AdamW */
} fc_adam_config;

/* The PyTorch defaults: Adam when DECOUPLED = 0, AdamW when 1.  */
fc_adam_config
fc_adam_defaults (int decoupled);

typedef struct fc_adam fc_adam;

/* Moments zero, step count 0, for a vector of N_PARAMS parameters.  NULL
   on bad configuration (lr < 0, betas outside [0, 1), eps < 0,
   weight_decay < 0) or no memory.  */
fc_adam *
fc_adam_alloc (size_t n_params, const fc_adam_config *cfg);

void
fc_adam_free (fc_adam *opt);

/* One step of THETA (n_params) in place from the gradient GRAD
   (n_params; not modified).  */
int
fc_adam_step (fc_adam *opt, double *theta, const double *grad);

/* Steps taken so far (t of the last step).  */
size_t
fc_adam_n_steps (const fc_adam *opt);

/* Moments to zero and the step count to 0.  */
void
fc_adam_reset (fc_adam *opt);

/* ---------------------------------------------------------------- files
   Write NET in the format of the file comment.  GSL_EFAILED on a write
   error.  */
int
fc_mlp_save (const fc_mlp *net, FILE *out);

/* Read a network in the format of the file comment from IN (NAME for
   messages).  NULL on error, with "NAME:LINE: what" in ERR (ERRLEN
   bytes) when ERR is not NULL: unknown version or activation, bad widths,
   a parameter count that disagrees with the widths, a missing, extra,
   malformed or non-finite number.  */
fc_mlp *
fc_mlp_load (FILE *in, const char *name, char *err, size_t errlen);

/* fc_mlp_save / fc_mlp_load to and from the file PATH.  */
int
fc_mlp_save_file (const fc_mlp *net, const char *path);

fc_mlp *
fc_mlp_load_file (const char *path, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif /* FC_MLP_H */
