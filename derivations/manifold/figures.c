/* derivations/manifold/figures.c -- the data of module `manifold`'s
 * figures, rendered from the record its checks filled (mf_figures,
 * manifold_internal.h): so3-sign (M2) and so3-schedules (M3).  Nothing is
 * measured here.  */
#include <config.h>

#include <stdio.h>

#include <gsl/gsl_errno.h>

#include "manifold_internal.h"

/* so3-sign: one row per geodesic Euler step.  */
static void
mf_sign_rows (FILE *out, const void *record)
{
  const mf_figures *fig = record;
  fprintf (out, "# setting: one path from d(x0, x1hat) = %.4f, %d geodesic Euler "
           "steps x <- x exp(h b), b = -+ log(x^T x1hat)/(1-t)\n", fig->sign_d0,
           MF_SIGN_STEPS);
  for (size_t k = 0; k <= MF_SIGN_STEPS; k++)
    fprintf (out, "%.17g %.17g %.17g\n", fig->sign_t[k], fig->sign_note[k],
             fig->sign_fixed[k]);
}

/* so3-schedules.dat: d(x_t, x1)/d0 on the closed-form curve and under
   geodesic Euler, one row per time.  */
static void
mf_sched_rows (FILE *out, const void *record)
{
  const mf_figures *fig = record;
  fprintf (out, "# setting: one Haar pair (x0, x1); closed form exp_{x1}(kappa "
           "log_{x1}(x0)); geodesic Euler of u = -(d log kappa/dt) log_x(x1) in "
           "%d steps\n", MF_SCHED_NT - 1);
  for (size_t q = 0; q < MF_SCHED_NT; q++)
    {
      fprintf (out, "%.17g", fig->sched_t[q]);
      for (int j = 0; j <= MF_NC; j++)
        fprintf (out, " %.17g %.17g", fig->sched_ratio[j][q],
                 fig->sched_euler[j][q]);
      fputc ('\n', out);
    }
}

/* so3-orders.dat: the end-point error of geodesic Euler per step.  */
static void
mf_order_rows (FILE *out, const void *record)
{
  const mf_figures *fig = record;
  fprintf (out, "# setting: kappa = exp(-c t), geodesic Euler end point against "
           "exp_{x1}(e^{-c} log_{x1}(x0)), max over paths of d/d0; fitted orders "
           "c = 5: %.4f, c = 10: %.4f\n", fig->order_fit[0], fig->order_fit[1]);
  for (size_t l = 0; l < MF_NLADDER; l++)
    fprintf (out, "%.17g %zu %.17g %.17g\n", fig->order_h[l], mf_ladder[l],
             fig->order_err[0][l], fig->order_err[1][l]);
}

/* so3-mm-gap.dat (M8): one row per kept sample of x; path 0 is the
   straight (t/2, t/2), path 1 the bent (t(1+t)/2, t(1-t)/2).  */
static void
mf_mm_gap_rows (FILE *out, const void *record)
{
  const mf_figures *fig = record;
  fprintf (out, "# setting: K = 2, x0 = I, w_1 from %d weighted atoms, w_2 a "
           "truncated Gaussian; %d samples of x(alpha) at each of %d (alpha, "
           "alpha'); spread = sqrt E[|w_1 - E[w_1|x]|^2 | x]\n", MF_MM_ATOMS,
           MF_MM_FIG_PER, MF_MM_CONFIGS);
  for (size_t k = 0; k < MF_MM_CONFIGS * MF_MM_FIG_PER; k++)
    {
      size_t c = k / MF_MM_FIG_PER;
      fprintf (out, "%zu %.17g %.17g %.17g %.17g\n", c / 3,
               0.25 * (double) (1 + c % 3), fig->mm.spread[k], fig->mm.gap[k],
               fig->mm.err[k]);
    }
}

static const fc_figure_datafile mf_figure_files[] = {
  { "so3-sign.dat", "t d_note d_corrected", mf_sign_rows },
  { "so3-schedules.dat",
    "t linear linear_euler exp5 exp5_euler exp10 exp10_euler", mf_sched_rows },
  { "so3-orders.dat", "h steps err_c5 err_c10", mf_order_rows },
  { "so3-mm-gap.dat", "path t spread gap velocity_err", mf_mm_gap_rows },
};

int
mf_write_figures (const fc_run_options *opt, const void *record)
{
  const mf_figures *fig = record;
  if (!(fig->sign_done && fig->sched_done))
    GSL_ERROR ("the figure record misses a check's data (run the module whole)",
               GSL_EINVAL);
  if (!fig->mm.done)
    GSL_ERROR ("the figure record misses M8's data (run the module whole)",
               GSL_EINVAL);
  return fc_module_write_datafiles (opt, mf_figure_files,
                                    FC_COUNT (mf_figure_files), fig);
}
