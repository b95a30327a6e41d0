/* derivations/barycentric/continuity.c -- continuity equations judged by
 * order studies (fc_study.h): B3 in the coefficients alpha_k, and along
 * paths alpha(t) through the simplex for B4 (transport.c) and B9, the
 * trigonometric interpolant (N §Albergo et al. 2023, §Non-linear
 * multimarginal interpolant).
 *
 * A field that solves the equation leaves a central-difference residual
 * falling like h^2 (fitted order 2 and rel(h_min) at the truncation scale,
 * the study's two deciding figures); a wrong one leaves a residual that
 * stalls at the field's own error (order ~ 0: both fail).  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "barycentric_internal.h"
#include "fc_rng.h"

/* Steps h_k = h_max 2^-k, k < BC_NH: 0.02 .. 0.00125 in alpha_k (B3,
   where rho varies on scales ell >= 0.1) and 0.005 .. 0.0003 in t along
   the paths (B4, B9: the paths leave and reach their vertices at speed
   |alpha'| up to 5, and the modes of the scaled 8gaussians are 0.18 wide,
   so rho(alpha(t)) varies in t on scales down to ell ~ 0.015 there).  The
   smallest step keeps the central differences' round-off, ~ eps |rho| / h
   <= 1e-12 |rho|, six orders below the truncation error c2 h^2 it is
   meant to expose.  */
#define BC_H_MAX 0.02
#define BC_PATH_H_MAX 0.005

/* Order band floor.  The fitted slope of c2 h^2 + c4 h^4 differs from 2 by
   about (c4/c2) h_max^2; fc_study.h puts this at 2.5 (h_max/ell)^2 with ell
   the shortest scale of rho (bc_scale), computed per study.  It is never
   taken below BC_FLOOR_MIN, which covers the scatter of the pooled fit
   itself (a few points per time and the spread of the local orders, added
   by fc_order_study_verdict, already widen the band).  */
#define BC_FLOOR_MIN 0.05
#define BC_FLOOR_C 2.5

double
bc_order_floor (double h_max, double ell)
{
  return GSL_MAX (BC_FLOOR_MIN, BC_FLOOR_C * gsl_pow_2 (h_max / ell));
}

/* The speed of the field of a run: 1, or 1 + BC_FIELD_FAST_EXCESS in the
   claim's too-fast control FAST.  */
static double
bc_field_speed (int variant, int fast)
{
  return variant == fast ? 1.0 + BC_FIELD_FAST_EXCESS : 1.0;
}

/* ------------------------------------------------------------------ B3 */

/* The shift variable of B3: the fd "time" s in [0, 1] with beta(s) =
   alpha + (s - BC_B3_S0) e_k, so s = 1/2 +- h is alpha_k +- h (rho
   extended off the simplex; fc_interp accepts any admissible beta).  */
#define BC_B3_S0 0.5
#define BC_B3_NALPHA 4 /* 2 interior, 2 within 1e-3 and 1e-6 of vertices */

typedef struct
{
  const fc_interp *ip;
  const double *alpha; /* (K + 1) */
  size_t k;            /* the coordinate differentiated */
  size_t field;        /* the marginal whose g is used (k for the claim) */
  double speed;        /* multiplies g (1 for the claim) */
} bc_b3_params;

static int
bc_b3_field (double s, size_t n, const double *x, double *p, double *u,
             void *params)
{
  const bc_b3_params *b = params;
  size_t nm = fc_interp_n_marginals (b->ip), dim = fc_interp_dim (b->ip);
  double beta[BC_NM];
  memcpy (beta, b->alpha, nm * sizeof *beta);
  beta[b->k] += s - BC_B3_S0;
  double *g = malloc (nm * n * dim * sizeof *g); /* (K+1, n, D) */
  if (g == NULL)
    GSL_ERROR ("no memory for the fields", GSL_ENOMEM);
  int status = fc_interp_eval (b->ip, beta, n, x, p, g);
  if (status == GSL_SUCCESS)
    {
      for (size_t i = 0; i < n; i++)
        p[i] = exp (p[i]);
      for (size_t i = 0; i < n * dim; i++)
        u[i] = b->speed * g[b->field * n * dim + i];
    }
  free (g);
  return status;
}

/* The shortest scale of rho over the alphas ALPHA (BC_B3_NALPHA, K + 1)
   moving along e_K.  */
static int
bc_b3_scale (const fc_interp *ip, const double *alpha, size_t k, double *ell)
{
  size_t nm = fc_interp_n_marginals (ip);
  double ek[BC_NM] = { 0.0, 0.0, 0.0 };
  int status = GSL_SUCCESS;
  ek[k] = 1.0;
  *ell = GSL_POSINF;
  for (size_t a = 0; a < BC_B3_NALPHA && status == GSL_SUCCESS; a++)
    {
      double e;
      status = bc_scale (ip, alpha + a * nm, ek, &e);
      *ell = GSL_MIN (*ell, e);
    }
  return status;
}

/* The study of the field PAR (its alphas, coordinate and field) of problem
   IP: N points per alpha, streams from SEED.  */
static int
bc_b3_study (const bc_b3_params *par, size_t n, unsigned long seed,
             const char *name, fc_order_study *st)
{
  const fc_interp *ip = par->ip;
  size_t nm = fc_interp_n_marginals (ip), dim = fc_interp_dim (ip);
  double times[BC_B3_NALPHA], ell;
  for (size_t a = 0; a < BC_B3_NALPHA; a++)
    times[a] = BC_B3_S0;
  int status = bc_b3_scale (ip, par->alpha, par->k, &ell);
  if (status == GSL_SUCCESS)
    status = fc_order_study_init (st, name, dim, BC_B3_NALPHA, times, BC_NH,
                                  BC_H_MAX, bc_order_floor (BC_H_MAX, ell));
  st->scale = ell;
  double *x = malloc (n * dim * sizeof *x); /* (n, D) */
  if (x == NULL && status == GSL_SUCCESS)
    status = GSL_ENOMEM;
  for (size_t a = 0; a < BC_B3_NALPHA && status == GSL_SUCCESS; a++)
    {
      bc_b3_params pa = *par;
      pa.alpha = par->alpha + a * nm;
      status = fc_interp_sample (ip, pa.alpha, fc_rng_stream_seed (seed, a + 1),
                                 0, n, x, NULL);
      if (status == GSL_SUCCESS)
        status = fc_order_study_accumulate (st, bc_b3_field, &pa, a, n, x);
    }
  free (x);
  if (status == GSL_SUCCESS)
    status = fc_order_study_verdict (st);
  return status;
}

/* The extremes of the studies so far: orders LO .. HI, rel(h_min) WORST.  */
typedef struct
{
  double worst, lo, hi;
} bc_b3_summary;

/* Every coordinate k of problem P: d rho/d alpha_k + div(u rho) with
   u = g_{(k + SHIFT) mod (K + 1)} times SPEED.  */
static int
bc_b3_problem (const fc_run_options *opt, bc_problem p, size_t shift,
               double speed, fc_verdict *v, bc_b3_summary *sum)
{
  static const char *const names[2][BC_NM]
      = { { "planar_k0", "planar_k1", "planar_k2" },
          { "line_k0", "line_k1", "line_k2" } };
  fc_interp *ip = bc_problem_alloc (p);
  double alpha[BC_B3_NALPHA * BC_NM];
  unsigned long seed = fc_module_seed (opt, BC_TAG_B3 + 64 * p);
  int status = ip != NULL ? bc_alphas (seed, BC_NM, BC_B3_NALPHA, 0, alpha)
                          : GSL_EFAILED;
  for (size_t k = 0; k < BC_NM && status == GSL_SUCCESS; k++)
    {
      fc_order_study st;
      bc_b3_params par = { ip, alpha, k, (k + shift) % BC_NM, speed };
      status = bc_b3_study (&par, FC_SIZES (bc_sizes_plan, opt)->n_study_points,
                            fc_rng_stream_seed (seed, 100 + k), names[p][k], &st);
      if (status)
        break;
      fc_module_record_study (opt, v, &st);
      sum->worst = GSL_MAX (sum->worst, st.rel[BC_NH - 1]);
      sum->lo = GSL_MIN (sum->lo, st.order);
      sum->hi = GSL_MAX (sum->hi, st.order);
    }
  fc_interp_free (ip);
  return status;
}

/* Controls: BC_B3_OTHER_FIELD pairs the derivative in alpha_k with the
   next marginal's field g_{k+1} (an O(1) error: the residual stalls at
   the size of d rho/d alpha_k); BC_B3_FIELD_FAST uses 1.05 g_k (a 5%
   error, see BC_FIELD_FAST_EXCESS).  */
int
bc_check_b3 (const fc_run_options *opt, fc_verdict *v)
{
  bc_b3_summary sum = { 0.0, GSL_POSINF, GSL_NEGINF };
  int variant = fc_control_variant (opt), status = GSL_SUCCESS;
  size_t shift = variant == BC_B3_OTHER_FIELD ? 1 : 0;
  double speed = bc_field_speed (variant, BC_B3_FIELD_FAST);
  for (int p = 0; p < 2 && status == GSL_SUCCESS; p++)
    status = bc_b3_problem (opt, (bc_problem) p, shift, speed, v, &sum);
  if (status)
    return status;
  /* Every (problem, k) study decides by its order and its residual
     (HOLDS, fc_module_record_study): one stalled study refutes.  */
  fc_verdict_note (v, "d rho/d alpha_k + div(%g g_%s rho): fitted orders "
                   "%.3f .. %.3f over k = 0..2 in 2-D and 1-D; rel(h=%.4g) "
                   "<= %.2g", speed, shift == 0 ? "k" : "j (j != k)", sum.lo,
                   sum.hi,
                   ldexp (BC_H_MAX, -(BC_NH - 1)), sum.worst);
  return GSL_SUCCESS;
}

/* --------------------------------------------------------------- paths */

static void
bc_path_eval (const bc_path *p, double t, double *beta, double *dbeta)
{
  double v[BC_NM], dv[BC_NM], s = 0.0, ds = 0.0;
  for (size_t k = 0; k < BC_NM; k++)
    {
      v[k] = k == p->i ? 1.0 - t : k == p->j ? t : p->c * t * (1.0 - t);
      dv[k] = k == p->i ? -1.0 : k == p->j ? 1.0 : p->c * (1.0 - 2.0 * t);
      s += v[k];
      ds += dv[k];
    }
  for (size_t k = 0; k < BC_NM; k++)
    {
      double a = v[k] / s, da = (dv[k] * s - v[k] * ds) / (s * s);
      beta[k] = p->trig ? sin (M_PI_2 * a) : a;
      dbeta[k] = p->trig == 1 ? M_PI_2 * cos (M_PI_2 * a) * da : da;
      if ((int) k == p->drop)
        dbeta[k] = 0.0;
      dbeta[k] *= p->speed;
    }
}

/* The field of PA at the N points X into U: sum_k beta_k' g_k, plus
   PA's drift on the first coordinate.  */
static int
bc_path_field_at (const bc_path *pa, const double *beta, const double *dbeta,
                  size_t n, const double *x, double *u)
{
  int status = fc_interp_velocity (pa->ip, beta, dbeta, n, x, u);
  size_t dim = fc_interp_dim (pa->ip);
  for (size_t i = 0; status == GSL_SUCCESS && pa->drift != 0.0 && i < n; i++)
    u[i * dim] += pa->drift;
  return status;
}

/* fc_density_field_fn: rho(beta(t), x) and the field of the path.  */
static int
bc_path_field (double t, size_t n, const double *x, double *p, double *u,
               void *params)
{
  const bc_path *pa = params;
  double beta[BC_NM], dbeta[BC_NM];
  bc_path_eval (pa, t, beta, dbeta);
  int status = fc_interp_eval (pa->ip, beta, n, x, p, NULL);
  if (status == GSL_SUCCESS)
    status = bc_path_field_at (pa, beta, dbeta, n, x, u);
  for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
    p[i] = exp (p[i]);
  return status;
}

int
bc_path_velocity (double t, size_t n, const double *x, double *u, double *div,
                  void *params)
{
  const bc_path *pa = params;
  double beta[BC_NM], dbeta[BC_NM];
  if (div != NULL)
    GSL_ERROR ("the path velocity has no divergence here", GSL_EINVAL);
  bc_path_eval (pa, t, beta, dbeta);
  return bc_path_field_at (pa, beta, dbeta, n, x, u);
}

/* Times of the path studies: the ends (t = h_max: its largest step reaches
   the vertex t = 0; t = 1 - h_max likewise t = 1, where rho is the end
   marginal, a finite mixture, and b is finite) and two interior times.  */
#define BC_PATH_NT 4
static const double bc_path_times[BC_PATH_NT]
    = { BC_PATH_H_MAX, 0.381966, 0.7, 1.0 - BC_PATH_H_MAX };

/* The path of rho itself: PA with the exact rates, whatever its field.  */
static bc_path
bc_path_exact (const bc_path *pa)
{
  bc_path exact = *pa;
  exact.drop = BC_DROP_NONE;
  exact.trig = pa->trig ? 1 : 0;
  exact.speed = 1.0;
  exact.drift = 0.0;
  return exact;
}

int
bc_path_study (const bc_path *pa, size_t n, unsigned long seed,
               const char *name, fc_order_study *st)
{
  size_t dim = fc_interp_dim (pa->ip);
  double ell = GSL_POSINF, beta[BC_NM], dbeta[BC_NM];
  int status = GSL_SUCCESS;
  bc_path exact = bc_path_exact (pa);
  for (size_t j = 0; j < BC_PATH_NT && status == GSL_SUCCESS; j++)
    {
      double e;
      bc_path_eval (&exact, bc_path_times[j], beta, dbeta);
      status = bc_scale (pa->ip, beta, dbeta, &e);
      ell = GSL_MIN (ell, e);
    }
  if (status == GSL_SUCCESS)
    status = fc_order_study_init (st, name, dim, BC_PATH_NT, bc_path_times,
                                  BC_NH, BC_PATH_H_MAX,
                                  bc_order_floor (BC_PATH_H_MAX, ell));
  st->scale = ell;
  double *x = malloc (n * dim * sizeof *x); /* (n, D) */
  if (x == NULL && status == GSL_SUCCESS)
    status = GSL_ENOMEM;
  for (size_t j = 0; j < BC_PATH_NT && status == GSL_SUCCESS; j++)
    {
      bc_path_eval (&exact, bc_path_times[j], beta, dbeta);
      status = fc_interp_sample (pa->ip, beta, fc_rng_stream_seed (seed, j),
                                 0, n, x, NULL);
      if (status == GSL_SUCCESS)
        status = fc_order_study_accumulate (st, bc_path_field, (void *) pa, j,
                                            n, x);
    }
  free (x);
  if (status == GSL_SUCCESS)
    status = fc_order_study_verdict (st);
  return status;
}

/* ------------------------------------------------------------------ B9 */

/* The trigonometric interpolant I(alpha, xbar) = sum_k sin(pi alpha_k / 2)
   x_k (N §Non-linear multimarginal interpolant): phi(e_j) = e_j, so it
   meets the vertex conditions, and x(alpha) = x(beta = phi(alpha)) for the
   barycentric interpolant with coefficients beta (off the simplex: sum
   beta_k > 1 inside).  d I / d alpha_k = (pi/2) cos(pi alpha_k / 2) x_k,
   hence g_k^I = E[d_{alpha_k} I | x] = (pi/2) cos(pi alpha_k / 2) g_k(beta,
   x) and the claimed b = <alpha', g^I>.  The path: curved from e_2 to e_1
   through the interior (as B4's, C = 4).
   Controls: BC_B9_NAIVE_FIELD, the linear interpolant's formula
   b = sum_k alpha_k' E[x_k | x], which ignores phi' (an O(1) error away
   from the vertices: the residual stalls); BC_B9_FIELD_FAST, the claimed
   b times 1.05.  The naive study keeps its own stream (tag + 1) and the
   claim's figure names (order_trig, rel_hmin_trig: the path of the
   trigonometric interpolant, whichever field), so that it flips them.  */
int
bc_check_b9 (const fc_run_options *opt, fc_verdict *v)
{
  int variant;
  fc_interp *ip;
  int status = bc_check_start (opt, BC_PLANAR, &variant, &ip);
  if (status)
    return status;
  int naive = variant == BC_B9_NAIVE_FIELD;
  const bc_path pa = { ip, 2, 1, BC_CURVE, naive ? 2 : 1, BC_DROP_NONE,
                       bc_field_speed (variant, BC_B9_FIELD_FAST), 0.0 };
  fc_order_study st;
  status = bc_path_study (&pa, FC_SIZES (bc_sizes_plan, opt)->n_study_points,
                          fc_module_seed (opt, BC_TAG_B9 + (naive ? 1 : 0)),
                          "trig", &st);
  fc_interp_free (ip);
  if (status)
    return status;
  /* The field solves the continuity equation (order 2 and the residual
     at the truncation scale: HOLDS) or does not.  */
  fc_module_record_study (opt, v, &st);
  fc_verdict_note (v, "b = %g %s: order %.3f, rel(h_min) %.2g", pa.speed,
                   naive ? "sum alpha_k' E[x_k|x] (naive)" : "<alpha', g^I>",
                   st.order, st.rel[BC_NH - 1]);
  return GSL_SUCCESS;
}
