# plots/simplex-paths.gp -- stub, to be written.
