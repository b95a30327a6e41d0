/* src/fc_flow.h -- a normalizing flow in the plane: a composition of
 * invertible layers with exact inverses and log-determinants.
 *
 * The lecture's warm-up (L "Warmup: normalizing flow"): z ~ N(0, I),
 * x = f_L o ... o f_1 (z), with h_0 = z, h_j = f_j (h_{j-1}), h_L = x, and
 *
 *   log p(x) = log N(z(x); 0, I) + sum_j log |det d h_{j-1} / d h_j|,
 *
 * z(x) = g_1 o ... o g_L (x), g_j = f_j^{-1}.  Two kinds of layer, both
 * with closed-form inverse and log-determinant:
 *
 *   coupling  (affine coupling, one coordinate conditions the other):
 *             y_a = x_a,  y_b = x_b exp(s(x_a)) + m(x_a),
 *             log |det dy/dx| = s(x_a);
 *             s(x_a) = S_MAX tanh(c_s . tanh(w x_a + b)),
 *             m(x_a) = c_m . tanh(w x_a + b)
 *             (one hidden layer of FC_FLOW_HIDDEN units, fixed random
 *             weights: a conditioner need not be inverted, only evaluated);
 *   linear    y = W x + c with W = P L U stored as its LU factors
 *             (gsl_linalg_LU_decomp); log |det| = gsl_linalg_LU_lndet,
 *             inverse by gsl_linalg_LU_solve.
 *
 * fc_flow_random alternates them: coupling on coordinate 1 given 0,
 * linear, coupling on 0 given 1, linear, ...  Everything is 2-D (the
 * lecture's picture; claim T1 integrates the density over the plane).
 * Bad arguments (NULL, n = 0 with data, a layer index out of range) give
 * GSL_EINVAL through GSL_ERROR.  */
#ifndef FC_FLOW_H
#define FC_FLOW_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FC_FLOW_DIM 2
#define FC_FLOW_HIDDEN 8
#define FC_FLOW_MAX_LAYERS 32
#define FC_FLOW_COND_MAX 3.0

typedef enum
{
  FC_FLOW_COUPLING = 0,
  FC_FLOW_LINEAR
} fc_flow_layer_kind;

typedef struct
{
  fc_flow_layer_kind kind;
  /* coupling: the conditioning coordinate a, the transformed one b = 1 - a,
     the hidden layer (w, b) and the heads c_s, c_m, the bound s_max.  */
  int cond;
  double w[FC_FLOW_HIDDEN], b[FC_FLOW_HIDDEN];
  double cs[FC_FLOW_HIDDEN], cm[FC_FLOW_HIDDEN];
  double s_max;
  /* linear: W (row-major), its LU factors, permutation, shift c, and
     log |det W|.  */
  double W[4], lu[4], shift[2];
  size_t perm[2];
  int signum;
  double log_abs_det;
} fc_flow_layer;

typedef struct
{
  size_t n_layers;
  fc_flow_layer layer[FC_FLOW_MAX_LAYERS];
} fc_flow;

/* A flow of N_COUPLING coupling layers, each followed by a linear layer,
   with weights drawn from stream (SEED, 0): hidden weights N(0, 1), heads
   N(0, SCALE^2 / FC_FLOW_HIDDEN), s_max = 1; W = I + N(0, 0.3^2) entries
   (redrawn until its condition number is below FC_FLOW_COND_MAX), shift
   N(0, 0.3^2).  The bound keeps the composed density free of ridges
   thinner than a histogram cell resolves.
   N_COUPLING in 1 .. FC_FLOW_MAX_LAYERS / 2; SCALE >= 0.  */
int
fc_flow_random (fc_flow *flow, size_t n_coupling, double scale,
                unsigned long seed);

/* Layer J (0-based: f_{J+1}) forward: Y (n, 2) = f (X); LOGDET (n) +=
   log |det df/dx| unless NULL.  X and Y may be the same array.  */
int
fc_flow_layer_forward (const fc_flow *flow, size_t j, size_t n,
                       const double *x, double *y, double *logdet);

/* Layer J inverse: X (n, 2) = f^{-1} (Y); LOGDET (n) += log |det
   df^{-1}/dy| = -log |det df/dx| at x, unless NULL.  In place allowed.  */
int
fc_flow_layer_inverse (const fc_flow *flow, size_t j, size_t n,
                       const double *y, double *x, double *logdet);

/* The composition x = f_L o ... o f_1 (z) with LOGDET (n) = sum of the
   layers' log |det df_j| (set, not added; may be NULL).  */
int
fc_flow_forward (const fc_flow *flow, size_t n, const double *z, double *x,
                 double *logdet);

/* z = g_1 o ... o g_L (x) with LOGDET (n) = sum_j log |det d h_{j-1} /
   d h_j| (set; may be NULL).  */
int
fc_flow_inverse (const fc_flow *flow, size_t n, const double *x, double *z,
                 double *logdet);

/* LOGP (n) = log N(z(x); 0, I) + sum_j log |det d h_{j-1}/d h_j|.  */
int
fc_flow_log_density (const fc_flow *flow, size_t n, const double *x,
                     double *logp);

/* N draws X (n, 2) = f (z), z ~ N(0, I) by fc_rng_gaussian_fill (SEED,
   0): independent of the thread count.  */
int
fc_flow_sample (const fc_flow *flow, unsigned long seed, size_t n, double *x);

/* The largest factor by which a layer can amplify a relative rounding
   error through a forward and inverse pass: cond(W) for a linear layer,
   exp(2 s_max) for a coupling (its scale exp(s) and inverse exp(-s));
   the product over layers.  The unit of the round-trip band.  */
double
fc_flow_condition (const fc_flow *flow);

#ifdef __cplusplus
}
#endif
#endif /* FC_FLOW_H */
