# plots/common.gp -- stub
