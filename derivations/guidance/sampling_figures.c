/* derivations/guidance/sampling_figures.c -- what G6 stores for the
 * figures guided-samples and guidance-gamma (figures.c renders it): the
 * samples of its first D = 2 configuration, and for each D = 2
 * configuration its block 0 with reconstruction guidance on one window of
 * t only.  Run only when the figures are wanted.  */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "guidance_internal.h"

int
gd_g6_figure_method (const fc_run_options *opt, const gd_setting *set,
                     int panel, size_t k, size_t n, const double *x,
                     double w2_block0)
{
  gd_figures *fig = opt->figures;
  gd_fig_gamma *fg = &fig->gamma[panel];
  if (k == 0)
    fg->exact_block0 = w2_block0;
  else if (k <= GD_G4_NG)
    fg->all[k - 1] = w2_block0;
  for (size_t m = 0; panel == 0 && m < GD_FIG_NMETHODS; m++)
    if (gd_fig_methods[m] == k)
      {
        fig->samples[m] = gd_alloc (n * set->dim);
        if (fig->samples[m] == NULL)
          GSL_ERROR ("no memory for the figure's samples", GSL_ENOMEM);
        memcpy (fig->samples[m], x, n * set->dim * sizeof *x);
        fig->n_samples = n;
      }
  return GSL_SUCCESS;
}

void
gd_g6_figure_keep (const fc_run_options *opt, gd_setting *set, size_t steps)
{
  gd_figures *fig = opt->figures;
  fig->steps = steps;
  fig->a[0] = set->obs->a[0], fig->a[1] = set->obs->a[1];
  fig->y = set->obs->y[0], fig->sigma_y = set->obs->sigma_y;
  fc_gmm_free (fig->post);
  fig->post = set->post, set->post = NULL;
}

/* Block 0 (N points) of the run with reconstruction GAMMA (index G) on
   window K and exact guidance after it, from the exact run's state at the
   window's start in TRAJ ((steps + 1, nt, D)), into X; its W2 against
   block 0's exact sample into *W (+inf when it diverged).  */
static int
gd_g6_window_run (const gd_setting *set, fc_guide_field *exact, size_t g,
                  const size_t *s, size_t k, size_t steps, size_t nt,
                  size_t n, const double *traj, unsigned long seed, double *x,
                  double *w)
{
  fc_guide_field *rec = gd_g6_field (set, 1 + g);
  double t0 = (double) s[k] / (double) steps;
  double t1 = (double) s[k + 1] / (double) steps;
  int status = rec != NULL ? GSL_SUCCESS : GSL_EFAILED;
  if (status == GSL_SUCCESS)
    status = gd_push (fc_guide_field_velocity, rec, t0, t1, s[k + 1] - s[k],
                      set->dim, n, traj + s[k] * nt * set->dim, x, NULL);
  if (status == GSL_SUCCESS && s[k + 1] < steps
      && gd_all_finite (n * set->dim, x))
    status = gd_push (fc_guide_field_velocity, exact, t1, 1.0,
                      steps - s[k + 1], set->dim, n, x, x, NULL);
  fc_guide_field_free (rec);
  if (status == GSL_SUCCESS)
    status = gd_blocks_w2 (set->post, 1, n, x, seed, w);
  return status;
}

/* Every gamma on every window of panel PANEL (whose steps, block size
   are set), from the exact run's trajectory TRAJ of NT points.  The
   boundaries s = 0, K/3, 2K/3, K (integer parts) are step ends, so that
   the windowed runs start from the exact run's state.  After the window,
   exact guidance is evaluated as the posterior path's own velocity
   (FC_GUIDE_EXACT: the same field as u_t + c_t grad log h to round-off,
   S6) at a third of the cost.  */
int
gd_g6_figure_windows (const fc_run_options *opt, const gd_setting *set,
                      int panel, const double *traj, size_t nt,
                      unsigned long seed)
{
  gd_fig_gamma *fg = &((gd_figures *) opt->figures)->gamma[panel];
  double *x = gd_alloc (fg->block_n * set->dim);
  fc_guide_field *exact = fc_guide_field_alloc (
      set->prior, FC_SCHEDULE_LINEAR, set->obs, FC_GUIDE_EXACT, 0.0);
  int status = x && exact ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t k = 0; k <= GD_FIG_NWIN; k++)
    fg->window_step[k] = k * fg->steps / GD_FIG_NWIN;
  for (size_t g = 0; g < GD_G4_NG && status == GSL_SUCCESS; g++)
    for (size_t k = 0; k < GD_FIG_NWIN && status == GSL_SUCCESS; k++)
      status = gd_g6_window_run (set, exact, g, fg->window_step, k, fg->steps,
                                 nt, fg->block_n, traj, seed, x,
                                 &fg->window[g][k]);
  fc_guide_field_free (exact);
  free (x);
  fc_module_progress (opt, "sigma_y %g: the windows of guidance-gamma done",
                      fg->sigma_y);
  return status;
}
