/* experiments/train_cfm_eval.c -- how train-cfm scores a field: Tong et al.
 * (TMLR 2024) §5.1 and Table 2's metrics, with an exact assignment.
 *
 * n source points x0 (stream TC_TAG_EVAL_SOURCE) are pushed from t = 0 to 1
 * through the field v, once by Euler with TC_EULER_STEPS steps
 * (fc_ode_fixed) and once by the adaptive solver (fc_ode_adaptive, rk8pd,
 * local tolerance TC_ADAPTIVE_TOL).  Each particle carries its path energy
 * e' = |v(t, x)|^2 as an extra coordinate, integrated by the same scheme,
 * so the path energy of the flow is PE = mean_i e_i(1) = int E|v|^2 dt.
 *
 *   W2    the exact W2 between the n generated points and n fresh target
 *         points (stream TC_TAG_EVAL_TARGET): fc_assign_w2sq, an optimal
 *         permutation (for equal weights an optimal plan is one, Birkhoff).
 *   floor the W2 between the n fresh target points and n more (stream
 *         TC_TAG_EVAL_FLOOR): what a perfect sampler scores at this n.
 *   NPE   |PE - W2^2(p0, p1)| / W2^2(p0, p1), the normalised path energy:
 *         by Benamou-Brenier no flow from p0 to p1 spends less than
 *         W2^2(p0, p1), reached by the optimal transport flow.  W2^2(p0, p1)
 *         is estimated by the exact assignment between the n pushed source
 *         points and the n fresh target points.  That estimate is biased
 *         upwards at finite n (an empirical coupling is never better than
 *         the population one), which is part of the floor an NPE can reach
 *         at n = 1,000: the exact-field rows of the table show it.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>

#include "fc_assign.h"
#include "fc_ode.h"
#include "train_cfm.h"

/* The field with the path energy appended: state (x, e) of D + 1
   coordinates, derivative (v(t, x), |v(t, x)|^2).  */
typedef struct
{
  fc_velocity_fn f;
  void *params;
  size_t dim;
} tc_energy_field;

static int
tc_energy_velocity (double t, size_t n, const double *xe, double *ue,
                    double *div, void *params)
{
  const tc_energy_field *p = params;
  size_t d = p->dim;
  (void) div;
  double *x = calloc (2 * n * d, sizeof (double)), *u = x + n * d;
  if (x == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  for (size_t i = 0; i < n; i++)
    for (size_t r = 0; r < d; r++)
      x[i * d + r] = xe[i * (d + 1) + r];
  int status = p->f (t, n, x, u, NULL, p->params);
  for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
    {
      double s = 0.0;
      for (size_t r = 0; r < d; r++)
        {
          ue[i * (d + 1) + r] = u[i * d + r];
          s += u[i * d + r] * u[i * d + r];
        }
      ue[i * (d + 1) + d] = s;
    }
  free (x);
  return status;
}

/* W2 of the generated points (the first D columns of XE, n rows of D + 1)
   against Y, the path energy, the NPE against W2SQ_OT.  */
static int
tc_score (size_t n, size_t d, const double *xe, const double *y,
          double w2sq_ot, double *w2, double *energy, double *npe,
          double *gen)
{
  double *x = malloc (n * d * sizeof (double));
  if (x == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  double e = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      memcpy (x + i * d, xe + i * (d + 1), d * sizeof (double));
      e += xe[i * (d + 1) + d];
    }
  *energy = e / (double) n;
  double w2sq;
  int status = fc_assign_w2sq (n, d, x, y, &w2sq);
  *w2 = sqrt (w2sq);
  *npe = fabs (*energy - w2sq_ot) / w2sq_ot;
  if (gen != NULL)
    memcpy (gen, x, n * d * sizeof (double));
  free (x);
  return status;
}

/* XE (n, D + 1): the source points X0 with a zero energy column.  */
static void
tc_start (size_t n, size_t d, const double *x0, double *xe)
{
  for (size_t i = 0; i < n; i++)
    {
      memcpy (xe + i * (d + 1), x0 + i * d, d * sizeof (double));
      xe[i * (d + 1) + d] = 0.0;
    }
}

/* The two-sample floor (file comment) against Y (n, D).  */
static int
tc_floor (const tc_law *target, unsigned long seed, size_t n, size_t d,
          const double *y, double *w2)
{
  double *z = malloc (n * d * sizeof (double)), w2sq = NAN;
  if (z == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  int status = tc_law_sample (target, seed, TC_TAG_EVAL_FLOOR, n, z);
  if (status == GSL_SUCCESS)
    status = fc_assign_w2sq (n, d, y, z, &w2sq);
  *w2 = sqrt (w2sq);
  free (z);
  return status;
}

int
tc_evaluate (fc_velocity_fn f, void *params, const tc_law *source,
             const tc_law *target, unsigned long seed, size_t n,
             tc_result *r, double *gen)
{
  size_t d = tc_law_dim (source);
  double *x0 = malloc ((2 * n * d + n * (d + 1)) * sizeof (double));
  if (x0 == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  double *y = x0 + n * d, *xe = y + n * d;
  tc_energy_field ef = { f, params, d };
  int status = tc_law_sample (source, seed, TC_TAG_EVAL_SOURCE, n, x0);
  if (status == GSL_SUCCESS)
    status = tc_law_sample (target, seed, TC_TAG_EVAL_TARGET, n, y);
  if (status == GSL_SUCCESS)
    status = fc_assign_w2sq (n, d, x0, y, &r->w2sq_ot);
  if (status == GSL_SUCCESS)
    status = tc_floor (target, seed, n, d, y, &r->w2_floor);
  if (status == GSL_SUCCESS)
    {
      tc_start (n, d, x0, xe);
      status = fc_ode_fixed (tc_energy_velocity, &ef, FC_ODE_EULER, d + 1, n,
                             xe, NULL, 0.0, 1.0, TC_EULER_STEPS, NULL);
    }
  if (status == GSL_SUCCESS)
    status = tc_score (n, d, xe, y, r->w2sq_ot, &r->w2_euler,
                       &r->energy_euler, &r->npe_euler, gen);
  fc_ode_stats st = { 0, 0 };
  if (status == GSL_SUCCESS)
    {
      tc_start (n, d, x0, xe);
      status = fc_ode_adaptive (tc_energy_velocity, &ef, d + 1, n, xe, NULL,
                                0.0, 1.0, TC_ADAPTIVE_TOL, TC_ADAPTIVE_TOL,
                                &st);
    }
  if (status == GSL_SUCCESS)
    status = tc_score (n, d, xe, y, r->w2sq_ot, &r->w2_adaptive,
                       &r->energy_adaptive, &r->npe_adaptive, NULL);
  r->n_evals_adaptive = st.n_evals;
  free (x0);
  return status;
}
