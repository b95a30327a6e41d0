/* derivations/barycentric/figures.c -- the data of the figures
 * simplex-paths, path-cost (B6) and block-schedule (B8), rendered from
 * what the checks measured (the record bc_figure_record) or, through the
 * same writers of barycentric.h, from experiments/learned-path's study.
 *
 * Nothing is learned, optimised or integrated here.  The one computation
 * is the heat map of simplex-paths, an illustration no check measures: the
 * closed-form integrand of a unit-speed straight move over a grid of the
 * simplex (61 x 61 points: 7 ms, 0.1% of `flowcheck run barycentric`).  */
#include <config.h>

#include <math.h>
#include <stdio.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "barycentric_internal.h"
#include "fc_pathcost.h"

#define BC_NK FC_BARYCENTRIC_N_VERTICES

/* Rows of the path and schedule curves: t or s on a grid of 101 points. */
#define BC_FIG_NT 101

/* ---------------------------------------------------------- path-cost */

/* One index block per path problem: iteration 0 the straight path (start
   -1), then the Nelder-Mead iterations of every run in turn (counted over
   all runs, start = the run), the best objective so far including the
   straight path (so never above it), the straight path's objective on the
   same draws, the lower bound and the start.
   Its header says what the curves are and what the check measured:
   "# index": the problem, its bound and the share of the gap closed;
   "# curves": what the objective is; "# check": the costs B6 judged;
   "# points": the same as four numbers (C_straight, its standard error,
   C_learned, its standard error; 0 for closed forms), drawn as points.
   A closed-form problem's objective is the check's own measure (closed
   form in x, adaptive quadrature in t), so the curves end on the checked
   costs.  The Monte Carlo problem's objective is a mean over its few
   fitting draws with the fitting rule in t; the check measures both
   paths again on independent draws with the fine rule, so its points lie
   off the curves, and the header says by how much.  */
static void
bc_fig_trace_header (FILE *out, size_t id, const fc_barycentric_path *r)
{
  double last = r->n_trace > 0 ? r->trace[r->n_trace - 1] : r->straight_fit;
  fprintf (out, "%s# index %zu: %s (%s): %s %.6g, gap closed %.4f\n",
           id ? "\n\n" : "", id, r->name,
           r->mc ? "Monte Carlo" : "closed form",
           r->mc ? "Gelbrich bound" : "W2^2", r->bound,
           fc_barycentric_gap_closed (r));
  if (r->mc)
    {
      fprintf (out, "# curves %zu: the objective on %zu fitting draws, %zu "
               "t nodes: %.5g -> %.5g\n", id, r->n_fit, r->n_fit_nodes,
               r->straight_fit, last);
      fprintf (out, "# check %zu: %zu independent draws, %zu t nodes: %.5g "
               "-> %.5g, difference %.3g +- %.2g (paired se)\n", id,
               r->n_eval, r->n_eval_nodes, r->straight, r->learned, r->diff,
               r->diff_err);
    }
  else
    {
      fprintf (out, "# curves %zu: C in closed form (adaptive quadrature in "
               "t), the check's own measure\n", id);
      fprintf (out, "# check %zu: C(straight) %.6g, C(learned) %.6g\n", id,
               r->straight, r->learned);
    }
  fprintf (out, "# points %zu: %.17g %.17g %.17g %.17g\n", id, r->straight,
           r->mc ? r->err_straight : 0.0, r->learned,
           r->mc ? r->err_learned : 0.0);
}

static void
bc_fig_trace (FILE *out, size_t id, const fc_barycentric_path *r)
{
  bc_fig_trace_header (out, id, r);
  fprintf (out, "0 %.17g %.17g %.17g -1\n", r->straight_fit, r->straight_fit,
           r->bound);
  for (size_t i = 0; i < r->n_trace; i++)
    fprintf (out, "%zu %.17g %.17g %.17g %d\n", i + 1, r->trace[i],
             r->straight_fit, r->bound, r->trace_start[i]);
}

int
fc_barycentric_write_path_cost (const fc_run_options *opt,
                                const fc_barycentric_path *paths)
{
  fc_datafile *f = fc_module_datafile (opt, "path-cost.dat",
                                       "iteration cost straight_cost "
                                       "lower_bound start");
  if (f == NULL)
    return GSL_EFAILED;
  for (size_t id = 0; id < FC_BARYCENTRIC_N_PATH_PROBLEMS; id++)
    bc_fig_trace (fc_datafile_stream (f), id, &paths[id]);
  return fc_module_commit (f, GSL_SUCCESS);
}

/* ------------------------------------------------------- simplex-paths */

/* The heat map: over the simplex of the 2-D Gaussian triple,
   E_{rho(alpha)} ||g_to - g_from||^2 = E||b||^2 for alpha' = e_to - e_from,
   the integrand of a unit-speed move in the straight direction (closed
   form, fc_interp_gaussian_speed2).  Grid: alpha_h = v, alpha_to =
   u (1 - v), alpha_from = (1 - u)(1 - v), u, v on BC_FIG_GRID + 1 points,
   one scan per v (a pm3d grid collapsing onto the helper's vertex).  */
#define BC_FIG_GRID 60

static int
bc_fig_heat (FILE *out, const fc_interp *ip)
{
  double dir[BC_NK] = { 0 };
  dir[BC_FROM] = -1.0, dir[BC_TO] = 1.0;
  fprintf (out, "# index 0: heat map, columns a_from a_to a_helper "
           "E||g_to - g_from||^2\n");
  for (size_t iv = 0; iv <= BC_FIG_GRID; iv++)
    {
      for (size_t iu = 0; iu <= BC_FIG_GRID; iu++)
        {
          double u = (double) iu / BC_FIG_GRID, w = (double) iv / BC_FIG_GRID;
          double a[BC_NK], s2;
          a[BC_HELPER] = w, a[BC_TO] = u * (1.0 - w);
          a[BC_FROM] = (1.0 - u) * (1.0 - w);
          int status = fc_interp_gaussian_speed2 (ip, a, dir, &s2);
          if (status)
            return status;
          fprintf (out, "%.17g %.17g %.17g %.17g\n", a[BC_FROM], a[BC_TO],
                   a[BC_HELPER], s2);
        }
      fputc ('\n', out);
    }
  return GSL_SUCCESS;
}

static int
bc_fig_path (FILE *out, const fc_simplex_path *p, const double *theta,
             const char *what)
{
  fprintf (out, "\n\n# index: %s path, columns a_from a_to a_helper t\n", what);
  for (size_t i = 0; i < BC_FIG_NT; i++)
    {
      double t = (double) i / (BC_FIG_NT - 1), a[BC_NK];
      int status = fc_simplex_path_eval (p, theta, t, a, NULL);
      if (status)
        return status;
      fprintf (out, "%.17g %.17g %.17g %.17g\n", a[BC_FROM], a[BC_TO],
               a[BC_HELPER], t);
    }
  return GSL_SUCCESS;
}

int
fc_barycentric_write_simplex_paths (const fc_run_options *opt,
                                    const fc_barycentric_path *paths)
{
  const fc_barycentric_path *r = &paths[BC_P_GAUSS2D];
  fc_interp *ip = bc_path_problem_alloc (BC_P_GAUSS2D);
  if (ip == NULL)
    return GSL_EFAILED;
  fc_datafile *f = fc_module_datafile (opt, "simplex-paths.dat",
                                       "a_from a_to a_helper value");
  if (f == NULL)
    {
      fc_interp_free (ip);
      return GSL_EFAILED;
    }
  FILE *out = fc_datafile_stream (f);
  fprintf (out, "# problem %s (2-D Gaussians, helper N(mid, %g I)): "
           "C_straight %.6g C_learned %.6g W2^2 %.6g gap_closed %.4f\n",
           r->name, BC_WIDE_VAR, r->straight, r->learned, r->bound,
           fc_barycentric_gap_closed (r));
  fc_simplex_path p = { BC_NK, BC_FROM, BC_TO, r->n_modes };
  int status = bc_fig_heat (out, ip);
  if (status == GSL_SUCCESS)
    status = bc_fig_path (out, &p, NULL, "1: straight");
  if (status == GSL_SUCCESS)
    status = bc_fig_path (out, &p, r->theta, "2: learned");
  fc_interp_free (ip);
  return fc_module_commit (f, status);
}

/* ------------------------------------------------------ block-schedule */

/* The law of block K (0: a, 1: b) of the B8 data with blocks of dimension
   DB: "N((m1, m2), diag(s1^2, s2^2))", or "N(m, s^2)" when DB is 1.  */
static void
bc_fig_block_law (FILE *out, size_t db, const double *mean, const double *cov,
                  size_t k)
{
  size_t dim = 2 * db;
  fputs (db == 1 ? "N(" : "N((", out);
  for (size_t i = k * db; i < (k + 1) * db; i++)
    fprintf (out, "%s%g", i > k * db ? ", " : "", mean[i]);
  fputs (db == 1 ? ", " : "), diag(", out);
  for (size_t i = k * db; i < (k + 1) * db; i++)
    fprintf (out, "%s%g^2", i > k * db ? ", " : "", sqrt (cov[i * dim + i]));
  fputs (db == 1 ? ")" : "))", out);
}

int
fc_barycentric_write_block_schedule (const fc_run_options *opt,
                                     const fc_barycentric_schedule *s)
{
  if (s->dim_block == 0 || 2 * s->dim_block > BC_B8_DMAX)
    GSL_ERROR ("block-schedule: blocks of dimension 1 or 2", GSL_EINVAL);
  double mean[BC_B8_DMAX], cov[BC_B8_DMAX * BC_B8_DMAX];
  bc_b8_data (s->dim_block, mean, cov, 0);
  fc_datafile *f = fc_module_datafile (opt, "block-schedule.dat",
                                       "s t_a t_b diagonal");
  if (f == NULL)
    return GSL_EFAILED;
  FILE *out = fc_datafile_stream (f);
  fprintf (out, "# two blocks of dimension %zu: x1^a ~ ", s->dim_block);
  bc_fig_block_law (out, s->dim_block, mean, cov, 0);
  fputs (", x1^b ~ ", out);
  bc_fig_block_law (out, s->dim_block, mean, cov, 1);
  fprintf (out, ", correlation %g%s; cost diagonal %.6g learned %.6g "
           "W2^2 %.6g\n", BC_B8_RHO,
           s->dim_block > 1 ? " between their first coordinates" : "",
           s->diagonal, s->learned, s->bound);
  int status = GSL_SUCCESS;
  for (size_t i = 0; status == GSL_SUCCESS && i < BC_FIG_NT; i++)
    {
      double t = (double) i / (BC_FIG_NT - 1), ta, tb;
      status = fc_time_map_eval (s->n_modes, s->a, t, &ta, NULL);
      if (status == GSL_SUCCESS)
        status = fc_time_map_eval (s->n_modes, s->a + s->n_modes, t, &tb, NULL);
      fprintf (out, "%.17g %.17g %.17g %.17g\n", t, ta, tb, t);
    }
  return fc_module_commit (f, status);
}

/* ------------------------------------------------------------ the record */

int
bc_write_figures (const fc_run_options *opt, const void *record)
{
  const bc_figure_record *rec = record;
  if (!rec->have_paths || !rec->have_schedule)
    GSL_ERROR ("B6 and B8 have not filled the figure record", GSL_EFAILED);
  int status = fc_barycentric_write_simplex_paths (opt, rec->paths);
  if (status == GSL_SUCCESS)
    status = fc_barycentric_write_block_schedule (opt, &rec->schedule);
  if (status == GSL_SUCCESS)
    status = fc_barycentric_write_path_cost (opt, rec->paths);
  return status;
}

void
bc_free_figures (void *record)
{
  bc_figure_record *rec = record;
  for (size_t id = 0; id < FC_BARYCENTRIC_N_PATH_PROBLEMS; id++)
    fc_barycentric_path_free (&rec->paths[id]);
}
