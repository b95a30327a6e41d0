/* experiments/train_cfm_train.c -- the methods of train-cfm: training pairs,
 * the regression targets, the training loop (Tong et al., TMLR 2024,
 * Algorithm 1 (I-CFM) and Algorithm 2 (OT-CFM); Lipman et al. 2023 for fm;
 * L "Flow matching: algorithms").
 *
 * Step k draws a batch of B source points x0, B target points x1, B times
 * t ~ U[0, 1] and B noises eps ~ N(0, I) from streams TC_TAG_TRAIN + 4 k
 * (+0 x0, +1 x1, +2 t and eps), so a run is fixed by the seed.  Then
 *   icfm   x_t = (1 - t) x0 + t x1 + sigma eps,  target x1 - x0;
 *   otcfm  the same after x1 is permuted by the exact OT assignment of the
 *          batch (fc_assign_sqeuclid, squared Euclidean cost).  torchcfm's
 *          OTPlanSampler instead draws B pairs with replacement from the
 *          plan pi (POT's emd, a permutation matrix / B here); using the
 *          permutation itself keeps every point of the batch once (it is
 *          the plan's pairs without the resampling noise);
 *   fm     x_t = t x1 + (1 - (1 - sigma) t) eps, target x1 - (1 - sigma) eps
 *          (eps the Gaussian source draw; torchcfm's
 *          TargetConditionalFlowMatcher, its (x1 - (1 - sigma) x_t) /
 *          (1 - (1 - sigma) t) written with eps).
 * The network v(x, t) (fc_mlp: widths D + 1, 64, 64, 64, D, SELU; PyTorch's
 * default initialisation from stream TC_TAG_INIT) regresses on the target
 * with the mean squared error (fc_mlp_mse_step, torchcfm's
 * torch.mean((vt - ut) ** 2)) and AdamW (lr 1e-3, weight decay 1e-5,
 * PyTorch's betas and eps).  */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#include "fc_assign.h"
#include "fc_io.h"
#include "fc_mlp.h"
#include "fc_rng.h"
#include "train_cfm.h"

const char *const tc_method_names[TC_METHOD_COUNT] = {
  "icfm", "otcfm", "fm", "exact", "exact-fm"
};

/* The buffers of one training batch.  */
typedef struct
{
  size_t b, d;
  double *x0, *x1, *x1p, *te; /* (b, D) each; te: t (b) then eps (b, D) */
  double *in, *target;        /* (b, D + 1), (b, D) */
  size_t *perm;
} tc_batch;

static int
tc_batch_alloc (tc_batch *bt, size_t b, size_t d)
{
  bt->b = b;
  bt->d = d;
  bt->x0 = malloc ((4 * b * d + b + b * (d + 1) + b * d) * sizeof (double));
  bt->perm = malloc (b * sizeof (size_t));
  if (bt->x0 == NULL || bt->perm == NULL)
    {
      free (bt->x0);
      free (bt->perm);
      GSL_ERROR ("no memory", GSL_ENOMEM);
    }
  bt->x1 = bt->x0 + b * d;
  bt->x1p = bt->x1 + b * d;
  bt->te = bt->x1p + b * d;
  bt->in = bt->te + b + b * d;
  bt->target = bt->in + b * (d + 1);
  return GSL_SUCCESS;
}

static void
tc_batch_free (tc_batch *bt)
{
  free (bt->x0);
  free (bt->perm);
}

/* The draws of step K (file comment).  */
static int
tc_batch_draw (tc_batch *bt, const tc_opts *o, const tc_law *source,
               const tc_law *target, size_t k)
{
  unsigned long s = TC_TAG_TRAIN + 4UL * (unsigned long) k;
  size_t b = bt->b, d = bt->d;
  int status = tc_law_sample (source, o->seed, s, b, bt->x0);
  if (status == GSL_SUCCESS)
    status = tc_law_sample (target, o->seed, s + 1, b, bt->x1);
  if (status != GSL_SUCCESS)
    return status;
  gsl_rng *r = fc_rng_alloc (o->seed, s + 2);
  if (r == NULL)
    GSL_ERROR ("no memory", GSL_ENOMEM);
  for (size_t i = 0; i < b; i++)
    bt->te[i] = gsl_rng_uniform (r);
  for (size_t i = 0; i < b * d; i++)
    bt->te[b + i] = gsl_ran_gaussian_ziggurat (r, 1.0);
  gsl_rng_free (r);
  return GSL_SUCCESS;
}

/* Inputs (x_t, t) and targets of the method (file comment).  */
static int
tc_batch_build (tc_batch *bt, tc_method m, double sigma)
{
  size_t b = bt->b, d = bt->d;
  const double *x1 = bt->x1;
  if (m == TC_OTCFM)
    {
      int status = fc_assign_sqeuclid (b, d, bt->x0, bt->x1, bt->perm, NULL);
      if (status != GSL_SUCCESS)
        return status;
      for (size_t i = 0; i < b; i++)
        memcpy (bt->x1p + i * d, bt->x1 + bt->perm[i] * d,
                d * sizeof (double));
      x1 = bt->x1p;
    }
  for (size_t i = 0; i < b; i++)
    {
      double t = bt->te[i];
      const double *eps = bt->te + b + i * d, *a = bt->x0 + i * d,
                   *z = x1 + i * d;
      double *in = bt->in + i * (d + 1), *u = bt->target + i * d;
      for (size_t r = 0; r < d; r++)
        if (m == TC_FM)
          {
            in[r] = t * z[r] + (1.0 - (1.0 - sigma) * t) * eps[r];
            u[r] = z[r] - (1.0 - sigma) * eps[r];
          }
        else
          {
            in[r] = (1.0 - t) * a[r] + t * z[r] + sigma * eps[r];
            u[r] = z[r] - a[r];
          }
      in[d] = t;
    }
  return GSL_SUCCESS;
}

/* The training loop: NET trained in place; the mean loss of the last 1% of
   the steps and the wall-clock seconds into R.  */
static int
tc_train (const tc_opts *o, const tc_law *source, const tc_law *target,
          fc_mlp *net, tc_result *r)
{
  size_t d = tc_law_dim (source);
  fc_adam_config cfg = fc_adam_defaults (1);
  cfg.lr = TC_LR;
  cfg.weight_decay = TC_WEIGHT_DECAY;
  fc_adam *opt = fc_adam_alloc (fc_mlp_n_params (net), &cfg);
  fc_mlp_work *w = fc_mlp_work_alloc (net, o->batch);
  tc_batch bt = { 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
  int status = opt && w ? tc_batch_alloc (&bt, o->batch, d) : GSL_ENOMEM;
  size_t tail = o->steps / 100 > 0 ? o->steps / 100 : 1, every = o->steps / 10;
  double t0 = fc_io_wall_seconds (), tail_sum = 0.0;
  double *grad = w ? fc_mlp_work_grad (w) : NULL;
  for (size_t k = 0; status == GSL_SUCCESS && k < o->steps; k++)
    {
      double loss = NAN;
      status = tc_batch_draw (&bt, o, source, target, k);
      if (status == GSL_SUCCESS)
        status = tc_batch_build (&bt, o->method, o->sigma);
      if (status == GSL_SUCCESS)
        status = fc_mlp_mse_step (net, w, o->batch, bt.in, bt.target, &loss,
                                  grad);
      if (status == GSL_SUCCESS)
        status = fc_adam_step (opt, fc_mlp_params (net), grad);
      if (k + tail >= o->steps)
        tail_sum += loss;
      if (o->progress && every > 0 && (k + 1) % every == 0)
        fprintf (stderr, TC_NAME ": %s step %zu/%zu loss %.4g (%.1f s)\n",
                 tc_method_names[o->method], k + 1, o->steps, loss,
                 fc_io_wall_seconds () - t0);
    }
  r->train_seconds = fc_io_wall_seconds () - t0;
  r->seconds_per_step = o->steps ? r->train_seconds / (double) o->steps : 0;
  r->final_loss = tail_sum / (double) (tail < o->steps ? tail : o->steps);
  if (opt && w)
    tc_batch_free (&bt);
  fc_mlp_work_free (w);
  fc_adam_free (opt);
  return status;
}

static int
tc_run_exact (const tc_opts *o, const tc_law *source, const tc_law *target,
              tc_result *r, double *gen)
{
  fc_gmm *p0 = tc_law_mixture (source, o->seed, TC_TAG_EXACT_SOURCE,
                               o->exact_points);
  fc_gmm *p1 = tc_law_mixture (target, o->seed, TC_TAG_EXACT_TARGET,
                               o->exact_points);
  tc_exact *e = p0 && p1 ? tc_exact_alloc (p0, p1, o->method == TC_EXACT_FM,
                                           o->sigma)
                         : NULL;
  int status = e ? tc_evaluate (tc_exact_velocity, e, source, target, o->seed,
                                o->n_samples, r, gen)
                 : GSL_ENOMEM;
  r->train_seconds = r->seconds_per_step = 0.0;
  r->final_loss = NAN;
  tc_exact_free (e);
  fc_gmm_free (p0);
  fc_gmm_free (p1);
  return status;
}

int
tc_run (const tc_opts *o, const tc_law *source, const tc_law *target,
        tc_result *r, double *gen)
{
  memset (r, 0, sizeof *r);
  if (o->method == TC_EXACT || o->method == TC_EXACT_FM)
    return tc_run_exact (o, source, target, r, gen);
  size_t d = tc_law_dim (source);
  size_t widths[TC_HIDDEN + 2];
  widths[0] = d + 1;
  for (size_t l = 1; l <= TC_HIDDEN; l++)
    widths[l] = TC_WIDTH;
  widths[TC_HIDDEN + 1] = d;
  fc_mlp *net = fc_mlp_alloc (TC_HIDDEN + 1, widths, FC_MLP_SELU);
  int status = net ? fc_mlp_init (net, o->seed, TC_TAG_INIT) : GSL_ENOMEM;
  if (status == GSL_SUCCESS)
    status = tc_train (o, source, target, net, r);
  if (status == GSL_SUCCESS)
    status = tc_evaluate (fc_mlp_velocity, net, source, target, o->seed,
                          o->n_samples, r, gen);
  fc_mlp_free (net);
  return status;
}
