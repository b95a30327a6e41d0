/* derivations/score/guided.c -- the guided fields of module `score`
 * (N §Going through the diffusion ODE), on the problems of
 * guided_common.c:
 *
 *  S5  reversed convention: nu~_r = nu_r + r/(1-r) grad log p_r(y|x)
 *      generates the posterior path p_r(x|y) (continuity residual, fitted
 *      order 2) and dx = -nu~ dr carries N(0, I) at r = 1 to the exact
 *      posterior at r = 0 (samples against it);
 *  S6  canonical convention: u_t(x|y) = u_t + (1-t)/t grad log p_t(y|x)
 *      for the linear schedule, the same residual and samples (N(0, I) at
 *      t = 0 carried to t = 1 by that field).  Reported beyond the claim:
 *      with the cosine and vp schedules the literal factor fails and the
 *      general c_t (fc_guide_factor) holds.
 *
 * The controls change the factor in front of grad log p(y|x), or
 * integrate the samples in too few steps (score.c).  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_guide.h"
#include "fc_ode.h"
#include "fc_path.h"
#include "fc_path_field.h"
#include "fc_rng.h"
#include "score_internal.h"

/* ------------------------------------------------------------------ S5 */

typedef struct
{
  const sc_problem *pb;
  int variant; /* SC_AS_STATED or an S5 control */
} sc_s5_params;

/* dx/dr = -nu~_r(x|y) = -(nu_r(x) + k(r) grad log p_r(y|x)) into U (n, D),
   the reversed flow of the note's guided field (dx = -nu~ dr).  At r = 1
   the note's k = r/(1-r) is infinite and grad log p_1(y|x) = 0: the field
   there is its limit, c_t grad at t = 0 (fc_guide.h).  The controls put
   k = 1 (SC_S5_FACTOR_ONE) or k = 0 (SC_S5_NO_GUIDANCE) everywhere.  */
static int
sc_s5_field (double r, size_t n, const double *x, double *u,
             const sc_s5_params *par)
{
  const sc_problem *pb = par->pb;
  size_t nd = n * pb->prior->dim;
  double *grad = malloc ((nd > 0 ? nd : 1) * sizeof *grad); /* (n, D) */
  if (grad == NULL)
    GSL_ERROR ("no memory for the guidance term", GSL_ENOMEM);
  int one = par->variant == SC_S5_FACTOR_ONE;
  int none = par->variant == SC_S5_NO_GUIDANCE, limit = r == 1.0 && !one && !none;
  double k = none ? 0.0 : one || limit ? 1.0 : r / (1.0 - r);
  int status = fc_path_eval (pb->prior, FC_SCHEDULE_LINEAR, 1.0 - r,
                             FC_Q_VELOCITY, n, x, u);
  if (status == GSL_SUCCESS)
    status = limit ? sc_guide_grad (pb, FC_SCHEDULE_LINEAR, 0.0, n, x, NULL, grad)
                   : sc_guide_grad (pb, FC_SCHEDULE_LINEAR, 1.0 - r, n, x, grad,
                                    NULL);
  for (size_t i = 0; status == GSL_SUCCESS && i < nd; i++)
    u[i] = -(u[i] + k * grad[i]);
  free (grad);
  return status;
}

/* The pair (p_r(x|y), -nu~_r) for the continuity residual in r. */
static int
sc_s5_pair (double r, size_t n, const double *x, double *p, double *u,
            void *params)
{
  const sc_s5_params *par = params;
  int status = fc_path_eval (par->pb->post, FC_SCHEDULE_LINEAR, 1.0 - r,
                             FC_Q_LOGP, n, x, p);
  for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
    p[i] = exp (p[i]);
  if (status == GSL_SUCCESS)
    status = sc_s5_field (r, n, x, u, par);
  return status;
}

/* The same as an fc_velocity_fn for the integrator (no divergence). */
static int
sc_s5_velocity (double r, size_t n, const double *x, double *u, double *div,
                void *params)
{
  if (div != NULL)
    GSL_ERROR ("no closed-form divergence of the guided field", GSL_EUNIMPL);
  return sc_s5_field (r, n, x, u, params);
}

/* sc_guided_measure's samples of S5: x ~ N(0, I) at r = 1 carried to
   r = 0 by dx = -nu~ dr of problem PB, with STEPS and half as many RK4
   steps.  */
static int
sc_s5_samples (const fc_run_options *opt, const sc_problem *pb, int variant,
               size_t steps, unsigned long seed, sc_flow_result *fr)
{
  size_t n = FC_SIZES (sc_sizes_plan, opt)->flow_n, d = pb->prior->dim;
  sc_s5_params par = { pb, variant };
  double *x = malloc (n * d * sizeof *x), *x2 = malloc (n * d * sizeof *x2);
  int status = x && x2 ? fc_rng_gaussian_fill (seed, 0, n * d, x) : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    {
      memcpy (x2, x, n * d * sizeof *x);
      status = fc_ode_fixed (sc_s5_velocity, &par, FC_ODE_RK4, d, n, x, NULL,
                             1.0, 0.0, steps, NULL);
    }
  if (status == GSL_SUCCESS)
    status = fc_ode_fixed (sc_s5_velocity, &par, FC_ODE_RK4, d, n, x2, NULL,
                           1.0, 0.0, steps / 2, NULL);
  if (status == GSL_SUCCESS)
    status = sc_flow_judge (opt, pb, n, x, x2, seed, fr);
  free (x), free (x2);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the guided samples", GSL_ENOMEM);
  return status;
}

/* sc_guided_measure's study I of S5: the exact posterior path p_r(x|y) of
   problem I against -nu~_r, points from it.  */
static int
sc_s5_study (const fc_run_options *opt, const sc_problem *pb, size_t i,
             int variant, fc_order_study *st)
{
  const sc_problem *p = &pb[i];
  sc_s5_params par = { p, variant };
  fc_path_field_source src = { FC_SCHEDULE_LINEAR, p->prior->dim, p->post, NULL };
  int status = sc_study_init (st, p->name, p->prior->dim, 1, FC_SCHEDULE_LINEAR);
  if (status == GSL_SUCCESS)
    status = fc_order_study_run (st, sc_s5_pair, &par, sc_points_reversed, &src,
                                 FC_SIZES (sc_sizes_plan, opt)->n_points,
                                 fc_module_seed (opt, SC_TAG_S5 + i));
  return status;
}

/* S5's note: the residual orders and the samples' figures.  */
static void
sc_s5_note (fc_verdict *v, const fc_order_study *st, const sc_flow_result *fr)
{
  fc_verdict_note (v, "posterior path residual order %.3f (8gaussians), %.3f "
                   "(gmm3d); samples from r = 1 to 0: |z| <= %.2f, sliced W2 "
                   "%.3f vs noise %.3f, p = %.3f, ODE error %.1g",
                   st[0].order, st[1].order, GSL_MAX (fr->c.z_mean, fr->c.z_var),
                   fr->c.w2, fr->c.w2_noise, fr->c.pvalue, fr->ode_err);
}

/* S5: the residual on both problems and the samples decide.  */
static const sc_guided_plan sc_s5_plan = {
  SC_TAG_S5, SC_NPROBLEMS, SC_NPROBLEMS, SC_S5_FEW_STEPS, sc_s5_study,
  sc_s5_samples, sc_s5_note
};

int
sc_check_s5 (const fc_run_options *opt, fc_verdict *v)
{
  return sc_guided_check (opt, v, &sc_s5_plan);
}

/* ------------------------------------------------------------------ S6 */

typedef struct
{
  const sc_problem *pb;
  fc_schedule s;
  int general; /* 1: c_t of fc_guide_factor; 0: the literal (1-t)/t */
  int variant; /* SC_AS_STATED or an S6 control (of the literal factor) */
} sc_s6_params;

/* u_t(x|y) = u_t(x) + k_t grad log p_t(y|x) of the prior into U (n, D), in
   the canonical convention: k_t = (1-t)/t as the claim states it (1 in the
   control SC_S6_FACTOR_ONE, 0 in SC_S6_NO_GUIDANCE), or c_t.  Where k_t is infinite (t = 0 for the
   literal factor) grad log p_0(y|x) = 0 and the term is its limit, c_t grad
   at alpha = 0 (fc_guide.h), as in S5.  */
static int
sc_s6_field (double t, size_t n, const double *x, double *u,
             const sc_s6_params *par)
{
  const sc_problem *pb = par->pb;
  size_t nd = n * pb->prior->dim;
  double k = par->variant == SC_S6_FACTOR_ONE    ? 1.0
             : par->variant == SC_S6_NO_GUIDANCE ? 0.0
                                                 : (1.0 - t) / t;
  int status = par->general ? fc_guide_factor (par->s, t, &k) : GSL_SUCCESS;
  double *grad = malloc ((nd > 0 ? nd : 1) * sizeof *grad); /* (n, D) */
  if (grad == NULL)
    GSL_ERROR ("no memory for the guidance term", GSL_ENOMEM);
  int limit = !isfinite (k);
  if (status == GSL_SUCCESS)
    status = fc_path_eval (pb->prior, par->s, t, FC_Q_VELOCITY, n, x, u);
  if (status == GSL_SUCCESS)
    status = limit ? sc_guide_grad (pb, par->s, t, n, x, NULL, grad)
                   : sc_guide_grad (pb, par->s, t, n, x, grad, NULL);
  for (size_t i = 0; status == GSL_SUCCESS && i < nd; i++)
    u[i] += (limit ? 1.0 : k) * grad[i];
  free (grad);
  return status;
}

/* The pair (p_t(x|y), u_t(x|y)) for the continuity residual.  */
static int
sc_s6_pair (double t, size_t n, const double *x, double *p, double *u,
            void *params)
{
  const sc_s6_params *par = params;
  int status = fc_path_eval (par->pb->post, par->s, t, FC_Q_LOGP, n, x, p);
  for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
    p[i] = exp (p[i]);
  if (status == GSL_SUCCESS)
    status = sc_s6_field (t, n, x, u, par);
  return status;
}

/* The same as an fc_velocity_fn for the integrator (no divergence). */
static int
sc_s6_velocity (double t, size_t n, const double *x, double *u, double *div,
                void *params)
{
  if (div != NULL)
    GSL_ERROR ("no closed-form divergence of the guided field", GSL_EUNIMPL);
  return sc_s6_field (t, n, x, u, params);
}

/* Studies of S6: the claim (linear, literal factor) on both problems, then
   beyond the claim, on problem 0, the cosine and vp schedules with the
   literal factor (a different statement: (1-t)/t is the linear schedule's
   c_t, and the residual stalls) and with their own c_t.  */
#define SC_S6_N 6
#define SC_S6_N_CLAIMED 2
static const struct
{
  size_t problem;
  fc_schedule s;
  int general;
  const char *name;
} sc_s6_studies[SC_S6_N] = {
  { 0, FC_SCHEDULE_LINEAR, 0, "8gaussians" },
  { 1, FC_SCHEDULE_LINEAR, 0, "gmm3d" },
  { 0, FC_SCHEDULE_COSINE, 0, "beyond_cosine_literal" },
  { 0, FC_SCHEDULE_COSINE, 1, "beyond_cosine_ct" },
  { 0, FC_SCHEDULE_VP, 0, "beyond_vp_literal" },
  { 0, FC_SCHEDULE_VP, 1, "beyond_vp_ct" },
};

/* sc_guided_measure's study I of S6: study I of the plan.  */
static int
sc_s6_study (const fc_run_options *opt, const sc_problem *pb, size_t i,
             int variant, fc_order_study *st)
{
  const sc_problem *p = &pb[sc_s6_studies[i].problem];
  sc_s6_params par = { p, sc_s6_studies[i].s, sc_s6_studies[i].general, variant };
  fc_path_field_source src = { par.s, p->prior->dim, p->post, NULL };
  int status = sc_study_init (st, sc_s6_studies[i].name, p->prior->dim, 0, par.s);
  if (status == GSL_SUCCESS)
    status = fc_order_study_run (st, sc_s6_pair, &par, fc_path_field_points, &src,
                                 FC_SIZES (sc_sizes_plan, opt)->n_points,
                                 fc_module_seed (opt, SC_TAG_S6 + i));
  return status;
}

/* sc_guided_measure's samples of S6: x ~ N(0, I) at t = 0 (stream
   (SEED, 0), fc_rng_gaussian_fill) carried to t = 1 by the claim's field
   u_t + (1-t)/t grad log p_t(y|x) (linear schedule; the factor as the
   control sets it), with STEPS and half as many RK4 steps.  */
static int
sc_s6_samples (const fc_run_options *opt, const sc_problem *pb, int variant,
               size_t steps, unsigned long seed, sc_flow_result *fr)
{
  size_t n = FC_SIZES (sc_sizes_plan, opt)->flow_n, d = pb->prior->dim;
  sc_s6_params par = { pb, FC_SCHEDULE_LINEAR, 0, variant };
  double *x = malloc (n * d * sizeof *x), *x2 = malloc (n * d * sizeof *x2);
  int status = x && x2 ? fc_rng_gaussian_fill (seed, 0, n * d, x) : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    {
      memcpy (x2, x, n * d * sizeof *x);
      status = fc_ode_fixed (sc_s6_velocity, &par, FC_ODE_RK4, d, n, x, NULL,
                             0.0, 1.0, steps, NULL);
    }
  if (status == GSL_SUCCESS)
    status = fc_ode_fixed (sc_s6_velocity, &par, FC_ODE_RK4, d, n, x2, NULL,
                           0.0, 1.0, steps / 2, NULL);
  if (status == GSL_SUCCESS)
    status = sc_flow_judge (opt, pb, n, x, x2, seed, fr);
  free (x), free (x2);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the guided samples", GSL_ENOMEM);
  return status;
}

/* S6's note: the linear orders, the samples' figures, and the orders of
   the literal factor and of c_t with the other schedules (reported).  */
static void
sc_s6_note (fc_verdict *v, const fc_order_study *st, const sc_flow_result *fr)
{
  fc_verdict_note (v, "linear: orders %.3f, %.3f, samples |z| <= %.2f, W2 %.3f "
                   "(noise %.3f), p = %.3f; beyond the claim (reported): "
                   "literal (1-t)/t cosine %.2f, vp %.2f; c_t cosine %.3f, vp "
                   "%.3f", st[0].order, st[1].order,
                   GSL_MAX (fr->c.z_mean, fr->c.z_var), fr->c.w2,
                   fr->c.w2_noise, fr->c.pvalue, st[2].order, st[4].order,
                   st[3].order, st[5].order);
}

/* S6 claims the linear schedule (N §Guidance term: s_t = t, sigma_t =
   1 - t): its two studies (the first of sc_s6_studies) and the samples
   decide; the other schedules are reported only.  */
static const sc_guided_plan sc_s6_plan = {
  SC_TAG_S6, SC_S6_N, SC_S6_N_CLAIMED, SC_S6_FEW_STEPS, sc_s6_study,
  sc_s6_samples, sc_s6_note
};

int
sc_check_s6 (const fc_run_options *opt, fc_verdict *v)
{
  return sc_guided_check (opt, v, &sc_s6_plan);
}
