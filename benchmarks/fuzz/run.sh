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
start=$(date +%s)
swift test --skip-build --filter 'HoistCoreTests\.(OSSXMLFuzzTests|TOMLFuzzTests|ImageInspectorFuzzTests)' 2>&1 | tail -n 15
end=$(date +%s)
echo "fuzz: $iterations cases per target, seed ${HOIST_FUZZ_SEED:-default}, $((end - start)) s"
