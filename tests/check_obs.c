/* tests/check_obs.c -- the observation file (fc_obs.h): every class of bad
 * input is refused with the right "FILE:LINE:" prefix; good input in any
 * layout reads as written; a written observation reads back bit for bit;
 * fc_obs_check refuses what the guidance code cannot use.  */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <gsl/gsl_math.h>

#include "unit_fixtures.h"
#include "fc_obs.h"

/* Parse TEXT as an observation of DIM-dimensional data named "t.obs".  */
static fc_obs *
parse (const char *text, size_t dim, char *err, size_t errlen)
{
  FILE *in = text_stream (text);
  fc_obs *o = fc_obs_read_stream (in, "t.obs", dim, err, errlen);
  fclose (in);
  return o;
}

/* parse () of 2-D data, as a text_parser.  */
static void *
parse_2d (const char *text, char *err, size_t errlen)
{
  return parse (text, 2, err, errlen);
}

/* All for data of dimension 2.  */
static const bad_case bad_cases[] = {
  /* empty or incomplete */
  { "", 1, "empty observation: expected 'sigma', found end of file" },
  { "# only a comment\n\n", 2, "no 'sigma': expected 'sigma'" },
  { "sigma 0.5\n", 1, "no 'y': expected 'y', found end of file" },
  { "sigma 0.5\ny 1 2\nrow 1 0\n", 3,
    "A has 1 row but 'y' on line 2 has 2 values: expected 'row', found end "
    "of file" },
  { "sigma 0.5\ny 1 2\n", 2, "A has 0 rows" },
  /* unknown keyword */
  { "sigma 0.5\nyy 1\n", 2, "unknown keyword 'yy' (expected 'y')" },
  { "sigma 0.5\ny 1\nrow 1 2\nrows 3 4\n", 4,
    "unknown keyword 'rows' (expected end of file)" },
  /* order and repetition */
  { "y 1\nsigma 0.5\n", 1, "expected 'sigma', found 'y'" },
  { "row 1 2\n", 1, "expected 'sigma', found 'row'" },
  { "sigma 0.5\nrow 1 2\n", 2, "expected 'y', found 'row'" },
  { "# c\nsigma 0.5\nsigma 0.7\n", 3,
    "found a second 'sigma' (the first is on line 2)" },
  { "sigma 0.5\ny 1\nsigma 0.7\n", 3, "expected 'row', found 'sigma'" },
  { "sigma 0.5\ny 1\ny 2\n", 3,
    "expected 'row', found a second 'y' (the first is on line 2)" },
  { "sigma 0.5\ny 1\nrow 1 2\ny 2\n", 4, "expected end of file, found 'y'" },
  { "sigma 0.5\ny 1\nrow 1 2\nrow 3 4\n", 4,
    "found a 'row' too many ('y' on line 2 has 1 value, so A has 1 row)" },
  /* counts */
  { "sigma\n", 1, "'sigma' needs 1 number, found 0" },
  { "sigma 1 2\n", 1, "'sigma' needs 1 number, found 2" },
  { "sigma 1\ny\n", 2, "'y' needs at least 1 number, found 0" },
  { "sigma 1\ny 1\nrow 1\n", 3, "'row' needs 2 numbers, found 1" },
  { "sigma 1\ny 1\nrow 1 2 3\n", 3, "'row' needs 2 numbers, found 3" },
  /* numbers */
  { "sigma 0\n", 1, "must be > 0, found '0'" },
  { "sigma -0.5\n", 1, "must be > 0, found '-0.5'" },
  { "sigma nan\n", 1, "expected a finite number, found 'nan'" },
  { "sigma 1\ny 1 inf\n", 2, "expected a finite number, found 'inf'" },
  { "sigma 1\ny 1\nrow 1 1e999\n", 3, "'1e999' overflows" },
  { "sigma 1\ny 1,5\n", 2, "'y': expected a number, found '1,5'" },
  { "sigma 1\ny 1\nrow 0x 1\n", 3, "'row': expected a number, found '0x'" },
};

FC_LOOP_TEST ("parse", test_bad_observation_is_refused_with_file_and_line,
              (int) (sizeof bad_cases / sizeof bad_cases[0]))
{
  assert_bad_case_refused (parse_2d, "t.obs", bad_cases, _i);
}
END_TEST

FC_TEST ("parse", test_good_observation_reads_as_written)
{
  /* Comments anywhere, blank lines, CRLF ends, tabs, exponents.  */
  const char *text = "# an observation\r\n\r\n  sigma\t0.381966 # noise\r\n"
                     "y 1.5 -2e-1\n# the rows of A\nrow 1 0 2.5\n"
                     "row -0.25 1e1 3\n";
  char err[256] = "";
  fc_obs *o = parse (text, 3, err, sizeof err);
  ck_assert_msg (o != NULL, "refused: %s", err);
  ck_assert_uint_eq (o->m, 2);
  ck_assert_uint_eq (o->dim, 3);
  ck_assert (o->sigma_y == 0.381966);
  ck_assert (o->y[0] == 1.5 && o->y[1] == -0.2);
  const double a[6] = { 1, 0, 2.5, -0.25, 10, 3 };
  for (int i = 0; i < 6; i++)
    ck_assert_msg (o->a[i] == a[i], "A[%d] = %g", i, o->a[i]);
  ck_assert_int_eq (fc_obs_check (o, 3), GSL_SUCCESS);
  fc_obs_free (o);
  /* The last line may lack its newline.  */
  o = parse ("sigma 1\ny 2\nrow 3", 1, err, sizeof err);
  ck_assert_msg (o != NULL, "refused: %s", err);
  ck_assert (o->a[0] == 3.0);
  fc_obs_free (o);
}
END_TEST

FC_TEST ("parse", test_written_observation_reads_back_exactly)
{
  fc_obs *o = fc_obs_alloc (3, 2);
  ck_assert_ptr_nonnull (o);
  o->sigma_y = 0.1 / 3.0;
  for (int i = 0; i < 6; i++)
    o->a[i] = (i - 2.5) / 7.0 * M_PI;
  o->a[5] = 4.9e-324; /* a subnormal survives %.17g and strtod */
  for (int i = 0; i < 3; i++)
    o->y[i] = M_E * (i + 0.381966) - 1e-300;
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&buf, &len);
  ck_assert_int_eq (fc_obs_write (out, o), GSL_SUCCESS);
  fclose (out);
  char err[256];
  fc_obs *r = parse (buf, 2, err, sizeof err);
  ck_assert_msg (r != NULL, "refused: %s\n%s", err, buf);
  ck_assert (r->m == 3 && r->dim == 2 && r->sigma_y == o->sigma_y);
  ck_assert (memcmp (r->a, o->a, 6 * sizeof (double)) == 0);
  ck_assert (memcmp (r->y, o->y, 3 * sizeof (double)) == 0);
  fc_obs_free (r);
  /* Read for a different dimension, the same text is refused.  */
  r = parse (buf, 3, err, sizeof err);
  ck_assert_ptr_null (r);
  ck_assert_msg (strstr (err, "'row' needs 3 numbers, found 2"), "%s", err);
  free (buf);
  fc_obs_free (o);
}
END_TEST

FC_TEST ("parse", test_file_errors_are_reported)
{
  char err[256];
  fc_obs *o = fc_obs_read_file ("/nonexistent/dir/t.obs", 2, err,
                                sizeof err);
  ck_assert_ptr_null (o);
  ck_assert_msg (strstr (err, "/nonexistent/dir/t.obs: cannot open: ")
                   == err, "%s", err);
  o = parse ("sigma 1\ny 1\nrow 1\n", 0, err, sizeof err);
  ck_assert_ptr_null (o);
  ck_assert_msg (strstr (err, "dimension must be >= 1"), "%s", err);
  /* A short buffer gets a truncated but terminated message; none at all
     is allowed.  */
  char small[12];
  ck_assert_ptr_null (parse ("sigma -1\n", 2, small, sizeof small));
  ck_assert_uint_eq (strlen (small), sizeof small - 1);
  ck_assert_ptr_null (parse ("sigma -1\n", 2, NULL, 0));
}
END_TEST

FC_TEST ("parse", test_check_refuses_unusable_observations)
{
  ck_assert_ptr_null (fc_obs_alloc (0, 2));
  ck_assert_ptr_null (fc_obs_alloc (2, 0));
  fc_obs *o = fc_obs_alloc (2, 3);
  ck_assert_int_eq (fc_obs_check (o, 3), GSL_SUCCESS);
  ck_assert_int_eq (fc_obs_check (o, 0), GSL_SUCCESS);
  ck_assert_int_eq (fc_obs_check (o, 2), GSL_EBADLEN);
  ck_assert_int_eq (fc_obs_check (NULL, 2), GSL_EINVAL);
  o->sigma_y = 0.0;
  ck_assert_int_eq (fc_obs_check (o, 3), GSL_EDOM);
  o->sigma_y = GSL_POSINF;
  ck_assert_int_eq (fc_obs_check (o, 3), GSL_EDOM);
  o->sigma_y = 1.0;
  o->a[4] = GSL_NAN;
  ck_assert_int_eq (fc_obs_check (o, 3), GSL_EDOM);
  o->a[4] = 0.0;
  o->y[1] = GSL_NEGINF;
  ck_assert_int_eq (fc_obs_check (o, 3), GSL_EDOM);
  fc_obs_free (o);
  fc_obs_free (NULL);
}
END_TEST

FC_CK_MAIN ("obs")
