/* derivations/manifold/schedules.c -- claim M3 (N §Scheduling).
 *
 * The curve x_t = exp_{x1}(kappa(t) log_{x1}(x0)) = x1 exp(kappa w1), w1 =
 * log(x1^T x0), runs along the geodesic from x1 towards x0, so d(x_t, x1)
 * = kappa d0 and x_t = exp_{x0}((1 - kappa) log_{x0}(x1)): both are
 * identities up to the round-off of a log, an exp and a distance (band
 * 4 MF_SO3_ROUNDOFF, schedule_identity), for kappa = 1 - t and
 * exp(-c t), c = 5, 10.
 *
 * The field u = -(d log kappa/dt) log_x(x1) (body vector c log(x^T x1) for
 * the exponential schedule) generates it: geodesic Euler x <- x exp(h c
 * w) stays on the geodesic with d_{k+1} = (1 - c h) d_k, so at t = 1 it
 * leaves d0 (1 - c h)^N against the exact e^{-c} d0.  The error is
 *   e^{-c} d0 (1 - exp(-c^2 h/2 - c^3 h^2/3 - ...))
 *   = e^{-c} d0 (c^2 h/2) (1 + beta h + O(h^2)), |beta| <= c^2/4 + c,
 * first order; a fitted slope over the ladder deviates from 1 by at most
 * |beta| h_max (the relative size of the second-order part at the coarsest
 * step), the band of euler_order_c* (plus three standard errors of the
 * fit).  The end point at the finest step is within the leading term
 * doubled, c^2 h_min e^{-c} d0, of e^{-c} d0 (endpoint_c*).  For linear
 * kappa the field is (1/(1-t)) log_x(x1): geodesic Euler is exact there
 * (d_{k+1} = d_k (1-t_{k+1})/(1-t_k)), which is reported.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "fc_fd.h"
#include "fc_study.h"
#include "manifold_internal.h"

/* kappa of schedule J (0: linear, 1 + i: exp(-mf_rates[i] t)).  */
static double
mf_kappa (int j, double t)
{
  return j == 0 ? 1.0 - t : exp (-mf_rates[j - 1] * t);
}

/* Geodesic Euler of u = RATE(t) log_x(x1) in STEPS steps from X (9), RATE
   = -(d log kappa/dt) of schedule J with the exponential rate C; the
   ratios d(x_{t_k}, x1)/d0 into D (steps + 1) unless NULL.  */
static int
mf_euler (double x[9], const double x1[9], int j, double c, size_t steps,
          double *d)
{
  double h = 1.0 / (double) steps, d0 = fc_so3_dist (x, x1);
  if (d != NULL)
    d[0] = 1.0;
  for (size_t k = 0; k < steps; k++)
    {
      double w[3], rate = j == 0 ? 1.0 / (1.0 - (double) k * h) : c;
      int status = mf_log_body (x, x1, w);
      if (status)
        return status;
      for (int i = 0; i < 3; i++)
        w[i] *= h * rate;
      status = mf_step (x, w);
      if (status)
        return status;
      if (d != NULL)
        d[k + 1] = fc_so3_dist (x, x1) / d0;
    }
  return GSL_SUCCESS;
}

/* The identity figure: max over pairs, times and schedules of |d(x_t,
   x1) - kappa d0| and d(x_t, exp_{x0}((1-kappa) log_{x0}(x1))).  */
static int
mf_identity (const fc_run_options *opt, const double *X0, const double *X1,
             size_t n, size_t nt, double pert, double *worst)
{
  mf_figures *fig = opt->figures;
  *worst = 0.0;
  for (size_t p = 0; p < n; p++)
    {
      const double *x0 = X0 + 9 * p, *x1 = X1 + 9 * p;
      double w1[3], w0[3], d0 = fc_so3_dist (x0, x1);
      int status = mf_log_body (x1, x0, w1);
      if (!status)
        status = mf_log_body (x0, x1, w0);
      if (status)
        return status;
      size_t m = p == 0 && fig != NULL ? MF_SCHED_NT : nt;
      for (int j = 0; j <= MF_NC; j++)
        for (size_t q = 0; q < m; q++)
          {
            double t = (double) q / (double) (m - 1), kap = mf_kappa (j, t);
            double a[3], b[3], xa[9], xb[9];
            for (int i = 0; i < 3; i++)
              {
                a[i] = kap * (1.0 + pert) * w1[i];
                b[i] = (1.0 - kap) * w0[i];
              }
            for (int i = 0; i < 9; i++)
              {
                xa[i] = x1[i];
                xb[i] = x0[i];
              }
            status = mf_step (xa, a);
            if (!status)
              status = mf_step (xb, b);
            if (status)
              return status;
            double da = fc_so3_dist (xa, x1);
            *worst = fmax (*worst, fmax (fabs (da - kap * d0),
                                         fc_so3_dist (xa, xb)));
            if (p == 0 && fig != NULL)
              {
                fig->sched_t[q] = t;
                fig->sched_ratio[j][q] = da / d0;
              }
          }
    }
  return GSL_SUCCESS;
}

int
mf_check_m3 (const fc_run_options *opt, fc_verdict *v)
{
  const mf_sizes *sz = FC_SIZES (mf_size_plan, opt);
  int variant = fc_control_variant (opt);
  double pert = variant == MF_M3_PERTURBED_KAPPA ? MF_M3_PERTURB : 0.0;
  double dc = variant == MF_M3_WRONG_RATE ? 1.0 : 0.0;
  size_t n = sz->m3_n > sz->m3_paths ? sz->m3_n : sz->m3_paths;
  double *X = malloc (18 * n * sizeof (double));
  if (X == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  double *Y = X + 9 * n;
  mf_figures *fig = opt->figures;
  double ident = 0.0;
  int status = mf_pairs (fc_module_seed (opt, MF_TAG_M3), sz->m3_n, 0.0, M_PI,
                         X, Y);
  if (!status)
    status = mf_identity (opt, X, Y, sz->m3_n, sz->m3_nt, pert, &ident);
  /* The order study on pairs at distance at least 0.5.  */
  if (!status)
    status = mf_pairs (fc_module_seed (opt, MF_TAG_M3 + 1), sz->m3_paths, 0.5,
                       M_PI, X, Y);
  double err[MF_NC][MF_NLADDER], h[MF_NLADDER], lin_end = 0.0;
  for (size_t l = 0; l < MF_NLADDER; l++)
    h[l] = 1.0 / (double) mf_ladder[l];
  for (int i = 0; i < MF_NC && !status; i++)
    for (size_t l = 0; l < MF_NLADDER && !status; l++)
      {
        err[i][l] = 0.0;
        for (size_t p = 0; p < sz->m3_paths && !status; p++)
          {
            double x[9], w1[3], xe[9];
            const double *x0 = X + 9 * p, *x1 = Y + 9 * p;
            double d0 = fc_so3_dist (x0, x1), c = mf_rates[i];
            for (int a = 0; a < 9; a++)
              x[a] = xe[a] = x0[a];
            status = mf_euler (x, x1, 1 + i, c + dc, mf_ladder[l], NULL);
            /* The exact end point exp_{x1}(e^{-c} log_{x1}(x0)).  */
            if (!status)
              status = mf_log_body (x1, x0, w1);
            for (int a = 0; a < 3; a++)
              w1[a] *= exp (-c);
            for (int a = 0; a < 9; a++)
              xe[a] = x1[a];
            if (!status)
              status = mf_step (xe, w1);
            err[i][l] = fmax (err[i][l], fc_so3_dist (x, xe) / d0);
          }
      }
  for (size_t p = 0; p < sz->m3_paths && !status; p++)
    {
      double x[9];
      for (int a = 0; a < 9; a++)
        x[a] = X[9 * p + a];
      status = mf_euler (x, Y + 9 * p, 0, 0.0, mf_ladder[0], NULL);
      lin_end = fmax (lin_end, fc_so3_dist (x, Y + 9 * p));
    }
  if (!status && fig != NULL)
    {
      /* so3-schedules: geodesic Euler in MF_SCHED_NT - 1 steps.  */
      for (int j = 0; j <= MF_NC && !status; j++)
        {
          double x[9];
          for (int a = 0; a < 9; a++)
            x[a] = X[a];
          status = mf_euler (x, Y, j, j ? mf_rates[j - 1] + dc : 0.0,
                             MF_SCHED_NT - 1, fig->sched_euler[j]);
        }
    }
  free (X);
  if (status)
    GSL_ERROR ("M3 failed", status);

  double band_id = 4.0 * MF_SO3_ROUNDOFF;
  fc_verdict_decide (v, FC_TEST_HOLDS, "schedule_identity", ident, band_id,
                     ident <= band_id);
  double floor = MF_SO3_ROUNDOFF * (double) mf_ladder[MF_NLADDER - 1];
  double order[MF_NC];
  for (int i = 0; i < MF_NC; i++)
    {
      static const char *const on[MF_NC] = { "euler_order_c5", "euler_order_c10" };
      static const char *const en[MF_NC] = { "endpoint_c5", "endpoint_c10" };
      double c = mf_rates[i], lc, se = 0.0;
      size_t m = fc_study_ladder_above_floor (MF_NLADDER, err[i], floor);
      order[i] = NAN;
      if (m >= 2)
        fc_fd_order_fit (m, h, err[i], &order[i], &lc, &se);
      double band = (c * c / 4.0 + c) * h[0] + 3.0 * se;
      fc_verdict_decide (v, FC_TEST_HOLDS, on[i], order[i], band,
                         m >= 5 && fabs (order[i] - 1.0) <= band);
      double end = err[i][MF_NLADDER - 1];
      double band_end = c * c * h[MF_NLADDER - 1] * exp (-c) + floor;
      fc_verdict_decide (v, FC_TEST_HOLDS, en[i], end, band_end, end <= band_end);
      if (fig != NULL)
        {
          for (size_t l = 0; l < MF_NLADDER; l++)
            fig->order_err[i][l] = err[i][l];
          fig->order_fit[i] = order[i];
        }
    }
  fc_verdict_report (v, "linear_endpoint", lin_end, 0.0);
  if (fig != NULL)
    {
      for (size_t l = 0; l < MF_NLADDER; l++)
        fig->order_h[l] = h[l];
      fig->sched_done = 1;
    }
  fc_verdict_note (v, "identity %.3g (band %.3g); geodesic Euler orders %.4f "
                   "(c = 5), %.4f (c = 10) over %d steps %zu..%zu; end error "
                   "at h = 1/%zu: %.3g, %.3g (of d0)",
                   ident, band_id, order[0], order[1], MF_NLADDER, mf_ladder[0],
                   mf_ladder[MF_NLADDER - 1], mf_ladder[MF_NLADDER - 1],
                   err[0][MF_NLADDER - 1], err[1][MF_NLADDER - 1]);
  return GSL_SUCCESS;
}
