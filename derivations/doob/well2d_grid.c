/* derivations/doob/well2d_grid.c -- claim H1 (c) in two dimensions: the h
 * of a coupled double well on a 2-D grid (module `doob`, N §Doob's
 * h-transform).
 *
 * The SDE dX = f(X) dt + sigma dB in R^2, f = -grad V,
 *   V(x, y) = (x^2 - 1)^2 / 4 + (kappa / 2) (y - c x)^2,
 *   f = (x - x^3 + kappa c (y - c x), -kappa (y - c x)),
 * a double well in x whose wells (+-1, +-c) lie on the tilted line
 * y = c x: the coupling term -kappa c x y makes the drift non-separable
 * (f_x depends on y, f_y on x) and, with the quartic, no rotation
 * separates it.  From x0 = (-1, -c), conditioned on X_T = x_T = (1, c).
 *
 * The equations (as fc_kolmogorov.h in 1-D): h(t, .) = E[phi(X_T) | X_t
 * = .] solves d_t h + L h = 0 backward from phi (the hat of x_T for the
 * point, the cell averages of the indicator of the square
 * |X_T - x_T|_inf < eps for the window); p solves the forward equation
 * with the transposed discrete operator, so that sum p h dx dy is the same
 * at every level (the discrete Chapman-Kolmogorov identity): the
 * conditioned marginal is q = p h / Z with Z = sum p h dx dy, and Z of
 * the window is the acceptance h_eps(0, x0) of rejection sampling.
 *
 * The scheme.  Space: central differences with Il'in's exponential
 * fitting, the diffusion D = sigma^2/2 of each axis replaced by
 * D rho coth(rho), rho = f dx / (2 D) the cell Peclet number: every
 * off-diagonal coefficient D/dx^2 (rho coth rho +- rho) is then
 * non-negative at any rho (a monotone scheme, so h and p stay
 * non-negative), and rho coth rho = 1 + rho^2/3 + ... keeps second order
 * in dx where f is bounded; reflecting (zero-flux) edges, the ghost node
 * mirroring its neighbour as in fc_kolmogorov.h.  Time: explicit Euler
 * with dt at most 0.9 of the stability limit 1 / max_i sum of the
 * coefficients (the diagonal 1 - dt sum stays positive), so dt = O(dx^2)
 * and the error is O(dx^2) on the whole.  An explicit step costs a few
 * operations per node: at dx = 0.05 on the 89 x 105 nodes below, the
 * three solves (h from T to 0, h_eps from T to T/2, p from 0 to T/2)
 * take about 0.1 s.  Grid order: the error's order is measured on three
 * levels dx, 2 dx, 4 dx (db_w2_grid_study).
 *
 * The domain [-2.2, 2.2] x [-2.6, 2.6]: from the wells the stationary
 * density at x = +-2.2 is exp(-2 (V(2.2, 2.2 c) - V(1, c)) / sigma^2) =
 * exp(-18) of its peak, and across the line y = c x it has the standard
 * deviation sigma / sqrt(2 kappa) = 0.3, so |y - c x| <= 1.5 (5 of them)
 * holds the mass to exp(-12.5) wherever |x| <= 2.2.
 *
 * The h-transformed drift f + sigma^2 grad log h is wanted on [0, T/2]
 * only (the comparison is at T/2): grad log h is kept at DB_W2_KEEP + 1
 * levels over [0, T/2] (central differences of log h at the nodes, log h
 * floored at DB_W2_REL_FLOOR max h, where it carries round-off), and
 * queried bilinearly in space and linearly in time.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "doob_internal.h"
#include "fc_fd.h"

/* Trusted floor of h, relative to its maximum at the level: the solves
   carry an absolute round-off of about steps eps max h (2000 * 2.2e-16),
   so a node at 1e-9 max h keeps its log h to 5e-4.  */
#define DB_W2_REL_FLOOR 1e-9
/* dt at this fraction of the explicit scheme's stability limit.  */
#define DB_W2_CFL 0.9

int
db_w2_drift (double t, size_t n, const double *x, double *f, void *params)
{
  (void) t, (void) params;
  for (size_t i = 0; i < n; i++)
    {
      double a = x[2 * i], u = x[2 * i + 1] - DB_W2_C * a;
      f[2 * i] = a - a * a * a + DB_W2_KAPPA * DB_W2_C * u;
      f[2 * i + 1] = -DB_W2_KAPPA * u;
    }
  return GSL_SUCCESS;
}

/* ------------------------------------------------------------ the grid */

/* D rho coth(rho) / dx^2 +- f / (2 dx): the fitted coefficients toward
   the upper (+) and lower (-) neighbour of one axis, into *UP, *LO.  */
static void
db_w2_axis_coef (double f, double dx, double *up, double *lo)
{
  double d = 0.5 * DB_WELL_SIGMA * DB_WELL_SIGMA, rho = f * dx / (2.0 * d);
  double fit = fabs (rho) < 1e-8 ? 1.0 : rho / tanh (rho);
  *up = d * fit / (dx * dx) + f / (2.0 * dx);
  *lo = d * fit / (dx * dx) - f / (2.0 * dx);
}

/* The coefficients toward E, W, N, S of every node (the reflecting edges
   folded in: a missing neighbour's coefficient goes to the mirrored one),
   and the largest sum of a node's coefficients into *AMAX.  */
static void
db_w2_coefficients (db_w2_grid *g, double *amax)
{
  *amax = 0.0;
  for (size_t j = 0; j < g->ny; j++)
    for (size_t i = 0; i < g->nx; i++)
      {
        size_t k = j * g->nx + i;
        double x[2] = { db_w2_node (g, 0, i), db_w2_node (g, 1, j) }, f[2], *a = g->coef;
        db_w2_drift (0.0, 1, x, f, NULL);
        db_w2_axis_coef (f[0], g->dx, &a[k], &a[g->n + k]);
        db_w2_axis_coef (f[1], g->dy, &a[2 * g->n + k], &a[3 * g->n + k]);
        for (size_t c = 0; c < 4; c += 2)
          {
            size_t idx = c ? j : i, last = (c ? g->ny : g->nx) - 1;
            double *up = &a[c * g->n + k], *lo = &a[(c + 1) * g->n + k];
            if (idx == 0)
              *up += *lo, *lo = 0.0;
            else if (idx == last)
              *lo += *up, *up = 0.0;
          }
        *amax = GSL_MAX (*amax, a[k] + a[g->n + k] + a[2 * g->n + k] + a[3 * g->n + k]);
      }
}

double
db_w2_node (const db_w2_grid *g, int axis, size_t i)
{
  return axis ? -DB_W2_AY + (double) i * g->dy : -DB_W2_AX + (double) i * g->dx;
}

void
db_w2_free (db_w2_grid *g)
{
  if (g == NULL)
    return;
  free (g->coef), free (g->logh), free (g->half);
  free (g);
}

db_w2_grid *
db_w2_alloc (double dx, int keep_drift)
{
  db_w2_grid *g = calloc (1, sizeof *g);
  if (g == NULL)
    GSL_ERROR_NULL ("no memory for the 2-D grid", GSL_ENOMEM);
  g->nx = (size_t) floor (2.0 * DB_W2_AX / dx + 0.5) + 1;
  g->ny = (size_t) floor (2.0 * DB_W2_AY / dx + 0.5) + 1;
  g->n = g->nx * g->ny;
  g->dx = 2.0 * DB_W2_AX / (double) (g->nx - 1);
  g->dy = 2.0 * DB_W2_AY / (double) (g->ny - 1);
  g->coef = malloc (4 * g->n * sizeof *g->coef);
  g->half = malloc (3 * g->n * sizeof *g->half);
  g->logh = keep_drift ? malloc ((DB_W2_KEEP + 1) * g->n * sizeof *g->logh) : NULL;
  if (!(g->coef && g->half && (g->logh || !keep_drift)))
    {
      db_w2_free (g);
      GSL_ERROR_NULL ("no memory for the 2-D grid", GSL_ENOMEM);
    }
  double amax;
  db_w2_coefficients (g, &amax);
  g->stride = (size_t) ceil (DB_WELL_T * amax / (DB_W2_CFL * 2.0 * DB_W2_KEEP));
  g->steps = 2 * DB_W2_KEEP * g->stride;
  g->dt = DB_WELL_T / (double) g->steps;
  return g;
}

/* ------------------------------------------------------------ the steps */

/* The neighbours of node K toward E, W, N, S (the order of the
   coefficients) into NB (4); K itself where the grid ends.  */
static void
db_w2_neighbours (const db_w2_grid *g, size_t k, size_t *nb)
{
  size_t i = k % g->nx, j = k / g->nx;
  nb[0] = i + 1 < g->nx ? k + 1 : k;
  nb[1] = i > 0 ? k - 1 : k;
  nb[2] = j + 1 < g->ny ? k + g->nx : k;
  nb[3] = j > 0 ? k - g->nx : k;
}

/* One backward step H -> OUT: out = h + dt L h.  */
static void
db_w2_back_step (const db_w2_grid *g, const double *h, double *out)
{
  for (size_t k = 0; k < g->n; k++)
    {
      size_t nb[4];
      double lh = 0.0;
      db_w2_neighbours (g, k, nb);
      for (size_t d = 0; d < 4; d++)
        lh += g->coef[d * g->n + k] * (h[nb[d]] - h[k]);
      out[k] = h[k] + g->dt * lh;
    }
}

/* One forward step P -> OUT with the transposed operator: every node
   keeps (1 - dt sum a) of its mass and hands dt a to each neighbour (the
   neighbour toward d receives with its coefficient toward the opposite
   side, d ^ 1), so the mass is conserved and sum p h is the same at
   every level.  */
static void
db_w2_fwd_step (const db_w2_grid *g, const double *p, double *out)
{
  for (size_t k = 0; k < g->n; k++)
    {
      size_t nb[4];
      double in = 0.0, lose = 0.0;
      db_w2_neighbours (g, k, nb);
      for (size_t d = 0; d < 4; d++)
        {
          lose += g->coef[d * g->n + k];
          if (nb[d] != k)
            in += g->coef[(d ^ 1) * g->n + nb[d]] * p[nb[d]];
        }
      out[k] = p[k] + g->dt * (in - lose * p[k]);
    }
}

/* The weights of one axis: the hat of C (EPS = 0), or the cell averages
   of the indicator of [c - eps, c + eps], into W (nodes of the axis).  */
static void
db_w2_axis_weights (const db_w2_grid *g, int axis, double c, double eps, double *w)
{
  size_t m = axis ? g->ny : g->nx;
  double d = axis ? g->dy : g->dx;
  for (size_t i = 0; i < m; i++)
    {
      double x = db_w2_node (g, axis, i);
      if (eps > 0.0)
        w[i] = GSL_MAX (0.0, GSL_MIN (x + 0.5 * d, c + eps)
                                 - GSL_MAX (x - 0.5 * d, c - eps)) / d;
      else
        w[i] = GSL_MAX (0.0, 1.0 - fabs (x - c) / d) / d;
    }
}

/* The product of the axes' weights at C (x, y), window EPS, into H (n).  */
static int
db_w2_point (const db_w2_grid *g, const double *c, double eps, double *h)
{
  double *w = malloc ((g->nx + g->ny) * sizeof *w);
  if (w == NULL)
    GSL_ERROR ("no memory for the end condition", GSL_ENOMEM);
  db_w2_axis_weights (g, 0, c[0], eps, w);
  db_w2_axis_weights (g, 1, c[1], eps, w + g->nx);
  for (size_t k = 0; k < g->n; k++)
    h[k] = w[k % g->nx] * w[g->nx + k / g->nx];
  free (w);
  return GSL_SUCCESS;
}

/* log h floored at DB_W2_REL_FLOOR max h into LH (n), the floor into
   *FLOOR.  */
static void
db_w2_log (const db_w2_grid *g, const double *h, double *lh, double *floor)
{
  double top = 0.0;
  for (size_t k = 0; k < g->n; k++)
    top = GSL_MAX (top, h[k]);
  *floor = log (DB_W2_REL_FLOOR * top);
  for (size_t k = 0; k < g->n; k++)
    lh[k] = GSL_MAX (h[k] > 0.0 ? log (h[k]) : *floor, *floor);
}

/* Backward from T with the end condition of window EPS (0: the point x_T)
   down to level STOP; with KEEP, log h at every stride-th level up to
   T/2 into g->logh.  h at T/2 into HALF.  */
static int
db_w2_backward (db_w2_grid *g, double eps, size_t stop, int keep, double *half)
{
  static const double xt[2] = { DB_WELL_XT, DB_W2_C * DB_WELL_XT };
  double *h = malloc (2 * g->n * sizeof *h), *tmp = h ? h + g->n : NULL;
  int status = h ? db_w2_point (g, xt, eps, h) : GSL_ENOMEM;
  for (size_t lev = g->steps; status == GSL_SUCCESS && lev-- > stop;)
    {
      db_w2_back_step (g, h, tmp);
      double *sw = h;
      h = tmp, tmp = sw;
      if (lev == g->steps / 2)
        memcpy (half, h, g->n * sizeof *h);
      if (keep && lev <= g->steps / 2 && lev % g->stride == 0)
        db_w2_log (g, h, g->logh + (lev / g->stride) * g->n,
                   &g->floor[lev / g->stride]);
    }
  free (h < tmp ? h : tmp);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the backward solve", GSL_ENOMEM);
  return status;
}

/* Forward from x0 at 0 to T/2, p into HALF.  */
static int
db_w2_forward (const db_w2_grid *g, double *half)
{
  static const double x0[2] = { DB_WELL_X0, DB_W2_C * DB_WELL_X0 };
  double *p = malloc (2 * g->n * sizeof *p), *tmp = p ? p + g->n : NULL;
  int status = p ? db_w2_point (g, x0, 0.0, p) : GSL_ENOMEM;
  for (size_t lev = 0; status == GSL_SUCCESS && lev < g->steps / 2; lev++)
    {
      db_w2_fwd_step (g, p, tmp);
      double *sw = p;
      p = tmp, tmp = sw;
    }
  if (status == GSL_SUCCESS)
    memcpy (half, p, g->n * sizeof *p);
  free (p < tmp ? p : tmp);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the forward solve", GSL_ENOMEM);
  return status;
}

int
db_w2_solve (db_w2_grid *g, double eps)
{
  int status = db_w2_backward (g, 0.0, g->logh ? 0 : g->steps / 2, g->logh != NULL,
                               g->half);
  if (status == GSL_SUCCESS && eps > 0.0)
    status = db_w2_backward (g, eps, g->steps / 2, 0, g->half + g->n);
  if (status == GSL_SUCCESS)
    status = db_w2_forward (g, g->half + 2 * g->n);
  return status;
}

/* ---------------------------------------------------------- the moments */

/* q = p h / Z at T/2 (H: the point's h, or the window's with WINDOW) into
   Q (n) when not NULL, its moments into M and Z (for the window: the
   acceptance) into *Z.  */
int
db_w2_conditioned (const db_w2_grid *g, int window, double *q, db_w2_moments *m,
                   double *z)
{
  const double *h = g->half + (window ? g->n : 0), *p = g->half + 2 * g->n;
  double cell = g->dx * g->dy, s = 0.0, mx = 0.0, my = 0.0;
  for (size_t k = 0; k < g->n; k++)
    s += p[k] * h[k] * cell;
  if (!(s > 0.0))
    GSL_ERROR ("the conditioned density has no mass", GSL_EDOM);
  for (size_t k = 0; k < g->n; k++)
    {
      double w = p[k] * h[k] * cell / s;
      mx += w * db_w2_node (g, 0, k % g->nx), my += w * db_w2_node (g, 1, k / g->nx);
      if (q)
        q[k] = w / cell;
    }
  memset (m, 0, sizeof *m);
  m->mean[0] = mx, m->mean[1] = my;
  for (size_t k = 0; k < g->n; k++)
    {
      double w = p[k] * h[k] * cell / s;
      double a = db_w2_node (g, 0, k % g->nx) - mx, b = db_w2_node (g, 1, k / g->nx) - my;
      m->var[0] += w * a * a, m->var[1] += w * b * b, m->cov += w * a * b;
      m->m4[0] += w * a * a * a * a, m->m4[1] += w * b * b * b * b;
      m->m22 += w * a * a * b * b;
    }
  *z = s;
  return GSL_SUCCESS;
}

/* ------------------------------------------------------- the h-drift */

/* The central-difference gradient of the kept log h LH at node (I, J)
   into G (2), one-sided at the edges; 1 when a node it reads is at the
   floor FLOOR (clamped).  */
static int
db_w2_node_grad (const db_w2_grid *g, const double *lh, double floor, size_t i,
                 size_t j, double *gr)
{
  size_t k = j * g->nx + i;
  size_t ie = i + 1 < g->nx ? k + 1 : k, iw = i > 0 ? k - 1 : k;
  size_t jn = j + 1 < g->ny ? k + g->nx : k, js = j > 0 ? k - g->nx : k;
  gr[0] = (lh[ie] - lh[iw]) / ((double) (ie - iw) * g->dx);
  gr[1] = (lh[jn] - lh[js]) / ((double) ((jn - js) / g->nx) * g->dy);
  return lh[ie] <= floor || lh[iw] <= floor || lh[jn] <= floor || lh[js] <= floor;
}

/* The cell of X on AXIS: its lower node into *I0 and the fraction into
   *A; 1 when X is outside the grid (taken at its edge).  */
static int
db_w2_cell (const db_w2_grid *g, int axis, double x, size_t *i0, double *a)
{
  size_t m = axis ? g->ny : g->nx;
  double u = (x - db_w2_node (g, axis, 0)) / (axis ? g->dy : g->dx);
  int out = !(u >= 0.0 && u <= (double) (m - 1));
  u = GSL_MIN (GSL_MAX (u, 0.0), (double) (m - 1));
  *i0 = GSL_MIN ((size_t) u, m - 2);
  *a = u - (double) *i0;
  return out;
}

/* grad log h at (T, X) into GR (2), bilinear in space at the two kept
   levels around T, linear between them; 1 when clamped.  */
static int
db_w2_grad (const db_w2_grid *g, double t, const double *x, double *gr)
{
  double s = t / ((double) g->stride * g->dt), a[2];
  size_t l0 = GSL_MIN ((size_t) GSL_MAX (s, 0.0), DB_W2_KEEP - 1), c[2];
  double th = GSL_MIN (GSL_MAX (s - (double) l0, 0.0), 1.0);
  int clamped = db_w2_cell (g, 0, x[0], &c[0], &a[0]);
  clamped |= db_w2_cell (g, 1, x[1], &c[1], &a[1]);
  gr[0] = gr[1] = 0.0;
  for (size_t l = 0; l < 2; l++)
    for (size_t q = 0; q < 4; q++)
      {
        double nd[2], w = (l ? th : 1.0 - th) * (q & 1 ? a[0] : 1.0 - a[0])
                          * (q & 2 ? a[1] : 1.0 - a[1]);
        clamped |= db_w2_node_grad (g, g->logh + (l0 + l) * g->n, g->floor[l0 + l],
                                    c[0] + (q & 1), c[1] + (q >> 1), nd);
        gr[0] += w * nd[0], gr[1] += w * nd[1];
      }
  return clamped;
}

int
db_w2_htransform_drift (double t, size_t n, const double *x, double *f,
                        void *params)
{
  const db_w2_htransform *ht = params;
  db_w2_drift (t, n, x, f, NULL);
  if (ht->drop_h)
    return GSL_SUCCESS;
  unsigned long count = 0;
  double s2 = DB_WELL_SIGMA * DB_WELL_SIGMA;
  for (size_t i = 0; i < n; i++)
    {
      double gr[2];
      count += (unsigned long) db_w2_grad (ht->g, t, x + 2 * i, gr);
      f[2 * i] += s2 * gr[0], f[2 * i + 1] += s2 * gr[1];
    }
  if (ht->n_clamped && count > 0)
    {
#pragma omp atomic
      *ht->n_clamped += count;
    }
  return GSL_SUCCESS;
}

/* ----------------------------------------------------- the grid study */

/* q at the coarsest level's nodes of a grid refined R times into QC.  */
static void
db_w2_coarse_nodes (const db_w2_grid *g, const double *q, size_t r, size_t ncx,
                    size_t ncy, double *qc)
{
  for (size_t j = 0; j < ncy; j++)
    for (size_t i = 0; i < ncx; i++)
      qc[j * ncx + i] = q[(j * r) * g->nx + i * r];
}

/* q of level L (of N_LEV, spacing 2^(n_lev - 1 - l) dx) at the coarsest
   nodes into QC (NCX x NCY), its moments into M: the level FINE (its q
   QF) for the finest, a grid solved here for the others.  */
static int
db_w2_level (const db_w2_grid *fine, const double *qf, size_t l, size_t n_lev,
             size_t ncx, size_t ncy, double *qc, db_w2_moments *m)
{
  size_t r = (size_t) 1 << (n_lev - 1 - l);
  if (r == 1)
    {
      double z;
      db_w2_coarse_nodes (fine, qf, (fine->nx - 1) / (ncx - 1), ncx, ncy, qc);
      return db_w2_conditioned (fine, 0, NULL, m, &z);
    }
  db_w2_grid *g = db_w2_alloc (fine->dx * (double) r, 0);
  double *q = g ? malloc (g->n * sizeof *q) : NULL, z;
  int status = q ? db_w2_solve (g, 0.0) : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = db_w2_conditioned (g, 0, q, m, &z);
  if (status == GSL_SUCCESS)
    db_w2_coarse_nodes (g, q, (g->nx - 1) / (ncx - 1), ncx, ncy, qc);
  free (q), db_w2_free (g);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for a grid level", GSL_ENOMEM);
  return status;
}

int
db_w2_grid_study (const db_w2_grid *fine, const double *qf, size_t n_lev,
                  db_w2_moments *m, double *order)
{
  size_t r = (size_t) 1 << (n_lev - 1);
  size_t ncx = (fine->nx - 1) / r + 1, ncy = (fine->ny - 1) / r + 1, nc = ncx * ncy;
  double *qc = malloc (2 * nc * sizeof *qc), diff[2] = { NAN, NAN };
  int status = qc ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t l = 0; l < n_lev && status == GSL_SUCCESS; l++)
    {
      double *cur = qc + (l % 2) * nc, *prev = qc + ((l + 1) % 2) * nc;
      double d = 0.0, top = 0.0;
      status = db_w2_level (fine, qf, l, n_lev, ncx, ncy, cur, &m[l]);
      for (size_t k = 0; status == GSL_SUCCESS && l > 0 && k < nc; k++)
        d = GSL_MAX (d, fabs (cur[k] - prev[k])), top = GSL_MAX (top, cur[k]);
      if (l > 0 && l < 3)
        diff[l - 1] = d / top;
    }
  free (qc);
  *order = n_lev >= 3 ? log (diff[0] / diff[1]) / log (2.0) : NAN;
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the grid study", GSL_ENOMEM);
  return status;
}
