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
#include <stdlib.h>
#include <check.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_machine.h>

#define TOL_EPS(k) ((k) * GSL_DBL_EPSILON)
#define Z_MAX 5.0

/* Relative comparison in the manner of gsl_test_rel: NaN matches only NaN,
   infinities only themselves, and an expected 0 falls back to an absolute
   test against TOL.  */
#define fc_ck_assert_rel(obs, exp, tol, ...)                                  \
  do                                                                          \
    {                                                                         \
      double fc_o_ = (obs), fc_e_ = (exp), fc_t_ = (tol);                     \
      int fc_ok_;                                                             \
      if (isnan (fc_e_) || isnan (fc_o_))                                     \
        fc_ok_ = isnan (fc_e_) && isnan (fc_o_);                              \
      else if (isinf (fc_e_) || isinf (fc_o_))                                \
        fc_ok_ = fc_e_ == fc_o_;                                              \
      else if (fc_e_ == 0.0)                                                  \
        fc_ok_ = fabs (fc_o_) <= fc_t_;                                       \
      else                                                                    \
        fc_ok_ = fabs (fc_o_ - fc_e_) <= fc_t_ * fabs (fc_e_);                \
      if (!fc_ok_)                                                            \
        {                                                                     \
          char fc_msg_[512];                                                  \
          snprintf (fc_msg_, sizeof fc_msg_, __VA_ARGS__);                    \
          ck_abort_msg ("%s: %.17g observed vs %.17g expected (rel tol %.3g)", \
                        fc_msg_, fc_o_, fc_e_, fc_t_);                        \
        }                                                                     \
    }                                                                         \
  while (0)

#define fc_ck_assert_abs(obs, exp, tol, ...)                                  \
  do                                                                          \
    {                                                                         \
      double fc_o_ = (obs), fc_e_ = (exp), fc_t_ = (tol);                     \
      if (!(fabs (fc_o_ - fc_e_) <= fc_t_))                                   \
        {                                                                     \
          char fc_msg_[512];                                                  \
          snprintf (fc_msg_, sizeof fc_msg_, __VA_ARGS__);                    \
          ck_abort_msg ("%s: %.17g observed vs %.17g expected (abs tol %.3g)", \
                        fc_msg_, fc_o_, fc_e_, fc_t_);                        \
        }                                                                     \
    }                                                                         \
  while (0)

/* 1 when the suite runs under valgrind (AX_VALGRIND_CHECK exports VALGRIND):
   statistical tests then shrink their sample sizes, as Redis's
   REDIS_TEST_VALGRIND does, keeping their bands derived from the size used. */
static inline int
fc_under_valgrind (void)
{
  return getenv ("VALGRIND") != NULL;
}

/* A test case NAME holding the N TESTS, added to S; returned, so that
   loop tests can join it.  FC_CK_CASE (s, "name", test_a, test_b, ...)
   counts the tests itself.  */
static inline TCase *
fc_ck_case (Suite *s, const char *name, size_t n, const TTest *const *tests)
{
  TCase *tc = tcase_create (name);
  for (size_t i = 0; i < n; i++)
    tcase_add_test (tc, tests[i]);
  suite_add_tcase (s, tc);
  return tc;
}

#define FC_CK_CASE(s, name, ...)                                              \
  fc_ck_case ((s), (name),                                                    \
              sizeof ((const TTest *[]){ __VA_ARGS__ }) / sizeof (TTest *),   \
              (const TTest *[]){ __VA_ARGS__ })

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

#endif /* FC_CHECK_H */
