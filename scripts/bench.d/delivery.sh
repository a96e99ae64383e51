# scripts/bench delivery [--emails N] [--rounds R] [--lanes L]
# E-mails per second through a real SMTP server on loopback (scripts/smtp-sink, aiosmtpd), sent by the e-mail
# sender of `tact deliver` with the check at the moment of sending, against the same sender without the check, in
# the same run. Each side has its own installation: N debtors placed, their first notices decided and queued by a
# scheduler and two workers, then the sender started and timed until the SMTP server has received all N. The two
# take turns going first. Target: with the check, at least half the throughput without it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
emails=2000
rounds=3
lanes=8
while [ $# -gt 0 ]; do
    case "$1" in
        --emails) emails=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --lanes) lanes=$2; shift 2 ;;
        *) echo "bench delivery: unknown option $1" >&2; exit 2 ;;
    esac
done

echo "bench delivery: building (release)"
cd "$root"
for product in tact DeliveryBench AMQPBench; do
    swift build -c release --product "$product" 2>&1 | { grep -Ev '^\[[0-9]+/[0-9]+\]' || true; }
done
bin="$(swift build -c release --show-bin-path)"
bench_broker
bench_workspace
bench_placements "$emails" "$work/placements.jsonl"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# E-mails per second for one side (check or no-check); sets last_rate.
last_rate=0
run_side() {
    local side=$1 label=$2
    local prefix="bench$RANDOM$RANDOM"
    local config="$work/config-$label"
    mkdir -p "$config"
    for folder in rulebooks strategies templates; do ln -s "$root/Config/$folder" "$config/$folder"; done
    cat > "$config/tact.yaml" <<YAML
broker:
  exchangePrefix: $prefix
store:
  path: $work/store-$label.sqlite
firm:
  name: Bench Collections
  phone: "+1 555 0100"
  email: help@bench.example
  website: https://bench.example
  address: "1 Bench Street"
  optOutURL: https://bench.example/stop
  surveyURL: https://bench.example/survey
delivery:
  concurrency: $lanes
  email:
    from: notices@bench.example
    tls: none
YAML
    export TACT_CONFIG_DIR="$config"
    "$bin/tact" place "$work/placements.jsonl" >/dev/null
    "$bin/tact" scheduler 2> "$work/scheduler-$label.log" &
    pids+=($!)
    for n in 1 2; do "$bin/tact" worker --metrics-port 0 2> "$work/worker-$label-$n.log" & pids+=($!); done
    while [ "$("$bin/AMQPBench" "$TACT_AMQP_URL" "$prefix.reminders.email" count)" -lt "$emails" ]; do sleep 0.1; done
    local port mail="$work/mail-$label"
    port=$(free_port)
    /usr/bin/python3 "$root/scripts/smtp-sink" --port "$port" --dir "$mail" --raw > "$work/sink-$label.log" 2>&1 &
    pids+=($!)
    until grep -q "ready on" "$work/sink-$label.log" 2>/dev/null; do sleep 0.05; done
    local start end
    local scheduler_before
    scheduler_before=$(cpu_seconds "${pids[0]}")
    start=$(date +%s.%N)
    TACT_SMTP_URL="smtp://127.0.0.1:$port" "$bin/DeliveryBench" "--$side" 2> "$work/sender-$label.log" &
    pids+=($!)
    local sender=$!
    while [ "$(find "$mail" -name '*.eml' 2>/dev/null | wc -l)" -lt "$emails" ]; do sleep 0.05; done
    end=$(date +%s.%N)
    # CPU seconds while sending: the sender's, and the scheduler's (it answers the checks).
    last_sender_cpu=$(cpu_seconds "$sender")
    last_scheduler_cpu=$(python3 -c "print($(cpu_seconds "${pids[0]}") - $scheduler_before)")
    stop_all
    unset TACT_CONFIG_DIR
    for queue in intake outcomes decisions expired tasks dead reminders.email reminders.sms reminders.letter calls.pool \
        scheduler.intake scheduler.outcomes scheduler.decisions scheduler.expired scheduler.checks; do
        "$bin/AMQPBench" "$TACT_AMQP_URL" "$prefix.$queue" delete 2>/dev/null || true
    done
    last_rate=$(python3 -c "print(round($emails / ($end - $start)))")
}

results=$(mktemp)
for round in $(seq 1 "$rounds"); do
    if [ $((round % 2)) = 1 ]; then
        run_side no-check "$round-plain"; plain=$last_rate
        run_side check "$round-check"; checked=$last_rate; sender_cpu=$last_sender_cpu; check_cpu=$last_scheduler_cpu
    else
        run_side check "$round-check"; checked=$last_rate; sender_cpu=$last_sender_cpu; check_cpu=$last_scheduler_cpu
        run_side no-check "$round-plain"; plain=$last_rate
    fi
    echo "$round $plain $checked $sender_cpu $check_cpu" >> "$results"
    printf "  round %d  without the check %5d e-mails/s   with the check %5d e-mails/s\n" "$round" "$plain" "$checked"
done

python3 - "$results" "$emails" "$rounds" "$(nproc)" "$lanes" <<'PY'
import statistics, sys
rows = [[float(x) for x in line.split()] for line in open(sys.argv[1])]
plain = statistics.median(r[1] for r in rows)
checked = statistics.median(r[2] for r in rows)
ratio = statistics.median(r[2] / r[1] for r in rows)
print(f"\n{sys.argv[2]} e-mails × {sys.argv[3]} rounds, {sys.argv[4]} cores, {sys.argv[5]} lanes; medians:")
print(f"  without the check {plain:7.0f} e-mails/s   with the check {checked:7.0f} e-mails/s   "
      f"with/without {ratio:.2f} (target ≥ 0.5)")
emails = float(sys.argv[2])
sender = statistics.median(r[3] for r in rows) * 1000 / emails
checks = statistics.median(r[4] for r in rows) * 1000 / emails
print(f"  CPU seconds per 1,000 e-mails, with the check: sender {sender:.2f}, scheduler answering checks {checks:.2f}")
PY
rm -f "$results"
