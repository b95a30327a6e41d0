/* derivations/training/learn.c -- claim T2 (L "Flow matching:
 * algorithms"): the training algorithm
 *
 *   sample x0 ~ N(0, I), x1 ~ q, t ~ U(0, 1); x_t = (1 - t) x0 + t x1;
 *   take a gradient step on || (x1 - x_t)/(1 - t) - v_theta(x_t, t) ||^2
 *
 * learns v_theta ~ E[(x1 - x_t)/(1 - t) | x_t] = u_t, the marginal field,
 * which for mixture data is known in closed form (fc_path.h).  A network
 * of fc_mlp.h (widths 3, W, W, W, 2, SELU, the shape of Tong et al.) is
 * trained with AdamW (lr 1e-3, weight decay 1e-5, Tong et al.) on
 * 8gaussians; at each of three budgets (steps) it is measured:
 *
 *   field error   E_b = sum over points x ~ p_t, t in {1/4, 1/2, 3/4}, of
 *                 |v_theta(x, t) - u_t(x)|^2, over the sum of |u_t(x)|^2
 *                 (the relative L2(p_t) error, the same points at every
 *                 budget); its Monte Carlo standard error from the
 *                 per-point values (delta method on the numerator).
 *   samples       n points by RK4 of v_theta from x0 ~ N(0, I), their
 *                 exact W2 to n fresh data points (fc_assign_w2sq), and
 *                 the two-sample floor: W2 between independent data samples
 *                 of size n (mean and standard deviation over pairs).
 *
 * Deciding figures:
 *   field_err_slope  the fitted slope of log E_b against log b; the claim
 *                    (the error falls with the budget) holds when slope +
 *                    3 sd < 0, sd the slope's standard error from the E_b's
 *                    Monte Carlo errors (independent: an overestimate, the
 *                    points are shared).
 *   w2_drop          W2 at the smallest budget minus W2 at the largest,
 *                    against 3 sqrt(2) sd of the floor (each W2 carries
 *                    about the floor's sampling spread): the samples
 *                    approach the data.
 * Reported: E_b per budget and t, the W2s, the floor, and how many floor
 * standard deviations the largest budget's W2 is above the floor.
 *
 * Control: frozen (learning rate 0: the network never moves, E_b and W2
 * are the same at every budget, both figures fail).  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "fc_assign.h"
#include "fc_mlp.h"
#include "fc_path.h"
#include "fc_path_field.h"
#include "training_internal.h"

const double tr_t2_times[TR_T2_NT] = { 0.25, 0.5, 0.75 };

/* The network, its optimiser and the training batch buffers.  */
typedef struct
{
  fc_mlp *net;
  fc_mlp_work *work;
  fc_adam *adam;
  double *grad, *in, *target, *x1;
  gsl_rng *r;
  size_t batch;
} tr_t2_trainer;

static void
tr_t2_trainer_free (tr_t2_trainer *tr)
{
  fc_mlp_free (tr->net);
  fc_mlp_work_free (tr->work);
  fc_adam_free (tr->adam);
  free (tr->grad);
  free (tr->in);
  if (tr->r != NULL)
    gsl_rng_free (tr->r);
}

static int
tr_t2_trainer_alloc (const fc_run_options *opt, tr_t2_trainer *tr)
{
  const tr_sizes *sz = FC_SIZES (tr_size_plan, opt);
  size_t w = sz->t2_width, b = sz->t2_batch;
  const size_t widths[5] = { 3, w, w, w, 2 };
  memset (tr, 0, sizeof *tr);
  tr->batch = b;
  tr->net = fc_mlp_alloc (4, widths, FC_MLP_SELU);
  fc_adam_config cfg = fc_adam_defaults (1);
  cfg.lr = fc_control_variant (opt) == TR_T2_FROZEN ? 0.0 : TR_T2_LR;
  cfg.weight_decay = TR_T2_WD;
  if (tr->net == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  size_t np = fc_mlp_n_params (tr->net);
  tr->work = fc_mlp_work_alloc (tr->net, b);
  tr->adam = fc_adam_alloc (np, &cfg);
  tr->grad = malloc (np * sizeof (double));
  tr->in = malloc (b * 7 * sizeof (double));
  tr->r = fc_rng_alloc (fc_module_seed (opt, TR_TAG_T2), 0);
  if (tr->work == NULL || tr->adam == NULL || tr->grad == NULL
      || tr->in == NULL || tr->r == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  tr->target = tr->in + 3 * b;
  tr->x1 = tr->target + 2 * b;
  return fc_mlp_init (tr->net, fc_module_seed (opt, TR_TAG_T2 + 1), 0);
}

/* One training step, number STEP (its data draw uses stream STEP of
   SEED): L "Flow matching: algorithms", the target (x1 - x_t)/(1 - t) as
   the lecture writes it.  */
static int
tr_t2_step (tr_t2_trainer *tr, const fc_gmm *g, unsigned long seed,
            size_t step)
{
  size_t b = tr->batch;
  int status = fc_path_field_sample_data (g, fc_rng_stream_seed (seed, step),
                                          b, tr->x1);
  for (size_t i = 0; i < b && !status; i++)
    {
      double t = gsl_rng_uniform (tr->r);
      for (int k = 0; k < 2; k++)
        {
          double x0 = gsl_ran_gaussian (tr->r, 1.0), x1 = tr->x1[2 * i + k];
          double xt = (1.0 - t) * x0 + t * x1;
          tr->in[3 * i + k] = xt;
          tr->target[2 * i + k] = (x1 - xt) / (1.0 - t);
        }
      tr->in[3 * i + 2] = t;
    }
  if (!status)
    status = fc_mlp_mse_step (tr->net, tr->work, b, tr->in, tr->target, NULL,
                              tr->grad);
  if (!status)
    status = fc_adam_step (tr->adam, fc_mlp_params (tr->net), tr->grad);
  return status;
}

/* The evaluation set: M points of p_t per time, the exact field there.  */
typedef struct
{
  size_t m;
  double *x, *u, *v; /* (NT m, 2) each */
  double u2;         /* sum of |u|^2 */
} tr_t2_evalset;

static int
tr_t2_evalset_make (const fc_run_options *opt, const fc_gmm *g,
                    tr_t2_evalset *es)
{
  const tr_sizes *sz = FC_SIZES (tr_size_plan, opt);
  size_t m = sz->t2_eval;
  es->m = m;
  es->x = malloc (3 * TR_T2_NT * m * 2 * sizeof (double));
  if (es->x == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  es->u = es->x + TR_T2_NT * m * 2;
  es->v = es->u + TR_T2_NT * m * 2;
  fc_path_field_source src = { FC_SCHEDULE_LINEAR, 2, g, NULL };
  int status = GSL_SUCCESS;
  es->u2 = 0.0;
  for (size_t a = 0; a < TR_T2_NT && !status; a++)
    {
      double *x = es->x + a * m * 2, *u = es->u + a * m * 2;
      status = fc_path_field_points (tr_t2_times[a],
                                     fc_rng_stream_seed (fc_module_seed (opt, TR_TAG_T2 + 2), a),
                                     m, x, &src);
      if (!status)
        status = fc_path_eval (g, FC_SCHEDULE_LINEAR, tr_t2_times[a],
                               FC_Q_VELOCITY, m, x, u);
      for (size_t i = 0; i < 2 * m && !status; i++)
        es->u2 += u[i] * u[i];
    }
  return status;
}

/* The relative field error E, its standard error SE and the error per
   time ERR_T (NT) of NET on the evaluation set.  */
static int
tr_t2_field_error (const fc_mlp *net, tr_t2_evalset *es, double *e,
                   double *se, double err_t[TR_T2_NT])
{
  size_t m = es->m, n = TR_T2_NT * m;
  double s1 = 0.0, s2 = 0.0;
  int status = GSL_SUCCESS;
  for (size_t a = 0; a < TR_T2_NT && !status; a++)
    {
      const double *x = es->x + a * m * 2, *u = es->u + a * m * 2;
      double *v = es->v + a * m * 2, num = 0.0, den = 0.0;
      status = fc_mlp_eval_xt (net, tr_t2_times[a], m, x, v);
      for (size_t i = 0; i < m && !status; i++)
        {
          double d0 = v[2 * i] - u[2 * i], d1 = v[2 * i + 1] - u[2 * i + 1];
          double ei = d0 * d0 + d1 * d1;
          num += ei;
          den += u[2 * i] * u[2 * i] + u[2 * i + 1] * u[2 * i + 1];
          s1 += ei;
          s2 += ei * ei;
        }
      err_t[a] = sqrt (num / den);
    }
  double mean = s1 / (double) n, var = (s2 / (double) n - mean * mean);
  /* E = sqrt (sum e / sum |u|^2): relative SE half that of the sum.  */
  *e = sqrt (s1 / es->u2);
  *se = *e * 0.5 * sqrt (fmax (var, 0.0) / (double) n) / mean;
  return status;
}

/* W2 between N samples of the trained flow (RK4 of NET from x0 of stream
   SEED_X0) and N data points Y.  */
static int
tr_t2_sample_w2 (const fc_mlp *net, size_t n, size_t steps,
                 unsigned long seed_x0, const double *y, double *work,
                 double *w2)
{
  double w2sq = NAN;
  int status = fc_rng_gaussian_fill (seed_x0, 0, 2 * n, work);
  if (!status)
    status = fc_ode_fixed (fc_mlp_velocity, (void *) net, FC_ODE_RK4, 2, n,
                           work, NULL, 0.0, 1.0, steps, NULL);
  if (!status)
    status = fc_assign_w2sq (n, 2, work, y, &w2sq);
  *w2 = sqrt (w2sq);
  return status;
}

/* The two-sample floor: W2 between TR_T2_FLOOR_PAIRS pairs of independent
   data samples of size N; mean and standard deviation.  */
static int
tr_t2_floor (const fc_run_options *opt, const fc_gmm *g, size_t n,
             double *work, double *mean, double *sd)
{
  double s1 = 0.0, s2 = 0.0;
  int status = GSL_SUCCESS;
  unsigned long seed = fc_module_seed (opt, TR_TAG_T2 + 3);
  for (size_t p = 0; p < TR_T2_FLOOR_PAIRS && !status; p++)
    {
      double w2sq = NAN;
      status = fc_path_field_sample_data (g, fc_rng_stream_seed (seed, 2 * p + 1),
                                          n, work);
      if (!status)
        status = fc_path_field_sample_data (g, fc_rng_stream_seed (seed, 2 * p + 2),
                                            n, work + 2 * n);
      if (!status)
        status = fc_assign_w2sq (n, 2, work, work + 2 * n, &w2sq);
      s1 += sqrt (w2sq);
      s2 += w2sq;
    }
  double k = (double) TR_T2_FLOOR_PAIRS;
  *mean = s1 / k;
  *sd = sqrt (fmax (s2 - s1 * s1 / k, 0.0) / (k - 1.0));
  return status;
}

/* training-field: learned and exact field on a grid at the three times.  */
static int
tr_t2_field_figure (const fc_mlp *net, const fc_gmm *g, tr_figures *fig)
{
  double x[TR_FIELD_GRID * TR_FIELD_GRID * 2];
  for (size_t i = 0; i < TR_FIELD_GRID; i++)
    for (size_t k = 0; k < TR_FIELD_GRID; k++)
      {
        double *p = x + 2 * (i * TR_FIELD_GRID + k);
        p[0] = -TR_FIELD_BOX + 2.0 * TR_FIELD_BOX * i / (TR_FIELD_GRID - 1.0);
        p[1] = -TR_FIELD_BOX + 2.0 * TR_FIELD_BOX * k / (TR_FIELD_GRID - 1.0);
      }
  memcpy (fig->field_x, x, sizeof x);
  int status = GSL_SUCCESS;
  for (size_t a = 0; a < TR_T2_NT && !status; a++)
    {
      status = fc_mlp_eval_xt (net, tr_t2_times[a], TR_FIELD_GRID * TR_FIELD_GRID,
                               x, fig->field_learned[a]);
      if (!status)
        status = fc_path_eval (g, FC_SCHEDULE_LINEAR, tr_t2_times[a],
                               FC_Q_VELOCITY, TR_FIELD_GRID * TR_FIELD_GRID, x,
                               fig->field_exact[a]);
    }
  return status;
}

/* Train through the budgets, measuring at each.  */
static int
tr_t2_run (const fc_run_options *opt, const fc_gmm *g, double e[TR_T2_NB],
           double se[TR_T2_NB], double et[TR_T2_NB][TR_T2_NT],
           double w2[TR_T2_NB], double *floor_m, double *floor_sd)
{
  const tr_sizes *sz = FC_SIZES (tr_size_plan, opt);
  size_t n = sz->t2_samples;
  tr_t2_trainer tr;
  tr_t2_evalset es = { 0, NULL, NULL, NULL, 0.0 };
  double *y = malloc (4 * n * sizeof (double));
  int status = tr_t2_trainer_alloc (opt, &tr);
  if (!status)
    status = y == NULL ? GSL_ENOMEM : tr_t2_evalset_make (opt, g, &es);
  if (!status)
    status = fc_path_field_sample_data (g, fc_module_seed (opt, TR_TAG_T2 + 4),
                                        n, y);
  unsigned long data_seed = fc_module_seed (opt, TR_TAG_T2 + 5);
  size_t step = 0;
  for (size_t k = 0; k < TR_T2_NB && !status; k++)
    {
      while (step < sz->t2_budget[k] && !status)
        status = tr_t2_step (&tr, g, data_seed, ++step);
      if (!status)
        status = tr_t2_field_error (tr.net, &es, &e[k], &se[k], et[k]);
      if (!status)
        status = tr_t2_sample_w2 (tr.net, n, sz->t2_ode_steps,
                                  fc_module_seed (opt, TR_TAG_T2 + 6), y,
                                  y + 2 * n, &w2[k]);
      fc_module_progress (opt, "budget %zu steps: field error %.4f, W2 %.4f",
                          sz->t2_budget[k], e[k], w2[k]);
    }
  if (!status)
    status = tr_t2_floor (opt, g, n, y, floor_m, floor_sd);
  tr_figures *fig = opt->figures;
  if (!status && fig != NULL)
    status = tr_t2_field_figure (tr.net, g, fig);
  tr_t2_trainer_free (&tr);
  free (es.x);
  free (y);
  return status;
}

/* The slope of log E against log budget and its standard error.  */
static void
tr_t2_slope (const tr_sizes *sz, const double e[TR_T2_NB],
             const double se[TR_T2_NB], double *slope, double *sd)
{
  double lb[TR_T2_NB], mb = 0.0, sxx = 0.0, sxy = 0.0, var = 0.0;
  for (size_t k = 0; k < TR_T2_NB; k++)
    {
      lb[k] = log ((double) sz->t2_budget[k]);
      mb += lb[k] / TR_T2_NB;
    }
  for (size_t k = 0; k < TR_T2_NB; k++)
    {
      double dx = lb[k] - mb, sl = se[k] / e[k];
      sxx += dx * dx;
      sxy += dx * log (e[k]);
      var += dx * dx * sl * sl;
    }
  *slope = sxy / sxx;
  *sd = sqrt (var) / sxx;
}

int
tr_check_t2 (const fc_run_options *opt, fc_verdict *v)
{
  const tr_sizes *sz = FC_SIZES (tr_size_plan, opt);
  fc_gmm *g = fc_module_builtin ("8gaussians");
  if (g == NULL)
    GSL_ERROR ("no data set", GSL_EFAILED);
  double e[TR_T2_NB], se[TR_T2_NB], et[TR_T2_NB][TR_T2_NT], w2[TR_T2_NB];
  double fm = NAN, fsd = NAN;
  int status = tr_t2_run (opt, g, e, se, et, w2, &fm, &fsd);
  fc_gmm_free (g);
  if (status)
    GSL_ERROR ("T2 failed", status);
  double slope, sd;
  tr_t2_slope (sz, e, se, &slope, &sd);
  fc_verdict_decide (v, FC_TEST_HOLDS, "field_err_slope", slope, 3.0 * sd,
                     slope + 3.0 * sd < 0.0);
  double drop = w2[0] - w2[TR_T2_NB - 1], band = 3.0 * M_SQRT2 * fsd;
  fc_verdict_decide (v, FC_TEST_HOLDS, "w2_drop", drop, band, drop > band);
  for (size_t k = 0; k < TR_T2_NB; k++)
    {
      char name[FC_VERDICT_NAME_LEN];
      snprintf (name, sizeof name, "field_err_%zu", sz->t2_budget[k]);
      fc_verdict_report (v, name, e[k], se[k]);
      snprintf (name, sizeof name, "w2_%zu", sz->t2_budget[k]);
      fc_verdict_report (v, name, w2[k], NAN);
    }
  for (size_t a = 0; a < TR_T2_NT; a++)
    {
      char name[FC_VERDICT_NAME_LEN];
      snprintf (name, sizeof name, "field_err_t%.2f_last", tr_t2_times[a]);
      fc_verdict_report (v, name, et[TR_T2_NB - 1][a], NAN);
    }
  fc_verdict_report (v, "w2_floor", fm, fsd);
  fc_verdict_report (v, "w2_last_above_floor_sd",
                     (w2[TR_T2_NB - 1] - fm) / fsd, NAN);
  tr_figures *fig = opt->figures;
  if (fig != NULL)
    {
      for (size_t k = 0; k < TR_T2_NB; k++)
        {
          fig->budget_steps[k] = (double) sz->t2_budget[k];
          fig->budget_err[k] = e[k];
          fig->budget_se[k] = se[k];
          fig->budget_w2[k] = w2[k];
          for (size_t a = 0; a < TR_T2_NT; a++)
            fig->budget_err_t[k][a] = et[k][a];
        }
      fig->budget_floor = fm;
      fig->budget_floor_sd = fsd;
      fig->train_done = 1;
    }
  fc_verdict_note (v, "relative L2(p_t) field error %.3f -> %.3f over %zu -> "
                   "%zu steps (slope %.3f +- %.3f); W2 to data %.3f -> %.3f "
                   "(floor %.3f +- %.3f)", e[0], e[TR_T2_NB - 1],
                   sz->t2_budget[0], sz->t2_budget[TR_T2_NB - 1], slope, sd,
                   w2[0], w2[TR_T2_NB - 1], fm, fsd);
  return GSL_SUCCESS;
}
