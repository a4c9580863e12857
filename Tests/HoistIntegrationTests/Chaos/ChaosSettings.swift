import Foundation
import HoistTestSupport

/// Every random choice of a chaos run (kill points, faults, delays, file bytes) comes from one
/// seeded generator, so a seed replays the same plan.
typealias ChaosRandom = SplitMix64

extension SplitMix64 {
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
}

/// What one chaos run does, from the environment: `HOIST_CHAOS_KILLS` (default 20),
/// `HOIST_CHAOS_SEED` (default: a fresh one, printed so a failure can be replayed) and
/// `HOIST_CHAOS_RUN_TIMEOUT` (seconds one child may run before it counts as stuck; a hang
/// guard only, never a synchronisation).
///
/// Invariant: `uploadKills + verifyKills + importKills == kills`, each at least 1.
struct ChaosSettings: Sendable {
    var seed: UInt64
    var kills: Int
    var partSize: Int64 = 1 << 20
    var parallel = 4
    var runTimeout: Double

    var uploadKills: Int { max(1, kills * 55 / 100) }
    var verifyKills: Int { max(1, kills * 15 / 100) }
    var importKills: Int { max(1, kills - uploadKills - verifyKills) }

    /// Enough parts that the upload kills, most of which wait for new parts, find some.
    var partCount: Int { max(24, uploadKills + 8) }
    /// The file ends mid-part (a short last part), on a sector boundary as a raw disk does.
    var fileSize: Int64 { Int64(partCount) * partSize - 7 * 512 }

    static func fromEnvironment() -> ChaosSettings {
        let environment = ProcessInfo.processInfo.environment
        let kills = environment["HOIST_CHAOS_KILLS"].flatMap(Int.init).map { max(3, $0) } ?? 20
        let seed = environment["HOIST_CHAOS_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64(1) << 48)
        let timeout = environment["HOIST_CHAOS_RUN_TIMEOUT"].flatMap(Double.init) ?? 120
        return ChaosSettings(seed: seed, kills: kills, runTimeout: timeout)
    }
}
