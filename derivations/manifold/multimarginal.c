/* derivations/manifold/multimarginal.c -- claim M8 (N §Interpolating
 * between noise to data distribution over SE(3), "manifolds"): the
 * multimarginal interpolant on SO(3) and the note's approximation of its
 * conditional velocity.  The Euclidean claims it generalises are B1-B4 of
 * module `barycentric`.
 *
 * The interpolant with anchor x0 is x(alpha) = exp_{x0}(v), v = sum_k
 * alpha_k w_k, w_k = log_{x0}(x_k) (body vectors, manifold_internal.h).
 *
 * Vertices (HOLDS, vertex_err): alpha = e_k makes v = w_k exactly (the
 * other terms are signed zeros), so x(e_k) = x0 exp(log(x0^T x_k)) = x_k
 * to the round-off of a log, an exp and a distance (band 4
 * MF_SO3_ROUNDOFF), for x_k within the cut locus of x0.
 *
 * The note's approximation.  Along alpha(t), d/dt x(alpha) = x0 exp(v)
 * hat(J(v) v') with J the right Jacobian of exp and v' = sum_k alpha_k'
 * w_k.  Conditioning on x(alpha) = x fixes v (exp_{x0} is one-to-one on
 * |v| < pi, and |v| < pi whenever alpha is on the simplex and |w_k| < pi),
 * so the exact conditional velocity is
 *   E[d/dt I | x] = x0 exp(v) hat(J(v) L),  L = sum_k alpha_k' E[w_k | x]
 * (the left side of the note's "inequality").  The note puts R = sum_k
 * alpha_k' log_{x0}(E[x_k | x]) in place of L and v^ = sum_k alpha_k
 * log_{x0}(E[x_k | x]) in place of v.  L and R are vectors (a "<=" between
 * them is undefined), and E[x_k | x] is an average of rotations, not a
 * rotation: it is projected to SO(3) (the nearest rotation in Frobenius
 * norm, fc_so3_kabsch) before its log is taken.
 *
 * The example (x0 = I without loss: every quantity is left-invariant):
 * K = 2, w_1 from a weighted set of MF_MM_ATOMS rotation vectors, w_2 a
 * Gaussian N(mu, s^2 I) truncated to |w_2| < MF_MM_RADIUS.  Given v the
 * law of (w_1, w_2) is a finite sum: atom i with w_2 = (v - alpha_1
 * a_i)/alpha_2, of weight proportional to pi_i N((v - alpha_1
 * a_i)/alpha_2; mu, s^2 I) (the Jacobian alpha_2^-3 is common).  Both
 * sides are exact there, at every sample of x.
 *
 * gap_max = max |L - R| and approx_err_max = max ||exact - note's||_F /
 * sqrt 2 (the note's velocity is taken at exp(v^), where it puts it) are
 * EXACT figures: with one atom (w_1, hence w_2, a function of x) both are
 * round-off, bands from one log and one projection per vertex
 * (mf_mm_bands).  The conditional law is validated by orthogonality
 * (VALID, orthogonality_z): E[v . (w_1 - E[w_1 | v])] = 0, a Monte Carlo
 * mean over the joint samples against its standard error.
 *
 * Reported: the rms gap and error against the rms of |L|; how far E[x_k |
 * x] is from SO(3); the fraction of components with L_j <= R_j (strictly
 * between 0 and 1: the "<=" holds neither way); and max |L - R|/spread^2,
 * spread the conditional standard deviation of w_1.  The gap is second
 * order in the spread: with w = m + d, E[d] = 0, E[exp(w)] = exp(m)(I +
 * O(|d|^2)), and the projection keeps only the antisymmetric part of the
 * second-order term (figure so3-multimarginal-gap).  */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#include "fc_rng.h"
#include "manifold_internal.h"

/* The atoms a_i of w_1 (norms 1.0-1.4, four directions) and their
   weights; the truncated Gaussian of w_2.  Chosen so that alpha_1 |a_i -
   a_j| and alpha_2 s are comparable on the paths below: the conditional
   law of w_1 given x is spread over two or more atoms (spread > 1e-4) at
   about half of the samples of x, concentrated on one at the others.  */
static const double mf_mm_atom[MF_MM_ATOMS][3] = {
  { 1.0, 0.2, -0.3 }, { -0.4, 1.1, 0.5 }, { 0.3, -0.6, 1.2 },
  { -0.9, -0.7, -0.4 },
};
static const double mf_mm_weight[MF_MM_ATOMS] = { 0.4, 0.3, 0.2, 0.1 };
static const double mf_mm_mu[3] = { 0.6, -0.3, 0.4 };
#define MF_MM_SCALE 0.6
#define MF_MM_RADIUS (M_PI - MF_CUT_MARGIN)

/* Points (alpha_1, alpha_2) and velocities (alpha_1', alpha_2') on two
   paths from e_0 (alpha_0 = 1 - alpha_1 - alpha_2): the straight one to
   the edge midpoint e_12, (t/2, t/2), and a bent one, (t(1+t)/2,
   t(1-t)/2), at t = 1/4, 1/2, 3/4.  */
static void
mf_mm_config (int c, double alpha[2], double dalpha[2])
{
  double t = 0.25 * (double) (1 + c % 3);
  if (c < 3)
    {
      alpha[0] = alpha[1] = 0.5 * t;
      dalpha[0] = dalpha[1] = 0.5;
    }
  else
    {
      alpha[0] = 0.5 * t * (1.0 + t), alpha[1] = 0.5 * t * (1.0 - t);
      dalpha[0] = 0.5 + t, dalpha[1] = 0.5 - t;
    }
}

/* ----------------------------------------------------- SO(3) helpers */

static double
mf_norm3 (const double a[3])
{
  return sqrt (a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
}

/* u <- J(v) u, J the right Jacobian of exp: exp(v)^T d exp(v + e u)/de at
   e = 0 is hat(J(v) u), J(v) = I - a hat(v) + b hat(v)^2 with a = (1 -
   cos th)/th^2 = 2 sin^2(th/2)/th^2 (no cancellation) and b = (th - sin
   th)/th^3, both by their Taylor series below th = 0.1 (terms to th^8;
   the first omitted, th^10/12! and th^10/13!, are < 3e-19 there; the
   closed form of b loses 6 eps/th^2 to cancellation, 1.3e-13 relative at
   th = 0.1).  GSL has no SO(3) Jacobian.  */
static void
mf_right_jacobian (const double v[3], double u[3])
{
  double th = mf_norm3 (v), a, b;
  if (th < 0.1)
    {
      double q = th * th;
      a = 0.5 - q / 24.0 + q * q / 720.0 - q * q * q / 40320.0
          + q * q * q * q / 3628800.0;
      b = 1.0 / 6.0 - q / 120.0 + q * q / 5040.0 - q * q * q / 362880.0
          + q * q * q * q / 39916800.0;
    }
  else
    {
      double sh = sin (0.5 * th);
      a = 2.0 * sh * sh / (th * th);
      b = (th - sin (th)) / (th * th * th);
    }
  double c[3] = { v[1] * u[2] - v[2] * u[1], v[2] * u[0] - v[0] * u[2],
                  v[0] * u[1] - v[1] * u[0] };
  double cc[3] = { v[1] * c[2] - v[2] * c[1], v[2] * c[0] - v[0] * c[2],
                   v[0] * c[1] - v[1] * c[0] };
  for (int i = 0; i < 3; i++)
    u[i] += -a * c[i] + b * cc[i];
}

/* The velocity of exp at v in the direction u, as a 3 x 3 matrix:
   V = exp(v) hat(J(v) u) (the tangent vector x0 V at x0 exp(v), with
   x0 = I).  */
int
mf_exp_velocity (const double v[3], const double u[3], double V[9])
{
  double ju[3] = { u[0], u[1], u[2] }, E[9], H[9];
  mf_right_jacobian (v, ju);
  int status = fc_so3_exp (v, E);
  if (!status)
    status = fc_so3_hat (ju, H);
  if (!status)
    mf_mul (E, H, V);
  return status;
}

/* The rotation vector of the rotation nearest to M (Frobenius): Kabsch
   with x_i = e_i, y_i = M e_i, which minimises ||R - M||_F; its distance
   ||M - R||_F into *OFF.  */
static int
mf_project_log (const double M[9], double w[3], double *off)
{
  static const double eye[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  double mt[9], R[9];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      mt[3 * i + j] = M[3 * j + i];
  int status = fc_so3_kabsch (3, eye, mt, R);
  if (status)
    return status;
  double s = 0.0;
  for (int i = 0; i < 9; i++)
    s += (M[i] - R[i]) * (M[i] - R[i]);
  *off = sqrt (s);
  return fc_so3_log (R, w);
}

/* ---------------------------------------------- the vertices (HOLDS) */

/* X_i = S_i A_i^T B_i for N Haar pairs (A_i, B_i) (scratch, 9 N each) at
   distance in [DMIN, pi - MF_CUT_MARGIN): d(S_i, X_i) = d(A_i, B_i), so
   X_i lies within the cut locus of the anchor S_i.  */
int
mf_points_around (unsigned long seed, size_t n, double dmin, const double *S,
                  double *A, double *B, double *X)
{
  int status = mf_pairs (seed, n, dmin, M_PI, A, B);
  for (size_t i = 0; i < n && !status; i++)
    {
      double ab[9];
      mf_mul_t (A + 9 * i, B + 9 * i, ab);
      mf_mul (S + 9 * i, ab, X + 9 * i);
    }
  return status;
}

/* Max over N configurations (x0, x_1..x_MF_MM_VERTICES) and k of d(x(e_k),
   x_k), the interpolant's argument scaled by SCALE (1: as stated).  */
static int
mf_mm_vertices (unsigned long seed, size_t n, double scale, double *worst)
{
  enum { K = MF_MM_VERTICES };
  size_t nk = n * K;
  double *P = malloc (36 * nk * sizeof (double));
  if (P == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  double *A = P, *B = P + 9 * nk, *S = P + 18 * nk, *Y = P + 27 * nk;
  /* x0 Haar, repeated as the anchor of its K vertices.  */
  int status = fc_so3_haar (fc_rng_stream_seed (seed, 1), n, A);
  for (size_t c = 0; c < nk; c++)
    for (int i = 0; i < 9; i++)
      S[9 * c + i] = A[9 * (c / K) + i];
  if (!status)
    status = mf_points_around (fc_rng_stream_seed (seed, 0), nk, 0.0, S, A, B,
                               Y);
  *worst = 0.0;
  for (size_t c = 0; c < n && !status; c++)
    {
      const double *x0 = S + 9 * c * K, *xk = Y + 9 * c * K;
      double w[K][3];
      for (int k = 0; k < K && !status; k++)
        status = mf_log_body (x0, xk + 9 * k, w[k]);
      for (int k = 0; k < K && !status; k++)
        {
          double v[3] = { 0.0, 0.0, 0.0 }, x[9];
          for (int j = 0; j < K; j++)
            for (int i = 0; i < 3; i++)
              v[i] += (j == k ? 1.0 : 0.0) * w[j][i];
          for (int i = 0; i < 3; i++)
            v[i] *= scale;
          for (int i = 0; i < 9; i++)
            x[i] = x0[i];
          status = mf_step (x, v);
          *worst = fmax (*worst, fc_so3_dist (x, xk + 9 * k));
        }
    }
  free (P);
  return status;
}

/* --------------------------------------- the conditional law given x */

/* The law of the example: the atoms used (one in the deterministic
   control) and whether the conditional weights are the posterior's or,
   in the prior_weights control, the prior's.  */
typedef struct
{
  int atoms;
  int prior_weights;
} mf_mm_law;

/* The conditional weights P(w_1 = a_i | v) into P (atoms) and w_2 given
   atom i into W2 (atoms x 3), at ALPHA.  */
static void
mf_mm_posterior (const mf_mm_law *law, const double alpha[2],
                 const double v[3], double *p, double (*w2)[3])
{
  double lmax = -INFINITY, lw[MF_MM_ATOMS];
  for (int i = 0; i < law->atoms; i++)
    {
      double q = 0.0;
      for (int j = 0; j < 3; j++)
        {
          w2[i][j] = (v[j] - alpha[0] * mf_mm_atom[i][j]) / alpha[1];
          double z = (w2[i][j] - mf_mm_mu[j]) / MF_MM_SCALE;
          q += z * z;
        }
      lw[i] = log (mf_mm_weight[i]);
      if (!law->prior_weights)
        lw[i] = mf_norm3 (w2[i]) < MF_MM_RADIUS ? lw[i] - 0.5 * q : -INFINITY;
      lmax = fmax (lmax, lw[i]);
    }
  double z = 0.0;
  for (int i = 0; i < law->atoms; i++)
    z += p[i] = exp (lw[i] - lmax);
  for (int i = 0; i < law->atoms; i++)
    p[i] /= z;
}

/* At one sample v of x(alpha) (given ALPHA, DALPHA), the two sides of the
   note's "inequality" and the two velocities: L, R (3 each), and into
   OUT: |L - R|, ||exact - note's||_F/sqrt 2, |L|, the larger distance of
   E[x_k | x] from SO(3), the conditional standard deviation of w_1
   (sqrt E[|w_1 - E[w_1 | v]|^2 | v]; that of w_2 is alpha_1/alpha_2
   times it), and E[w_1 | v] into G1.  */
typedef struct
{
  double gap, err, size_l, off, spread;
  double l[3], r[3], g1[3];
} mf_mm_point;

static int
mf_mm_at (const mf_mm_law *law, const double alpha[2], const double dalpha[2],
          const double v[3], mf_mm_point *out)
{
  double p[MF_MM_ATOMS], w2[MF_MM_ATOMS][3], m1[9] = { 0 }, m2[9] = { 0 };
  double g2[3] = { 0, 0, 0 }, e[9];
  mf_mm_posterior (law, alpha, v, p, w2);
  for (int j = 0; j < 3; j++)
    out->g1[j] = 0.0;
  int status = GSL_SUCCESS;
  for (int i = 0; i < law->atoms && !status; i++)
    {
      for (int j = 0; j < 3; j++)
        {
          out->g1[j] += p[i] * mf_mm_atom[i][j];
          g2[j] += p[i] * w2[i][j];
        }
      status = fc_so3_exp (mf_mm_atom[i], e);
      for (int j = 0; j < 9; j++)
        m1[j] += p[i] * e[j];
      if (!status)
        status = fc_so3_exp (w2[i], e);
      for (int j = 0; j < 9; j++)
        m2[j] += p[i] * e[j];
    }
  double r1[3], r2[3], off1, off2, vhat[3], d[3], ve[9], va[9];
  if (!status)
    status = mf_project_log (m1, r1, &off1);
  if (!status)
    status = mf_project_log (m2, r2, &off2);
  for (int j = 0; j < 3; j++)
    {
      out->l[j] = dalpha[0] * out->g1[j] + dalpha[1] * g2[j];
      out->r[j] = dalpha[0] * r1[j] + dalpha[1] * r2[j];
      vhat[j] = alpha[0] * r1[j] + alpha[1] * r2[j];
      d[j] = out->l[j] - out->r[j];
    }
  if (!status)
    status = mf_exp_velocity (v, out->l, ve);
  if (!status)
    status = mf_exp_velocity (vhat, out->r, va);
  double s = 0.0;
  for (int j = 0; j < 9; j++)
    s += (ve[j] - va[j]) * (ve[j] - va[j]);
  out->gap = mf_norm3 (d);
  out->err = sqrt (0.5 * s);
  out->size_l = mf_norm3 (out->l);
  out->off = fmax (off1, off2);
  out->spread = 0.0;
  for (int i = 0; i < law->atoms; i++)
    for (int j = 0; j < 3; j++)
      out->spread += p[i] * (mf_mm_atom[i][j] - out->g1[j])
                     * (mf_mm_atom[i][j] - out->g1[j]);
  out->spread = sqrt (out->spread);
  return status;
}

/* A joint draw: atom index by its weight, w_2 by rejection from the
   Gaussian (acceptance > 0.99), v = alpha_1 a_i + alpha_2 w_2.  */
static void
mf_mm_draw (gsl_rng *r, const mf_mm_law *law, const double alpha[2],
            double w1[3], double v[3])
{
  double u = gsl_rng_uniform (r) * (law->atoms == 1 ? 0.0 : 1.0), c = 0.0;
  int i = 0;
  for (; i < law->atoms - 1; i++)
    if (u < (c += mf_mm_weight[i]))
      break;
  double w2[3];
  do
    for (int j = 0; j < 3; j++)
      w2[j] = mf_mm_mu[j] + gsl_ran_gaussian (r, MF_MM_SCALE);
  while (mf_norm3 (w2) >= MF_MM_RADIUS);
  for (int j = 0; j < 3; j++)
    {
      w1[j] = mf_mm_atom[i][j];
      v[j] = alpha[0] * w1[j] + alpha[1] * w2[j];
    }
}

/* What the conditional study measures over every configuration.  */
typedef struct
{
  double gap_max, err_max, gap_ss, size_ss, err_ss, off_max, z_max;
  double ratio_max; /* max |L - R| / spread^2 */
  size_t n, below, comps;
} mf_mm_stats;

/* N joint samples at configuration C: the gap, the error, the
   componentwise comparison L_j <= R_j, and the orthogonality z of
   v . (w_1 - E[w_1 | v]).  */
static int
mf_mm_config_study (gsl_rng *r, const mf_mm_law *law, int c, size_t n,
                    double *ortho, mf_mm_stats *st, mf_figures *fig)
{
  double alpha[2], dalpha[2];
  mf_mm_config (c, alpha, dalpha);
  int status = GSL_SUCCESS;
  for (size_t s = 0; s < n && !status; s++)
    {
      double w1[3], v[3];
      mf_mm_point pt;
      mf_mm_draw (r, law, alpha, w1, v);
      status = mf_mm_at (law, alpha, dalpha, v, &pt);
      st->gap_max = fmax (st->gap_max, pt.gap);
      st->err_max = fmax (st->err_max, pt.err);
      st->gap_ss += pt.gap * pt.gap;
      st->err_ss += pt.err * pt.err;
      st->size_ss += pt.size_l * pt.size_l;
      st->off_max = fmax (st->off_max, pt.off);
      if (pt.spread > MF_MM_SPREAD_MIN)
        st->ratio_max = fmax (st->ratio_max, pt.gap / (pt.spread * pt.spread));
      if (fig != NULL && s < MF_MM_FIG_PER)
        {
          size_t k = (size_t) c * MF_MM_FIG_PER + s;
          fig->mm.spread[k] = pt.spread;
          fig->mm.gap[k] = pt.gap;
          fig->mm.err[k] = pt.err;
        }
      for (int j = 0; j < 3; j++)
        st->below += pt.l[j] <= pt.r[j];
      st->comps += 3;
      ortho[s] = 0.0;
      for (int j = 0; j < 3; j++)
        ortho[s] += v[j] * (w1[j] - pt.g1[j]);
    }
  st->n += n;
  /* z of the mean against its standard error; an all-zero sample (one
     atom: w_1 = E[w_1 | v] exactly) has z = 0.  */
  double mean = gsl_stats_mean (ortho, 1, n);
  double se = gsl_stats_sd_m (ortho, 1, n, mean) / sqrt ((double) n);
  double z = se > 0.0 ? fabs (mean) / se : (mean == 0.0 ? 0.0 : INFINITY);
  st->z_max = fmax (st->z_max, z);
  return status;
}

/* The round-off bands of the EXACT figures in the exact case (one atom):
   each log_{x0}(E[x_k | x]) is off by one projection of a rotation (a few
   eps) and one log (MF_SO3_ROUNDOFF), so |L - R| <= 2 MF_SO3_ROUNDOFF
   sum_k |alpha_k'| and |v - v^| <= 2 MF_SO3_ROUNDOFF; the velocity adds
   |v - v^| |R| times the Lipschitz constants of exp and J (at most 1 and
   1/2), |R| <= pi sum_k |alpha_k'|.  Doubled, over the configurations.  */
static void
mf_mm_bands (double *band_gap, double *band_err)
{
  double big = 0.0;
  for (int c = 0; c < MF_MM_CONFIGS; c++)
    {
      double alpha[2], dalpha[2];
      mf_mm_config (c, alpha, dalpha);
      big = fmax (big, fabs (dalpha[0]) + fabs (dalpha[1]));
    }
  *band_gap = 4.0 * MF_SO3_ROUNDOFF * big;
  *band_err = 4.0 * MF_SO3_ROUNDOFF * big * (1.0 + 1.5 * M_PI);
}

int
mf_check_m8 (const fc_run_options *opt, fc_verdict *v)
{
  const mf_sizes *sz = FC_SIZES (mf_size_plan, opt);
  int variant = fc_control_variant (opt);
  double scale = variant == MF_M8_PERTURBED_INTERPOLANT ? 1.0 + MF_M8_PERTURB
                                                         : 1.0;
  mf_mm_law law = { variant == MF_M8_DETERMINISTIC ? 1 : MF_MM_ATOMS,
                    variant == MF_M8_PRIOR_WEIGHTS };
  double vertex = 0.0, *ortho = malloc (sz->m8_eval * sizeof (double));
  gsl_rng *r = fc_rng_alloc (fc_module_seed (opt, MF_TAG_M8 + 1), 0);
  int status = ortho == NULL || r == NULL ? GSL_ENOMEM : GSL_SUCCESS;
  if (!status)
    status = mf_mm_vertices (fc_module_seed (opt, MF_TAG_M8), sz->m8_n, scale,
                             &vertex);
  mf_mm_stats st = { 0 };
  for (int c = 0; c < MF_MM_CONFIGS && !status; c++)
    status = mf_mm_config_study (r, &law, c, sz->m8_eval, ortho, &st,
                                 opt->figures);
  if (!status && opt->figures != NULL)
    ((mf_figures *) opt->figures)->mm.done = 1;
  free (ortho);
  gsl_rng_free (r);
  if (status)
    GSL_ERROR ("M8 failed", status);
  double band_vertex = 4.0 * MF_SO3_ROUNDOFF, band_gap, band_err;
  mf_mm_bands (&band_gap, &band_err);
  fc_verdict_decide (v, FC_TEST_HOLDS, "vertex_err", vertex, band_vertex,
                     vertex <= band_vertex);
  fc_verdict_decide (v, FC_TEST_VALID, "orthogonality_z", st.z_max,
                     MF_M8_Z_BAND, st.z_max <= MF_M8_Z_BAND);
  fc_verdict_decide (v, FC_TEST_EXACT, "gap_max", st.gap_max, band_gap,
                     st.gap_max <= band_gap);
  fc_verdict_decide (v, FC_TEST_EXACT, "approx_err_max", st.err_max, band_err,
                     st.err_max <= band_err);
  double n = (double) st.n;
  double gap_rms = sqrt (st.gap_ss / n), size_rms = sqrt (st.size_ss / n);
  double err_rms = sqrt (st.err_ss / n);
  double below = (double) st.below / (double) st.comps;
  fc_verdict_report (v, "gap_rms", gap_rms, NAN);
  fc_verdict_report (v, "lhs_rms", size_rms, NAN);
  fc_verdict_report (v, "approx_err_rms", err_rms, NAN);
  fc_verdict_report (v, "mean_off_so3_max", st.off_max, NAN);
  fc_verdict_report (v, "lhs_le_rhs_fraction", below, NAN);
  fc_verdict_report (v, "gap_over_spread2_max", st.ratio_max, NAN);
  fc_verdict_note (v, "vertices %.3g; %zu x: |L-R| max %.3g rms %.3g (|L| "
                   "rms %.3g), velocity error max %.3g rms %.3g (bands %.2g, "
                   "%.2g); |E[x_k|x] - SO(3)| <= %.3g; L_j <= R_j in %.2f",
                   vertex, st.n, st.gap_max, gap_rms, size_rms, st.err_max,
                   err_rms, band_gap, band_err, st.off_max, below);
  return GSL_SUCCESS;
}
