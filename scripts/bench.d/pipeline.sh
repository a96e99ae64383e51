# scripts/bench pipeline [--placements N] [--rounds R] [--against REVISION]
# Placements per second that become emitted contacts (scheduler + 2 workers, each placement → an e-mail notice
# and a call), against two C relays on the same broker in the same run: the forward loop (consume → publish →
# wait for that confirm → ack), and the baseline, the batched relay (up to 500 deliveries, published together,
# every confirm awaited, one multiple ack) between quorum queues: what the broker carries for a relay that loses
# nothing. A placement costs Tact 7 broker hops (intake, two tasks, two decisions, two contacts): Tact's hops per
# second are compared with the batched relay's messages per second.
# With --against, the tact of that git revision (built in .build/bench/against) runs too in every round, so that
# a change is measured against what came before it side by side.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
placements=3000
rounds=3
against=""
while [ $# -gt 0 ]; do
    case "$1" in
        --placements) placements=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --against) against=$2; shift 2 ;;
        *) echo "bench pipeline: unknown option $1" >&2; exit 2 ;;
    esac
done

echo "bench pipeline: building (release) and compiling the C baseline"
cd "$root"
swift build -c release --product tact 2>&1 | { grep -Ev '^\[[0-9]+/[0-9]+\]' || true; }
swift build -c release --product AMQPBench 2>&1 | { grep -Ev '^\[[0-9]+/[0-9]+\]' || true; }
bin="$(swift build -c release --show-bin-path)"
mkdir -p "$root/.build/bench"
against_bin=""
tree=""
if [ -n "$against" ]; then
    bench_build_against "$against" tact
    tree=$against_tree
    against_bin="$tree/.build/release/tact"
fi
c_bench="$root/.build/bench/amqp_bench"
gcc -O2 -Wall -Werror -o "$c_bench" "$root/Benchmarks/amqp-c/amqp_bench.c" $(pkg-config --cflags --libs librabbitmq)
bench_broker
bench_workspace
bench_placements "$placements" "$work/placements.jsonl"
size=$(head -n 1 "$work/placements.jsonl" | wc -c)

# Placements per second for one tact binary with its own Config folder: placements queued first, then the scheduler and two workers start;
# timed until every contact is out. Sets last_rate (placements/s) and last_rss (the scheduler's peak resident
# memory, kB).
last_rate=0
last_rss=0
run_tact() {
    local tact_bin=$1 label=$2 config_root=$3
    local prefix="bench$RANDOM$RANDOM"
    local config="$work/config-$label"
    mkdir -p "$config"
    ln -s "$config_root/rulebooks" "$config/rulebooks"
    ln -s "$config_root/strategies" "$config/strategies"
    printf 'broker:\n  exchangePrefix: %s\nstore:\n  path: %s\n' "$prefix" "$work/store-$label.sqlite" > "$config/tact.yaml"
    export TACT_CONFIG_DIR="$config"
    local broker broker_before=0
    broker=$(broker_pid)
    [ -n "$broker" ] && broker_before=$(cpu_seconds "$broker")
    # The creditor's tool, timed by its CPU: it reads, checks and publishes every placement.
    last_place_cpu=$(python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{usage.ru_utime + usage.ru_stime:.3f}")' "$tact_bin" place "$work/placements.jsonl")
    local outputs="$prefix.reminders.email,$prefix.calls.pool"
    local start end
    start=$(date +%s.%N)
    "$tact_bin" scheduler 2> "$work/scheduler-$label.log" &
    pids+=($!)
    for n in 1 2; do "$tact_bin" worker 2> "$work/worker-$label-$n.log" & pids+=($!); done
    local expected=$((placements * 2))
    while [ "$("$bin/AMQPBench" "$TACT_AMQP_URL" "$outputs" count)" -lt "$expected" ]; do sleep 0.05; done
    end=$(date +%s.%N)
    last_rss=$(awk '/VmHWM/ {print $2}' "/proc/${pids[0]}/status")
    # CPU seconds from start to the last contact out: the scheduler, both workers, the broker (placing included).
    last_scheduler_cpu=$(cpu_seconds "${pids[0]}")
    last_worker_cpu=$(python3 -c "print($(cpu_seconds "${pids[1]}") + $(cpu_seconds "${pids[2]}"))")
    last_broker_cpu=0
    [ -n "$broker" ] && last_broker_cpu=$(python3 -c "print($(cpu_seconds "$broker") - $broker_before)")
    stop_all
    unset TACT_CONFIG_DIR
    for queue in intake outcomes decisions expired tasks dead reminders.email reminders.sms reminders.letter calls.pool \
        scheduler.intake scheduler.outcomes scheduler.decisions scheduler.expired; do
        "$bin/AMQPBench" "$TACT_AMQP_URL" "$prefix.$queue" delete 2>/dev/null || true
    done
    last_rate=$(python3 -c "print(round($placements / ($end - $start)))")
}

hops=7
results=$(mktemp)
for round in $(seq 1 "$rounds"); do
    # The C forward loop: quorum source (like Tact's intake), classic durable target (like its output queues).
    source_queue="bench.forward.in.$round.$RANDOM"
    target_queue="bench.forward.out.$round.$RANDOM"
    "$bin/AMQPBench" "$TACT_AMQP_URL" "$source_queue" declare
    "$bin/AMQPBench" "$TACT_AMQP_URL" "$target_queue" declare-classic
    "$c_bench" "$BENCH_HOST" "$BENCH_PORT" "$source_queue" publish "$placements" "$size" 1024 >/dev/null
    forward=$("$c_bench" "$BENCH_HOST" "$BENCH_PORT" "$source_queue" forward "$placements" "$target_queue" 100)
    "$bin/AMQPBench" "$TACT_AMQP_URL" "$source_queue" delete
    "$bin/AMQPBench" "$TACT_AMQP_URL" "$target_queue" delete
    # The batched relay moves as many messages as Tact's hops for the placements, quorum queue to quorum queue.
    "$bin/AMQPBench" "$TACT_AMQP_URL" "$source_queue" declare
    "$bin/AMQPBench" "$TACT_AMQP_URL" "$target_queue" declare
    "$c_bench" "$BENCH_HOST" "$BENCH_PORT" "$source_queue" publish $((placements * hops)) "$size" 1024 >/dev/null
    batched=$("$c_bench" "$BENCH_HOST" "$BENCH_PORT" "$source_queue" forward-batched $((placements * hops)) \
        "$target_queue" 500)
    "$bin/AMQPBench" "$TACT_AMQP_URL" "$source_queue" delete
    "$bin/AMQPBench" "$TACT_AMQP_URL" "$target_queue" delete

    # With a revision to compare against, the two take turns going first: a broker warmed by the first run
    # favours neither.
    before=0
    if [ -n "$against_bin" ] && [ $((round % 2)) = 0 ]; then
        run_tact "$against_bin" "$round-against" "$tree/Config"
        before=$last_rate
    fi
    run_tact "$bin/tact" "$round" "$root/Config"
    tact=$last_rate
    rss=$last_rss
    if [ -n "$against_bin" ] && [ $((round % 2)) = 1 ]; then
        run_tact "$against_bin" "$round-against" "$tree/Config"
        before=$last_rate
    fi
    echo "$round $forward $tact $rss $before $batched $last_scheduler_cpu $last_worker_cpu $last_broker_cpu" \
        "$last_place_cpu" >> "$results"
    printf "  round %d  C forward loop %6d msg/s  batched relay %6d msg/s   Tact %6d placements/s (%d contacts/s," \
        "$round" "$forward" "$batched" "$tact" $((tact * 2))
    printf " %d hops/s)  scheduler peak RSS %d MB" $((tact * hops)) $((rss / 1024))
    if [ -n "$against_bin" ]; then printf "   %s %6d placements/s" "$against" "$before"; fi
    printf "\n"
done

python3 - "$results" "$placements" "$rounds" "$(nproc)" "$against" "$hops" <<'PY'
import statistics, sys
rows = [[float(x) for x in line.split()] for line in open(sys.argv[1])]
hops = int(sys.argv[6])
forward = statistics.median(r[1] for r in rows)
batched = statistics.median(r[5] for r in rows)
tact = statistics.median(r[2] for r in rows)
ratio = statistics.median(r[2] / r[1] for r in rows)
carried = statistics.median(r[2] * hops / r[5] for r in rows)
print(f"\n{sys.argv[2]} placements × {sys.argv[3]} rounds, {sys.argv[4]} cores; medians:")
print(f"  Tact {tact:8.0f} placements/s ({2 * tact:.0f} contacts/s, {hops * tact:.0f} broker hops/s)")
print(f"  batched relay {batched:8.0f} msg/s   Tact hops/relay {carried:.2f} (target ≥ 0.5)")
print(f"  C forward loop {forward:8.0f} msg/s   Tact placements/forward loop {ratio:.2f} (issue 5's target ≥ 0.3)")
# CPU seconds per 1,000 placements (each makes 2 contacts), medians over the rounds; the capacity model's input.
placements = float(sys.argv[2])
kinds = [("scheduler", 6), ("workers (2)", 7), ("RabbitMQ", 8), ("tact place", 9)]
cpu = {name: statistics.median(r[i] for r in rows) * 1000 / placements for name, i in kinds}
print("  CPU seconds per 1,000 placements (2,000 contacts): "
      + ", ".join(f"{name} {value:.2f}" for name, value in cpu.items()))
if sys.argv[5]:
    before = statistics.median(r[4] for r in rows)
    change = statistics.median(r[2] / r[4] for r in rows)
    print(f"  {sys.argv[5]} {before:8.0f} placements/s   this/{sys.argv[5]} {change:.2f} (per-round ratio)")
PY
rm -f "$results"
