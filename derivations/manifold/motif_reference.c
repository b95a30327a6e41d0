/* derivations/manifold/motif_reference.c -- claim M6's reference values
 * (N §Motif-scafolding with reconstruction guidance): the motif
 * likelihood p(y|x) = int N(y | Q z, sigma^2 I) dQ, z = M x, over
 * normalised Haar measure on SO(3), and its gradient, by two independent
 * quadratures.
 *
 * With H = sum_i z_i y_i^T, |y - Q z|^2 = |y - Q* z|^2 + 2 (tr D - tr(Q H))
 * (manifold_internal.h), so p = N(y | Q* z) I with
 *   I = int exp(beta (tr(Q H) - tr D)) dQ <= 1,  beta = 1/sigma^2,
 * and grad_{z_i} log p = (E[Q]^T y_i - z_i)/sigma^2, E over the tilted
 * law exp(beta tr(Q H)) dQ / I (the posterior of Q).  grad_x = M^T grad_z:
 * the motif rows of x carry it, the others are zero.
 *
 * The 1-D reduction (mf_motif_reference).  Q = V W P U^T maps Haar onto
 * Haar and tr(Q H) = tr(P D); for P the rotation of the unit quaternion
 * q, tr(P D) = sum_k beta_k q_k^2 with beta = (d1+d2+d3, d1-d2-d3,
 * -d1+d2-d3, -d1-d2+d3): I is the Bingham integral E[exp(beta q^T B q)]
 * over the uniform S^3.  In Hopf coordinates q = (c cos a, c sin a,
 * s cos b, s sin b), c^2 = u uniform on [0, 1], a and b uniform, the
 * circle averages are exact Bessel functions: the mean over a of
 * exp(u (B0 cos^2 a + B1 sin^2 a)) is e^{u B0} I0s(u (B0 - B1)/2), and
 * likewise over b, leaving
 *   I = int_0^1 e^{-v (B0 - B2)} I0s(u (B0 - B1)/2) I0s(v (B2 - B3)/2) dv,
 * v = 1 - u, B = beta beta_k, I0s the scaled Bessel function; since
 * d1 >= d2 >= |d3| (proper singular values), B0 - B1, B0 - B2 and B2 - B3
 * are >= 0 and the integrand is at most 1.  E[q_k^2] are the same integrals with u (I0s
 * +- I1s)/2 or v (I0s +- I1s)/2 in place of one factor, and E[P] is
 * diagonal (the sign changes of two axes keep tr(P D)) with E[P_jj]
 * linear in E[q_k^2].  GSL's adaptive Gauss-Kronrod does the 1-D
 * integrals to 1e-12 relative (its error estimate), with a break at
 * v = 60/(B0 - B2) where the integrand's peak at v = 0 is narrow.
 *
 * The angle-axis quadrature (mf_motif_angle_axis), the cross-check and
 * the importance sampler's second moment: Q = Q* R, R = exp(w n), Haar
 * = (1 - cos w)/pi dw dn/(4 pi), and with G = H Q*, tr(Q H) - tr D =
 * -(1 - cos w)(tr G - n^T G n) + sin w tr(hat(n) G).  Gauss-Legendre in
 * w on [0, w_c] and [w_c, pi], w_c = 12 posterior standard deviations,
 * in cos(theta), and the trapezoid rule (spectral for periodic
 * integrands) in the azimuth.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sf_bessel.h>

#include "manifold_internal.h"

/* ---------------------------------------------------- the motif's data */

/* The eigenvalues EV of tr(G) I - sym(G): the posterior precision of the
   rotation vector per beta at small sigma (the Hessian of beta (tr G -
   tr(exp(hat(w)) G)) at w = 0).  */
static int
mf_precision (const double G[9], double ev[3])
{
  double a[9], tr = G[0] + G[4] + G[8];
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      a[3 * i + j] = (i == j ? tr : 0.0) - 0.5 * (G[3 * i + j] + G[3 * j + i]);
  gsl_matrix_view A = gsl_matrix_view_array (a, 3, 3);
  gsl_vector_view E = gsl_vector_view_array (ev, 3);
  gsl_eigen_symm_workspace *w = gsl_eigen_symm_alloc (3);
  if (w == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  int status = gsl_eigen_symm (&A.matrix, &E.vector, w);
  gsl_eigen_symm_free (w);
  return status;
}

int
mf_motif_prepare (mf_motif *m)
{
  double h[9] = { 0 }, v[9], s[3], work[3];
  for (size_t i = 0; i < m->k; i++)
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++)
        h[3 * a + b] += m->z[3 * i + a] * m->y[3 * i + b];
  int status = fc_so3_kabsch (m->k, m->z, m->y, m->qstar);
  if (status)
    return status;
  mf_mul (h, m->qstar, m->G);
  gsl_matrix_view A = gsl_matrix_view_array (h, 3, 3);
  gsl_matrix_view Vm = gsl_matrix_view_array (v, 3, 3);
  gsl_vector_view S = gsl_vector_view_array (s, 3);
  gsl_vector_view Wk = gsl_vector_view_array (work, 3);
  status = gsl_linalg_SV_decomp (&A.matrix, &Vm.matrix, &S.vector, &Wk.vector);
  if (status)
    return status;
  for (int i = 0; i < 9; i++)
    {
      m->U[i] = h[i];
      m->V[i] = v[i];
    }
  /* d = det U det V, the sign that makes V W U^T proper.  */
  double du = h[0] * (h[4] * h[8] - h[5] * h[7])
              - h[1] * (h[3] * h[8] - h[5] * h[6])
              + h[2] * (h[3] * h[7] - h[4] * h[6]);
  double dv = v[0] * (v[4] * v[8] - v[5] * v[7])
              - v[1] * (v[3] * v[8] - v[5] * v[6])
              + v[2] * (v[3] * v[7] - v[4] * v[6]);
  double d = du * dv < 0.0 ? -1.0 : 1.0;
  m->dsv[0] = s[0];
  m->dsv[1] = s[1];
  m->dsv[2] = d * s[2];
  m->wsign = d;
  m->trD = m->dsv[0] + m->dsv[1] + m->dsv[2];
  double r2 = 0.0;
  for (size_t i = 0; i < m->k; i++)
    for (int a = 0; a < 3; a++)
      {
        double qz = m->qstar[3 * a] * m->z[3 * i]
                    + m->qstar[3 * a + 1] * m->z[3 * i + 1]
                    + m->qstar[3 * a + 2] * m->z[3 * i + 2];
        r2 += (m->y[3 * i + a] - qz) * (m->y[3 * i + a] - qz);
      }
  double s2 = m->sigma * m->sigma;
  m->log_pm = -1.5 * (double) m->k * log (2.0 * M_PI * s2) - r2 / (2.0 * s2);
  status = mf_precision (m->G, m->mu);
  double mu = fmin (m->mu[0], fmin (m->mu[1], m->mu[2]));
  m->tau_max = mu > 0.0 ? m->sigma / sqrt (mu) : M_PI;
  return status;
}

/* ------------------------------------------------ the 1-D reduction */

/* The exponents B0 >= B1, B0 >= B2 >= B3 (beta times the quaternion
   coefficients) and which integral: 0 for I, 1 + k for E[q_k^2] I.  */
typedef struct
{
  double b[4];
  int which;
} mf_bingham;

static double
mf_bingham_integrand (double v, void *params)
{
  const mf_bingham *p = params;
  double u = 1.0 - v;
  double xa = 0.5 * u * (p->b[0] - p->b[1]), xc = 0.5 * v * (p->b[2] - p->b[3]);
  double e = exp (-v * (p->b[0] - p->b[2]));
  double ia = gsl_sf_bessel_I0_scaled (xa), ic = gsl_sf_bessel_I0_scaled (xc);
  switch (p->which)
    {
    case 1:
    case 2:
      {
        double ja = gsl_sf_bessel_I1_scaled (xa);
        return u * e * 0.5 * (p->which == 1 ? ia + ja : ia - ja) * ic;
      }
    case 3:
    case 4:
      {
        double jc = gsl_sf_bessel_I1_scaled (xc);
        return v * e * ia * 0.5 * (p->which == 3 ? ic + jc : ic - jc);
      }
    default:
      return e * ia * ic;
    }
}

/* One of the integrals over v in [0, 1], split where the peak at v = 0
   has decayed by e^{-60}, to 1e-12 relative or the absolute error ABS
   (the moments need E[q_k^2] to 1e-13 absolute: ABS = 1e-13 I; those of
   the two last components are O(1/rate) small).  */
static int
mf_bingham_integral (mf_bingham *p, gsl_integration_workspace *ws,
                     double abs, double *value)
{
  gsl_function f = { mf_bingham_integrand, p };
  double rate = p->b[0] - p->b[2], vb = rate > 60.0 ? 60.0 / rate : 1.0;
  double r1, r2 = 0.0, e1, e2;
  int status = gsl_integration_qag (&f, 0.0, vb, abs, 1e-12, 200,
                                    GSL_INTEG_GAUSS41, ws, &r1, &e1);
  /* The tail is below e^{-60} of the peak: to 1e-13 of the first part.  */
  if (!status && vb < 1.0)
    status = gsl_integration_qag (&f, vb, 1.0, fmax (abs, 1e-13 * r1), 1e-12,
                                  200, GSL_INTEG_GAUSS41, ws, &r2, &e2);
  *value = r1 + r2;
  return status;
}

int
mf_motif_reference (const mf_motif *m, double beta, double *log_i,
                    double EQ[9])
{
  const double *d = m->dsv;
  mf_bingham p = { { beta * (d[0] + d[1] + d[2]), beta * (d[0] - d[1] - d[2]),
                     beta * (-d[0] + d[1] - d[2]),
                     beta * (-d[0] - d[1] + d[2]) },
                   0 };
  gsl_integration_workspace *ws = gsl_integration_workspace_alloc (200);
  if (ws == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  double I, mom[4] = { 0 };
  int status = mf_bingham_integral (&p, ws, 0.0, &I);
  for (int k = 0; k < 4 && EQ != NULL && !status; k++)
    {
      p.which = 1 + k;
      status = mf_bingham_integral (&p, ws, 1e-13 * I, &mom[k]);
    }
  gsl_integration_workspace_free (ws);
  if (status)
    GSL_ERROR ("M6 reference quadrature failed", status);
  *log_i = log (I);
  if (EQ == NULL)
    return GSL_SUCCESS;
  /* E[P] = diag(e), P_jj = q0^2 + q_j^2 - (the other two); then E[Q] =
     V W E[P] U^T.  */
  double e[3] = { (mom[0] + mom[1] - mom[2] - mom[3]) / I,
                  (mom[0] - mom[1] + mom[2] - mom[3]) / I,
                  (mom[0] - mom[1] - mom[2] + mom[3]) / I };
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      {
        double acc = 0.0;
        for (int c = 0; c < 3; c++)
          acc += m->V[3 * i + c] * (c == 2 ? m->wsign : 1.0) * e[c]
                 * m->U[3 * j + c];
        EQ[3 * i + j] = acc;
      }
  return GSL_SUCCESS;
}

/* ------------------------------------------- the angle-axis quadrature */

/* Gauss-Legendre nodes and weights of N points on [A, B] into X, W.  */
static int
mf_gauss_legendre (size_t n, double a, double b, double *x, double *w)
{
  gsl_integration_glfixed_table *t = gsl_integration_glfixed_table_alloc (n);
  if (t == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  for (size_t i = 0; i < n; i++)
    gsl_integration_glfixed_point (a, b, i, &x[i], &w[i], t);
  gsl_integration_glfixed_table_free (t);
  return GSL_SUCCESS;
}

int
mf_motif_angle_axis (const mf_motif *m, double beta, double s, int flat,
                     size_t nw, double *log_i, double EQ[9])
{
  size_t na = 2 * nw, np = 2 * nw;
  double *buf = malloc ((4 * na + 2 * nw) * sizeof (double));
  if (buf == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  double *w = buf, *ww = buf + na, *omc = buf + 2 * na, *sw = buf + 3 * na;
  double *ct = buf + 4 * na, *wt = ct + nw;
  /* The posterior standard deviation at this beta sets the split.  */
  double tau = m->tau_max / (m->sigma * sqrt (beta));
  double wc = fmin (M_PI, 12.0 * tau);
  int status = mf_gauss_legendre (nw, 0.0, wc, w, ww);
  if (!status)
    status = mf_gauss_legendre (nw, wc, M_PI, w + nw, ww + nw);
  if (!status)
    status = mf_gauss_legendre (nw, -1.0, 1.0, ct, wt);
  for (size_t a = 0; a < na && !status; a++)
    {
      omc[a] = 2.0 * sin (0.5 * w[a]) * sin (0.5 * w[a]); /* 1 - cos w */
      sw[a] = sin (w[a]);
      ww[a] *= flat ? w[a] * w[a] / (2.0 * M_PI) : omc[a] / M_PI;
      if (s > 0.0) /* divided by q = f(w; s) / ((1 - cos w)/pi) */
        {
          /* Where f underflows (w > 38 s) the integrand exp(-2 beta
             Delta)/q is below e^{-700} (the proposal is wider than the
             posterior, s > tau/sqrt 2): it adds nothing.  */
          double f = fc_so3_igso3_density (w[a], s);
          ww[a] *= f > 0.0 ? omc[a] / (M_PI * f) : 0.0;
        }
    }
  const double *G = m->G;
  double trg = G[0] + G[4] + G[8], total = 0.0, ER[9] = { 0 };
  for (size_t it = 0; it < nw && !status; it++)
    for (size_t ip = 0; ip < np; ip++)
      {
        double st = sqrt (fmax (0.0, 1.0 - ct[it] * ct[it]));
        double phi = 2.0 * M_PI * (double) ip / (double) np;
        double n[3] = { st * cos (phi), st * sin (phi), ct[it] }, N[9];
        double wax = wt[it] / (2.0 * (double) np); /* d cos dphi/(4 pi) */
        fc_so3_hat (n, N);
        double ngn = 0.0, trng = 0.0;
        for (int i = 0; i < 3; i++)
          for (int j = 0; j < 3; j++)
            {
              ngn += n[i] * G[3 * i + j] * n[j];
              trng += N[3 * i + j] * G[3 * j + i];
            }
        double s0 = 0.0, s1 = 0.0, s2 = 0.0;
        for (size_t a = 0; a < na; a++)
          {
            double e = ww[a] * exp (-beta * (omc[a] * (trg - ngn)
                                             - sw[a] * trng));
            s0 += e * (1.0 - omc[a]);
            s1 += e * sw[a];
            s2 += e * omc[a];
          }
        total += wax * (s0 + s2);
        for (int i = 0; i < 3; i++)
          for (int j = 0; j < 3; j++)
            ER[3 * i + j] += wax * ((i == j ? s0 : 0.0) + s1 * N[3 * i + j]
                                    + s2 * n[i] * n[j]);
      }
  free (buf);
  if (status)
    return status;
  *log_i = log (total);
  if (EQ != NULL)
    {
      for (int i = 0; i < 9; i++)
        ER[i] /= total;
      mf_mul (m->qstar, ER, EQ);
    }
  return GSL_SUCCESS;
}
