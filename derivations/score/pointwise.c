/* derivations/score/pointwise.c -- the pointwise identities of module
 * `score` (N §Going through the diffusion ODE, reversed convention):
 *
 *  S1  grad log p_r = E[-x1/r | x_r]: central-difference gradient of the
 *      exact log p_r against -x0hat^canon_{1-r}/r, fitted order 2;
 *  S2  grad log p_r = ((1-r) nu_r - x)/r and
 *  S4  f - g^2/2 grad log p_r = -nu_r (f = -x/(1-r), g^2 = 2r/(1-r)):
 *      both sides from independent closed forms, equal to round-off.
 *
 * Each check reads its control (score.c): S1 scales E[-x1/r | x_r], S2 the
 * right side and S4 the g^2 of the drift, by a stated small amount.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>
#include <gsl/gsl_rng.h>

#include "fc_path.h"
#include "fc_path_field.h"
#include "fc_rng.h"
#include "score_internal.h"

/* The data sets of S1, S2 and S4: 8gaussians and the random 3-D mixture. */
#define SC_PW_NDATA 2
static const char *const sc_pw_names[SC_PW_NDATA] = { "8gaussians", "gmm3d" };

static int
sc_pw_data (const fc_run_options *opt, fc_gmm *g[SC_PW_NDATA])
{
  g[0] = fc_module_builtin ("8gaussians");
  g[1] = sc_mixture_random (opt);
  return g[0] && g[1] ? GSL_SUCCESS : GSL_EFAILED;
}

/* ------------------------------------------------------------------ S1 */

/* S1's control scales E[-x1/r | x_r] by 1 + SC_S1_CONTROL_DELTA (score.c
   says why the check must refute it).  */
#define SC_S1_CONTROL_DELTA 5e-3

/* Central-difference gradient of log p_r at step H into GRAD (n, D);
   scratch XS (n, D) and LP (2 n).  */
static int
sc_fd_grad_logp (const fc_gmm *g, double r, double h, size_t n,
                 const double *x, double *xs, double *lp, double *grad)
{
  size_t d = g->dim;
  int status = GSL_SUCCESS;
  for (size_t j = 0; j < d && status == GSL_SUCCESS; j++)
    {
      for (size_t s = 0; s < 2 && status == GSL_SUCCESS; s++)
        {
          memcpy (xs, x, n * d * sizeof *xs);
          for (size_t i = 0; i < n; i++)
            xs[i * d + j] += s == 0 ? h : -h;
          status = fc_path_eval (g, FC_SCHEDULE_LINEAR, 1.0 - r, FC_Q_LOGP, n,
                                 xs, lp + s * n);
        }
      for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
        grad[i * d + j] = (lp[i] - lp[n + i]) / (2.0 * h);
    }
  return status;
}

/* Add to ST, at each step, the squared differences between the
   central-difference gradient of log p_r and SCALE times the note's
   E[-x1/r | x_r] at the N points X, and the squares of the latter (the
   scale of the residual).  */
static int
sc_s1_accumulate (const fc_gmm *g, double r, double scale, size_t n,
                  const double *x, double *work, fc_order_study *st)
{
  size_t nd = n * g->dim;
  double *rhs = work, *fd = work + nd, *xs = work + 2 * nd, *lp = work + 3 * nd;
  int status = fc_path_eval (g, FC_SCHEDULE_LINEAR, 1.0 - r, FC_Q_X0HAT, n, x,
                             rhs);
  for (size_t i = 0; status == GSL_SUCCESS && i < nd; i++)
    rhs[i] = -rhs[i] / r * scale; /* E[-x1/r | x_r], x1 the noise */
  for (size_t k = 0; k < st->n_steps && status == GSL_SUCCESS; k++)
    {
      status = sc_fd_grad_logp (g, r, st->h[k], n, x, xs, lp, fd);
      for (size_t i = 0; status == GSL_SUCCESS && i < nd; i++)
        fd[i] -= rhs[i];
      st->ssr[k] += fc_study_sumsq (nd, fd);
      st->ssp[k] += fc_study_sumsq (nd, rhs);
    }
  return status;
}

/* The S1 study of data G: rel(h) = rms |D_h log p_r - E[-x1/r|x_r]| /
   rms |E[-x1/r|x_r]| pooled over points from p_r at the times, judged by
   fc_order_study_verdict.  Its truncation scale 2 (1 + D) (h/ell)^2 was
   derived for the continuity residual; here each of the D differences errs
   by (h^2/6) d^3 log p_r, and the score varies on the scale ell of p_r
   (sigma_r, or the time scale), so the same bound applies with margin.  */
static int
sc_s1_study (const fc_run_options *opt, const fc_gmm *g, const char *name,
             double scale, unsigned long seed, fc_order_study *st)
{
  size_t n = FC_SIZES (sc_sizes_plan, opt)->n_points, nd = n * g->dim;
  int status = sc_study_init (st, name, g->dim, 1, FC_SCHEDULE_LINEAR);
  if (status)
    return status;
  double *x = malloc (nd * sizeof *x);                      /* (n, D) */
  double *work = malloc ((4 * nd + 2 * n) * sizeof *work); /* see accumulate */
  fc_path_field_source src = { FC_SCHEDULE_LINEAR, g->dim, g, NULL };
  status = x && work ? GSL_SUCCESS : GSL_ENOMEM;
  for (size_t j = 0; j < SC_NT && status == GSL_SUCCESS; j++)
    {
      status = sc_points_reversed (sc_times[j], fc_rng_stream_seed (seed, j),
                                   n, x, &src);
      if (status == GSL_SUCCESS)
        status = sc_s1_accumulate (g, sc_times[j], scale, n, x, work, st);
      st->n_accumulated += n;
    }
  free (x), free (work);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the S1 study", GSL_ENOMEM);
  if (status == GSL_SUCCESS)
    status = fc_order_study_verdict (st);
  return status;
}

int
sc_check_s1 (const fc_run_options *opt, fc_verdict *v)
{
  double scale = fc_control_variant (opt) == SC_S1_SCORE_SCALED
                     ? 1.0 + SC_S1_CONTROL_DELTA : 1.0;
  fc_order_study st[SC_PW_NDATA];
  fc_gmm *g[SC_PW_NDATA];
  int status = sc_pw_data (opt, g);
  for (size_t i = 0; i < SC_PW_NDATA && status == GSL_SUCCESS; i++)
    status = sc_s1_study (opt, g[i], sc_pw_names[i], scale,
                          fc_module_seed (opt, SC_TAG_S1 + i), &st[i]);
  fc_gmm_free (g[0]), fc_gmm_free (g[1]);
  if (status)
    return status;
  /* Each study's order and rel(h_min) decide (HOLDS): the score_scaled
     control makes both fail on both data sets (score.c).  */
  for (size_t i = 0; i < SC_PW_NDATA; i++)
    fc_module_record_study (opt, v, &st[i]);
  fc_verdict_note (v, "|D_h log p_r - E[-x1/r|x_r]|: fitted order 8gaussians "
                   "%.3f, gmm3d %.3f (2 within %.2f/%.2f); rel(h=%.4g) %.2g, %.2g",
                   st[0].order, st[1].order, st[0].band, st[1].band,
                   st[0].h[SC_NH - 1], st[0].rel[SC_NH - 1], st[1].rel[SC_NH - 1]);
  return GSL_SUCCESS;
}

/* -------------------------------------------------------------- S2, S4 */

/* Round-off band.  Each side is a sum over the K components of terms made
   of two D-term products with the eigenvectors of C_k (fc_path.h) and a
   few more operations, each committing ~ eps relative to the size of its
   operands; a solve with C_k amplifies that by at most cond(C_k) <= cond(S_k)
   (the condition of the data covariances; 1 for 8gaussians, at most
   SC_RANDOM_COND for the random mixture).  The error of a side relative to
   the sum of the magnitudes of the terms it cancels is therefore at most
   (2 D + K + 4) cond eps; SC_PW_ULPS = 8 allows for the responsibilities'
   exponentials and the accumulation over terms.  */
#define SC_PW_ULPS 8.0

/* The controls of S2 and S4 scale one coefficient by 1 + SC_PW_CONTROL_BANDS
   bands (score.c says why the check must refute them).  */
#define SC_PW_CONTROL_BANDS 8.0

static double
sc_pw_band (const fc_gmm *g, double cond)
{
  return SC_PW_ULPS * (2.0 * (double) g->dim + (double) g->n_comp + 4.0) * cond
         * GSL_DBL_EPSILON;
}

typedef struct
{
  double max_err;  /* largest relative difference of the two sides */
  double r_worst;  /* the time where it occurred */
  size_t n_points; /* points tested */
} sc_pw_result;

/* The difference of the two sides at one point, relative to the
   magnitudes of the terms, for S2 (WHICH = 2) or S4 (WHICH = 4), with the
   coefficient the control changes multiplied by COEF (1 as stated).  */
static double
sc_pw_error (int which, size_t d, double r, double coef, const double *x,
             const double *s, const double *nu)
{
  double diff[SC_DIM_MAX], mag;
  if (which == 2)
    {
      /* grad log p_r  vs  ((1 - r) nu_r - x) / r */
      for (size_t j = 0; j < d; j++)
        diff[j] = s[j] - coef * ((1.0 - r) * nu[j] - x[j]) / r;
      mag = ((1.0 - r) * fc_study_norm (d, nu) + fc_study_norm (d, x)) / r
            + fc_study_norm (d, s);
    }
  else
    {
      /* f - g^2/2 grad log p_r  vs  -nu_r, f = -x/(1-r), g^2 = 2r/(1-r) */
      double g2 = coef * 2.0 * r / (1.0 - r);
      for (size_t j = 0; j < d; j++)
        diff[j] = (-x[j] / (1.0 - r) - 0.5 * g2 * s[j]) + nu[j];
      mag = fc_study_norm (d, x) / (1.0 - r) + 0.5 * g2 * fc_study_norm (d, s)
            + fc_study_norm (d, nu);
    }
  return fc_study_norm (d, diff) / mag;
}

/* The score S and nu (from the velocity) at N points X drawn from p_r,
   each (n, D): fc_path.h evaluates them by independent closed forms.  */
static int
sc_pw_sides (const fc_gmm *g, double r, unsigned long seed, size_t n,
             double *x, double *s, double *nu)
{
  fc_path_field_source src = { FC_SCHEDULE_LINEAR, g->dim, g, NULL };
  int status = sc_points_reversed (r, seed, n, x, &src);
  if (status == GSL_SUCCESS)
    status = fc_path_eval (g, FC_SCHEDULE_LINEAR, 1.0 - r, FC_Q_SCORE, n, x, s);
  if (status == GSL_SUCCESS)
    status = fc_path_eval (g, FC_SCHEDULE_LINEAR, 1.0 - r, FC_Q_VELOCITY, n, x,
                           nu);
  return status;
}

/* S2 or S4 for data G: both sides at the random times and the points of
   each, plus the endpoint where the identity is finite (r = 1 for S2,
   r = 0 for S4), the control's coefficient multiplied by COEF.  */
static int
sc_pw_run (const fc_run_options *opt, const fc_gmm *g, int which, double coef,
           unsigned long seed, sc_pw_result *res)
{
  const sc_sizes *sz = FC_SIZES (sc_sizes_plan, opt);
  size_t n = sz->pw_n_points, d = g->dim;
  double *x = malloc (n * d * sizeof *x), *s = malloc (n * d * sizeof *s);
  double *nu = malloc (n * d * sizeof *nu); /* each (n, D) */
  gsl_rng *rng = fc_rng_alloc (seed, 0);
  int status = x && s && nu && rng ? GSL_SUCCESS : GSL_ENOMEM;
  *res = (sc_pw_result) { 0.0, NAN, 0 };
  for (size_t j = 0; j <= sz->pw_n_times && status == GSL_SUCCESS; j++)
    {
      /* j = 0 is the endpoint; the others uniform in (0, 1).  */
      double r = j == 0 ? (which == 2 ? 1.0 : 0.0) : gsl_rng_uniform_pos (rng);
      status = sc_pw_sides (g, r, fc_rng_stream_seed (seed, j + 1), n, x, s, nu);
      for (size_t i = 0; status == GSL_SUCCESS && i < n; i++)
        {
          double e = sc_pw_error (which, d, r, coef, x + i * d, s + i * d,
                                  nu + i * d);
          if (!(e <= res->max_err)) /* a NaN is the worst */
            *res = (sc_pw_result) { e, r, res->n_points };
        }
      res->n_points += n;
    }
  free (x), free (s), free (nu);
  if (rng != NULL)
    gsl_rng_free (rng);
  if (status == GSL_ENOMEM)
    GSL_ERROR ("no memory for the pointwise check", GSL_ENOMEM);
  return status;
}

/* Record the two data sets' figures: each largest difference decides
   (HOLDS) against its round-off band, above which it is a violation of
   the identity (the control of 8 bands shows it can fail).  */
static void
sc_pw_decide (const fc_run_options *opt, fc_verdict *v, int which,
              const sc_pw_result *res, const double *band)
{
  for (size_t i = 0; i < SC_PW_NDATA; i++)
    {
      char name[FC_VERDICT_NAME_LEN];
      snprintf (name, sizeof name, "max_rel_diff_%s", sc_pw_names[i]);
      fc_verdict_decide (v, FC_TEST_HOLDS, name, res[i].max_err, band[i],
                         res[i].max_err <= band[i]);
      fc_module_progress (opt, "%s: max relative difference %.3g (band %.3g) "
                          "over %zu points, worst at r = %.4g", sc_pw_names[i],
                          res[i].max_err, band[i], res[i].n_points,
                          res[i].r_worst);
    }
  fc_verdict_note (v, "max relative difference %.2g (8gaussians, band %.2g), "
                   "%.2g (gmm3d, band %.2g) over %zu points at random r%s",
                   res[0].max_err, band[0], res[1].max_err, band[1],
                   res[0].n_points + res[1].n_points,
                   which == 2 ? " and r = 1" : " and r = 0");
}

/* S2 (WHICH = 2) or S4 (4), or its control SCALED.  */
static int
sc_check_pointwise (const fc_run_options *opt, fc_verdict *v, int which,
                    sc_variant scaled)
{
  static const double cond[SC_PW_NDATA] = { 1.0, SC_RANDOM_COND };
  int variant = fc_control_variant (opt);
  unsigned long tag = which == 2 ? SC_TAG_S2 : SC_TAG_S4;
  sc_pw_result res[SC_PW_NDATA];
  double band[SC_PW_NDATA];
  fc_gmm *g[SC_PW_NDATA];
  int status = sc_pw_data (opt, g);
  for (size_t i = 0; i < SC_PW_NDATA && status == GSL_SUCCESS; i++)
    {
      band[i] = sc_pw_band (g[i], cond[i]);
      double coef = variant == (int) scaled ? 1.0 + SC_PW_CONTROL_BANDS * band[i]
                                            : 1.0;
      status = sc_pw_run (opt, g[i], which, coef,
                          fc_module_seed (opt, tag + i), &res[i]);
    }
  fc_gmm_free (g[0]), fc_gmm_free (g[1]);
  if (status == GSL_SUCCESS)
    sc_pw_decide (opt, v, which, res, band);
  return status;
}

int
sc_check_s2 (const fc_run_options *opt, fc_verdict *v)
{
  return sc_check_pointwise (opt, v, 2, SC_S2_RHS_SCALED);
}

int
sc_check_s4 (const fc_run_options *opt, fc_verdict *v)
{
  return sc_check_pointwise (opt, v, 4, SC_S4_G2_SCALED);
}
