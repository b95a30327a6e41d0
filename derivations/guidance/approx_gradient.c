/* derivations/guidance/approx_gradient.c -- the gradients G4 and G5
 * compare (N §Guidance term): the exact grad_x log p_t(y|x)
 * (fc_guide_eval), the approximate likelihoods' gradient
 * J^T A^T Sigma^{-1} (y - A x1hat) (fc_guide_approx), and the same
 * gradient with the covariance's time factor dropped (the controls'
 * broken approximation), and the two error measures.  */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>

#include "guidance_internal.h"

double
gd_rel_error (size_t n, size_t w, const double *a, const double *e)
{
  double num = 0.0, den = 0.0;
  for (size_t i = 0; i < n * w; i++)
    {
      num += gsl_pow_2 (a[i] - e[i]);
      den += e[i] * e[i];
    }
  return sqrt (num / den);
}

double
gd_mean_angle (size_t n, size_t d, const double *a, const double *e)
{
  double sum = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      const double *p = a + i * d, *q = e + i * d;
      double dot = 0.0;
      for (size_t j = 0; j < d; j++)
        dot += p[j] * q[j];
      double c = dot / (fc_study_norm (d, p) * fc_study_norm (d, q));
      sum += acos (GSL_MAX (-1.0, GSL_MIN (1.0, c)));
    }
  return sum / (double) n * 180.0 / M_PI;
}

int
gd_exact_grad (const gd_setting *set, fc_schedule s, double t, size_t n,
               const double *x, double *ge)
{
  fc_guide_out out = { 0 };
  out.grad = ge;
  return fc_guide_eval (set->prior, s, t, set->obs, n, x, &out);
}

/* ------------------------------------------- the gradient by its formula */

/* Scratch of gd_formula_grad: the Tweedie moments of the N points and the
   per-point m x m system.  */
typedef struct
{
  double *x1hat, *jac, *cov; /* (n, D), (n, D, D), (n, D, D) */
  double *sig, *r, *v;       /* (m, m), (m), (D) */
} gd_formula_work;

static void
gd_formula_work_free (gd_formula_work *w)
{
  free (w->x1hat), free (w->jac), free (w->cov);
  free (w->sig), free (w->r), free (w->v);
}

static int
gd_formula_work_alloc (gd_formula_work *w, size_t n, size_t d, size_t m)
{
  w->x1hat = gd_alloc (n * d), w->jac = gd_alloc (n * d * d);
  w->cov = gd_alloc (n * d * d);
  w->sig = gd_alloc (m * m), w->r = gd_alloc (m), w->v = gd_alloc (d);
  if (w->x1hat && w->jac && w->cov && w->sig && w->r && w->v)
    return GSL_SUCCESS;
  gd_formula_work_free (w);
  GSL_ERROR ("no memory for the gradient formula", GSL_ENOMEM);
}

/* SIG (m, m) = sigma_y^2 I + A M A^T with M (D, D) = SCALE * C (C NULL:
   the identity).  */
static void
gd_formula_sigma (const fc_obs *obs, const double *c, double scale,
                  double *sig)
{
  size_t m = obs->m, d = obs->dim;
  for (size_t i = 0; i < m; i++)
    for (size_t k = 0; k < m; k++)
      {
        const double *ai = obs->a + i * d, *ak = obs->a + k * d;
        double sum = 0.0;
        for (size_t p = 0; p < d; p++)
          {
            double cak = 0.0;
            if (c == NULL)
              cak = ak[p];
            else
              for (size_t q = 0; q < d; q++)
                cak += c[p * d + q] * ak[q];
            sum += ai[p] * cak;
          }
        sig[i * m + k] = scale * sum + (i == k ? gsl_pow_2 (obs->sigma_y) : 0.0);
      }
}

/* G (D) = J^T A^T SIG^{-1} (y - A x1hat) at one point; SIG is factored in
   place.  */
static int
gd_formula_point (const fc_obs *obs, const double *x1hat, const double *jac,
                  gd_formula_work *w, double *g)
{
  size_t m = obs->m, d = obs->dim;
  for (size_t i = 0; i < m; i++)
    {
      double ax = 0.0;
      for (size_t j = 0; j < d; j++)
        ax += obs->a[i * d + j] * x1hat[j];
      w->r[i] = obs->y[i] - ax;
    }
  gsl_matrix_view s = gsl_matrix_view_array (w->sig, m, m);
  gsl_vector_view r = gsl_vector_view_array (w->r, m);
  int status = gsl_linalg_cholesky_decomp1 (&s.matrix);
  if (status == GSL_SUCCESS)
    status = gsl_linalg_cholesky_svx (&s.matrix, &r.vector);
  for (size_t j = 0; j < d; j++)
    {
      w->v[j] = 0.0;
      for (size_t i = 0; i < m; i++)
        w->v[j] += obs->a[i * d + j] * w->r[i];
    }
  for (size_t j = 0; j < d; j++)
    {
      g[j] = 0.0;
      for (size_t i = 0; i < d; i++)
        g[j] += jac[i * d + j] * w->v[i];
    }
  return status;
}

/* The covariance term of FORM at one point: reconstruction gamma s^2 A A^T
   (s = sigma/alpha), Tweedie A Cov A^T; without the time factor s^2,
   gamma A A^T and A Cov A^T / s^2 = alpha A J A^T (Cov = sigma^2 J /
   alpha, fc_guide.h), whose limit at t = 1 is A A^T.  */
static void
gd_formula_point_sigma (const gd_setting *set, const fc_schedule_value *sv,
                        fc_guide_lik kind, double gamma, gd_cov_form form,
                        const double *jac, const double *cov, double *sig)
{
  double s2 = sv->sigma2 / gsl_pow_2 (sv->alpha);
  int stated = form == GD_COV_STATED;
  if (kind == FC_GUIDE_LIK_RECONSTRUCTION)
    gd_formula_sigma (set->obs, NULL, gamma * (stated ? s2 : 1.0), sig);
  else if (stated)
    gd_formula_sigma (set->obs, cov, 1.0, sig);
  else
    gd_formula_sigma (set->obs, jac, sv->alpha, sig);
}

int
gd_formula_grad (const gd_setting *set, fc_schedule s, double t,
                 fc_guide_lik kind, double gamma, gd_cov_form form, size_t n,
                 const double *x, double *ga)
{
  size_t d = set->dim, m = set->obs->m;
  fc_schedule_value sv;
  gd_formula_work w;
  int status = fc_schedule_eval (s, t, &sv);
  if (status)
    return status;
  status = gd_formula_work_alloc (&w, n, d, m);
  if (status)
    return status;
  fc_guide_out out = { 0 };
  out.x1hat = w.x1hat, out.jac = w.jac, out.cov = w.cov;
  status = fc_guide_eval (set->prior, s, t, NULL, n, x, &out);
  for (size_t i = 0; i < n && status == GSL_SUCCESS; i++)
    {
      gd_formula_point_sigma (set, &sv, kind, gamma, form, w.jac + i * d * d,
                              w.cov + i * d * d, w.sig);
      status = gd_formula_point (set->obs, w.x1hat + i * d, w.jac + i * d * d,
                                 &w, ga + i * d);
    }
  gd_formula_work_free (&w);
  return status;
}

int
gd_approx_grad (const gd_setting *set, fc_schedule s, double t,
                fc_guide_lik kind, double gamma, gd_cov_form form, size_t n,
                const double *x, double *ga, double *note)
{
  if (form != GD_COV_STATED)
    return note != NULL ? GSL_EINVAL
                        : gd_formula_grad (set, s, t, kind, gamma, form, n, x,
                                           ga);
  fc_guide_approx_out ao = { 0 };
  ao.grad = ga, ao.note = note;
  return fc_guide_approx (set->prior, s, t, set->obs, kind, gamma, n, x, &ao);
}

int
gd_grad_work_alloc (gd_grad_work *w, size_t n, size_t d)
{
  w->n = n, w->d = d;
  w->x = gd_alloc (n * d), w->ge = gd_alloc (n * d);
  w->ga = gd_alloc (n * d), w->nv = gd_alloc (n * d);
  if (w->x && w->ge && w->ga && w->nv)
    return GSL_SUCCESS;
  GSL_ERROR ("no memory for the gradient study", GSL_ENOMEM);
}

void
gd_grad_work_free (gd_grad_work *w)
{
  free (w->x), free (w->ge), free (w->ga), free (w->nv);
}
