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

/* Points per fc_guide_eval call of gd_formula_grad: its (D, D) moments per
   point stay a few MB at D = 80.  */
#define GD_FORMULA_CHUNK 64

/* Scratch of gd_formula_grad: the Tweedie moments of a chunk of points
   and the per-point m x m system.  */
typedef struct
{
  double *x1hat, *jac, *cov; /* (chunk, D), (D, D), (chunk, D, D) */
  double *sig, *r, *v;       /* (m, m), (m), (D) */
  double *cat;               /* (D, m) */
} gd_formula_work;

static void
gd_formula_work_free (gd_formula_work *w)
{
  free (w->x1hat), free (w->jac), free (w->cov);
  free (w->sig), free (w->r), free (w->v), free (w->cat);
}

static int
gd_formula_work_alloc (gd_formula_work *w, size_t n, size_t d, size_t m)
{
  w->x1hat = gd_alloc (n * d), w->jac = gd_alloc (d * d);
  w->cov = gd_alloc (n * d * d);
  w->sig = gd_alloc (m * m), w->r = gd_alloc (m), w->v = gd_alloc (d);
  w->cat = gd_alloc (d * m);
  if (w->x1hat && w->jac && w->cov && w->sig && w->r && w->v && w->cat)
    return GSL_SUCCESS;
  gd_formula_work_free (w);
  GSL_ERROR ("no memory for the gradient formula", GSL_ENOMEM);
}

/* SIG (m, m) = sigma_y^2 I + A M A^T with M (D, D) = SCALE * C (C NULL:
   the identity), through CAT (D, m) = C A^T: m D^2 + m^2 D products.  */
static void
gd_formula_sigma (const fc_obs *obs, const double *c, double scale,
                  double *cat, double *sig)
{
  size_t m = obs->m, d = obs->dim;
  for (size_t p = 0; p < d; p++)
    for (size_t k = 0; k < m; k++)
      {
        const double *ak = obs->a + k * d;
        double sum = 0.0;
        if (c == NULL)
          sum = ak[p];
        else
          for (size_t q = 0; q < d; q++)
            sum += c[p * d + q] * ak[q];
        cat[p * m + k] = sum;
      }
  for (size_t i = 0; i < m; i++)
    for (size_t k = 0; k < m; k++)
      {
        const double *ai = obs->a + i * d;
        double sum = 0.0;
        for (size_t p = 0; p < d; p++)
          sum += ai[p] * cat[p * m + k];
        sig[i * m + k] = scale * sum + (i == k ? gsl_pow_2 (obs->sigma_y) : 0.0);
      }
}

/* G (D) = JJ^T A^T SIG^{-1} (y - A x1hat) at one point (JJ the Jacobian,
   or c_t times it); SIG is factored in place.  */
static int
gd_formula_point (const fc_obs *obs, const double *x1hat, const double *jj,
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
        g[j] += jj[i * d + j] * w->v[i];
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
                        const double *jac, const double *cov,
                        gd_formula_work *w)
{
  double s2 = sv->sigma2 / gsl_pow_2 (sv->alpha);
  int stated = form == GD_COV_STATED;
  if (kind == FC_GUIDE_LIK_RECONSTRUCTION)
    gd_formula_sigma (set->obs, NULL, gamma * (stated ? s2 : 1.0), w->cat,
                      w->sig);
  else if (stated)
    gd_formula_sigma (set->obs, cov, 1.0, w->cat, w->sig);
  else
    gd_formula_sigma (set->obs, jac, sv->alpha, w->cat, w->sig);
}

/* The matrix the gradient is multiplied by, in place of JAC (D, D): J
   itself, or with WITH_FACTOR c_t J = (alpha' sigma^2 - alpha sigma sigma')
   Cov / sigma^2 (fc_guide.h), finite at alpha = 0 where c_t is not; at
   sigma = 0 (J = I) c_t J = c_t I.  */
static void
gd_formula_factor (const fc_schedule_value *sv, double c, size_t d,
                   double *jac, const double *cov)
{
  for (size_t i = 0; i < d * d; i++)
    jac[i] = sv->sigma2 > 0.0
                 ? (sv->dalpha * sv->sigma2 - sv->alpha * sv->sigma_dsigma)
                       * cov[i] / sv->sigma2
                 : c * jac[i];
}

/* J (D, D) of one point from its covariance COV: J = (alpha / sigma^2)
   Cov (fc_guide.h; sigma > 0), I at sigma = 0 (t = 1).  Asking
   fc_guide_eval for Cov alone halves what it stores per point.  */
static void
gd_formula_jacobian (const fc_schedule_value *sv, size_t d, const double *cov,
                     double *jac)
{
  for (size_t i = 0; i < d; i++)
    for (size_t j = 0; j < d; j++)
      jac[i * d + j] = sv->sigma2 > 0.0
                           ? sv->alpha * cov[i * d + j] / sv->sigma2
                           : (i == j ? 1.0 : 0.0);
}

/* N <= GD_FORMULA_CHUNK points X from GA on.  */
static int
gd_formula_chunk (const gd_setting *set, fc_schedule s,
                  const fc_schedule_value *sv, double c, fc_guide_lik kind,
                  double gamma, gd_cov_form form, int with_factor, size_t n,
                  const double *x, gd_formula_work *w, double *ga)
{
  size_t d = set->dim;
  fc_guide_out out = { 0 };
  out.x1hat = w->x1hat, out.cov = w->cov;
  int status = fc_guide_eval (set->prior, s, sv->t, NULL, n, x, &out);
  for (size_t i = 0; i < n && status == GSL_SUCCESS; i++)
    {
      double *cov = w->cov + i * d * d;
      gd_formula_jacobian (sv, d, cov, w->jac);
      gd_formula_point_sigma (set, sv, kind, gamma, form, w->jac, cov, w);
      if (with_factor)
        gd_formula_factor (sv, c, d, w->jac, cov);
      status = gd_formula_point (set->obs, w->x1hat + i * d, w->jac, w,
                                 ga + i * d);
    }
  return status;
}

int
gd_formula_grad (const gd_setting *set, fc_schedule s, double t,
                 fc_guide_lik kind, double gamma, gd_cov_form form,
                 int with_factor, size_t n, const double *x, double *ga)
{
  size_t d = set->dim, chunk = GSL_MIN (n, (size_t) GD_FORMULA_CHUNK);
  fc_schedule_value sv;
  gd_formula_work w;
  double c;
  int status = fc_schedule_eval (s, t, &sv);
  if (status == GSL_SUCCESS)
    status = fc_guide_factor (s, t, &c);
  if (status == GSL_SUCCESS)
    status = gd_formula_work_alloc (&w, chunk, d, set->obs->m);
  if (status)
    return status;
  for (size_t i = 0; i < n && status == GSL_SUCCESS; i += chunk)
    status = gd_formula_chunk (set, s, &sv, c, kind, gamma, form, with_factor,
                               GSL_MIN (chunk, n - i), x + i * d, &w,
                               ga + i * d);
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
                        : gd_formula_grad (set, s, t, kind, gamma, form, 0, n,
                                           x, ga);
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
