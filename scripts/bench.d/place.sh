# scripts/bench place [--rows N] [--rounds R]
# How long `tact place` takes to load N placements (default 100,000) from a CSV file and from a JSON-lines file:
# read, check every row, publish with confirms to a throwaway broker (or TACT_AMQP_URL). Also times --dry-run
# (read and check only), so the broker's share shows. Target (issue 6): well under a minute for 100,000 rows.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
rows=100000
rounds=3
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) rows=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        *) echo "bench place: unknown option $1" >&2; exit 2 ;;
    esac
done

echo "bench place: building (release)"
cd "$root"
swift build -c release --product tact 2>&1 | { grep -Ev '^\[[0-9]+/[0-9]+\]' || true; }
swift build -c release --product AMQPBench 2>&1 | { grep -Ev '^\[[0-9]+/[0-9]+\]' || true; }
bin="$(swift build -c release --show-bin-path)"
bench_broker
work=$(mktemp -d)

bench_at_exit 'rm -rf "$work"'
# Realistic rows: quoted names and addresses with commas, two time zones for some, every optional contact field.
python3 - "$rows" "$work" <<'PY'
import json, sys
rows, work = int(sys.argv[1]), sys.argv[2]
zones = ["America/New_York", "America/Chicago;America/Denver", "America/Los_Angeles", "Europe/Warsaw"]
with open(f"{work}/debtors.csv", "w") as csv, open(f"{work}/debtors.jsonl", "w") as jsonl:
    csv.write("creditor_id,debtor_id,name,time_zones,phone,sms,email,address,debt_id,amount,currency,due_date\n")
    for n in range(rows):
        zone = zones[n % len(zones)]
        phone = f"+1312555{n % 10000:04d}"
        name, address = f"Bench Person {n}, Jr.", f"{n} Example Way, Springfield, IL 62701"
        csv.write(f'acme,D-{n},"{name}",{zone},{phone},{phone},d{n}@example.com,"{address}",C-{n},'
                  f'{n % 900 + 10}.50,USD,2026-11-01\n')
        jsonl.write(json.dumps({"type": "placement", "version": 1, "placementId": f"acme-P-{n}", "creditorId": "acme",
            "debtor": {"id": f"D-{n}", "name": name, "timeZones": zone.split(";"), "phone": phone, "sms": phone,
                       "email": f"d{n}@example.com", "address": address, "language": "en"},
            "debt": {"id": f"C-{n}", "amount": f"{n % 900 + 10}.50", "currency": "USD", "dueDate": "2026-11-01"}}) + "\n")
PY
echo "bench place: $rows rows, $(du -h "$work/debtors.csv" | cut -f1) of CSV, $(du -h "$work/debtors.jsonl" | cut -f1) of JSON lines"

seconds() { python3 -c "print(f'{$2 - $1:.2f}')"; }
results="$work/results"
for round in $(seq 1 "$rounds"); do
    for format in csv jsonl; do
        prefix="benchplace$round$RANDOM"
        config="$work/config-$round-$format"
        mkdir -p "$config"
        ln -s "$root/Config/rulebooks" "$config/rulebooks"
        ln -s "$root/Config/mappings" "$config/mappings"
        [ -d "$root/Config/strategies" ] && ln -s "$root/Config/strategies" "$config/strategies"
        printf 'broker:\n  exchangePrefix: %s\nstore:\n  path: %s\n' "$prefix" "$work/unused.sqlite" > "$config/tact.yaml"
        export TACT_CONFIG_DIR="$config"
        start=$(date +%s.%N)
        "$bin/tact" place "$work/debtors.$format" --dry-run >/dev/null 2>&1
        checked=$(date +%s.%N)
        "$bin/tact" place "$work/debtors.$format" > "$work/place.out" 2> "$work/place.err" \
            || { cat "$work/place.err" >&2; exit 1; }
        placed=$(date +%s.%N)
        rss=$(/usr/bin/time -f %M "$bin/tact" place "$work/debtors.$format" --dry-run 2>&1 >/dev/null | tail -n 1)
        unset TACT_CONFIG_DIR
        # Quorum queues report their length a moment late; the count must reach every row.
        for _ in $(seq 1 100); do
            count=$("$bin/AMQPBench" "$TACT_AMQP_URL" "$prefix.scheduler.intake" count)
            [ "$count" -ge "$rows" ] && break
            sleep 0.1
        done
        [ "$count" -eq "$rows" ] || { echo "bench place: $count of $rows placements in the intake queue" >&2; exit 1; }
        for queue in scheduler.intake scheduler.outcomes scheduler.decisions scheduler.expired tasks dead \
            reminders.email reminders.sms reminders.letter calls.pool; do
            "$bin/AMQPBench" "$TACT_AMQP_URL" "$prefix.$queue" delete 2>/dev/null || true
        done
        check=$(seconds "$start" "$checked")
        total=$(seconds "$checked" "$placed")
        echo "$round $format $check $total $rss" >> "$results"
        printf "  round %d %-5s  check only %6.2f s   check + publish %6.2f s (%6.0f rows/s)   peak RSS %d MB\n" \
            "$round" "$format" "$check" "$total" "$(python3 -c "print($rows / $total)")" $((rss / 1024))
    done
done

python3 - "$results" "$rows" "$rounds" "$(nproc)" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
print(f"\n{sys.argv[2]} rows × {sys.argv[3]} rounds, {sys.argv[4]} cores; medians:")
for fmt in ("csv", "jsonl"):
    mine = [r for r in rows if r[1] == fmt]
    check = statistics.median(float(r[2]) for r in mine)
    total = statistics.median(float(r[3]) for r in mine)
    rss = max(int(r[4]) for r in mine) // 1024
    print(f"  {fmt:5s}  check only {check:6.2f} s   check + publish {total:6.2f} s "
          f"({int(sys.argv[2]) / total:,.0f} rows/s)   peak RSS {rss} MB   (target: well under 60 s)")
PY
