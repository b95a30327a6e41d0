/* tests/check_barycentric_cost.c -- stub, to be written. */
#include "fc_check.h"

static Suite *
stub_suite (void)
{
  Suite *s = suite_create ("check_barycentric_cost");
  TCase *tc = tcase_create ("stub");
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return fc_run_suite (stub_suite ());
}
