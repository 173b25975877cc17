#!/usr/bin/env bash
# Builds the whole solution (the core, the Functions worker adapter and the Functions sample included), tests every
# test project, and ends with one line of its own:
#   Tests: N passed, M failed[, K skipped]
# counted over every test project it ran. Exit code 0 only when tests ran and none failed.
set -uo pipefail
cd "$(dirname "$0")/.."

configuration=Release
results=artifacts/test-results

# The tests start their own redis-server (single, replicated and clustered) and Debian's Chromium.
missing=()
for program in redis-server redis-cli chromium; do
  command -v "$program" >/dev/null 2>&1 || missing+=("$program")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing redis-server and chromium (missing: ${missing[*]})"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server redis-tools chromium
  else
    echo "The tests need ${missing[*]}: run 'sudo apt-get install -y redis-server redis-tools chromium' first." >&2
    echo "Tests: 0 passed, 0 failed"
    exit 1
  fi
fi

echo "==> dotnet build SseFunctions.sln -c $configuration"
if ! dotnet build SseFunctions.sln -c "$configuration" -nologo -clp:ErrorsOnly; then
  echo "Build failed."
  echo "Tests: 0 passed, 0 failed"
  exit 1
fi

# The packages must keep packing (id, README, XML docs, symbols), so pack what was built.
for package in src/SseFunctions/SseFunctions.csproj src/SseFunctions.EntraId/SseFunctions.EntraId.csproj src/SseFunctions.Worker/SseFunctions.Worker.csproj; do
  if ! dotnet pack "$package" -c "$configuration" --no-build -nologo -o artifacts/packages >/dev/null; then
    echo "Packing $package failed."
    echo "Tests: 0 passed, 0 failed"
    exit 1
  fi
done

# Only test projects: tests/ also holds function apps that the Functions host tests run as workers.
mapfile -t test_projects < <(find tests -name '*.csproj' -exec grep -l '<IsTestProject>true</IsTestProject>' {} + | sort)
rm -rf "$results"
passed=0 failed=0 skipped_tests=0 runs_failed=0

# Adds one run's TRX counters to the totals; a run that left no TRX counts as a failure. Skipped tests are the ones
# counted in total but not executed.
tally() {
  local name=$1 trx=$2 counters
  if [[ ! -f "$trx" ]]; then
    echo "No test results for $name: the test run did not complete."
    failed=$((failed + 1))
    return
  fi

  counters=$(grep -o '<Counters [^>]*>' "$trx")
  count() { sed -nE "s/.* $1=\"([0-9]+)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
  skipped_tests=$((skipped_tests + $(count total) - $(count executed)))
}

for project in "${test_projects[@]}"; do
  name=$(basename "$project" .csproj)
  echo "==> dotnet test $project"
  dotnet test "$project" -c "$configuration" --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$results" \
    || runs_failed=$((runs_failed + 1))
  tally "$project" "$results/$name.trx"
done

# The Redis-backed tests again under RESP3 on the lowest StackExchange.Redis the package accepts (the runs above use
# its default, RESP2), then on the newest 3.x served here under RESP2 and RESP3, built into a separate output so that
# nothing above is rebuilt.
redis_tests() {
  local client=$1 protocol=$2 assembly=$3 name="SseFunctions.Tests-redis-$1-$2"
  echo "==> Redis tests on StackExchange.Redis $client, $protocol"
  SSE_TEST_REDIS_PROTOCOL=$protocol dotnet test "$assembly" \
    --filter "Category=Redis" --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    || runs_failed=$((runs_failed + 1))
  tally "$name" "$results/$name.trx"
}

lowest_client=$(sed -nE 's|.*<StackExchangeRedisVersion Condition=[^>]*>([^<]+)</StackExchangeRedisVersion>.*|\1|p' Directory.Packages.props)
redis_tests "$lowest_client" resp3 "tests/SseFunctions.Tests/bin/$configuration/net10.0/SseFunctions.Tests.dll"

newest_client=3.4.35
echo "==> dotnet build tests/SseFunctions.Tests against StackExchange.Redis $newest_client"
if dotnet build tests/SseFunctions.Tests -c "$configuration" -nologo -clp:ErrorsOnly \
    -p:StackExchangeRedisVersion=$newest_client --artifacts-path "artifacts/redis-$newest_client"; then
  for protocol in resp2 resp3; do
    redis_tests "$newest_client" "$protocol" "artifacts/redis-$newest_client/bin/SseFunctions.Tests/${configuration,,}/SseFunctions.Tests.dll"
  done
else
  echo "Building the tests against StackExchange.Redis $newest_client failed."
  runs_failed=$((runs_failed + 1))
fi

summary="Tests: $passed passed, $failed failed"
((skipped_tests > 0)) && summary+=", $skipped_tests skipped"
echo "$summary"
((failed == 0 && runs_failed == 0 && passed > 0))
