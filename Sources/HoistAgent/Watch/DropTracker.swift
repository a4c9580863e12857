import HoistCore

/// The watch folder's bookkeeping, without threads or clocks: which names are candidates, when
/// each is due for its next look, and which file identities were already handed out.
///
/// The caller (`DropScanner`) tells it about names (from inotify or a rescan) and calls `step`
/// with the time; it answers with the drops that became ready and the next instant it wants to
/// be called. Tests drive it with real files and made-up times, so "a slow writer is not taken
/// early" is checked without waiting.
///
/// Invariants: a file identity (device, inode, size, mtime, ctime) is yielded at most once, as
/// ready or as refused; a regular file is yielded only after `SettleCheck` says it settled; only
/// names `DropRules` classifies as images are candidates; the done/ and failed/ folders are
/// never candidates.
public struct DropTracker: Sendable {
    public struct Candidate: Sendable {
        var check: SettleCheck
        var due: Double
    }

    private var settle: Double
    private var minimumAge: Double
    private var excluded: Set<String>
    private var candidates: [String: Candidate] = [:]
    private var yielded: Set<SourceIdentity> = []

    /// `excluded`: absolute paths never taken (the done/ and failed/ folders).
    public init(settle: Double, minimumAge: Double, excluded: Set<String> = []) {
        self.settle = settle
        self.minimumAge = minimumAge
        self.excluded = excluded
    }

    /// New rules from a reload: waiting candidates keep their first look and are judged by the
    /// new settle and minimum age; a candidate now inside an excluded folder is dropped.
    public mutating func retune(settle: Double, minimumAge: Double, excluded: Set<String>) {
        self.settle = settle
        self.minimumAge = minimumAge
        self.excluded = excluded
        for path in candidates.keys {
            if excluded.contains(path) {
                candidates[path] = nil
            } else {
                candidates[path]?.check.settle = max(0, settle)
                candidates[path]?.check.minimumAge = max(0, minimumAge)
            }
        }
    }

    /// The paths waiting to settle.
    public var pending: [String] { candidates.keys.sorted() }

    /// The earliest instant a candidate is due, or nil when there is none.
    public var nextDue: Double? { candidates.values.map(\.due).min() }

    /// A name appeared or changed in `directory`: look at it at `now`. A name already waiting
    /// keeps its settle history (its next look decides); ignored names are dropped here.
    public mutating func consider(directory: String, name: String, now: Double) {
        guard case .image = DropRules.classify(name) else { return }
        let path = directory + "/" + name
        guard !excluded.contains(path) else { return }
        if var candidate = candidates[path] {
            candidate.due = min(candidate.due, now)
            candidates[path] = candidate
        } else {
            candidates[path] = Candidate(check: SettleCheck(settle: settle, minimumAge: minimumAge), due: now)
        }
    }

    /// A full rescan listed `names` in `directory`: every image name is considered, and
    /// identities handed out earlier whose files are no longer in any folder are forgotten
    /// (they cannot come back: a file renamed back in has a new ctime).
    public mutating func rescanned(directory: String, names: [String], now: Double) {
        for name in names { consider(directory: directory, name: name, now: now) }
    }

    /// Forgets yielded identities not in `present` (the identities seen by the latest full
    /// rescan of every folder), so the set does not grow for ever.
    public mutating func keepYielded(present: Set<SourceIdentity>) {
        yielded.formIntersection(present)
    }

    /// Looks at every candidate due at `now` and returns what became ready or was refused.
    public mutating func step(now: Double, wallNow: Double) -> [DropScanner.Drop] {
        var drops: [DropScanner.Drop] = []
        for path in candidates.keys.sorted() {
            guard var candidate = candidates[path], candidate.due <= now else { continue }
            guard let look = EntryLook.of(path) else {
                candidates[path] = nil // gone (renamed away or deleted) before it settled
                continue
            }
            if yielded.contains(look.identity) {
                candidates[path] = nil
                continue
            }
            if let refusal = DropRefusal.of(name: String(path.split(separator: "/").last ?? ""), kind: look.kind) {
                candidates[path] = nil
                yielded.insert(look.identity)
                drops.append(.refused(path: path, because: refusal))
                continue
            }
            switch candidate.check.observe(look.settleLook, now: now, wallNow: wallNow) {
            case .settled:
                candidates[path] = nil
                yielded.insert(look.identity)
                drops.append(.ready(path: path, identity: look.identity))
            case .lookAgain(let at):
                candidate.due = at
                candidates[path] = candidate
            }
        }
        return drops
    }
}
