/* derivations/score.c -- stub, being written.  */
#include <config.h>
#include <stddef.h>
#include "fc_module.h"

const fc_module fc_module_score = { "score", "being written", NULL, 0, NULL };
