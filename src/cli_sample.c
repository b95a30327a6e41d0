/* src/cli_sample.c -- stub, being written.  */
typedef int fc_stub_cli_sample;
