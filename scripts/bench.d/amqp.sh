# scripts/bench amqp [--messages N] [--rounds R]
# Publish-with-confirms and consume-with-ack throughput of the Swift AMQP client against a C program calling
# librabbitmq directly, on the same broker in the same run: 300-byte persistent messages on a quorum queue.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
messages=50000
rounds=5
size=300
window=1024
prefetch=500
while [ $# -gt 0 ]; do
    case "$1" in
        --messages) messages=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        *) echo "bench amqp: unknown option $1" >&2; exit 2 ;;
    esac
done

echo "bench amqp: building (release) and compiling the C baseline"
cd "$root"
swift build -c release --product AMQPBench 2>&1 | { grep -Ev '^\[[0-9]+/[0-9]+\]' || true; }
swift_bench="$(swift build -c release --show-bin-path)/AMQPBench"
mkdir -p "$root/.build/bench"
c_bench="$root/.build/bench/amqp_bench"
gcc -O2 -Wall -Werror -o "$c_bench" "$root/Benchmarks/amqp-c/amqp_bench.c" $(pkg-config --cflags --libs librabbitmq)
bench_broker

run() {  # run CLIENT MODE QUEUE LIMIT → messages/s
    if [ "$1" = c ]; then
        "$c_bench" "$BENCH_HOST" "$BENCH_PORT" "$3" "$2" "$messages" "$size" "$4"
    else
        "$swift_bench" "$TACT_AMQP_URL" "$3" "$2" "$messages" "$size" "$4"
    fi
}

# Warm-up, not recorded: the first quorum queue of a fresh node is faster than the ones that follow.
for client in c swift; do
    queue="bench.warmup.$client.$RANDOM"
    "$swift_bench" "$TACT_AMQP_URL" "$queue" declare
    run "$client" publish "$queue" "$window" >/dev/null
    run "$client" consume "$queue" "$prefetch" >/dev/null
    "$swift_bench" "$TACT_AMQP_URL" "$queue" delete
done

results=$(mktemp)
for round in $(seq 1 "$rounds"); do
    # Alternate which client goes first, so drift in the broker's state does not favour one.
    order="c swift"; [ $((round % 2)) = 0 ] && order="swift c"
    for client in $order; do
        queue="bench.$client.$round.$RANDOM"
        "$swift_bench" "$TACT_AMQP_URL" "$queue" declare
        publish=$(run "$client" publish "$queue" "$window")
        consume=$(run "$client" consume "$queue" "$prefetch")
        "$swift_bench" "$TACT_AMQP_URL" "$queue" delete
        sleep 1  # Let the broker finish deleting the queue's log before the next client starts.
        echo "$round $client $publish $consume" >> "$results"
        printf "  round %d %-5s publish %7d msg/s   consume %7d msg/s\n" "$round" "$client" "$publish" "$consume"
    done
done

python3 - "$results" "$messages" "$rounds" "$(nproc)" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
rate = {(int(r[0]), r[1], column): float(r[column]) for r in rows for column in (2, 3)}
rounds = sorted({int(r[0]) for r in rows})
print(f"\n{sys.argv[2]} messages × {sys.argv[3]} rounds, 300-byte persistent messages, quorum queue, "
      f"{sys.argv[4]} cores; medians over rounds (the ratio is the median of each round's Swift/C):")
for name, column in (("publish with confirms", 2), ("consume with ack", 3)):
    c = statistics.median(rate[(n, "c", column)] for n in rounds)
    s = statistics.median(rate[(n, "swift", column)] for n in rounds)
    ratio = statistics.median(rate[(n, "swift", column)] / rate[(n, "c", column)] for n in rounds)
    print(f"  {name:22s}  C {c:9.0f} msg/s   Swift {s:9.0f} msg/s   Swift/C {ratio:.2f}")
PY
rm -f "$results"
