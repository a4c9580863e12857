import Foundation

/// What a chaos run did, for its assertions and its summary: kills per phase, faults injected,
/// bytes the faults legitimately destroyed, and anything a child did that it should not.
struct ChaosLedger {
    var kills: [ChaosPhase: Int] = [:]
    var faults: [String: Int] = [:]
    /// Bytes of stored parts destroyed by expiries, deletions and restarts: they must be sent again.
    var lostBytes: Int64 = 0
    /// Expiries and restarts: each may also catch parts in flight, like a kill.
    var destroys = 0
    /// One line per child run: what was planned and what happened.
    var log: [String] = []
    /// Children that exited on their own with a failure, or had to be stopped by the hang guard.
    var problems: [String] = []
    let started = Date()

    var totalKills: Int { kills.values.reduce(0, +) }

    mutating func count(fault name: String) { faults[name, default: 0] += 1 }

    func summary(settings: ChaosSettings, tally: ChaosTally, resentBytes: Int64, bound: Int64, images: Int, imagesCreated: Int,
                 finished: Bool) -> String {
        let faultList = faults.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        return """
        chaos summary (seed \(settings.seed), HOIST_CHAOS_SEED=\(settings.seed) to replay)
          kills: \(totalKills) of \(settings.kills) planned (upload \(kills[.upload] ?? 0), verify \(kills[.verify] ?? 0), \
        import \(kills[.import] ?? 0))
          fault rules armed and actions done: \(faults.values.reduce(0, +)) (\(faultList.isEmpty ? "none" : faultList))
          5xx answers at the emulator: \(tally.serverErrors), UploadParts received: \(tally.parts.count)
          file: \(settings.fileSize) bytes in \(settings.partCount) parts of \(settings.partSize), \(settings.parallel) in flight
          bytes re-sent: \(resentBytes) (bound \(bound): kills and destroys × \(settings.parallel) × part size \
        + \(lostBytes) lost to faults)
          images: \(images) for the job, ImportImage created \(imagesCreated)
          finished: \(finished), problems: \(problems.count)
          time: \(String(format: "%.1f", Date().timeIntervalSince(started))) s
        """
    }
}
