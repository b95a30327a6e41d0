/* derivations/continuity/figures.c -- the figure data of module
 * `continuity`, rendered from the record the checks filled.
 *
 *   continuity-order.dat      rel(h) of every order study of C1-C3, as the
 *                             checks measured it (ct_figure_record)
 *   vector-field-density.dat  p_t of 8gaussians on a grid, and
 *   vector-field-arrows.dat   the direction and speed of u_t, at
 *                             t = 0.1, 0.5, 0.9 (the field of C2)
 *   trajectories.dat          paths of dx/dt = u_t(x) for moons (C5)
 *
 * The last three are illustrations that no check measures; they are
 * computed here, in about 1% of the checks' time (see the figure list in
 * continuity.c).  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "continuity_internal.h"
#include "fc_ode.h"
#include "fc_path.h"
#include "fc_rng.h"

#define CT_FIG_NT 3
static const double ct_fig_times[CT_FIG_NT] = { 0.1, 0.5, 0.9 };
#define CT_FIG_ARROW 0.8       /* arrow length in coarse-grid spacings */
/* A speed at most this many eps times the panel's largest is rounding
   noise: u_t is a sum of 8 weighted terms, none larger than that speed,
   each rounded a few times; at such a point (the origin, a stagnation
   point of the symmetric 8gaussians path) u_t/|u_t| is a random
   direction, so no arrow is drawn there.  */
#define CT_FIG_STAGNATION 64.0
#define CT_FIG_NPATH 60
#define CT_FIG_STEPS 100
#define CT_FIG_NDATA 1000

/* The claim of column I of the figure record.  */
static const char *
ct_order_claim (size_t i)
{
  return i < CT_ORDER_C2 ? "C1" : i < CT_ORDER_C3 ? "C2" : "C3";
}

/* continuity-order.dat: rel(h) of every C1, C2 and C3 study, one column
   each, named rel_CLAIM_STUDY (rel_C2_vp_gmm6d).  */
static int
ct_write_order (const fc_run_options *opt, const ct_figure_record *rec)
{
  const fc_order_study *st = rec->order;
  char columns[CT_ORDER_N * 32 + 8] = "h";
  for (size_t i = 0; i < CT_ORDER_N; i++)
    {
      if (st[i].name == NULL)
        GSL_ERROR ("an order study of C1-C3 was not stored", GSL_EFAILED);
      size_t len = strlen (columns);
      snprintf (columns + len, sizeof columns - len, " rel_%s_%s",
                ct_order_claim (i), st[i].name);
    }
  fc_datafile *f = fc_module_datafile (opt, "continuity-order.dat", columns);
  if (f == NULL)
    return GSL_EFAILED;
  FILE *out = fc_datafile_stream (f);
  fprintf (out, "# rel(h) = rms R_h / rms dp/dt over points from p_t at "
           "t = 0.25, 0.5, 0.8; columns 2-4 C1, 5-%d C2, %d-%d C3; fitted "
           "orders:", CT_ORDER_C3 + 1, CT_ORDER_C3 + 2, CT_ORDER_N + 1);
  for (size_t i = 0; i < CT_ORDER_N; i++)
    fprintf (out, " %.4f", st[i].order);
  fputc ('\n', out);
  for (size_t k = 0; k < CT_NH; k++)
    {
      fprintf (out, "%.17g", st[0].h[k]);
      for (size_t i = 0; i < CT_ORDER_N; i++)
        fprintf (out, " %.17g", st[i].rel[k]);
      fputc ('\n', out);
    }
  return fc_module_commit (f, GSL_SUCCESS);
}

/* The header line of one index block (time T, the K-th) of F.  */
static void
ct_block_header (FILE *out, size_t k)
{
  fprintf (out, "%s# t = %g\n", k > 0 ? "\n\n" : "", ct_fig_times[k]);
}

/* One index block per time: p_t on the fine grid, a blank line after each
   scan row (gnuplot `with image` / pm3d).  */
static int
ct_write_density (const fc_run_options *opt, const fc_gmm *g, double box)
{
  size_t nf = FC_SIZES (ct_sizes_plan, opt)->fig_fine;
  double *x = malloc (nf * nf * CT_DIM * sizeof *x); /* (nf^2, 2) */
  double *lp = malloc (nf * nf * sizeof *lp);        /* (nf^2) */
  fc_datafile *f = x && lp ? fc_module_datafile (opt, "vector-field-density.dat",
                                                 "t x y p") : NULL;
  int status = f != NULL ? GSL_SUCCESS : GSL_EFAILED;
  if (f != NULL)
    fprintf (fc_datafile_stream (f), "# data 8gaussians, linear schedule; "
             "one index block per t (0.1, 0.5, 0.9), box [-%g, %g]^2\n", box, box);
  if (x != NULL)
    ct_grid (nf, box, x);
  for (size_t k = 0; status == GSL_SUCCESS && k < CT_FIG_NT; k++)
    {
      FILE *out = fc_datafile_stream (f);
      status = fc_path_eval (g, FC_SCHEDULE_LINEAR, ct_fig_times[k], FC_Q_LOGP,
                             nf * nf, x, lp);
      ct_block_header (out, k);
      for (size_t i = 0; status == GSL_SUCCESS && i < nf * nf; i++)
        fprintf (out, "%g %.17g %.17g %.17g\n%s", ct_fig_times[k], x[2 * i],
                 x[2 * i + 1], exp (lp[i]), (i + 1) % nf == 0 ? "\n" : "");
    }
  free (x), free (lp);
  return fc_module_commit (f, status);
}

/* One index block per time: u_t on the coarse grid as arrows of fixed
   length CT_FIG_ARROW grid spacings along u_t, and the speed |u_t| (the
   speed spans orders of magnitude between the modes and the box corners,
   so it is not shown as a length); (0, 0) where the speed is rounding
   noise (CT_FIG_STAGNATION).  */
static int
ct_write_arrows (const fc_run_options *opt, const fc_gmm *g, double box)
{
  size_t nc = FC_SIZES (ct_sizes_plan, opt)->fig_coarse;
  double len = CT_FIG_ARROW * 2.0 * box / (double) (nc - 1);
  double *x = malloc (nc * nc * CT_DIM * sizeof *x); /* (nc^2, 2) */
  double *u = malloc (nc * nc * CT_DIM * sizeof *u); /* (nc^2, 2) */
  fc_datafile *f = x && u ? fc_module_datafile (opt, "vector-field-arrows.dat",
                                                "t x y dx dy speed") : NULL;
  int status = f != NULL ? GSL_SUCCESS : GSL_EFAILED;
  if (f != NULL)
    fprintf (fc_datafile_stream (f), "# (dx, dy) = %.4g u_t/|u_t| (arrow length "
             "%.2g grid spacings), (0, 0) where |u_t| <= %g eps max |u_t| "
             "(no direction: a stagnation point); speed = |u_t|; one index "
             "block per t\n", len, CT_FIG_ARROW, CT_FIG_STAGNATION);
  if (x != NULL)
    ct_grid (nc, box, x);
  for (size_t k = 0; status == GSL_SUCCESS && k < CT_FIG_NT; k++)
    {
      FILE *out = fc_datafile_stream (f);
      status = fc_path_eval (g, FC_SCHEDULE_LINEAR, ct_fig_times[k],
                             FC_Q_VELOCITY, nc * nc, x, u);
      ct_block_header (out, k);
      double smax = 0.0;
      for (size_t i = 0; status == GSL_SUCCESS && i < nc * nc; i++)
        smax = GSL_MAX (smax, fc_study_norm (CT_DIM, u + 2 * i));
      double noise_floor = CT_FIG_STAGNATION * GSL_DBL_EPSILON * smax;
      for (size_t i = 0; status == GSL_SUCCESS && i < nc * nc; i++)
        {
          double s = fc_study_norm (CT_DIM, u + 2 * i);
          int arrow = s > noise_floor;
          fprintf (out, "%g %.17g %.17g %.17g %.17g %.17g\n", ct_fig_times[k],
                   x[2 * i], x[2 * i + 1], arrow ? len / s * u[2 * i] : 0.0,
                   arrow ? len / s * u[2 * i + 1] : 0.0, s);
        }
    }
  free (x), free (u);
  return fc_module_commit (f, status);
}

/* Both vector-field files, on one round box holding p_t at every time.  */
static int
ct_write_vector_field (const fc_run_options *opt)
{
  fc_gmm *g = fc_module_builtin ("8gaussians");
  if (g == NULL)
    return GSL_EFAILED;
  double box = 0.0;
  for (size_t k = 0; k < CT_FIG_NT; k++)
    {
      fc_schedule_value sv;
      fc_schedule_eval (FC_SCHEDULE_LINEAR, ct_fig_times[k], &sv);
      box = GSL_MAX (box, fc_path_field_box (g, sv.alpha, sv.sigma2));
    }
  box = 0.5 * ceil (2.0 * box); /* a round half-width */
  int status = ct_write_density (opt, g, box);
  if (status == GSL_SUCCESS)
    status = ct_write_arrows (opt, g, box);
  fc_gmm_free (g);
  return status;
}

/* trajectories.dat, `moons`: index 0 the paths (one block each, t x y),
   index 1 their starts (noise), index 2 their ends, index 3 exact draws of
   q (t = 1) for comparison.  RK4 with CT_FIG_STEPS steps.  */
static void
ct_write_paths (FILE *out, const double *traj, const double *data, size_t nd)
{
  for (size_t i = 0; i < CT_FIG_NPATH; i++)
    {
      for (size_t s = 0; s <= CT_FIG_STEPS; s++)
        {
          const double *p = traj + (s * CT_FIG_NPATH + i) * CT_DIM;
          fprintf (out, "%.17g %.17g %.17g\n", (double) s / CT_FIG_STEPS, p[0], p[1]);
        }
      fputc ('\n', out);
    }
  for (size_t e = 0; e < 2; e++)
    {
      fprintf (out, "\n# %s\n", e == 0 ? "starts (t = 0)" : "ends (t = 1)");
      for (size_t i = 0; i < CT_FIG_NPATH; i++)
        {
          const double *p = traj + ((e * CT_FIG_STEPS) * CT_FIG_NPATH + i) * CT_DIM;
          fprintf (out, "%g %.17g %.17g\n", (double) e, p[0], p[1]);
        }
      fputc ('\n', out);
    }
  fprintf (out, "\n# exact draws of q\n");
  for (size_t i = 0; i < nd; i++)
    fprintf (out, "1 %.17g %.17g\n", data[2 * i], data[2 * i + 1]);
}

static int
ct_write_trajectories (const fc_run_options *opt)
{
  unsigned long seed = fc_module_seed (opt, CT_TAG_FIG);
  fc_gmm *g = fc_module_builtin ("moons");
  double *x = malloc (CT_FIG_NPATH * CT_DIM * sizeof *x); /* (npath, 2) */
  double *traj = malloc ((CT_FIG_STEPS + 1) * CT_FIG_NPATH * CT_DIM
                         * sizeof *traj); /* (steps + 1, npath, 2) */
  double *data = malloc (CT_FIG_NDATA * CT_DIM * sizeof *data); /* (ndata, 2) */
  int status = g && x && traj && data ? GSL_SUCCESS : GSL_EFAILED;
  fc_path_field_params par = { g, FC_SCHEDULE_LINEAR };
  if (status == GSL_SUCCESS)
    status = fc_rng_gaussian_fill (seed, 0, CT_FIG_NPATH * CT_DIM, x);
  if (status == GSL_SUCCESS)
    status = fc_ode_fixed (fc_path_field_velocity, &par, FC_ODE_RK4, CT_DIM, CT_FIG_NPATH,
                           x, NULL, 0.0, 1.0, CT_FIG_STEPS, traj);
  if (status == GSL_SUCCESS)
    status = fc_gmm_sample (g, fc_rng_stream_seed (seed, 1), CT_FIG_NDATA, data);
  fc_datafile *f = status == GSL_SUCCESS
                       ? fc_module_datafile (opt, "trajectories.dat", "t x y") : NULL;
  if (f != NULL)
    {
      fprintf (fc_datafile_stream (f), "# data moons, linear schedule, RK4 "
               "with %d steps; index 0 paths, 1 starts, 2 ends, 3 draws of q\n",
               CT_FIG_STEPS);
      ct_write_paths (fc_datafile_stream (f), traj, data, CT_FIG_NDATA);
    }
  fc_gmm_free (g), free (x), free (traj), free (data);
  return fc_module_commit (f, status);
}

int
ct_write_figures (const fc_run_options *opt, const void *record)
{
  int status = ct_write_order (opt, record);
  if (status == GSL_SUCCESS)
    status = ct_write_vector_field (opt);
  if (status == GSL_SUCCESS)
    status = ct_write_trajectories (opt);
  return status;
}
