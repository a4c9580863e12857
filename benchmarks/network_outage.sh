#!/usr/bin/env bash
# Pulls the network for a while in the middle of an upload and puts it back, then reports how
# many bytes the emulator received in each second around the return. The emulator runs in a
# network namespace of its own behind a veth pair; the outage is a `prohibit` route on the host
# side (new connections fail at once) plus `ss -K` on the live ones (they are dropped).
#
#   benchmarks/network_outage.sh [OUTAGE_SECONDS=20] [SIZE=1G] [RATE_BYTES_PER_S=20000000]
#
# Needs root, iproute2 and a built hoist (release if present, else debug). Cleans up on every exit.
set -euo pipefail
outage=${1:-20}; size=${2:-1G}; rate=${3:-20000000}
cd "$(dirname "$0")/.."
hoist=.build/release/hoist; [ -x "$hoist" ] || hoist=.build/debug/hoist
source benchmarks/lib/netns.sh
work=$(mktemp -d)
cleanup() {
    [ -n "${NETNS_ADDR:-}" ] && ip route del prohibit "$NETNS_ADDR/32" 2>/dev/null || true
    [ -n "${up:-}" ] && kill "$up" 2>/dev/null || true
    netns_down
    rm -rf "$work"
}
trap cleanup EXIT
netns_up hoist-outage
addr=$NETNS_ADDR

export HOIST_EMULATOR_ACCESS_KEY_ID=AKoutage HOIST_EMULATOR_ACCESS_KEY_SECRET=SKoutage
ip netns exec "$NETNS" "$hoist" emulator --host "$addr" --port 9000 --bucket images --discard \
    > "$work/emu.out" 2> "$work/emu.err" &
for _ in $(seq 100); do grep -q listening "$work/emu.out" 2>/dev/null && break; sleep 0.1; done
admin() { ip netns exec "$NETNS" curl -s "$@"; }
# A global bandwidth cap keeps the upload going long enough to span the outage.
admin -X PUT -d "{\"bandwidth\":{\"bytesPerSecond\":$rate,\"scope\":\"global\"}}" http://$addr:9000/_hoist/admin/faults >/dev/null
bytes() { admin http://$addr:9000/_hoist/admin/counters | python3 -c 'import json,sys; print(json.load(sys.stdin)["bodyBytes"])'; }

truncate -s "$size" "$work/disk.raw"
export ALIBABA_CLOUD_ACCESS_KEY_ID=AKoutage ALIBABA_CLOUD_ACCESS_KEY_SECRET=SKoutage
"$hoist" upload "$work/disk.raw" oss://images/outage/disk.raw --endpoint http://$addr:9000 --insecure-http \
    --region cn-hangzhou --state-dir "$work/state" --part-size 8MiB --parallel 8 --progress-interval 5 \
    > "$work/upload.out" 2>&1 & up=$!
sleep 8
echo "$(date +%T) pull the network for ${outage}s (prohibit route + ss -K on live connections)"
ip route add prohibit "$addr/32"
ss -K dst "$addr" >/dev/null 2>&1 || true
sleep "$outage"
before=$(bytes)
ip route del prohibit "$addr/32"
echo "$(date +%T) network back"
previous=$before
for second in 1 2 3 4 5 6; do
    sleep 1
    now=$(bytes)
    echo "  second $second after the return: $(( (now - previous) / 1000000 )) MB received"
    previous=$now
done
wait "$up"; status=$?; up=
echo "upload exit $status"
grep -vE "^ *[0-9.]+%" "$work/upload.out" | tail -12
