/// Finds the number of parts in flight that fills the link, and keeps finding it as the network
/// changes: the policy behind `--parallel auto`.
///
/// One TCP stream over a WAN moves about window ÷ RTT, so a long, fat link needs many parts in
/// flight; on loopback or a LAN a few already saturate the sink, and more only add memory,
/// connections and server load. Nobody knows their link's number, so the tuner measures it.
///
/// The policy (after the shape of AzCopy's concurrency tuner): start low; try a larger level
/// (×4 first); keep it only when the throughput it brought rose by a fair share of linear
/// (`gainShare` × (step − 1): +30% for ×4, +10% for ×2, +2.5% for ×1.25), otherwise go back and
/// try a smaller step; when the smallest step gains nothing, settle. Settled, it watches the
/// throughput: a sustained change of more than `driftTolerance` (the network changed) starts a
/// new search from the current level, which also tries a step down so a link that got worse
/// sheds parts that no longer help.
///
/// It is a pure value: the caller measures throughput over an interval at the level it was
/// told (`level`) and reports it with `record(_:)`, which returns the level for the next
/// interval. No clock, no I/O — so its decisions are unit-tested with made-up links.
///
/// Invariants: `minimum ≤ level ≤ maximum` always; a level is kept only on a measured gain; a
/// reported throughput of zero or less (an outage) changes nothing.
public struct ConcurrencyTuner: Sendable, Equatable {
    public let minimum: Int
    public let maximum: Int
    /// The level the next interval should run at.
    public private(set) var level: Int
    public private(set) var phase: Phase

    /// Steps tried in a search, largest first.
    static let steps: [Double] = [4, 2, 1.25]
    /// The share of a linear gain a step must bring to be kept.
    static let gainShare = 0.1
    /// A settled level is searched again when throughput moves by more than this fraction…
    static let driftTolerance = 0.3
    /// …in this many intervals in a row (one noisy interval is not a changed network).
    static let driftIntervals = 2

    public enum Phase: Sendable, Equatable {
        /// Measuring the throughput of `level` before trying a step from it.
        case measuringBase(step: Int)
        /// Trying `level`, a step of `steps[step]` from `base`, which moved `baseThroughput`.
        case trying(base: Int, baseThroughput: Double, step: Int)
        /// Settled at `level`, which moved `throughput`; `drifted` intervals in a row were off.
        case settled(throughput: Double, drifted: Int)
        /// A search down from `base` after the network changed: trying `level` = base ÷ 2.
        /// `descended` once a step down held: then a failing step settles at `base` instead of
        /// searching up again.
        case tryingDown(base: Int, baseThroughput: Double, descended: Bool)
    }

    public init(minimum: Int = 1, maximum: Int = 64, start: Int = 4) {
        self.minimum = max(1, minimum)
        self.maximum = max(self.minimum, maximum)
        level = Swift.min(Swift.max(start, self.minimum), self.maximum)
        phase = .measuringBase(step: 0)
    }

    /// Reports the throughput (bytes per second, or any unit used consistently) measured over an
    /// interval at `level`, and returns the level for the next interval.
    @discardableResult
    public mutating func record(_ throughput: Double) -> Int {
        guard throughput > 0 else { return level }
        switch phase {
        case let .measuringBase(step):
            tryStep(step, from: level, throughput: throughput)
        case let .trying(base, baseThroughput, step):
            let factor = Double(level) / Double(base)
            if throughput >= baseThroughput * (1 + Self.gainShare * (factor - 1)) {
                // Kept: search on from here with the same step.
                tryStep(step, from: level, throughput: throughput)
            } else {
                level = base
                tryStep(step + 1, from: base, throughput: baseThroughput)
            }
        case let .settled(settledThroughput, drifted):
            let change = abs(throughput - settledThroughput) / settledThroughput
            guard change > Self.driftTolerance else {
                phase = .settled(throughput: settledThroughput, drifted: 0)
                return level
            }
            guard drifted + 1 >= Self.driftIntervals else {
                phase = .settled(throughput: settledThroughput, drifted: drifted + 1)
                return level
            }
            if !stepDown(from: level, throughput: throughput, descended: false) {
                tryStep(1, from: level, throughput: throughput)
            }
        case let .tryingDown(base, baseThroughput, descended):
            if throughput >= baseThroughput * (1 - Self.gainShare) {
                // Half the parts move as much: the extra ones were not helping. Go on down.
                if !stepDown(from: level, throughput: throughput, descended: true) {
                    phase = .settled(throughput: throughput, drifted: 0)
                }
            } else if descended {
                level = base
                phase = .settled(throughput: baseThroughput, drifted: 0)
            } else {
                // The parts are all needed: the link got faster, so search up.
                level = base
                tryStep(1, from: base, throughput: baseThroughput)
            }
        }
        return level
    }

    /// Tries half of `base`; false when `base` is already the minimum.
    private mutating func stepDown(from base: Int, throughput: Double, descended: Bool) -> Bool {
        let down = Swift.max(minimum, base / 2)
        guard down < base else { return false }
        phase = .tryingDown(base: base, baseThroughput: throughput, descended: descended)
        level = down
        return true
    }

    /// Tries `steps[step]` up from `base` (measured at `throughput`), or settles at `base` when
    /// no step is left or the maximum is reached.
    private mutating func tryStep(_ step: Int, from base: Int, throughput: Double) {
        var step = step
        while step < Self.steps.count {
            let next = Swift.min(maximum, Int((Double(base) * Self.steps[step]).rounded()))
            if next > base {
                phase = .trying(base: base, baseThroughput: throughput, step: step)
                level = next
                return
            }
            step += 1
        }
        level = base
        phase = .settled(throughput: throughput, drifted: 0)
    }
}
