#!/usr/bin/env bash
# Policy engine benchmark (issue 3): decisions per second on one core for debtors with two time zones and
# 20-event histories with mixed outcomes. Target: at least 250,000 decisions/s. Also the same decisions through
# `tact policy evaluate`'s JSON and through a worker's path (task decoded, decided, decision encoded; issue 14
# asks 100,000/s).
# Usage: scripts/bench.d/policy.sh [SECONDS_PER_RUN [RUNS]]   (run by `scripts/bench policy`)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
seconds="${1:-2}"
runs="${2:-5}"
scratch="${TACT_BENCH_SCRATCH:-.build}"

swift build -c release --scratch-path "$scratch" --product PolicyBench >&2
bench="$scratch/release/PolicyBench"

# One core: the engine is single-threaded per decision; pin it so the figure is per core.
if command -v taskset >/dev/null 2>&1; then
    taskset -c 0 "$bench" "$seconds" "$runs"
else
    "$bench" "$seconds" "$runs"
fi
