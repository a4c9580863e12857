#!/usr/bin/env bash
# Long fuzz run of the parsers that read untrusted input: the OSS XML codecs, the TOML reader
# (config and import manifests) and ImageInspector. It runs the same seeded property tests as
# `swift test` (Tests/HoistCoreTests/Fuzz), with many more cases.
#
#   benchmarks/fuzz/run.sh [ITERATIONS] [SEED]
#
# ITERATIONS defaults to 20000 per target; SEED (decimal) picks another stream of cases. A
# failure prints its case number and seed; replay it with HOIST_FUZZ_SEED=SEED and
# HOIST_FUZZ_ITERATIONS just above the case number.
set -euo pipefail
cd "$(dirname "$0")/../.."
iterations="${1:-${HOIST_FUZZ_ITERATIONS:-20000}}"
seed="${2:-${HOIST_FUZZ_SEED:-}}"

swift build --build-tests 2>&1 | tail -n 3
export HOIST_FUZZ_ITERATIONS="$iterations"
[[ -n "$seed" ]] && export HOIST_FUZZ_SEED="$seed"
status=0
for target in OSSXMLFuzzTests TOMLFuzzTests ImageInspectorFuzzTests; do
  log="${TMPDIR:-/tmp}/hoist-fuzz-$target.log"
  start=$(date +%s)
  # A crash (trap, stack overflow) kills the test process: HOIST_FUZZ_TRACE makes the
  # crashing case the last "case N" line in the log, and the backtrace follows it.
  if HOIST_FUZZ_TRACE=1 SWIFT_BACKTRACE=enable=yes,interactive=no \
     swift test --skip-build --filter "HoistCoreTests\.$target" >"$log" 2>&1; then
    result="passed"
  else
    result="FAILED (last case: $(grep -E '^case [0-9]+' "$log" | tail -n 1 | cut -c1-120))"
    status=1
  fi
  echo "$target: $iterations cases, seed ${HOIST_FUZZ_SEED:-default}, $(( $(date +%s) - start )) s, $result; log $log"
done
exit $status
