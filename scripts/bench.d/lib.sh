# Shared by the benchmark scripts: a release build and a broker to measure against.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"

# One EXIT trap for every script: cleanups run last-registered first, so a script's own cleanup (stopping its
# processes) cannot replace the one that stops the broker.
bench_cleanups=()
bench_at_exit() { bench_cleanups+=("$1"); }
bench_run_cleanups() {
    local i
    for ((i = ${#bench_cleanups[@]} - 1; i >= 0; i--)); do eval "${bench_cleanups[$i]}" || true; done
}
trap bench_run_cleanups EXIT

# Starts a throwaway broker unless TACT_AMQP_URL names one; sets TACT_AMQP_URL, BENCH_HOST and BENCH_PORT.
bench_broker() {
    if [ -z "${TACT_AMQP_URL:-}" ]; then
        local port=$((30000 + RANDOM % 5000))
        local dir="$root/.tact/bench-broker-$port"
        bench_at_exit "'$root/scripts/broker' stop --port $port --dir '$dir' >/dev/null || true; rm -rf '$dir'"
        TACT_AMQP_URL=$("$root/scripts/broker" start --port "$port" --dir "$dir" | tail -n 1)
        export TACT_AMQP_URL
        BENCH_BROKER_DIR=$dir
    fi
    local authority=${TACT_AMQP_URL#*://}
    authority=${authority#*@}
    authority=${authority%%/*}
    BENCH_HOST=${authority%:*}
    BENCH_PORT=${authority##*:}
}

cores() { nproc; }

# Checks out REVISION in .build/bench/against and builds PRODUCTS there (release), so that a change is measured
# against what came before it in the same run; sets against_tree.
bench_build_against() {
    local revision product
    revision=$(git -C "$root" rev-parse --verify "$1^{commit}")
    shift
    against_tree="$root/.build/bench/against"
    mkdir -p "$root/.build/bench"
    [ -d "$against_tree" ] || git -C "$root" worktree add --detach "$against_tree" "$revision" >/dev/null
    git -C "$against_tree" checkout --quiet --detach "$revision"
    echo "bench: building ${revision:0:10} for comparison"
    for product in "$@"; do
        (cd "$against_tree" && swift build -c release --product "$product" 2>&1 | { grep -Ev '^\[[0-9]+/[0-9]+\]' || true; })
    done
}

# Writes COUNT placements (P-n, D-n, C-n of creditor acme, each with an e-mail address) to FILE, every debtor at
# 13:00 local time now, so that every contact is inside its window.
bench_placements() {
    python3 - "$1" "$2" <<'PY'
import datetime, json, sys
hour = datetime.datetime.now(datetime.timezone.utc).hour
offset = (13 - hour + 12) % 24 - 12
zone = "Etc/GMT" if offset == 0 else (f"Etc/GMT-{offset}" if offset > 0 else f"Etc/GMT+{-offset}")
with open(sys.argv[2], "w") as out:
    for n in range(int(sys.argv[1])):
        out.write(json.dumps({"type": "placement", "version": 1, "placementId": f"P-{n}", "creditorId": "acme",
            "debtor": {"id": f"D-{n}", "name": "Bench Person", "timeZones": [zone], "phone": "+15550100",
                       "email": f"d{n}@example.com", "language": "en"},
            "debt": {"id": f"C-{n}", "amount": "99.00", "currency": "USD", "dueDate": "2026-11-01"}}) + "\n")
PY
}

# A scratch folder (`work`) and the processes a benchmark starts (`pids`, appended to): `stop_all` stops them,
# and both go when the script exits.
bench_workspace() {
    work=$(mktemp -d)
    pids=()
    bench_at_exit 'stop_all; rm -rf "$work"'
}
stop_all() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; pids=(); }

# CPU seconds (user + system) a live process has used so far; 0 when it is gone.
cpu_seconds() {
    awk -v tick="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.3f\n", ($12 + $13) / tick }' \
        "/proc/$1/stat" 2>/dev/null || echo 0
}

# The Erlang VM of the broker bench_broker started (empty for a broker given by TACT_AMQP_URL).
broker_pid() {
    [ -n "${BENCH_BROKER_DIR:-}" ] && pgrep -f -- "-home $BENCH_BROKER_DIR( |\$)" | head -n 1 || true
}
