/* derivations/score/figures.c -- the figure data of module `score`,
 * rendered from what the checks measured (score_internal.h, sc_figures):
 *
 *   score-sde-marginals.dat  S3: histograms of Euler-Maruyama samples of
 *                            the reversed SDE from the 1-D mixture at
 *                            r = 0.25, 0.5, 0.75, beside the exact p_r at
 *                            the bin centres (plots/score-sde-marginals.gp).
 *
 * Nothing is measured here.  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "score_internal.h"

/* The comment lines of score-sde-marginals.dat: the SDE, the data, the
   grid and the binning.  */
static void
sc_fig_header (FILE *out, const sc_figures *fig)
{
  double w = 2.0 * fig->box / (double) fig->n_bins;
  fprintf (out, "# claim S3: dx = -x/(1-r) dr + sqrt(2r/(1-r)) dw from the 1-D "
           "mixture 0.5 N(-1.5, 0.09) + 0.3 N(0.6, 0.25) + 0.2 N(2.2, 0.04) at r = 0; "
           "r is the note's t (reversed convention: data at 0, noise at 1)\n"
           "# Euler-Maruyama, %zu steps over [0, %g], %zu particles; exact_r* = "
           "p_r(x) at the bin centre x; hist_r* = histogram density, bin width "
           "%.6g; %zu of %zu samples outside [%g, %g]\n",
           fig->steps, fig->t1, fig->n, w, fig->outside, SC_NT * fig->n,
           -fig->box, fig->box);
}

/* One row per bin: x, the exact p_r, the histogram densities.  */
static void
sc_fig_rows (FILE *out, const sc_figures *fig)
{
  for (size_t b = 0; b < fig->n_bins; b++)
    {
      const double *e = &fig->exact[b * SC_NT], *h = &fig->hist[b * SC_NT];
      fprintf (out, "%.17g %.17g %.17g %.17g %.17g %.17g %.17g\n",
               sc_figure_bin_centre (fig, b), e[0], e[1], e[2], h[0], h[1],
               h[2]);
    }
}

int
sc_write_figures (const fc_run_options *opt, const void *record)
{
  const sc_figures *fig = record;
  if (!fig->filled)
    GSL_ERROR ("S3 stored no figure data (run the module whole)", GSL_EINVAL);
  fc_datafile *f = fc_module_datafile (opt, "score-sde-marginals.dat",
                                       "x exact_r0.25 exact_r0.5 exact_r0.75 "
                                       "hist_r0.25 hist_r0.5 hist_r0.75");
  if (f == NULL)
    return GSL_EFAILED;
  sc_fig_header (fc_datafile_stream (f), fig);
  sc_fig_rows (fc_datafile_stream (f), fig);
  return fc_module_commit (f, GSL_SUCCESS);
}

void
sc_free_figures (void *record)
{
  sc_figures *fig = record;
  free (fig->hist);
  free (fig->exact);
  fig->hist = fig->exact = NULL;
}
