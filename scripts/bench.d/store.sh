# scripts/bench store [--pending N] [--rounds R]
# The store under the scheduler's load: taking 10,000 due tasks (dueTasks(limit: 500), each saved in flight, one
# ~1 KB outbox message each, one write transaction per batch) from a store holding 10,000 pending tasks and from
# one holding N (default 1,000,000, most due later), in alternating rounds of one process. Targets (issue 4): the
# big store at most 1.5x the small one, and the process under 200 MB resident.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
pending=1000000
rounds=7
due=10000
while [ $# -gt 0 ]; do
    case "$1" in
        --pending) pending=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        *) echo "bench store: unknown option $1" >&2; exit 2 ;;
    esac
done

echo "bench store: building (release)"
cd "$root"
scratch="${TACT_BENCH_SCRATCH:-.build}"
swift build -c release --scratch-path "$scratch" --product StoreBench 2>&1 | { grep -Ev '^\[[0-9]+/[0-9]+\]' || true; }
bench="$(swift build -c release --scratch-path "$scratch" --show-bin-path)/StoreBench"

dir=$(mktemp -d "${TMPDIR:-/tmp}/tact-bench-store.XXXXXX")
bench_at_exit 'rm -rf "$dir"' 
"$bench" seed "$dir/small.sqlite" "$due" "$due"
"$bench" seed "$dir/big.sqlite" "$pending" "$due"
echo "taking $due due tasks, $rounds rounds, $(nproc) cores (targets: ratio <= 1.5, peak RSS < 200 MB):"
"$bench" compare "$dir/small.sqlite" "$dir/big.sqlite" "$due" "$rounds"
