import Foundation

/// How a GetObject `Range` header applies to an object, with OSS's lenient rules
/// (oss-multipart.md §11): a valid single range is served as 206, a range that starts at or past
/// the end is 416, and anything malformed (syntax, several ranges, first > last) is ignored so
/// the whole object comes back with 200.
enum ByteRange: Equatable {
    case whole
    case slice(first: Int64, last: Int64)
    case unsatisfiable

    static func parse(_ header: String?, size: Int64) -> ByteRange {
        guard let header = header?.trimmingCharacters(in: .whitespaces), header.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = header.dropFirst(6).trimmingCharacters(in: .whitespaces)
        if spec.contains(",") { return .whole }
        let sides = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard sides.count == 2 else { return .whole }
        let a = sides[0].trimmingCharacters(in: .whitespaces), b = sides[1].trimmingCharacters(in: .whitespaces)
        let first = a.isEmpty ? nil : Int64(a), last = b.isEmpty ? nil : Int64(b)
        if (!a.isEmpty && first == nil) || (!b.isEmpty && last == nil) { return .whole }
        switch (first, last) {
        case (nil, let suffix?):
            if suffix == 0 || size == 0 { return .unsatisfiable }
            return .slice(first: max(0, size - suffix), last: size - 1)
        case (let first?, nil):
            return first >= size ? .unsatisfiable : .slice(first: first, last: size - 1)
        case (let first?, let last?):
            if first > last { return .whole }
            return first >= size ? .unsatisfiable : .slice(first: first, last: min(last, size - 1))
        case (nil, nil):
            return .whole
        }
    }
}
