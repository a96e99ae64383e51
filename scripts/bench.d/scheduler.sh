# scripts/bench scheduler [--big N] [--rounds R] [--against REVISION]
# The scheduler process handing out 10,000 due tasks (snapshot built, outbox committed, published with confirms)
# with 10,000 tasks pending in its store versus 1,000,000, in the same run; and its peak resident memory.
# Target (issue 4): at most 1.5× as long with 1,000,000 pending, under 200 MB resident.
# With --against, the tact of that revision (built in .build/bench/against, its stores seeded by its own StoreBench)
# runs the same rounds, taking turns to go first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
big=1000000
due=10000
rounds=3
against=""
while [ $# -gt 0 ]; do
    case "$1" in
        --big) big=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --against) against=$2; shift 2 ;;
        *) echo "bench scheduler: unknown option $1" >&2; exit 2 ;;
    esac
done

echo "bench scheduler: building (release)"
cd "$root"
for product in tact StoreBench AMQPBench; do
    swift build -c release --product "$product" 2>&1 | { grep -Ev '^\[[0-9]+/[0-9]+\]' || true; }
done
bin="$(swift build -c release --show-bin-path)"
[ -n "$against" ] && bench_build_against "$against" tact StoreBench
bench_broker
work=$(mktemp -d "$root/.tact/bench-scheduler.XXXXXX")
scheduler_pid=""
bench_at_exit '[ -n "$scheduler_pid" ] && kill -TERM "$scheduler_pid" 2>/dev/null; rm -rf "$work"'

# Seeded once, copied before each run so every run starts from the same state. Due tasks are due now.
now=$(date +%s)
echo "bench scheduler: seeding $due pending tasks, and $big (of which $due due)"
STOREBENCH_NOW=$now "$bin/StoreBench" seed "$work/small.seed" "$due" "$due"
STOREBENCH_NOW=$now "$bin/StoreBench" seed "$work/big.seed" "$big" "$due"
if [ -n "$against" ]; then
    echo "bench scheduler: seeding the same for $against"
    STOREBENCH_NOW=$now "$against_tree/.build/release/StoreBench" seed "$work/small-before.seed" "$due" "$due"
    STOREBENCH_NOW=$now "$against_tree/.build/release/StoreBench" seed "$work/big-before.seed" "$big" "$due"
fi

run() {  # run SEED [TREE] → seconds RSS_KB; TREE is the checkout whose tact and Config run (this one by default)
    local seed=$1 tree=${2:-$root} prefix="bench$RANDOM$RANDOM" config="$work/config"
    local tact_bin="$bin/tact"
    [ "$tree" != "$root" ] && tact_bin="$tree/.build/release/tact"
    rm -rf "$config" "$work/run.sqlite"*
    mkdir -p "$config"
    ln -s "$tree/Config/rulebooks" "$config/rulebooks"
    ln -s "$tree/Config/strategies" "$config/strategies"
    printf 'broker:\n  exchangePrefix: %s\nstore:\n  path: %s\nscheduler:\n  dispatchBatch: 500\n' \
        "$prefix" "$work/run.sqlite" > "$config/tact.yaml"
    cp "$work/$seed" "$work/run.sqlite"
    # Written back before the clock starts: otherwise the kernel flushes the copy (hundreds of MB for the big
    # store, more the more it holds) while the scheduler commits, and a bigger file is timed slower for it.
    sync
    local start end
    start=$(date +%s.%N)
    TACT_CONFIG_DIR="$config" "$tact_bin" scheduler 2> "$work/scheduler.log" &
    scheduler_pid=$!
    until [ "$("$bin/AMQPBench" "$TACT_AMQP_URL" "$prefix.tasks" count)" -ge "$due" ]; do
        kill -0 "$scheduler_pid" 2>/dev/null || { echo "scheduler died:" >&2; tail "$work/scheduler.log" >&2; exit 1; }
        sleep 0.05
    done
    end=$(date +%s.%N)
    local rss
    rss=$(awk '/VmHWM/ {print $2}' "/proc/$scheduler_pid/status")
    kill -TERM "$scheduler_pid"
    wait "$scheduler_pid" 2>/dev/null || true
    scheduler_pid=""
    for queue in intake outcomes decisions expired tasks dead reminders.email reminders.sms reminders.letter \
        calls.pool scheduler.intake scheduler.outcomes scheduler.decisions scheduler.expired; do
        "$bin/AMQPBench" "$TACT_AMQP_URL" "$prefix.$queue" delete 2>/dev/null || true
    done
    python3 -c "print(f'{$end - $start:.3f} $rss')"
}

results=$(mktemp)
for round in $(seq 1 "$rounds"); do
    order="small big"; [ $((round % 2)) = 0 ] && order="big small"
    for size in $order; do
        versions="this"
        if [ -n "$against" ]; then
            versions="this before"; [ $((round % 2)) = 0 ] && versions="before this"
        fi
        for version in $versions; do
            if [ "$version" = this ]; then
                read -r seconds rss < <(run "$size.seed")
            else
                read -r seconds rss < <(run "$size-before.seed" "$against_tree")
            fi
            echo "$round $size $version $seconds $rss" >> "$results"
            printf "  round %d  %-5s %-6s %6.2f s  peak RSS %d MB\n" "$round" "$size" "$version" "$seconds" $((rss / 1024))
        done
    done
done

python3 - "$results" "$due" "$big" "$against" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
def median(size, version):
    return statistics.median(float(r[3]) for r in rows if r[1] == size and r[2] == version)
small, large = median("small", "this"), median("big", "this")
rss = max(int(r[4]) for r in rows if r[2] == "this") / 1024
print(f"\nhanding out {sys.argv[2]} due tasks: {small:.2f} s with {sys.argv[2]} pending, {large:.2f} s with {sys.argv[3]} "
      f"pending; ratio {large / small:.2f} (target ≤ 1.5); peak RSS {rss:.0f} MB (target < 200)")
if sys.argv[4]:
    before_small, before_large = median("small", "before"), median("big", "before")
    before_rss = max(int(r[4]) for r in rows if r[2] == "before") / 1024
    print(f"{sys.argv[4]}: {before_small:.2f} s and {before_large:.2f} s, peak RSS {before_rss:.0f} MB; "
          f"this/before in tasks per second: {before_small / small:.2f} with {sys.argv[2]} pending, "
          f"{before_large / large:.2f} with {sys.argv[3]}")
PY
rm -f "$results"
