# plots/block-schedule.gp -- stub, to be written.
