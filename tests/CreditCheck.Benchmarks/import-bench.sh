#!/usr/bin/env bash
# Times `creditcheck import` of generated CSV files into a private loopback redis-server:
# first import, unchanged re-import, and a replace with 10% of the rows changed, with peak RSS and the
# CPU per row of the CLI process and of redis-server.
#
#   bash tests/CreditCheck.Benchmarks/import-bench.sh [ROWS ...]      (default: 100000 1000000)
#
# IMPORT_BENCH_REDIS_ARGS adds redis-server options (e.g. "--hash-max-listpack-value 1024").
#
# Starts its own redis-server on a free port on 127.0.0.1 in a temporary folder (no persistence)
# and stops it on exit. Needs redis-server and /usr/bin/time (apt-get install -y redis-server time).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100000 1000000)
list=court-dishonest-debtors

work=$(mktemp -d /tmp/creditcheck-import-bench.XXXXXX)
redis_pid=""
cleanup() {
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# IMPORT_BENCH_CLI=path/to/CreditCheck.Cli.dll times that build instead (e.g. a baseline built from
# another commit into its own folder, run in the same session for a ratio).
if [ -n "${IMPORT_BENCH_CLI:-}" ]; then
  cli=(dotnet "$IMPORT_BENCH_CLI")
else
  echo "== build (Release)"
  dotnet build sdk/CreditCheck.Cli -c Release -nologo -v quiet >/dev/null
  cli=(dotnet sdk/CreditCheck.Cli/bin/Release/net10.0/CreditCheck.Cli.dll)
fi

# A free loopback port: ask the kernel for one, then let redis-server take it.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
redis-server --port "$port" --bind 127.0.0.1 --protected-mode yes --dir "$work" --save "" --appendonly no \
  --daemonize no --loglevel warning ${IMPORT_BENCH_REDIS_ARGS:-} >"$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
export CREDITCHECK_REDIS="127.0.0.1:$port" CREDITCHECK_SECRET="import-bench-secret-0123456789"
"${cli[@]}" catalog publish >/dev/null

# Seconds of CPU redis-server has used (user + system).
redis_cpu() {
  redis-cli -p "$port" info cpu | awk -F: '/^used_cpu_(user|sys):/ { total += $2 } END { printf "%.3f", total }'
}

# run NAME FILE [import options...]: one timed import; prints rows/s, seconds, counts and peak RSS.
run() {
  local name=$1 file=$2; shift 2
  local redis_before redis_after rss cpu
  redis_before=$(redis_cpu)
  /usr/bin/time -v -o "$work/time.txt" "${cli[@]}" import "$file" --list "$list" --json "$@" >"$work/out.json"
  redis_after=$(redis_cpu)
  rss=$(awk -F: '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$work/time.txt")
  # CPU per row of the whole CLI process (user + system) and of redis-server over the same span.
  cpu=$(awk -F: -v rows="$(jq .valid "$work/out.json")" -v before="$redis_before" -v after="$redis_after" '
    /User time/ || /System time/ { cli += $2 }
    END { printf "CPU per row: CLI %.1f µs, Redis %.1f µs", cli * 1e6 / rows, (after - before) * 1e6 / rows }' "$work/time.txt")
  jq -r --arg name "$name" --arg rss "$rss" --arg cpu "$cpu" \
    '"\($name): \(.valid) rows in \(.seconds) s = \(.rowsPerSecond) rows/s (added \(.added), updated \(.updated), unchanged \(.unchanged), removed \(.removed)); peak RSS \($rss) MiB; \($cpu)"' \
    "$work/out.json"
}

for rows in "${sizes[@]}"; do
  echo "== $rows rows"
  redis-cli -p "$port" flushall >/dev/null
  "${cli[@]}" catalog publish >/dev/null
  "${cli[@]}" generate --count "$rows" --out "$work/big.csv" --list "$list" >/dev/null
  # The same file with every tenth row's name changed.
  awk -F, 'BEGIN { OFS = "," } NR > 1 && NR % 10 == 0 { $4 = $4 "（变更）" } { print }' "$work/big.csv" >"$work/changed.csv"
  run "first import      " "$work/big.csv"
  run "re-import         " "$work/big.csv"
  run "replace, 10% new  " "$work/changed.csv"
  echo "redis used_memory: $(redis-cli -p "$port" info memory | awk -F: '/^used_memory_human/ { print $2 }' | tr -d '\r')"
  rm -f "$work/big.csv" "$work/changed.csv"
done
