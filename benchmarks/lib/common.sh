# Helpers for benchmarks/run (sourced). Expects ROOT, WORK, CSV, BIN, BENCH and the array BG_PIDS.

# launch NAME CMD...: starts CMD in the background, output in $WORK/NAME.out and .err; its pid
# goes to BG_PIDS (killed by the run's exit trap) and to LAUNCHED.
launch() {
    local name=$1; shift
    "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" &
    LAUNCHED=$!
    BG_PIDS+=("$LAUNCHED")
}

# wait_line NAME TEXT: waits (30 s at most) for TEXT in $WORK/NAME.out, printed by a server that
# is ready; fails with its stderr otherwise.
wait_line() {
    local i
    for i in $(seq 300); do
        grep -q "$2" "$WORK/$1.out" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "$1 did not start:" >&2; cat "$WORK/$1.err" >&2; return 1
}

# stop PID: SIGTERM to a process this run started, then reaps it.
stop() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# start_emulator NAME FLAGS...: a loopback emulator on a free port; sets EMU_URL and EMU_PID.
start_emulator() {
    local name=$1; shift
    launch "$name" "$BIN" emulator --port 0 --bucket bench --discard "$@"
    EMU_PID=$LAUNCHED
    wait_line "$name" "listening on"
    EMU_URL=$(sed -n 's/^hoist-emulator listening on //p' "$WORK/$name.out")
}

# row SECTION CLIENT SETTING SIZE_MIB RUN METRIC VALUE: one line of the results CSV.
row() {
    local IFS=,
    echo "$*" >> "$CSV"
}

# measure SECTION CLIENT SETTING SIZE_MIB RUN BYTES CMD...: runs CMD under /usr/bin/time and
# records MB/s (10^6 bytes per second of wall time), client CPU seconds (user+sys of its whole
# process tree) per GiB moved, and the peak RSS of its largest process. Fails with CMD's log.
measure() {
    local section=$1 client=$2 setting=$3 size=$4 run=$5 bytes=$6; shift 6
    local log="$WORK/$section-$client-$setting-$size-$run.log"
    # Through bash -c so CMD may be one of the exported uploader functions below.
    if ! /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" bash -c '"$@"' _ "$@" > "$log" 2>&1; then
        echo "$client ($setting) failed:" >&2; tail -20 "$log" >&2; return 1
    fi
    local wall user sys rss
    read -r wall user sys rss < "$WORK/time"
    row "$section" "$client" "$setting" "$size" "$run" mb_per_s "$(awk -v b="$bytes" -v w="$wall" 'BEGIN { printf "%.1f", b / w / 1e6 }')"
    row "$section" "$client" "$setting" "$size" "$run" cpu_s_per_gib "$(awk -v b="$bytes" -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", (u + s) / (b / 1073741824) }')"
    row "$section" "$client" "$setting" "$size" "$run" peak_rss_mib "$(awk -v r="$rss" 'BEGIN { printf "%.1f", r / 1024 }')"
    printf "  %-8s %-22s %-7s %6s MiB  run %s  %s s\n" "$section" "$client" "$setting" "$size" "$run" "$wall"
}

# test_file MIB: a cached deterministic, incompressible file of MIB MiB (never zeros); prints its
# path. Read once so the page cache serves it and the disk is not what gets measured.
test_file() {
    local path="$ROOT/.build/bench-data/data-$1MiB.bin"
    mkdir -p "$ROOT/.build/bench-data"
    if [[ ! -f "$path" || $(stat -c %s "$path") -ne $(( $1 << 20 )) ]]; then
        "$BENCH" fill "$path.tmp" "$1MiB" && mv "$path.tmp" "$path"
    fi
    cat "$path" > /dev/null
    echo "$path"
}

# Uploaders, each given ENDPOINT FILE KEY SETTING [STATE_DIR]; the same part size for all.
hoist_upload() {
    local extra=(); [[ $1 == http://127.0.0.1:* ]] || extra=(--insecure-http)
    "$BIN" upload "$2" "oss://bench/$3" --endpoint "$1" --region cn-hangzhou "${extra[@]}" \
        --state-dir "${5:-$WORK/state-$3}" --part-size "${PART_MIB}MiB" --parallel "$4" --json
}
oss2_upload() {
    "$VENV/bin/python" "$ROOT/benchmarks/sdk_upload.py" oss2 "$1" bench "$3" "$2" $((PART_MIB << 20)) "$4" ${5:+"$5"}
}
ossv2_upload() {
    "$VENV/bin/python" "$ROOT/benchmarks/sdk_upload.py" v2 "$1" bench "$3" "$2" $((PART_MIB << 20)) "$4" ${5:+"$5"}
}
export -f hoist_upload oss2_upload ossv2_upload
