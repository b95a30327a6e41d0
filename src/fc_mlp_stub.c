/* src/fc_mlp_stub.c -- API stubs of fc_mlp.h until the implementation lands. */
#include <config.h>
#include <gsl/gsl_errno.h>
#include "fc_mlp.h"

const char *
fc_mlp_activation_name (fc_mlp_activation a)
{
  (void) a;
  return NULL;
}

int
fc_mlp_activation_parse (const char *name, fc_mlp_activation *a)
{
  (void) name;
  (void) a;
  return GSL_EUNIMPL;
}

fc_mlp *
fc_mlp_alloc (size_t n_layers, const size_t *widths, fc_mlp_activation act)
{
  (void) n_layers;
  (void) widths;
  (void) act;
  return NULL;
}

void
fc_mlp_free (fc_mlp *net)
{
  (void) net;
}

fc_mlp *
fc_mlp_clone (const fc_mlp *net)
{
  (void) net;
  return NULL;
}

size_t
fc_mlp_n_layers (const fc_mlp *net)
{
  (void) net;
  return 0;
}

size_t
fc_mlp_width (const fc_mlp *net, size_t l)
{
  (void) net;
  (void) l;
  return 0;
}

size_t
fc_mlp_input_dim (const fc_mlp *net)
{
  (void) net;
  return 0;
}

size_t
fc_mlp_output_dim (const fc_mlp *net)
{
  (void) net;
  return 0;
}

size_t
fc_mlp_n_params (const fc_mlp *net)
{
  (void) net;
  return 0;
}

fc_mlp_activation
fc_mlp_act (const fc_mlp *net)
{
  (void) net;
  return 0;
}

double *
fc_mlp_params (fc_mlp *net)
{
  (void) net;
  return NULL;
}

const double *
fc_mlp_params_const (const fc_mlp *net)
{
  (void) net;
  return NULL;
}

void
fc_mlp_get_params (const fc_mlp *net, double *theta)
{
  (void) net;
  (void) theta;
}

int
fc_mlp_set_params (fc_mlp *net, const double *theta)
{
  (void) net;
  (void) theta;
  return GSL_EUNIMPL;
}

int
fc_mlp_init (fc_mlp *net, unsigned long seed, unsigned long stream)
{
  (void) net;
  (void) seed;
  (void) stream;
  return GSL_EUNIMPL;
}

fc_mlp_work *
fc_mlp_work_alloc (const fc_mlp *net, size_t n_max)
{
  (void) net;
  (void) n_max;
  return NULL;
}

void
fc_mlp_work_free (fc_mlp_work *w)
{
  (void) w;
}

int
fc_mlp_forward (const fc_mlp *net, fc_mlp_work *w, size_t n, const double *in, double *out)
{
  (void) net;
  (void) w;
  (void) n;
  (void) in;
  (void) out;
  return GSL_EUNIMPL;
}

const double *
fc_mlp_work_output (const fc_mlp_work *w)
{
  (void) w;
  return NULL;
}

int
fc_mlp_backward (const fc_mlp *net, fc_mlp_work *w, const double *dout, double *grad, double *din)
{
  (void) net;
  (void) w;
  (void) dout;
  (void) grad;
  (void) din;
  return GSL_EUNIMPL;
}

int
fc_mlp_mse_step (const fc_mlp *net, fc_mlp_work *w, size_t n, const double *in, const double *target, double *loss, double *grad)
{
  (void) net;
  (void) w;
  (void) n;
  (void) in;
  (void) target;
  (void) loss;
  (void) grad;
  return GSL_EUNIMPL;
}

double *
fc_mlp_work_grad (fc_mlp_work *w)
{
  (void) w;
  return NULL;
}

int
fc_mlp_eval (const fc_mlp *net, size_t n, const double *in, double *out)
{
  (void) net;
  (void) n;
  (void) in;
  (void) out;
  return GSL_EUNIMPL;
}

int
fc_mlp_eval_xt (const fc_mlp *net, double t, size_t n, const double *x, double *out)
{
  (void) net;
  (void) t;
  (void) n;
  (void) x;
  (void) out;
  return GSL_EUNIMPL;
}

int
fc_mlp_velocity (double t, size_t n, const double *x, double *u, double *div, void *params)
{
  (void) t;
  (void) n;
  (void) x;
  (void) u;
  (void) div;
  (void) params;
  return GSL_EUNIMPL;
}

fc_adam_config
fc_adam_defaults (int decoupled)
{
  (void) decoupled;
  fc_adam_config c = { 0 }; return c;
}

fc_adam *
fc_adam_alloc (size_t n_params, const fc_adam_config *cfg)
{
  (void) n_params;
  (void) cfg;
  return NULL;
}

void
fc_adam_free (fc_adam *opt)
{
  (void) opt;
}

int
fc_adam_step (fc_adam *opt, double *theta, const double *grad)
{
  (void) opt;
  (void) theta;
  (void) grad;
  return GSL_EUNIMPL;
}

size_t
fc_adam_n_steps (const fc_adam *opt)
{
  (void) opt;
  return 0;
}

void
fc_adam_reset (fc_adam *opt)
{
  (void) opt;
}

int
fc_mlp_save (const fc_mlp *net, FILE *out)
{
  (void) net;
  (void) out;
  return GSL_EUNIMPL;
}

fc_mlp *
fc_mlp_load (FILE *in, const char *name, char *err, size_t errlen)
{
  (void) in;
  (void) name;
  (void) err;
  (void) errlen;
  return NULL;
}

int
fc_mlp_save_file (const fc_mlp *net, const char *path)
{
  (void) net;
  (void) path;
  return GSL_EUNIMPL;
}

fc_mlp *
fc_mlp_load_file (const char *path, char *err, size_t errlen)
{
  (void) path;
  (void) err;
  (void) errlen;
  return NULL;
}
