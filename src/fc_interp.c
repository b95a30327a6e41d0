/* src/fc_interp.c -- the barycentric interpolant x(beta) = sum_k beta_k x_k
 * with independent Gaussian-mixture marginals (fc_interp.h; N §Albergo et
 * al. 2023, N §Non-linear multimarginal interpolant).
 *
 * Every call at coefficients beta first builds a "frame": for each tuple c
 * of components the mean m_c = sum_k beta_k mu_{k c_k}, the lower Cholesky
 * factor L_c of C_c = sum_k beta_k^2 S_{k c_k} and log det C_c.  The frame
 * is computed once per call (never per point) and shared read-only by the
 * threads.  At a point x and for each tuple,
 *
 *   z_c = L_c^{-1} (x - m_c)            (forward substitution)
 *   v_c = L_c^{-T} z_c = C_c^{-1} (x - m_c)   (back substitution)
 *   log(w_c N(x; m_c, C_c)) = log w_c - (D log 2 pi + log det C_c + |z_c|^2)/2,
 *
 * the tuple posterior r_c = P(c | x) follows by log-sum-exp, and
 *
 *   g_k(x) = sum_c r_c (mu_{k c_k} + beta_k S_{k c_k} v_c),
 *   b(x)   = sum_c r_c (sum_k dbeta_k mu_{k c_k}
 *                       + sum_k dbeta_k beta_k S_{k c_k} v_c).
 *
 * Points are evaluated alone, in fixed chunks under OpenMP, so results are
 * bitwise the same for any thread count.  */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "fc_chol.h"
#include "fc_interp.h"
#include "fc_rng.h"

/* Points per OpenMP work item of the evaluation kernels.  Each point is
   computed alone, so the value only sets the granularity.  */
#define FC_INTERP_CHUNK 256

struct fc_interp
{
  size_t n_marg;    /* K + 1 */
  size_t dim;       /* D */
  size_t n_tuples;  /* T = prod_k n_comp(rho_k) */
  fc_gmm **marg;    /* (K + 1) prepared copies */
  size_t *tuple;    /* (T, K + 1) component index of each marginal */
  double *log_w;    /* (T) sum_k log w_{k c_k} */
};

/* The per-call frame at coefficients beta (see the file comment).  */
typedef struct
{
  size_t n_tuples, dim;
  double *mean;     /* (T, D) m_c */
  double *chol;     /* (T, D, D) L_c, lower */
  double *log_norm; /* (T) log w_c - (D log 2 pi + log det C_c) / 2 */
} fc_interp_frame;

/* Per-thread scratch of the point kernel.  */
typedef struct
{
  double *lp;  /* (T) log w_c N(x; m_c, C_c), then r_c */
  double *v;   /* (T, D) C_c^{-1} (x - m_c) */
} fc_interp_work;

/* ------------------------------------------------------------ building */

void
fc_interp_free (fc_interp *ip)
{
  if (ip == NULL)
    return;
  if (ip->marg != NULL)
    for (size_t k = 0; k < ip->n_marg; k++)
      fc_gmm_free (ip->marg[k]);
  free (ip->marg);
  free (ip->tuple);
  free (ip->log_w);
  free (ip);
}

/* The argument checks of fc_interp_alloc; the tuple count into *N_TUPLES.
   A product above FC_INTERP_MAX_TUPLES is refused before it can overflow,
   since each factor is checked against the cap as it is multiplied in.  */
static int
fc_interp_check_marginals (size_t n_marg, const fc_gmm *const *marg,
                           size_t *n_tuples)
{
  if (n_marg < 2 || marg == NULL)
    GSL_ERROR ("interpolant needs at least 2 marginals", GSL_EINVAL);
  size_t t = 1;
  for (size_t k = 0; k < n_marg; k++)
    {
      if (marg[k] == NULL)
        GSL_ERROR ("marginal is NULL", GSL_EINVAL);
      if (marg[k]->dim != marg[0]->dim)
        GSL_ERROR ("marginals have different dimensions", GSL_EBADLEN);
      if (marg[k]->n_comp > FC_INTERP_MAX_TUPLES / t)
        GSL_ERROR ("too many component tuples (FC_INTERP_MAX_TUPLES)",
                   GSL_EINVAL);
      t *= marg[k]->n_comp;
    }
  *n_tuples = t;
  return GSL_SUCCESS;
}

/* Copy and prepare marginal K; every component must be positive definite
   (fc_interp.h: C_c at a vertex is a component's covariance).  */
static int
fc_interp_copy_marginal (fc_interp *ip, size_t k, const fc_gmm *g)
{
  ip->marg[k] = fc_gmm_clone (g);
  if (ip->marg[k] == NULL)
    GSL_ERROR ("cannot copy marginal", GSL_ENOMEM);
  int status = fc_gmm_prepare (ip->marg[k]);
  if (status != GSL_SUCCESS)
    return status;
  if (!ip->marg[k]->all_pd)
    GSL_ERROR ("a marginal component is not positive definite", GSL_EDOM);
  return GSL_SUCCESS;
}

/* Enumerate the tuples in mixed radix, marginal 0 slowest and marginal K
   fastest: tuple index = ((c_0 n_1 + c_1) n_2 + c_2) ...  */
static void
fc_interp_enumerate (fc_interp *ip)
{
  size_t nm = ip->n_marg;
  for (size_t c = 0; c < ip->n_tuples; c++)
    {
      size_t rest = c;
      double lw = 0.0;
      for (size_t k = nm; k-- > 0;)
        {
          size_t nk = ip->marg[k]->n_comp;
          ip->tuple[c * nm + k] = rest % nk;
          rest /= nk;
          lw += ip->marg[k]->log_weight[ip->tuple[c * nm + k]];
        }
      ip->log_w[c] = lw;
    }
}

fc_interp *
fc_interp_alloc (size_t n_marginals, const fc_gmm *const *marginals)
{
  size_t nt = 0;
  if (fc_interp_check_marginals (n_marginals, marginals, &nt) != GSL_SUCCESS)
    return NULL;
  fc_interp *ip = calloc (1, sizeof *ip);
  if (ip == NULL)
    GSL_ERROR_NULL ("cannot allocate interpolant", GSL_ENOMEM);
  ip->n_marg = n_marginals;
  ip->dim = marginals[0]->dim;
  ip->n_tuples = nt;
  ip->marg = calloc (n_marginals, sizeof (fc_gmm *));
  ip->tuple = malloc (nt * n_marginals * sizeof (size_t));
  ip->log_w = malloc (nt * sizeof (double));
  if (ip->marg == NULL || ip->tuple == NULL || ip->log_w == NULL)
    {
      fc_interp_free (ip);
      GSL_ERROR_NULL ("cannot allocate interpolant", GSL_ENOMEM);
    }
  for (size_t k = 0; k < n_marginals; k++)
    if (fc_interp_copy_marginal (ip, k, marginals[k]) != GSL_SUCCESS)
      {
        fc_interp_free (ip);
        return NULL;
      }
  fc_interp_enumerate (ip);
  return ip;
}

size_t
fc_interp_dim (const fc_interp *ip)
{
  return ip->dim;
}

size_t
fc_interp_n_marginals (const fc_interp *ip)
{
  return ip->n_marg;
}

size_t
fc_interp_n_tuples (const fc_interp *ip)
{
  return ip->n_tuples;
}

const fc_gmm *
fc_interp_marginal (const fc_interp *ip, size_t k)
{
  if (ip == NULL || k >= ip->n_marg)
    GSL_ERROR_NULL ("marginal index out of range", GSL_EINVAL);
  return ip->marg[k];
}

/* --------------------------------------------------------------- frame */

static void
fc_interp_frame_free (fc_interp_frame *f)
{
  free (f->mean);
  free (f->chol);
  free (f->log_norm);
}

/* Mean and covariance of tuple C at BETA into M (D) and S (D, D).  */
static void
fc_interp_tuple_moments (const fc_interp *ip, size_t c, const double *beta,
                         double *m, double *s)
{
  size_t d = ip->dim;
  memset (m, 0, d * sizeof (double));
  memset (s, 0, d * d * sizeof (double));
  for (size_t k = 0; k < ip->n_marg; k++)
    {
      const fc_gmm *g = ip->marg[k];
      size_t ck = ip->tuple[c * ip->n_marg + k];
      const double *mu = g->mean + ck * d, *sk = g->cov + ck * d * d;
      double b = beta[k], b2 = b * b;
      for (size_t i = 0; i < d; i++)
        m[i] += b * mu[i];
      for (size_t i = 0; i < d * d; i++)
        s[i] += b2 * sk[i];
    }
}

/* Build the frame at BETA.  GSL_EDOM when BETA has a non-finite entry or
   some C_c is not positive definite (BETA not admissible).  */
static int
fc_interp_frame_init (const fc_interp *ip, const double *beta,
                      fc_interp_frame *f)
{
  size_t d = ip->dim, nt = ip->n_tuples;
  memset (f, 0, sizeof *f);
  for (size_t k = 0; k < ip->n_marg; k++)
    if (!isfinite (beta[k]))
      GSL_ERROR ("coefficient beta is not finite", GSL_EDOM);
  f->n_tuples = nt;
  f->dim = d;
  f->mean = malloc (nt * d * sizeof (double));
  f->chol = malloc (nt * d * d * sizeof (double));
  f->log_norm = malloc (nt * sizeof (double));
  double *s = malloc (d * d * sizeof (double));
  if (f->mean == NULL || f->chol == NULL || f->log_norm == NULL || s == NULL)
    {
      free (s);
      fc_interp_frame_free (f);
      GSL_ERROR ("cannot allocate interpolant frame", GSL_ENOMEM);
    }
  int ok = 1;
  for (size_t c = 0; c < nt && ok; c++)
    {
      double *l = f->chol + c * d * d;
      fc_interp_tuple_moments (ip, c, beta, f->mean + c * d, s);
      ok = fc_chol_lower (d, s, l);
      double log_det = 0.0;
      for (size_t i = 0; i < d && ok; i++)
        log_det += 2.0 * log (l[i * d + i]);
      f->log_norm[c] = ip->log_w[c]
                       - 0.5 * ((double) d * log (2.0 * M_PI) + log_det);
    }
  free (s);
  if (!ok)
    {
      fc_interp_frame_free (f);
      GSL_ERROR ("beta not admissible: a tuple covariance "
                 "sum_k beta_k^2 S_k is not positive definite", GSL_EDOM);
    }
  return GSL_SUCCESS;
}

/* ---------------------------------------------------------- point kernel */

static int
fc_interp_work_alloc (fc_interp_work *w, size_t nt, size_t d)
{
  w->lp = malloc (nt * sizeof (double));
  w->v = malloc (nt * d * sizeof (double));
  return w->lp != NULL && w->v != NULL;
}

static void
fc_interp_work_free (fc_interp_work *w)
{
  free (w->lp);
  free (w->v);
}

/* At the point X: W->v[c] = C_c^{-1} (x - m_c) by two triangular solves
   on L_c, W->lp[c] = r_c = P(c | x) by log-sum-exp shifted by the largest
   term.  Returns log rho(beta, x).  */
static double
fc_interp_point_posterior (const fc_interp_frame *f, const double *x,
                           fc_interp_work *w)
{
  size_t d = f->dim;
  double lmax = -INFINITY;
  for (size_t c = 0; c < f->n_tuples; c++)
    {
      const double *l = f->chol + c * d * d, *m = f->mean + c * d;
      double *v = w->v + c * d;
      for (size_t i = 0; i < d; i++)
        v[i] = x[i] - m[i];
      double quad = fc_chol_solve (d, l, v, v);
      w->lp[c] = f->log_norm[c] - 0.5 * quad;
      lmax = GSL_MAX (lmax, w->lp[c]);
    }
  double sum = 0.0;
  for (size_t c = 0; c < f->n_tuples; c++)
    sum += exp (w->lp[c] - lmax);
  double lse = lmax + log (sum);
  for (size_t c = 0; c < f->n_tuples; c++)
    w->lp[c] = exp (w->lp[c] - lse);
  return lse;
}

/* OUT (D) += r (a MU + b S v): one tuple's share of a conditional mean.  */
static void
fc_interp_accumulate (size_t d, double r, double a, const double *mu,
                      double b, const double *s, const double *v, double *out)
{
  for (size_t i = 0; i < d; i++)
    {
      double sv = 0.0;
      for (size_t j = 0; j < d; j++)
        sv += s[i * d + j] * v[j];
      out[i] += r * (a * mu[i] + b * sv);
    }
}

/* g_k at one point from the posterior in W: G is (K+1, n, D) with this
   point's rows at G + k * STRIDE.  */
static void
fc_interp_point_g (const fc_interp *ip, const double *beta, const
                   fc_interp_work *w, size_t stride, double *g)
{
  size_t d = ip->dim, nm = ip->n_marg;
  for (size_t k = 0; k < nm; k++)
    memset (g + k * stride, 0, d * sizeof (double));
  for (size_t c = 0; c < ip->n_tuples; c++)
    for (size_t k = 0; k < nm; k++)
      {
        const fc_gmm *m = ip->marg[k];
        size_t ck = ip->tuple[c * nm + k];
        fc_interp_accumulate (d, w->lp[c], 1.0, m->mean + ck * d, beta[k],
                              m->cov + ck * d * d, w->v + c * d,
                              g + k * stride);
      }
}

/* b = sum_k dbeta_k g_k at one point, summed per tuple so that no (K+1, D)
   scratch is needed.  */
static void
fc_interp_point_b (const fc_interp *ip, const double *beta,
                   const double *dbeta, const fc_interp_work *w, double *b)
{
  size_t d = ip->dim, nm = ip->n_marg;
  memset (b, 0, d * sizeof (double));
  for (size_t c = 0; c < ip->n_tuples; c++)
    for (size_t k = 0; k < nm; k++)
      {
        const fc_gmm *m = ip->marg[k];
        size_t ck = ip->tuple[c * nm + k];
        fc_interp_accumulate (d, w->lp[c], dbeta[k], m->mean + ck * d,
                              dbeta[k] * beta[k], m->cov + ck * d * d,
                              w->v + c * d, b);
      }
}

/* ---------------------------------------------------------- batch driver */

/* What one batch computes: LOG_RHO (n) and G (K+1, n, D), or the velocity
   B (n, D) along DBETA.  NULL outputs are skipped.  */
typedef struct
{
  const double *dbeta;
  double *log_rho;
  double *g;
  double *b;
} fc_interp_request;

static void
fc_interp_point (const fc_interp *ip, const double *beta,
                 const fc_interp_frame *f, const fc_interp_request *rq,
                 size_t n, size_t i, const double *x, fc_interp_work *w)
{
  size_t d = ip->dim;
  double lse = fc_interp_point_posterior (f, x + i * d, w);
  if (rq->log_rho != NULL)
    rq->log_rho[i] = lse;
  if (rq->g != NULL)
    fc_interp_point_g (ip, beta, w, n * d, rq->g + i * d);
  if (rq->b != NULL)
    fc_interp_point_b (ip, beta, rq->dbeta, w, rq->b + i * d);
}

/* OpenMP over fixed chunks of points with one workspace per thread; the
   frame is built once for the whole call.  */
static int
fc_interp_batch (const fc_interp *ip, const double *beta, size_t n,
                 const double *x, const fc_interp_request *rq)
{
  if (ip == NULL || beta == NULL || (n > 0 && x == NULL))
    GSL_ERROR ("NULL interpolant, beta or points", GSL_EINVAL);
  fc_interp_frame f;
  int status = fc_interp_frame_init (ip, beta, &f);
  if (status != GSL_SUCCESS)
    return status;
  size_t n_chunks = (n + FC_INTERP_CHUNK - 1) / FC_INTERP_CHUNK;
  int failed = 0;

#pragma omp parallel if (n_chunks > 1)
  {
    fc_interp_work w;
    if (!fc_interp_work_alloc (&w, ip->n_tuples, ip->dim))
      {
#pragma omp atomic write
        failed = 1;
      }
#pragma omp for schedule(static)
    for (size_t c = 0; c < n_chunks; c++)
      {
        size_t i1 = GSL_MIN ((c + 1) * FC_INTERP_CHUNK, n);
        for (size_t i = c * FC_INTERP_CHUNK; i < i1 && w.lp && w.v; i++)
          fc_interp_point (ip, beta, &f, rq, n, i, x, &w);
      }
    fc_interp_work_free (&w);
  }
  fc_interp_frame_free (&f);
  if (failed)
    GSL_ERROR ("cannot allocate interpolant workspace", GSL_ENOMEM);
  return GSL_SUCCESS;
}

int
fc_interp_eval (const fc_interp *ip, const double *beta, size_t n,
                const double *x, double *log_rho, double *g)
{
  fc_interp_request rq = { NULL, log_rho, g, NULL };
  return fc_interp_batch (ip, beta, n, x, &rq);
}

int
fc_interp_velocity (const fc_interp *ip, const double *beta,
                    const double *dbeta, size_t n, const double *x,
                    double *b)
{
  if (dbeta == NULL || (n > 0 && b == NULL))
    GSL_ERROR ("NULL dbeta or output", GSL_EINVAL);
  if (ip != NULL)
    for (size_t k = 0; k < ip->n_marg; k++)
      if (!isfinite (dbeta[k]))
        GSL_ERROR ("coefficient derivative dbeta is not finite", GSL_EDOM);
  fc_interp_request rq = { dbeta, NULL, NULL, b };
  return fc_interp_batch (ip, beta, n, x, &rq);
}

/* ------------------------------------------------------------- mixture */

fc_gmm *
fc_interp_mixture (const fc_interp *ip, const double *beta)
{
  if (ip == NULL || beta == NULL)
    GSL_ERROR_NULL ("NULL interpolant or beta", GSL_EINVAL);
  fc_interp_frame f;
  if (fc_interp_frame_init (ip, beta, &f) != GSL_SUCCESS)
    return NULL;
  size_t d = ip->dim, nt = ip->n_tuples;
  fc_gmm *g = fc_gmm_alloc (d, nt);
  double *s = malloc (d * d * sizeof (double));
  double *m = malloc (d * sizeof (double));
  int status = g != NULL && s != NULL && m != NULL ? GSL_SUCCESS : GSL_ENOMEM;
  /* Weights shifted by the largest log weight so that a product of small
     weights cannot underflow to 0; fc_gmm_prepare normalises them.  */
  double lmax = -INFINITY;
  for (size_t c = 0; c < nt; c++)
    lmax = GSL_MAX (lmax, ip->log_w[c]);
  for (size_t c = 0; c < nt && status == GSL_SUCCESS; c++)
    {
      fc_interp_tuple_moments (ip, c, beta, m, s);
      status = fc_gmm_set_component (g, c, exp (ip->log_w[c] - lmax), m, s);
    }
  if (status == GSL_SUCCESS)
    status = fc_gmm_prepare (g);
  free (s);
  free (m);
  fc_interp_frame_free (&f);
  if (status != GSL_SUCCESS)
    {
      fc_gmm_free (g);
      GSL_ERROR_NULL ("cannot build the mixture of x(beta)", status);
    }
  return g;
}

/* ------------------------------------------------------------ sampling */

/* Draw from component K of the prepared, positive-definite mixture G:
   mu + L z with D standard normals from R.  */
static void
fc_interp_draw (const fc_gmm *g, size_t k, gsl_rng *r, double *z, double *x)
{
  size_t d = g->dim;
  const double *mu = g->mean + k * d, *l = g->chol + k * d * d;
  fc_rng_gaussian_batch (r, d, z);
  for (size_t i = 0; i < d; i++)
    {
      double acc = mu[i];
      for (size_t j = 0; j <= i; j++)
        acc += l[i * d + j] * z[j];
      x[i] = acc;
    }
}

/* Draws [c FC_RNG_CHUNK, end) from stream (SEED, STREAM_BASE + c).  For
   each draw and each marginal in order: a component, then D normals, so a
   draw's numbers depend on neither n nor beta.  XK_ROW (K+1, D) is the
   scratch for the draw's x_k when XK is NULL.  */
static void
fc_interp_sample_chunk (const fc_interp *ip, gsl_ran_discrete_t *const *tab,
                        gsl_rng *r, const double *beta, unsigned long seed,
                        unsigned long stream, size_t c, size_t n, double *x,
                        double *xk, double *xk_row, double *z)
{
  size_t d = ip->dim, nm = ip->n_marg;
  size_t i1 = GSL_MIN ((c + 1) * FC_RNG_CHUNK, n);
  fc_rng_reseed (r, seed, stream);
  for (size_t i = c * FC_RNG_CHUNK; i < i1; i++)
    {
      for (size_t k = 0; k < nm; k++)
        {
          double *row = xk != NULL ? xk + (k * n + i) * d : xk_row + k * d;
          size_t comp = gsl_ran_discrete (r, tab[k]);
          fc_interp_draw (ip->marg[k], comp, r, z, row);
          if (x == NULL)
            continue;
          for (size_t j = 0; j < d; j++)
            x[i * d + j] = (k == 0 ? 0.0 : x[i * d + j]) + beta[k] * row[j];
        }
    }
}

static void
fc_interp_tables_free (gsl_ran_discrete_t **tab, size_t nm)
{
  if (tab == NULL)
    return;
  for (size_t k = 0; k < nm; k++)
    if (tab[k] != NULL)
      gsl_ran_discrete_free (tab[k]);
  free (tab);
}

/* The component tables of every marginal, or NULL.  */
static gsl_ran_discrete_t **
fc_interp_tables (const fc_interp *ip)
{
  gsl_ran_discrete_t **tab = calloc (ip->n_marg, sizeof *tab);
  int ok = tab != NULL;
  for (size_t k = 0; ok && k < ip->n_marg; k++)
    {
      tab[k] = gsl_ran_discrete_preproc (ip->marg[k]->n_comp,
                                         ip->marg[k]->weight);
      ok = tab[k] != NULL;
    }
  if (!ok)
    {
      fc_interp_tables_free (tab, ip->n_marg);
      return NULL;
    }
  return tab;
}

int
fc_interp_sample (const fc_interp *ip, const double *beta, unsigned long seed,
                  unsigned long stream_base, size_t n, double *x, double *xk)
{
  if (ip == NULL || (x != NULL && beta == NULL))
    GSL_ERROR ("NULL interpolant or beta", GSL_EINVAL);
  if (x != NULL)
    for (size_t k = 0; k < ip->n_marg; k++)
      if (!isfinite (beta[k]))
        GSL_ERROR ("coefficient beta is not finite", GSL_EDOM);
  gsl_ran_discrete_t **tab = fc_interp_tables (ip);
  if (tab == NULL)
    GSL_ERROR ("cannot build component tables", GSL_ENOMEM);
  size_t d = ip->dim, nm = ip->n_marg;
  size_t n_chunks = (n + FC_RNG_CHUNK - 1) / FC_RNG_CHUNK;
  int failed = 0;

#pragma omp parallel if (n_chunks > 1)
  {
    gsl_rng *r = gsl_rng_alloc (fc_rng_mt19937);
    double *z = malloc (d * sizeof (double));
    double *row = malloc (nm * d * sizeof (double));
    if (r == NULL || z == NULL || row == NULL)
      {
#pragma omp atomic write
        failed = 1;
      }
#pragma omp for schedule(static)
    for (size_t c = 0; c < n_chunks; c++)
      if (r != NULL && z != NULL && row != NULL)
        fc_interp_sample_chunk (ip, tab, r, beta, seed,
                                stream_base + (unsigned long) c, c, n, x, xk,
                                row, z);
    free (row);
    free (z);
    gsl_rng_free (r);
  }
  fc_interp_tables_free (tab, nm);
  if (failed)
    GSL_ERROR ("cannot allocate sampling workspace", GSL_ENOMEM);
  return GSL_SUCCESS;
}

/* ------------------------------------------------------ Gaussian speed */

/* E||b||^2 for one-component marginals.  With P = sum_k dbeta_k beta_k S_k
   (symmetric) and C = L L^T, M C M^T = P C^{-1} P, so
   tr(M C M^T) = ||L^{-1} P||_F^2: one Cholesky factor and D forward
   solves, no inverse.  */
int
fc_interp_gaussian_speed2 (const fc_interp *ip, const double *beta,
                           const double *dbeta, double *speed2)
{
  if (ip == NULL || beta == NULL || dbeta == NULL || speed2 == NULL)
    GSL_ERROR ("NULL argument", GSL_EINVAL);
  if (ip->n_tuples != 1)
    GSL_ERROR ("closed-form speed needs Gaussian marginals "
               "(one component each)", GSL_EINVAL);
  for (size_t k = 0; k < ip->n_marg; k++)
    if (!isfinite (dbeta[k]))
      GSL_ERROR ("coefficient derivative dbeta is not finite", GSL_EDOM);
  fc_interp_frame f;
  int status = fc_interp_frame_init (ip, beta, &f);
  if (status != GSL_SUCCESS)
    return status;
  size_t d = ip->dim;
  double *p = calloc (d * d, sizeof (double));
  double *mb = calloc (d, sizeof (double));
  if (p == NULL || mb == NULL)
    {
      free (p);
      free (mb);
      fc_interp_frame_free (&f);
      GSL_ERROR ("cannot allocate speed workspace", GSL_ENOMEM);
    }
  for (size_t k = 0; k < ip->n_marg; k++)
    {
      const fc_gmm *g = ip->marg[k];
      for (size_t i = 0; i < d; i++)
        mb[i] += dbeta[k] * g->mean[i];
      for (size_t i = 0; i < d * d; i++)
        p[i] += dbeta[k] * beta[k] * g->cov[i];
    }
  double s2 = 0.0;
  for (size_t i = 0; i < d; i++)
    s2 += mb[i] * mb[i];
  /* Column j of Y = L^{-1} P by forward substitution, in place in P.  */
  const double *l = f.chol;
  for (size_t j = 0; j < d; j++)
    for (size_t i = 0; i < d; i++)
      {
        double acc = p[i * d + j];
        for (size_t q = 0; q < i; q++)
          acc -= l[i * d + q] * p[q * d + j];
        p[i * d + j] = acc / l[i * d + i];
        s2 += p[i * d + j] * p[i * d + j];
      }
  *speed2 = s2;
  free (p);
  free (mb);
  fc_interp_frame_free (&f);
  return GSL_SUCCESS;
}
