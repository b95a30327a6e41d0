/* src/fc_bridge.h -- stub, to be written. */
#ifndef FC_BRIDGE_H
#define FC_BRIDGE_H
#endif
