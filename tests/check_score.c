/* tests/check_score.c -- stub, being written.  */
#include <config.h>
#include <check.h>
#include "fc_check.h"

START_TEST (test_stub)
{
  ck_assert_int_eq (1, 1);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("score");
  TCase *tc = tcase_create ("stub");
  tcase_add_test (tc, test_stub);
  suite_add_tcase (s, tc);
  return fc_run_suite (s);
}
