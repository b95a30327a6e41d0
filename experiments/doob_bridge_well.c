/* experiments/doob_bridge_well.c -- the double-well sweeps of
 * experiments/doob-bridge (claim H1 (c) of module `doob`, N §Doob's
 * h-transform): the rejection window's acceptance and bias against eps,
 * the grid convergence of h, and the comparison at a larger sample than
 * the module's.  */
#include <config.h>

#include <stdio.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "doob/doob.h"
#include "doob_bridge_sweeps.h"

/* The sweep's sub-stream of opt->seed (the large comparison).  */
#define DB_TAG_WELL_SWEEP 0x4C500

/* The eps sweep: grid acceptance and eps bias, in standard errors of a
   comparison of DB_WELL_CMP against DB_WELL_CMP draws (the module's full
   n_h), for each eps.  */
#define DB_WELL_NEPS 6
static const double db_well_eps[DB_WELL_NEPS] = { 0.025, 0.05, 0.1, 0.2, 0.3, 0.4 };
#define DB_WELL_CMP 3000

/* The larger comparison, at both sizes.  */
#define DB_WELL_SWEEP_NH 10000
#define DB_WELL_SWEEP_NU 400000

static void
db_well_eps_rows (FILE *out, const fc_doob_well_window *w)
{
  fprintf (out, "# acceptance P(|X_T - x_T| < eps) = h_eps(0, x0) and the largest "
           "moment difference of the window- and point-conditioned marginals at T/2, "
           "3T/4, in standard errors of %d vs %d draws\n", DB_WELL_CMP, DB_WELL_CMP);
  for (size_t e = 0; e < DB_WELL_NEPS; e++)
    fprintf (out, "%g %.17g %.17g %.17g %.17g %.17g %.17g\n", db_well_eps[e],
             w[e].acceptance, w[e].bias_z, w[e].m[0].mean, w[e].m[0].var,
             w[e].m[1].mean, w[e].m[1].var);
}

static int
db_sweep_well_eps (const fc_run_options *opt, FILE *summary)
{
  fc_doob_well_window w[DB_WELL_NEPS];
  int status = fc_doob_well_window_study (DB_WELL_NEPS, db_well_eps, DB_WELL_CMP, w);
  if (status)
    return status;
  fc_datafile *f = fc_module_datafile (opt, "doob-well-eps.dat",
                                       "eps acceptance eps_bias_z mean_T2 var_T2 "
                                       "mean_3T4 var_3T4");
  if (f != NULL)
    db_well_eps_rows (fc_datafile_stream (f), w);
  status = fc_module_commit (f, GSL_SUCCESS);
  for (size_t e = 0; e < DB_WELL_NEPS && status == GSL_SUCCESS; e++)
    {
      char label[32];
      snprintf (label, sizeof label, "window eps = %g", db_well_eps[e]);
      fprintf (summary, "%-10s %-22s acceptance %.4g  eps bias %.3g se\n", "well",
               label, w[e].acceptance, w[e].bias_z);
    }
  return status;
}

static void
db_well_grid_rows (FILE *out, const fc_doob_well_grid *gs)
{
  fprintf (out, "# grid convergence of q = p h / h(0, x0): max |q_dx - q_dx/2| "
           "/ max q at T/2, 3T/4 (last row: NaN); fitted order %.4f +- %.4f\n",
           gs->order, gs->order_se);
  for (size_t l = 0; l < FC_DOOB_WELL_NLEV; l++)
    fprintf (out, "%.6g %.6g %.17g %.17g %.17g %.17g %.17g\n", gs->dx[l], gs->dt[l],
             l + 1 < FC_DOOB_WELL_NLEV ? gs->diff[l] : GSL_NAN, gs->m[l][0].mean,
             gs->m[l][0].var, gs->m[l][1].mean, gs->m[l][1].var);
}

static int
db_sweep_well_grid (const fc_run_options *opt, FILE *summary)
{
  fc_doob_well_grid gs;
  int status = fc_doob_well_grid_study (FC_DOOB_WELL_NLEV, &gs);
  if (status)
    return status;
  fc_datafile *f = fc_module_datafile (opt, "doob-well-grid.dat",
                                       "dx dt diff_to_next mean_T2 var_T2 mean_3T4 "
                                       "var_3T4");
  if (f != NULL)
    db_well_grid_rows (fc_datafile_stream (f), &gs);
  status = fc_module_commit (f, GSL_SUCCESS);
  if (status == GSL_SUCCESS)
    fprintf (summary, "%-10s %-22s order of h's grid error %.4f +- %.4f\n", "well",
             "grid convergence", gs.order, gs.order_se);
  return status;
}

/* A larger sample than the module's: the same comparison.  */
static int
db_sweep_well_large (const fc_run_options *opt, FILE *summary)
{
  fc_run_options o = *opt;
  o.seed = fc_module_seed (opt, DB_TAG_WELL_SWEEP);
  fc_doob_well_result r;
  int status = fc_doob_well_study (&o, DB_WELL_SWEEP_NH, DB_WELL_SWEEP_NU, &r);
  if (status == GSL_SUCCESS)
    fprintf (summary, "%-10s %-22s n_h %zu  accepted %zu  z mean %.3f  z var "
             "%.3f  KS two-sample p %.4f  chi-square p %.4g (h) %.4g (rejection)  "
             "biases: EM %.3f  grid %.3f  eps %.3f se\n", "well", "h vs rejection",
             r.n_h, r.n_acc, r.z_mean, r.z_var, r.p_two, r.p_chi_h, r.p_chi_ref,
             r.em_bias_z, r.grid_err_z, r.eps_bias_z);
  return status;
}

int
db_sweep_well (const fc_run_options *opt, FILE *summary)
{
  fc_module_progress (opt, "double-well sweep: eps, grid convergence, %d paths",
                      DB_WELL_SWEEP_NH);
  int status = db_sweep_well_eps (opt, summary);
  if (status == GSL_SUCCESS)
    status = db_sweep_well_grid (opt, summary);
  if (status == GSL_SUCCESS)
    status = db_sweep_well_large (opt, summary);
  return status;
}
