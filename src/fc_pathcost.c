/* src/fc_pathcost.c -- paths through the simplex, their transport cost and
 * learning a cheaper path (N §Albergo et al. 2023 "Optimisation of path",
 * §What we need to do, §Chat 3/11/2023; claims B6-B8).
 *
 * The formulas are in fc_pathcost.h.  Two numerical habits matter here:
 *
 *  - The simplex path is evaluated in log space (log w_k, log-sum-exp),
 *    so any finite theta gives finite alpha in the simplex even when
 *    exp(psi) would overflow, and alpha' is written as (w' - alpha S') / S
 *    with every w'/S formed from exp(log|.| - log S): no division by t,
 *    1 - t or a vanishing weight, which keeps alpha' exact at both ends.
 *
 *  - The time map's integrals use a composite Gauss-Legendre rule whose
 *    panel count grows with the size of a (see tm_panel_count), so the rule
 *    stays at round-off for large parameters as well.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_statistics_double.h>

#include "fc_gmm.h"
#include "fc_pathcost.h"

/* ------------------------------------------------------------ simplex path */

size_t
fc_simplex_path_n_params (const fc_simplex_path *p)
{
  return p == NULL ? 0 : p->n_vertices * p->n_modes;
}

static int
sp_valid (const fc_simplex_path *p)
{
  return p != NULL && p->n_vertices >= 2 && p->from < p->n_vertices
         && p->to < p->n_vertices && p->from != p->to;
}

/* psi(t) = sum_n th_n sin(n pi t) and psi'(t) for one vertex's modes.  */
static void
sp_modes (size_t n_modes, const double *th, double t, double *psi,
          double *dpsi)
{
  double s = 0.0, d = 0.0;
  for (size_t n = 1; th != NULL && n <= n_modes; n++)
    {
      double w = (double) n * M_PI;
      s += th[n - 1] * sin (w * t);
      d += th[n - 1] * w * cos (w * t);
    }
  *psi = s;
  *dpsi = d;
}

/* log w_k(t): w_i = (1 - t) e^psi_i, w_j = t e^psi_j, w_k = t (1 - t)
   psi_k^2; log 0 = -inf where a weight vanishes (the ends).  */
static double
sp_log_weight (const fc_simplex_path *p, size_t k, double t, double psi)
{
  if (k == p->from)
    return log1p (-t) + psi;
  if (k == p->to)
    return log (t) + psi;
  return log (t) + log1p (-t) + 2.0 * log (fabs (psi));
}

/* w_k'(t) / S with S = sum w = e^L, from exp(log|.| - L) only.  */
static double
sp_dweight_over_s (const fc_simplex_path *p, size_t k, double t, double psi,
                   double dpsi, double log_s)
{
  if (k == p->from)
    return (-1.0 + (1.0 - t) * dpsi) * exp (psi - log_s);
  if (k == p->to)
    return (1.0 + t * dpsi) * exp (psi - log_s);
  /* d/dt [t (1 - t) psi^2] = (1 - 2t) psi^2 + 2 t (1 - t) psi psi'.  */
  double lp = log (fabs (psi));
  double sq = exp (2.0 * lp - log_s);
  double cross = copysign (exp (lp - log_s), psi) * dpsi;
  return (1.0 - 2.0 * t) * sq + 2.0 * t * (1.0 - t) * cross;
}

/* Vertices whose psi, psi' fc_simplex_path_eval keeps between its passes
   (more are recomputed).  */
#define SP_KEEP 16

int
fc_simplex_path_eval (const fc_simplex_path *p, const double *theta, double t,
                      double *alpha, double *dalpha)
{
  if (!sp_valid (p) || alpha == NULL)
    GSL_ERROR ("invalid simplex path or NULL output", GSL_EINVAL);
  if (!(t >= 0.0 && t <= 1.0))
    GSL_ERROR ("t outside [0, 1]", GSL_EDOM);
  size_t nk = p->n_vertices, nm = p->n_modes;
  for (size_t i = 0; theta != NULL && i < nk * nm; i++)
    if (!isfinite (theta[i]))
      GSL_ERROR ("non-finite path parameter", GSL_EDOM);
  /* Pass 1: log-weights into ALPHA and their log-sum-exp.  At least one of
     w_i, w_j is positive for every t, so log S is finite.  */
  double lmax = -INFINITY, psi, dpsi;
  /* Pass 1 keeps psi, psi' of up to SP_KEEP vertices for pass 2: the sums
     of sines and cosines were a fifth of B6's CPU, computed twice.  */
  double keep[2 * SP_KEEP];
  for (size_t k = 0; k < nk; k++)
    {
      sp_modes (nm, theta ? theta + k * nm : NULL, t, &psi, &dpsi);
      alpha[k] = sp_log_weight (p, k, t, psi);
      lmax = GSL_MAX (lmax, alpha[k]);
      if (k < SP_KEEP)
        keep[2 * k] = psi, keep[2 * k + 1] = dpsi;
    }
  double sum = 0.0;
  for (size_t k = 0; k < nk; k++)
    sum += exp (alpha[k] - lmax);
  double log_s = lmax + log (sum);
  /* Pass 2: alpha = w / S; w'/S into DALPHA and S'/S.  */
  double ds = 0.0;
  for (size_t k = 0; k < nk; k++)
    {
      alpha[k] = exp (alpha[k] - log_s);
      if (dalpha == NULL)
        continue;
      if (k < SP_KEEP)
        psi = keep[2 * k], dpsi = keep[2 * k + 1];
      else
        sp_modes (nm, theta ? theta + k * nm : NULL, t, &psi, &dpsi);
      dalpha[k] = sp_dweight_over_s (p, k, t, psi, dpsi, log_s);
      ds += dalpha[k];
    }
  /* Each exp(log w_k - log S) carries a relative error of about
     eps |log S|, which is large for large theta; renormalising puts the
     sum back at 1 to (K + 1) eps (the ends stay exact: there the sum is
     exactly 1).  alpha' = (w' - alpha S') / S.  */
  double total = 0.0;
  for (size_t k = 0; k < nk; k++)
    total += alpha[k];
  for (size_t k = 0; k < nk; k++)
    {
      alpha[k] /= total;
      if (dalpha != NULL)
        dalpha[k] -= alpha[k] * ds;
    }
  return GSL_SUCCESS;
}

/* ------------------------------------------------------- monotone time map */

/* Gauss-Legendre nodes per panel: degree 2 * 16 - 1 = 31 exactness.  */
#define TM_NODES 16

/* Panels beyond which the map refuses the parameters (a sum |a_n| of the
   order of 10^4 times the mode count): far outside any useful schedule.  */
#define TM_MAX_PANELS 65536

/* The panel count M of the composite rule: M = ceil(N (1 + sum |a_n|)).
   A panel is then at most 1/N wide -- half a period of the fastest mode
   cos(N pi r) -- and phi varies across it by at most
   pi N sum|a_n| / M < pi, so exp(phi - max phi) on each panel is an entire
   function of moderate variation that the 16-point rule integrates to
   round-off; tests/check_pathcost.c checks this against twice the panels
   for parameters up to |a_n| = 30.  */
static size_t
tm_panel_count (size_t n_modes, const double *a)
{
  double amp = 0.0;
  for (size_t n = 0; a != NULL && n < n_modes; n++)
    amp += fabs (a[n]);
  double m = ceil ((double) GSL_MAX (n_modes, 1) * (1.0 + amp));
  return m > TM_MAX_PANELS ? 0 : (size_t) m;
}

static double
tm_phi (size_t n_modes, const double *a, double r)
{
  double phi = 0.0;
  for (size_t n = 1; a != NULL && n <= n_modes; n++)
    phi += a[n - 1] * cos ((double) n * M_PI * r);
  return phi;
}

typedef struct
{
  size_t n_modes;
  const double *a;
  size_t panels;
  double shift; /* max of phi over the nodes: exp(phi - shift) <= ~1 */
  const gsl_integration_glfixed_table *tab;
} tm_rule;

/* int_lo^hi exp(phi - shift) by the rule (or max phi at its nodes when
   MAX_PHI is not NULL).  */
static double
tm_panel (const tm_rule *r, double lo, double hi, double *max_phi)
{
  double sum = 0.0;
  for (size_t i = 0; i < TM_NODES; i++)
    {
      double xi, wi;
      gsl_integration_glfixed_point (lo, hi, i, &xi, &wi, r->tab);
      double phi = tm_phi (r->n_modes, r->a, xi);
      if (max_phi != NULL)
        *max_phi = GSL_MAX (*max_phi, phi);
      else
        sum += wi * exp (phi - r->shift);
    }
  return sum;
}

static double
tm_edge (const tm_rule *r, size_t k)
{
  return (double) k / (double) r->panels;
}

/* int_0^s and int_0^1 of exp(phi - shift).  The panels below s are summed
   in the same order as for the total, so s = 1 gives the same number.  */
static void
tm_integrals (const tm_rule *r, double s, double *part, double *total)
{
  size_t p = (size_t) floor (s * (double) r->panels);
  if (p >= r->panels)
    p = r->panels - 1;
  double acc = 0.0;
  *part = 0.0;
  for (size_t k = 0; k < r->panels; k++)
    {
      if (k == p)
        *part = acc + tm_panel (r, tm_edge (r, k), s, NULL);
      acc += tm_panel (r, tm_edge (r, k), tm_edge (r, k + 1), NULL);
    }
  *total = acc;
}

int
fc_time_map_eval (size_t n_modes, const double *a, double s, double *tau,
                  double *dtau)
{
  if (tau == NULL)
    GSL_ERROR ("NULL output", GSL_EINVAL);
  if (!(s >= 0.0 && s <= 1.0))
    GSL_ERROR ("s outside [0, 1]", GSL_EDOM);
  for (size_t n = 0; a != NULL && n < n_modes; n++)
    if (!isfinite (a[n]))
      GSL_ERROR ("non-finite time-map parameter", GSL_EDOM);
  tm_rule r = { n_modes, a, tm_panel_count (n_modes, a), 0.0, NULL };
  if (r.panels == 0)
    GSL_ERROR ("time-map parameters too large for the quadrature rule",
               GSL_EDOM);
  gsl_integration_glfixed_table *tab
      = gsl_integration_glfixed_table_alloc (TM_NODES);
  if (tab == NULL)
    GSL_ERROR ("no memory for the Gauss-Legendre table", GSL_ENOMEM);
  r.tab = tab;
  double shift = -INFINITY;
  for (size_t k = 0; k < r.panels; k++)
    tm_panel (&r, tm_edge (&r, k), tm_edge (&r, k + 1), &shift);
  r.shift = shift;
  double part, total;
  tm_integrals (&r, s, &part, &total);
  gsl_integration_glfixed_table_free (tab);
  /* The ends are exact by definition, not by the rule.  */
  *tau = s == 0.0 ? 0.0 : s == 1.0 ? 1.0 : part / total;
  if (dtau != NULL)
    *dtau = exp (tm_phi (n_modes, a, s) - shift) / total;
  return GSL_SUCCESS;
}

double
fc_time_map_note (size_t n_modes, const double *a, double s)
{
  /* N §What we need to do, verbatim: every term carries the same sine.  */
  double sum = 0.0;
  for (size_t n = 0; n < n_modes; n++)
    sum += a[n] * sin (M_PI * s / 2.0);
  return s + sum * sum;
}

/* -------------------------------------------------------------------- cost */

static int
pc_all_gaussian (const fc_interp *ip)
{
  for (size_t k = 0; k < fc_interp_n_marginals (ip); k++)
    if (fc_interp_marginal (ip, k)->n_comp != 1)
      return 0;
  return 1;
}

typedef struct
{
  const fc_interp *ip;
  const fc_simplex_path *p;
  const double *theta;
  double *alpha, *dalpha; /* (K + 1) each */
  int status;             /* first failure inside the integrand */
} pc_gauss_ctx;

static double
pc_gauss_integrand (double t, void *params)
{
  pc_gauss_ctx *c = params;
  double speed2 = GSL_NAN;
  int status = fc_simplex_path_eval (c->p, c->theta, t, c->alpha, c->dalpha);
  if (status == GSL_SUCCESS)
    status = fc_interp_gaussian_speed2 (c->ip, c->alpha, c->dalpha, &speed2);
  if (status != GSL_SUCCESS && c->status == GSL_SUCCESS)
    c->status = status;
  return speed2;
}

/* Workspace intervals of the doubly adaptive rule: it subdivides at most
   this often (the integrand is smooth, a handful suffice).  */
#define PC_CQUAD_INTERVALS 200

/* int_0^1 F by gsl_integration_cquad at relative tolerance REL_TOL.  */
static int
pc_integrate (gsl_function *f, double rel_tol, double *result, double *abserr)
{
  gsl_integration_cquad_workspace *ws
      = gsl_integration_cquad_workspace_alloc (PC_CQUAD_INTERVALS);
  if (ws == NULL)
    GSL_ERROR ("no memory for the quadrature workspace", GSL_ENOMEM);
  int status = gsl_integration_cquad (f, 0.0, 1.0, 0.0, rel_tol, ws, result,
                                      abserr, NULL);
  gsl_integration_cquad_workspace_free (ws);
  return status;
}

static int
pc_cost_gaussian (const fc_interp *ip, const fc_simplex_path *p,
                  const double *theta, double rel_tol, fc_path_cost *out)
{
  size_t nk = p->n_vertices;
  double *buf = malloc (2 * nk * sizeof *buf);
  if (buf == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  pc_gauss_ctx c = { ip, p, theta, buf, buf + nk, GSL_SUCCESS };
  gsl_function f = { pc_gauss_integrand, &c };
  int status = pc_integrate (&f, rel_tol, &out->cost, &out->abserr);
  free (buf);
  if (c.status != GSL_SUCCESS)
    GSL_ERROR ("path cost integrand failed (alpha not admissible?)",
               c.status);
  out->stderr_ = 0.0;
  return status;
}

int
fc_path_cost_simplex_draws (const fc_interp *ip, const fc_simplex_path *p,
                            const double *theta, size_t n_mc, size_t n_nodes,
                            unsigned long seed, unsigned long stream_base,
                            double *cost)
{
  if (ip == NULL || !sp_valid (p) || cost == NULL || n_mc == 0
      || n_nodes == 0 || p->n_vertices != fc_interp_n_marginals (ip))
    GSL_ERROR ("invalid Monte Carlo path cost arguments", GSL_EINVAL);
  size_t nk = p->n_vertices, dim = fc_interp_dim (ip);
  double *xk = malloc ((nk + 2) * n_mc * dim * sizeof *xk);
  double *ab = malloc (2 * nk * sizeof *ab);
  gsl_integration_glfixed_table *tab
      = gsl_integration_glfixed_table_alloc (n_nodes);
  if (xk == NULL || ab == NULL || tab == NULL)
    {
      free (xk), free (ab);
      if (tab != NULL)
        gsl_integration_glfixed_table_free (tab);
      GSL_ERROR ("no memory", GSL_ENOMEM);
    }
  double *x = xk + nk * n_mc * dim, *b = x + n_mc * dim;
  double *alpha = ab, *dalpha = ab + nk;
  memset (cost, 0, n_mc * sizeof *cost);
  fc_simplex_path_eval (p, NULL, 0.0, alpha, NULL);
  int status = fc_interp_sample (ip, alpha, seed, stream_base, n_mc, NULL, xk);
  for (size_t m = 0; status == GSL_SUCCESS && m < n_nodes; m++)
    {
      double tm, wm;
      gsl_integration_glfixed_point (0.0, 1.0, m, &tm, &wm, tab);
      status = fc_simplex_path_eval (p, theta, tm, alpha, dalpha);
      if (status != GSL_SUCCESS)
        break;
      /* x(alpha(t_m)) = sum_k alpha_k x_k for each draw.  */
      memset (x, 0, n_mc * dim * sizeof *x);
      for (size_t k = 0; k < nk; k++)
        for (size_t i = 0; i < n_mc * dim; i++)
          x[i] += alpha[k] * xk[k * n_mc * dim + i];
      status = fc_interp_velocity (ip, alpha, dalpha, n_mc, x, b);
      for (size_t i = 0; status == GSL_SUCCESS && i < n_mc; i++)
        {
          double s2 = 0.0;
          for (size_t d = 0; d < dim; d++)
            s2 += b[i * dim + d] * b[i * dim + d];
          cost[i] += wm * s2;
        }
    }
  gsl_integration_glfixed_table_free (tab);
  free (xk), free (ab);
  return status;
}

int
fc_path_cost_simplex (const fc_interp *ip, const fc_simplex_path *p,
                      const double *theta, double rel_tol, size_t n_mc,
                      size_t n_nodes, unsigned long seed,
                      unsigned long stream_base, fc_path_cost *out)
{
  if (ip == NULL || !sp_valid (p) || out == NULL
      || p->n_vertices != fc_interp_n_marginals (ip))
    GSL_ERROR ("invalid path cost arguments", GSL_EINVAL);
  if (pc_all_gaussian (ip))
    {
      if (!(rel_tol > 0.0 && rel_tol < 1.0))
        GSL_ERROR ("relative tolerance outside (0, 1)", GSL_EINVAL);
      return pc_cost_gaussian (ip, p, theta, rel_tol, out);
    }
  if (n_mc < 2)
    GSL_ERROR ("Monte Carlo cost needs at least 2 draws", GSL_EINVAL);
  double *c = malloc (n_mc * sizeof *c);
  if (c == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  int status = fc_path_cost_simplex_draws (ip, p, theta, n_mc, n_nodes, seed,
                                           stream_base, c);
  if (status == GSL_SUCCESS)
    {
      out->cost = gsl_stats_mean (c, 1, n_mc);
      out->stderr_ = gsl_stats_sd_m (c, 1, n_mc, out->cost) / sqrt ((double) n_mc);
      out->abserr = 0.0;
    }
  free (c);
  return status;
}

/* ------------------------------------------------------- two-block schedule */

/* Cov(x) = A^2 + B S B and Cov(xdot, x) = A' A + B' S B for
   x = A x0 + B x1, A = diag((1 - t_a) I, (1 - t_b) I), B = diag(t_a I,
   t_b I), x0 ~ N(0, I) independent of x1 ~ N(mu, S).  */
static void
bk_moments (const fc_block_problem *bp, double ta, double tb, double dta,
            double dtb, gsl_matrix *cx, gsl_matrix *cxd)
{
  size_t da = bp->dim_a, dim = da + bp->dim_b;
  for (size_t r = 0; r < dim; r++)
    {
      double br = r < da ? ta : tb, dbr = r < da ? dta : dtb;
      for (size_t c = 0; c < dim; c++)
        {
          double bc = c < da ? ta : tb;
          double s = bp->cov[r * dim + c];
          double eye = r == c ? 1.0 - bc : 0.0;
          gsl_matrix_set (cx, r, c, br * s * bc + eye * eye);
          gsl_matrix_set (cxd, r, c, dbr * s * bc - dbr * eye);
        }
    }
}

static int
bk_check (const fc_block_problem *bp, double ta, double tb, double dta,
          double dtb)
{
  if (bp == NULL || bp->mean == NULL || bp->cov == NULL || bp->dim_a == 0
      || bp->dim_b == 0)
    GSL_ERROR ("invalid block problem", GSL_EINVAL);
  if (!(ta >= 0.0 && ta <= 1.0 && tb >= 0.0 && tb <= 1.0 && isfinite (dta)
        && isfinite (dtb)))
    GSL_ERROR ("block times outside [0, 1] or non-finite rates", GSL_EDOM);
  return GSL_SUCCESS;
}

/* Cholesky of Cov(x) into CX and Cov(xdot, x) into CXD; GSL_EDOM when the
   law of x is singular.  */
static int
bk_factor (const fc_block_problem *bp, double ta, double tb, double dta,
           double dtb, gsl_matrix *cx, gsl_matrix *cxd)
{
  bk_moments (bp, ta, tb, dta, dtb, cx, cxd);
  /* Test first (fc_gmm_cov_is_pd never calls the error handler), so that
     a singular law is reported once, as GSL_EDOM, by this function.  */
  if (!fc_gmm_cov_is_pd (cx->size1, cx->data))
    GSL_ERROR ("law of the block state is singular", GSL_EDOM);
  return gsl_linalg_cholesky_decomp1 (cx);
}

int
fc_block_speed2 (const fc_block_problem *bp, double ta, double tb, double dta,
                 double dtb, double *speed2)
{
  int status = bk_check (bp, ta, tb, dta, dtb);
  if (status)
    return status;
  if (speed2 == NULL)
    GSL_ERROR ("NULL output", GSL_EINVAL);
  size_t da = bp->dim_a, dim = da + bp->dim_b;
  gsl_matrix *cx = gsl_matrix_alloc (dim, dim), *cxd = gsl_matrix_alloc (dim, dim);
  if (cx == NULL || cxd == NULL)
    {
      gsl_matrix_free (cx), gsl_matrix_free (cxd);
      GSL_ERROR ("no memory", GSL_ENOMEM);
    }
  status = bk_factor (bp, ta, tb, dta, dtb, cx, cxd);
  if (status == GSL_SUCCESS)
    {
      /* E||b||^2 = ||B' mu||^2 + tr(Cxd Cx^{-1} Cxd^T)
                  = ||B' mu||^2 + ||L^{-1} Cxd^T||_F^2,  Cx = L L^T.  */
      gsl_matrix_transpose (cxd);
      gsl_blas_dtrsm (CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, 1.0,
                      cx, cxd);
      double s2 = 0.0;
      for (size_t r = 0; r < dim; r++)
        {
          double m = (r < da ? dta : dtb) * bp->mean[r];
          s2 += m * m;
          for (size_t c = 0; c < dim; c++)
            s2 += gsl_pow_2 (gsl_matrix_get (cxd, r, c));
        }
      *speed2 = s2;
    }
  gsl_matrix_free (cx), gsl_matrix_free (cxd);
  return status;
}

int
fc_block_velocity (const fc_block_problem *bp, double ta, double tb,
                   double dta, double dtb, size_t n, const double *x,
                   double *b)
{
  int status = bk_check (bp, ta, tb, dta, dtb);
  if (status)
    return status;
  if (n > 0 && (x == NULL || b == NULL))
    GSL_ERROR ("NULL points or output", GSL_EINVAL);
  size_t da = bp->dim_a, dim = da + bp->dim_b;
  gsl_matrix *cx = gsl_matrix_alloc (dim, dim), *cxd = gsl_matrix_alloc (dim, dim);
  gsl_matrix *gain = gsl_matrix_alloc (dim, dim);
  if (cx == NULL || cxd == NULL || gain == NULL)
    {
      gsl_matrix_free (cx), gsl_matrix_free (cxd), gsl_matrix_free (gain);
      GSL_ERROR ("no memory", GSL_ENOMEM);
    }
  status = bk_factor (bp, ta, tb, dta, dtb, cx, cxd);
  if (status == GSL_SUCCESS)
    {
      /* The gain G = Cxd Cx^{-1}: Cx G^T = Cxd^T by Cholesky solves.  */
      gsl_matrix_transpose (cxd);
      gsl_linalg_cholesky_solve_mat (cx, cxd, gain);
      for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < dim; r++)
          {
            double v = (r < da ? dta : dtb) * bp->mean[r];
            for (size_t c = 0; c < dim; c++)
              {
                double mc = (c < da ? ta : tb) * bp->mean[c];
                v += gsl_matrix_get (gain, c, r) * (x[i * dim + c] - mc);
              }
            b[i * dim + r] = v;
          }
    }
  gsl_matrix_free (cx), gsl_matrix_free (cxd), gsl_matrix_free (gain);
  return status;
}

typedef struct
{
  const fc_block_problem *bp;
  size_t n_modes;
  const double *a, *b;
  int status;
} bk_ctx;

static double
bk_integrand (double s, void *params)
{
  bk_ctx *c = params;
  double ta, dta, tb, dtb, speed2 = GSL_NAN;
  int status = fc_time_map_eval (c->n_modes, c->a, s, &ta, &dta);
  if (status == GSL_SUCCESS)
    status = fc_time_map_eval (c->n_modes, c->b, s, &tb, &dtb);
  if (status == GSL_SUCCESS)
    status = fc_block_speed2 (c->bp, ta, tb, dta, dtb, &speed2);
  if (status != GSL_SUCCESS && c->status == GSL_SUCCESS)
    c->status = status;
  return speed2;
}

int
fc_path_cost_block (const fc_block_problem *bp, size_t n_modes,
                    const double *a, const double *b, double rel_tol,
                    fc_path_cost *out)
{
  if (out == NULL || !(rel_tol > 0.0 && rel_tol < 1.0))
    GSL_ERROR ("NULL output or relative tolerance outside (0, 1)",
               GSL_EINVAL);
  int status = bk_check (bp, 0.0, 0.0, 0.0, 0.0);
  if (status)
    return status;
  bk_ctx c = { bp, n_modes, a, b, GSL_SUCCESS };
  gsl_function f = { bk_integrand, &c };
  status = pc_integrate (&f, rel_tol, &out->cost, &out->abserr);
  if (c.status != GSL_SUCCESS)
    GSL_ERROR ("block cost integrand failed", c.status);
  out->stderr_ = 0.0;
  return status;
}

/* ---------------------------------------------------------------- learning */

typedef struct
{
  fc_cost_fn f;
  void *params;
  int status; /* first failure of the objective */
} lm_ctx;

static double
lm_objective (const gsl_vector *x, void *params)
{
  lm_ctx *c = params;
  double cost = GSL_NAN;
  int status = c->f (x->size, x->data, c->params, &cost);
  if (status != GSL_SUCCESS && c->status == GSL_SUCCESS)
    c->status = status;
  return status == GSL_SUCCESS ? cost : GSL_NAN;
}

static int
lm_check (fc_cost_fn f, size_t n, const double *x,
          const fc_learn_options *opt, const double *cost)
{
  if (f == NULL || opt == NULL || cost == NULL || (n > 0 && x == NULL))
    GSL_ERROR ("NULL objective, options or output", GSL_EINVAL);
  if (!(opt->step > 0.0 && isfinite (opt->step) && opt->size_tol >= 0.0))
    GSL_ERROR ("step must be positive and finite, size_tol >= 0", GSL_EINVAL);
  return GSL_SUCCESS;
}

int
fc_learn_minimise (fc_cost_fn f, void *params, size_t n, double *x,
                   const fc_learn_options *opt, double *cost, double *trace,
                   size_t *n_trace)
{
  int status = lm_check (f, n, x, opt, cost);
  if (status)
    return status;
  if (n_trace != NULL)
    *n_trace = 0;
  if (n == 0) /* nothing to learn: the cost of the fixed path */
    return f (0, x, params, cost);
  lm_ctx c = { f, params, GSL_SUCCESS };
  gsl_multimin_function fn = { lm_objective, n, &c };
  gsl_vector_view xv = gsl_vector_view_array (x, n);
  gsl_vector *step = gsl_vector_alloc (n);
  gsl_multimin_fminimizer *s
      = gsl_multimin_fminimizer_alloc (gsl_multimin_fminimizer_nmsimplex2, n);
  if (step == NULL || s == NULL)
    {
      gsl_vector_free (step);
      if (s != NULL)
        gsl_multimin_fminimizer_free (s);
      GSL_ERROR ("no memory for the minimiser", GSL_ENOMEM);
    }
  gsl_vector_set_all (step, opt->step);
  status = gsl_multimin_fminimizer_set (s, &fn, &xv.vector, step);
  for (size_t it = 0; status == GSL_SUCCESS && c.status == GSL_SUCCESS
                      && it < opt->max_iter;
       it++)
    {
      status = gsl_multimin_fminimizer_iterate (s);
      if (status != GSL_SUCCESS || c.status != GSL_SUCCESS)
        break;
      if (trace != NULL)
        trace[it] = gsl_multimin_fminimizer_minimum (s);
      if (n_trace != NULL)
        *n_trace = it + 1;
      if (gsl_multimin_test_size (gsl_multimin_fminimizer_size (s),
                                  opt->size_tol) == GSL_SUCCESS)
        break;
    }
  if (c.status == GSL_SUCCESS && status == GSL_SUCCESS)
    {
      gsl_vector_memcpy (&xv.vector, gsl_multimin_fminimizer_x (s));
      *cost = gsl_multimin_fminimizer_minimum (s);
    }
  gsl_multimin_fminimizer_free (s);
  gsl_vector_free (step);
  if (c.status != GSL_SUCCESS)
    GSL_ERROR ("objective failed during minimisation", c.status);
  return status;
}
