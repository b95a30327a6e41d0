/* tests/check_spec.c -- the spec parser and writer, and the built-in data
 * sets (fc_spec.h): every class of bad input is refused with the right
 * "FILE:LINE:" prefix; good input in any layout reads the same; a written
 * mixture reads back bit for bit; every built-in is as documented.  */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <gsl/gsl_math.h>

#include "unit_fixtures.h"
#include "fc_spec.h"

/* Parse TEXT as a spec named "t.spec".  */
static fc_gmm *
parse (const char *text, char *err, size_t errlen)
{
  FILE *in = text_stream (text);
  fc_gmm *g = fc_spec_read_stream (in, "t.spec", err, errlen);
  fclose (in);
  return g;
}

/* parse (), as a text_parser.  */
static void *
parse_spec (const char *text, char *err, size_t errlen)
{
  return parse (text, err, errlen);
}

/* ------------------------------------------------------------ bad input */

#define HEAD "dim 2\ncomponent 1\nmean 0 0\n"

static const bad_case bad_cases[] = {
  /* unknown keyword */
  { "dim 2\ncomponent 1\nmeen 0 0\n", 3, "unknown keyword 'meen'" },
  { "# c\n\ndim 2\ncomponent 1\nmean 0 0\nvariance 1\n", 6,
    "unknown keyword 'variance'" },
  /* wrong counts */
  { "dim 2\ncomponent 1\nmean 0\nvar 1\n", 3, "'mean' needs 2 numbers, found 1" },
  { HEAD "var 1 2\n", 4, "'var' needs 1 number, found 2" },
  { HEAD "diag 1\n", 4, "'diag' needs 2 numbers, found 1" },
  { HEAD "cov 1 0 0 1 0\n", 4, "'cov' needs 4 numbers, found 5" },
  { "dim 2\ncomponent\nmean 0 0\nvar 1\n", 2, "'component' needs 1 number, found 0" },
  { "dim\n", 1, "'dim' needs 1 number, found 0" },
  /* bad numbers */
  { "dim 2\ncomponent 1\nmean 1.0x 0\nvar 1\n", 3, "found '1.0x'" },
  { "dim 2\ncomponent 1\nmean 0 nan\nvar 1\n", 3, "finite number, found 'nan'" },
  { HEAD "var inf\n", 4, "finite number, found 'inf'" },
  { HEAD "diag 1 -infinity\n", 4, "finite number, found '-infinity'" },
  { "dim 2\ncomponent 1e999\nmean 0 0\nvar 1\n", 2, "'1e999' overflows" },
  { HEAD "cov 1 0 0 --1\n", 4, "expected a number, found '--1'" },
  { "dim 2\ncomponent 0.5,\nmean 0 0\nvar 1\n", 2, "found '0.5,'" },
  /* weights */
  { "dim 2\ncomponent 0\nmean 0 0\nvar 1\n", 2, "weight must be > 0, found '0'" },
  { "dim 2\ncomponent -1\nmean 0 0\nvar 1\n", 2, "weight must be > 0, found '-1'" },
  { "dim 2\ncomponent -0.0\nmean 0 0\nvar 1\n", 2, "weight must be > 0" },
  /* dim */
  { "# a spec\ndim 2\n# again\ndim 3\n", 4, "second 'dim' (the first is on line 2)" },
  { HEAD "var 1\ndim 2\n", 5, "second 'dim'" },
  { "# no dim\ncomponent 1\nmean 0 0\nvar 1\n", 2, "expected 'dim', found 'component'" },
  { "dim 0\n", 1, "'dim': expected an integer in [1, 1024], found '0'" },
  { "dim 2.5\n", 1, "found '2.5'" },
  { "dim -1\n", 1, "found '-1'" },
  { "dim two\n", 1, "found 'two'" },
  { "dim 99999999999999999999999\n", 1, "found '99999999999999999999999'" },
  /* order and completeness */
  { "dim 2\nmean 0 0\n", 2, "expected 'component', found 'mean'" },
  { "dim 2\ncomponent 1\ncov 1 0 0 1\n", 3, "expected 'mean', found 'cov'" },
  { HEAD "mean 1 1\n", 4, "second 'mean' (component of line 2)" },
  { HEAD "var 1\ndiag 1 1\n", 5, "second covariance 'diag' (component of line 2)" },
  { HEAD "component 1\nmean 0 0\nvar 1\n", 4,
    "component of line 2 has no covariance: expected 'var', 'diag' or 'cov', "
    "found 'component'" },
  { "dim 2\ncomponent 1\ncomponent 2\n", 3, "component of line 2 has no 'mean'" },
  { HEAD "# trailing comment\n\n", 5,
    "component of line 2 has no covariance: expected 'var', 'diag' or 'cov', "
    "found end of file" },
  { "dim 2\ncomponent 1\n", 2, "has no 'mean': expected 'mean', found end of file" },
  { HEAD, 3, "found end of file" },
  /* covariance */
  { HEAD "cov 1 0.5 0.4 1\n", 4, "'cov' is not symmetric: entry (1,2) is 0.5 but (2,1) is 0.4" },
  { HEAD "cov 1 2 2 1\n", 4, "'cov' is not positive definite" },
  { HEAD "cov 1 1 1 1\n", 4, "'cov' is not positive definite" },
  { HEAD "cov 0 0 0 0\n", 4, "'cov' is not positive definite" },
  { HEAD "var 0\n", 4, "'var': a variance must be > 0, found '0'" },
  { HEAD "diag 1 -0.5\n", 4, "'diag': a variance must be > 0, found '-0.5'" },
  /* empty and incomplete files */
  { "", 1, "empty spec: expected 'dim', found end of file" },
  { "# only\n# comments\n\n", 3, "no 'dim': expected 'dim', found end of file" },
  { "dim 2\n", 1, "no component: expected 'component', found end of file" },
  { "dim 2\n\n# nothing else\n", 3, "no component" },
};

FC_LOOP_TEST ("bad input", test_bad_spec_is_refused_with_file_and_line,
              (int) (sizeof bad_cases / sizeof bad_cases[0]))
{
  assert_bad_case_refused (parse_spec, "t.spec", bad_cases, _i);
}
END_TEST

/* A tiny error buffer truncates the message but never overflows; a NULL
   one is allowed.  */
FC_TEST ("bad input", test_error_buffer_is_bounded)
{
  char err[8] = "";
  ck_assert_ptr_null (parse ("dim 2\nmeen\n", err, sizeof err));
  ck_assert_str_eq (err, "t.spec:");
  ck_assert_ptr_null (parse ("dim 2\nmeen\n", NULL, 0));
}
END_TEST

FC_TEST ("bad input", test_unreadable_path_is_reported)
{
  char err[512];
  ck_assert_ptr_null (fc_spec_read_file ("/nonexistent/dir/x.spec", err,
                                         sizeof err));
  ck_assert_str_eq (err, "/nonexistent/dir/x.spec: cannot open: "
                         "No such file or directory");
  /* A directory is refused at open, with no line number (it has none).  */
  ck_assert_ptr_null (fc_spec_read_file ("/", err, sizeof err));
  ck_assert_str_eq (err, "/: cannot open: Is a directory");
  ck_assert_ptr_null (fc_spec_load ("no-such-builtin-or-file", err,
                                    sizeof err));
  ck_assert_msg (strstr (err, "cannot open") != NULL, "got '%s'", err);
}
END_TEST

/* ----------------------------------------------------------- good input */

static void
assert_same_gmm (const fc_gmm *a, const fc_gmm *b)
{
  size_t k = a->n_comp, d = a->dim;
  ck_assert_uint_eq (a->dim, b->dim);
  ck_assert_uint_eq (a->n_comp, b->n_comp);
  ck_assert_int_eq (memcmp (a->weight, b->weight, k * sizeof (double)), 0);
  ck_assert_int_eq (memcmp (a->log_weight, b->log_weight,
                            k * sizeof (double)), 0);
  ck_assert_int_eq (memcmp (a->mean, b->mean, k * d * sizeof (double)), 0);
  ck_assert_int_eq (memcmp (a->cov, b->cov, k * d * d * sizeof (double)), 0);
  ck_assert_int_eq (memcmp (a->chol, b->chol, k * d * d * sizeof (double)),
                    0);
  ck_assert_int_eq (memcmp (a->eigval, b->eigval, k * d * sizeof (double)),
                    0);
  ck_assert_int_eq (memcmp (a->eigvec, b->eigvec,
                            k * d * d * sizeof (double)), 0);
  ck_assert_int_eq (memcmp (a->log_det, b->log_det, k * sizeof (double)), 0);
}

/* 'var v', 'diag v v' and 'cov v 0 0 v' are one covariance; layout (CRLF,
   tabs, comments, blank lines, no final newline) does not matter.  */
FC_TEST ("good input", test_layouts_and_covariance_forms_agree)
{
  const char *texts[] = {
    "dim 2\ncomponent 1\nmean 0.381966 -1\nvar 0.5\n"
    "component 3\nmean 2 0.25\ncov 1 0.3 0.3 0.7\n",
    "# leading comment\r\n\r\ndim\t2   # trailing comment\r\n"
    "component 1#tight comment\r\n  mean 0.381966 -1.0\r\ndiag 0.5 0.5\r\n"
    "\r\ncomponent 3.0\r\nmean 2e0 .25\r\ncov 1 0.3 0.3 0.7",
    "dim 2\ncomponent 0.25\nmean 0.381966 -1\ncov 0.5 0 0 0.5\n"
    "component 0.75\nmean 2 0.25\ncov 1 0.3 0.3 0.7\n# the end",
  };
  char err[512];
  fc_gmm *ref = parse (texts[0], err, sizeof err);
  ck_assert_msg (ref != NULL, "%s", err);
  ck_assert_int_eq (ref->prepared, 1);
  ck_assert_int_eq (ref->all_pd, 1);
  fc_ck_assert_rel (ref->weight[0], 0.25, TOL_EPS (4), "weight 0");
  for (int i = 1; i < 3; i++)
    {
      fc_gmm *g = parse (texts[i], err, sizeof err);
      ck_assert_msg (g != NULL, "text %d: %s", i, err);
      ck_assert_uint_eq (g->n_comp, 2);
      ck_assert_int_eq (memcmp (g->mean, ref->mean, 4 * sizeof (double)), 0);
      ck_assert_int_eq (memcmp (g->cov, ref->cov, 8 * sizeof (double)), 0);
      fc_ck_assert_rel (g->weight[1], ref->weight[1], TOL_EPS (4),
                        "weight 1 of text %d", i);
      fc_gmm_free (g);
    }
  fc_gmm_free (ref);
}
END_TEST

/* One dimension, one component, a subnormal mean (strtod reports ERANGE
   for it; it is still a double and must read back).  */
FC_TEST ("good input", test_edge_values_are_accepted)
{
  char err[512];
  fc_gmm *g = parse ("dim 1\ncomponent 1e-300\nmean 4.9406564584124654e-324\n"
                     "var 1e-200\n", err, sizeof err);
  ck_assert_msg (g != NULL, "%s", err);
  ck_assert (g->weight[0] == 1.0);
  ck_assert (g->mean[0] > 0.0);
  ck_assert (g->cov[0] == 1e-200);
  fc_gmm_free (g);
}
END_TEST

/* write then read reproduces every field bit for bit.  */
static void
assert_round_trip (const fc_gmm *g)
{
  char err[512];
  FILE *f = tmpfile ();
  ck_assert_ptr_nonnull (f);
  ck_assert_int_eq (fc_spec_write (f, g), GSL_SUCCESS);
  rewind (f);
  fc_gmm *h = fc_spec_read_stream (f, "written.spec", err, sizeof err);
  fclose (f);
  ck_assert_msg (h != NULL, "%s", err);
  assert_same_gmm (g, h);
  fc_gmm_free (h);
}

FC_TEST ("good input", test_written_spec_reads_back_exactly)
{
  const char *const *names = fc_spec_builtin_names ();
  for (size_t i = 0; names[i] != NULL; i++)
    {
      fc_gmm *g = fc_spec_builtin (names[i]);
      ck_assert_ptr_nonnull (g);
      assert_round_trip (g);
      fc_gmm_free (g);
    }
  /* Weights that are not simple fractions, a 3-D full covariance. */
  char err[512];
  fc_gmm *g = parse ("dim 3\ncomponent 0.381966\nmean 0.1 -0.7 0.3\n"
                     "cov 1.3 0.4 -0.2 0.4 0.9 0.1 -0.2 0.1 0.7\n"
                     "component 2.718281828\nmean 1e-3 2e5 -3.3\n"
                     "diag 0.6 1e4 3.14159\n"
                     "component 1.414\nmean 0 0 0\nvar 0.1\n", err, sizeof err);
  ck_assert_msg (g != NULL, "%s", err);
  assert_round_trip (g);
  fc_gmm_free (g);
}
END_TEST

/* The distributed example: 3-D, two full-covariance components, weights
   0.7 and 0.3.  Found through FC_SRCDIR (set by the test harness).  */
FC_TEST ("good input", test_example_spec_loads)
{
  const char *srcdir = getenv ("FC_SRCDIR");
  char path[4096], err[512];
  snprintf (path, sizeof path, "%s/tests/data/example.spec",
            srcdir ? srcdir : ".");
  fc_gmm *g = fc_spec_load (path, err, sizeof err);
  ck_assert_msg (g != NULL, "%s", err);
  ck_assert_uint_eq (g->dim, 3);
  ck_assert_uint_eq (g->n_comp, 2);
  ck_assert_int_eq (g->all_pd, 1);
  fc_ck_assert_rel (g->weight[0], 0.7, TOL_EPS (4), "weight 0");
  ck_assert (g->cov[1] == 0.3 && g->cov[3] == 0.3);
  fc_gmm_free (g);
}
END_TEST

/* ------------------------------------------------------------ built-ins */

FC_TEST ("built-ins", test_builtins_have_documented_shapes)
{
  const char *names[] = { "8gaussians", "moons", "checkerboard", "grid25",
                          "tcfm-8gaussians" };
  const size_t counts[] = { 8, 16, 32, 25, 8 };
  const char *const *list = fc_spec_builtin_names ();
  for (int i = 0; i < 5; i++)
    {
      char err[64];
      ck_assert_str_eq (list[i], names[i]);
      fc_gmm *g = fc_spec_load (names[i], err, sizeof err);
      ck_assert_ptr_nonnull (g);
      ck_assert_uint_eq (g->dim, 2);
      ck_assert_uint_eq (g->n_comp, counts[i]);
      ck_assert_int_eq (g->all_pd, 1);
      for (size_t k = 0; k < g->n_comp; k++)
        ck_assert (g->weight[k] == 1.0 / (double) counts[i]);
      fc_gmm_free (g);
    }
  ck_assert_ptr_null (list[5]);
  ck_assert_ptr_null (fc_spec_builtin ("9gaussians"));
  ck_assert_ptr_null (fc_spec_builtin (NULL));
}
END_TEST

/* tcfm-8gaussians: torchcfm's sample_8gaussians (src/fc_datasets.c):
   centres at radius 5, 45 degrees apart, covariance sqrt(0.1) I (what its
   MultivariateNormal receives as covariance_matrix).  */
FC_TEST ("built-ins", test_tcfm_8gaussians_is_torchcfms)
{
  char err[64];
  fc_gmm *g = fc_spec_load ("tcfm-8gaussians", err, sizeof err);
  ck_assert_ptr_nonnull (g);
  for (size_t k = 0; k < 8; k++)
    {
      double a = 2.0 * M_PI * (double) k / 8.0;
      ck_assert_double_eq_tol (g->mean[2 * k], 5.0 * cos (a), 1e-14);
      ck_assert_double_eq_tol (g->mean[2 * k + 1], 5.0 * sin (a), 1e-14);
      ck_assert_double_eq_tol (g->cov[4 * k], sqrt (0.1), 1e-15);
      ck_assert_double_eq_tol (g->cov[4 * k + 3], sqrt (0.1), 1e-15);
      ck_assert (g->cov[4 * k + 1] == 0.0 && g->cov[4 * k + 2] == 0.0);
    }
  fc_gmm_free (g);
}
END_TEST

/* 8gaussians: centres at radius 2 sqrt 2, 45 degrees apart, variance
   0.125; grid25: centres on {-4,-2,0,2,4}^2, variance 0.04.  */
FC_TEST ("built-ins", test_8gaussians_and_grid25_are_as_documented)
{
  fc_gmm *g = fc_spec_builtin ("8gaussians");
  for (size_t k = 0; k < 8; k++)
    {
      double x = g->mean[2 * k], y = g->mean[2 * k + 1];
      fc_ck_assert_rel (hypot (x, y), 2.0 * M_SQRT2, TOL_EPS (4), "radius %zu",
                        k);
      fc_ck_assert_abs (atan2 (y, x), M_PI * (double) k / 4.0
                                        - (k > 4 ? 2.0 * M_PI : 0.0),
                        TOL_EPS (16), "angle %zu", k);
      ck_assert (g->cov[4 * k] == 0.125 && g->cov[4 * k + 1] == 0.0);
    }
  fc_gmm_free (g);
  g = fc_spec_builtin ("grid25");
  for (size_t k = 0; k < 25; k++)
    {
      ck_assert (g->mean[2 * k] == -4.0 + 2.0 * (double) (k / 5));
      ck_assert (g->mean[2 * k + 1] == -4.0 + 2.0 * (double) (k % 5));
      ck_assert (g->cov[4 * k] == 0.04 && g->cov[4 * k + 3] == 0.04);
    }
  fc_gmm_free (g);
}
END_TEST

/* checkerboard: every centre at a quarter-square centre of a dark square
   ((i + j) even) of the 4 x 4 board on [-2, 2]^2, 4 per square, variance
   1/48.  */
FC_TEST ("built-ins", test_checkerboard_is_as_documented)
{
  fc_gmm *g = fc_spec_builtin ("checkerboard");
  int per_square[16] = { 0 };
  for (size_t k = 0; k < 32; k++)
    {
      double x = g->mean[2 * k] + 2.0, y = g->mean[2 * k + 1] + 2.0;
      int i = (int) floor (x), j = (int) floor (y);
      ck_assert (i >= 0 && i < 4 && j >= 0 && j < 4 && (i + j) % 2 == 0);
      ck_assert (fmod (4.0 * x, 2.0) == 1.0 && fmod (4.0 * y, 2.0) == 1.0);
      per_square[4 * i + j]++;
      ck_assert (g->cov[4 * k] == 1.0 / 48.0 && g->cov[4 * k + 2] == 0.0);
    }
  for (int s = 0; s < 16; s++)
    ck_assert_int_eq (per_square[s], ((s / 4 + s % 4) % 2 == 0) ? 4 : 0);
  fc_gmm_free (g);
}
END_TEST

/* moons: each component's covariance has eigenvalues 0.16^2 (normal) and
   (pi/10)^2 (tangential), its normal eigenvector along the radius of its
   arc, its centre on the arc; the two moons are point-symmetric about the
   origin, so the mixture mean is 0 to round-off.  */
FC_TEST ("built-ins", test_moons_components_follow_the_arcs)
{
  fc_gmm *g = fc_spec_builtin ("moons");
  const double sn2 = 0.16 * 0.16, st2 = M_PI * M_PI / 100.0;
  for (size_t k = 0; k < 16; k++)
    {
      const double *lam = g->eigval + 2 * k, *v = g->eigvec + 4 * k;
      fc_ck_assert_rel (lam[0], sn2, TOL_EPS (16), "normal variance %zu", k);
      fc_ck_assert_rel (lam[1], st2, TOL_EPS (16), "tangent variance %zu", k);
      /* Arc centres after the shift and scaling: (-1, -0.5) for the upper
         arc, (1, 0.5) for the lower; radius 2.  */
      double cx = k < 8 ? -1.0 : 1.0, cy = k < 8 ? -0.5 : 0.5;
      double rx = g->mean[2 * k] - cx, ry = g->mean[2 * k + 1] - cy;
      fc_ck_assert_rel (hypot (rx, ry), 2.0, TOL_EPS (8), "radius %zu", k);
      /* The normal eigenvector (column 0 of V) is parallel to (rx, ry). */
      fc_ck_assert_abs (v[0] * ry - v[2] * rx, 0.0, TOL_EPS (16),
                        "normal direction %zu", k);
    }
  double m[2], c[4];
  fc_gmm_moments (g, m, c);
  fc_ck_assert_abs (m[0], 0.0, TOL_EPS (16), "mean x");
  fc_ck_assert_abs (m[1], 0.0, TOL_EPS (16), "mean y");
  fc_gmm_free (g);
}
END_TEST

FC_CK_MAIN ("spec")
