import Foundation

/// Every line of one `hoist doctor` run, in the order the checks ran.
///
/// `failed` is what the exit code follows: a warning or a skipped check never fails the run,
/// so a host without the agent, or with a clock a minute off, still passes.
public struct DoctorReport: Sendable, Equatable, Codable {
    public var checks: [DoctorResult]

    public init(checks: [DoctorResult] = []) {
        self.checks = checks
    }

    public var failed: Bool { checks.contains { $0.status == .fail } }

    public func count(_ status: DoctorResult.Status) -> Int {
        checks.filter { $0.status == status }.count
    }

    public static func + (lhs: DoctorReport, rhs: [DoctorResult]) -> DoctorReport {
        DoctorReport(checks: lhs.checks + rhs)
    }

    /// The `--json` document: `{"ok": Bool, "counts": {"pass": n, …}, "checks": [{"id", "title",
    /// "status", "detail", "fix"?}]}`, keys sorted so the output is stable.
    public func json() -> String {
        struct Document: Encodable {
            var ok: Bool
            var counts: [String: Int]
            var checks: [DoctorResult]
        }
        var counts: [String: Int] = [:]
        for status in DoctorResult.Status.allCases { counts[status.rawValue] = count(status) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Document(ok: !failed, counts: counts, checks: checks))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// Small formatting rules shared by the checks' messages.
enum DoctorFormat {
    /// `42s`, `3m 5s`, `2h 10m`.
    static func seconds(_ value: Double) -> String {
        let total = Int(abs(value).rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m \(total % 60)s" }
        return "\(total / 3600)h \((total % 3600) / 60)m"
    }

    /// An access key id with its middle hidden (`LTAI****3210`): enough to tell keys apart in a
    /// report pasted into a ticket, without handing the whole id around.
    static func maskedKeyId(_ id: String) -> String {
        guard id.count >= 12 else { return String(repeating: "*", count: max(4, id.count)) }
        return "\(id.prefix(4))****\(id.suffix(4))"
    }
}
