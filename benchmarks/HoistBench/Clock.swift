#if canImport(Glibc)
import Glibc
#endif

/// Seconds on the monotonic clock: every interval the benchmarks and the delay line measure
/// comes from here, so a wall-clock step never shows up as a delay or a speed.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Sleeps until `deadline` on the monotonic clock (returns at once if it has passed).
func sleep(until deadline: Double) {
    while true {
        let left = deadline - now()
        if left <= 0 { return }
        var ts = timespec(tv_sec: Int(left), tv_nsec: Int((left - Double(Int(left))) * 1e9))
        _ = nanosleep(&ts, nil)
    }
}
