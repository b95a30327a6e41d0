/* src/fc_optim.c -- Adam and AdamW (fc_mlp.h), element for element as
 * PyTorch's single-tensor implementations (torch/optim/adam.py,
 * adamw.py, foreach = False, amsgrad = False) compute them, so a step
 * compares with torch to round-off.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "fc_mlp.h"

struct fc_adam
{
  fc_adam_config cfg;
  size_t n;     /* parameters */
  size_t t;     /* steps taken */
  double *m;    /* (n) first moment */
  double *v;    /* (n) second moment */
};

fc_adam_config
fc_adam_defaults (int decoupled)
{
  fc_adam_config c = { 1e-3, 0.9, 0.999, 1e-8, decoupled ? 1e-2 : 0.0,
                       decoupled ? 1 : 0 };
  return c;
}

static int
config_ok (const fc_adam_config *c)
{
  return c->lr >= 0.0 && c->beta1 >= 0.0 && c->beta1 < 1.0
         && c->beta2 >= 0.0 && c->beta2 < 1.0 && c->eps >= 0.0
         && c->weight_decay >= 0.0 && isfinite (c->lr)
         && isfinite (c->eps) && isfinite (c->weight_decay);
}

fc_adam *
fc_adam_alloc (size_t n_params, const fc_adam_config *cfg)
{
  if (!cfg || !config_ok (cfg))
    return NULL;
  fc_adam *opt = calloc (1, sizeof *opt);
  if (!opt)
    return NULL;
  opt->cfg = *cfg;
  opt->n = n_params;
  opt->m = calloc (n_params ? n_params : 1, sizeof (double));
  opt->v = calloc (n_params ? n_params : 1, sizeof (double));
  if (!opt->m || !opt->v)
    {
      fc_adam_free (opt);
      return NULL;
    }
  return opt;
}

void
fc_adam_free (fc_adam *opt)
{
  if (!opt)
    return;
  free (opt->m);
  free (opt->v);
  free (opt);
}

int
fc_adam_step (fc_adam *opt, double *theta, const double *grad)
{
  if (!opt || !theta || !grad)
    GSL_ERROR ("null optimiser, parameters or gradient", GSL_EINVAL);
  const fc_adam_config *c = &opt->cfg;
  opt->t++;
  double bc1 = 1.0 - pow (c->beta1, (double) opt->t);
  double bc2 = 1.0 - pow (c->beta2, (double) opt->t);
  double step_size = c->lr / bc1, bc2_sqrt = sqrt (bc2);
  double decay = 1.0 - c->lr * c->weight_decay;
  for (size_t k = 0; k < opt->n; k++)
    {
      double g = grad[k];
      if (c->decoupled)
        theta[k] *= decay;
      else
        g += c->weight_decay * theta[k];
      opt->m[k] += (g - opt->m[k]) * (1.0 - c->beta1);
      opt->v[k] = opt->v[k] * c->beta2 + (1.0 - c->beta2) * g * g;
      double denom = sqrt (opt->v[k]) / bc2_sqrt + c->eps;
      theta[k] -= step_size * (opt->m[k] / denom); /* addcdiv_ */
    }
  return GSL_SUCCESS;
}

size_t
fc_adam_n_steps (const fc_adam *opt)
{
  return opt->t;
}

void
fc_adam_reset (fc_adam *opt)
{
  for (size_t k = 0; k < opt->n; k++)
    opt->m[k] = opt->v[k] = 0.0;
  opt->t = 0;
}
