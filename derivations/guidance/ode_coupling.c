/* derivations/guidance/ode_coupling.c -- claim G3 (N §Guidance term):
 * assuming the flow bijective, p_t(x1|x) = delta(x1 - phi_{t->1}(x)), so
 * the ODE-coupling likelihood h~_t(x) = p(y | phi_{t->1}(x)) serves as
 * p_t(y|x) for guidance.
 *
 * Measured: the gap log h~ - log h at points of p_t(x|y), and sampling
 * with u_t + c_t grad log h~ against sampling with the exact
 * u_t + c_t grad log h, from the same exact draws of p_{t_s}(x|y).
 * Control: the candidate likelihood replaced by the interpolant's own
 * p_t(y|x) (h~ = h), which the same check must confirm.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>

#include "fc_fd.h"
#include "fc_path.h"
#include "fc_path_field.h"
#include "fc_rng.h"
#include "guidance_internal.h"

/* Sampling: both fields start at T_S from exact draws of p_{t_s}(x|y) (the
   ODE-coupling term c_t grad log h~ has a non-integrable 1/t singularity at
   t = 0, measured as grad0_rms), RK4 in g3_steps equal steps to t = 1.  The
   exact field u_t + c_t grad log h_t is then exact on [t_s, 1], so any
   difference is the coupling's.  GD_G3_NREP blocks of g3_n particles
   (sample_distance.c).  Exact guidance integrated the same way lands at the
   two-exact-sample level (w2_exact), which shows the outer steps resolve
   the fields.  */
#define GD_G3_TS 0.2
#define GD_G3_NREP 8
#define GD_G3_NTGAP 5
static const double gd_g3_gap_times[GD_G3_NTGAP] = { 0.1, 0.3, 0.5, 0.7, 0.9 };

typedef struct
{
  const gd_setting *set;
  size_t inner;    /* RK4 steps of the inner flow */
  double delta;    /* forward-difference step of the flow map's Jacobian */
  int interpolant; /* 1: the control, h~ = h_t = p_t(y|x) exactly */
  double sign;     /* of the guidance term: -1 in a broken reference */
} gd_coupled;

/* phi_{t->1} of the N points X into PHI (n, D): the flow of the prior's
   u_t from t to 1 (N §Guidance term, "p_t(x1|x) = delta(x1 - phi_t(x))"),
   by RK4 in INNER equal steps (the same count whatever t, so the discrete
   map is smooth in t and in x).  */
static int
gd_flow_to_one (const gd_setting *set, double t, size_t inner, size_t n,
                const double *x, double *phi)
{
  fc_path_field_params par = { set->prior, FC_SCHEDULE_LINEAR };
  memcpy (phi, x, n * set->dim * sizeof *phi);
  if (t >= 1.0)
    return GSL_SUCCESS;
  return fc_ode_fixed (fc_path_field_velocity, &par, FC_ODE_RK4, set->dim, n,
                       phi, NULL, t, 1.0, inner, NULL);
}

/* log h~ and grad log h~ of point I from PHI (flows of the stencil
   blocks, (1 + D) n points, see gd_coupled_eval).  */
static void
gd_coupled_point (const gd_coupled *cp, size_t n, size_t i, const double *phi,
                  double *logh, double *grad)
{
  const fc_obs *o = cp->set->obs;
  double s2 = o->sigma_y * o->sigma_y;
  size_t d = o->dim;
  const double *p = phi + i * d;
  double atr[GD_DIM_MAX] = { 0.0 }, q = 0.0;
  for (size_t r = 0; r < o->m; r++)
    {
      const double *a = o->a + r * d;
      double res = o->y[r];
      for (size_t k = 0; k < d; k++)
        res -= a[k] * p[k];
      q += res * res;
      for (size_t k = 0; k < d; k++)
        atr[k] += a[k] * res / s2;
    }
  if (logh != NULL)
    logh[i] = -0.5 * q / s2 - 0.5 * (double) o->m * log (2.0 * M_PI * s2);
  for (size_t j = 0; grad != NULL && j < d; j++)
    {
      const double *pj = phi + ((1 + j) * n + i) * d;
      double dot = 0.0;
      for (size_t k = 0; k < d; k++)
        dot += (pj[k] - p[k]) * atr[k];
      grad[i * d + j] = dot / cp->delta;
    }
}

/* log h~_t(x) = log N(y; A phi(x), sigma_y^2 I) into LOGH (when not NULL)
   and grad log h~ = Jphi^T A^T (y - A phi)/sigma_y^2 into GRAD (when not
   NULL), Jphi by forward differences of the discrete flow map: the flows of
   X and of X + delta e_j go through one batched integration (forward, not
   central: 3 flows per point instead of 5, and the 3e-8 relative error of
   gd_g3_delta is far below anything the study resolves).  */
static int
gd_coupled_ode (const gd_coupled *cp, double t, size_t n, const double *x,
                double *logh, double *grad)
{
  size_t d = cp->set->dim, nb = (1 + d) * n;
  double *xs = gd_alloc (nb * d), *phi = gd_alloc (nb * d);
  int status = xs && phi ? GSL_SUCCESS : GSL_ENOMEM;
  /* Block b of XS: b = 0 the points, b = 1 + j the points + delta e_j. */
  for (size_t b = 0; status == GSL_SUCCESS && b < 1 + d; b++)
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < d; j++)
        xs[(b * n + i) * d + j] = x[i * d + j] + (b == 1 + j ? cp->delta : 0.0);
  if (status == GSL_SUCCESS)
    status = gd_flow_to_one (cp->set, t, cp->inner, grad ? nb : n, xs, phi);
  for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
    gd_coupled_point (cp, n, i, phi, logh, grad);
  free (xs), free (phi);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the coupled likelihood", GSL_ENOMEM);
  return status;
}

/* The candidate likelihood: the ODE coupling's, or in the control the
   interpolant's exact p_t(y|x).  */
static int
gd_coupled_eval (const gd_coupled *cp, double t, size_t n, const double *x,
                 double *logh, double *grad)
{
  if (!cp->interpolant)
    return gd_coupled_ode (cp, t, n, x, logh, grad);
  fc_guide_out out = { 0 };
  out.logh = logh, out.grad = grad;
  return fc_guide_eval (cp->set->prior, FC_SCHEDULE_LINEAR, t, cp->set->obs,
                        n, x, &out);
}

/* u_t + sign c_t grad log h~_t: an fc_velocity_fn, PARAMS a gd_coupled. */
static int
gd_coupled_velocity (double t, size_t n, const double *x, double *u,
                     double *div, void *params)
{
  const gd_coupled *cp = params;
  size_t d = cp->set->dim;
  double c, *g = gd_alloc (n * d); /* (n, D) */
  if (div != NULL || g == NULL)
    {
      free (g);
      GSL_ERROR ("coupled field: no divergence, or no memory", GSL_EUNIMPL);
    }
  int status = fc_guide_factor (FC_SCHEDULE_LINEAR, t, &c);
  if (status == GSL_SUCCESS)
    status = fc_path_eval (cp->set->prior, FC_SCHEDULE_LINEAR, t, FC_Q_VELOCITY,
                           n, x, u);
  if (status == GSL_SUCCESS)
    status = gd_coupled_eval (cp, t, n, x, NULL, g);
  for (size_t i = 0; status == GSL_SUCCESS && i < n * d; i++)
    u[i] += cp->sign * c * g[i];
  free (g);
  return status;
}

/* The forward-difference step of Jphi: truncation delta |phi''|/2 against
   round-off eps |phi|/delta, with |phi''| ~ |phi|/ell^2, ell the prior's
   smallest standard deviation, balance at delta = sqrt(eps) ell; the
   relative error of Jphi is then about 2 sqrt(eps) ~ 3e-8.  */
static double
gd_g3_delta (const fc_gmm *g)
{
  double lmin = GSL_POSINF;
  for (size_t i = 0; i < g->n_comp * g->dim; i++)
    lmin = GSL_MIN (lmin, g->eigval[i]);
  return sqrt (GSL_DBL_EPSILON * lmin);
}

typedef struct
{
  double gap[GD_G3_NTGAP]; /* rms (log h~ - log h) at points of p_t(x|y) */
  double flow_error;       /* max |phi_inner - phi_2inner| at t = 0.1 */
  double grad0_rms;        /* rms |grad log h~_0| (exact: 0) */
  double w_coupled, w_exact, w_coupled_sd, w_exact_sd;
  double w_noise, w_sd, w_tol;
} gd_g3_result;

/* The inner flow's accuracy at the N points X of time T: max |phi_inner -
   phi_2inner| into *ERR, scratch P1 and P2 (n, D).  */
static int
gd_g3_flow_error (const gd_coupled *cp, double t, size_t n, const double *x,
                  double *p1, double *p2, double *err)
{
  int status = gd_flow_to_one (cp->set, t, cp->inner, n, x, p1);
  if (status == GSL_SUCCESS)
    status = gd_flow_to_one (cp->set, t, 2 * cp->inner, n, x, p2);
  for (size_t i = 0; status == GSL_SUCCESS && i < n * cp->set->dim; i++)
    *err = GSL_MAX (*err, fabs (p1[i] - p2[i]));
  return status;
}

/* rms (log h~ - log h) at the N points X of time T into *GAP, scratch LT
   and LE (n).  */
static int
gd_g3_gap (const gd_coupled *cp, double t, size_t n, const double *x,
           double *lt, double *le, double *gap)
{
  fc_guide_out out = { 0 };
  out.logh = le;
  int status = gd_coupled_eval (cp, t, n, x, lt, NULL);
  if (status == GSL_SUCCESS)
    status = fc_guide_eval (cp->set->prior, FC_SCHEDULE_LINEAR, t, cp->set->obs,
                            n, x, &out);
  for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
    lt[i] -= le[i];
  *gap = fc_fd_rms (n, lt);
  return status;
}

static int
gd_g3_gaps (const fc_run_options *opt, const gd_case *cs, const gd_coupled *cp,
            gd_g3_result *res)
{
  size_t n = FC_SIZES (gd_sizes_plan, opt)->n_points;
  unsigned long seed = gd_case_seed (opt, GD_TAG_G3, cs);
  size_t d = cp->set->dim;
  double *x = gd_alloc (n * d), *lt = gd_alloc (n), *le = gd_alloc (n);
  double *p1 = gd_alloc (n * d), *p2 = gd_alloc (n * d);
  int status = x && lt && le && p1 && p2 ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t k = 0; k < GD_G3_NTGAP && status == GSL_SUCCESS; k++)
    {
      double t = gd_g3_gap_times[k];
      status = gd_post_points (cp->set, FC_SCHEDULE_LINEAR, t,
                               fc_rng_stream_seed (seed, k), n, x);
      if (status == GSL_SUCCESS)
        status = gd_g3_gap (cp, t, n, x, lt, le, &res->gap[k]);
      /* The inner flow's accuracy, at the earliest time (longest flow). */
      if (status == GSL_SUCCESS && k == 0)
        status = gd_g3_flow_error (cp, t, n, x, p1, p2, &res->flow_error);
    }
  /* grad log h~ at t = 0 on draws of N(0, I). */
  if (status == GSL_SUCCESS)
    status = fc_rng_gaussian_fill (fc_rng_stream_seed (seed, 99), 0, n * d, x);
  if (status == GSL_SUCCESS)
    status = gd_coupled_eval (cp, 0.0, n, x, NULL, p1);
  if (status == GSL_SUCCESS)
    res->grad0_rms = fc_fd_rms (n * d, p1) * sqrt ((double) d);
  free (x), free (lt), free (le), free (p1), free (p2);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the G3 gaps", GSL_ENOMEM);
  return status;
}

/* Mean and sd of the block W2 of the runs X (GD_G3_NREP blocks of N).  */
static int
gd_g3_score (const gd_coupled *cp, size_t n, const double *x,
             unsigned long seed, double *mean, double *sd)
{
  double w[GD_G3_NREP];
  int status = gd_blocks_w2 (cp->set->post, GD_G3_NREP, n, x, seed, w);
  if (status == GSL_SUCCESS)
    gd_blocks_mean_sd (GD_G3_NREP, w, mean, sd);
  return status;
}

/* Which samplers a run integrates: as stated both, the coupled one with
   the ODE coupling's h~ and the reference with the exact h; the controls
   one each (interpolant_likelihood: the coupled slot with h~ = h;
   reference_reversed_guidance: the reference slot with its guidance term
   reversed, u_t - c_t grad log h, a sampler that must land far from the
   posterior).  */
typedef struct
{
  int coupled, exact, reversed;
} gd_g3_slots;

static gd_g3_slots
gd_g3_slots_of (const fc_run_options *opt)
{
  int k = fc_control_variant (opt);
  gd_g3_slots sl = { k != GD_G3_REFERENCE_REVERSED, k != GD_G3_INTERPOLANT,
                     k == GD_G3_REFERENCE_REVERSED };
  return sl;
}

/* Both samplers from the same exact draws XE of p_{t_s}(x|y) (nt points):
   the coupled one into XC, the reference in place; scored into RES.  */
static int
gd_g3_push_both (gd_coupled *cp, const gd_g3_slots *sl, size_t steps,
                 size_t n, double *xc, double *xe, unsigned long seed,
                 gd_g3_result *res)
{
  size_t d = cp->set->dim, nt = GD_G3_NREP * n;
  gd_coupled reversed = { cp->set, cp->inner, cp->delta, 1, -1.0 };
  fc_guide_field *f = fc_guide_field_alloc (cp->set->prior, FC_SCHEDULE_LINEAR,
                                            cp->set->obs, FC_GUIDE_EXACT_SPLIT,
                                            0.0);
  int status = f != NULL ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS && sl->coupled)
    status = gd_push (gd_coupled_velocity, cp, GD_G3_TS, 1.0, steps, d, nt,
                      xe, xc, NULL);
  if (status == GSL_SUCCESS && sl->coupled)
    status = gd_g3_score (cp, n, xc, seed, &res->w_coupled, &res->w_coupled_sd);
  if (status == GSL_SUCCESS && sl->exact)
    status = sl->reversed
                 ? gd_push (gd_coupled_velocity, &reversed, GD_G3_TS, 1.0,
                            steps, d, nt, xe, xe, NULL)
                 : gd_push (fc_guide_field_velocity, f, GD_G3_TS, 1.0, steps,
                            d, nt, xe, xe, NULL);
  if (status == GSL_SUCCESS && sl->exact)
    status = gd_g3_score (cp, n, xe, seed, &res->w_exact, &res->w_exact_sd);
  fc_guide_field_free (f);
  return status;
}

static int
gd_g3_sampling (const fc_run_options *opt, const gd_case *cs,
                gd_coupled *cp, const gd_g3_slots *sl,
                gd_g3_result *res)
{
  const gd_sizes *sz = FC_SIZES (gd_sizes_plan, opt);
  size_t n = sz->g3_n, nt = GD_G3_NREP * n;
  unsigned long seed = gd_case_seed (opt, GD_TAG_G3 + 1, cs);
  size_t d = cp->set->dim;
  double *xc = gd_alloc (nt * d), *xe = gd_alloc (nt * d);
  int status = xc && xe ? GSL_SUCCESS : GSL_ENOMEM;
  res->w_coupled = res->w_exact = NAN;
  if (status == GSL_SUCCESS)
    status = gd_post_points (cp->set, FC_SCHEDULE_LINEAR, GD_G3_TS,
                             fc_rng_stream_seed (seed, 0), nt, xe);
  if (status == GSL_SUCCESS)
    status = gd_g3_push_both (cp, sl, sz->g3_steps, n, xc, xe, seed, res);
  if (status == GSL_SUCCESS)
    status = gd_w2_noise (cp->set->post, n, seed, &res->w_noise, &res->w_sd);
  res->w_tol = gd_band (res->w_noise, res->w_sd, GD_G3_NREP, GD_NREP_NOISE);
  free (xc), free (xe);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the G3 sampling", GSL_ENOMEM);
  return status;
}

/* The figure PREFIX_TAG of case CS: deciding (TEST) or reported.  */
static void
gd_g3_figure (fc_verdict *v, const gd_case *cs, const char *prefix,
              fc_metric_test test, double value, double tol)
{
  char name[FC_VERDICT_NAME_LEN];
  gd_case_name (name, sizeof name, prefix, cs);
  if (test == FC_TEST_NONE)
    fc_verdict_report (v, name, value, tol);
  else
    fc_verdict_decide (v, test, name, value, tol, value <= tol);
}

/* Deciding: w2_coupled_TAG (holds: sampling with the candidate h~ lands
   within the band of two exact samples) and w2_exact_TAG (valid: the
   reference sampler, exact guidance integrated the same way from the same
   draws, does).  Reported: the log-likelihood gaps at the first and last
   times, |grad log h~_0| (0 for the exact h), the inner flow's error and
   the noise level.  */
static void
gd_g3_record (const fc_run_options *opt, const gd_case *cs,
              const gd_g3_slots *sl, const gd_g3_result *r, fc_verdict *v)
{
  char name[FC_VERDICT_NAME_LEN];
  gd_case_name (name, sizeof name, "G3", cs);
  fc_module_progress (opt, "%s: rms(log h~ - log h) at t = 0.1 .. 0.9: %.3g "
                      "%.3g %.3g %.3g %.3g; flow error %.2g; rms |grad log "
                      "h~_0| %.3g", name, r->gap[0], r->gap[1], r->gap[2],
                      r->gap[3], r->gap[4], r->flow_error, r->grad0_rms);
  fc_module_progress (opt, "%s: sliced W2 from t = %g, mean of %d blocks: "
                      "coupling %.4g (sd %.3g), exact %.4g (sd %.3g); exact "
                      "pairs %.4g +- %.4g, band %.4g", name, GD_G3_TS,
                      GD_G3_NREP, r->w_coupled, r->w_coupled_sd, r->w_exact,
                      r->w_exact_sd, r->w_noise, r->w_sd, r->w_tol);
  if (sl->coupled)
    gd_g3_figure (v, cs, "w2_coupled", FC_TEST_HOLDS, r->w_coupled, r->w_tol);
  if (sl->exact)
    gd_g3_figure (v, cs, "w2_exact", FC_TEST_VALID, r->w_exact, r->w_tol);
  if (sl->coupled)
    {
      gd_g3_figure (v, cs, "logh_gap_t0.1", FC_TEST_NONE, r->gap[0], NAN);
      gd_g3_figure (v, cs, "logh_gap_t0.9", FC_TEST_NONE,
                    r->gap[GD_G3_NTGAP - 1], NAN);
      gd_g3_figure (v, cs, "grad_logh_t0_rms", FC_TEST_NONE, r->grad0_rms,
                    NAN);
      gd_g3_figure (v, cs, "flow_error", FC_TEST_NONE, r->flow_error, NAN);
    }
  gd_g3_figure (v, cs, "w2_noise", FC_TEST_NONE, r->w_noise, NAN);
}

static int
gd_g3_case (const fc_run_options *opt, const gd_case *cs, const void *params,
            fc_verdict *v)
{
  (void) params;
  gd_g3_result r;
  memset (&r, 0, sizeof r);
  gd_g3_slots sl = gd_g3_slots_of (opt);
  gd_coupled cp = { cs->set, FC_SIZES (gd_sizes_plan, opt)->g3_inner,
                    gd_g3_delta (cs->set->prior),
                    fc_control_variant (opt) == GD_G3_INTERPOLANT, 1.0 };
  int status = sl.coupled ? gd_g3_gaps (opt, cs, &cp, &r) : GSL_SUCCESS;
  if (status == GSL_SUCCESS)
    status = gd_g3_sampling (opt, cs, &cp, &sl, &r);
  if (status == GSL_SUCCESS)
    gd_g3_record (opt, cs, &sl, &r, v);
  return status;
}

/* The band of the deciding figures of data set TAG in V (NAN if none). */
static double
gd_g3_band (const fc_verdict *v, const char *tag)
{
  char a[FC_VERDICT_NAME_LEN], b[FC_VERDICT_NAME_LEN];
  snprintf (a, sizeof a, "w2_coupled_%s", tag);
  snprintf (b, sizeof b, "w2_exact_%s", tag);
  for (size_t k = 0; k < v->n_metrics; k++)
    if (strcmp (v->metric[k].name, a) == 0 || strcmp (v->metric[k].name, b) == 0)
      return v->metric[k].tolerance;
  return NAN;
}

/* The verdict follows from the deciding figures (REFUTED: the coupling's
   samples are off while the reference's are not).  Linear schedule only:
   every field evaluation of the coupled sampler integrates 1 + D inner
   flows per particle, the module's dearest check; the coupling does not
   depend on the schedule in kind (the flow map of any schedule is a
   bijection whose image of x is not the posterior's x1), and G1, G2 cover
   the schedules.  */
int
gd_check_g3 (const fc_run_options *opt, fc_verdict *v)
{
  int status = gd_on_cases (opt, 1, gd_g3_case, NULL, v);
  if (status == GSL_SUCCESS)
    fc_verdict_note (v, "sliced W2 from t = %g (8g / g3d): coupling %.3f / "
                     "%.3f, exact h %.3f / %.3f, bands %.3f / %.3f", GD_G3_TS,
                     fc_verdict_get (v, "w2_coupled_8g"),
                     fc_verdict_get (v, "w2_coupled_g3d"),
                     fc_verdict_get (v, "w2_exact_8g"),
                     fc_verdict_get (v, "w2_exact_g3d"),
                     gd_g3_band (v, "8g"), gd_g3_band (v, "g3d"));
  return status;
}
