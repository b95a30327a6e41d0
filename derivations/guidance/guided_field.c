/* derivations/guidance/guided_field.c -- the guided fields of G6's
 * controls that fc_guide.h does not offer: the prior's velocity u_t plus
 *   a likelihood-approximation term c_t J^T A^T Sigma^{-1} (y - A x1hat)
 *     with a covariance of any form (gd_formula_grad; the broken one of
 *     the control covariance_without_time_factor), or
 *   the exact term with its factor c_t replaced by 1, u_t + grad log h_t
 *     (the control exact_guidance_unit_factor: a sampler known wrong).  */
#include <config.h>

#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "guidance_internal.h"

int
gd_guided_init (gd_guided *f, const gd_setting *set, fc_guide_lik kind,
                double gamma, gd_cov_form form, int exact_unit)
{
  f->set = set, f->kind = kind, f->gamma = gamma, f->form = form;
  f->exact_unit = exact_unit;
  f->scratch = NULL, f->cap = 0;
  f->prior = fc_guide_field_alloc (set->prior, FC_SCHEDULE_LINEAR, set->obs,
                                   FC_GUIDE_NONE, 0.0);
  return f->prior != NULL ? GSL_SUCCESS : GSL_EFAILED;
}

void
gd_guided_free (gd_guided *f)
{
  fc_guide_field_free (f->prior);
  free (f->scratch);
  f->prior = NULL, f->scratch = NULL, f->cap = 0;
}

int
gd_guided_velocity (double t, size_t n, const double *x, double *u,
                    double *div, void *params)
{
  gd_guided *f = params;
  size_t nd = n * f->set->dim;
  if (div != NULL)
    GSL_ERROR ("no divergence for this guided field", GSL_EUNIMPL);
  int status = fc_guide_field_velocity (t, n, x, u, NULL, f->prior);
  if (status)
    return status;
  if (f->exact_unit)
    return gd_add_exact_guidance (f->set, FC_SCHEDULE_LINEAR, t, 1.0, n, x,
                                  u);
  if (f->cap < nd)
    {
      free (f->scratch);
      f->scratch = gd_alloc (nd);
      f->cap = f->scratch != NULL ? nd : 0;
      if (f->scratch == NULL)
        GSL_ERROR ("no memory for the guidance term", GSL_ENOMEM);
    }
  status = gd_formula_grad (f->set, FC_SCHEDULE_LINEAR, t, f->kind, f->gamma,
                            f->form, 1, n, x, f->scratch);
  for (size_t i = 0; status == GSL_SUCCESS && i < nd; i++)
    u[i] += f->scratch[i];
  return status;
}
