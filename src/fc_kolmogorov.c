/* src/fc_kolmogorov.c -- backward Kolmogorov and Fokker-Planck equations in
 * 1-D by Crank-Nicolson with a Rannacher start (fc_kolmogorov.h).
 *
 * The tridiagonal systems are solved by gsl_linalg_solve_tridiag; what is
 * written here is what GSL does not offer: the operator of the equation,
 * its boundary rows, the time loop with its start, and the interpolation
 * of the kept levels.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_vector.h>

#include "fc_kolmogorov.h"

struct fc_kolmogorov
{
  fc_kolmogorov_spec s;
  double dx, dt;
  size_t n_levels;          /* kept levels: steps / stride + 1 */
  double *x;                /* (nx) nodes */
  double *h, *g, *p;        /* (n_levels, nx) h, d_x log h, p */
  size_t *lo, *hi;          /* (n_levels) trusted interval of log h */
  int have_h, have_p;
  /* Scratch of the solves (one solve at a time).  */
  double *fa, *fb;          /* (nx) drift at the known and the new level */
  double *ra, *rb;          /* (3, nx) rows of L built on fa and on fb */
  gsl_vector *diag, *above, *below, *rhs, *u;
};

/* ------------------------------------------------------------ allocation */

static int
kg_spec_valid (const fc_kolmogorov_spec *s)
{
  return isfinite (s->sigma) && s->sigma > 0.0 && isfinite (s->a)
         && isfinite (s->b) && s->a < s->b && isfinite (s->t0)
         && isfinite (s->t1) && s->t0 < s->t1 && s->nx >= 3 && s->steps >= 1
         && s->stride >= 1 && s->steps % s->stride == 0 && s->rel_floor > 0.0
         && s->rel_floor < 1.0;
}

fc_kolmogorov *
fc_kolmogorov_alloc (const fc_kolmogorov_spec *spec)
{
  if (spec == NULL || spec->drift == NULL)
    GSL_ERROR_NULL ("no problem or no drift", GSL_EINVAL);
  if (!kg_spec_valid (spec))
    GSL_ERROR_NULL ("invalid grid: need sigma > 0, a < b, t0 < t1, nx >= 3, "
                    "steps >= 1, stride dividing steps, rel_floor in (0, 1)",
                    GSL_EDOM);
  fc_kolmogorov *k = calloc (1, sizeof *k);
  if (k == NULL)
    GSL_ERROR_NULL ("no memory for the Kolmogorov solver", GSL_ENOMEM);
  size_t nx = spec->nx;
  k->s = *spec;
  k->dx = (spec->b - spec->a) / (double) (nx - 1);
  k->dt = (spec->t1 - spec->t0) / (double) spec->steps;
  k->n_levels = spec->steps / spec->stride + 1;
  size_t nv = k->n_levels * nx;
  k->x = malloc (nx * sizeof *k->x);
  k->h = malloc (nv * sizeof *k->h);
  k->g = malloc (nv * sizeof *k->g);
  k->p = malloc (nv * sizeof *k->p);
  k->lo = malloc (k->n_levels * sizeof *k->lo);
  k->hi = malloc (k->n_levels * sizeof *k->hi);
  k->fa = malloc (nx * sizeof *k->fa);
  k->fb = malloc (nx * sizeof *k->fb);
  k->ra = malloc (3 * nx * sizeof *k->ra);
  k->rb = malloc (3 * nx * sizeof *k->rb);
  k->diag = gsl_vector_alloc (nx);
  k->above = gsl_vector_alloc (nx - 1);
  k->below = gsl_vector_alloc (nx - 1);
  k->rhs = gsl_vector_alloc (nx);
  k->u = gsl_vector_alloc (nx);
  if (!(k->x && k->h && k->g && k->p && k->lo && k->hi && k->fa && k->fb
        && k->ra && k->rb && k->diag && k->above && k->below && k->rhs && k->u))
    {
      fc_kolmogorov_free (k);
      GSL_ERROR_NULL ("no memory for the Kolmogorov grid", GSL_ENOMEM);
    }
  for (size_t i = 0; i < nx; i++)
    k->x[i] = i + 1 == nx ? spec->b : spec->a + (double) i * k->dx;
  return k;
}

void
fc_kolmogorov_free (fc_kolmogorov *k)
{
  if (k == NULL)
    return;
  free (k->x), free (k->h), free (k->g), free (k->p);
  free (k->lo), free (k->hi), free (k->fa), free (k->fb);
  free (k->ra), free (k->rb);
  gsl_vector_free (k->diag), gsl_vector_free (k->above);
  gsl_vector_free (k->below), gsl_vector_free (k->rhs), gsl_vector_free (k->u);
  free (k);
}

/* -------------------------------------------------------------- operator */

/* Row I of L: the coefficients of u_{i-1}, u_i, u_{i+1} (see the header;
   mirrored ghost nodes at both ends).  */
static void
kg_row (const fc_kolmogorov *k, const double *f, size_t i, double *l,
        double *d, double *r)
{
  double dd = 0.5 * k->s.sigma * k->s.sigma / (k->dx * k->dx);
  size_t last = k->s.nx - 1;
  *d = -2.0 * dd;
  if (i == 0)
    *l = 0.0, *r = 2.0 * dd;
  else if (i == last)
    *l = 2.0 * dd, *r = 0.0;
  else
    {
      double adv = f[i] / (2.0 * k->dx);
      *l = dd - adv;
      *r = dd + adv;
    }
}

/* The drift at the nodes at time T into F, checked: finite, and cell
   Peclet number |f| dx / sigma^2 at most 1 at the interior nodes (the
   boundary rows do not use f); and the rows of L built on it into ROWS
   (3, nx: sub-diagonal, diagonal, super-diagonal coefficient of each row),
   computed once per level and read by both the explicit half and the
   matrix of a step (and, swapped with the drift, by the next step).  */
static int
kg_drift_nodes (fc_kolmogorov *k, double t, double *f, double *rows)
{
  int status = k->s.drift (t, k->s.nx, k->x, f, k->s.params);
  if (status)
    return status;
  double limit = k->s.sigma * k->s.sigma / k->dx;
  for (size_t i = 0; i < k->s.nx; i++)
    {
      if (!isfinite (f[i]))
        GSL_ERROR ("drift not finite at a node", GSL_EDOM);
      if (i > 0 && i + 1 < k->s.nx && fabs (f[i]) > limit)
        GSL_ERROR ("cell Peclet number |f| dx / sigma^2 above 1: refine dx "
                   "or narrow [a, b]", GSL_EDOM);
    }
  size_t nx = k->s.nx;
  for (size_t i = 0; i < nx; i++)
    kg_row (k, f, i, rows + i, rows + nx + i, rows + 2 * nx + i);
  return GSL_SUCCESS;
}

/* Y = (I + C M) U with M = L (TRANSPOSE 0) or L^T (1), L given by its
   ROWS (kg_drift_nodes).  (L^T)_{i,i-1} = L_{i-1,i} is the
   super-diagonal coefficient of row i - 1, (L^T)_{i,i+1} = L_{i+1,i} the
   sub-diagonal one of row i + 1.  */
static void
kg_apply (const fc_kolmogorov *k, const double *rows, int transpose, double c,
          const double *u, double *y)
{
  size_t nx = k->s.nx;
  const double *l = rows, *d = rows + nx, *r = rows + 2 * nx;
  for (size_t i = 0; i < nx; i++)
    {
      double acc = d[i] * u[i];
      if (i > 0)
        acc += (transpose ? r[i - 1] : l[i]) * u[i - 1];
      if (i + 1 < nx)
        acc += (transpose ? l[i + 1] : r[i]) * u[i + 1];
      y[i] = u[i] + c * acc;
    }
}

/* The matrix I - C M (M = L or L^T given by ROWS) into diag, above,
   below.  */
static void
kg_matrix (fc_kolmogorov *k, const double *rows, int transpose, double c)
{
  size_t nx = k->s.nx;
  const double *l = rows, *d = rows + nx, *r = rows + 2 * nx;
  /* Row i holds L_{i,i+1} = r_i above, row i+1 holds L_{i+1,i} = l_{i+1}
     below; the transpose swaps the two.  The vectors are contiguous
     (gsl_vector_alloc).  */
  double *dg = k->diag->data, *up = (transpose ? k->below : k->above)->data;
  double *lo = (transpose ? k->above : k->below)->data;
  for (size_t i = 0; i < nx; i++)
    {
      dg[i] = 1.0 - c * d[i];
      if (i + 1 < nx)
        up[i] = -c * r[i];
      if (i > 0)
        lo[i - 1] = -c * l[i];
    }
}

/* One theta step of length TAU on U (nx) in place: the rows RA of the
   known level (unused when THETA = 1), the rows RB of the new level.
     (I - theta tau M_new) u_new = (I + (1 - theta) tau M_known) u_known  */
static int
kg_theta_step (fc_kolmogorov *k, int transpose, double theta, double tau,
               const double *ra, const double *rb, double *u)
{
  kg_apply (k, ra, transpose, (1.0 - theta) * tau, u, k->rhs->data);
  kg_matrix (k, rb, transpose, theta * tau);
  int status = gsl_linalg_solve_tridiag (k->diag, k->above, k->below, k->rhs,
                                         k->u);
  if (status)
    return status;
  memcpy (u, k->u->data, k->s.nx * sizeof *u);
  return GSL_SUCCESS;
}

/* One step from time T of length TAU (negative backward), Rannacher's two
   backward-Euler half steps when START is set, Crank-Nicolson otherwise.
   k->fa (and its rows k->ra) holds the drift at T on entry and the drift
   at T + TAU on exit. */
static int
kg_step (fc_kolmogorov *k, int transpose, int start, double t, double tau,
         double *u)
{
  int status;
  double a = fabs (tau);
  if (start)
    {
      status = kg_drift_nodes (k, t + 0.5 * tau, k->fb, k->rb);
      if (status == GSL_SUCCESS)
        status = kg_theta_step (k, transpose, 1.0, 0.5 * a, k->ra, k->rb, u);
      if (status == GSL_SUCCESS)
        status = kg_drift_nodes (k, t + tau, k->fb, k->rb);
      if (status == GSL_SUCCESS)
        status = kg_theta_step (k, transpose, 1.0, 0.5 * a, k->rb, k->rb, u);
    }
  else
    {
      status = kg_drift_nodes (k, t + tau, k->fb, k->rb);
      if (status == GSL_SUCCESS)
        status = kg_theta_step (k, transpose, 0.5, a, k->ra, k->rb, u);
    }
  double *tmp = k->fa;
  k->fa = k->fb;
  k->fb = tmp;
  tmp = k->ra;
  k->ra = k->rb;
  k->rb = tmp;
  return status;
}

/* ------------------------------------------------------ end conditions */

/* The hat of delta_y into U (nx).  */
static void
kg_hat (const fc_kolmogorov *k, double y, double *u)
{
  double s = (y - k->s.a) / k->dx;
  size_t i = (size_t) floor (s);
  if (i + 1 >= k->s.nx)
    i = k->s.nx - 2;
  double w = s - (double) i;
  memset (u, 0, k->s.nx * sizeof *u);
  u[i] = (1.0 - w) / k->dx;
  u[i + 1] = w / k->dx;
}

/* The cell averages of the indicator of [y - e, y + e] into U (nx).  */
static void
kg_window (const fc_kolmogorov *k, double y, double e, double *u)
{
  for (size_t i = 0; i < k->s.nx; i++)
    {
      double lo = GSL_MAX (k->x[i] - 0.5 * k->dx, y - e);
      double hi = GSL_MIN (k->x[i] + 0.5 * k->dx, y + e);
      u[i] = GSL_MAX (0.0, hi - lo) / k->dx;
    }
}

/* ------------------------------------------------------------ the solves */

/* Interval N = [t_n, t_{n+1}] is taken by two backward-Euler half steps:
   the first and the last RANNACHER intervals, in both equations.  The
   singular end needs them (Rannacher's start); the other end gets them
   too so that the step operators of the two equations on every interval
   are exact transposes (the discrete duality of the header).  A fixed
   number of O(dt^2)-accurate half steps keeps the scheme second order.  */
static int
kg_smoothed (const fc_kolmogorov *k, size_t n)
{
  return n < k->s.rannacher || n + k->s.rannacher >= k->s.steps;
}

/* d_x log h at kept level J and its trusted interval (fc_kolmogorov.h
   "Underflow").  */
static void
kg_store_dlogh (fc_kolmogorov *k, size_t j)
{
  size_t nx = k->s.nx, imax = 0;
  const double *h = k->h + j * nx;
  double *g = k->g + j * nx;
  for (size_t i = 1; i < nx; i++)
    if (h[i] > h[imax])
      imax = i;
  double thr = k->s.rel_floor * h[imax];
  size_t lo = imax, hi = imax;
  while (lo > 0 && h[lo - 1] >= thr && h[lo - 1] > 0.0)
    lo--;
  while (hi + 1 < nx && h[hi + 1] >= thr && h[hi + 1] > 0.0)
    hi++;
  for (size_t i = lo; i <= hi; i++)
    {
      /* Central inside; zero at a reflecting end (mirror ghost); one-sided
         at an end of the trusted run; zero for a single node.  */
      if ((i == 0 && lo == 0) || (i + 1 == nx && hi + 1 == nx) || lo == hi)
        g[i] = 0.0;
      else if (i == lo)
        g[i] = (log (h[i + 1]) - log (h[i])) / k->dx;
      else if (i == hi)
        g[i] = (log (h[i]) - log (h[i - 1])) / k->dx;
      else
        g[i] = (log (h[i + 1]) - log (h[i - 1])) / (2.0 * k->dx);
    }
  for (size_t i = 0; i < lo; i++)
    g[i] = g[lo];
  for (size_t i = hi + 1; i < nx; i++)
    g[i] = g[hi];
  k->lo[j] = lo;
  k->hi[j] = hi;
}

int
fc_kolmogorov_solve_backward (fc_kolmogorov *k, fc_kolmogorov_end end,
                              double x_T, double eps)
{
  if (k == NULL)
    GSL_ERROR ("no solver", GSL_EINVAL);
  if (!(x_T >= k->s.a && x_T <= k->s.b))
    GSL_ERROR ("x_T outside [a, b]", GSL_EDOM);
  if (end == FC_KOLMOGOROV_WINDOW && !(eps > 0.0 && 2.0 * eps < k->s.b - k->s.a))
    GSL_ERROR ("window half-width must be positive and the window inside "
               "the domain's width", GSL_EDOM);
  if (end != FC_KOLMOGOROV_DELTA && end != FC_KOLMOGOROV_WINDOW)
    GSL_ERROR ("unknown terminal condition", GSL_EINVAL);
  size_t nx = k->s.nx, steps = k->s.steps, stride = k->s.stride;
  double *u = k->h + (k->n_levels - 1) * nx;
  k->have_h = 0;
  if (end == FC_KOLMOGOROV_DELTA)
    kg_hat (k, x_T, u);
  else
    kg_window (k, x_T, eps, u);
  kg_store_dlogh (k, k->n_levels - 1);
  int status = kg_drift_nodes (k, k->s.t1, k->fa, k->ra);
  double *cur = malloc (nx * sizeof *cur);
  if (cur == NULL)
    GSL_ERROR ("no memory for the backward solve", GSL_ENOMEM);
  memcpy (cur, u, nx * sizeof *cur);
  for (size_t n = steps; n > 0 && status == GSL_SUCCESS; n--)
    {
      double t = n == steps ? k->s.t1 : k->s.t0 + (double) n * k->dt;
      status = kg_step (k, 0, kg_smoothed (k, n - 1), t, -k->dt, cur);
      if (status == GSL_SUCCESS && (n - 1) % stride == 0)
        {
          size_t j = (n - 1) / stride;
          memcpy (k->h + j * nx, cur, nx * sizeof *cur);
          kg_store_dlogh (k, j);
        }
    }
  free (cur);
  if (status)
    return status;
  k->have_h = 1;
  return GSL_SUCCESS;
}

int
fc_kolmogorov_solve_forward (fc_kolmogorov *k, double x0)
{
  if (k == NULL)
    GSL_ERROR ("no solver", GSL_EINVAL);
  if (!(x0 >= k->s.a && x0 <= k->s.b))
    GSL_ERROR ("x0 outside [a, b]", GSL_EDOM);
  size_t nx = k->s.nx, steps = k->s.steps, stride = k->s.stride;
  k->have_p = 0;
  kg_hat (k, x0, k->p);
  int status = kg_drift_nodes (k, k->s.t0, k->fa, k->ra);
  double *cur = malloc (nx * sizeof *cur);
  if (cur == NULL)
    GSL_ERROR ("no memory for the forward solve", GSL_ENOMEM);
  memcpy (cur, k->p, nx * sizeof *cur);
  for (size_t n = 0; n < steps && status == GSL_SUCCESS; n++)
    {
      double t = k->s.t0 + (double) n * k->dt;
      status = kg_step (k, 1, kg_smoothed (k, n), t, k->dt, cur);
      if (status == GSL_SUCCESS && (n + 1) % stride == 0)
        memcpy (k->p + (n + 1) / stride * nx, cur, nx * sizeof *cur);
    }
  free (cur);
  if (status)
    return status;
  k->have_p = 1;
  return GSL_SUCCESS;
}

/* ------------------------------------------------------------ grid facts */

size_t
fc_kolmogorov_nx (const fc_kolmogorov *k)
{
  return k->s.nx;
}

double
fc_kolmogorov_dx (const fc_kolmogorov *k)
{
  return k->dx;
}

double
fc_kolmogorov_node (const fc_kolmogorov *k, size_t i)
{
  return i < k->s.nx ? k->x[i] : GSL_NAN;
}

size_t
fc_kolmogorov_n_levels (const fc_kolmogorov *k)
{
  return k->n_levels;
}

double
fc_kolmogorov_level_time (const fc_kolmogorov *k, size_t j)
{
  if (j >= k->n_levels)
    return GSL_NAN;
  if (j + 1 == k->n_levels)
    return k->s.t1;
  return k->s.t0 + (double) (j * k->s.stride) * k->dt;
}

const double *
fc_kolmogorov_level_h (const fc_kolmogorov *k, size_t j)
{
  return k->have_h && j < k->n_levels ? k->h + j * k->s.nx : NULL;
}

const double *
fc_kolmogorov_level_dlogh (const fc_kolmogorov *k, size_t j)
{
  return k->have_h && j < k->n_levels ? k->g + j * k->s.nx : NULL;
}

const double *
fc_kolmogorov_level_p (const fc_kolmogorov *k, size_t j)
{
  return k->have_p && j < k->n_levels ? k->p + j * k->s.nx : NULL;
}

/* --------------------------------------------------------------- queries */

/* The kept-level interval of T: level J and weight W of level J + 1.
   GSL_EDOM outside [t0, t1].  */
static int
kg_locate_t (const fc_kolmogorov *k, double t, size_t *j, double *w)
{
  if (!(t >= k->s.t0 && t <= k->s.t1))
    GSL_ERROR ("t outside [t0, t1]", GSL_EDOM);
  double s = (t - k->s.t0) / (k->dt * (double) k->s.stride);
  double last = (double) (k->n_levels - 1);
  s = GSL_MIN (s, last);
  size_t i = (size_t) floor (s);
  if (i + 1 >= k->n_levels)
    i = k->n_levels - 2;
  *j = i;
  *w = s - (double) i;
  return GSL_SUCCESS;
}

/* The node interval of X (clamped to [a, b]): node I and weight U.  */
static void
kg_locate_x (const fc_kolmogorov *k, double x, size_t *i, double *u)
{
  double s = (GSL_MIN (GSL_MAX (x, k->s.a), k->s.b) - k->s.a) / k->dx;
  size_t c = (size_t) floor (s);
  if (c + 1 >= k->s.nx)
    c = k->s.nx - 2;
  *i = c;
  *u = GSL_MIN (s - (double) c, 1.0);
}

/* Bilinear interpolation of the kept levels V at (J, W), (I, U).  */
static double
kg_bilinear (const fc_kolmogorov *k, const double *v, size_t j, double w,
             size_t i, double u)
{
  size_t nx = k->s.nx;
  const double *a = v + j * nx + i, *b = a + nx;
  double va = (1.0 - u) * a[0] + u * a[1];
  if (w == 0.0)
    return va;
  double vb = (1.0 - u) * b[0] + u * b[1];
  return (1.0 - w) * va + w * vb;
}

static int
kg_check_points (size_t n, const double *x, const double *out)
{
  if (n > 0 && (x == NULL || out == NULL))
    GSL_ERROR ("NULL points or output", GSL_EINVAL);
  for (size_t i = 0; i < n; i++)
    if (!isfinite (x[i]))
      GSL_ERROR ("point not finite", GSL_EDOM);
  return GSL_SUCCESS;
}

/* What a query of h (FORWARD = 0) or of p (FORWARD = 1) at time T for the
   N points X into OUT checks first: a solver whose equation is solved,
   finite points, and T located at weight W between the levels J and
   J + 1.  */
static int
kg_query (const fc_kolmogorov *k, int forward, double t, size_t n,
          const double *x, const double *out, size_t *j, double *w)
{
  if (k == NULL)
    GSL_ERROR ("no solver", GSL_EINVAL);
  if (forward && !k->have_p)
    GSL_ERROR ("forward equation not solved", GSL_EFAILED);
  if (!forward && !k->have_h)
    GSL_ERROR ("backward equation not solved", GSL_EFAILED);
  int status = kg_check_points (n, x, out);
  if (status == GSL_SUCCESS)
    status = kg_locate_t (k, t, j, w);
  return status;
}

int
fc_kolmogorov_h (const fc_kolmogorov *k, double t, size_t n, const double *x,
                 double *h)
{
  size_t j, i;
  double w, u;
  int status = kg_query (k, 0, t, n, x, h, &j, &w);
  if (status)
    return status;
  size_t nx = k->s.nx;
  for (size_t m = 0; m < n; m++)
    {
      kg_locate_x (k, x[m], &i, &u);
      const double *a = k->h + j * nx + i, *b = a + nx;
      if (a[0] > 0.0 && a[1] > 0.0 && b[0] > 0.0 && b[1] > 0.0)
        {
          /* log-linear: keeps relative accuracy in the tails.  */
          double la = (1.0 - u) * log (a[0]) + u * log (a[1]);
          double lb = (1.0 - u) * log (b[0]) + u * log (b[1]);
          h[m] = exp ((1.0 - w) * la + w * lb);
        }
      else
        h[m] = kg_bilinear (k, k->h, j, w, i, u);
    }
  return GSL_SUCCESS;
}

/* d_x log h at one point of the located interval (J, W); *CLAMPED set
   when X is outside the trusted interval of a level used.  */
static double
kg_dlogh_one (const fc_kolmogorov *k, size_t j, double w, double x,
              int *clamped)
{
  size_t i;
  double u;
  kg_locate_x (k, x, &i, &u);
  double lo = k->x[k->lo[j]], hi = k->x[k->hi[j]];
  *clamped = x < lo || x > hi;
  if (w > 0.0)
    *clamped |= x < k->x[k->lo[j + 1]] || x > k->x[k->hi[j + 1]];
  return kg_bilinear (k, k->g, j, w, i, u);
}

/* Locate T for d_x log h: also GSL_EDOM in the singular last interval.
   Up to a few ulps of the located position are allowed past the last
   regular level (the round-off of forming a grid time t0 + k dt); such a
   time is taken at that level.  */
static int
kg_locate_t_regular (const fc_kolmogorov *k, double t, size_t *j, double *w)
{
  if (!k->have_h)
    GSL_ERROR ("backward equation not solved", GSL_EFAILED);
  int status = kg_locate_t (k, t, j, w);
  if (status)
    return status;
  double s = (double) *j + *w, last = (double) (k->n_levels - 2);
  if (s > last * (1.0 + 4.0 * GSL_DBL_EPSILON))
    GSL_ERROR ("d_x log h is singular in the last kept interval", GSL_EDOM);
  if (s >= last)
    {
      *j = k->n_levels - 2;
      *w = 0.0;
    }
  return GSL_SUCCESS;
}

int
fc_kolmogorov_dlogh (const fc_kolmogorov *k, double t, size_t n,
                     const double *x, double *g, size_t *n_clamped)
{
  if (k == NULL)
    GSL_ERROR ("no solver", GSL_EINVAL);
  size_t j, count = 0;
  double w;
  int status = kg_check_points (n, x, g);
  if (status == GSL_SUCCESS)
    status = kg_locate_t_regular (k, t, &j, &w);
  if (status)
    return status;
  for (size_t m = 0; m < n; m++)
    {
      int c;
      g[m] = kg_dlogh_one (k, j, w, x[m], &c);
      count += (size_t) c;
    }
  if (n_clamped)
    *n_clamped = count;
  return GSL_SUCCESS;
}

int
fc_kolmogorov_density (const fc_kolmogorov *k, double t, size_t n,
                       const double *x, double *p)
{
  size_t j, i;
  double w, u;
  int status = kg_query (k, 1, t, n, x, p, &j, &w);
  if (status)
    return status;
  for (size_t m = 0; m < n; m++)
    {
      kg_locate_x (k, x[m], &i, &u);
      p[m] = kg_bilinear (k, k->p, j, w, i, u);
    }
  return GSL_SUCCESS;
}

double
fc_kolmogorov_mass (const fc_kolmogorov *k, size_t j)
{
  const double *p = k != NULL ? fc_kolmogorov_level_p (k, j) : NULL;
  if (p == NULL)
    return GSL_NAN;
  double s = 0.0;
  for (size_t i = 0; i < k->s.nx; i++)
    s += p[i];
  return s * k->dx;
}

int
fc_kolmogorov_conditioned (const fc_kolmogorov *k, size_t j, double *q,
                           double *z)
{
  if (k == NULL || q == NULL)
    GSL_ERROR ("no solver or no output", GSL_EINVAL);
  const double *h = fc_kolmogorov_level_h (k, j), *p = fc_kolmogorov_level_p (k, j);
  if (h == NULL || p == NULL)
    GSL_ERROR ("level out of range or an equation not solved", GSL_EDOM);
  double s = 0.0;
  for (size_t i = 0; i < k->s.nx; i++)
    {
      q[i] = p[i] * h[i];
      s += q[i];
    }
  s *= k->dx;
  if (!(s > 0.0))
    GSL_ERROR ("p h has no positive mass", GSL_EDOM);
  for (size_t i = 0; i < k->s.nx; i++)
    q[i] /= s;
  if (z)
    *z = s;
  return GSL_SUCCESS;
}

int
fc_kolmogorov_htransform_drift (double t, size_t n, const double *x,
                                double *f, void *params)
{
  const fc_kolmogorov_htransform *ht = params;
  if (ht == NULL || ht->k == NULL)
    GSL_ERROR ("no h-transform", GSL_EINVAL);
  const fc_kolmogorov *k = ht->k;
  int status = k->s.drift (t, n, x, f, k->s.params);
  if (status || ht->drop_h)
    return status;
  size_t j;
  double w, s2 = k->s.sigma * k->s.sigma;
  unsigned long count = 0;
  status = kg_locate_t_regular (k, t, &j, &w);
  if (status)
    return status;
  for (size_t m = 0; m < n; m++)
    {
      int c;
      f[m] += s2 * kg_dlogh_one (k, j, w, x[m], &c);
      count += (unsigned long) c;
    }
  if (ht->n_clamped && count > 0)
    {
#pragma omp atomic
      *ht->n_clamped += count;
    }
  return GSL_SUCCESS;
}
