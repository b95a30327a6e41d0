# plots/common.gp -- styles shared by every figure (loaded through GNUPLOT_LIB).
#
# Every script is called as
#   gnuplot -e "set terminal ..." -c plots/NAME.gp RESULTS_DIR OUTPUT
# with the terminal already chosen (pngcairo or pdfcairo, see figures.mk).

set encoding utf8
set border lw 1.2
set tics nomirror out scale 0.6
set grid back lc rgb '#dddddd' lw 0.8
set key box lc rgb '#bbbbbb' opaque samplen 2.5 spacing 1.15

# Line styles: C1 (conditional paths) in blues, C2 (marginal fields) in
# greens/oranges, C3 (the counter-example) in red, guides in grey.
set style line 1 lc rgb '#08519c' lw 2 pt 7 ps 0.9
set style line 2 lc rgb '#3182bd' lw 2 pt 5 ps 0.9
set style line 3 lc rgb '#6baed6' lw 2 pt 9 ps 1.0
set style line 4 lc rgb '#238b45' lw 2 pt 13 ps 1.0
set style line 5 lc rgb '#74c476' lw 2 pt 11 ps 1.0
set style line 6 lc rgb '#d95f0e' lw 2 pt 15 ps 1.0
set style line 7 lc rgb '#fe9929' lw 2 pt 4 ps 0.9
set style line 8 lc rgb '#cb181d' lw 2.5 pt 6 ps 1.1
set style line 9 lc rgb '#636363' lw 1.5 dt 2
set style line 10 lc rgb '#000000' lw 1

# A perceptually ordered palette (viridis-like) for densities and time.
set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')
