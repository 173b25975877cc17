#!/usr/bin/env bash
# Builds and tests everything that can be built here, and ends with one line of its own:
#   Tests: N passed, M failed[, K skipped]
# counted over every test project it ran. Where the Azure Functions worker SDK does not restore, it builds and tests
# the rest and says which projects it skipped and why. Exit code 0 only when tests ran and none failed.
set -uo pipefail
cd "$(dirname "$0")/.."

configuration=Release
results=artifacts/test-results
worker_projects=(src/SseFunctions.Worker/SseFunctions.Worker.csproj tests/SseFunctions.Worker.Tests/SseFunctions.Worker.Tests.csproj functions-sample/FunctionsSample.csproj)

for program in redis-server chromium; do
  if ! command -v "$program" >/dev/null 2>&1; then
    echo "warning: $program is not installed; the tests that need it will fail (apt-get install -y redis-server chromium, as .ci/run does)." >&2
  fi
done

# Does the Functions worker SDK restore here? Its packages are missing from some package sources (NU1101/NU1102).
target=SseFunctions.sln
skipped=()
restore_log=$(mktemp)
if ! dotnet restore src/SseFunctions.Worker/SseFunctions.Worker.csproj >"$restore_log" 2>&1; then
  if grep -qE 'NU110[12]' "$restore_log"; then
    target=SseFunctions.Core.slnf
    skipped=("${worker_projects[@]}")
    reason=$(grep -oE 'NU110[12]: Unable to find package [A-Za-z0-9.]+[A-Za-z0-9]( with version \([^)]*\))?' "$restore_log" | sort -u | paste -sd ';' - | sed 's/;/; /g')
  else
    cat "$restore_log" >&2
    echo "Restoring src/SseFunctions.Worker failed for a reason other than missing packages; see above." >&2
    exit 1
  fi
fi
rm -f "$restore_log"

if ((${#skipped[@]})); then
  echo "SKIPPED (not built, not tested): ${skipped[*]}"
  echo "  why: the Azure Functions worker SDK does not restore from this machine's package source ($reason)."
  echo "  Everything else is built and tested below; on a machine with the full NuGet feed this script builds and tests all projects."
fi

echo "==> dotnet build $target -c $configuration"
if ! dotnet build "$target" -c "$configuration" -nologo -clp:ErrorsOnly; then
  echo "Build failed."
  echo "Tests: 0 passed, 0 failed"
  exit 1
fi

# The packages must keep packing (id, README, XML docs, symbols), so pack what was built.
for package in src/SseFunctions/SseFunctions.csproj src/SseFunctions.Worker/SseFunctions.Worker.csproj; do
  if ! printf '%s\n' "${skipped[@]}" | grep -qxF "$package"; then
    if ! dotnet pack "$package" -c "$configuration" --no-build -nologo -o artifacts/packages >/dev/null; then
      echo "Packing $package failed."
      echo "Tests: 0 passed, 0 failed"
      exit 1
    fi
  fi
done

mapfile -t test_projects < <(find tests -name '*.csproj' | sort)
rm -rf "$results"
passed=0 failed=0 skipped_tests=0 runs_failed=0
for project in "${test_projects[@]}"; do
  if printf '%s\n' "${skipped[@]}" | grep -qxF "$project"; then
    continue
  fi

  name=$(basename "$project" .csproj)
  echo "==> dotnet test $project"
  dotnet test "$project" -c "$configuration" --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$results" \
    || runs_failed=$((runs_failed + 1))

  trx="$results/$name.trx"
  if [[ ! -f "$trx" ]]; then
    echo "No test results for $project: the test run did not complete."
    failed=$((failed + 1))
    continue
  fi

  counters=$(grep -o '<Counters [^>]*>' "$trx")
  count() { sed -nE "s/.* $1=\"([0-9]+)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
  skipped_tests=$((skipped_tests + $(count notExecuted)))
done

summary="Tests: $passed passed, $failed failed"
((skipped_tests > 0)) && summary+=", $skipped_tests skipped"
echo "$summary"
((failed == 0 && runs_failed == 0 && passed > 0))
