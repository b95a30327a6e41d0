/* derivations/manifold/motif.c -- claim M6 (N §Motif-scafolding with
 * reconstruction guidance; L, the motif-scaffolding slides): estimators
 * of the motif likelihood p(y|x) = int N(y | Q M x, sigma^2 I) dQ, Q
 * Haar on SO(3), and of grad_x log p(y|x).
 *
 * The problem: a backbone x of MF_M6_BACKBONE Gaussian points, the motif
 * z = M x its points MF_M6_FIRST .. + MF_M6_K - 1, y = Q_true z + sigma
 * eps for one Haar Q_true and one eps (the same at every level), sigma =
 * (sigma/rho) rho with rho the motif's rms radius.  Each estimator draws
 * R_j and weighs Q_j = Q* R_j (motif_reference.c: log N(y | Q_j z) =
 * log_pm + (tr(R_j G) - tr G)/sigma^2):
 *   (a) Haar Monte Carlo: R_j Haar (Q* R_j is Haar too), weight 1;
 *   (b) the point mass at the Kabsch rotation Q*: log_pm, deterministic;
 *   (c) importance sampling: R_j ~ IGSO(3) of scale s around I, weight
 *       1/q(R_j), q = f(w; s)/((1 - cos w)/pi) its density w.r.t. Haar.
 * p-hat is the weighted mean (unbiased for p in (a) and (c)); the
 * gradient (E-hat[Q]^T y_i - z_i)/sigma^2 with the self-normalised
 * weighted mean of Q_j (consistent, biased O(1/n)).
 *
 * The proposal's scale.  At small sigma the posterior of the rotation
 * vector of R is N(0, sigma^2 (tr G I - G)^{-1}), G = H Q*: its largest
 * standard deviation is tau = sigma/sqrt(mu_min), mu_min the smallest
 * eigenvalue of tr G I - G; as sigma -> 0, G -> sum_i z_i z_i^T (up to
 * the rotation) and mu_min -> lambda_2 + lambda_3 of the motif's second
 * moment, the motif's size in its thinnest plane.  IGSO(3)(s) is N(0,
 * s^2 I) in the rotation vector at small s; the weights' variance is
 * finite only for s > tau/sqrt 2 and least near s = tau for a Gaussian
 * target; s = 1.25 tau
 * leaves room for the posterior's heavier-than-Gaussian tail (its
 * exponent carries 2(1 - cos w)/w^2 <= 1).  At large sigma s is large
 * and IGSO(3) tends to Haar, as the posterior does.
 *
 * Deciding figures (MF_M6_ALPHA family-wise, Bonferroni over the cells):
 *   haar_ratio_z, is_ratio_z (HOLDS): the mean over repetitions of
 *     p-hat/p is 1 within its exact standard error sqrt(v/(n reps)), v
 *     the per-draw relative variance from the references (Haar: I(2
 *     beta)/I(beta)^2 - 1; IS: the angle-axis second moment with 1/q),
 *     over the cells (sigma, n) where that error is below 1/3 (there
 *     the normal law of the mean holds; where it is larger p-hat is
 *     dominated by rare draws and the cell is reported);
 *   is_grad_z (HOLDS): the IS gradient at the largest n, per component,
 *     within its t-band of the reference;
 *   reference_crosscheck_over_band (VALID): the 1-D reference and the
 *     angle-axis quadrature agree within 4 times the latter's change
 *     from NW/2 to NW nodes, plus the round-off of its sum;
 *   pm_grad_err_over_is_sd (EXACT): the point mass's gradient error over
 *     the standard deviation of the IS gradient at the largest n, at
 *     most 1 at every level: the point mass is exact to the IS noise.
 * log p-hat is biased by about -v/(2n) (the log of an unbiased mean):
 * the log figures are reported beside that prediction.  The point
 * mass's bias in log p is -log I, predicted at small sigma by Laplace's
 * method around Q* with its first correction (tr(A^{-1})/8, A the
 * precision): reported.  */
#include <config.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

#include "fc_rng.h"
#include "manifold_internal.h"

#define MF_M6_BACKBONE 12
#define MF_M6_FIRST 3
#define MF_M6_K 5
#define MF_M6_ALPHA 1e-3
#define MF_M6_PROPOSAL_INFLATION 1.25
#define MF_M6_NW 32 /* angle-axis nodes per panel (mf_motif_angle_axis) */
#define MF_M6_REP_BLOCK 16 /* repetitions drawn at once */

const size_t mf_m6_n[MF_M6_NN] = { 16, 64, 256, 1024, 4096 };

/* ------------------------------------------------------ the problem */

/* The motif z (k = MF_M6_K points of a Gaussian backbone), the true
   rotation and the unit noise eps, from the stream SEED.  */
static int
mf_motif_problem (unsigned long seed, double *z, double qtrue[9], double *eps)
{
  double g[3 * MF_M6_BACKBONE + 3 * MF_M6_K];
  int status = fc_rng_gaussian_fill (seed, 0, FC_COUNT (g), g);
  if (!status)
    status = fc_so3_haar (fc_rng_stream_seed (seed, 1), 1, qtrue);
  for (size_t i = 0; i < 3 * MF_M6_K; i++)
    {
      z[i] = g[3 * MF_M6_FIRST + i]; /* z = M x */
      eps[i] = g[3 * MF_M6_BACKBONE + i];
    }
  return status;
}

/* M at noise level SIGMA: y = qtrue z + sigma eps.  */
static int
mf_motif_at (const double *z, const double qtrue[9], const double *eps,
             double sigma, mf_motif *m)
{
  m->k = MF_M6_K;
  m->sigma = sigma;
  for (size_t i = 0; i < MF_M6_K; i++)
    for (int a = 0; a < 3; a++)
      {
        m->z[3 * i + a] = z[3 * i + a];
        m->y[3 * i + a] = sigma * eps[3 * i + a];
        for (int b = 0; b < 3; b++)
          m->y[3 * i + a] += qtrue[3 * a + b] * z[3 * i + b];
      }
  return mf_motif_prepare (m);
}

/* grad_z log p = (EQ^T y_i - z_i)/sigma^2 into GRAD (3 k).  */
static void
mf_motif_grad (const mf_motif *m, const double EQ[9], double *grad)
{
  double s2 = m->sigma * m->sigma;
  for (size_t i = 0; i < m->k; i++)
    for (int a = 0; a < 3; a++)
      grad[3 * i + a] = (EQ[a] * m->y[3 * i] + EQ[3 + a] * m->y[3 * i + 1]
                         + EQ[6 + a] * m->y[3 * i + 2] - m->z[3 * i + a])
                        / s2;
}

/* ----------------------------------------------------- the estimators */

/* The estimate from N draws R (9 n) with log weights LW (n; log 1/q, or
   NULL for 1): log p-hat into *LOGP, the gradient into GRAD.  */
static void
mf_estimate (const mf_motif *m, size_t n, const double *R, const double *lw,
             double *logp, double *grad)
{
  const double *G = m->G;
  double beta = 1.0 / (m->sigma * m->sigma), trg = G[0] + G[4] + G[8];
  double amax = -INFINITY, sum = 0.0, ER[9] = { 0 }, EQ[9];
  double *a = malloc (n * sizeof (double));
  if (a == NULL)
    {
      *logp = NAN;
      return;
    }
  for (size_t j = 0; j < n; j++)
    {
      const double *r = R + 9 * j;
      double tr = 0.0;
      for (int i = 0; i < 3; i++)
        tr += r[3 * i] * G[i] + r[3 * i + 1] * G[3 + i]
              + r[3 * i + 2] * G[6 + i];
      a[j] = beta * (tr - trg) + (lw != NULL ? lw[j] : 0.0);
      amax = fmax (amax, a[j]);
    }
  for (size_t j = 0; j < n; j++)
    {
      double e = exp (a[j] - amax);
      sum += e;
      for (int i = 0; i < 9; i++)
        ER[i] += e * R[9 * j + i];
    }
  free (a);
  *logp = m->log_pm + amax + log (sum / (double) n);
  for (int i = 0; i < 9; i++)
    ER[i] /= sum;
  mf_mul (m->qstar, ER, EQ);
  mf_motif_grad (m, EQ, grad);
}

/* The control unweighted_gradient: the gradient from the plain mean of
   Q* R_j over N draws R, the weights forgotten.  */
static void
mf_plain_grad (const mf_motif *m, size_t n, const double *R, double *grad)
{
  double ER[9] = { 0 }, EQ[9];
  for (size_t j = 0; j < n; j++)
    for (int i = 0; i < 9; i++)
      ER[i] += R[9 * j + i] / (double) n;
  mf_mul (m->qstar, ER, EQ);
  mf_motif_grad (m, EQ, grad);
}

/* The control non_haar_angles: each Haar draw's angle w mapped to
   pi (w - sin w)/pi (the Haar angle CDF), a uniform angle on [0, pi],
   same axis.  */
static int
mf_uniform_angles (size_t n, double *R)
{
  for (size_t j = 0; j < n; j++)
    {
      double w[3];
      int status = fc_so3_log (R + 9 * j, w);
      if (status)
        return status;
      double th = sqrt (w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
      double f = th > 0.0 ? (th - sin (th)) / th : 0.0;
      for (int i = 0; i < 3; i++)
        w[i] *= f;
      status = fc_so3_exp (w, R + 9 * j);
      if (status)
        return status;
    }
  return GSL_SUCCESS;
}

/* ------------------------------------------------------- the study */

#define MF_M6_DIM (3 * MF_M6_K)

/* What one noise level measures.  Estimator index 0: Haar, 1: IS.  */
typedef struct
{
  double sigma, s, log_p, grad[MF_M6_DIM], gnorm;
  double v[2];             /* exact per-draw relative variance of p-hat */
  double pm_log_bias, pm_grad_err, laplace, laplace_corr;
  double cross, cross_band;
  double ratio[2][MF_M6_NN], log_bias[2][MF_M6_NN], log_sd[2][MF_M6_NN];
  double grad_bias[2][MF_M6_NN], grad_sd[2][MF_M6_NN];
  double is_grad_z;        /* max over components at the largest n */
} mf_m6_level;

/* Sums over repetitions per estimator and size.  */
typedef struct
{
  double r[2][MF_M6_NN], l[2][MF_M6_NN], l2[2][MF_M6_NN];
  double g[2][MF_M6_NN][MF_M6_DIM], g2[2][MF_M6_NN][MF_M6_DIM];
} mf_m6_sums;

/* The references at level L: log p and its gradient (1-D), the exact
   variances, the angle-axis cross-check and the Laplace prediction.  */
static int
mf_m6_references (const mf_motif *m, double s, int flat, mf_m6_level *L)
{
  double beta = 1.0 / (m->sigma * m->sigma), li, li2, lj, la, lb, EQ[9], EQa[9];
  int status = mf_motif_reference (m, beta, &li, EQ);
  if (!status)
    status = mf_motif_reference (m, 2.0 * beta, &li2, NULL);
  if (!status)
    status = mf_motif_angle_axis (m, 2.0 * beta, s, 0, MF_M6_NW, &lj, NULL);
  if (!status)
    status = mf_motif_angle_axis (m, beta, 0.0, flat, MF_M6_NW, &la, EQa);
  if (!status)
    status = mf_motif_angle_axis (m, beta, 0.0, flat, MF_M6_NW / 2, &lb, NULL);
  if (status)
    return status;
  L->log_p = m->log_pm + li;
  mf_motif_grad (m, EQ, L->grad);
  L->gnorm = 0.0;
  for (size_t c = 0; c < MF_M6_DIM; c++)
    L->gnorm += L->grad[c] * L->grad[c];
  L->gnorm = sqrt (L->gnorm);
  L->v[0] = expm1 (li2 - 2.0 * li);
  L->v[1] = expm1 (lj - 2.0 * li);
  L->pm_log_bias = -li;
  double gpm[MF_M6_DIM], e2 = 0.0, dq = 0.0;
  mf_motif_grad (m, m->qstar, gpm);
  for (size_t c = 0; c < MF_M6_DIM; c++)
    e2 += (gpm[c] - L->grad[c]) * (gpm[c] - L->grad[c]);
  L->pm_grad_err = sqrt (e2) / L->gnorm;
  for (int i = 0; i < 9; i++)
    dq = fmax (dq, fabs (EQa[i] - EQ[i]));
  L->cross = fabs (la - li) + dq;
  size_t nodes = 8 * MF_M6_NW * MF_M6_NW * MF_M6_NW;
  L->cross_band = 4.0 * fabs (la - lb) + (double) nodes * DBL_EPSILON;
  /* Laplace around Q*: -log I = log(8 pi^2) - (3/2) log(2 pi) + (1/2) log
     det A - tr(A^{-1})/8 + O(tr(A^{-1})^2), A = beta diag(mu).  */
  double ldet = 0.0, tr = 0.0;
  for (int i = 0; i < 3; i++)
    {
      ldet += log (beta * m->mu[i]);
      tr += 1.0 / (beta * m->mu[i]);
    }
  L->laplace_corr = tr / 8.0;
  L->laplace = log (8.0 * M_PI * M_PI) - 1.5 * log (2.0 * M_PI) + 0.5 * ldet
               - L->laplace_corr;
  return GSL_SUCCESS;
}

/* Log weights log 1/q(w) of IS draws with angles ANG (n) against the
   IGSO(3) density of scale S (its values first stored in LW).  */
static int
mf_is_log_weights (size_t n, const double *ang, double s, double *lw)
{
  int status = fc_so3_igso3_density_fill (s, n, ang, lw);
  for (size_t j = 0; j < n && !status; j++)
    {
      double sh = sin (0.5 * ang[j]), omc = 2.0 * sh * sh;
      lw[j] = log (omc / M_PI) - log (lw[j]);
    }
  return status;
}

/* Add the estimates of one repetition's draws (RH: Haar, RI: IS, LW
   their IS log weights) to the sums, size by size; UNWEIGHTED: the IS
   gradient from the plain mean of the draws (control).  */
static void
mf_m6_accumulate (const mf_motif *m, const mf_m6_level *L, size_t nn,
                  const double *RH, const double *RI,
                  const double *lw, int unweighted, mf_m6_sums *S)
{
  for (int e = 0; e < 2; e++)
    {
      size_t off = 0;
      for (size_t q = 0; q < nn; q++)
        {
          double lp, g[MF_M6_DIM];
          const double *R = (e ? RI : RH) + 9 * off;
          mf_estimate (m, mf_m6_n[q], R, e ? lw + off : NULL, &lp, g);
          if (e && unweighted)
            mf_plain_grad (m, mf_m6_n[q], R, g);
          double d = lp - L->log_p;
          S->r[e][q] += exp (d);
          S->l[e][q] += d;
          S->l2[e][q] += d * d;
          for (size_t c = 0; c < MF_M6_DIM; c++)
            {
              double dg = g[c] - L->grad[c];
              S->g[e][q][c] += dg;
              S->g2[e][q][c] += dg * dg;
            }
          off += mf_m6_n[q];
        }
    }
}

/* Means and standard deviations over REPS from the sums.  */
static void
mf_m6_summarise (const mf_m6_sums *S, size_t nn, size_t reps, mf_m6_level *L)
{
  double r = (double) reps;
  for (int e = 0; e < 2; e++)
    for (size_t q = 0; q < nn; q++)
      {
        L->ratio[e][q] = S->r[e][q] / r;
        L->log_bias[e][q] = S->l[e][q] / r;
        L->log_sd[e][q] = sqrt (fmax (0.0, (S->l2[e][q] - r * L->log_bias[e][q]
                                            * L->log_bias[e][q]) / (r - 1.0)));
        double b2 = 0.0, v2 = 0.0, zmax = 0.0;
        for (size_t c = 0; c < MF_M6_DIM; c++)
          {
            double mean = S->g[e][q][c] / r;
            double var = fmax (0.0, (S->g2[e][q][c] - r * mean * mean)
                                        / (r - 1.0));
            b2 += mean * mean;
            v2 += var;
            if (var > 0.0)
              zmax = fmax (zmax, fabs (mean) / sqrt (var / r));
          }
        L->grad_bias[e][q] = sqrt (b2) / L->gnorm;
        L->grad_sd[e][q] = sqrt (v2) / L->gnorm;
        if (e == 1 && q == nn - 1)
          L->is_grad_z = zmax;
      }
}

/* Level LEVEL of the study: sigma = REL rho, REPS repetitions.  */
static int
mf_m6_level_run (const fc_run_options *opt, const mf_sizes *sz, size_t level,
                 const double *z, const double qtrue[9], const double *eps,
                 double rho, mf_m6_level *L)
{
  int variant = fc_control_variant (opt);
  double rel = sz->m6_sigma[level]
               * (variant == MF_M6_SMALL_SIGMA ? MF_M6_SMALL : 1.0);
  mf_motif m;
  int status = mf_motif_at (z, qtrue, eps, rel * rho, &m);
  L->sigma = m.sigma;
  double s = MF_M6_PROPOSAL_INFLATION * m.tau_max;
  L->s = s;
  double s_eval = variant == MF_M6_PROPOSAL_SCALE ? MF_M6_SCALE_OFF * s : s;
  if (!status)
    status = mf_m6_references (&m, s, variant == MF_M6_FLAT_CROSSCHECK, L);
  size_t T = 0, B = MF_M6_REP_BLOCK;
  for (size_t q = 0; q < sz->m6_nn; q++)
    T += mf_m6_n[q];
  /* The draws of B repetitions at a time: one IGSO(3) inverse-CDF table
     per block (its set-up costs as much as some thousand draws).  */
  double *R = malloc ((20 * T * B) * sizeof (double));
  mf_m6_sums *S = calloc (1, sizeof *S);
  if (R == NULL || S == NULL)
    status = GSL_ENOMEM;
  double *Ris = R + 9 * T * B, *ang = R + 18 * T * B, *lw = ang + T * B;
  unsigned long base = fc_module_seed (opt, MF_TAG_M6 + 1 + level);
  for (size_t b0 = 0; b0 < sz->m6_reps && !status; b0 += B)
    {
      size_t nb = sz->m6_reps - b0 < B ? sz->m6_reps - b0 : B, blk = b0 / B;
      status = fc_so3_haar (fc_rng_stream_seed (base, 2 * blk), T * nb, R);
      if (!status && variant == MF_M6_NON_HAAR)
        status = mf_uniform_angles (T * nb, R);
      if (!status)
        status = fc_so3_igso3_sample (fc_rng_stream_seed (base, 2 * blk + 1),
                                      s, T * nb, Ris, ang);
      if (!status)
        status = mf_is_log_weights (T * nb, ang, s_eval, lw);
      if (status)
        break;
      for (size_t r = 0; r < nb; r++)
        mf_m6_accumulate (&m, L, sz->m6_nn, R + 9 * T * r, Ris + 9 * T * r,
                          lw + T * r, variant == MF_M6_UNWEIGHTED_GRAD, S);
    }
  if (!status)
    mf_m6_summarise (S, sz->m6_nn, sz->m6_reps, L);
  free (R);
  free (S);
  return status;
}

/* ------------------------------------------------------ the figures */

/* The ratio figure of estimator E: max z over the cells whose exact
   standard error is below 1/3, against the Bonferroni band.  */
static void
mf_m6_decide_ratio (fc_verdict *v, const char *name, int e,
                    const mf_m6_level *L, size_t nsig, size_t nn, size_t reps)
{
  double zmax = 0.0;
  size_t cells = 0;
  for (size_t l = 0; l < nsig; l++)
    for (size_t q = 0; q < nn; q++)
      {
        double se = sqrt (L[l].v[e] / ((double) mf_m6_n[q] * (double) reps));
        if (!(se <= 1.0 / 3.0))
          continue;
        cells++;
        zmax = fmax (zmax, fabs (L[l].ratio[e][q] - 1.0) / se);
      }
  /* No such cell (every level far below the motif's size, where Haar
     Monte Carlo is hopeless): nothing to decide on, reported.  */
  if (cells == 0)
    {
      fc_verdict_report (v, name, NAN, NAN);
      return;
    }
  double band = gsl_cdf_ugaussian_Qinv (MF_M6_ALPHA / (2.0 * (double) cells));
  fc_verdict_decide (v, FC_TEST_HOLDS, name, zmax, band, zmax <= band);
}

/* The deciding figures over the NSIG levels L.  */
static void
mf_m6_decide (fc_verdict *v, const mf_m6_level *L, const mf_sizes *sz)
{
  size_t nsig = sz->m6_nsig, nn = sz->m6_nn, reps = sz->m6_reps;
  mf_m6_decide_ratio (v, "haar_ratio_z", 0, L, nsig, nn, reps);
  mf_m6_decide_ratio (v, "is_ratio_z", 1, L, nsig, nn, reps);
  double gz = 0.0, cross = 0.0, pm = 0.0;
  for (size_t l = 0; l < nsig; l++)
    {
      gz = fmax (gz, L[l].is_grad_z);
      cross = fmax (cross, L[l].cross / L[l].cross_band);
      pm = fmax (pm, L[l].pm_grad_err / L[l].grad_sd[1][nn - 1]);
    }
  double gtests = (double) (nsig * MF_M6_DIM);
  double gband = gsl_cdf_tdist_Qinv (MF_M6_ALPHA / (2.0 * gtests),
                                     (double) reps - 1.0);
  fc_verdict_decide (v, FC_TEST_HOLDS, "is_grad_z", gz, gband, gz <= gband);
  fc_verdict_decide (v, FC_TEST_VALID, "reference_crosscheck_over_band", cross,
                     1.0, cross <= 1.0);
  fc_verdict_decide (v, FC_TEST_EXACT, "pm_grad_err_over_is_sd", pm, 1.0,
                     pm <= 1.0);
}

/* The reported figures, per level.  */
static void
mf_m6_report (fc_verdict *v, const mf_m6_level *L, const mf_sizes *sz)
{
  size_t nn = sz->m6_nn, q2 = nn > 2 ? 2 : nn - 1;
  char name[FC_VERDICT_NAME_LEN];
#define MF_M6_REPORT(fmt, value)                                              \
  do                                                                          \
    {                                                                         \
      snprintf (name, sizeof name, fmt, l);                                   \
      fc_verdict_report (v, name, (value), NAN);                              \
    }                                                                         \
  while (0)
  for (size_t l = 0; l < sz->m6_nsig; l++)
    {
      MF_M6_REPORT ("sigma_s%zu", L[l].sigma);
      MF_M6_REPORT ("pm_log_bias_s%zu", L[l].pm_log_bias);
      MF_M6_REPORT ("pm_grad_err_s%zu", L[l].pm_grad_err);
      MF_M6_REPORT ("haar_rel_var_s%zu", L[l].v[0]);
      MF_M6_REPORT ("is_rel_var_s%zu", L[l].v[1]);
      MF_M6_REPORT ("haar_log_sd_n256_s%zu", L[l].log_sd[0][q2]);
      MF_M6_REPORT ("is_log_sd_n256_s%zu", L[l].log_sd[1][q2]);
      MF_M6_REPORT ("haar_grad_sd_nmax_s%zu", L[l].grad_sd[0][nn - 1]);
      MF_M6_REPORT ("is_grad_sd_nmax_s%zu", L[l].grad_sd[1][nn - 1]);
      MF_M6_REPORT ("crosscheck_s%zu", L[l].cross);
      MF_M6_REPORT ("is_scale_s%zu", L[l].s);
    }
#undef MF_M6_REPORT
  fc_verdict_report (v, "pm_log_bias_laplace_s0", L[0].laplace, NAN);
  fc_verdict_report (v, "laplace_correction_s0", L[0].laplace_corr, NAN);
  fc_verdict_report (v, "laplace_error_s0", L[0].pm_log_bias - L[0].laplace,
                     NAN);
  fc_verdict_report (v, "is_log_bias_n16_s0", L[0].log_bias[1][0], NAN);
  fc_verdict_report (v, "is_log_bias_pred_n16_s0", -0.5 * L[0].v[1] / 16.0,
                     NAN);
}

/* Copy the levels into the figure record.  */
static void
mf_m6_store (mf_figures *fig, const mf_m6_level *L, const mf_sizes *sz,
             double rho)
{
  fig->motif.nsig = sz->m6_nsig;
  fig->motif.nn = sz->m6_nn;
  for (size_t l = 0; l < sz->m6_nsig; l++)
    {
      fig->motif.sigma_rel[l] = L[l].sigma / rho;
      fig->motif.pm_log_bias[l] = L[l].pm_log_bias;
      fig->motif.pm_grad_bias[l] = L[l].pm_grad_err;
      for (int e = 0; e < 2; e++)
        for (size_t q = 0; q < sz->m6_nn; q++)
          {
            fig->motif.log_bias[e][l][q] = L[l].log_bias[e][q];
            fig->motif.log_sd[e][l][q] = L[l].log_sd[e][q];
            fig->motif.grad_bias[e][l][q] = L[l].grad_bias[e][q];
            fig->motif.grad_sd[e][l][q] = L[l].grad_sd[e][q];
          }
    }
  fig->motif.done = 1;
}

int
mf_check_m6 (const fc_run_options *opt, fc_verdict *v)
{
  const mf_sizes *sz = FC_SIZES (mf_size_plan, opt);
  double z[3 * MF_M6_K], eps[3 * MF_M6_K], qtrue[9], rho = 0.0;
  mf_m6_level L[MF_M6_NSIG];
  int status = mf_motif_problem (fc_module_seed (opt, MF_TAG_M6), z, qtrue,
                                 eps);
  for (size_t i = 0; i < 3 * MF_M6_K; i++)
    rho += z[i] * z[i];
  rho = sqrt (rho / MF_M6_K);
  for (size_t l = 0; l < sz->m6_nsig && !status; l++)
    status = mf_m6_level_run (opt, sz, l, z, qtrue, eps, rho, &L[l]);
  if (status)
    GSL_ERROR ("M6 failed", status);
  mf_m6_decide (v, L, sz);
  mf_m6_report (v, L, sz);
  if (opt->figures != NULL)
    mf_m6_store (opt->figures, L, sz, rho);
  size_t l1 = sz->m6_nsig - 1, q2 = sz->m6_nn > 2 ? 2 : sz->m6_nn - 1;
  fc_verdict_note (v, "point mass: log p bias %.3g nats at sigma/rho %.3g, "
                   "%.3g at %.3g; grad error %.3g, %.3g; log p sd at n = %zu: "
                   "Haar %.3g, %.3g, IS %.3g, %.3g",
                   L[0].pm_log_bias, L[0].sigma / rho, L[l1].pm_log_bias,
                   L[l1].sigma / rho, L[0].pm_grad_err, L[l1].pm_grad_err,
                   mf_m6_n[q2], L[0].log_sd[0][q2], L[l1].log_sd[0][q2],
                   L[0].log_sd[1][q2], L[l1].log_sd[1][q2]);
  return GSL_SUCCESS;
}
