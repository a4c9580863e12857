#!/usr/bin/env bash
# Loopback upload throughput of HoistCore's Transport against the Python test sink.
# Usage: benchmarks/transport_loopback.sh [MiB] [parallel]
# Prints a CSV line: name,total_mib,part_mib,parallel,seconds,MB/s. The sink is single-process
# Python, so the number is a lower bound for the transport itself.
set -euo pipefail
cd "$(dirname "$0")/.."
export HOIST_TRANSPORT_BENCH=1
export HOIST_TRANSPORT_BENCH_MIB="${1:-256}"
export HOIST_TRANSPORT_BENCH_PARALLEL="${2:-4}"
echo "name,total_mib,part_mib,parallel,seconds,mb_per_s"
swift test -c release -Xswiftc -enable-testing --filter TransportBenchmarkTests 2>&1 | grep '^transport_loopback,'
