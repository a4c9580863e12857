import Foundation
import HoistEmulator

/// The faults of one child run, drawn from the seed: emulator rules (5xx, resets, SlowDown) active
/// for the whole run, and at most one out-of-band action (an expired upload, lost parts, an
/// emulator restart), done before the child starts or once it has made some requests.
///
/// At most one action per run: a run gives up after a few vanished uploads in a row
/// (`uploadKeepsVanishing`), and that is a limit, not a failure to provoke here.
struct ChaosFaults {
    enum Action: String {
        case expireUpload = "expired upload"
        case deleteParts = "deleted parts"
        case restartEmulator = "emulator restart"
    }

    enum Timing {
        case beforeStart
        /// Once the child has made this many requests (or, if it is killed first, before the next run).
        case afterRequests(Int)
    }

    var rules = FaultSettings()
    /// Short names of the rules, for the summary.
    var ruleNames: [String] = []
    var action: Action?
    var timing = Timing.beforeStart

    /// Rules are drawn for any phase; actions only while the upload is open, where they matter.
    static func draw(for phase: ChaosPhase, partSize: Int64, using random: inout ChaosRandom) -> ChaosFaults {
        var faults = ChaosFaults()
        if random.chance(0.4) {
            var menu = Self.menu(partSize: partSize).filter { $0.phases.contains(phase) }
            for _ in 0..<random.int(1...3) where !menu.isEmpty {
                let rule = menu.remove(at: random.int(0...menu.count - 1))
                rule.apply(&faults.rules, &random)
                faults.ruleNames.append(rule.name)
            }
        }
        if phase == .upload, random.chance(0.3) {
            faults.action = [Action.expireUpload, .deleteParts, .restartEmulator][random.int(0...2)]
            faults.timing = random.chance(0.5) ? .beforeStart : .afterRequests(random.int(1...6))
        }
        return faults
    }

    /// A rule the emulator can apply, and the phases whose requests it hits.
    struct Rule {
        var name: String
        var phases: Set<ChaosPhase>
        var apply: (inout FaultSettings, inout ChaosRandom) -> Void
    }

    static func menu(partSize: Int64) -> [Rule] {
        [
            Rule(name: "UploadPart 500", phases: [.upload]) { f, _ in
                f.errors.append(ErrorFault(operation: "UploadPart", rate: 0.15, status: 500))
            },
            Rule(name: "UploadPart reset", phases: [.upload]) { f, r in
                f.resets.append(ResetFault(operation: "UploadPart", afterBytes: Int64(r.int(1000...Int(partSize) - 1)),
                                           count: r.int(1...3)))
            },
            Rule(name: "UploadPart SlowDown", phases: [.upload]) { f, r in
                f.errors.append(.slowDown(operation: "UploadPart", count: r.int(1...3), delay: r.int(50...300)))
            },
            Rule(name: "ListParts 500", phases: [.upload, .verify]) { f, _ in
                f.errors.append(ErrorFault(operation: "ListParts", count: 1, status: 500))
            },
            Rule(name: "Initiate 503", phases: [.upload]) { f, _ in
                f.errors.append(ErrorFault(operation: "InitiateMultipartUpload", count: 1, status: 503, code: "ServiceUnavailable"))
            },
            Rule(name: "Complete 500", phases: [.upload, .verify]) { f, _ in
                f.errors.append(ErrorFault(operation: "CompleteMultipartUpload", count: 1, status: 500))
            },
            Rule(name: "HeadObject 503", phases: [.verify]) { f, _ in
                f.errors.append(ErrorFault(operation: "HeadObject", count: 1, status: 503, code: "ServiceUnavailable"))
            },
            Rule(name: "ImportImage 500", phases: [.import]) { f, _ in
                f.errors.append(ErrorFault(operation: "ImportImage", count: 1, status: 500))
            },
            Rule(name: "DescribeImages 503", phases: [.upload, .import]) { f, _ in
                f.errors.append(ErrorFault(operation: "DescribeImages", count: 1, status: 503, code: "ServiceUnavailable"))
            },
        ]
    }
}
