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
 * The two are one field in two clocks: with t = 1 - r, nu_r = u_t and
 * r/(1-r) = (1-t)/t (score.c), so nu~_r(x|y) = u_t(x|y) and S5's
 * dx = -nu~ dr from r = 1 to 0 is S6's dx = u_t(x|y) dt from t = 0 to 1.
 * Both are computed by sc_guided_field, each in its own clock.
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

/* ---------------------------------------------------------- the field */

typedef struct
{
  const sc_problem *pb;
  fc_schedule s;
  int reversed; /* 1: the note's clock r = 1 - t and field -nu~ (S5) */
  int general;  /* 1: c_t of fc_guide_factor; 0: the literal (1-t)/t */
  int variant;  /* SC_AS_STATED or a control of S5 or S6 */
} sc_guided_params;

/* The factor k_t in front of grad log p_t(y|x) at canonical time T: the
   literal (1-t)/t (r/(1-r) in the note's clock), 1 in the factor_one
   controls, 0 in the no_guidance ones, or c_t.  */
static int
sc_guided_factor (const sc_guided_params *par, double t, double *k)
{
  switch (par->variant)
    {
    case SC_S5_FACTOR_ONE:
    case SC_S6_FACTOR_ONE:
      *k = 1.0;
      return GSL_SUCCESS;
    case SC_S5_NO_GUIDANCE:
    case SC_S6_NO_GUIDANCE:
      *k = 0.0;
      return GSL_SUCCESS;
    default:
      *k = (1.0 - t) / t;
      return par->general ? fc_guide_factor (par->s, t, k) : GSL_SUCCESS;
    }
}

/* The guided field at time TIME of its clock into U (n, D): canonical
   t = TIME (or 1 - TIME reversed), u_t(x) + k_t grad log p_t(y|x) of the
   prior (negated when reversed: -nu~_r).  Where k_t is infinite (t = 0
   for the literal factor) grad log p_0(y|x) = 0 and the term is its
   limit, c_t grad at alpha = 0 (fc_guide.h).  */
static int
sc_guided_field (double time, size_t n, const double *x, double *u,
                 const sc_guided_params *par)
{
  const sc_problem *pb = par->pb;
  size_t nd = n * pb->prior->dim;
  double t = par->reversed ? 1.0 - time : time, k;
  int status = sc_guided_factor (par, t, &k);
  double *grad = malloc ((nd > 0 ? nd : 1) * sizeof *grad); /* (n, D) */
  if (grad == NULL)
    GSL_ERROR ("no memory for the guidance term", GSL_ENOMEM);
  int limit = !isfinite (k);
  if (status == GSL_SUCCESS)
    status = fc_path_eval (pb->prior, par->s, t, FC_Q_VELOCITY, n, x, u);
  if (status == GSL_SUCCESS)
    status = limit ? sc_guide_grad (pb, par->s, t, n, x, NULL, grad)
                   : sc_guide_grad (pb, par->s, t, n, x, grad, NULL);
  double sign = par->reversed ? -1.0 : 1.0;
  for (size_t i = 0; status == GSL_SUCCESS && i < nd; i++)
    u[i] = sign * (u[i] + (limit ? 1.0 : k) * grad[i]);
  free (grad);
  return status;
}

/* The pair (p(x|y), field) in the field's clock for the continuity
   residual.  */
static int
sc_guided_pair (double time, size_t n, const double *x, double *p, double *u,
                void *params)
{
  const sc_guided_params *par = params;
  double t = par->reversed ? 1.0 - time : time;
  int status = fc_path_eval (par->pb->post, par->s, t, FC_Q_LOGP, n, x, p);
  for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
    p[i] = exp (p[i]);
  if (status == GSL_SUCCESS)
    status = sc_guided_field (time, n, x, u, par);
  return status;
}

/* The same as an fc_velocity_fn for the integrator (no divergence). */
static int
sc_guided_velocity (double time, size_t n, const double *x, double *u,
                    double *div, void *params)
{
  if (div != NULL)
    GSL_ERROR ("no closed-form divergence of the guided field", GSL_EUNIMPL);
  return sc_guided_field (time, n, x, u, params);
}

/* The order study NAME of the field PAR, points from the posterior path
   in the field's clock, streams of SEED.  */
static int
sc_guided_study (const fc_run_options *opt, const sc_guided_params *par,
                 const char *name, unsigned long seed, fc_order_study *st)
{
  const sc_problem *p = par->pb;
  fc_path_field_source src = { par->s, p->prior->dim, p->post, NULL };
  int status = sc_study_init (st, name, p->prior->dim, par->reversed, par->s);
  if (status == GSL_SUCCESS)
    status = fc_order_study_run (st, sc_guided_pair, (void *) par,
                                 par->reversed ? sc_points_reversed
                                               : fc_path_field_points,
                                 &src, FC_SIZES (sc_sizes_plan, opt)->n_points,
                                 seed);
  return status;
}

/* Samples of the field PAR: x ~ N(0, I) (stream (SEED, 0),
   fc_rng_gaussian_fill) at the noise end carried to the data end (r = 1
   to 0 reversed, t = 0 to 1 else), with STEPS and half as many RK4 steps,
   judged against the posterior into FR.  */
static int
sc_guided_samples (const fc_run_options *opt, const sc_guided_params *par,
                   size_t steps, unsigned long seed, sc_flow_result *fr)
{
  size_t n = FC_SIZES (sc_sizes_plan, opt)->flow_n, d = par->pb->prior->dim;
  double t0 = par->reversed ? 1.0 : 0.0, t1 = 1.0 - t0;
  double *x = malloc (n * d * sizeof *x), *x2 = malloc (n * d * sizeof *x2);
  int status = x && x2 ? fc_rng_gaussian_fill (seed, 0, n * d, x) : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    {
      memcpy (x2, x, n * d * sizeof *x);
      status = fc_ode_fixed (sc_guided_velocity, (void *) par, FC_ODE_RK4, d,
                             n, x, NULL, t0, t1, steps, NULL);
    }
  if (status == GSL_SUCCESS)
    status = fc_ode_fixed (sc_guided_velocity, (void *) par, FC_ODE_RK4, d,
                           n, x2, NULL, t0, t1, steps / 2, NULL);
  if (status == GSL_SUCCESS)
    status = sc_flow_judge (opt, par->pb, n, x, x2, seed, fr);
  free (x), free (x2);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the guided samples", GSL_ENOMEM);
  return status;
}

/* ------------------------------------------------------------------ S5 */

/* sc_guided_measure's study I of S5: the posterior path of problem I in
   the note's clock against -nu~_r.  */
static int
sc_s5_study (const fc_run_options *opt, const sc_problem *pb, size_t i,
             int variant, fc_order_study *st)
{
  sc_guided_params par = { &pb[i], FC_SCHEDULE_LINEAR, 1, 0, variant };
  return sc_guided_study (opt, &par, pb[i].name,
                          fc_module_seed (opt, SC_TAG_S5 + i), st);
}

/* sc_guided_measure's samples of S5: x ~ N(0, I) at r = 1 carried to
   r = 0 by dx = -nu~ dr.  */
static int
sc_s5_samples (const fc_run_options *opt, const sc_problem *pb, int variant,
               size_t steps, unsigned long seed, sc_flow_result *fr)
{
  sc_guided_params par = { pb, FC_SCHEDULE_LINEAR, 1, 0, variant };
  return sc_guided_samples (opt, &par, steps, seed, fr);
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
  sc_guided_params par = { &pb[sc_s6_studies[i].problem], sc_s6_studies[i].s,
                           0, sc_s6_studies[i].general, variant };
  return sc_guided_study (opt, &par, sc_s6_studies[i].name,
                          fc_module_seed (opt, SC_TAG_S6 + i), st);
}

/* sc_guided_measure's samples of S6: x ~ N(0, I) at t = 0 carried to
   t = 1 by the claim's field u_t + (1-t)/t grad log p_t(y|x) (linear
   schedule; the factor as the control sets it).  */
static int
sc_s6_samples (const fc_run_options *opt, const sc_problem *pb, int variant,
               size_t steps, unsigned long seed, sc_flow_result *fr)
{
  sc_guided_params par = { pb, FC_SCHEDULE_LINEAR, 0, 0, variant };
  return sc_guided_samples (opt, &par, steps, seed, fr);
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
