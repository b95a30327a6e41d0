/* tests/ref_path.h -- stub */
