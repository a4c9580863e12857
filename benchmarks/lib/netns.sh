# A network namespace joined to the host by a veth pair (sourced; needs root and iproute2).
# Used by the emulated WAN (wan.sh) and benchmarks/network_outage.sh, which put the emulator on
# the far side of a link they can shape or cut.
#
# netns_up PREFIX: creates namespace PREFIX-$$ and the pair, each end up with an address of a
# /30 of its own per process (so concurrent runs do not collide), and lo up in the namespace.
# Sets NETNS, NETNS_HOST_IF, NETNS_IF, NETNS_HOST_ADDR, NETNS_ADDR.
# netns_down: kills what still runs in the namespace (only this run's processes live there) and
# removes the pair and the namespace; safe to call twice or after a half-finished netns_up.

netns_up() {
    NETNS=$1-$$
    NETNS_HOST_IF=hb$$h
    NETNS_IF=hb$$e
    local id=$(( $$ % 16384 ))
    local base=$(( id % 64 * 4 ))
    NETNS_HOST_ADDR=10.204.$(( id / 64 )).$(( base + 1 ))
    NETNS_ADDR=10.204.$(( id / 64 )).$(( base + 2 ))
    ip netns add "$NETNS"
    ip link add "$NETNS_HOST_IF" type veth peer name "$NETNS_IF"
    ip link set "$NETNS_IF" netns "$NETNS"
    ip addr add "$NETNS_HOST_ADDR/30" dev "$NETNS_HOST_IF"
    ip link set "$NETNS_HOST_IF" up
    ip netns exec "$NETNS" ip addr add "$NETNS_ADDR/30" dev "$NETNS_IF"
    ip netns exec "$NETNS" ip link set "$NETNS_IF" up
    ip netns exec "$NETNS" ip link set lo up
}

netns_down() {
    [[ -n "${NETNS:-}" ]] || return 0
    local pid
    for pid in $(ip netns pids "$NETNS" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
    ip link del "$NETNS_HOST_IF" 2>/dev/null || true
    ip netns del "$NETNS" 2>/dev/null || true
    NETNS=
}
