/* tests/check_training.c -- claims T1, T3, T4 of module `training` and
 * their controls (placeholder filled below).  */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fc_check.h"
#include "fc_module.h"
#define FC_CK_MODULE "training"
#include "fc_check_module.h"

FC_CLAIM_TEST (test_t1_change_of_variables_holds, "T1", FC_VERDICT_CONFIRMED)
{
  assert_figure (v, "flow_norm_err", FC_TEST_HOLDS, 1);
}

FC_CK_MAIN ("training")
