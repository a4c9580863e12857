#!/usr/bin/env bash
# Hoist against the official SDK uploaders (oss2.resumable_upload, the alibabacloud-oss-v2
# uploader): same file, same emulator, same run. Figures: MB/s, CPU seconds per GiB, peak RSS.
#
#   benchmarks/upload_vs_sdks.sh            # 1 GiB, 64 MiB parts, 8 in flight
#   SIZE_MIB=4096 PART_MIB=64 THREADS=8 STORE=discard benchmarks/upload_vs_sdks.sh
#
# Writes benchmarks/out/upload_vs_sdks.csv and .png (matplotlib in the benchmark venv).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZE_MIB=${SIZE_MIB:-1024}
PART_MIB=${PART_MIB:-64}
THREADS=${THREADS:-8}
STORE=${STORE:-discard}          # discard: the emulator keeps only sizes and CRCs
RUNS=${RUNS:-1}
OUT="$ROOT/benchmarks/out"
VENV="$ROOT/.build/bench-venv"
BIN="$ROOT/.build/release/hoist"
mkdir -p "$OUT"

(cd "$ROOT" && swift build -c release --product hoist >&2)
if [[ ! -x "$VENV/bin/python" ]]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check oss2==2.19.1 alibabacloud-oss-v2==1.4.1 matplotlib
fi

WORK=$(mktemp -d)
EMU_PID=""
cleanup() {
    [[ -n "$EMU_PID" ]] && kill -TERM "$EMU_PID" 2>/dev/null && wait "$EMU_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

export ALIBABA_CLOUD_ACCESS_KEY_ID=BenchKeyId ALIBABA_CLOUD_ACCESS_KEY_SECRET=BenchKeySecret
store_flag=(--discard); [[ "$STORE" == disk ]] && store_flag=(--data "$WORK/data")
"$BIN" emulator --port 0 --bucket bench "${store_flag[@]}" \
    --access-key-id "$ALIBABA_CLOUD_ACCESS_KEY_ID" --access-key-secret "$ALIBABA_CLOUD_ACCESS_KEY_SECRET" \
    > "$WORK/emu.out" 2> "$WORK/emu.err" &
EMU_PID=$!
for _ in $(seq 100); do grep -q listening "$WORK/emu.out" 2>/dev/null && break; sleep 0.1; done
URL=$(awk '{print $NF}' "$WORK/emu.out")

FILE="$WORK/disk.raw"
head -c $((SIZE_MIB << 20)) /dev/urandom > "$FILE"
cat "$FILE" > /dev/null   # page cache: measure the uploaders, not the disk

CSV="$OUT/upload_vs_sdks.csv"
echo "tool,size_mib,part_mib,threads,seconds,mb_per_s,cpu_s_per_gib,peak_rss_mib" > "$CSV"
measure() {  # name, command...
    local name=$1; shift
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" > "$WORK/$name.log" 2>&1 || { cat "$WORK/$name.log" >&2; return 1; }
    read -r wall user sys rss < "$WORK/time"
    awk -v n="$name" -v s="$SIZE_MIB" -v p="$PART_MIB" -v t="$THREADS" -v w="$wall" -v u="$user" -v y="$sys" -v r="$rss" \
        'BEGIN { printf "%s,%d,%d,%d,%.2f,%.1f,%.2f,%.1f\n", n, s, p, t, w, s*1048576/w/1e6, (u+y)/(s/1024), r/1024 }' >> "$CSV"
}
for run in $(seq "$RUNS"); do
    measure hoist "$BIN" upload "$FILE" "oss://bench/hoist-$run.raw" --endpoint "$URL" --region cn-hangzhou \
        --state-dir "$WORK/state-$run" --part-size "${PART_MIB}MiB" --parallel "$THREADS" --json
    measure oss2 "$VENV/bin/python" "$ROOT/benchmarks/sdk_upload.py" oss2 "$URL" bench "oss2-$run.raw" "$FILE" \
        $((PART_MIB << 20)) "$THREADS"
    measure alibabacloud-oss-v2 "$VENV/bin/python" "$ROOT/benchmarks/sdk_upload.py" v2 "$URL" bench "v2-$run.raw" "$FILE" \
        $((PART_MIB << 20)) "$THREADS"
done

column -s, -t < "$CSV"
"$VENV/bin/python" - "$CSV" "$OUT/upload_vs_sdks.png" <<'PY'
import csv, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
rows = list(csv.DictReader(open(sys.argv[1])))
tools = sorted({r["tool"] for r in rows}, key=lambda t: [r["tool"] for r in rows].index(t))
fig, axes = plt.subplots(1, 3, figsize=(12, 3.5))
for ax, (field, label) in zip(axes, [("mb_per_s", "MB/s (higher is better)"),
                                     ("cpu_s_per_gib", "CPU s per GiB (lower is better)"),
                                     ("peak_rss_mib", "peak RSS MiB (lower is better)")]):
    values = [sum(float(r[field]) for r in rows if r["tool"] == t) / max(1, sum(r["tool"] == t for r in rows)) for t in tools]
    ax.bar(tools, values, color=["#2a7", "#888", "#aaa"][:len(tools)])
    ax.set_title(label, fontsize=9)
    ax.tick_params(axis="x", labelsize=8)
fig.suptitle(f"{rows[0]['size_mib']} MiB upload to the emulator, {rows[0]['part_mib']} MiB parts, {rows[0]['threads']} in flight")
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
print("wrote", sys.argv[1], "and", sys.argv[2])
PY
