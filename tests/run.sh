#!/usr/bin/env bash
# Builds everything, runs every test project, and ends with one line: "N passed, N failed".
# Installs what the tests need on a fresh Debian machine (redis-server for the Redis tests, chromium for
# the service-hall browser tests, Python requests and grpcio for the service-interface tests).
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK (dotnet) is not on PATH; install .NET SDK 10 first." >&2
  exit 2
fi

if ! command -v redis-server >/dev/null 2>&1; then
  echo "== installing redis-server (tests start their own on a free loopback port)"
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null \
      || echo "warning: could not install redis-server; tests that need it will fail and say so" >&2
  else
    echo "warning: no apt-get; install redis-server yourself for the Redis tests" >&2
  fi
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "== installing chromium (the service-hall page's browser tests drive it headless)"
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null \
      || echo "warning: could not install chromium; the browser tests will fail and say so" >&2
  else
    echo "warning: no apt-get; install chromium (/usr/bin/chromium) yourself for the browser tests" >&2
  fi
fi

# Python clients for the service-interface tests (tests/CreditCheck.Server.Tests drives the server with
# requests and grpcio stubs generated from its proto), from Debian's packages.
if ! /usr/bin/python3 -c "import requests, grpc, grpc_tools" >/dev/null 2>&1; then
  echo "== installing python3-requests python3-grpcio python3-grpc-tools (the service-interface tests' clients)"
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-requests python3-grpcio python3-grpc-tools >/dev/null \
      || echo "warning: could not install the Python clients; the service-interface tests will fail and say so" >&2
  else
    echo "warning: no apt-get; install python3-requests, python3-grpcio and python3-grpc-tools yourself" >&2
  fi
fi

# A Chinese font, so that the screenshots of the feedback report show its text (not empty boxes).
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null)" ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq fonts-wqy-microhei >/dev/null \
    || echo "warning: could not install a Chinese font; report screenshots will show boxes for Chinese text" >&2
fi

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

echo "== build (Release, warnings are errors)"
if ! dotnet build CreditCheck.sln -c Release -warnaserror -nologo -v quiet; then
  echo "0 passed, 1 failed"
  exit 1
fi

status=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  case "$name" in *.Benchmarks) continue ;; esac
  echo "== test $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --blame-hang-timeout 10m --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || status=1
done

# The packages as a new host uses them (tests/package-test.sh: pack, a fresh project on the packages
# alone, the operator tool installed from them, the embedded store and a real redis-server).
echo "== packages: pack, install, and a fresh host on them"
bash tests/package-test.sh "$results" || status=1

# The Redis layer again, built against the newest StackExchange.Redis line (3.x, RESP3 by default): the
# SDK is compiled against 2.13 and must work unchanged on 3.x. Built in a copy of the tree so that the
# main build's outputs stay as they are; these runs count in the closing line too.
alt_version=3.4.35
alt=artifacts/stackexchange-redis-$alt_version
echo "== test the Redis layer on StackExchange.Redis $alt_version"
rm -rf "$alt"
mkdir -p "$alt"
tar --exclude=./artifacts --exclude=./.git --exclude=bin --exclude=obj -cf - . | tar -xf - -C "$alt"
if dotnet build "$alt/tests/CreditCheck.Tests" -c Release -warnaserror -nologo -v quiet -p:StackExchangeRedisVersion=$alt_version \
   && dotnet build "$alt/tests/CreditCheck.Adapters.Tests" -c Release -warnaserror -nologo -v quiet -p:StackExchangeRedisVersion=$alt_version; then
  dotnet test "$alt/tests/CreditCheck.Tests" -c Release --no-build --nologo --filter "FullyQualifiedName~Redis|FullyQualifiedName~.Cli." \
    --blame-hang-timeout 10m --logger "trx;LogFileName=CreditCheck.Tests.redis-$alt_version.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || status=1
  dotnet test "$alt/tests/CreditCheck.Adapters.Tests" -c Release --no-build --nologo --filter "FullyQualifiedName~Redis" \
    --blame-hang-timeout 10m --logger "trx;LogFileName=CreditCheck.Adapters.Tests.redis-$alt_version.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || status=1
else
  echo "error: the build against StackExchange.Redis $alt_version failed"
  status=1
  echo '<Counters total="1" executed="1" passed="0" failed="1" />' > "$results/build-redis-$alt_version.trx"
fi

sample_passed=0; sample_failed=0
for sample in QuickStart ApprovalSystem ProcurementPlatform SupervisionPlan; do
  echo "== sample: $sample"
  out="$results/$(tr '[:upper:]' '[:lower:]' <<<"$sample").txt"
  args=(); [ "$sample" = ProcurementPlatform ] && args=(-- --out "$results/procurement-evidence")
  if dotnet run --project "samples/$sample" -c Release --no-build "${args[@]}" > "$out" 2>&1; then
    sample_passed=$((sample_passed + 1))
  else
    cat "$out"; sample_failed=$((sample_failed + 1)); status=1
  fi
done

passed=$sample_passed
failed=$sample_failed
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then status=1; failed=1; fi

echo "$passed passed, $failed failed"
exit $status
