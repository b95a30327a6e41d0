/* derivations/barycentric/transport.c -- B4: along any path alpha(t) from
 * e_i to e_j, b = sum_k alpha_k' g_k transports rho_i to rho_j (N §Albergo
 * et al. 2023).
 *
 * Two measurements on the planar problem, along a straight and a curved
 * path: the continuity residual of (rho(alpha(t)), b) by order studies
 * (continuity.c), and draws of rho_i pushed by b to t = 1 against rho_j
 * (fc_compare: moment z-scores with exact fourth moments, sliced W2
 * against its exact-vs-exact noise band).  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "barycentric_internal.h"
#include "fc_compare.h"
#include "fc_ode.h"
#include "fc_rng.h"

/* The two paths of B4 on the planar problem: straight from the
   three-component mixture e_2 to the scaled 8gaussians e_1, and curved
   from the Gaussian e_0 to e_1 through the interior.  */
#define BC_B4_NPATH 2
static const char *const bc_b4_names[BC_B4_NPATH] = { "straight", "curved" };

/* Controls: BC_B4_RATE_DROPPED drops alpha_1' g_1 from b (the arrival
   vertex's term: an O(1) error, the residual stalls and the pushed draws
   miss rho_j's spread); BC_B4_FIELD_FAST uses 1.05 b (see
   BC_FIELD_FAST_EXCESS: the residual stalls at 5% of d rho/dt);
   BC_B4_CONSTANT_DRIFT adds BC_B4_DRIFT to b's first coordinate (the
   residual stalls at |drift . grad rho|, and the pushed draws' mean moves
   by about the drift: 0.5 against a standard error of the mean of at
   most 0.05 with 400 draws, ~10 standard errors); BC_B4_COARSE_RK4 pushes
   the draws with BC_B4_COARSE_STEPS RK4 steps (the integration error is
   then not negligible: the comparison cannot speak for the field, and
   the check must not decide).  */
#define BC_B4_DRIFT 0.5
#define BC_B4_COARSE_STEPS 2

static void
bc_b4_paths (const fc_interp *ip, int variant, bc_path pa[BC_B4_NPATH])
{
  int drop = variant == BC_B4_RATE_DROPPED ? 1 : BC_DROP_NONE;
  double speed = variant == BC_B4_FIELD_FAST ? 1.0 + BC_FIELD_FAST_EXCESS : 1.0;
  double drift = variant == BC_B4_CONSTANT_DRIFT ? BC_B4_DRIFT : 0.0;
  const bc_path straight = { ip, 2, 1, 0.0, 0, drop, speed, drift };
  const bc_path curved = { ip, 0, 1, BC_CURVE, 0, drop, speed, drift };
  pa[0] = straight;
  pa[1] = curved;
}

/* The residual studies of the paths PA into V (HOLDS: order 2 and the
   residual at the truncation scale).  */
static int
bc_b4_residual (const fc_run_options *opt, const bc_path *pa, fc_verdict *v)
{
  size_t n = FC_SIZES (bc_sizes_plan, opt)->n_study_points;
  int status = GSL_SUCCESS;
  for (size_t q = 0; q < BC_B4_NPATH && status == GSL_SUCCESS; q++)
    {
      fc_order_study st;
      status = bc_path_study (&pa[q], n, fc_module_seed (opt, BC_TAG_B4 + q),
                              bc_b4_names[q], &st);
      if (status == GSL_SUCCESS)
        fc_module_record_study (opt, v, &st);
    }
  return status;
}

/* Pushed samples: RK4 with N steps and, from the same draws, N/2 steps;
   the difference of the end points, rms over the particles, estimates the
   coarse run's error (1 - 2^-4 of it for an order-4 scheme), so 1/15 of
   it bounds the fine run's.  That bound must stay below a tenth of the
   sliced W2 noise level, so that integration error cannot decide the
   comparison (recorded as rk4_error, tolerance 0.1 x noise).  */
#define BC_B4_RK4_SHARE 0.1
static const fc_compare_plan bc_b4_compare
    = { .n_proj = 64, /* sliced W2 directions */
        .n_rep = 8,   /* pairs of exact samples measuring the W2 noise */
        .w2_z = BC_Z_MAX, /* the pushed-vs-exact distance is one more draw
                             of the exact-vs-exact statistic when the claim
                             holds: within Z_MAX of their spread */
        .n_two = 0, .n_perm = 0 };

typedef struct
{
  fc_compare_result cmp;
  double rk4_error; /* estimated rms end-point error of the fine run */
} bc_push_result;

/* The draws X of rho_i (n, D) pushed to t = 1 with STEPS RK4 steps, and
   the error estimate from a run of STEPS / 2 from the same draws (into
   the scratch A).  */
static int
bc_b4_integrate (const bc_path *pa, size_t n, size_t steps, double *x,
                 double *a, double *rk4_error)
{
  size_t dim = fc_interp_dim (pa->ip);
  memcpy (a, x, n * dim * sizeof *a);
  int status = fc_ode_fixed (bc_path_velocity, (void *) pa, FC_ODE_RK4, dim,
                             n, x, NULL, 0.0, 1.0, steps, NULL);
  if (status == GSL_SUCCESS)
    status = fc_ode_fixed (bc_path_velocity, (void *) pa, FC_ODE_RK4, dim, n,
                           a, NULL, 0.0, 1.0, steps / 2, NULL);
  double ss = 0.0;
  for (size_t i = 0; status == GSL_SUCCESS && i < n * dim; i++)
    ss += gsl_pow_2 (x[i] - a[i]);
  *rk4_error = sqrt (ss / (double) n) / 15.0;
  return status;
}

/* Push draws of rho_i along PA to t = 1; compare with rho_j. */
static int
bc_b4_push (const fc_run_options *opt, const bc_path *pa, unsigned long seed,
            bc_push_result *res)
{
  const bc_sizes *sz = FC_SIZES (bc_sizes_plan, opt);
  const fc_gmm *gi = fc_interp_marginal (pa->ip, pa->i);
  size_t n = sz->push_draws, dim = gi->dim;
  size_t steps = fc_control_variant (opt) == BC_B4_COARSE_RK4
                     ? BC_B4_COARSE_STEPS : sz->push_steps;
  double *x = malloc (n * dim * sizeof *x); /* (n, D) */
  double *a = malloc (n * dim * sizeof *a); /* (n, D) */
  int status = x && a ? fc_gmm_sample (gi, seed, n, x) : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = bc_b4_integrate (pa, n, steps, x, a, &res->rk4_error);
  if (status == GSL_SUCCESS)
    status = fc_compare_sample (fc_interp_marginal (pa->ip, pa->j), n, x,
                                &bc_b4_compare, seed, &res->cmp);
  free (x), free (a);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the pushed samples", GSL_ENOMEM);
  return status;
}

/* Record the pushed comparison R of path NAME into V.  Transported
   (HOLDS): moments within Z_MAX standard errors of rho_j's and the sliced
   W2 to exact draws within the noise band.  The integration error below
   a tenth of the W2 noise (VALID): otherwise the comparison does not
   speak for the field alone.  */
static void
bc_b4_record_push (fc_verdict *v, const char *name, const bc_push_result *r)
{
  char m[FC_VERDICT_NAME_LEN];
  const fc_compare_result *c = &r->cmp;
  double rk4_tol = BC_B4_RK4_SHARE * c->w2_noise;
  snprintf (m, sizeof m, "z_mean_%s", name);
  fc_verdict_decide (v, FC_TEST_HOLDS, m, c->z_mean, BC_Z_MAX,
                     c->z_mean <= BC_Z_MAX);
  snprintf (m, sizeof m, "z_var_%s", name);
  fc_verdict_decide (v, FC_TEST_HOLDS, m, c->z_var, BC_Z_MAX,
                     c->z_var <= BC_Z_MAX);
  snprintf (m, sizeof m, "sliced_w2_%s", name);
  fc_verdict_decide (v, FC_TEST_HOLDS, m, c->w2, c->w2_tol, c->w2 <= c->w2_tol);
  snprintf (m, sizeof m, "rk4_error_%s", name);
  fc_verdict_decide (v, FC_TEST_VALID, m, r->rk4_error, rk4_tol,
                     r->rk4_error <= rk4_tol);
}

int
bc_check_b4 (const fc_run_options *opt, fc_verdict *v)
{
  int variant;
  fc_interp *ip;
  int status = bc_check_start (opt, BC_PLANAR, &variant, &ip);
  if (status)
    return status;
  bc_path pa[BC_B4_NPATH];
  bc_push_result r[BC_B4_NPATH];
  bc_b4_paths (ip, variant, pa);
  status = bc_b4_residual (opt, pa, v);
  for (size_t q = 0; q < BC_B4_NPATH && status == GSL_SUCCESS; q++)
    {
      status = bc_b4_push (opt, &pa[q], fc_module_seed (opt, BC_TAG_B4 + 16 + q),
                           &r[q]);
      if (status)
        break;
      bc_b4_record_push (v, bc_b4_names[q], &r[q]);
      fc_module_progress (opt, "%s pushed: |z| mean %.2f var %.2f, sliced W2 "
                          "%.4f (noise %.4f, tol %.4f), RK4 error %.2g",
                          bc_b4_names[q], r[q].cmp.z_mean, r[q].cmp.z_var,
                          r[q].cmp.w2, r[q].cmp.w2_noise, r[q].cmp.w2_tol,
                          r[q].rk4_error);
    }
  fc_interp_free (ip);
  if (status)
    return status;
  fc_verdict_report (v, "sliced_w2_noise", r[0].cmp.w2_noise, NAN);
  fc_verdict_note (v, "residual orders %.3f, %.3f%s; pushed rho_i vs rho_j: "
                   "|z| <= %.2f, sliced W2 %.3f, %.3f (tol %.3f, %.3f)",
                   fc_verdict_get (v, "order_straight"),
                   fc_verdict_get (v, "order_curved"),
                   variant ? " (control)" : "",
                   GSL_MAX (GSL_MAX (r[0].cmp.z_mean, r[0].cmp.z_var),
                            GSL_MAX (r[1].cmp.z_mean, r[1].cmp.z_var)),
                   r[0].cmp.w2, r[1].cmp.w2, r[0].cmp.w2_tol, r[1].cmp.w2_tol);
  return GSL_SUCCESS;
}
