#!/usr/bin/env bash
# Sink throughput of the OSS emulator: N parallel `curl -T` UploadParts of one file into
# `hoist emulator --discard --no-auth`, which still computes CRC-64 for every byte.
# Prints one line with the aggregate rate in MB/s (10^6 bytes/s) and checks every part's CRC.
#
# Environment: N (streams, default 4), SIZE_MIB (file size, default 1024),
#              STORE=discard|disk (disk writes parts under a temp --data dir), HOIST_BIN.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-4}
SIZE_MIB=${SIZE_MIB:-1024}
STORE=${STORE:-discard}
BIN=${HOIST_BIN:-$ROOT/.build/release/hoist}

if [[ ! -x "$BIN" ]]; then
    (cd "$ROOT" && swift build -c release --product hoist >&2)
fi

WORK=$(mktemp -d)
EMU_PID=""
cleanup() {
    if [[ -n "$EMU_PID" ]] && kill -0 "$EMU_PID" 2>/dev/null; then kill -TERM "$EMU_PID"; wait "$EMU_PID" || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

FILE="$WORK/blob"
head -c $((SIZE_MIB << 20)) /dev/urandom > "$FILE"
cat "$FILE" > /dev/null   # warm the page cache so the disk is not measured

STORE_FLAGS=(--discard)
[[ "$STORE" == disk ]] && STORE_FLAGS=(--data "$WORK/data")
"$BIN" emulator --port 0 --no-auth --bucket bench "${STORE_FLAGS[@]}" > "$WORK/stdout" 2> "$WORK/stderr" &
EMU_PID=$!
for _ in $(seq 100); do
    grep -q "listening on" "$WORK/stdout" 2>/dev/null && break
    sleep 0.1
done
URL=$(sed -n 's/^hoist-emulator listening on //p' "$WORK/stdout")
[[ -n "$URL" ]] || { echo "emulator did not start" >&2; cat "$WORK/stderr" >&2; exit 1; }

UPLOAD_ID=$(curl -sf -X POST "$URL/bench/sink?uploads" | sed -n 's:.*<UploadId>\(.*\)</UploadId>.*:\1:p')

START=$(date +%s.%N)
CURLS=()
for i in $(seq "$N"); do
    curl -sf -o /dev/null -D "$WORK/headers.$i" -T "$FILE" "$URL/bench/sink?partNumber=$i&uploadId=$UPLOAD_ID" &
    CURLS+=($!)
done
for pid in "${CURLS[@]}"; do wait "$pid"; done
END=$(date +%s.%N)

CRCS=$(grep -ih '^x-oss-hash-crc64ecma' "$WORK"/headers.* | tr -d '\r' | awk '{print $2}' | sort -u)
[[ $(echo "$CRCS" | wc -l) -eq 1 && -n "$CRCS" ]] || { echo "parts disagree on CRC-64: $CRCS" >&2; exit 1; }

kill -TERM "$EMU_PID"
wait "$EMU_PID"
EMU_PID=""

awk -v n="$N" -v mib="$SIZE_MIB" -v s="$START" -v e="$END" -v store="$STORE" 'BEGIN {
    bytes = n * mib * 1048576; secs = e - s
    printf "emulator sink (%s): %d streams x %d MiB in %.2f s = %.0f MB/s\n", store, n, mib, secs, bytes / secs / 1e6
}'
