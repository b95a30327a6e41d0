/* derivations/training/figures.c -- the data of module `training`'s
 * figures, rendered from the record its checks filled (tr_figures,
 * training_internal.h): training-field and training-budget (T2),
 * steps-to-accuracy (T3), hutchinson (T4).
 * Nothing is measured here.  */
#include <config.h>

#include <stdio.h>

#include <gsl/gsl_errno.h>

#include "training_internal.h"

/* hutchinson.dat: one row per probe count k.  */
static void
tr_hutch_rows (FILE *out, const void *record)
{
  const tr_figures *fig = record;
  fprintf (out, "# setting: 8gaussians, linear schedule, t = %.2f, one point "
           "x ~ p_t with div u = %.6g; spread of the mean of k probes over "
           "blocks of the probe sample, and sqrt(Var/k) predicted\n",
           fig->hutch_t, fig->hutch_div);
  for (size_t a = 0; a < TR_HUTCH_NK; a++)
    fprintf (out, "%.17g %.17g %.17g %.17g %.17g\n", fig->hutch_k[a],
             fig->hutch_sd[0][a], fig->hutch_pred[0][a], fig->hutch_sd[1][a],
             fig->hutch_pred[1][a]);
}

/* steps-to-accuracy.dat: one block per data set (blank-line separated
   pairs, gnuplot index), one row per ladder step: the relative RMS end
   point error per schedule and method (NaN past the rung that reached the
   smallest target).  */
static void
tr_steps_rows (FILE *out, const void *record)
{
  const tr_figures *fig = record;
  fprintf (out, "# setting: x0 ~ N(0, I), exact fields, error of the end "
           "point against the adaptive (rk8pd) flow map over the data "
           "scale; targets %.0e, %.0e\n", tr_t3_targets[0], tr_t3_targets[1]);
  for (size_t d = 0; d < TR_T3_NDATA; d++)
    {
      fprintf (out, "# data %s; steps to %.0e (Euler lin cos vp | RK4 lin "
               "cos vp): %.1f %.1f %.1f | %.1f %.1f %.1f\n",
               tr_t3_data_names[d], tr_t3_targets[0],
               fig->steps_to[d][0][0][0], fig->steps_to[d][1][0][0],
               fig->steps_to[d][2][0][0], fig->steps_to[d][0][1][0],
               fig->steps_to[d][1][1][0], fig->steps_to[d][2][1][0]);
      for (size_t l = 0; l < TR_T3_NLADDER; l++)
        {
          fprintf (out, "%zu", tr_t3_ladder[l]);
          for (int m = 0; m < TR_T3_NMETH; m++)
            for (int s = 0; s < TR_T3_NSCHED; s++)
              fprintf (out, " %.17g", fig->steps_err[d][s][m][l]);
          fputc ('\n', out);
        }
      if (d + 1 < TR_T3_NDATA)
        fputs ("\n\n", out);
    }
}

/* training-field.dat: one row per grid point: the learned and exact
   fields at the three times.  */
static void
tr_field_rows (FILE *out, const void *record)
{
  const tr_figures *fig = record;
  fprintf (out, "# setting: 8gaussians, linear path, the network after its "
           "largest budget (%.0f steps); times %.2f %.2f %.2f\n",
           fig->budget_steps[TR_T2_NB - 1], tr_t2_times[0], tr_t2_times[1],
           tr_t2_times[2]);
  for (size_t i = 0; i < TR_FIELD_GRID * TR_FIELD_GRID; i++)
    {
      fprintf (out, "%.17g %.17g", fig->field_x[2 * i], fig->field_x[2 * i + 1]);
      for (size_t a = 0; a < TR_T2_NT; a++)
        fprintf (out, " %.17g %.17g %.17g %.17g", fig->field_learned[a][2 * i],
                 fig->field_learned[a][2 * i + 1], fig->field_exact[a][2 * i],
                 fig->field_exact[a][2 * i + 1]);
      fputc ('\n', out);
    }
}

/* training-budget.dat: one row per budget.  */
static void
tr_budget_rows (FILE *out, const void *record)
{
  const tr_figures *fig = record;
  fprintf (out, "# setting: 8gaussians, linear path; relative L2(p_t) error "
           "of the learned field pooled over t = 1/4, 1/2, 3/4 (with its "
           "standard error) and per t; W2 of the ODE samples to data; "
           "two-sample floor %.6g +- %.6g\n", fig->budget_floor,
           fig->budget_floor_sd);
  for (size_t k = 0; k < TR_T2_NB; k++)
    fprintf (out, "%.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g\n",
             fig->budget_steps[k], fig->budget_err[k], fig->budget_se[k],
             fig->budget_err_t[k][0], fig->budget_err_t[k][1],
             fig->budget_err_t[k][2], fig->budget_w2[k], fig->budget_floor,
             fig->budget_floor_sd);
}

static const fc_figure_datafile tr_figure_files[] = {
  { "training-field.dat",
    "x y learned_u_t1 learned_v_t1 exact_u_t1 exact_v_t1 learned_u_t2 "
    "learned_v_t2 exact_u_t2 exact_v_t2 learned_u_t3 learned_v_t3 exact_u_t3 "
    "exact_v_t3", tr_field_rows },
  { "training-budget.dat",
    "steps err err_se err_t1 err_t2 err_t3 w2 w2_floor w2_floor_sd",
    tr_budget_rows },
  { "hutchinson.dat", "k sd_gauss pred_gauss sd_rad pred_rad", tr_hutch_rows },
  { "steps-to-accuracy.dat",
    "steps euler_linear euler_cosine euler_vp rk4_linear rk4_cosine rk4_vp",
    tr_steps_rows },
};

int
tr_write_figures (const fc_run_options *opt, const void *record)
{
  const tr_figures *fig = record;
  if (!(fig->hutch_done && fig->steps_done && fig->train_done))
    GSL_ERROR ("the figure record misses a check's data (run the module whole)",
               GSL_EINVAL);
  return fc_module_write_datafiles (opt, tr_figure_files,
                                    FC_COUNT (tr_figure_files), fig);
}
