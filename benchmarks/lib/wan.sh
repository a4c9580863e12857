# The emulated WAN for benchmarks/run (sourced; needs root, iproute2 with tbf).
#
#   client (host) --veth, tbf RATE each way--> namespace: delay line ADDR:9000 --> emulator 127.0.0.1:9001
#
# The link rate is a kernel tbf on the egress of each end of the veth pair; the delay and the
# per-connection window are `hoist-bench delay-line` (see DelayLine/DelayPipe.swift and
# benchmarks/README.md). This kernel has no netem, so the delay cannot be a qdisc.
# wan_up sets WAN_URL, WAN_ADMIN and WAN_LINK_BPS (bytes per second); wan_down removes
# everything and is safe to call twice or after a half-finished wan_up.

# rate_bytes RATE: tc's "1gbit", "500mbit", "100kbit", "1000000bit" in bytes per second.
rate_bytes() {
    awk -v r="$1" 'BEGIN {
        n = r + 0; unit = tolower(substr(r, length(n "") + 1))
        scale["bit"] = 1; scale["kbit"] = 1e3; scale["mbit"] = 1e6; scale["gbit"] = 1e9
        if (!(unit in scale) || n <= 0) exit 1
        printf "%.0f", n * scale[unit] / 8 }'
}

wan_up() {  # RATE RTT WINDOW
    local rate=$1 rtt=$2 window=$3
    WAN_LINK_BPS=$(rate_bytes "$rate") || { echo "--wan: rate $rate is not like 1gbit or 200mbit" >&2; return 1; }
    WAN_NS=hoist-bench-$$
    WAN_HOST_IF=hb$$h
    local ns_if=hb$$e
    # A /30 of its own per run, so a concurrent run does not collide.
    local id=$(( $$ % 16384 ))
    local net="10.204.$(( id / 64 )).$(( id % 64 * 4 ))"
    local host_addr=${net%.*}.$(( ${net##*.} + 1 )) ns_addr=${net%.*}.$(( ${net##*.} + 2 ))
    # Burst: 4 ms at the link rate (at least 64 KiB, so a GSO packet fits). Queue: 50 ms, more than
    # the bytes the relay's small socket buffers let many connections put in front of it, so the
    # bucket delays rather than drops (a drop on this sub-millisecond hop would stall a client in a
    # retransmission timeout no WAN path has).
    local burst=$(( WAN_LINK_BPS / 250 )); (( burst < 65536 )) && burst=65536

    ip netns add "$WAN_NS"
    ip link add "$WAN_HOST_IF" type veth peer name "$ns_if"
    ip link set "$ns_if" netns "$WAN_NS"
    ip addr add "$host_addr/30" dev "$WAN_HOST_IF"
    ip link set "$WAN_HOST_IF" up
    ip netns exec "$WAN_NS" ip addr add "$ns_addr/30" dev "$ns_if"
    ip netns exec "$WAN_NS" ip link set "$ns_if" up
    ip netns exec "$WAN_NS" ip link set lo up
    tc qdisc add dev "$WAN_HOST_IF" root tbf rate "$rate" burst "$burst" latency 50ms
    ip netns exec "$WAN_NS" tc qdisc add dev "$ns_if" root tbf rate "$rate" burst "$burst" latency 50ms

    # --no-auth: the single curl stream must get in too; the clients sign anyway.
    launch wan-emulator ip netns exec "$WAN_NS" "$BIN" emulator --host 127.0.0.1 --port 9001 \
        --bucket bench --discard --no-auth
    wait_line wan-emulator "listening on"
    launch delay-line ip netns exec "$WAN_NS" "$BENCH" delay-line --listen "$ns_addr:9000" \
        --to 127.0.0.1:9001 --rtt "$rtt" --window "$window"
    wait_line delay-line "listening on"
    WAN_URL=http://$ns_addr:9000
}

wan_down() {
    [[ -n "${WAN_NS:-}" ]] || return 0
    local pid
    # Only what this run started in the namespace (the emulator and the delay line).
    for pid in $(ip netns pids "$WAN_NS" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
    ip link del "$WAN_HOST_IF" 2>/dev/null || true
    ip netns del "$WAN_NS" 2>/dev/null || true
    WAN_NS=
}
