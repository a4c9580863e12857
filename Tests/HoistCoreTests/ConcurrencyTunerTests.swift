import Testing
@testable import HoistCore

/// The tuner's decisions on made-up links: each stream moves `perStream` until the link's
/// `capacity` is full, as TCP streams over a WAN do (window ÷ RTT each).
@Suite struct ConcurrencyTunerTests {
    struct Link {
        var perStream: Double
        var capacity: Double
        func throughput(_ level: Int) -> Double { min(capacity, Double(level) * perStream) }
    }

    /// Runs `intervals` intervals on `link`, with deterministic ±`noise` jitter, and returns the levels.
    func run(_ tuner: inout ConcurrencyTuner, on link: Link, intervals: Int, noise: Double = 0) -> [Int] {
        var levels: [Int] = []
        var seed: UInt64 = 42
        for _ in 0..<intervals {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let jitter = (Double(seed >> 11) / Double(1 << 53) * 2 - 1) * noise
            levels.append(tuner.level)
            tuner.record(link.throughput(tuner.level) * (1 + jitter))
        }
        return levels
    }

    @Test func aWANLinkIsFilledWithoutOvershootingMuch() {
        // 40 ms RTT, 1 MiB windows: 25 MB/s a stream; a 125 MB/s (1 Gbit/s) link.
        let link = Link(perStream: 25, capacity: 125)
        var tuner = ConcurrencyTuner(maximum: 64)
        let levels = run(&tuner, on: link, intervals: 12)
        #expect(levels.prefix(6) == [4, 16, 8, 16, 10, 8])
        guard case .settled = tuner.phase else { Issue.record("not settled: \(tuner.phase)"); return }
        #expect(link.throughput(tuner.level) == link.capacity)
        #expect(tuner.level <= 10, "settled at \(tuner.level), more parts than the link needs")
    }

    @Test func loopbackSettlesLow() {
        // A sink that is already full at 4 parts gains nothing from more.
        var tuner = ConcurrencyTuner(maximum: 64)
        _ = run(&tuner, on: Link(perStream: 400, capacity: 1400), intervals: 8)
        #expect(tuner.level == 4)
        #expect(tuner.phase == .settled(throughput: 1400, drifted: 0))
    }

    @Test func aFastLinkClimbsToTheMaximum() {
        var tuner = ConcurrencyTuner(maximum: 32)
        _ = run(&tuner, on: Link(perStream: 10, capacity: 10_000), intervals: 10)
        #expect(tuner.level == 32)
    }

    @Test func levelsStayWithinBounds() {
        var tuner = ConcurrencyTuner(minimum: 2, maximum: 12, start: 50)
        #expect(tuner.level == 12)
        let levels = run(&tuner, on: Link(perStream: 7, capacity: 60), intervals: 40, noise: 0.2)
        #expect(levels.allSatisfy { (2...12).contains($0) })
    }

    @Test func noiseDoesNotMakeItWander() {
        var tuner = ConcurrencyTuner(maximum: 64)
        let link = Link(perStream: 25, capacity: 125)
        let levels = run(&tuner, on: link, intervals: 40, noise: 0.03)
        // Once settled, ±3% noise is not a changed network: the last 20 intervals hold one level.
        #expect(Set(levels.suffix(20)).count == 1)
        #expect(link.throughput(tuner.level) == link.capacity)
    }

    @Test func aFasterNetworkIsFoundAgain() {
        var tuner = ConcurrencyTuner(maximum: 64)
        _ = run(&tuner, on: Link(perStream: 25, capacity: 125), intervals: 12)
        let before = tuner.level
        // The link doubles: settled, the tuner sees the change and searches again.
        let faster = Link(perStream: 25, capacity: 250)
        _ = run(&tuner, on: faster, intervals: 14)
        #expect(tuner.level > before)
        #expect(faster.throughput(tuner.level) == faster.capacity)
    }

    @Test func aWorseNetworkShedsPartsThatNoLongerHelp() {
        var tuner = ConcurrencyTuner(maximum: 64)
        _ = run(&tuner, on: Link(perStream: 25, capacity: 250), intervals: 14)
        let before = tuner.level
        // The link shrinks to a fifth: fewer parts move as much, so the tuner steps down to the
        // fewest that still fill it (2 × 25).
        _ = run(&tuner, on: Link(perStream: 25, capacity: 50), intervals: 14)
        #expect(before == 16)
        #expect(tuner.level == 2)
    }

    @Test func anOutageChangesNothing() {
        var tuner = ConcurrencyTuner(maximum: 64)
        _ = run(&tuner, on: Link(perStream: 25, capacity: 125), intervals: 12)
        let settled = tuner
        for _ in 0..<5 { tuner.record(0) }
        #expect(tuner == settled)
    }
}
