/* derivations/manifold/figures.c -- the data of module `manifold`'s
 * figures, rendered from the record its checks filled (mf_figures,
 * manifold_internal.h): so3-sign (M2), so3-schedules (M3), so3-means
 * (M4), motif-alignment (M6), so3-marginal (M7) and so3-multimarginal-gap
 * (M8).  Nothing is measured here.  */
#include <config.h>

#include <math.h>
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

/* so3-means.dat: per family (index 0 IGSO(3), 1 mixture) one row per
   spread s: d(tangent mean, Frechet mean) and its leading-order law at
   each time.  */
static void
mf_means_rows (FILE *out, const void *record)
{
  const mf_figures *fig = record;
  fprintf (out, "# setting: r_t = exp_mu((1-t) log_mu(r0)), d(r0, mu) = %g; "
           "index 0: %zu IGSO(3) draws of scale s around mu, index 1: mu "
           "exp(-+ s e), weights 1/2; law = |(tr Sigma - Sigma) log_M(r_t)|/12\n",
           MF_M4_D0, fig->means.draws);
  for (int f = 0; f < 2; f++)
    {
      if (f)
        fputs ("\n\n", out);
      for (size_t is = 0; is < MF_M4_NS; is++)
        {
          fprintf (out, "%.17g", mf_m4_spreads[is]);
          for (size_t it = 0; it < MF_M4_NT; it++)
            fprintf (out, " %.17g %.17g", fig->means.d[f][is][it],
                     fig->means.law[f][is][it]);
          fputc ('\n', out);
        }
    }
}

/* motif-alignment.dat (M6): one row per noise level and Monte Carlo
   size; the point mass repeats on every row of its level.  */
static void
mf_motif_rows (FILE *out, const void *record)
{
  const mf_figures *fig = record;
  fprintf (out, "# setting: %zu motif points, y = Q z + sigma eps; %zu noise "
           "levels; estimates of log p(y|x) (nats) and grad_x log p (relative "
           "to |grad|) over repetitions\n", (size_t) 5, fig->motif.nsig);
  for (size_t l = 0; l < fig->motif.nsig; l++)
    for (size_t q = 0; q < fig->motif.nn; q++)
      {
        fprintf (out, "%zu %.17g %zu", l, fig->motif.sigma_rel[l], mf_m6_n[q]);
        for (int e = 0; e < 2; e++)
          fprintf (out, " %.17g %.17g %.17g %.17g", fig->motif.log_bias[e][l][q],
                   fig->motif.log_sd[e][l][q], fig->motif.grad_bias[e][l][q],
                   fig->motif.grad_sd[e][l][q]);
        fprintf (out, " %.17g %.17g\n", fig->motif.pm_log_bias[l],
                 fig->motif.pm_grad_bias[l]);
      }
}

/* so3-marginal-density.dat: the claimed p_t(x|x1) against w, one block
   (gnuplot index) per histogram time; the jump at kappa pi is the pair of
   rows at w = kappa pi.  */
static void
mf_m7_density_rows (FILE *out, const void *record)
{
  const mf_figures *fig = record;
  fprintf (out, "# setting: Haar x0, x_t = exp_{x1}(kappa log_{x1}(x0)), kappa "
           "= 1 - t; claimed p_t(x|x1) = (1 - cos(w/kappa))/(kappa (1 - cos "
           "w)) for w < kappa pi; one block per t\n");
  for (size_t q = 0; q < MF_M7_NT; q++)
    {
      fprintf (out, "# t = %.17g kappa = %.17g\n", fig->m7.t[q],
               fig->m7.kappa[q]);
      for (size_t i = 0; i < MF_M7_NCURVE; i++)
        fprintf (out, "%.17g %.17g\n", fig->m7.curve_w[q][i],
                 fig->m7.curve_p[q][i]);
      fputs ("\n\n", out);
    }
}

/* so3-marginal-hist.dat: sampled angles per bin over n times the Haar
   mass of the bin (an estimate of p_t w.r.t. Haar) and its standard error,
   one block per time.  */
static void
mf_m7_hist_rows (FILE *out, const void *record)
{
  const mf_figures *fig = record;
  fprintf (out, "# setting: histogram of d(x_t, x1) in %d bins on [0, kappa pi], "
           "count / (n Haar bin mass); one block per t as in "
           "so3-marginal-density.dat\n", MF_M7_NBIN);
  for (size_t q = 0; q < MF_M7_NT; q++)
    {
      double edge = fig->m7.kappa[q] * M_PI;
      fprintf (out, "# t = %.17g\n", fig->m7.t[q]);
      for (size_t b = 0; b < MF_M7_NBIN; b++)
        fprintf (out, "%.17g %.17g %.17g\n", edge * ((double) b + 0.5) / MF_M7_NBIN,
                 fig->m7.hist_p[q][b], fig->m7.hist_se[q][b]);
      fputs ("\n\n", out);
    }
}

/* so3-marginal-orders.dat: block 0, the continuity residual rel(h) of the
   two schedules; block 1, the differences across the sphere at offset
   delta.  */
static void
mf_m7_orders_rows (FILE *out, const void *record)
{
  const mf_figures *fig = record;
  fprintf (out, "# setting: block 0: h_linear rel_linear h_exp5 rel_exp5 (fitted orders "
           "%.4f, %.4f); block 1: delta |b(in) - "
           "b(out)| p(in) - p(out) across d(x, x1_0) = kappa pi at t = %.2f "
           "(jump limits: field %.6g, density %.6g); block 2: h lost_fraction of "
           "geodesic Euler (paths that left every ball); block 3: the fraction "
           "of Euler end points nearest x1_j at the finest h and w_j\n",
           fig->m7.order[0], fig->m7.order[1], fig->m7.jump_t,
           fig->m7.field_jump, fig->m7.density_jump);
  for (size_t k = 0; k < MF_M7_NSTEP; k++)
    fprintf (out, "%.17g %.17g %.17g %.17g\n", fig->m7.h[0][k],
             fig->m7.rel[0][k], fig->m7.h[1][k], fig->m7.rel[1][k]);
  fputs ("\n\n", out);
  for (size_t i = 0; i < MF_M7_NDELTA; i++)
    fprintf (out, "%.17g %.17g %.17g\n", fig->m7.delta[i],
             fig->m7.field_diff[i], fig->m7.density_diff[i]);
  fputs ("\n\n", out);
  for (size_t l = 0; l < MF_M7_NEULER; l++)
    fprintf (out, "%.17g %.17g\n", fig->m7.euler_h[l], fig->m7.euler_lost[l]);
  fputs ("\n\n", out);
  for (size_t j = 0; j < MF_M7_NDATA; j++)
    fprintf (out, "%zu %.17g %.17g\n", j, fig->m7.end_frac[j],
             mf_m7_weight[j]);
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
  { "so3-means.dat",
    "s d_t0 law_t0 d_t0.3 law_t0.3 d_t0.6 law_t0.6 d_t0.9 law_t0.9",
    mf_means_rows },
  { "motif-alignment.dat",
    "level sigma_over_rho n haar_log_bias haar_log_sd haar_grad_bias "
    "haar_grad_sd is_log_bias is_log_sd is_grad_bias is_grad_sd pm_log_bias "
    "pm_grad_bias", mf_motif_rows },
  { "so3-marginal-density.dat", "w p_claimed", mf_m7_density_rows },
  { "so3-marginal-hist.dat", "w_centre p_hist p_hist_se", mf_m7_hist_rows },
  { "so3-marginal-orders.dat",
    "block 0: h_linear rel_linear h_exp5 rel_exp5; block 1: delta field_diff "
    "density_diff; block 2: h lost_fraction; block 3: j end_fraction weight",
    mf_m7_orders_rows },
  { "so3-mm-gap.dat", "path t spread gap velocity_err", mf_mm_gap_rows },
};

int
mf_write_figures (const fc_run_options *opt, const void *record)
{
  const mf_figures *fig = record;
  if (!(fig->sign_done && fig->sched_done && fig->means.done
        && fig->motif.done && fig->m7.done && fig->mm.done))
    GSL_ERROR ("the figure record misses a check's data (run the module whole)",
               GSL_EINVAL);
  return fc_module_write_datafiles (opt, mf_figure_files,
                                    FC_COUNT (mf_figure_files), fig);
}
