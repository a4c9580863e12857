/// Decides when a dropped file is complete: its size and modification time stayed the same across
/// two looks `settle` apart, and it has not been modified for at least `minimumAge`.
///
/// `IN_CLOSE_WRITE` alone is not enough: a writer may close and reopen (a download that resumes,
/// `dd` in chunks, a copy tool that sets the mtime last), and a file renamed into the folder by
/// a crashed job may be incomplete and still changing. Two equal looks with time between them
/// is the rule every spool daemon uses; it costs `settle` of latency, nothing else.
///
/// The check is a pure value type: the caller supplies looks and the clock, so it is tested
/// without sleeping.
public struct SettleCheck: Sendable {
    /// What one look at a file found.
    public struct Look: Sendable, Equatable {
        public var size: Int64
        public var mtimeNanoseconds: Int64
        public var ctimeNanoseconds: Int64

        public init(size: Int64, mtimeNanoseconds: Int64, ctimeNanoseconds: Int64) {
            self.size = size
            self.mtimeNanoseconds = mtimeNanoseconds
            self.ctimeNanoseconds = ctimeNanoseconds
        }
    }

    public enum Verdict: Sendable, Equatable {
        /// Look again at this instant (seconds on the caller's monotonic clock).
        case lookAgain(at: Double)
        /// Complete: take it.
        case settled
    }

    public var settle: Double
    public var minimumAge: Double
    private var first: (look: Look, at: Double)?

    public init(settle: Double = 5, minimumAge: Double = 2) {
        self.settle = max(0, settle)
        self.minimumAge = max(0, minimumAge)
    }

    /// Records a look taken at `now` (monotonic seconds) when the wall clock was `wallNow`
    /// (seconds since the epoch, to age the mtime), and says what to do next.
    public mutating func observe(_ look: Look, now: Double, wallNow: Double) -> Verdict {
        guard let first, first.look == look else {
            // First look, or the file changed since: start over from this look.
            self.first = (look, now)
            return .lookAgain(at: now + settle)
        }
        let waited = now - first.at
        if waited < settle { return .lookAgain(at: first.at + settle) }
        let age = wallNow - Double(look.mtimeNanoseconds) / 1e9
        if age < minimumAge { return .lookAgain(at: now + (minimumAge - age)) }
        return .settled
    }
}
