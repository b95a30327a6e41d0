# shellcheck shell=sh
# experiments/bench-lib.sh -- shell functions shared by the benchmark
# scripts (bench-io, bench-threads, bench-claims.sh), which source it from
# their own directory.  POSIX sh.

# bench_d16_spec FILE: a fixed mixture of 8 diagonal components in
# dimension 16 (means uniform in [-2, 2], variances in [0.1, 1.1], equal
# weights), drawn by awk from seed 7, so every run and every script times
# the same problem.
bench_d16_spec () {
  awk 'BEGIN { srand (7); print "dim 16";
               for (k = 0; k < 8; k++) {
                 print "component 0.125"; printf "mean";
                 for (j = 0; j < 16; j++) printf " %.3f", 4 * rand () - 2;
                 printf "\ndiag";
                 for (j = 0; j < 16; j++) printf " %.3f", 0.1 + rand ();
                 print "" } }' > "$1"
}

# bench_stats DIGITS: "median min max" of the numbers on standard input
# (one a line; the median of an even count is the mean of the middle two),
# with DIGITS decimals.
bench_stats () {
  sort -g | awk -v p="$1" '{ v[NR] = $1 }
    END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
          f = "%." p "f %." p "f %." p "f\n";
          printf f, m, v[1], v[NR] }'
}
