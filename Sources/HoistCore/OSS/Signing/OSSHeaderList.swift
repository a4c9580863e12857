/// Read-only helpers over the `[(name, value)]` header lists used throughout Hoist.
///
/// Headers stay an ordered list (not a dictionary) because HTTP allows repeats and because the
/// transport sends them as given; these helpers give the case-insensitive views signing needs.
public enum OSSHeaderList {
    /// The first value of `name`, compared case-insensitively.
    public static func value(_ name: String, in headers: [(name: String, value: String)]) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    /// Lower-cased name → trimmed value, for the headers `include` selects, sorted by name in byte
    /// order. Repeated headers are joined with `,` as the Go SDK does.
    public static func canonical(_ headers: [(name: String, value: String)],
                          include: (String) -> Bool) -> [(name: String, value: String)] {
        var merged: [String: String] = [:]
        var order: [String] = []
        for header in headers {
            let name = header.name.lowercased()
            guard include(name) else { continue }
            let value = trimmed(header.value)
            if let existing = merged[name] {
                merged[name] = existing + "," + value
            } else {
                merged[name] = value
                order.append(name)
            }
        }
        return order.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { ($0, merged[$0]!) }
    }

    /// Trims spaces and tabs, the only whitespace a header value can carry at its ends.
    public static func trimmed(_ value: String) -> String {
        var scalars = Substring(value)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }

    /// Byte-order comparison: OSS sorts names as raw bytes, never with locale rules.
    public static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
