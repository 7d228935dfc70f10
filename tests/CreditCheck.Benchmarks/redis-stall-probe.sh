#!/usr/bin/env bash
# Is a Redis round-trip tail the machine's? Fills a private redis-server with KEYS string keys of 800 B
# (DEBUG POPULATE: no SDK, no other client), then times 1,000 PINGs 5–25 ms apart, several rounds, and for
# every PING over 5 ms prints how much CPU Redis's main thread was charged meanwhile (/proc schedstat) and
# how much the kernel's DAMON thread (kdamond, if there is one) used. A 100,000-key run is the baseline.
#
#   bash tests/CreditCheck.Benchmarks/redis-stall-probe.sh [KEYS] [ROUNDS]   (default: 10000000 3)
#
# Starts its own redis-server on a free port on 127.0.0.1 in a temporary folder (no persistence) and stops
# it on exit. Needs redis-server, redis-cli and python3. 10,000,000 keys take about 9 GB and a minute to load.
# REDIS_PROBE_ARGS adds redis-server options; with MALLOC_CONF=thp:always and "--disable-thp no", Redis's heap
# is in transparent huge pages (the machine's THP mode must be madvise or always).
set -euo pipefail
keys=${1:-10000000}
rounds=${2:-3}
work=$(mktemp -d /tmp/creditcheck-stall-probe.XXXXXX)
redis_pid=""
cleanup() {
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly no --daemonize no \
  --loglevel warning --enable-debug-command local ${REDIS_PROBE_ARGS:-} >"$work/redis.log" 2>&1 &
redis_pid=$!
until redis-cli -p "$port" PING >/dev/null 2>&1; do sleep 0.1; done
redis_pid=$(redis-cli -p "$port" INFO server | awk -F: '/^process_id:/ { print $2 + 0 }') # the server itself, whatever started it
started=$(date +%s)
redis-cli -p "$port" DEBUG POPULATE "$keys" k 800 >/dev/null
loaded=$(date +%s)
echo "redis $(redis-cli -p "$port" INFO server | grep -o 'redis_version:[^[:space:]]*'), $keys keys loaded in $((loaded - started)) s," \
  "$(redis-cli -p "$port" INFO memory | grep -o 'used_memory_human:[^[:space:]]*')," \
  "in huge pages: $(awk '/AnonHugePages/ { printf "%.1f GB", $2 / 1048576 }' "/proc/$redis_pid/smaps_rollup")"
kdamond=$(pgrep -x kdamond.0 || true)

cat >"$work/probe.py" <<'EOF'
import random, socket, sys, time
port, pid, kd = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def cpu(path):
    try:
        return int(open(path).read().split()[0])
    except OSError:
        return 0
main, kdamond = f"/proc/{pid}/task/{pid}/schedstat", f"/proc/{kd}/schedstat" if kd else ""
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
random.seed(3)
times, slow = [], []
for _ in range(1000):
    r0, k0 = cpu(main), cpu(kdamond)
    t = time.perf_counter_ns(); s.sendall(b"PING\r\n"); s.recv(64); ms = (time.perf_counter_ns() - t) / 1e6
    times.append(ms)
    if ms > 5:
        slow.append(f"{ms:.0f}/{(cpu(main) - r0) / 1e6:.0f}/{(cpu(kdamond) - k0) / 1e6:.0f}")
    time.sleep(random.uniform(0.005, 0.025))
a = sorted(times)
print(f"   PING p50 {a[499]:.3f} ms, p99 {a[989]:.3f} ms, max {a[-1]:.1f} ms; over 5 ms: {len(slow)}, over 20 ms: {sum(x > 20 for x in a)}")
print("   each over 5 ms (ms / Redis main thread CPU meanwhile, ms / kdamond CPU meanwhile, ms): " + (", ".join(slow) or "none"))
EOF

for round in $(seq 1 "$rounds"); do
  echo "== round $round, $(($(date +%s) - loaded)) s after the load; $(uptime | sed 's/.*load average/load average/')"
  python3 "$work/probe.py" "$port" "$redis_pid" "$kdamond"
done
