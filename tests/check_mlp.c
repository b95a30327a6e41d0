/* tests/check_mlp.c -- the network and optimiser of fc_mlp.h:
 *   - forward pass against a plain triple loop, within the round-off band
 *     of dot products (below);
 *   - gradients of the mean-squared loss (parameters and inputs) against
 *     central differences, for every activation;
 *   - Adam and AdamW against the textbook formulas, two steps;
 *   - save / load round trip to the bit, and every refusal of the reader;
 *   - evaluation in chunks equal to the training forward pass, and the
 *     same numbers at 1 and 2 threads (forward, gradient, evaluation);
 *   - seeded initialisation, error paths.
 *
 * Central differences.  For a coordinate e of the parameters, with
 * L(s) = loss (theta + s e), the difference (L(h) - L(-h)) / (2h) has
 * truncation error h^2 |L'''| / 6 and round-off error about
 * eps_L / h, where eps_L is the absolute error of one evaluation of L.
 * h = (3 eps)^(1/3) (about 8.7e-6) balances the two when |L'''| ~ |L|.
 * The band is
 *     TOL_FD = h^2 M3 / 3 + R eps |L| / h,
 * M3 = |L'''| estimated by the five-point third difference with step
 * H = 1e-3 (its own error O(H^2) is far below the band), doubled so that
 * the maximum over [-h, h] is covered; R = the sum of the widths, the
 * round-off growth of the products and sums one evaluation makes (each
 * output is a chain of dot products of those lengths).  A wrong gradient
 * entry is off by O(|dL/dtheta|), far outside a band of order 1e-10.
 *
 * Round-off of the forward pass: an output computed by dot products of
 * lengths w[l] has error at most about (sum_l w[l]) eps times the same
 * network evaluated on absolute values (|W| |h| + |b|, activations
 * Lipschitz 1.1 at most); the reference below computes both.  */
#include <config.h>

#include <gsl/gsl_rng.h>

#include "fc_check.h"
#include "fc_mlp.h"
#include "fc_rng.h"
#include "unit_fixtures.h"

#define SEED 20240501UL
#define FD_H cbrt (3.0 * GSL_DBL_EPSILON)
#define FD_H3 1e-3

static const size_t WIDTHS[] = { 3, 5, 4, 2 }; /* L = 3 */
#define N_LAYERS 3
#define N_POINTS 7
#define SUM_WIDTHS 14.0

static fc_mlp *
make_net (fc_mlp_activation act, unsigned long stream)
{
  fc_mlp *net = fc_mlp_alloc (N_LAYERS, WIDTHS, act);
  ck_assert_ptr_nonnull (net);
  ck_assert_int_eq (fc_mlp_init (net, SEED, stream), GSL_SUCCESS);
  return net;
}

/* N points (n, dim), standard normal, from stream (SEED, STREAM).  */
static double *
gaussian_points (size_t n, size_t dim, unsigned long stream)
{
  double *x = malloc (n * dim * sizeof (double));
  ck_assert_ptr_nonnull (x);
  ck_assert_int_eq (fc_rng_gaussian_fill (SEED, stream, n * dim, x),
                    GSL_SUCCESS);
  return x;
}

/* ------------------------------------------------------------ reference */

static double
act_ref (fc_mlp_activation a, double x)
{
  switch (a)
    {
    case FC_MLP_SELU:
      return 1.0507009873554804934 * (x > 0 ? x : 1.6732632423543772848 * (exp (x) - 1));
    case FC_MLP_RELU:
      return x > 0 ? x : 0.0;
    case FC_MLP_TANH:
      return tanh (x);
    default:
      return x * 0.5 * erfc (-x / sqrt (2.0));
    }
}

/* The network at one point X by plain loops; SCALE (w[L]) the same
   network on absolute values (weights, biases and inputs), times 1.1 per
   activation, for the round-off band.  */
static void
forward_ref (const fc_mlp *net, const double *x, double *out, double *scale)
{
  const double *theta = fc_mlp_params_const (net);
  double h[16], a[16], hn[16], an[16];
  size_t L = fc_mlp_n_layers (net), off = 0;
  for (size_t i = 0; i < fc_mlp_input_dim (net); i++)
    {
      h[i] = x[i];
      a[i] = fabs (x[i]);
    }
  for (size_t l = 0; l < L; l++)
    {
      size_t k = fc_mlp_width (net, l), m = fc_mlp_width (net, l + 1);
      const double *w = theta + off, *b = theta + off + m * k;
      for (size_t j = 0; j < m; j++)
        {
          double s = b[j], sa = fabs (b[j]);
          for (size_t i = 0; i < k; i++)
            {
              s += w[j * k + i] * h[i];
              sa += fabs (w[j * k + i]) * a[i];
            }
          hn[j] = l + 1 < L ? act_ref (fc_mlp_act (net), s) : s;
          an[j] = l + 1 < L ? 1.1 * sa : sa;
        }
      memcpy (h, hn, m * sizeof (double));
      memcpy (a, an, m * sizeof (double));
      off += m * (k + 1);
    }
  memcpy (out, h, fc_mlp_output_dim (net) * sizeof (double));
  memcpy (scale, a, fc_mlp_output_dim (net) * sizeof (double));
}

FC_LOOP_TEST ("forward", test_forward_matches_plain_loops, FC_MLP_N_ACTIVATIONS)
{
  fc_mlp *net = make_net ((fc_mlp_activation) _i, 10);
  double *x = gaussian_points (N_POINTS, 3, 20);
  double out[N_POINTS * 2], ref[2], scale[2];
  fc_mlp_work *w = fc_mlp_work_alloc (net, N_POINTS);
  ck_assert_int_eq (fc_mlp_forward (net, w, N_POINTS, x, out), GSL_SUCCESS);
  for (size_t p = 0; p < N_POINTS; p++)
    {
      forward_ref (net, x + 3 * p, ref, scale);
      for (size_t j = 0; j < 2; j++)
        fc_ck_assert_abs (out[2 * p + j], ref[j],
                          TOL_EPS (SUM_WIDTHS) * scale[j],
                          "%s point %zu output %zu",
                          fc_mlp_activation_name ((fc_mlp_activation) _i), p, j);
    }
  ck_assert_mem_eq (fc_mlp_work_output (w), out, sizeof out);
  fc_mlp_work_free (w);
  fc_mlp_free (net);
  free (x);
}
END_TEST

/* --------------------------------------------------------- gradients */

/* The loss at THETA + S E_K (E_K the K-th parameter, or the K-th input
   entry when INPUT): NET's parameters, or X, restored after.  */
static double
loss_at (fc_mlp *net, fc_mlp_work *w, double *x, const double *y, int input,
         size_t k, double s)
{
  double *v = input ? x + k : fc_mlp_params (net) + k, v0 = *v, loss;
  *v = v0 + s;
  ck_assert_int_eq (fc_mlp_mse_step (net, w, N_POINTS, x, y, &loss, NULL),
                    GSL_SUCCESS);
  *v = v0;
  return loss;
}

/* Central difference of the loss along coordinate K, and its band
   TOL_FD of the file comment.  */
static double
central_difference (fc_mlp *net, fc_mlp_work *w, double *x, const double *y,
                    int input, size_t k, double *tol)
{
  double h = FD_H, H = FD_H3;
  double l0 = loss_at (net, w, x, y, input, k, 0.0);
  double lp = loss_at (net, w, x, y, input, k, h);
  double lm = loss_at (net, w, x, y, input, k, -h);
  double m3 = fabs (loss_at (net, w, x, y, input, k, 2 * H)
                    - 2 * loss_at (net, w, x, y, input, k, H)
                    + 2 * loss_at (net, w, x, y, input, k, -H)
                    - loss_at (net, w, x, y, input, k, -2 * H))
              / (2 * H * H * H);
  m3 += 6.0 * GSL_DBL_EPSILON * SUM_WIDTHS * fabs (l0) / (H * H * H);
  *tol = h * h * 2.0 * m3 / 6.0
         + SUM_WIDTHS * GSL_DBL_EPSILON * fabs (l0) / h;
  return (lp - lm) / (2 * h);
}

FC_LOOP_TEST ("gradient", test_gradients_match_central_differences,
              FC_MLP_N_ACTIVATIONS)
{
  fc_mlp_activation act = (fc_mlp_activation) _i;
  fc_mlp *net = make_net (act, 30);
  double *x = gaussian_points (N_POINTS, 3, 40);
  double *y = gaussian_points (N_POINTS, 2, 50);
  size_t np = fc_mlp_n_params (net);
  double *grad = malloc (np * sizeof (double)), din[N_POINTS * 3];
  double dout[N_POINTS * 2];
  fc_mlp_work *w = fc_mlp_work_alloc (net, N_POINTS);
  double loss;
  ck_assert_int_eq (fc_mlp_mse_step (net, w, N_POINTS, x, y, &loss, grad),
                    GSL_SUCCESS);
  /* the input gradient through fc_mlp_backward with dLoss/dOutput given */
  const double *pred = fc_mlp_work_output (w);
  for (size_t k = 0; k < N_POINTS * 2; k++)
    dout[k] = (2.0 / (N_POINTS * 2)) * (pred[k] - y[k]);
  double *grad2 = malloc (np * sizeof (double));
  ck_assert_int_eq (fc_mlp_backward (net, w, dout, grad2, din), GSL_SUCCESS);
  ck_assert_mem_eq (grad, grad2, np * sizeof (double));
  for (int input = 0; input <= 1; input++)
    for (size_t k = 0; k < (input ? N_POINTS * 3 : np); k++)
      {
        double tol, fd = central_difference (net, w, x, y, input, k, &tol);
        fc_ck_assert_abs (input ? din[k] : grad[k], fd, tol,
                          "%s d loss / d %s %zu", fc_mlp_activation_name (act),
                          input ? "input" : "parameter", k);
      }
  fc_mlp_work_free (w);
  fc_mlp_free (net);
  free (x);
  free (y);
  free (grad);
  free (grad2);
}
END_TEST

/* --------------------------------------------------------- optimiser */

/* Two steps of the textbook update (Kingma and Ba 2015, Algorithm 1;
   AdamW: Loshchilov and Hutter 2019, Algorithm 2 with schedule 1) on
   THETA (3) with gradients G1, G2, against fc_adam_step.  */
static void
assert_adam_matches_textbook (int decoupled)
{
  fc_adam_config c = fc_adam_defaults (decoupled);
  c.lr = 0.05;
  c.weight_decay = 0.1;
  double theta[3] = { 0.5, -1.25, 3.0 }, ref[3], m[3] = { 0 }, v[3] = { 0 };
  const double g[2][3] = { { 0.1, -0.2, 1e-9 }, { -0.3, 0.05, 2.0 } };
  memcpy (ref, theta, sizeof ref);
  fc_adam *opt = fc_adam_alloc (3, &c);
  ck_assert_ptr_nonnull (opt);
  for (int t = 1; t <= 2; t++)
    {
      ck_assert_int_eq (fc_adam_step (opt, theta, g[t - 1]), GSL_SUCCESS);
      for (int k = 0; k < 3; k++)
        {
          double gk = g[t - 1][k] + (decoupled ? 0.0 : c.weight_decay * ref[k]);
          m[k] = c.beta1 * m[k] + (1 - c.beta1) * gk;
          v[k] = c.beta2 * v[k] + (1 - c.beta2) * gk * gk;
          double mhat = m[k] / (1 - pow (c.beta1, t));
          double vhat = v[k] / (1 - pow (c.beta2, t));
          if (decoupled)
            ref[k] -= c.lr * c.weight_decay * ref[k];
          ref[k] -= c.lr * mhat / (sqrt (vhat) + c.eps);
          fc_ck_assert_abs (theta[k], ref[k], TOL_EPS (16) * (fabs (ref[k]) + c.lr),
                            "%s step %d entry %d", decoupled ? "AdamW" : "Adam",
                            t, k);
        }
    }
  ck_assert_uint_eq (fc_adam_n_steps (opt), 2);
  fc_adam_reset (opt);
  ck_assert_uint_eq (fc_adam_n_steps (opt), 0);
  fc_adam_free (opt);
}

FC_TEST ("optimiser", test_adam_two_steps_match_textbook)
{
  assert_adam_matches_textbook (0);
}
END_TEST

FC_TEST ("optimiser", test_adamw_two_steps_match_textbook)
{
  assert_adam_matches_textbook (1);
}
END_TEST

FC_TEST ("optimiser", test_adamw_training_lowers_the_loss)
{
  fc_mlp *net = make_net (FC_MLP_SELU, 60);
  double *x = gaussian_points (64, 3, 70), y[128];
  for (size_t p = 0; p < 64; p++)
    {
      y[2 * p] = x[3 * p] - 0.5 * x[3 * p + 2];
      y[2 * p + 1] = x[3 * p + 1] * x[3 * p + 2];
    }
  fc_mlp_work *w = fc_mlp_work_alloc (net, 64);
  fc_adam_config c = fc_adam_defaults (1);
  c.lr = 1e-2;
  fc_adam *opt = fc_adam_alloc (fc_mlp_n_params (net), &c);
  double loss0, loss;
  ck_assert_int_eq (fc_mlp_mse_step (net, w, 64, x, y, &loss0, NULL),
                    GSL_SUCCESS);
  for (int s = 0; s < 200; s++)
    {
      ck_assert_int_eq (fc_mlp_mse_step (net, w, 64, x, y, &loss,
                                         fc_mlp_work_grad (w)), GSL_SUCCESS);
      ck_assert_int_eq (fc_adam_step (opt, fc_mlp_params (net),
                                      fc_mlp_work_grad (w)), GSL_SUCCESS);
    }
  ck_assert_int_eq (fc_mlp_mse_step (net, w, 64, x, y, &loss, NULL),
                    GSL_SUCCESS);
  ck_assert_msg (loss < 0.5 * loss0, "loss %.17g from %.17g", loss, loss0);
  fc_adam_free (opt);
  fc_mlp_work_free (w);
  fc_mlp_free (net);
  free (x);
}
END_TEST

/* -------------------------------------------------------------- files */

FC_LOOP_TEST ("file", test_save_load_round_trip_is_bitwise, FC_MLP_N_ACTIVATIONS)
{
  fc_mlp *net = make_net ((fc_mlp_activation) _i, 80);
  FILE *f = tmpfile ();
  ck_assert_ptr_nonnull (f);
  ck_assert_int_eq (fc_mlp_save (net, f), GSL_SUCCESS);
  rewind (f);
  char err[256];
  fc_mlp *back = fc_mlp_load (f, "net.txt", err, sizeof err);
  fclose (f);
  ck_assert_msg (back != NULL, "%s", err);
  ck_assert_int_eq (fc_mlp_act (back), _i);
  ck_assert_uint_eq (fc_mlp_n_layers (back), N_LAYERS);
  for (size_t l = 0; l <= N_LAYERS; l++)
    ck_assert_uint_eq (fc_mlp_width (back, l), WIDTHS[l]);
  ck_assert_mem_eq (fc_mlp_params_const (back), fc_mlp_params_const (net),
                    fc_mlp_n_params (net) * sizeof (double));
  double *x = gaussian_points (N_POINTS, 3, 90), a[N_POINTS * 2],
         b[N_POINTS * 2];
  ck_assert_int_eq (fc_mlp_eval (net, N_POINTS, x, a), GSL_SUCCESS);
  ck_assert_int_eq (fc_mlp_eval (back, N_POINTS, x, b), GSL_SUCCESS);
  ck_assert_mem_eq (a, b, sizeof a);
  fc_mlp_free (back);
  fc_mlp_free (net);
  free (x);
}
END_TEST

static const bad_case BAD_FILES[] = {
  { "", 1, "expected 'fc_mlp'" },
  { "fc_mlp 2\n", 1, "unknown format version 2" },
  { "fc_mlp 1\nactivation swish\n", 2, "unknown activation 'swish'" },
  { "fc_mlp 1\nactivation relu\nwidths 2\n", 3, "at least 2" },
  { "fc_mlp 1\nactivation relu\nwidths 2 0\n", 3, "positive integer" },
  { "fc_mlp 1\n# c\nactivation relu\nwidths 1 1\nparams 3\n", 5,
    "params 3, but the widths give 2" },
  { "fc_mlp 1\nactivation relu\nwidths 1 1\nparams 2\n0.5\n", 5,
    "1 parameters of 2" },
  { "fc_mlp 1\nactivation relu\nwidths 1 1\nparams 2\n0.5\nnan\n", 6,
    "parameter" },
  { "fc_mlp 1\nactivation relu\nwidths 1 1\nparams 2\n0.5 1\n", 5,
    "one parameter a line" },
  { "fc_mlp 1\nactivation relu\nwidths 1 1\nparams 2\n1\n2\n3\n", 7,
    "after the 2 parameters" },
  { "fc_mlp 1\nwidths 1 1\n", 2, "expected 'activation'" },
};

static void *
load_text (const char *text, char *err, size_t errlen)
{
  FILE *in = text_stream (text);
  fc_mlp *net = fc_mlp_load (in, "net.txt", err, errlen);
  fclose (in);
  return net;
}

FC_LOOP_TEST ("file", test_loader_refuses_bad_files,
              sizeof BAD_FILES / sizeof BAD_FILES[0])
{
  assert_bad_case_refused (load_text, "net.txt", BAD_FILES, _i);
}
END_TEST

/* ------------------------------------------------ chunks and threads */

FC_TEST ("threads", test_eval_in_chunks_equals_training_forward)
{
  const size_t n = 2 * FC_MLP_CHUNK + 37;
  fc_mlp *net = make_net (FC_MLP_GELU, 100);
  double *x = gaussian_points (n, 3, 110);
  double *out = malloc (n * 2 * sizeof (double));
  double *ref = malloc (FC_MLP_CHUNK * 2 * sizeof (double));
  ck_assert_int_eq (fc_mlp_eval (net, n, x, out), GSL_SUCCESS);
  fc_mlp_work *w = fc_mlp_work_alloc (net, FC_MLP_CHUNK);
  for (size_t p0 = 0; p0 < n; p0 += FC_MLP_CHUNK)
    {
      size_t nb = n - p0 < FC_MLP_CHUNK ? n - p0 : FC_MLP_CHUNK;
      ck_assert_int_eq (fc_mlp_forward (net, w, nb, x + 3 * p0, ref),
                        GSL_SUCCESS);
      ck_assert_mem_eq (out + 2 * p0, ref, nb * 2 * sizeof (double));
    }
  /* the (x, t) form: rows [x, t] */
  double *xt = malloc (n * 2 * sizeof (double)), *in = malloc (n * 3 * sizeof (double));
  for (size_t p = 0; p < n; p++)
    {
      xt[2 * p] = in[3 * p] = x[3 * p];
      xt[2 * p + 1] = in[3 * p + 1] = x[3 * p + 1];
      in[3 * p + 2] = 0.375;
    }
  ck_assert_int_eq (fc_mlp_eval (net, n, in, out), GSL_SUCCESS);
  ck_assert_int_eq (fc_mlp_eval_xt (net, 0.375, n, xt, ref == NULL ? NULL : x),
                    GSL_SUCCESS);
  ck_assert_mem_eq (out, x, n * 2 * sizeof (double));
  ck_assert_int_eq (fc_mlp_velocity (0.375, n, xt, x, NULL, net), GSL_SUCCESS);
  ck_assert_mem_eq (out, x, n * 2 * sizeof (double));
  fc_mlp_work_free (w);
  fc_mlp_free (net);
  free (x);
  free (xt);
  free (in);
  free (out);
  free (ref);
}
END_TEST

/* Evaluation of N points and the gradient of a batch of 512 with K
   threads, into OUT (n, 2) and GRAD (n_params).  */
static void
run_with_threads (const fc_mlp *net, int k, size_t n, const double *x,
                  const double *y, double *out, double *grad)
{
  int previous = set_threads (k);
  ck_assert_int_eq (fc_mlp_eval (net, n, x, out), GSL_SUCCESS);
  fc_mlp_work *w = fc_mlp_work_alloc (net, 512);
  ck_assert_int_eq (fc_mlp_mse_step (net, w, 512, x, y, NULL, grad),
                    GSL_SUCCESS);
  fc_mlp_work_free (w);
  set_threads (previous);
}

FC_TEST ("threads", test_same_numbers_at_one_and_two_threads)
{
  const size_t n = 1000, widths[] = { 3, 64, 64, 64, 2 };
  fc_mlp *net = fc_mlp_alloc (4, widths, FC_MLP_SELU);
  ck_assert_int_eq (fc_mlp_init (net, SEED, 120), GSL_SUCCESS);
  size_t np = fc_mlp_n_params (net);
  double *x = gaussian_points (n, 3, 130), *y = gaussian_points (n, 2, 140);
  double *out1 = malloc (n * 2 * sizeof (double));
  double *out2 = malloc (n * 2 * sizeof (double));
  double *g1 = malloc (np * sizeof (double)), *g2 = malloc (np * sizeof (double));
  run_with_threads (net, 1, n, x, y, out1, g1);
  run_with_threads (net, 2, n, x, y, out2, g2);
  ck_assert_mem_eq (out1, out2, n * 2 * sizeof (double));
  ck_assert_mem_eq (g1, g2, np * sizeof (double));
  fc_mlp_free (net);
  free (x);
  free (y);
  free (out1);
  free (out2);
  free (g1);
  free (g2);
}
END_TEST

/* ----------------------------------------------------- init and errors */

FC_TEST ("init", test_init_is_seeded_and_bounded)
{
  fc_mlp *a = make_net (FC_MLP_TANH, 150), *b = make_net (FC_MLP_TANH, 150);
  fc_mlp *c = make_net (FC_MLP_TANH, 151);
  size_t np = fc_mlp_n_params (a);
  ck_assert_uint_eq (np, 5 * (3 + 1) + 4 * (5 + 1) + 2 * (4 + 1));
  ck_assert_mem_eq (fc_mlp_params_const (a), fc_mlp_params_const (b),
                    np * sizeof (double));
  ck_assert_int_ne (memcmp (fc_mlp_params_const (a), fc_mlp_params_const (c),
                            np * sizeof (double)), 0);
  const double *theta = fc_mlp_params_const (a);
  for (size_t l = 0, off = 0; l < N_LAYERS; l++)
    {
      size_t count = WIDTHS[l + 1] * (WIDTHS[l] + 1);
      for (size_t k = 0; k < count; k++)
        ck_assert_double_le (fabs (theta[off + k]), 1.0 / sqrt (WIDTHS[l]));
      off += count;
    }
  fc_mlp *d = fc_mlp_clone (a);
  ck_assert_mem_eq (fc_mlp_params_const (d), theta, np * sizeof (double));
  double *t = malloc (np * sizeof (double));
  fc_mlp_get_params (a, t);
  t[3] = NAN;
  ck_assert_int_eq (fc_mlp_set_params (d, t), GSL_EDOM);
  ck_assert_mem_eq (fc_mlp_params_const (d), theta, np * sizeof (double));
  t[3] = 0.25;
  ck_assert_int_eq (fc_mlp_set_params (d, t), GSL_SUCCESS);
  ck_assert_double_eq (fc_mlp_params (d)[3], 0.25);
  free (t);
  fc_mlp_free (a);
  fc_mlp_free (b);
  fc_mlp_free (c);
  fc_mlp_free (d);
}
END_TEST

FC_TEST ("errors", test_bad_arguments_are_refused)
{
  const size_t bad[] = { 3, 0, 2 };
  ck_assert_ptr_null (fc_mlp_alloc (2, bad, FC_MLP_RELU));
  ck_assert_ptr_null (fc_mlp_alloc (0, WIDTHS, FC_MLP_RELU));
  ck_assert_ptr_null (fc_mlp_alloc (3, WIDTHS, FC_MLP_N_ACTIVATIONS));
  ck_assert_ptr_null (fc_mlp_activation_name (FC_MLP_N_ACTIVATIONS));
  fc_mlp_activation a;
  ck_assert_int_eq (fc_mlp_activation_parse ("gelu", &a), GSL_SUCCESS);
  ck_assert_int_eq (a, FC_MLP_GELU);
  ck_assert_int_eq (fc_mlp_activation_parse ("elu", &a), GSL_EINVAL);
  fc_mlp *net = make_net (FC_MLP_RELU, 160);
  fc_mlp_work *w = fc_mlp_work_alloc (net, 4);
  double x[15] = { 0 }, out[10], g[54];
  ck_assert_int_eq (fc_mlp_backward (net, w, out, g, NULL), GSL_EINVAL);
  ck_assert_int_eq (fc_mlp_forward (net, w, 5, x, out), GSL_EBADLEN);
  ck_assert_int_eq (fc_mlp_forward (net, w, 0, x, out), GSL_EBADLEN);
  const size_t square[] = { 2, 3, 2 };
  fc_mlp *not_field = fc_mlp_alloc (2, square, FC_MLP_TANH);
  ck_assert_int_eq (fc_mlp_eval_xt (not_field, 0.5, 5, x, out), GSL_EBADLEN);
  fc_mlp_free (not_field);
  ck_assert_int_eq (fc_mlp_velocity (0.5, 5, x, out, out, net), GSL_EINVAL);
  fc_adam_config c = fc_adam_defaults (1);
  c.beta2 = 1.0;
  ck_assert_ptr_null (fc_adam_alloc (54, &c));
  c = fc_adam_defaults (0);
  c.lr = -1.0;
  ck_assert_ptr_null (fc_adam_alloc (54, &c));
  char err[256];
  ck_assert_ptr_null (fc_mlp_load_file ("/nonexistent/net.txt", err, sizeof err));
  ck_assert_ptr_nonnull (strstr (err, "/nonexistent/net.txt"));
  fc_mlp_work_free (w);
  fc_mlp_free (net);
}
END_TEST

FC_CK_MAIN ("mlp")
