/* derivations/score/guided_common.c -- what the guided-field claims S5 and
 * S6 of module `score` share (N §Going through the diffusion ODE): the
 * guidance problems (a prior, a linear-Gaussian observation of one of its
 * draws, the exact posterior), the verdict on samples carried to the
 * posterior by a guided flow, and the check both run on a plan of studies
 * (score_internal.h, sc_guided_plan).  */
#include <config.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "fc_guide.h"
#include "fc_rng.h"
#include "score_internal.h"

/* ------------------------------------------------------------ problems */

static void
sc_problem_free (sc_problem *pb)
{
  fc_gmm_free (pb->prior), fc_obs_free (pb->obs), fc_gmm_free (pb->post);
}

/* Observe M values y = A x + N(0, SC_SIGMA_Y^2) of a draw x of the prior,
   A with independent N(0, 1/D) entries, and condition the prior on them. */
static int
sc_problem_observe (sc_problem *pb, size_t m, unsigned long seed)
{
  size_t d = pb->prior->dim;
  double x[SC_DIM_MAX];
  gsl_rng *rng = fc_rng_alloc (seed, 0);
  pb->obs = fc_obs_alloc (m, d);
  int status = rng && pb->obs ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = fc_gmm_sample (pb->prior, fc_rng_stream_seed (seed, 1), 1, x);
  for (size_t i = 0; status == GSL_SUCCESS && i < m; i++)
    {
      double y = 0.0;
      for (size_t j = 0; j < d; j++)
        {
          pb->obs->a[i * d + j] = gsl_ran_gaussian (rng, 1.0 / sqrt ((double) d));
          y += pb->obs->a[i * d + j] * x[j];
        }
      pb->obs->y[i] = y + gsl_ran_gaussian (rng, SC_SIGMA_Y);
    }
  if (status == GSL_SUCCESS)
    {
      pb->obs->sigma_y = SC_SIGMA_Y;
      pb->post = fc_gmm_condition (pb->prior, m, pb->obs->a, pb->obs->y,
                                   SC_SIGMA_Y);
      status = pb->post != NULL ? GSL_SUCCESS : GSL_EFAILED;
    }
  if (rng != NULL)
    gsl_rng_free (rng);
  return status;
}

/* Problem WHICH: 0 the 8gaussians prior with one observed value, 1 the
   random 3-D mixture with two.  */
static int
sc_problem_init (const fc_run_options *opt, size_t which, unsigned long seed,
                 sc_problem *pb)
{
  memset (pb, 0, sizeof *pb);
  pb->prior = which == 0 ? fc_module_builtin ("8gaussians")
                         : sc_mixture_random (opt);
  pb->name = which == 0 ? "8gaussians" : "gmm3d";
  int status = pb->prior != NULL ? sc_problem_observe (pb, pb->prior->dim - 1, seed)
                                 : GSL_EFAILED;
  if (status)
    sc_problem_free (pb);
  return status;
}

int
sc_problems_init (const fc_run_options *opt, unsigned long tag,
                  sc_problem pb[SC_NPROBLEMS])
{
  int status = GSL_SUCCESS;
  size_t ready = 0;
  for (; ready < SC_NPROBLEMS && status == GSL_SUCCESS; ready++)
    status = sc_problem_init (opt, ready, fc_module_seed (opt, tag + ready),
                              &pb[ready]);
  if (status != GSL_SUCCESS)
    {
      ready--; /* the failed one freed itself */
      for (size_t i = 0; i < ready; i++)
        sc_problem_free (&pb[i]);
    }
  return status;
}

void
sc_problems_free (sc_problem pb[SC_NPROBLEMS])
{
  for (size_t i = 0; i < SC_NPROBLEMS; i++)
    sc_problem_free (&pb[i]);
}

int
sc_guide_grad (const sc_problem *pb, fc_schedule s, double t, size_t n,
               const double *x, double *grad, double *cgrad)
{
  fc_guide_out out = { NULL, NULL, NULL, NULL, grad, cgrad };
  return fc_guide_eval (pb->prior, s, t, pb->obs, n, x, &out);
}

/* ------------------------------------------------------- flow samples */

/* The Richardson estimate of the largest RK4 error of the N particles X
   (n, D) from the half-step run XH: max |x - xh| / (2^4 - 1).  */
static double
sc_rk4_error (size_t n, size_t d, const double *x, const double *xh)
{
  double m = 0.0, diff[SC_DIM_MAX];
  for (size_t i = 0; i < n; i++)
    {
      for (size_t j = 0; j < d; j++)
        diff[j] = x[i * d + j] - xh[i * d + j];
      m = GSL_MAX (m, fc_study_norm (d, diff));
    }
  return m / 15.0;
}

/* The bands of a flow-sampling comparison: the Bonferroni band of the
   2 D moment z-scores and the integration error allowed.  */
static void
sc_flow_bands (const fc_gmm *post, sc_flow_result *fr)
{
  fr->z_band = fc_compare_z_band (SC_MC_ALPHA, 2 * post->dim);
  fr->ode_tol = SC_ODE_FRACTION * fr->c.se_min;
}

int
sc_flow_judge (const fc_run_options *opt, const sc_problem *pb, size_t n,
               const double *x, const double *xh, unsigned long seed,
               sc_flow_result *fr)
{
  fr->ode_err = sc_rk4_error (n, pb->prior->dim, x, xh);
  int status = sc_compare (opt, pb->post, n, x, 1, fc_rng_stream_seed (seed, 1),
                           &fr->c);
  if (status == GSL_SUCCESS)
    sc_flow_bands (pb->post, fr);
  return status;
}

void
sc_flow_record (const fc_run_options *opt, fc_verdict *v,
                const sc_flow_result *fr)
{
  const fc_compare_result *c = &fr->c;
  double z = GSL_MAX (c->z_mean, c->z_var);
  fc_verdict_decide (v, FC_TEST_HOLDS, "z_moments", z, fr->z_band,
                     z <= fr->z_band);
  fc_verdict_decide (v, FC_TEST_HOLDS, "sliced_w2", c->w2, c->w2_tol,
                     c->w2 <= c->w2_tol);
  fc_verdict_decide (v, FC_TEST_HOLDS, "two_sample_p", c->pvalue, SC_TS_ALPHA,
                     c->pvalue >= SC_TS_ALPHA);
  fc_verdict_decide (v, FC_TEST_VALID, "ode_error", fr->ode_err, fr->ode_tol,
                     fr->ode_err <= fr->ode_tol);
  fc_verdict_report (v, "z_mean", c->z_mean, fr->z_band);
  fc_verdict_report (v, "z_var", c->z_var, fr->z_band);
  fc_verdict_report (v, "sliced_w2_noise", c->w2_noise, NAN);
  fc_module_progress (opt, "samples: |z| mean %.2f var %.2f (band %.2f), sliced "
                      "W2 %.4f (tol %.4f), p = %.3f, ODE error %.2g (tol %.2g)",
                      c->z_mean, c->z_var, fr->z_band, c->w2, c->w2_tol,
                      c->pvalue, fr->ode_err, fr->ode_tol);
}

/* ------------------------------------------------------- guided claims */

/* The problems of PLAN, its studies into ST and its samples into FR, with
   the control VARIANT.  */
static int
sc_guided_measure (const fc_run_options *opt, const sc_guided_plan *plan,
                   int variant, fc_order_study *st, sc_flow_result *fr)
{
  size_t steps = variant == plan->few_steps ? SC_FLOW_FEW_STEPS : SC_FLOW_STEPS;
  sc_problem pb[SC_NPROBLEMS];
  int status = sc_problems_init (opt, plan->tag + 10, pb);
  if (status)
    return status;
  for (size_t i = 0; i < plan->n_studies && status == GSL_SUCCESS; i++)
    status = plan->study (opt, pb, i, variant, &st[i]);
  if (status == GSL_SUCCESS)
    status = plan->samples (opt, &pb[0], variant, steps,
                            fc_module_seed (opt, plan->tag + 20), fr);
  sc_problems_free (pb);
  return status;
}

int
sc_guided_check (const fc_run_options *opt, fc_verdict *v,
                 const sc_guided_plan *plan)
{
  fc_order_study st[SC_GUIDED_MAX_STUDIES];
  sc_flow_result fr;
  if (plan->n_studies > SC_GUIDED_MAX_STUDIES)
    GSL_ERROR ("more studies than SC_GUIDED_MAX_STUDIES", GSL_EINVAL);
  int status = sc_guided_measure (opt, plan, fc_control_variant (opt), st,
                                  &fr);
  if (status)
    return status;
  for (size_t i = 0; i < plan->n_studies; i++)
    fc_module_record_study_as (opt, v, &st[i],
                               i < plan->n_decide ? FC_TEST_HOLDS
                                                  : FC_TEST_NONE);
  sc_flow_record (opt, v, &fr);
  plan->note (v, st, &fr);
  return GSL_SUCCESS;
}
