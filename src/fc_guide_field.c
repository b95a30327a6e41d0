/* src/fc_guide_field.c -- the guided velocity fields of fc_guide
 * (fc_guide.h): the prior's and the exact posterior's path velocities
 * (fc_path_field.h), and u_t + c_t grad log h with the exact h (S6) or an
 * approximate one (G4, G5).  The exact-split, reconstruction and tweedie
 * fields add the prior velocity in the same run over the chunks as their
 * guidance term (fc_guide_kernel.c); the note's term, which is no gradient
 * of a likelihood, is added to fc_path's velocity afterwards.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_gmm.h"
#include "fc_guide_internal.h"
#include "fc_parse.h"
#include "fc_path_field.h"

static const char *const fc_guide_method_names[FC_GUIDE_COUNT]
  = { "none", "exact", "exact-split", "reconstruction", "tweedie", "note" };

FC_PARSE_NAME_TABLE (fc_guide_method, fc_guide_method_name,
                     fc_guide_method_parse, fc_guide_method_names,
                     FC_GUIDE_COUNT)

fc_guide_field *
fc_guide_field_alloc (const fc_gmm *prior, fc_schedule s, const fc_obs *obs,
                      fc_guide_method method, double gamma)
{
  if (prior == NULL || !prior->prepared)
    GSL_ERROR_NULL ("mixture is not prepared (fc_gmm_prepare)", GSL_EINVAL);
  if ((int) method < 0 || method >= FC_GUIDE_COUNT)
    GSL_ERROR_NULL ("unknown guidance method", GSL_EINVAL);
  if (fc_obs_check (obs, prior->dim) != GSL_SUCCESS)
    GSL_ERROR_NULL ("bad observation for this prior", GSL_EBADLEN);
  if (!(gamma >= 0.0 && isfinite (gamma)))
    GSL_ERROR_NULL ("gamma must be finite and >= 0", GSL_EDOM);
  if (method == FC_GUIDE_NOTE && obs->m != prior->dim)
    GSL_ERROR_NULL ("the note's guidance needs a square A (m = D)",
                    GSL_EBADLEN);
  fc_guide_field *f = calloc (1, sizeof *f);
  if (f == NULL)
    GSL_ERROR_NULL ("no memory for the guided field", GSL_ENOMEM);
  f->post = fc_gmm_condition (prior, obs->m, obs->a, obs->y, obs->sigma_y);
  if (f->post == NULL)
    {
      free (f);
      GSL_ERROR_NULL ("cannot condition the prior on the observation",
                      GSL_EFAILED);
    }
  f->prior = prior;
  f->obs = obs;
  f->s = s;
  f->method = method;
  f->gamma = gamma;
  return f;
}

void
fc_guide_field_free (fc_guide_field *f)
{
  if (f == NULL)
    return;
  fc_gmm_free (f->post);
  free (f);
}

/* U (n, D) = u_t + c_t grad log h of the exact-split, reconstruction or
   tweedie field F, in one run over the chunks: the prior velocity shares
   z_k and the GEMMs with the guidance term (fc_guide_kernel.c, top).  In
   the limit case of reconstruction (gamma > 0 at alpha = 0) the term is 0
   and U is the prior velocity of fc_path.  */
static int
fc_guide_field_fused (const fc_guide_field *f, double t, size_t n,
                      const double *x, double *u)
{
  fc_guide_plan pl;
  int status;
  if (f->method == FC_GUIDE_EXACT_SPLIT)
    status = fc_guide_eval_plan (&pl, f->prior, f->s, t, f->obs, n, x, NULL,
                                 u);
  else
    status = fc_guide_approx_plan (
      &pl, f->prior, f->s, t, f->obs,
      f->method == FC_GUIDE_TWEEDIE ? FC_GUIDE_LIK_TWEEDIE
                                    : FC_GUIDE_LIK_RECONSTRUCTION,
      f->gamma, n, x, NULL, u);
  if (status == GSL_SUCCESS && pl.limit)
    {
      fc_path_field_params prior = { f->prior, f->s };
      status = fc_path_field_velocity (t, n, x, u, NULL, &prior);
    }
  else if (status == GSL_SUCCESS && n > 0)
    status = fc_guide_run (&pl, n, x);
  fc_guide_plan_free (&pl);
  return status;
}

/* TERM (n, D) = c_t times the note's vector.  It is multiplied by c_t
   itself: it is no gradient of a likelihood whose scaled form could be
   taken, and with gamma = 0 it diverges like c_t as alpha -> 0 (GSL_EDOM
   at alpha = 0).  */
static int
fc_guide_field_note (const fc_guide_field *f, double t, size_t n,
                     const double *x, double *term)
{
  fc_guide_approx_out ao = { 0 };
  double c;
  int status = fc_guide_factor (f->s, t, &c);
  if (status)
    return status;
  if (isinf (c) && f->gamma == 0.0)
    GSL_ERROR ("the note's guidance with gamma = 0 diverges at alpha = 0",
               GSL_EDOM);
  ao.note = term;
  status = fc_guide_approx (f->prior, f->s, t, f->obs,
                            FC_GUIDE_LIK_RECONSTRUCTION, f->gamma, n, x, &ao);
  for (size_t i = 0; status == GSL_SUCCESS && i < n * f->prior->dim; i++)
    term[i] = isinf (c) ? 0.0 : c * term[i];
  return status;
}

int
fc_guide_field_velocity (double t, size_t n, const double *x, double *u,
                         double *div, void *params)
{
  const fc_guide_field *f = params;
  fc_path_field_params prior = { f->prior, f->s }, post = { f->post, f->s };
  if (f->method == FC_GUIDE_NONE)
    return fc_path_field_velocity (t, n, x, u, div, &prior);
  if (f->method == FC_GUIDE_EXACT) /* the exact posterior's path */
    return fc_path_field_velocity (t, n, x, u, div, &post);
  if (div != NULL)
    GSL_ERROR ("no closed-form divergence for this guided field",
               GSL_EUNIMPL);
  if (f->method != FC_GUIDE_NOTE)
    return fc_guide_field_fused (f, t, n, x, u);
  size_t nd = n * f->prior->dim;
  double *term = malloc ((nd > 0 ? nd : 1) * sizeof (double));
  if (term == NULL)
    GSL_ERROR ("no memory for the guidance term", GSL_ENOMEM);
  int status = fc_path_field_velocity (t, n, x, u, NULL, &prior);
  if (status == GSL_SUCCESS)
    status = fc_guide_field_note (f, t, n, x, term);
  for (size_t i = 0; status == GSL_SUCCESS && i < nd; i++)
    u[i] += term[i];
  free (term);
  return status;
}
