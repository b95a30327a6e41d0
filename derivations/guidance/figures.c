/* derivations/guidance/figures.c -- the data of module guidance's figures,
 * rendered from what the checks stored (gd_figures): nothing here is
 * measured again.
 *
 *   guidance-residual.dat  rel(h) of the exact guided field, G1 (c = 1,
 *                          best c) and G2 (note's, corrected, linear)
 *   guided-samples.dat     G6's runs at sigma_y = 0.1 over the exact
 *                          posterior density (evaluated on a grid here)
 *   guidance-gamma.dat     G6's reconstruction runs on windows of t  */
#include <config.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_io.h"
#include "guidance_internal.h"

/* The methods drawn in guided-samples: exact guidance, reconstruction
   gamma 0 and gamma 1, the Tweedie covariance (G6's method table).  */
const size_t gd_fig_methods[GD_FIG_NMETHODS] = { 0, 1, 4, GD_G6_NM - 1 };

/* The box of guided-samples: the prior's modes lie 2.83 from the origin,
   with standard deviation 0.35.  */
#define GD_FIG_BOX 4.0

/* The data file NAME with COLUMNS (fc_module_datafile) and a comment line
   from FMT after its header; NULL on failure.  */
static fc_datafile *
gd_figure_file (const fc_run_options *opt, const char *name,
                const char *columns, const char *fmt, ...)
  __attribute__ ((format (printf, 4, 5)));

static fc_datafile *
gd_figure_file (const fc_run_options *opt, const char *name,
                const char *columns, const char *fmt, ...)
{
  fc_datafile *f = fc_module_datafile (opt, name, columns);
  if (f == NULL)
    return NULL;
  va_list ap;
  va_start (ap, fmt);
  vfprintf (fc_datafile_stream (f), fmt, ap);
  va_end (ap);
  return f;
}

/* ------------------------------------------------- guidance-residual */

static int
gd_write_residual (const fc_run_options *opt, const gd_figures *fig)
{
  fc_datafile *f = gd_figure_file (opt, "guidance-residual.dat",
                                   "h rel_S6_exact_split rel_G1_c1 "
                                   "rel_G1_best_c rel_G2_note "
                                   "rel_G2_corrected",
                                   "# reference case of G1, G2: 8gaussians "
                                   "prior, y = A x1 + N(0, %g^2), m = 1, "
                                   "linear schedule; %zu points from p_t(x|y) "
                                   "at t = 0.25, 0.5, 0.8; fitted orders:",
                                   GD_SIGMA_Y,
                                   FC_SIZES (gd_sizes_plan, opt)->n_points);
  if (f == NULL)
    return GSL_EFAILED;
  const fc_order_study *st[5] = { &fig->exact_field, &fig->unit, &fig->best,
                                  &fig->note, &fig->corrected };
  FILE *out = fc_datafile_stream (f);
  for (size_t i = 0; i < 5; i++)
    fprintf (out, " %.4f", st[i]->order);
  fputc ('\n', out);
  for (size_t k = 0; k < GD_NH; k++)
    {
      fprintf (out, "%.17g", st[0]->h[k]);
      for (size_t i = 0; i < 5; i++)
        fprintf (out, " %.17g", st[i]->rel[k]);
      fputc ('\n', out);
    }
  return fc_module_commit (f, GSL_SUCCESS);
}

/* ---------------------------------------------------- guided-samples */

/* Index 0: the exact posterior density POST on an NG x NG grid of the box
   (x y p, a blank line per scan row).  */
static int
gd_write_density (FILE *out, const fc_gmm *post, size_t ng)
{
  double *x = gd_alloc (ng * ng * GD_FIG_DIM), *lp = gd_alloc (ng * ng);
  int status = x && lp ? GSL_SUCCESS : GSL_ENOMEM;
  double step = 2.0 * GD_FIG_BOX / (double) (ng - 1);
  for (size_t i = 0; status == GSL_SUCCESS && i < ng * ng; i++)
    {
      x[2 * i] = -GD_FIG_BOX + (double) (i / ng) * step;
      x[2 * i + 1] = -GD_FIG_BOX + (double) (i % ng) * step;
    }
  if (status == GSL_SUCCESS)
    status = fc_gmm_log_density (post, ng * ng, x, lp);
  fprintf (out, "# exact posterior density\n");
  for (size_t i = 0; status == GSL_SUCCESS && i < ng * ng; i++)
    fprintf (out, "%.17g %.17g %.17g\n%s", x[2 * i], x[2 * i + 1], exp (lp[i]),
             (i + 1) % ng == 0 ? "\n" : "");
  free (x), free (lp);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the density grid", GSL_ENOMEM);
  return status;
}

/* One index block: the N samples X of method K (a diverged run: none). */
static void
gd_write_sample_block (FILE *out, size_t k, size_t n, const double *x)
{
  fprintf (out, "\n\n# %s\n", gd_g6_method_label (k));
  if (!gd_all_finite (n * GD_FIG_DIM, x))
    {
      fprintf (out, "# diverged: no samples\nNaN NaN\n");
      return;
    }
  for (size_t i = 0; i < n; i++)
    fprintf (out, "%.17g %.17g\n", x[2 * i], x[2 * i + 1]);
}

/* The segment of a1 x + a2 y = y0 inside the box (A's row has unit length:
   the foot of the perpendicular plus and minus the box's diagonal).  */
static void
gd_write_line (FILE *out, const double *a, double y)
{
  double px = a[0] * y, py = a[1] * y, l = 2.0 * M_SQRT2 * GD_FIG_BOX;
  fprintf (out, "\n\n# the observation line A x = y\n%.17g %.17g\n%.17g %.17g\n",
           px - l * a[1], py + l * a[0], px + l * a[1], py - l * a[0]);
}

static int
gd_write_samples (const fc_run_options *opt, const gd_figures *fig)
{
  const gd_sizes *sz = FC_SIZES (gd_sizes_plan, opt);
  fc_datafile *f = gd_figure_file (
      opt, "guided-samples.dat", "x y [p]",
      "# G6's runs, block 0: 8gaussians prior, A = (%.6g, %.6g), y = %.6g, "
      "sigma_y = %g; RK4 %zu steps, %zu draws of N(0, I); index 0 density, 1 "
      "exact guidance, 2 reconstruction gamma 0, 3 gamma 1, 4 tweedie, 5 line\n"
      "# figure: n = %zu draws per method, y = A x1 + N(0, %g^2), A = (%.3f, "
      "%.3f), y = %.3f, RK4 %zu steps from t = 0\n",
      fig->a[0], fig->a[1], fig->y, fig->sigma_y, fig->steps, fig->n_samples,
      fig->n_samples, fig->sigma_y, fig->a[0], fig->a[1], fig->y, fig->steps);
  if (f == NULL)
    return GSL_EFAILED;
  FILE *out = fc_datafile_stream (f);
  int status = gd_write_density (out, fig->post, sz->fig_grid);
  for (size_t m = 0; m < GD_FIG_NMETHODS && status == GSL_SUCCESS; m++)
    gd_write_sample_block (out, gd_fig_methods[m], fig->n_samples,
                           fig->samples[m]);
  if (status == GSL_SUCCESS)
    gd_write_line (out, fig->a, fig->y);
  return fc_module_commit (f, status);
}

/* ---------------------------------------------------- guidance-gamma */

/* W as written: a diverged run (W2 = inf) is NaN, which gnuplot skips. */
static double
gd_finite_or_nan (double w)
{
  return gsl_finite (w) ? w : NAN;
}

static void
gd_write_gamma_block (FILE *out, size_t is, const gd_fig_gamma *g)
{
  const size_t *s = g->window_step;
  fprintf (out, "%s# sigma_y = %g: RK4 %zu steps, windows steps %zu-%zu, "
           "%zu-%zu, %zu-%zu; block 0 of %zu particles; exact level over %zu "
           "blocks\n", is > 0 ? "\n\n" : "", g->sigma_y, g->steps, s[0], s[1],
           s[1], s[2], s[2], s[3], g->block_n, g->nrep);
  for (size_t k = 0; k < GD_G4_NG; k++)
    {
      fprintf (out, "%g %g", g->sigma_y, gd_g4_gammas[k]);
      for (size_t w = 0; w < GD_FIG_NWIN; w++)
        fprintf (out, " %.17g", gd_finite_or_nan (g->window[k][w]));
      fprintf (out, " %.17g %.17g %.17g %.17g %.17g %.17g %.17g\n",
               gd_finite_or_nan (g->all[k]), g->exact_mean, g->exact_sd,
               g->noise_mean, g->noise_sd, g->exact_block0, g->band);
    }
}

static int
gd_write_gamma (const fc_run_options *opt, const gd_figures *fig)
{
  fc_datafile *f = gd_figure_file (
      opt, "guidance-gamma.dat",
      "sigma_y gamma w2_window_0_1/3 w2_window_1/3_2/3 w2_window_2/3_1 "
      "w2_all w2_exact_mean w2_exact_sd w2_noise_mean w2_noise_sd "
      "w2_exact_same_start band",
      "# G6's D = 2 runs (8gaussians, m = 1): reconstruction guidance on the "
      "window only, exact guidance elsewhere, and on all of [0, 1]; block 0 "
      "(sliced W2 to its exact posterior sample, the first of "
      "w2_exact_same_start); exact level over G6's blocks and its band; one "
      "index block per sigma_y; NaN = diverged\n");
  if (f == NULL)
    return GSL_EFAILED;
  for (size_t is = 0; is < GD_FIG_NS; is++)
    gd_write_gamma_block (fc_datafile_stream (f), is, &fig->gamma[is]);
  return fc_module_commit (f, GSL_SUCCESS);
}

/* ------------------------------------------------------------ module */

int
gd_write_figures (const fc_run_options *opt, const void *record)
{
  const gd_figures *fig = record;
  if (!fig->have_g1 || !fig->have_g2 || !fig->have_gamma || fig->post == NULL)
    GSL_ERROR ("figure record incomplete: G1, G2 and G6 must run first",
               GSL_EINVAL);
  int status = gd_write_residual (opt, fig);
  if (status == GSL_SUCCESS)
    status = gd_write_samples (opt, fig);
  if (status == GSL_SUCCESS)
    status = gd_write_gamma (opt, fig);
  return status;
}

void
gd_free_figures (void *record)
{
  gd_figures *fig = record;
  fc_gmm_free (fig->post);
  for (size_t m = 0; m < GD_FIG_NMETHODS; m++)
    free (fig->samples[m]);
}
