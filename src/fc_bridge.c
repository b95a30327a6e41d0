/* src/fc_bridge.c -- stub, to be written. */
typedef int fc_stub_fc_bridge;
