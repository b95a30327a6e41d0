/* derivations/continuity/flow.c -- claim C5 (N §Ordinary differential
 * equation; L "Sampling algorithm"): integrating dx/dt = u_t(x) from
 * N(0, I) yields q.
 *
 * (a) The instantaneous change of variables, on every schedule and three
 * data sets (8gaussians, moons, the D = 6 mixture of data.c): particles
 * x(0) drawn from p_0 (N(0, I) for linear and cosine; for vp, whose
 * alpha_0 = 6.6e-3 is not 0, the exact p_0) are pushed with their log
 * density along a ladder of ODE tolerances, and at each rung k the
 * discrepancy of each particle
 *
 *   d_i(k) = log p_0(x_i(0)) + int_0^1 -div u dt - log q(x_i(1))
 *
 * is zero if the claim holds, up to the integrator's error.  That error is
 * estimated from the integrator itself, by its solution at the next rung
 * (tolerance ten times smaller, the standard global error estimate by
 * re-integration): the computed log-determinant and endpoint move between
 * the rungs by
 *
 *   E_i(k) = |l_i(k) - l_i(k+1)| + |log q(x_i(k)) - log q(x_i(k+1))|,
 *
 * which involves neither p_0 nor q's agreement with the flow.  An error
 * falling at least like tol^(1/2) (the slope criterion below) shrinks by
 * rho = 10^(-1/2) or more per rung, so |d_i(k)| <= E_i(k) + |d_i(k+1)| <=
 * E_i(k) + rho |d_i(k)| gives the per-particle bound
 *
 *   |d_i(k)| <= E_i(k) / (1 - rho) + floor_i(k)
 *
 * with floor_i(k) the round-off of the sum (below).  A field that is not
 * the flow of p_t leaves d_i(k) at its own size at every rung, far above
 * the integrator's E_i(k).  The slope of max_i |d_i(k)| in tol is fitted
 * over the rungs above the round-off floor only (fc_study_ladder_above_
 * floor): the ladder stops where the error reaches ten times the floor.
 *
 * (b) Pushed samples against exact draws of q (fc_compare_sample: moment
 * z-scores and the sliced W2 against its exact-vs-exact noise level), on
 * 8gaussians with the linear schedule.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "continuity_internal.h"
#include "fc_compare.h"
#include "fc_ode.h"
#include "fc_path.h"
#include "fc_rng.h"

/* The ladder: tol_k = 10^-(CT_C5_TOL_EXP0 + k), k < ct_sizes.c5_ntol
   (at most CT_C5_NTOL): 1e-3 .. 1e-10 at the full sizes, 1e-3 .. 1e-8 at
   the quick ones.  Every rung but the last has its bound (the last is the
   reference of the ones before), so seven (five) rungs are bounded; the
   errors measured at the default seed stay above ten times the round-off
   floor down to 1e-9 or below (the ladder stops where they reach it).  */
#define CT_C5_TOL_EXP0 3
#define CT_C5_TOL_PUSH 1e-6 /* (b): ODE error far below the sample noise */

/* A controller bounding the local error by tol gives a global error that
   follows tol^1 for a smooth field; half that slope is the least accepted,
   and it fixes the least shrink factor between rungs, rho = 10^-0.5.  */
#define CT_C5_SLOPE_MIN 0.5
#define CT_C5_RHO 0.31622776601683794 /* 10^-CT_C5_SLOPE_MIN */

/* The round-off of d_i: the sum of the log-determinant over n_steps steps
   of rk8pd (13 stages each) rounds at each stage, and each of the three
   terms of d_i carries a relative eps: floor_i = eps (13 n_steps + 3)
   (1 + |log p_0| + |l| + |log q|).  */
#define CT_C5_STAGES 13.0

/* (b): the comparison with q.  The z band of the moments and of the W2
   noise level is 5 sigma (as tests/fc_check.h's Z_MAX; a false alarm has
   probability ~6e-7 per figure with the fixed seed); 8 pairs of exact
   samples measure the W2 noise, over 64 directions; no two-sample test.  */
#define CT_Z_MAX 5.0
static const fc_compare_plan ct_c5_compare = {
  .n_proj = 64, .n_rep = 8, .w2_z = CT_Z_MAX, .n_two = 0, .n_perm = 0
};

/* The data sets of (a).  */
#define CT_C5_NDATA 3
static const ct_data ct_c5_data[CT_C5_NDATA]
    = { CT_DATA_GMM, CT_DATA_MOONS, CT_DATA_GMM6D };
#define CT_C5_NCASE (CT_NS * CT_C5_NDATA)

/* The field pushed: the marginal u_t of the data, or in a control
   (1 + s) u_t + b e_1 (divergence (1 + s) div u_t), S = s and B = b.  */
typedef struct
{
  fc_path_field_params path;
  double scale, shift;
} ct_c5_field_params;

static int
ct_c5_changed_velocity (double t, size_t n, const double *x, double *u,
                        double *div, void *params)
{
  ct_c5_field_params *f = params;
  size_t dim = f->path.g->dim;
  int status = fc_path_field_velocity (t, n, x, u, div, &f->path);
  for (size_t i = 0; status == GSL_SUCCESS && i < n * dim; i++)
    u[i] = (1.0 + f->scale) * u[i] + (i % dim == 0 ? f->shift : 0.0);
  for (size_t i = 0; status == GSL_SUCCESS && div != NULL && i < n; i++)
    div[i] *= 1.0 + f->scale;
  return status;
}

/* The field of the run OPT for data G under schedule S.  */
static ct_c5_field_params
ct_c5_field_of (const fc_run_options *opt, const fc_gmm *g, fc_schedule s)
{
  ct_c5_field_params f = { { g, s }, 0.0, 0.0 };
  if (fc_control_variant (opt) == CT_CONTROL_C5_FIELD_SCALED)
    f.scale = CT_C5_FIELD_SCALE;
  if (fc_control_variant (opt) == CT_CONTROL_C5_FIELD_VISIBLE)
    {
      f.scale = CT_C5_VISIBLE_SCALE;
      f.shift = CT_C5_VISIBLE_SHIFT;
    }
  return f;
}

/* ------------------------------------------------------------ (a) */

/* One rung of the ladder for N particles in dimension D.  */
typedef struct
{
  double *x;     /* (n, D) endpoints x(1) */
  double *ld;    /* (n) log-determinant l = int -div u dt */
  double *lq;    /* (n) log q(x(1)) */
} ct_c5_rung;

/* What one case of (a) measures: per rung k and particle i, d_i(k), the
   integrator's estimate E_i(k) (k < NTOL - 1) and floor_i(k), each
   (NTOL, n) row-major; then the figures.  */
typedef struct
{
  size_t n, ntol;           /* particles, rungs */
  double *d, *est, *floor;
  double err[CT_C5_NTOL];   /* max_i |d_i(k)| */
  double floor_max;         /* max_i floor_i at the finest rung */
  size_t n_above;           /* rungs above the round-off floor */
  double slope;             /* of log err in log tol over those rungs */
  double tightness;         /* max_i,k |d_i(k)| / bound_i(k) over them */
  double unexplained;       /* max_i,k of the part of |d_i(k)| beyond the
                               estimates, over the allowance below */
} ct_c5_case;

/* Push X0 (n, D) with F at tolerance TOL into R, with LOGP0 (n) the log
   density of the starts; D (n) receives d_i and FLOOR (n) its round-off.  */
static int
ct_c5_push (const fc_gmm *g, ct_c5_field_params *f, size_t n,
            const double *x0, const double *logp0, double tol, ct_c5_rung *r,
            double *d, double *floor)
{
  size_t dim = g->dim;
  fc_ode_stats stats;
  memcpy (r->x, x0, n * dim * sizeof *r->x);
  memset (r->ld, 0, n * sizeof *r->ld);
  int status = fc_ode_adaptive (ct_c5_changed_velocity, f, dim, n, r->x, r->ld,
                                0.0, 1.0, tol, tol, &stats);
  if (status == GSL_SUCCESS)
    status = fc_gmm_log_density (g, n, r->x, r->lq);
  double ops = CT_C5_STAGES * (double) stats.n_steps_max + 3.0;
  for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
    {
      d[i] = logp0[i] + r->ld[i] - r->lq[i];
      floor[i] = GSL_DBL_EPSILON * ops
                 * (1.0 + fabs (logp0[i]) + fabs (r->ld[i]) + fabs (r->lq[i]));
    }
  return status;
}

/* Largest |V_i| over N values.  */
static double
ct_c5_max_abs (size_t n, const double *v)
{
  double m = 0.0;
  for (size_t i = 0; i < n; i++)
    m = GSL_MAX (m, fabs (v[i]));
  return m;
}

/* The ladder of one case from the N starts X0 with log densities LOGP0,
   using two rungs of scratch R: d, E and the floors into C.  */
static int
ct_c5_ladder (const fc_gmm *g, ct_c5_field_params *f, const double *x0,
              const double *logp0, ct_c5_rung r[2], ct_c5_case *c)
{
  size_t n = c->n;
  int status = GSL_SUCCESS;
  for (size_t k = 0; k < c->ntol && status == GSL_SUCCESS; k++)
    {
      ct_c5_rung *now = &r[k % 2], *prev = &r[(k + 1) % 2];
      status = ct_c5_push (g, f, n, x0, logp0,
                           pow (10.0, -(double) (CT_C5_TOL_EXP0 + k)), now,
                           c->d + k * n, c->floor + k * n);
      if (status == GSL_SUCCESS)
        c->err[k] = ct_c5_max_abs (n, c->d + k * n);
      for (size_t i = 0; status == GSL_SUCCESS && k > 0 && i < n; i++)
        c->est[(k - 1) * n + i] = fabs (prev->ld[i] - now->ld[i])
                                  + fabs (prev->lq[i] - now->lq[i]);
    }
  if (status == GSL_SUCCESS)
    c->floor_max = ct_c5_max_abs (n, c->floor + (c->ntol - 1) * n);
  return status;
}

/* The bound of each particle i at each rung k <= K - 2 of the K rungs
   above the floor (file header),
     bound_i(k) = sum_{m=k}^{K-2} E_i(m) + below + floor_i(k),
     below = rho/(1 - rho) max_j E_j(K-2):
   the integrator's estimates summed down the ladder (a particle whose
   error stalls between two rungs falls at the next ones), and for what
   lies below the last rung the largest estimate there times the least
   shrink factor (the slope criterion between the last two rungs).  Into
   C: the largest |d_i(k)| / bound_i(k) (near 1: the bound is the error
   as the integrator estimates it), and the largest part of |d_i(k)| that
   the estimates down the ladder leave unexplained, in units of below
   (<= 1 when the bound holds).  */
static void
ct_c5_bounds (ct_c5_case *c, size_t k_rungs)
{
  size_t n = c->n, last = k_rungs - 2;
  double below = CT_C5_RHO / (1.0 - CT_C5_RHO)
                 * ct_c5_max_abs (n, c->est + last * n);
  c->tightness = c->unexplained = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      double sum = 0.0;
      for (size_t k = last + 1; k-- > 0;)
        {
          sum += c->est[k * n + i];
          double known = sum + c->floor[k * n + i], d = fabs (c->d[k * n + i]);
          c->tightness = GSL_MAX (c->tightness, d / (known + below));
          c->unexplained = GSL_MAX (c->unexplained, (d - known) / below);
        }
    }
}

/* The decision figures of a measured ladder C: where it stops, the slope
   above the floor and the worst bound ratio over the bounded rungs there.
   Fewer than two rungs above the floor leave both NAN (they fail).  */
static void
ct_c5_judge (ct_c5_case *c)
{
  double tol[CT_C5_NTOL], lc, se;
  for (size_t k = 0; k < c->ntol; k++)
    tol[k] = pow (10.0, -(double) (CT_C5_TOL_EXP0 + k));
  c->n_above = fc_study_ladder_above_floor (c->ntol, c->err, c->floor_max);
  c->slope = c->tightness = c->unexplained = NAN;
  if (c->n_above < 2)
    return;
  if (fc_fd_order_fit (c->n_above, tol, c->err, &c->slope, &lc, &se))
    c->slope = NAN;
  ct_c5_bounds (c, c->n_above);
}

/* Starts of case (S, G): N draws of p_0 into X0 (n, D), their log
   densities into LOGP0.  */
static int
ct_c5_starts (const fc_gmm *g, fc_schedule s, unsigned long seed, size_t n,
              double *x0, double *logp0)
{
  fc_path_field_source src = { s, g->dim, g, NULL };
  int status = fc_path_field_points (0.0, seed, n, x0, &src);
  if (status == GSL_SUCCESS)
    status = fc_path_eval (g, s, 0.0, FC_Q_LOGP, n, x0, logp0);
  return status;
}

/* One case of (a): data G under schedule S.  */
static int
ct_c5_change_of_variables (const fc_run_options *opt, const fc_gmm *g,
                           fc_schedule s, unsigned long seed, ct_c5_case *c)
{
  const ct_sizes *sz = FC_SIZES (ct_sizes_plan, opt);
  size_t n = sz->c5_change, dim = g->dim, ntol = sz->c5_ntol;
  double *block = malloc (n * (3 * dim + 5 + 3 * ntol) * sizeof *block);
  if (block == NULL)
    GSL_ERROR ("no memory for the change of variables", GSL_ENOMEM);
  /* x0 (n, D), log p_0 (n), two rungs (n, D + 2), then d, E and the
     floors (NTOL, n) each.  */
  double *x0 = block, *logp0 = x0 + n * dim, *p = logp0 + n;
  ct_c5_rung r[2];
  for (size_t j = 0; j < 2; j++, p += n * (dim + 2))
    r[j] = (ct_c5_rung){ p, p + n * dim, p + n * dim + n };
  c->n = n, c->ntol = ntol;
  c->d = p, c->est = p + ntol * n, c->floor = p + 2 * ntol * n;
  ct_c5_field_params f = ct_c5_field_of (opt, g, s);
  int status = ct_c5_starts (g, s, seed, n, x0, logp0);
  if (status == GSL_SUCCESS)
    status = ct_c5_ladder (g, &f, x0, logp0, r, c);
  if (status == GSL_SUCCESS)
    ct_c5_judge (c);
  free (block);
  c->d = c->est = c->floor = NULL;
  return status;
}

/* ------------------------------------------------------------ (b) */

/* Noise pushed at CT_C5_TOL_PUSH with the field of the run, compared with
   exact draws of q (8gaussians, linear schedule).  */
static int
ct_c5_samples (const fc_run_options *opt, fc_compare_result *cmp)
{
  size_t n = FC_SIZES (ct_sizes_plan, opt)->c5_sample;
  unsigned long seed = fc_module_seed (opt, CT_TAG_C5 + 1);
  fc_gmm *g = ct_data_load (opt, CT_DATA_GMM);
  double *x = malloc (n * CT_DIM * sizeof *x); /* (n, 2) pushed */
  int status = g != NULL && x != NULL ? GSL_SUCCESS : GSL_ENOMEM;
  ct_c5_field_params f = ct_c5_field_of (opt, g, FC_SCHEDULE_LINEAR);
  if (status == GSL_SUCCESS)
    status = fc_rng_gaussian_fill (seed, 0, n * CT_DIM, x);
  if (status == GSL_SUCCESS)
    status = fc_ode_adaptive_joint (ct_c5_changed_velocity, &f, CT_DIM, n, x,
                                    NULL, 0.0, 1.0, CT_C5_TOL_PUSH,
                                    CT_C5_TOL_PUSH, NULL);
  /* The pushed-vs-exact distance is one draw of the same statistic as the
     exact-vs-exact ones when the claim holds: within CT_Z_MAX of their
     spread (fc_compare.h).  */
  if (status == GSL_SUCCESS)
    status = fc_compare_sample (g, n, x, &ct_c5_compare, seed, cmp);
  free (x);
  fc_gmm_free (g);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the pushed samples", GSL_ENOMEM);
  return status;
}

/* ------------------------------------------------------------ the check */

/* Every case of (a), schedule by schedule, each from its own stream.  */
static int
ct_c5_cases (const fc_run_options *opt, ct_c5_case c[CT_C5_NCASE])
{
  fc_gmm *g[CT_C5_NDATA];
  int status = ct_data_load_all (opt, CT_C5_NDATA, ct_c5_data, g);
  for (size_t i = 0; i < CT_C5_NCASE && status == GSL_SUCCESS; i++)
    {
      size_t s = i / CT_C5_NDATA, d = i % CT_C5_NDATA;
      status = ct_c5_change_of_variables (opt, g[d], ct_schedules[s],
                                          fc_module_seed (opt, CT_TAG_C5 + 16 + i),
                                          &c[i]);
      fc_module_progress (opt, "%-13s max |d| %.2g (tol 1e-%d) .. %.2g (1e-%d); "
                          "%zu rungs above the floor %.1e; slope %.3f; "
                          "max |d|/bound %.4f, unexplained/allowance %.3f",
                          ct_case_name (s, ct_c5_data[d]),
                          c[i].err[0], CT_C5_TOL_EXP0, c[i].err[c[i].ntol - 1],
                          (int) (CT_C5_TOL_EXP0 + c[i].ntol - 1), c[i].n_above,
                          c[i].floor_max, c[i].slope, c[i].tightness,
                          c[i].unexplained);
    }
  ct_data_free_all (CT_C5_NDATA, g);
  return status;
}

static void
ct_c5_record (fc_verdict *v, const ct_c5_case *c, const fc_compare_result *cmp)
{
  char name[FC_VERDICT_NAME_LEN];
  size_t rungs_min = c[0].ntol;
  double tight = 0.0;
  for (size_t i = 0; i < CT_C5_NCASE; i++)
    {
      const char *cs = ct_case_name (i / CT_C5_NDATA, ct_c5_data[i % CT_C5_NDATA]);
      snprintf (name, sizeof name, "logq_slope_%s", cs);
      fc_verdict_decide (v, FC_TEST_HOLDS, name, c[i].slope, CT_C5_SLOPE_MIN,
                         c[i].slope >= CT_C5_SLOPE_MIN);
      snprintf (name, sizeof name, "logq_unexplained_%s", cs);
      fc_verdict_decide (v, FC_TEST_HOLDS, name, c[i].unexplained, 1.0,
                         c[i].unexplained <= 1.0);
      rungs_min = GSL_MIN (rungs_min, c[i].n_above);
      tight = GSL_MAX (tight, c[i].tightness);
    }
  fc_verdict_decide (v, FC_TEST_HOLDS, "z_mean", cmp->z_mean, CT_Z_MAX,
                     cmp->z_mean <= CT_Z_MAX);
  fc_verdict_decide (v, FC_TEST_HOLDS, "z_var", cmp->z_var, CT_Z_MAX,
                     cmp->z_var <= CT_Z_MAX);
  fc_verdict_decide (v, FC_TEST_HOLDS, "sliced_w2", cmp->w2, cmp->w2_tol,
                     cmp->w2 <= cmp->w2_tol);
  fc_verdict_report (v, "sliced_w2_noise", cmp->w2_noise, NAN);
  fc_verdict_report (v, "logq_error_over_bound_max", tight, 1.0);
  fc_verdict_report (v, "ladder_rungs_above_floor_min", (double) rungs_min,
                     NAN);
}

int
ct_check_c5 (const fc_run_options *opt, fc_verdict *v)
{
  ct_c5_case c[CT_C5_NCASE];
  fc_compare_result cmp;
  int status = ct_c5_cases (opt, c);
  if (status == GSL_SUCCESS)
    status = ct_c5_samples (opt, &cmp);
  if (status)
    return status;
  ct_c5_record (v, c, &cmp);
  double slope_min = GSL_POSINF, unexplained_max = 0.0;
  size_t rungs_min = c[0].ntol;
  for (size_t i = 0; i < CT_C5_NCASE; i++)
    {
      slope_min = GSL_MIN (slope_min, c[i].slope);
      unexplained_max = GSL_MAX (unexplained_max, c[i].unexplained);
      rungs_min = GSL_MIN (rungs_min, c[i].n_above);
    }
  fc_verdict_note (v, "9 cases: log-density error slope >= %.2f in tol, "
                   "|d| beyond its bound <= %.2f x the allowance; ladder "
                   "1e-%d .. 1e-%d stops "
                   "after >= %zu rungs; moments |z| <= %.2f, sliced W2 %.4f "
                   "vs noise %.4f", slope_min, unexplained_max, CT_C5_TOL_EXP0,
                   (int) (CT_C5_TOL_EXP0 + c[0].ntol - 1), rungs_min,
                   GSL_MAX (cmp.z_mean, cmp.z_var), cmp.w2, cmp.w2_noise);
  return GSL_SUCCESS;
}
