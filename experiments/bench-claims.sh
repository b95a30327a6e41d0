#!/bin/sh
# experiments/bench-claims.sh -- CPU seconds (user + sys) of `flowcheck run`
# per module and in total, at one thread, over repeated runs (issue 14,
# goal 5: the claims at full size within 40 s CPU).  CPU, not wall time:
# the machines these run on are shared, and a busy neighbour inflates the
# wall time but not the work.  Even CPU time moves by 10-20% on a loaded
# machine (a sibling hyperthread slows every instruction), hence the
# median, minimum and maximum over REPS runs.
#
# Usage: experiments/bench-claims.sh [FLOWCHECK [REPS [MODULE...]]]
#   FLOWCHECK  the program (default ./flowcheck)
#   REPS       runs per module (default 3)
#   MODULE     modules to time (default: every module, `flowcheck list`)
# Output: one line per module, `module median min max`, then `total` (the
# sums of the per-run totals' median, min and max).
set -eu
prog=${1:-./flowcheck}
reps=${2:-3}
[ $# -ge 2 ] && shift 2 || shift $#
mods=${*:-$("$prog" list | awk 'NR > 1 { print $2 }' | uniq)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Seconds of CPU of one run of module $1 (user + sys, from /usr/bin/time).
cpu_of () {
  OMP_NUM_THREADS=1 OMP_WAIT_POLICY=passive /usr/bin/time -f '%U %S' \
    -o "$tmp/t" "$prog" run --tsv "$1" > /dev/null 2>&1 || true
  awk '{ printf "%.2f\n", $1 + $2 }' "$tmp/t"
}

# shellcheck source=experiments/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

: > "$tmp/total"
r=1
while [ "$r" -le "$reps" ]; do
  for m in $mods; do
    cpu_of "$m" >> "$tmp/$m"
  done
  r=$((r + 1))
done
for m in $mods; do
  echo "$m $(bench_stats 2 < "$tmp/$m")"
done
# The run totals: the r-th line of every module's file summed.
paste $(for m in $mods; do echo "$tmp/$m"; done) \
  | awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.2f\n", s }' \
  > "$tmp/total"
echo "total $(bench_stats 2 < "$tmp/total")"
