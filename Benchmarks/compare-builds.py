#!/usr/bin/env python3
"""Compares reclaim-bench builds on one gc case, interleaved.

Timings on a shared VM drift by tens of percent over minutes, so two builds
are compared by running them in turn, one round per process, several times,
and reporting each one's minimum and median:

    Benchmarks/compare-builds.py REPS CASE N NAME=BINARY [NAME=BINARY ...]

where CASE is a gc case, shape-state-order-collection

for example (an older build copied aside first):

    cp .build/release/reclaim-bench /tmp/rb-before   # at the older commit
    Benchmarks/compare-builds.py 5 tree-live-rootfirst-settled 1000000 before=/tmp/rb-before after=.build/release/reclaim-bench
"""
import json
import statistics
import subprocess
import sys


def main(argv):
    if len(argv) < 5:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    reps, case, n = int(argv[1]), argv[2], argv[3]
    builds = [arg.split("=", 1) for arg in argv[4:]]
    if any(len(build) != 2 for build in builds):
        print("each build is NAME=BINARY", file=sys.stderr)
        return 2
    times = {name: [] for name, _ in builds}
    for _ in range(reps):
        for name, binary in builds:
            output = subprocess.run(
                [binary, "gc", "--n", n, "--rounds", "1", "--impl", "reclaim", "--case", case],
                capture_output=True, text=True, check=True).stdout
            times[name].append(json.loads(output.strip().splitlines()[-1])["ns_per_obj"])
    for name, values in times.items():
        ordered = sorted(values)
        print(f"{case} n={n} {name:12s} min {ordered[0]:7.1f}  median {statistics.median(ordered):7.1f}"
              f"  ns/obj  (runs: {' '.join(f'{v:.0f}' for v in values)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
