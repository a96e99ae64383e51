# Shared by the benchmark scripts: a release build and a broker to measure against.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"

# Starts a throwaway broker unless TACT_AMQP_URL names one; sets TACT_AMQP_URL, BENCH_HOST and BENCH_PORT.
bench_broker() {
    if [ -z "${TACT_AMQP_URL:-}" ]; then
        local port=$((30000 + RANDOM % 5000))
        local dir="$root/.tact/bench-broker-$port"
        trap "'$root/scripts/broker' stop --port $port --dir '$dir' >/dev/null || true; rm -rf '$dir'" EXIT
        TACT_AMQP_URL=$("$root/scripts/broker" start --port "$port" --dir "$dir" | tail -n 1)
        export TACT_AMQP_URL
    fi
    local authority=${TACT_AMQP_URL#*://}
    authority=${authority#*@}
    authority=${authority%%/*}
    BENCH_HOST=${authority%:*}
    BENCH_PORT=${authority##*:}
}

cores() { nproc; }
