/* src/flowcheck.h -- libflowcheck, everything at once: every installed
 * header (pkginclude_HEADERS in Makefile.am), in the order of the library
 * sources.  */
#ifndef FC_FLOWCHECK_H
#define FC_FLOWCHECK_H

#include "fc_rng.h"
#include "fc_schedule.h"
#include "fc_gmm.h"
#include "fc_spec.h"
#include "fc_path.h"
#include "fc_path_field.h"
#include "fc_fd.h"
#include "fc_ode.h"
#include "fc_sde.h"
#include "fc_stats.h"
#include "fc_compare.h"
#include "fc_verdict.h"
#include "fc_io.h"
#include "fc_npy.h"
#include "fc_study.h"
#include "fc_obs.h"
#include "fc_guide.h"
#include "fc_bridge.h"
#include "fc_kolmogorov.h"
#include "fc_interp.h"
#include "fc_wasserstein.h"
#include "fc_pathcost.h"
#include "fc_so3.h"
#include "fc_flow.h"
#include "fc_mlp.h"
#include "fc_assign.h"
#include "fc_cells.h"
#include "fc_capi.h"

#endif /* FC_FLOWCHECK_H */
