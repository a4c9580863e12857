#!/usr/bin/env bash
# Accuracy of the bandwidth cap: one `hoist upload` of PARTS parts, all in flight together
# (--parallel PARTS), under --bandwidth CAP, into `hoist emulator --discard` on loopback (which
# is far faster than the cap, so the cap is what is measured). Prints the measured aggregate
# rate, the cap, and their ratio; the cap holds when the ratio is within 1 ± 0.05.
#
# Rates are in hoist's units: "50MB/s" is 50 × 2^20 bytes per second (see ByteCount).
# Environment: CAP_MIB (default 50), PARTS (default 4), PART_MIB (default 128), HOIST_BIN.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CAP_MIB=${CAP_MIB:-50}
PARTS=${PARTS:-4}
PART_MIB=${PART_MIB:-128}
BIN=${HOIST_BIN:-$ROOT/.build/release/hoist}

if [[ ! -x "$BIN" ]]; then
    (cd "$ROOT" && swift build -c release --product hoist >&2)
fi

WORK=$(mktemp -d)
EMU_PID=""
cleanup() {
    [[ -n "$EMU_PID" ]] && kill -TERM "$EMU_PID" 2>/dev/null && wait "$EMU_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

export ALIBABA_CLOUD_ACCESS_KEY_ID=BenchKeyId ALIBABA_CLOUD_ACCESS_KEY_SECRET=BenchKeySecret
export NO_PROXY='*' no_proxy='*'
"$BIN" emulator --port 0 --bucket bench --discard \
    --access-key-id "$ALIBABA_CLOUD_ACCESS_KEY_ID" --access-key-secret "$ALIBABA_CLOUD_ACCESS_KEY_SECRET" \
    > "$WORK/emu.out" 2> "$WORK/emu.err" &
EMU_PID=$!
for _ in $(seq 100); do grep -q listening "$WORK/emu.out" 2>/dev/null && break; sleep 0.1; done
URL=$(awk '{print $NF}' "$WORK/emu.out")
[[ -n "$URL" ]] || { echo "emulator did not start" >&2; cat "$WORK/emu.err" >&2; exit 1; }

: > "$WORK/none.toml"   # an empty config: nothing from /etc/hoist applies
FILE="$WORK/disk.raw"
head -c $((PARTS * PART_MIB << 20)) /dev/urandom > "$FILE"
cat "$FILE" > /dev/null   # page cache: measure the cap, not the disk

"$BIN" upload "$FILE" oss://bench/capped.raw --endpoint "$URL" --region cn-hangzhou \
    --state-dir "$WORK/state" --config "$WORK/none.toml" --part-size "${PART_MIB}MiB" --parallel "$PARTS" \
    --bandwidth "${CAP_MIB}MB/s" --json > "$WORK/upload.jsonl" 2> "$WORK/upload.err" || {
    cat "$WORK/upload.err" >&2; exit 1; }

python3 - "$WORK/upload.jsonl" "$CAP_MIB" "$PARTS" <<'PY'
import json, sys
summary = [json.loads(l) for l in open(sys.argv[1]) if '"summary"' in l][-1]
cap = int(sys.argv[2]) * 1048576
rate = summary["bytes_sent"] / summary["duration_seconds"]
print(f"{sys.argv[3]} parts, {summary['bytes_sent'] / 1048576:.0f} MiB in {summary['duration_seconds']:.2f} s: "
      f"{rate / 1048576:.2f} MiB/s under a {cap / 1048576:.0f} MiB/s cap (ratio {rate / cap:.3f})")
sys.exit(0 if abs(rate / cap - 1) <= 0.05 else 1)
PY
