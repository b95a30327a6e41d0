# plots/trajectories.gp -- stub
