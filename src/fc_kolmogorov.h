/* src/fc_kolmogorov.h -- stub, to be written. */
#ifndef FC_KOLMOGOROV_H
#define FC_KOLMOGOROV_H
#endif
