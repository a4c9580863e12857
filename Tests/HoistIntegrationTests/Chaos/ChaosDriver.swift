import Foundation
import HoistCore
import HoistEmulator
#if canImport(Glibc)
import Glibc
#endif

/// The chaos loop: start the child, inject this run's faults, SIGKILL it at its kill point,
/// and again, until the planned kills are spent; then one clean run to the end.
///
/// Kills are spread over the phases by quota (about 55% upload, 15% verify, 30% import). A phase
/// that ends before its quota passes the rest on to the next one. Which phase a kill landed in
/// is read from the journal after it, not assumed.
struct ChaosDriver {
    let rig: ChaosRig
    var random: ChaosRandom
    var ledger = ChaosLedger()
    /// Seconds from start to kill of every killed child, to pace the emulated import.
    private var killedRunSeconds: [Double] = []

    init(rig: ChaosRig) {
        self.rig = rig
        random = ChaosRandom(seed: rig.settings.seed)
    }

    private var settings: ChaosSettings { rig.settings }
    private var emulator: ChaosEmulator { rig.emulator }

    /// Runs children until the planned kills are spent or the job finished on its own.
    mutating func killRepeatedly() async throws {
        var runNumber = 0
        while ledger.totalKills < settings.kills {
            runNumber += 1
            let state = try await rig.journaled()?.job.state
            let phase = ChaosPhase(state)
            if phase == .done {
                ledger.log.append("run \(runNumber): the job is \(state.map(\.rawValue) ?? "?") already; no more kills")
                break
            }
            let point = ChaosKillPoint.draw(for: target(phase), state: state, using: &random)
            let faults = ChaosFaults.draw(for: phase, partSize: settings.partSize, using: &random)
            paceImport()
            var rules = faults.rules
            rules.latency += point.holds.map { LatencyFault(operation: $0, milliseconds: 30_000) }
            emulator.server.faults.replace(rules)
            faults.ruleNames.forEach { ledger.count(fault: $0) }
            var line = "run \(runNumber) [\(state?.rawValue ?? "new")]: kill \(point)"
            if !faults.ruleNames.isEmpty { line += "; rules: \(faults.ruleNames.joined(separator: ", "))" }
            var actionPending = faults.action
            if let action = faults.action, case .beforeStart = faults.timing {
                let done = try await perform(action)
                line += "; before start: " + done
                actionPending = nil
            }
            line += try await runUntilKill(point: point, faults: faults, actionPending: &actionPending)
            if let action = actionPending {
                let done = try await perform(action)
                line += "; after the run: " + done
            }
            emulator.server.faults.clear()
            ledger.log.append(line)
        }
    }

    /// The phase whose quota this kill comes from: the current one, or a later one when the
    /// current phase has spent its share (the child then runs on to the next phase's first event).
    private func target(_ phase: ChaosPhase) -> ChaosPhase {
        let upload = ledger.kills[.upload] ?? 0, verify = ledger.kills[.verify] ?? 0
        switch phase {
        case .upload where upload < settings.uploadKills: return .upload
        case .upload, .verify:
            return upload + verify < settings.uploadKills + settings.verifyKills ? .verify : .import
        case .import, .done: return .import
        }
    }

    /// Imports created from now on last long enough for the import kills still planned, judged
    /// from how long killed children have lived so far. Only the number of import kills depends
    /// on this; a fast import means fewer of them, never a wrong result.
    private func paceImport() {
        let mean = killedRunSeconds.isEmpty ? 1 : killedRunSeconds.reduce(0, +) / Double(killedRunSeconds.count)
        emulator.setImportSeconds(min(120, 3 + 2 * Double(settings.importKills) * max(0.3, mean)))
    }

    /// Starts one child and kills it at `point`; returns what happened, for the log.
    private mutating func runUntilKill(point: ChaosKillPoint, faults: ChaosFaults,
                                       actionPending: inout ChaosFaults.Action?) async throws -> String {
        let start = emulator.tally
        let started = Date()
        let child = try rig.start()
        var note = ""
        var stuck = false
        while child.isRunning {
            let now = emulator.tally
            if let action = actionPending, case .afterRequests(let m) = faults.timing, now.allRequests - start.allRequests >= m {
                let done = try await perform(action, running: child)
                note += "; after \(m) request(s): " + done
                actionPending = nil
                continue
            }
            if point.reached(from: start, to: now, elapsed: Date().timeIntervalSince(started)) {
                if point.delayAfterEvent > 0 { try await Task.sleep(for: .milliseconds(point.delayAfterEvent)) }
                child.signal(SIGKILL)
                break
            }
            if Date().timeIntervalSince(started) > settings.runTimeout {
                stuck = true
                child.signal(SIGKILL)
                break
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        let result = await child.wait(timeout: 30)
        let after = try await rig.journaled()?.job.state
        let landed = ChaosPhase(after) == .done ? ChaosPhase.import : ChaosPhase(after)
        if stuck {
            ledger.problems.append("""
                a child made no progress to its kill point (\(point)) in \(settings.runTimeout) s, \
                job \(after?.rawValue ?? "?"); its output:
                \(Self.tail(result.output))
                """)
            return note + " → stuck, killed by the hang guard"
        }
        if result.signalled && result.exitCode == SIGKILL {
            ledger.kills[landed, default: 0] += 1
            killedRunSeconds.append(result.seconds)
            return note + " → killed in \(landed.rawValue) (job \(after?.rawValue ?? "new"))"
        }
        if result.exitCode == 0 { return note + " → finished on its own (exit 0)" }
        ledger.problems.append("""
            a child exited \(result.exitCode) on its own before its kill point (\(point)), job \
            \(after?.rawValue ?? "?"); its output:
            \(Self.tail(result.output))
            """)
        return note + " → exited \(result.exitCode)"
    }

    /// Performs an out-of-band action on the emulator; returns what it did.
    ///
    /// A restart while a child runs stops the child (SIGSTOP) around it: the emulator (in debug
    /// builds, through SwiftNIO) traps when a connection is accepted while its server shuts down,
    /// so no new connection may arrive then. The child's open connections still die, and it finds
    /// a server without its upload when it continues.
    private mutating func perform(_ action: ChaosFaults.Action, running child: HoistChild? = nil) async throws -> String {
        let open = emulator.server.uploads().filter { $0.key == rig.key }
        switch action {
        case .expireUpload:
            guard !open.isEmpty else { return "no open upload to expire" }
            for upload in open {
                ledger.lostBytes += upload.parts.reduce(0) { $0 + $1.size }
                await emulator.server.expireUpload(upload.uploadId)
            }
            ledger.destroys += 1
        case .deleteParts:
            guard let upload = open.first(where: { !$0.parts.isEmpty }) else { return "no stored part to delete" }
            var candidates = upload.parts
            var chosen: [Int] = []
            for _ in 0..<random.int(1...min(3, candidates.count)) {
                chosen.append(candidates.remove(at: random.int(0...candidates.count - 1)).partNumber)
            }
            let removed = Set(await emulator.server.deleteParts(uploadId: upload.uploadId, parts: chosen) ?? [])
            ledger.lostBytes += upload.parts.filter { removed.contains($0.partNumber) }.reduce(0) { $0 + $1.size }
            ledger.count(fault: action.rawValue)
            return "deleted parts \(removed.sorted())"
        case .restartEmulator:
            child?.signal(SIGSTOP)
            defer { child?.signal(SIGCONT) }
            // Connections the child opened just before it stopped are accepted meanwhile.
            if child != nil { try await Task.sleep(for: .milliseconds(200)) }
            guard let lost = try await emulator.restart() else { return "no restart (Complete was sent; the object may exist)" }
            ledger.lostBytes += lost.filter { $0.key == rig.key }.flatMap(\.parts).reduce(0) { $0 + $1.size }
            ledger.destroys += 1
        }
        ledger.count(fault: action.rawValue)
        return action.rawValue
    }

    /// The end of a child's output: enough to see what it was doing.
    static func tail(_ text: String, lines: Int = 25) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}
