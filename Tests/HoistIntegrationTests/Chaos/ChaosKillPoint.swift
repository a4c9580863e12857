import Foundation
import HoistCore

/// Where a job stands, read from the journal between runs.
enum ChaosPhase: String, CaseIterable, Sendable {
    case upload, verify, `import`, done

    init(_ state: JobState?) {
        switch state {
        case nil, .pending, .uploading: self = .upload
        case .verifying: self = .verify
        case .uploaded, .importing: self = .import
        case .available, .failed, .cancelled: self = .done
        }
    }
}

/// The event after which a child is killed with SIGKILL, counted at the emulator from the
/// child's start, then `extraMilliseconds` more. Events, not times, decide where a kill lands,
/// so the plan means the same on a fast and a slow machine; `afterDelay` is the one random
/// wall-clock point, and it needs no event at all.
struct ChaosKillPoint: CustomStringConvertible {
    enum Event {
        /// UploadParts fully received (any status).
        case parts(Int)
        /// Requests of any kind (preflight, ListParts, Initiate, Complete, HEAD, ECS calls).
        case requests(Int)
        case complete
        case headObject
        case importImage
        /// DescribeImages / DescribeTasks calls while following the import.
        case polls(Int)
        case afterDelay

        /// The operation whose request the event is, held by the emulator so the kill lands
        /// while it is in flight, however late the driver notices.
        var heldOperation: String? {
            switch self {
            case .complete: "CompleteMultipartUpload"
            case .headObject: "HeadObject"
            case .importImage: "ImportImage"
            default: nil
            }
        }
    }

    var event: Event
    var extraMilliseconds: Int
    /// The latest sensible moment for this phase's kill: a run whose event never comes (say it
    /// waits for three more parts and two are left) is still killed before it leaves the phase.
    var fallback: Event?

    /// Requests the emulator holds for this run (a long latency, decided when the request
    /// arrives): the kill always lands while one of them is in flight, and the held request is
    /// handled later for a client that is gone, as a real server does.
    var holds: [String] { [event, fallback].compactMap { $0?.heldOperation } }

    var description: String {
        let what: String
        switch event {
        case .parts(let n): what = "after \(n) part(s)"
        case .requests(let n): what = "after \(n) request(s)"
        case .complete: what = "at CompleteMultipartUpload"
        case .headObject: what = "at HeadObject"
        case .importImage: what = "at ImportImage"
        case .polls(let n): what = "after \(n) import poll(s)"
        case .afterDelay: what = "after a delay"
        }
        return extraMilliseconds > 0 ? "\(what) +\(extraMilliseconds) ms" : what
    }

    /// Whether the event has happened, given the counters at the child's start and now.
    func reached(from start: ChaosTally, to now: ChaosTally, elapsed: Double) -> Bool {
        if let fallback, Self.happened(fallback, from: start, to: now) { return true }
        if case .afterDelay = event { return elapsed * 1000 >= Double(extraMilliseconds) }
        return Self.happened(event, from: start, to: now)
    }

    private static func happened(_ event: Event, from start: ChaosTally, to now: ChaosTally) -> Bool {
        switch event {
        case .parts(let n): now.parts.count - start.parts.count >= n
        case .requests(let n): now.allRequests - start.allRequests >= n
        case .complete: now.count("CompleteMultipartUpload") > start.count("CompleteMultipartUpload")
        case .headObject: now.count("HeadObject") > start.count("HeadObject")
        case .importImage: now.count("ImportImage") > start.count("ImportImage")
        case .polls(let n): now.polls - start.polls >= n
        case .afterDelay: false
        }
    }

    /// Milliseconds to wait between the event and the kill (an `afterDelay` point has had them).
    var delayAfterEvent: Int {
        if case .afterDelay = event { return 0 }
        return extraMilliseconds
    }

    /// A kill point for a job in `phase`, drawn from `random`.
    static func draw(for phase: ChaosPhase, state: JobState?, using random: inout ChaosRandom) -> ChaosKillPoint {
        let jitter = random.chance(0.3) ? random.int(1...30) : 0
        switch phase {
        case .upload, .done:
            let roll = random.int(0...99)
            if roll < 55 { return ChaosKillPoint(event: .parts(random.int(1...3)), extraMilliseconds: jitter, fallback: .complete) }
            if roll < 75 {
                return ChaosKillPoint(event: .requests(random.int(1...8)), extraMilliseconds: jitter, fallback: .complete)
            }
            return ChaosKillPoint(event: .afterDelay, extraMilliseconds: random.int(0...300), fallback: .complete)
        case .verify:
            if state != .verifying { return ChaosKillPoint(event: .complete, extraMilliseconds: jitter, fallback: .importImage) }
            // After Complete only the CRC check is left: its HeadObject is the one verify event.
            return ChaosKillPoint(event: .headObject, extraMilliseconds: jitter, fallback: .importImage)
        case .import:
            if state != .importing { return ChaosKillPoint(event: .importImage, extraMilliseconds: jitter) }
            let roll = random.int(0...99)
            if roll < 60 { return ChaosKillPoint(event: .polls(random.int(1...4)), extraMilliseconds: jitter) }
            if roll < 80 { return ChaosKillPoint(event: .requests(random.int(1...3)), extraMilliseconds: jitter) }
            return ChaosKillPoint(event: .afterDelay, extraMilliseconds: random.int(0...300))
        }
    }
}
