#!/usr/bin/env bash
# Instructions per operation of each contender, counted by callgrind: a
# repeatable figure on machines whose timings are noisy. Each contender runs
# alone at two sizes; the difference divided by the extra operations cancels
# start-up. Usage: Benchmarks/instruction-counts.sh SUITE CASE IMPL... (after
# `swift build -c release --product reclaim-bench`).
set -euo pipefail
suite=$1 case=$2
shift 2
# valgrind 3.19 cannot read the DWARF 5 clang writes for C targets: count a
# copy without debug information.
bench=$(mktemp)
trap 'rm -f "$bench"' EXIT
objcopy --strip-debug .build/release/reclaim-bench "$bench"
n1=${N1:-200000} n2=${N2:-400000}
count() {  # impl n -> instructions
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" "$suite" --case "$case" \
        --impl "$1" --n "$2" --rounds 1 2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
reference=""
for impl in "$@"; do
    a=$(count "$impl" "$n1") b=$(count "$impl" "$n2")
    # Each run does n operations plus a warm-up of n/10.
    per_op=$(python3 -c "print(f'{($b - $a) / (1.1 * ($n2 - $n1)):.2f}')")
    if [ -z "$reference" ]; then reference=$per_op; ratio="(reference)"
    else ratio=$(python3 -c "print(f'{$per_op / $reference:.3f}x')"); fi
    printf '%-8s %-16s %-18s %10s instructions/op  %s\n' "$suite" "$case" "$impl" "$per_op" "$ratio"
done
