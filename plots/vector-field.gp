# plots/vector-field.gp -- stub
