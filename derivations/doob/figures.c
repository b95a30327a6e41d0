/* derivations/doob/figures.c -- the data of module `doob`'s figures,
 * rendered from the record its checks filled (db_figures,
 * doob_internal.h): doob-paths (H2), doob-orders (H3) and doob-double-well
 * (H1).  Nothing is measured here.  */
#include <config.h>

#include <stdio.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "doob_internal.h"

/* doob-paths: one index block per bridge, one row per grid time.  */
static void
db_paths_rows (FILE *out, const void *record)
{
  const db_figures *fig = record;
  fprintf (out, "# setting: %d paths of %d Euler-Maruyama steps, T = 1; BM from "
           "%g to %g, OU from %g to %g (theta = 3.48, mu = 0)\n", DB_PATHS_N,
           DB_PATHS_STEPS, fig->paths[0].x0, fig->paths[0].x_T, fig->paths[1].x0,
           fig->paths[1].x_T);
  for (int k = 0; k < 2; k++)
    {
      const db_paths_block *blk = &fig->paths[k];
      fprintf (out, "%s# block %d: %s bridge, T = 1, x0 = %g, x_T = %g%s; Euler-"
               "Maruyama in %d steps (deterministic last step), the same Brownian "
               "paths for every sigma; xbar the exact deterministic bridge\n",
               k ? "\n\n" : "", k, db_kind_name (k ? FC_BRIDGE_OU : FC_BRIDGE_BM),
               blk->x0, blk->x_T, k ? ", theta = 2 * 1.74, mu = 0" : "",
               DB_PATHS_STEPS);
      for (size_t i = 0; i <= DB_PATHS_STEPS; i++)
        {
          fprintf (out, "%.17g %.17g", blk->t[i], blk->xbar[i]);
          for (size_t a = 0; a < DB_PATHS_NSIG; a++)
            for (size_t p = 0; p < DB_PATHS_N; p++)
              fprintf (out, " %.17g", blk->x[a][i][p]);
          fputc ('\n', out);
        }
    }
}

/* doob-orders: one row per step count, BM and OU side by side.  */
static void
db_orders_rows (FILE *out, const void *record)
{
  const db_figures *fig = record;
  const fc_doob_order_table *t = fig->orders;
  const fc_doob_orders *o = fig->fits;
  fprintf (out, "# H3: Euler-Maruyama on the BM and OU bridges (D = 2, T = %g, sigma "
           "= %g) against %d fine steps on the same Brownian paths; weak = |E|X_h|^2 "
           "- E|X_ref|^2| at T/2 (coupled), strong = RMS |X_h - X_ref| at T/2,\n"
           "# endpoint = RMS |X_h(T) - x_T| (plain), endpoint_det = max |X_h(T) - x_T| "
           "(deterministic last step), weak_exact = the scheme's moment recursion vs "
           "the exact moment\n"
           "# fitted orders BM: weak %.4f strong %.4f endpoint %.4f; OU: weak %.4f "
           "strong %.4f endpoint %.4f endpoint_det %.4f\n"
           "# setting: D = 2, T = %g, sigma = %g, %zu paths, reference %d steps on the "
           "same Brownian paths\n",
           FC_DOOB_T, FC_DOOB_SIGMA, DB_H3_FINE, o[0].weak, o[0].strong, o[0].end, o[1].weak,
           o[1].strong, o[1].end, o[1].det, FC_DOOB_T, FC_DOOB_SIGMA, fig->orders_n,
           DB_H3_FINE);
  for (size_t k = 0; k < t[0].n_h; k++)
    fprintf (out, "%.17g %g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g\n",
             t[0].h[k], t[0].steps[k], t[0].weak[k], t[0].strong[k], t[0].endpoint[k],
             t[0].endpoint_det[k], t[1].weak[k], t[1].strong[k], t[1].endpoint[k],
             t[1].endpoint_det[k], t[0].weak_exact[k], t[1].weak_exact[k]);
}

/* doob-double-well: one row per bin, the five columns of each time.  */
static void
db_double_well_rows (FILE *out, const void *record)
{
  const db_figures *fig = record;
  const fc_doob_well_result *r = &fig->well_res;
  double w = 2.0 * DB_WELL_FIG_BOX / DB_WELL_FIG_BINS;
  fprintf (out, "# claim H1 (c): dX = (X - X^3) dt + %g dB, X_0 = %g, conditioned "
           "on X_T = %g, T = %g; t = T/2 and 3T/4\n"
           "# hist_h: %zu paths of the h-transformed SDE (drift f + sigma^2 "
           "d_x log h, h from the backward Kolmogorov equation, dx = %g, dt = %g); "
           "hist_rej: the %zu of %zu unconditioned paths with |X_T - x_T| < %g; "
           "Euler-Maruyama step %g\n"
           "# q: exact-grid conditioned density p h / h(0, x0) (point "
           "conditioning), q_eps: the same for the window, p: unconditioned "
           "density; all bin averages; bin width %g\n"
           "# sizes: %zu h-transform paths against the %zu of %zu unconditioned "
           "paths accepted (eps = %g)\n"
           "# measured: Kolmogorov-Smirnov p %.3f, chi-square p %.3g (h) %.3g "
           "(rejection), |z| <= %.2f, grid order %.2f\n",
           DB_WELL_SIGMA, DB_WELL_X0, DB_WELL_XT, DB_WELL_T, r->n_h,
           (DB_WELL_B - DB_WELL_A) / (DB_WELL_NX - 1), DB_WELL_T / DB_WELL_STEPS,
           r->n_acc, r->n_u, FC_DOOB_WELL_EPS, DB_WELL_T / DB_WELL_EM_STEPS, w,
           r->n_h, r->n_acc, r->n_u, FC_DOOB_WELL_EPS, r->p_two, r->p_chi_h, r->p_chi_ref, GSL_MAX (r->z_mean, r->z_var),
           r->grid_order);
  for (size_t i = 0; i < DB_WELL_FIG_BINS; i++)
    {
      fprintf (out, "%.17g", -DB_WELL_FIG_BOX + ((double) i + 0.5) * w);
      for (size_t c = 0; c < FC_DOOB_WELL_NT * DB_WELL_FIG_COLS; c++)
        fprintf (out, " %.17g", fig->well[c][i]);
      fputc ('\n', out);
    }
}

/* The data files, their columns and their rows.  */
static const fc_figure_datafile db_figure_files[] = {
  { "doob-paths.dat",
    "t xbar s1_p1 s1_p2 s1_p3 s0.3_p1 s0.3_p2 s0.3_p3 s0.1_p1 s0.1_p2 s0.1_p3",
    db_paths_rows },
  { "doob-orders.dat",
    "h steps weak_bm strong_bm endpoint_bm endpoint_det_bm weak_ou strong_ou "
    "endpoint_ou endpoint_det_ou weak_exact_bm weak_exact_ou",
    db_orders_rows },
  { "doob-double-well.dat",
    "x hist_h_T2 hist_rej_T2 q_T2 q_eps_T2 p_T2 hist_h_3T4 hist_rej_3T4 q_3T4 "
    "q_eps_3T4 p_3T4",
    db_double_well_rows },
};

int
db_write_figures (const fc_run_options *opt, const void *record)
{
  const db_figures *fig = record;
  if (!(fig->paths_done && fig->orders_done && fig->well_done))
    GSL_ERROR ("the figure record misses a check's data (run the module whole)",
               GSL_EINVAL);
  return fc_module_write_datafiles (opt, db_figure_files,
                                    FC_COUNT (db_figure_files), fig);
}
