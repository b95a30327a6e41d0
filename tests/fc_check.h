/* tests/fc_check.h -- assertions and tolerances shared by the Check suites.
 *
 * Tolerances are named and derived, never bare:
 *   TOL_EPS(k)    k machine epsilons, for identities that hold to round-off;
 *   Z_MAX         the z-score band of a Monte Carlo claim (5 sigma, fixed
 *                 seed: a false alarm has probability ~6e-7 per figure);
 * and, in the suites, discretisation bands derived from the method's order.
 * Failures print observed and expected values with 17 digits.  */
#ifndef FC_CHECK_H
#define FC_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>

#define TOL_EPS(k) ((k) * GSL_DBL_EPSILON)
#define Z_MAX 5.0

/* |OBS - EXP| within TOL relatively, in the manner of gsl_test_rel: NaN
   matches only NaN, infinities only themselves, and an expected 0 falls
   back to an absolute test against TOL.  */
static inline int
fc_ck_rel_ok (double obs, double exp, double tol)
{
  if (isnan (exp) || isnan (obs))
    return isnan (exp) && isnan (obs);
  if (isinf (exp) || isinf (obs))
    return exp == obs;
  if (exp == 0.0)
    return fabs (obs) <= tol;
  return fabs (obs - exp) <= tol * fabs (exp);
}

/* OBS against EXP with the tolerance TOL of KIND ("rel" or "abs"), passing
   when OK (an expression of fc_o_, fc_e_ and fc_t_) holds; else the test
   fails with the caller's message and both values to 17 digits.  A macro,
   so that Check reports the line of the assertion in the test.  */
#define fc_ck_assert_close_(obs, exp, tol, ok, kind, ...)                     \
  do                                                                          \
    {                                                                         \
      double fc_o_ = (obs), fc_e_ = (exp), fc_t_ = (tol);                     \
      if (!(ok))                                                              \
        {                                                                     \
          char fc_msg_[512];                                                  \
          snprintf (fc_msg_, sizeof fc_msg_, __VA_ARGS__);                    \
          ck_abort_msg ("%s: %.17g observed vs %.17g expected (" kind         \
                        " tol %.3g)", fc_msg_, fc_o_, fc_e_, fc_t_);          \
        }                                                                     \
    }                                                                         \
  while (0)

#define fc_ck_assert_rel(obs, exp, tol, ...)                                  \
  fc_ck_assert_close_ (obs, exp, tol, fc_ck_rel_ok (fc_o_, fc_e_, fc_t_),     \
                       "rel", __VA_ARGS__)

/* |OBS - EXP| <= TOL; NaN on either side fails.  */
#define fc_ck_assert_abs(obs, exp, tol, ...)                                  \
  fc_ck_assert_close_ (obs, exp, tol, fabs (fc_o_ - fc_e_) <= fc_t_, "abs",   \
                       __VA_ARGS__)

/* 1 when the suite runs under valgrind (AX_VALGRIND_CHECK exports VALGRIND):
   statistical tests then shrink their sample sizes, as Redis's
   REDIS_TEST_VALGRIND does, keeping their bands derived from the size used. */
static inline int
fc_under_valgrind (void)
{
  return getenv ("VALGRIND") != NULL;
}

/* Tests register themselves.  FC_TEST (CASE, name) opens a test as
   Check's START_TEST does (close it with END_TEST) and adds it, in the
   order of the file, to the test case CASE of the program's suite;
   FC_LOOP_TEST (CASE, name, N) runs it for _i = 0 .. N - 1 (N evaluated
   before main, so it may be a table size or a registry count);
   FC_FIXTURE (CASE, setup, teardown) gives CASE a checked fixture.  A
   constructor does the adding before main runs, and fc_ck_main (NAME)
   builds the suite NAME from what registered and runs it: no list of
   tests to keep beside the tests, so none is ever written and forgotten.  */
#define FC_CK_MAX_TESTS 128
#define FC_CK_MAX_CASES 16

typedef struct
{
  const char *tcase;       /* the test case it joins */
  const TTest *test;       /* NULL for a fixture */
  int loop_end;            /* < 0: a plain test */
  SFun setup, teardown;    /* a fixture's functions */
} fc_ck_entry;

static fc_ck_entry fc_ck_entries[FC_CK_MAX_TESTS];
static size_t fc_ck_n_entries;

static inline void
fc_ck_register (fc_ck_entry e)
{
  if (fc_ck_n_entries == FC_CK_MAX_TESTS)
    {
      fputs ("fc_check.h: more than FC_CK_MAX_TESTS tests\n", stderr);
      abort ();
    }
  fc_ck_entries[fc_ck_n_entries++] = e;
}

#define FC_LOOP_TEST(tcase, name, n)                                          \
  static const TTest *name;                                                   \
  __attribute__ ((constructor)) static void name##_register (void)            \
  {                                                                           \
    fc_ck_register ((fc_ck_entry){ (tcase), name, (int) (n), NULL, NULL });   \
  }                                                                           \
  START_TEST (name)

#define FC_TEST(tcase, name) FC_LOOP_TEST (tcase, name, -1)

#define FC_FIXTURE(tcase, setup, teardown)                                    \
  __attribute__ ((constructor)) static void setup##_register (void)           \
  {                                                                           \
    fc_ck_register ((fc_ck_entry){ (tcase), NULL, -1, (setup), (teardown) }); \
  }

/* The test case NAME of S, created (and added to S) at its first use;
   CASES and their NAMES (n_cases so far) remember them.  */
static inline TCase *
fc_ck_case (Suite *s, const char *name, TCase **cases, const char **names,
            size_t *n_cases)
{
  for (size_t i = 0; i < *n_cases; i++)
    if (strcmp (names[i], name) == 0)
      return cases[i];
  if (*n_cases == FC_CK_MAX_CASES)
    {
      fputs ("fc_check.h: more than FC_CK_MAX_CASES test cases\n", stderr);
      abort ();
    }
  TCase *tc = tcase_create (name);
  suite_add_tcase (s, tc);
  names[*n_cases] = name;
  return cases[(*n_cases)++] = tc;
}

/* Run suite S the project's way: GSL's abort-on-error handler off (tests
   provoke errors on purpose), no fork under valgrind (fork leaves
   "still reachable" noise and valgrind trips Check's timeouts).  Returns
   the exit status for main.  */
static inline int
fc_run_suite (Suite *s)
{
  gsl_set_error_handler_off ();
  SRunner *sr = srunner_create (s);
  if (fc_under_valgrind ())
    srunner_set_fork_status (sr, CK_NOFORK);
  srunner_run_all (sr, CK_NORMAL);
  int nfailed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* The suite NAME of every registered test, fixture and loop, run. */
static inline int
fc_ck_main (const char *name)
{
  Suite *s = suite_create (name);
  TCase *cases[FC_CK_MAX_CASES];
  const char *names[FC_CK_MAX_CASES];
  size_t n_cases = 0;
  for (size_t i = 0; i < fc_ck_n_entries; i++)
    {
      const fc_ck_entry *e = &fc_ck_entries[i];
      TCase *tc = fc_ck_case (s, e->tcase, cases, names, &n_cases);
      if (e->test == NULL)
        tcase_add_checked_fixture (tc, e->setup, e->teardown);
      else if (e->loop_end < 0)
        tcase_add_test (tc, e->test);
      else
        tcase_add_loop_test (tc, e->test, 0, e->loop_end);
    }
  return fc_run_suite (s);
}

/* The program's main: the suite NAME of the file's tests, run.  */
#define FC_CK_MAIN(name)                                                      \
  int main (void) { return fc_ck_main (name); }

#endif /* FC_CHECK_H */
