#!/usr/bin/env bash
# Instructions per operation of each contender, counted by callgrind: a
# repeatable figure on machines whose timings are noisy. Each contender runs
# alone at two sizes; the difference divided by the extra operations cancels
# start-up. Usage: Benchmarks/instruction-counts.sh SUITE CASE IMPL... (after
# `swift build -c release --product reclaim-bench`).
#
# For the gc suite (Benchmarks/instruction-counts.sh gc CASE, e.g.
# tree-garbage-rootfirst-settled) it counts Reclaim's timed collection at
# N (default 100000) nodes: the inclusive instructions of the collector's
# collectGenerations. A settled case runs two collections, the untimed one
# being exactly the live-first case's; that count is subtracted.
set -euo pipefail
suite=$1 case=$2
shift 2
# valgrind 3.19 cannot read the DWARF 5 clang writes for C targets: count a
# copy without debug information.
bench=$(mktemp)
trap 'rm -f "$bench"' EXIT
objcopy --strip-debug .build/release/reclaim-bench "$bench"
n1=${N1:-200000} n2=${N2:-400000}
if [ "$suite" = gc ]; then
    out=$(mktemp)
    trap 'rm -f "$bench" "$out" "$out.log"' EXIT
    nodes=${N:-100000}
    collected() {  # case -> inclusive instructions of every collection it runs
        if ! valgrind --tool=callgrind --callgrind-out-file="$out" "$bench" gc --case "$1" --n "$nodes" \
            --rounds 1 --impl reclaim >/dev/null 2>"$out.log"; then
            cat "$out.log" >&2; exit 1
        fi
        local counts
        counts=$(callgrind_annotate --inclusive=yes "$out" \
            | sed -n 's/^ *\([0-9,]*\) .*CollectorV18collectGenerations7through.*/\1/p' | tr -d ,)
        if [ "$(printf '%s\n' "$counts" | grep -c .)" -ne 1 ]; then
            echo "instruction-counts.sh: expected one collectGenerations line for $1, found: $counts" >&2; exit 1
        fi
        echo "$counts"
    }
    total=$(collected "$case")
    if [[ $case == *-settled ]]; then
        shape=${case%%-*} rest=${case#*-*-} order=${rest%%-*}
        untimed=$(collected "$shape-live-$order-first")
        total=$((total - untimed))
    fi
    printf '%-8s %-34s %14s instructions  %8.1f per node\n' gc "$case" "$total" "$(python3 -c "print($total / $nodes)")"
    exit 0
fi
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
