/* derivations/doob/h1_well2d.c -- claim H1 (c) in two dimensions: the
 * h-transform of a coupled double well against rejection-conditioned
 * paths (module `doob`, N §Doob's h-transform).
 *
 * The SDE of well2d_grid.c, dX = -grad V(X) dt + sigma dB in R^2 with
 * V = (x^2 - 1)^2/4 + (kappa/2)(y - c x)^2 (a non-separable drift), from
 * x0 = (-1, -c) conditioned on X_T = (1, c), sigma = 0.6, T = 4 as the
 * 1-D well (h1_double_well.c), whose comparison this repeats at T/2:
 * paths of the h-transformed SDE dH = (f + sigma^2 grad log h) dt +
 * sigma dB, h from the 2-D backward Kolmogorov equation on the grid,
 * against the unconditioned paths kept when X_T lies in the square
 * |X_T - x_T|_inf < eps (rejection).  The figures: moment z-scores of the
 * two samples (both means, both variances and the covariance, which the
 * coupling makes non-zero) and an MMD permutation two-sample test of the
 * 2-D laws (HOLDS); the rejection sample's moments against those of its
 * grid law q_eps, the simulated acceptance against the grid's
 * h_eps(0, x0) and the summed systematic errors, each in standard errors
 * of the moment comparison (VALID): the grid error (Richardson's estimate
 * from the spacings dx and 2 dx), the window's bias (the moments of q
 * against those of q_eps on the grid) and the Euler-Maruyama bias of both
 * samplers (each run again with twice the step on the same Brownian
 * paths).
 *
 * Cost.  A square window of half-width 0.1 keeps about 1% of the paths
 * (the grid's acceptance), so the rejection sampler is the cost: its
 * Euler-Maruyama step is T / DB_W2_EM_STEPS = 0.01, twice the 1-D one,
 * which halves it; the Euler-Maruyama bias stays a few hundredths of a
 * standard error (well2_bias_z's share, reported in the progress line).
 * The grid costs about 0.1 s at dx = 0.05 (full) and a few milliseconds
 * at dx = 0.1 (quick), whose grid error stays inside the band at the
 * quick sample sizes.  */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "doob_internal.h"
#include "fc_compare.h"
#include "fc_stats.h"

/* Half-width of the square window.  */
#define DB_W2_EPS 0.1
/* Euler-Maruyama steps over [0, T] of both samplers.  */
#define DB_W2_EM_STEPS 400
/* The family of the part: 11 z-scores (5 moments of the h-transform
   against the rejection sample, 5 of the rejection sample against q_eps,
   the acceptance) at DB_WELL_MC_ALPHA, one two-sample p-value at
   DB_WELL_TS_ALPHA, which 999 permutations can reach (the floor 1/1000 is
   below it).  */
#define DB_W2_NZ 11
#define DB_W2_NPERM 999

/* ---------------------------------------------------------- the moments */

static db_w2_moments
db_w2_sample_moments (size_t n, const double *x)
{
  db_w2_moments m;
  memset (&m, 0, sizeof m);
  for (size_t i = 0; i < n; i++)
    m.mean[0] += x[2 * i] / (double) n, m.mean[1] += x[2 * i + 1] / (double) n;
  for (size_t i = 0; i < n; i++)
    {
      double a = x[2 * i] - m.mean[0], b = x[2 * i + 1] - m.mean[1];
      m.var[0] += a * a, m.var[1] += b * b, m.cov += a * b;
      m.m4[0] += a * a * a * a, m.m4[1] += b * b * b * b, m.m22 += a * a * b * b;
    }
  m.var[0] /= (double) (n - 1), m.var[1] /= (double) (n - 1);
  m.cov /= (double) (n - 1);
  m.m4[0] /= (double) n, m.m4[1] /= (double) n, m.m22 /= (double) n;
  return m;
}

/* The largest |z| of the five moments of A (from NA draws) against B
   (NB draws): means, variances and covariance, each difference over its
   standard error sqrt(Var_a / na + Var_b / nb).  */
static double
db_w2_z (const db_w2_moments *a, const db_w2_moments *b, size_t na, size_t nb)
{
  double fa = 1.0 / (double) na, fb = 1.0 / (double) nb, z = 0.0;
  for (int i = 0; i < 2; i++)
    {
      double sm = sqrt (a->var[i] * fa + b->var[i] * fb);
      double sv = sqrt ((a->m4[i] - a->var[i] * a->var[i]) * fa
                        + (b->m4[i] - b->var[i] * b->var[i]) * fb);
      z = GSL_MAX (z, fabs (a->mean[i] - b->mean[i]) / sm);
      z = GSL_MAX (z, fabs (a->var[i] - b->var[i]) / sv);
    }
  double sc = sqrt ((a->m22 - a->cov * a->cov) * fa + (b->m22 - b->cov * b->cov) * fb);
  return GSL_MAX (z, fabs (a->cov - b->cov) / sc);
}

/* The grid error of the moments at the finest level in standard errors:
   Richardson's extrapolation of the two finest levels M (n_lev) against
   the finest.  */
static double
db_w2_grid_err_z (const db_w2_moments *m, size_t n_lev, size_t na, size_t nb)
{
  const db_w2_moments *c = &m[n_lev - 2], *f = &m[n_lev - 1];
  db_w2_moments ext = *f;
  for (int i = 0; i < 2; i++)
    {
      ext.mean[i] += (f->mean[i] - c->mean[i]) / 3.0;
      ext.var[i] += (f->var[i] - c->var[i]) / 3.0;
    }
  ext.cov += (f->cov - c->cov) / 3.0;
  return db_w2_z (&ext, f, na, nb);
}

/* ------------------------------------------------------------ the run */

typedef struct
{
  size_t n_h, n_u, n_acc, n_two;
  int drop_h, variant;
  double eps, sigma_ref;
  double z, z_ref, p_two, z_acc, accept_grid, grid_err_z, eps_bias_z, em_bias_z;
  double grid_order, clamped_frac;
  double *xh, *xs, *xr;  /* (n_h, 2) at T/2; (2, n_u, 2) at T/2 and T;
                            the accepted at T/2 (n_acc, 2) */
  db_w2_grid *g;
  db_w2_moments q, q_eps;
} db_w2_run;

/* N paths from x0 of SYS over [0, T1] in T1 / T DB_W2_EM_STEPS steps,
   states at the N_SAVE times T_SAVE into X (n_save, n, 2); with PAIR,
   the same paths with twice the step too (in the same pass: db_coupled)
   into X + 2 n_save n.  */
static int
db_w2_simulate (const fc_sde_system *sys, double t1, int pair, unsigned long seed,
                size_t n, size_t n_save, const double *t_save, double *x)
{
  size_t steps[2] = { (size_t) (t1 / DB_WELL_T * DB_W2_EM_STEPS) };
  steps[1] = steps[0] / 2;
  db_coupled c = { sys, 0.0, t1, steps[0], pair ? 2 : 1, steps, n, seed, seed, 0,
                   n_save, t_save, x, NULL };
  double *x0 = malloc (2 * n * sizeof *x0);
  if (x0 == NULL)
    GSL_ERROR ("no memory for the 2-D paths", GSL_ENOMEM);
  for (size_t i = 0; i < n; i++)
    x0[2 * i] = DB_WELL_X0, x0[2 * i + 1] = DB_W2_C * DB_WELL_X0;
  int status = db_coupled_run (&c, x0);
  free (x0);
  return status;
}

/* N paths of the h-transformed SDE to T/2 into X (n, 2) (and with PAIR
   those of twice the step after them).  */
static int
db_w2_sample_h (const db_w2_run *r, int pair, unsigned long seed, size_t n,
                double *x, unsigned long *clamped)
{
  db_w2_htransform ht = { r->g, r->drop_h, clamped };
  fc_sde_system sys = { db_w2_htransform_drift, NULL, DB_WELL_SIGMA, 2, &ht };
  double t_half = 0.5 * DB_WELL_T;
  return db_w2_simulate (&sys, t_half, pair, seed, n, 1, &t_half, x);
}

/* N unconditioned paths (noise r->sigma_ref) to T, states at T/2 and T
   into XS (2, n, 2) (and with PAIR those of twice the step after them).  */
static int
db_w2_sample_paths (const db_w2_run *r, int pair, unsigned long seed, size_t n,
                    double *xs)
{
  fc_sde_system sys = { db_w2_drift, NULL, r->sigma_ref, 2, NULL };
  double t_save[2] = { 0.5 * DB_WELL_T, DB_WELL_T };
  return db_w2_simulate (&sys, DB_WELL_T, pair, seed, n, 2, t_save, xs);
}

/* Path I of XS (2, n, 2) ends in the window.  */
static int
db_w2_accepted (const db_w2_run *r, const double *xs, size_t i)
{
  const double *e = xs + 2 * (r->n_u + i);
  return fabs (e[0] - DB_WELL_XT) < r->eps && fabs (e[1] - DB_W2_C * DB_WELL_XT) < r->eps;
}

/* The T/2 states of the paths accepted by XS and, unless NULL, by OTHER,
   into X (m, 2); returns M.  */
static size_t
db_w2_compact (const db_w2_run *r, const double *xs, const double *other, double *x)
{
  size_t m = 0;
  for (size_t i = 0; i < r->n_u; i++)
    if (db_w2_accepted (r, xs, i) && (other == NULL || db_w2_accepted (r, other, i)))
      x[2 * m] = xs[2 * i], x[2 * m + 1] = xs[2 * i + 1], m++;
  return m;
}

/* The Euler-Maruyama bias of both samplers in standard errors of the
   comparison: the runs with twice the step on the same paths, made beside
   the runs (the rejection sampler over the paths accepted by both).  */
static int
db_w2_em_bias (db_w2_run *r)
{
  const double *xh2 = r->xh + 2 * r->n_h, *xs2 = r->xs + 4 * r->n_u;
  double *xa = malloc (4 * r->n_u * sizeof *xa);
  int status = xa ? GSL_SUCCESS : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    {
      size_t m = db_w2_compact (r, r->xs, xs2, xa);
      db_w2_compact (r, xs2, r->xs, xa + 2 * m);
      db_w2_moments a = db_w2_sample_moments (r->n_h, r->xh);
      db_w2_moments b = db_w2_sample_moments (r->n_h, xh2);
      db_w2_moments c = db_w2_sample_moments (m, xa);
      db_w2_moments d = db_w2_sample_moments (m, xa + 2 * m);
      r->em_bias_z = GSL_MAX (db_w2_z (&a, &b, r->n_h, r->n_acc),
                              db_w2_z (&c, &d, r->n_h, r->n_acc));
    }
  free (xa);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the doubled-step runs", GSL_ENOMEM);
  return status;
}

/* The grid: h of the point (kept for the drift), of the window, p; the
   conditioned moments, the acceptance, the grid error and order.  */
static int
db_w2_run_grid (const db_well2_sizes *sz, db_w2_run *r, db_w2_moments *lev)
{
  r->g = db_w2_alloc (sz->dx, 1);
  double *q = r->g ? malloc (r->g->n * sizeof *q) : NULL, z;
  int status = q ? db_w2_solve (r->g, r->eps) : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = db_w2_conditioned (r->g, 0, q, &r->q, &z);
  if (status == GSL_SUCCESS)
    status = db_w2_conditioned (r->g, 1, NULL, &r->q_eps, &r->accept_grid);
  r->grid_order = NAN;
  if (status == GSL_SUCCESS && db_well_need_bias (r->variant))
    status = db_w2_grid_study (r->g, q, sz->n_lev, lev, &r->grid_order);
  free (q);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the 2-D grid", GSL_ENOMEM);
  return status;
}

/* The samples and the comparisons.  */
static int
db_w2_run_compare (const fc_run_options *opt, const db_well2_sizes *sz,
                   db_w2_run *r, unsigned long *clamped)
{
  int pair = db_well_need_bias (r->variant);
  r->xh = malloc ((pair ? 2 : 1) * 2 * r->n_h * sizeof *r->xh);
  r->xs = malloc ((pair ? 2 : 1) * 4 * r->n_u * sizeof *r->xs);
  r->xr = malloc (2 * r->n_u * sizeof *r->xr);
  if (!(r->xh && r->xs && r->xr))
    GSL_ERROR ("no memory for the 2-D samples", GSL_ENOMEM);
  int status = db_w2_sample_h (r, pair, fc_module_seed (opt, DB_TAG_W2_H), r->n_h,
                               r->xh, clamped);
  if (status == GSL_SUCCESS)
    status = db_w2_sample_paths (r, pair, fc_module_seed (opt, DB_TAG_W2_REJ), r->n_u,
                                 r->xs);
  if (status)
    return status;
  r->n_acc = db_w2_compact (r, r->xs, NULL, r->xr);
  if (r->n_acc < 2)
    GSL_ERROR ("fewer than 2 accepted 2-D paths", GSL_EFAILED);
  db_w2_moments mh = db_w2_sample_moments (r->n_h, r->xh);
  db_w2_moments mr = db_w2_sample_moments (r->n_acc, r->xr);
  r->z = db_w2_z (&mh, &mr, r->n_h, r->n_acc);
  /* The rejection sample against its grid law q_eps (one sample: the
     grid's moments carry no sampling error).  */
  r->z_ref = db_w2_z (&mr, &r->q_eps, r->n_acc, SIZE_MAX);
  r->n_two = GSL_MIN (sz->n_two, GSL_MIN (r->n_h, r->n_acc));
  status = fc_stats_two_sample (2, r->n_two, r->xh, r->n_two, r->xr, DB_W2_NPERM,
                                fc_module_seed (opt, DB_TAG_W2_TEST), NULL, &r->p_two);
  double pa = r->accept_grid;
  r->z_acc = ((double) r->n_acc / (double) r->n_u - pa)
             / sqrt (pa * (1.0 - pa) / (double) r->n_u);
  if (status == GSL_SUCCESS && pair)
    status = db_w2_em_bias (r);
  return status;
}

static int
db_w2_run_all (const fc_run_options *opt, const db_well2_sizes *sz, int variant,
               db_w2_run *r)
{
  memset (r, 0, sizeof *r);
  r->n_h = sz->n_h, r->n_u = sz->n_u;
  r->drop_h = variant == DB_H1_NO_H_TERM;
  r->variant = variant;
  r->em_bias_z = NAN;
  r->eps = DB_W2_EPS * (variant == DB_H1_WIDE_WINDOW ? DB_WELL_WIDE : 1.0);
  r->sigma_ref = DB_WELL_SIGMA
                 * (variant == DB_H1_REFERENCE_NOISE ? DB_WELL_REF_NOISE : 1.0);
  db_w2_moments lev[3];
  unsigned long clamped = 0;
  fc_module_progress (opt, "2-D double well: grid dx = %g (%zu levels), %zu "
                      "h-transform paths, %zu unconditioned paths of %d steps%s",
                      sz->dx, sz->n_lev, sz->n_h, sz->n_u, DB_W2_EM_STEPS,
                      r->drop_h ? " (h-term dropped)" : "");
  int status = db_w2_run_grid (sz, r, lev);
  if (status == GSL_SUCCESS)
    status = db_w2_run_compare (opt, sz, r, &clamped);
  if (status)
    return status;
  r->eps_bias_z = db_w2_z (&r->q, &r->q_eps, r->n_h, r->n_acc);
  r->grid_err_z = db_well_need_bias (variant)
                  ? db_w2_grid_err_z (lev, sz->n_lev, r->n_h, r->n_acc) : NAN;
  r->clamped_frac = (double) clamped / ((db_well_need_bias (variant) ? 1.5 : 1.0)
                                        * (double) r->n_h * (DB_W2_EM_STEPS / 2.0));
  return GSL_SUCCESS;
}

static void
db_w2_run_free (db_w2_run *r)
{
  free (r->xh), free (r->xs), free (r->xr);
  db_w2_free (r->g);
}

/* ------------------------------------------------------------- the part */

/* The figures (as the 1-D well's, db_well_metrics): HOLDS the moment
   z-scores and the two-sample test of the h-transform against the
   rejection sample; VALID the rejection sample's moments against q_eps's,
   the acceptance against the grid's and the summed systematic errors (where measured: db_well_need_bias); reported
   the accepted count and the clamped fraction.  */
static void
db_w2_metrics (fc_verdict *v, const db_w2_run *r, double zb, double pb)
{
  double bias = r->grid_err_z + r->eps_bias_z + r->em_bias_z;
  fc_verdict_decide (v, FC_TEST_HOLDS, "well2_z_max", r->z, zb, r->z <= zb);
  fc_verdict_decide (v, FC_TEST_HOLDS, "well2_two_sample_p", r->p_two, pb,
                     r->p_two >= pb);
  fc_verdict_decide (v, FC_TEST_VALID, "well2_ref_z", r->z_ref, zb, r->z_ref <= zb);
  fc_verdict_decide (v, FC_TEST_VALID, "well2_accept_z", fabs (r->z_acc), zb,
                     fabs (r->z_acc) <= zb);
  if (isfinite (bias))
    fc_verdict_decide (v, FC_TEST_VALID, "well2_bias_z", bias, DB_WELL_BIAS_Z_SUM,
                       bias <= DB_WELL_BIAS_Z_SUM);
  fc_verdict_report (v, "well2_n_accepted", (double) r->n_acc, NAN);
  fc_verdict_report (v, "well2_clamped_frac", r->clamped_frac, NAN);
}

int
db_h1_double_well_2d (const fc_run_options *opt, int variant, fc_verdict *v,
                      char *note)
{
  db_w2_run r;
  int status = db_w2_run_all (opt, &FC_SIZES (db_size_plan, opt)->well2, variant, &r);
  if (status == GSL_SUCCESS)
    {
      double zb = fc_compare_z_band (DB_WELL_MC_ALPHA, DB_W2_NZ);
      db_w2_metrics (v, &r, zb, DB_WELL_TS_ALPHA);
      snprintf (note, DB_NOTE_LEN, "2-D well%s: %zu h vs %zu rejection, |z| <= %.1f, "
                "MMD p %.3f", r.drop_h ? " without h" : "", r.n_h, r.n_acc, r.z,
                r.p_two);
      fc_module_progress (opt, "2-D double well%s: |z| %.2f (band %.2f), two-sample "
                          "p %.3f (%zu per side); rejection vs q_eps |z| %.2f; "
                          "acceptance %.4f, grid %.4f; biases "
                          "grid %.3f, eps %.3f, EM %.3f se; grid order %.2f; "
                          "clamped %.2g", r.drop_h ? " without h" : "", r.z, zb,
                          r.p_two, r.n_two, r.z_ref, (double) r.n_acc / (double) r.n_u,
                          r.accept_grid, r.grid_err_z, r.eps_bias_z, r.em_bias_z,
                          r.grid_order, r.clamped_frac);
    }
  db_w2_run_free (&r);
  return status;
}
