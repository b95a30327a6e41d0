/* src/fc_path_field.h -- the exact path of mixture data as callbacks.
 *
 * fc_path.h evaluates the marginal path of data q (a prepared fc_gmm) under
 * a schedule; the numerical machinery takes callbacks: fc_fd.h a
 * density-field pair, fc_ode.h a velocity with its divergence, fc_study.h a
 * way to draw points from p_t.  The adapters below bridge the two, with the
 * small params structs they read.  Also the two scales of p_t the studies
 * need: a box holding it and the shortest length or time over which it
 * varies.  */
#ifndef FC_PATH_FIELD_H
#define FC_PATH_FIELD_H

#include <stddef.h>
#include "fc_gmm.h"
#include "fc_schedule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The marginal path of data G under schedule S. */
typedef struct
{
  const fc_gmm *g; /* prepared */
  fc_schedule s;
} fc_path_field_params;

/* An fc_density_field_fn: P (n) = p_t(x) = exp(log p_t(x)) and U (n, D) =
   u_t(x), PARAMS an fc_path_field_params.  Status of fc_path_eval_many.  */
int
fc_path_field_density (double t, size_t n, const double *x, double *p,
                       double *u, void *params);

/* An fc_velocity_fn: U (n, D) = u_t(x) and, when DIV is not NULL, DIV (n) =
   div u_t(x), PARAMS an fc_path_field_params.  */
int
fc_path_field_velocity (double t, size_t n, const double *x, double *u,
                        double *div, void *params);

/* Where the points of a study come from: the law of
   x_t = alpha_t x1 + sigma_t x0, x0 ~ N(0, I), with x1 ~ G, or with x1 = X1
   fixed (a conditional path p_t(x | x1)) when G is NULL.  */
typedef struct
{
  fc_schedule s;
  size_t dim;
  const fc_gmm *g;  /* the data law, or NULL */
  const double *x1; /* (D) the fixed endpoint when G is NULL */
} fc_path_field_source;

/* An fc_study_points_fn: N draws X (n, D) of x_t at time T, PARAMS an
   fc_path_field_source.  x1 from stream fc_rng_stream_seed (SEED, 1), x0
   from fc_rng_stream_seed (SEED, 2) (fc_rng_gaussian_fill).  */
int
fc_path_field_points (double t, unsigned long seed, size_t n, double *x,
                      void *params);

/* X1 (n, D): N draws of the data law G.  When some component is singular
   (all_pd = 0) every component must be a point mass (zero covariance, as
   fc_gmm_point_masses builds): the draws are then component means chosen by
   weight (gsl_ran_discrete).  Otherwise fc_gmm_sample.  */
int
fc_path_field_sample_data (const fc_gmm *g, unsigned long seed, size_t n,
                           double *x1);

/* Half-width of a centred box holding p_t for data G, ALPHA = alpha_t,
   SIGMA2 = sigma_t^2: every component mean alpha mu_k plus three standard
   deviations of its widest axis.  */
double
fc_path_field_box (const fc_gmm *g, double alpha, double sigma2);

/* The shortest scale on which p_t varies, minimised over the N_TIMES times
   TIMES (all in (0, 1)): in x, sigma_t (every component of p_t is at least
   that wide); in t, the time over which alpha or sigma changes by its own
   size, 1/(|alpha'/alpha| + |sigma'/sigma|).  Into *ELL; the status of
   fc_schedule_eval.  */
int
fc_path_field_scale (fc_schedule s, size_t n_times, const double *times,
                     double *ell);

#ifdef __cplusplus
}
#endif
#endif /* FC_PATH_FIELD_H */
