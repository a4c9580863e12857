# The emulated WAN for benchmarks/run (sourced; needs root, iproute2 with tbf).
#
#   client (host) --veth, tbf RATE each way--> namespace: delay line ADDR:9000 --> emulator 127.0.0.1:9001
#
# The link rate is a kernel tbf on the egress of each end of the veth pair; the delay and the
# per-connection window are `hoist-bench delay-line` (see DelayLine/DelayPipe.swift and
# benchmarks/README.md). This kernel has no netem, so the delay cannot be a qdisc.
# wan_up sets WAN_URL and WAN_LINK_BPS (bytes per second); wan_down removes everything and is
# safe to call twice or after a half-finished wan_up.

# rate_bytes RATE: tc's "1gbit", "500mbit", "100kbit", "1000000bit" in bytes per second.
rate_bytes() {
    awk -v r="$1" 'BEGIN {
        n = r + 0; unit = tolower(substr(r, length(n "") + 1))
        scale["bit"] = 1; scale["kbit"] = 1e3; scale["mbit"] = 1e6; scale["gbit"] = 1e9
        if (!(unit in scale) || n <= 0) exit 1
        printf "%.0f", n * scale[unit] / 8 }'
}

source "$(dirname "${BASH_SOURCE[0]}")/netns.sh"

wan_up() {  # RATE RTT WINDOW
    local rate=$1 rtt=$2 window=$3
    WAN_LINK_BPS=$(rate_bytes "$rate") || { echo "--wan: rate $rate is not like 1gbit or 200mbit" >&2; return 1; }
    # Burst: 4 ms at the link rate (at least 64 KiB, so a GSO packet fits). Queue: 50 ms, more than
    # the bytes the relay's small socket buffers let many connections put in front of it, so the
    # bucket delays rather than drops (a drop on this sub-millisecond hop would stall a client in a
    # retransmission timeout no WAN path has).
    local burst=$(( WAN_LINK_BPS / 250 )); (( burst < 65536 )) && burst=65536

    netns_up hoist-bench
    tc qdisc add dev "$NETNS_HOST_IF" root tbf rate "$rate" burst "$burst" latency 50ms
    ip netns exec "$NETNS" tc qdisc add dev "$NETNS_IF" root tbf rate "$rate" burst "$burst" latency 50ms

    # --no-auth: the single curl stream must get in too; the clients sign anyway.
    launch wan-emulator ip netns exec "$NETNS" "$BIN" emulator --host 127.0.0.1 --port 9001 \
        --bucket bench --discard --no-auth
    wait_line wan-emulator "listening on"
    launch delay-line ip netns exec "$NETNS" "$BENCH" delay-line --listen "$NETNS_ADDR:9000" \
        --to 127.0.0.1:9001 --rtt "$rtt" --window "$window"
    wait_line delay-line "listening on"
    WAN_URL=http://$NETNS_ADDR:9000
}

wan_down() { netns_down; }
