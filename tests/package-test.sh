#!/usr/bin/env bash
# Packs CreditCheck into a local folder and uses it as a new host would: a fresh project outside the
# repository that references only those packages (and StackExchange.Redis of its own), run against the
# embedded store and against a real redis-server loaded by the packed operator tool, installed the way
# the README says. Prints one line per step, "package: PASS …" or "package: FAIL …", and writes the
# counts to RESULTS_DIR/package-test.trx for tests/run.sh's closing line.
#
#   bash tests/package-test.sh RESULTS_DIR      (after a Release build of CreditCheck.sln)
set -uo pipefail
cd "$(dirname "$0")/.."
results=${1:?usage: package-test.sh RESULTS_DIR}
repo=$(pwd)
passed=0; failed=0
step() { # step NAME COMMAND...: runs it, logs its output, counts it
  local name=$1; shift
  if "$@" >"$work/step.txt" 2>&1; then
    passed=$((passed + 1)); echo "package: PASS $name"
  else
    failed=$((failed + 1)); echo "package: FAIL $name"; tail -n 30 "$work/step.txt"
  fi
  grep -E '^(embedded|redis):' "$work/step.txt" || true
}

work=$(mktemp -d /tmp/creditcheck-package-test.XXXXXX)
redis_pid=""
cleanup() {
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

version=$(dotnet msbuild sdk/CreditCheck/CreditCheck.csproj -getProperty:Version -p:Configuration=Release 2>/dev/null | tail -n 1)
se_redis=2.13.23
packages="$repo/artifacts/packages"
rm -rf "$packages"
step "dotnet pack (version $version)" dotnet pack CreditCheck.sln -c Release --no-build -nologo -v quiet -o "$packages"
step "every shipped package and its symbols package" bash -c '
  for id in CreditCheck CreditCheck.Redis CreditCheck.Platform CreditCheck.Cli CreditCheck.Adapters.Approval CreditCheck.Adapters.Procurement CreditCheck.Adapters.Bidding CreditCheck.Adapters.Supervision; do
    [ -f "$0/$id.$1.nupkg" ] && [ -f "$0/$id.$1.snupkg" ] || { echo "missing $id $1"; exit 1; }
    unzip -l "$0/$id.$1.nupkg" | grep -q " README.md$" || { echo "$id has no README"; exit 1; }
  done' "$packages" "$version"

# A fresh host: its own folder, its own package cache (the same version packed again must not be
# served from an older cache), the local folder and the usual feed as sources.
mkdir -p "$work/host"
sed -e "s/@CREDITCHECK_VERSION@/$version/g" -e "s/@STACKEXCHANGE_REDIS_VERSION@/$se_redis/g" \
  tests/package-consumer/PackageConsumer.csproj.in >"$work/host/PackageConsumer.csproj"
cp tests/package-consumer/Program.cs "$work/host/"
feed=$(grep -o 'value="[^"]*"' nuget.config | head -n 1 | sed 's/value="\(.*\)"/\1/')
cat >"$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config><add key="globalPackagesFolder" value="$work/packages" /></config>
  <packageSources>
    <clear />
    <add key="local" value="$packages" />
    <add key="feed" value="$feed" />
  </packageSources>
</configuration>
XML
cp "$work/nuget.config" "$work/host/nuget.config"
step "a new host restores and builds on the packages alone" dotnet build "$work/host" -c Release -nologo -v quiet

listed=91310115768487450W   # 示例失信建设工程有限公司, on court-dishonest-debtors in samples/data
clean=91110108MAWUCQ148A    # 示例清白供应商一有限公司
step "the host on the embedded store: listed denied, clean clear" \
  dotnet run --project "$work/host" -c Release --no-build -- embedded "$repo/samples/data" "$listed" "$clean"

# The operator tool, installed as the README says (here into a folder, from the local packages).
step "dotnet tool install CreditCheck.Cli (command creditcheck)" \
  dotnet tool install CreditCheck.Cli --tool-path "$work/tool" --version "$version" --configfile "$work/nuget.config"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
redis-server --port "$port" --bind 127.0.0.1 --protected-mode yes --dir "$work" --save "" --appendonly no \
  --daemonize no --loglevel warning >"$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
export CREDITCHECK_REDIS="redis://127.0.0.1:$port/0" CREDITCHECK_NAMESPACE=pkg CREDITCHECK_SECRET="package-test-secret-0123456789"
awk -F, 'NR == 1 || $1 == "court-dishonest-debtors"' samples/data/entries.csv >"$work/debtors.csv"
step "creditcheck catalog publish" "$work/tool/creditcheck" catalog publish
step "creditcheck import" "$work/tool/creditcheck" import "$work/debtors.csv" --list court-dishonest-debtors
step "the host on Redis (its multiplexer shared with AddStackExchangeRedisCache): listed denied, clean clear" \
  dotnet run --project "$work/host" -c Release --no-build -- redis "127.0.0.1:$port" pkg "$listed" "$clean"

mkdir -p "$results"
echo "<Counters total=\"$((passed + failed))\" executed=\"$((passed + failed))\" passed=\"$passed\" failed=\"$failed\" />" >"$results/package-test.trx"
[ "$failed" -eq 0 ]
