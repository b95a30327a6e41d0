/* derivations/doob/well_grid.c -- claim H1 (c): the double well's h on a
 * grid (module `doob`, N §Doob's h-transform).
 *
 * The SDE dX = f(X) dt + sigma dB, f(x) = x - x^3 = -V'(x),
 * V(x) = x^4/4 - x^2/2 (wells at -1 and +1, barrier V(0) - V(+-1) = 1/4),
 * started at x0 = -1 and conditioned on X_T = x_T = +1, the other well.
 * h(t, x) = p(X_T = x_T | X_t = x) solves the backward Kolmogorov
 * equation, the unconditioned density p the forward one (fc_kolmogorov.h);
 * the conditioned marginal is q = p h / h(0, x0).  Here: the solver, the
 * moments of q, the grid's order study and error, and the window's bias
 * (rejection conditions on |X_T - x_T| < eps, i.e. on h_eps with the
 * indicator end condition), and the CDF and bin averages of a node
 * density.  The comparison itself is h1_double_well.c.
 *
 * The grid.  [a, b] = [-2.5, 2.5]: from x0 = -1 the density at +-2.5 is
 * about exp(-2 (V(2.5) - V(1)) / sigma^2) = exp(-38), and h is flat there
 * (the drift -x^3 returns a path to its well within a time ~ 1/|f'|); the
 * domain error is measured by widening the interval by DB_WELL_WIDEN on
 * each side.  dx = 0.01 keeps the cell Peclet number |f| dx / sigma^2
 * below 1 (0.36 at +-2.5, 0.67 at +-3).  dt = dx / 2: the errors of both
 * are O(dx^2 + dt^2) and similar in size.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "doob_internal.h"
#include "fc_fd.h"

const double db_well_frac[FC_DOOB_WELL_NT] = { 0.5, 0.75 };

#define DB_WELL_WIDEN 0.5
#define DB_WELL_RANNACHER 2
/* Trusted region of log h.  The solves carry an absolute round-off of
   about steps * eps * max h (each M-matrix solve is backward stable); a
   node at DB_WELL_REL_FLOOR max h then has relative error below
   800 * 2.2e-16 / 1e-9 = 2e-4, i.e. d_x log h good to 2e-4 / dx = 0.02,
   a drift error sigma^2 * 0.02 = 0.007 where it applies at all.  */
#define DB_WELL_REL_FLOOR 1e-9

/* Fitted grid order: expected 2 (central differences, Crank-Nicolson
   with Rannacher's start, hat and cell-average end conditions); the band
   is DB_WELL_ORDER_FLOOR (the O(dx) relative size of the next term at the
   coarsest dx = 0.02 on the scale sigma sqrt(T/4) = 0.6 of q, about
   0.05, doubled) plus 3 standard errors of the fitted slope.  */
#define DB_WELL_ORDER_FLOOR 0.1
#define DB_WELL_ORDER_SE 3.0

int
db_well_drift (double t, size_t n, const double *x, double *f, void *params)
{
  (void) t, (void) params;
  for (size_t i = 0; i < n; i++)
    f[i] = x[i] - x[i] * x[i] * x[i];
  return GSL_SUCCESS;
}

fc_kolmogorov *
db_well_solver (double a, double b, size_t nx, size_t steps, size_t stride)
{
  fc_kolmogorov_spec s = { db_well_drift, NULL, DB_WELL_SIGMA, a, b, nx, 0.0,
                           DB_WELL_T, steps, stride, DB_WELL_RANNACHER,
                           DB_WELL_REL_FLOOR };
  return fc_kolmogorov_alloc (&s);
}

int
db_well_solve (fc_kolmogorov *k, fc_kolmogorov_end end, double eps)
{
  int status = fc_kolmogorov_solve_backward (k, end, DB_WELL_XT, eps);
  if (status == GSL_SUCCESS)
    status = fc_kolmogorov_solve_forward (k, DB_WELL_X0);
  return status;
}

/* The stride of the solver divides steps / 4.  */
size_t
db_well_level (const fc_kolmogorov *k, double frac)
{
  return (size_t) floor (frac * (double) (fc_kolmogorov_n_levels (k) - 1) + 0.5);
}

/* ---------------------------------------------------------- grid moments */

fc_doob_moments
db_well_density_moments (const fc_kolmogorov *k, const double *q)
{
  size_t nx = fc_kolmogorov_nx (k);
  double dx = fc_kolmogorov_dx (k), m = 0.0, v = 0.0, m4 = 0.0;
  for (size_t i = 0; i < nx; i++)
    m += fc_kolmogorov_node (k, i) * q[i] * dx;
  for (size_t i = 0; i < nx; i++)
    {
      double d = fc_kolmogorov_node (k, i) - m;
      v += d * d * q[i] * dx;
      m4 += d * d * d * d * q[i] * dx;
    }
  fc_doob_moments r = { m, v, m4 };
  return r;
}

int
db_well_conditioned (const fc_kolmogorov *k, fc_doob_moments *m, double *q)
{
  size_t nx = fc_kolmogorov_nx (k);
  double *buf = q ? q : malloc (FC_DOOB_WELL_NT * nx * sizeof *buf);
  if (buf == NULL)
    GSL_ERROR ("no memory for the conditioned marginal", GSL_ENOMEM);
  int status = GSL_SUCCESS;
  for (size_t j = 0; j < FC_DOOB_WELL_NT && status == GSL_SUCCESS; j++)
    {
      status = fc_kolmogorov_conditioned (k, db_well_level (k, db_well_frac[j]),
                                          buf + j * nx, NULL);
      if (status == GSL_SUCCESS)
        m[j] = db_well_density_moments (k, buf + j * nx);
    }
  if (q == NULL)
    free (buf);
  return status;
}

/* The standard errors a comparison of moments between samples of sizes
   NA and NB can resolve, for a law of moments M.  */
static void
db_well_moment_se (const fc_doob_moments *m, size_t na, size_t nb,
                   double *se_mean, double *se_var)
{
  double w = 1.0 / (double) na + 1.0 / (double) nb;
  *se_mean = sqrt (m->var * w);
  *se_var = sqrt ((m->m4 - m->var * m->var) * w);
}

double
db_well_bias_z (const fc_doob_moments *a, const fc_doob_moments *b, size_t na,
                size_t nb)
{
  double z = 0.0;
  for (size_t j = 0; j < FC_DOOB_WELL_NT; j++)
    {
      double sm, sv;
      db_well_moment_se (&a[j], na, nb, &sm, &sv);
      z = GSL_MAX (z, fabs (a[j].mean - b[j].mean) / sm);
      z = GSL_MAX (z, fabs (a[j].var - b[j].var) / sv);
    }
  return z;
}

/* ------------------------------------- node densities: CDF, bin averages */

/* The CDF of the node density Q of K at the nodes into C (nx)
   (trapezoid, normalised to end at 1).  */
void
db_well_cdf (const fc_kolmogorov *k, const double *q, double *c)
{
  size_t nx = fc_kolmogorov_nx (k);
  double dx = fc_kolmogorov_dx (k);
  c[0] = 0.0;
  for (size_t i = 1; i < nx; i++)
    c[i] = c[i - 1] + 0.5 * dx * (q[i - 1] + q[i]);
  for (size_t i = 0; i < nx; i++)
    c[i] /= c[nx - 1];
}

/* The CDF C of K at X by linear interpolation.  */
double
db_well_cdf_at (const fc_kolmogorov *k, const double *c, double x)
{
  size_t nx = fc_kolmogorov_nx (k);
  double s = (x - fc_kolmogorov_node (k, 0)) / fc_kolmogorov_dx (k);
  if (s <= 0.0)
    return 0.0;
  if (s >= (double) (nx - 1))
    return 1.0;
  size_t i = (size_t) s;
  double u = s - (double) i;
  return (1.0 - u) * c[i] + u * c[i + 1];
}

/* The bin averages of the node density Q of K into B (bins).  */
void
db_well_bin_average (const fc_kolmogorov *k, const double *q, double *scratch,
                     double *b)
{
  double w = 2.0 * DB_WELL_FIG_BOX / DB_WELL_FIG_BINS;
  db_well_cdf (k, q, scratch);
  for (size_t i = 0; i < DB_WELL_FIG_BINS; i++)
    {
      double lo = -DB_WELL_FIG_BOX + (double) i * w;
      b[i] = (db_well_cdf_at (k, scratch, lo + w) - db_well_cdf_at (k, scratch, lo)) / w;
    }
}

/* ----------------------------------------------------------- grid study */

/* Level L of the order study: dx = 0.02 / 2^l, dt = dx / 2; node values
   of q at the coarsest nodes into QC (FC_DOOB_WELL_NT, nx_0).  */
static int
db_well_grid_level (size_t l, fc_doob_well_grid *gs, double *qc)
{
  size_t r = (size_t) 1 << l, nx0 = (DB_WELL_NX - 1) / 2 + 1;
  size_t nx = (nx0 - 1) * r + 1, steps = DB_WELL_STEPS / 2 * r;
  fc_kolmogorov *k = db_well_solver (DB_WELL_A, DB_WELL_B, nx, steps, steps / 4);
  double *q = malloc (FC_DOOB_WELL_NT * nx * sizeof *q);
  int status = k && q ? db_well_solve (k, FC_KOLMOGOROV_DELTA, 0.0) : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = db_well_conditioned (k, gs->m[l], q);
  for (size_t j = 0; status == GSL_SUCCESS && j < FC_DOOB_WELL_NT; j++)
    for (size_t i = 0; i < nx0; i++)
      qc[j * nx0 + i] = q[j * nx + i * r];
  gs->dx[l] = (DB_WELL_B - DB_WELL_A) / (double) (nx - 1);
  gs->dt[l] = DB_WELL_T / (double) steps;
  fc_kolmogorov_free (k), free (q);
  return status;
}

/* The levels' relative differences max |q_l - q_{l-1}| / max q.  */
static int
db_well_grid_levels (fc_doob_well_grid *gs)
{
  size_t nx0 = (DB_WELL_NX - 1) / 2 + 1, len = FC_DOOB_WELL_NT * nx0;
  double *qc = malloc (2 * len * sizeof *qc); /* (2, NT, nx0) */
  if (qc == NULL)
    GSL_ERROR ("no memory for the grid study", GSL_ENOMEM);
  int status = GSL_SUCCESS;
  for (size_t l = 0; l < gs->n_lev && status == GSL_SUCCESS; l++)
    {
      double *cur = qc + (l % 2) * len, *prev = qc + ((l + 1) % 2) * len;
      status = db_well_grid_level (l, gs, cur);
      if (status || l == 0)
        continue;
      double d = 0.0, top = 0.0;
      for (size_t i = 0; i < len; i++)
        {
          d = GSL_MAX (d, fabs (cur[i] - prev[i]));
          top = GSL_MAX (top, fabs (cur[i]));
        }
      gs->diff[l - 1] = d / top;
    }
  free (qc);
  return status;
}

/* The widened domain at the grid of the module (dx = 0.01).  */
static int
db_well_grid_wide (fc_doob_well_grid *gs)
{
  double dx = (DB_WELL_B - DB_WELL_A) / (DB_WELL_NX - 1);
  size_t extra = (size_t) floor (DB_WELL_WIDEN / dx + 0.5);
  fc_kolmogorov *k = db_well_solver (DB_WELL_A - extra * dx, DB_WELL_B + extra * dx,
                                     DB_WELL_NX + 2 * extra, DB_WELL_STEPS,
                                     DB_WELL_STEPS / 4);
  int status = k ? db_well_solve (k, FC_KOLMOGOROV_DELTA, 0.0) : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = db_well_conditioned (k, gs->m_wide, NULL);
  fc_kolmogorov_free (k);
  return status;
}

int
fc_doob_well_grid_study (size_t n_lev, fc_doob_well_grid *gs)
{
  if (n_lev < 2 || n_lev > FC_DOOB_WELL_NLEV)
    GSL_ERROR ("2 .. FC_DOOB_WELL_NLEV grid levels", GSL_EINVAL);
  double log_c;
  gs->n_lev = n_lev;
  int status = db_well_grid_levels (gs);
  if (status == GSL_SUCCESS)
    status = db_well_grid_wide (gs);
  if (status == GSL_SUCCESS)
    status = fc_fd_order_fit (n_lev - 1, gs->dx, gs->diff, &gs->order, &log_c,
                              &gs->order_se);
  gs->order_band = DB_WELL_ORDER_FLOOR + DB_WELL_ORDER_SE * gs->order_se;
  return status;
}

/* Richardson's extrapolation of the two finest levels (M + (M -
   M_coarse)/3) as the reference, plus the change when the domain is
   widened.  */
double
db_well_grid_err_z (const fc_doob_well_grid *gs, size_t na, size_t nb)
{
  fc_doob_moments ext[FC_DOOB_WELL_NT];
  for (size_t j = 0; j < FC_DOOB_WELL_NT; j++)
    {
      const fc_doob_moments *c = &gs->m[gs->n_lev - 2][j];
      const fc_doob_moments *f = &gs->m[gs->n_lev - 1][j];
      ext[j].mean = f->mean + (f->mean - c->mean) / 3.0;
      ext[j].var = f->var + (f->var - c->var) / 3.0;
      ext[j].m4 = f->m4;
    }
  return db_well_bias_z (ext, gs->m[1], na, nb)
         + db_well_bias_z (gs->m[1], gs->m_wide, na, nb);
}

/* ------------------------------------------------------- the window's bias */

/* Window EPS on the solver KW, against the point-conditioned moments MP. */
static int
db_well_window (fc_kolmogorov *kw, const fc_doob_moments *mp, double eps,
                size_t n_cmp, fc_doob_well_window *w)
{
  double x0 = DB_WELL_X0;
  int status = db_well_solve (kw, FC_KOLMOGOROV_WINDOW, eps);
  if (status == GSL_SUCCESS)
    status = db_well_conditioned (kw, w->m, NULL);
  if (status == GSL_SUCCESS)
    status = fc_kolmogorov_h (kw, 0.0, 1, &x0, &w->acceptance);
  if (status == GSL_SUCCESS)
    w->bias_z = db_well_bias_z (mp, w->m, n_cmp, n_cmp);
  return status;
}

int
fc_doob_well_window_study (size_t n_eps, const double *eps, size_t n_cmp,
                           fc_doob_well_window *w)
{
  fc_kolmogorov *kp = db_well_solver (DB_WELL_A, DB_WELL_B, DB_WELL_NX,
                                      DB_WELL_STEPS, DB_WELL_STEPS / 4);
  fc_kolmogorov *kw = db_well_solver (DB_WELL_A, DB_WELL_B, DB_WELL_NX,
                                      DB_WELL_STEPS, DB_WELL_STEPS / 4);
  fc_doob_moments mp[FC_DOOB_WELL_NT];
  int status = kp && kw ? db_well_solve (kp, FC_KOLMOGOROV_DELTA, 0.0) : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = db_well_conditioned (kp, mp, NULL);
  for (size_t e = 0; e < n_eps && status == GSL_SUCCESS; e++)
    status = db_well_window (kw, mp, eps[e], n_cmp, &w[e]);
  fc_kolmogorov_free (kp), fc_kolmogorov_free (kw);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the window study", GSL_ENOMEM);
  return status;
}
