/* tests/check_manifold_marginal.c -- claim M7 of module `manifold`.  */
#include <config.h>

#include "fc_check.h"
#include "fc_module.h"
#define FC_CK_MODULE "manifold"
#include "fc_check_module.h"

FC_CLAIM_TEST (test_m7_placeholder, "M7", FC_VERDICT_CONFIRMED)
{
  (void) v;
}

FC_CK_MAIN ("manifold_marginal")
