/* derivations/guidance/residual.c -- the density-field pairs of the
 * posterior path whose continuity residual G1, G2 and the exact guided
 * field are judged by (fc_study.h), and the plan of those studies.  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>

#include "fc_path.h"
#include "fc_path_field.h"
#include "guidance_internal.h"

void
gd_add_likelihood_grad (const fc_obs *o, double c, size_t n, const double *x,
                        double *u)
{
  double w = c / (o->sigma_y * o->sigma_y);
  size_t d = o->dim;
  for (size_t i = 0; i < n; i++)
    for (size_t r = 0; r < o->m; r++)
      {
        const double *a = o->a + r * d, *xi = x + i * d;
        double res = o->y[r];
        for (size_t j = 0; j < d; j++)
          res -= a[j] * xi[j];
        for (size_t j = 0; j < d; j++)
          u[i * d + j] += w * a[j] * res;
      }
}

void
gd_axis_stencil (size_t d, size_t n, const double *x, double h, double *xs)
{
  for (size_t b = 0; b < 1 + 2 * d; b++)
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < d; j++)
        {
          double sh = b > 0 && (b - 1) / 2 == j ? ((b - 1) % 2 ? -h : h) : 0.0;
          xs[(b * n + i) * d + j] = x[i * d + j] + sh;
        }
}

int
gd_add_exact_guidance (const gd_setting *set, fc_schedule s, double t,
                       double c, size_t n, const double *x, double *u)
{
  double *g = gd_alloc (n * set->dim); /* (n, D) */
  if (g == NULL)
    GSL_ERROR ("no memory for the guidance term", GSL_ENOMEM);
  fc_guide_out out = { 0 };
  if (isnan (c))
    out.cgrad = g;
  else
    out.grad = g;
  int status = fc_guide_eval (set->prior, s, t, set->obs, n, x, &out);
  double w = isnan (c) ? 1.0 : c;
  for (size_t i = 0; status == GSL_SUCCESS && i < n * set->dim; i++)
    u[i] += w * g[i];
  free (g);
  return status;
}

int
gd_pair_field (double t, size_t n, const double *x, double *p, double *u,
               void *params)
{
  const gd_pair *pp = params;
  const gd_setting *set = pp->set;
  int status;
  if (pp->kind == GD_PAIR_NOTE)
    {
      fc_guide_out out = { 0 };
      out.logh = p;
      status = fc_guide_eval (set->prior, pp->s, t, set->obs, n, x, &out);
    }
  else
    status = fc_path_eval (set->post, pp->s, t, FC_Q_LOGP, n, x, p);
  if (status == GSL_SUCCESS)
    status = fc_path_eval (set->prior, pp->s, t, FC_Q_VELOCITY, n, x, u);
  if (status)
    return status;
  for (size_t i = 0; i < n; i++)
    p[i] = exp (p[i]);
  if (pp->kind == GD_PAIR_POSTULATE)
    gd_add_likelihood_grad (set->obs, pp->c, n, x, u);
  else if (pp->kind == GD_PAIR_SPLIT)
    status = gd_add_exact_guidance (set, pp->s, t, pp->c, n, x, u);
  return status;
}

/* Scale ell of p_t from fc_path_field_scale (the posterior path's
   components are at least sigma_t wide too, and h_t = p_t(x|y) p(y)/p_t(x)
   varies on the same scales).  Order floor: the fitted slope of
   c2 h^2 + c4 h^4 is off by about (c4/c2) h_max^2 ~ (h_max/ell)^2; the
   floor is fc_study.h's 2.5 (h_max/ell)^2 (0.16 linear, 0.11 cosine).  */
int
gd_study_init (fc_order_study *st, const char *name, size_t dim,
               fc_schedule s)
{
  double ell;
  int status = fc_path_field_scale (s, GD_NT, gd_times, &ell);
  if (status == GSL_SUCCESS)
    status = fc_order_study_init (st, name, dim, GD_NT, gd_times, GD_NH,
                                  GD_H_MAX, 2.5 * gsl_pow_2 (GD_H_MAX / ell));
  st->scale = ell;
  return status;
}

int
gd_pair_study (const fc_run_options *opt, const gd_case *cs,
               gd_pair_kind kind, double c, const char *name,
               unsigned long seed, fc_order_study *st)
{
  const gd_sizes *sz = FC_SIZES (gd_sizes_plan, opt);
  gd_pair par = { cs->set, cs->s, kind, c };
  fc_path_field_source src = { cs->s, cs->set->dim, cs->set->post, NULL };
  int status = gd_study_init (st, name, cs->set->dim, cs->s);
  if (status == GSL_SUCCESS)
    status = fc_order_study_run (st, gd_pair_field, &par, fc_path_field_points,
                                 &src, sz->n_points, seed);
  return status;
}

/* The range [*LO, *HI] of the figures of V whose names start with PREFIX;
   their number.  */
static size_t
gd_metric_range (const fc_verdict *v, const char *prefix, double *lo,
                 double *hi)
{
  size_t n = 0, len = strlen (prefix);
  *lo = GSL_POSINF, *hi = GSL_NEGINF;
  for (size_t k = 0; k < v->n_metrics; k++)
    if (strncmp (v->metric[k].name, prefix, len) == 0)
      {
        *lo = GSL_MIN (*lo, v->metric[k].value);
        *hi = GSL_MAX (*hi, v->metric[k].value);
        n++;
      }
  return n;
}

/* "WHAT: rel(h_min) a..b, order c..d" of the studies named PREFIX* into
   BUF (SIZE); empty when V has none.  */
static void
gd_slot_summary (const fc_verdict *v, const char *prefix, const char *what,
                 char *buf, size_t size)
{
  char rel[FC_VERDICT_NAME_LEN], ord[FC_VERDICT_NAME_LEN];
  double r0, r1, o0, o1;
  snprintf (rel, sizeof rel, "rel_hmin_%s", prefix);
  snprintf (ord, sizeof ord, "order_%s", prefix);
  size_t n = gd_metric_range (v, rel, &r0, &r1);
  gd_metric_range (v, ord, &o0, &o1);
  buf[0] = '\0';
  if (n > 0)
    snprintf (buf, size, "%s: rel(h_min) %.2g..%.2g, order %.2f..%.2f (%zu "
              "cases)", what, r0, r1, o0, o1, n);
}

void
gd_note_slots (fc_verdict *v, const char *stated, const char *stated_what,
               const char *ref, const char *ref_what)
{
  char a[FC_VERDICT_NOTE_LEN], b[FC_VERDICT_NOTE_LEN];
  gd_slot_summary (v, stated, stated_what, a, sizeof a);
  gd_slot_summary (v, ref, ref_what, b, sizeof b);
  fc_verdict_note (v, "%s%s%s", a, a[0] && b[0] ? "; " : "", b);
}
