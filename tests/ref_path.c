#include <config.h>
typedef int fc_stub_ref;
