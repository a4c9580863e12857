/// The outcome of one `hoist doctor` check: one line of its report.
///
/// Invariants: `fix` is set for every `.fail` (a failure a person cannot act on is not
/// reported as one) and for a `.warn` when something can be done; `detail` never carries a
/// secret, a security token or a signature, only what was found and where.
public struct DoctorResult: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Checked and fine.
        case pass
        /// Works now but deserves attention (little free space, a clock drifting); never
        /// changes the exit code.
        case warn
        /// Hoist will not work until this is fixed.
        case fail
        /// Not checked, with the reason in `detail` (nothing to check, or an earlier check failed).
        case skip
    }

    /// Stable, machine-readable name (`config`, `oss.bucket`, `agent.watch`, …).
    public var id: String
    /// Short label for the printed line.
    public var title: String
    public var status: Status
    /// What was found.
    public var detail: String
    /// What to do about it.
    public var fix: String?

    public init(id: String, title: String, status: Status, detail: String, fix: String? = nil) {
        self.id = id
        self.title = title
        self.status = status
        self.detail = detail
        self.fix = fix
    }

    public static func pass(_ id: String, _ title: String, _ detail: String) -> DoctorResult {
        DoctorResult(id: id, title: title, status: .pass, detail: detail)
    }

    public static func warn(_ id: String, _ title: String, _ detail: String, fix: String? = nil) -> DoctorResult {
        DoctorResult(id: id, title: title, status: .warn, detail: detail, fix: fix)
    }

    public static func fail(_ id: String, _ title: String, _ detail: String, fix: String) -> DoctorResult {
        DoctorResult(id: id, title: title, status: .fail, detail: detail, fix: fix)
    }

    public static func skip(_ id: String, _ title: String, _ detail: String) -> DoctorResult {
        DoctorResult(id: id, title: title, status: .skip, detail: detail)
    }
}
