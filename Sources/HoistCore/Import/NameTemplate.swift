import Foundation

/// An image name or object key with placeholders, expanded once per job (one image per build):
/// `web-{date}-{time}` becomes `web-20261208-031500` for the job created then, and stays that for
/// every rerun of the job, because every value comes from the job itself (its file name, id,
/// creation time and verified CRC-64), never from the clock of the run that expands it.
///
/// Placeholders: `{stem}` (file name without its last extension), `{name}` (the file name),
/// `{ext}` (the last extension, without the dot), `{date}` (`YYYYMMDD`, UTC), `{time}` (`HHMMSS`,
/// UTC), `{job}` (the job id) and, in image names only, `{crc}` (the first 8 hex digits of the
/// object's CRC-64, known once the upload is verified). `{{` and `}}` stand for literal braces.
public struct NameTemplate: Sendable, Equatable, CustomStringConvertible {
    public enum Placeholder: String, Sendable, CaseIterable {
        case stem, name, ext, date, time, job, crc
    }

    /// What an expansion draws on: the job's own facts.
    public struct Context: Sendable, Equatable {
        public var fileName: String
        public var jobId: String?
        public var created: Date
        public var crc64: UInt64?

        public init(fileName: String, jobId: String?, created: Date, crc64: UInt64? = nil) {
            self.fileName = fileName
            self.jobId = jobId
            self.created = created
            self.crc64 = crc64
        }

        /// The context of a journaled job: its file is the last component of its source path.
        public init(job: JobRecord) {
            self.init(fileName: NameTemplate.fileName(of: job.sourcePath), jobId: job.id, created: job.createdAt,
                      crc64: job.objectCRC64)
        }
    }

    private enum Piece: Sendable, Equatable {
        case literal(String)
        case value(Placeholder)
    }

    /// The text as written, placeholders included.
    public let text: String
    private let pieces: [Piece]

    /// Object keys take every placeholder but `{crc}`: the key is fixed before the bytes are sent.
    public static let keyPlaceholders = Set(Placeholder.allCases).subtracting([.crc])
    public static let imageNamePlaceholders = Set(Placeholder.allCases)
    /// The agent's image name for a drop that names none: unique to the build (the job id keeps two
    /// builds dropped in the same second apart), readable.
    public static let agentDefaultImageName = "{stem}-{date}-{time}-{job}"

    /// Parses `text`; an unknown or unclosed placeholder, or one not in `allowed`, is an error
    /// that names it and lists what is known.
    public init(_ text: String, allowed: Set<Placeholder> = NameTemplate.imageNamePlaceholders) throws(NameTemplateError) {
        self.text = text
        var pieces: [Piece] = []
        var literal = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "{" || character == "}", next < text.endIndex, text[next] == character {
                literal.append(character)
                index = text.index(after: next)
                continue
            }
            if character == "}" { throw .unbalanced(text) }
            guard character == "{" else {
                literal.append(character)
                index = next
                continue
            }
            guard let close = text[next...].firstIndex(of: "}") else { throw .unbalanced(text) }
            let word = String(text[next..<close])
            guard let placeholder = Placeholder(rawValue: word) else { throw .unknown("{\(word)}", in: text, allowed: allowed) }
            guard allowed.contains(placeholder) else { throw .notAllowed("{\(word)}", in: text, allowed: allowed) }
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            literal = ""
            pieces.append(.value(placeholder))
            index = text.index(after: close)
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        self.pieces = pieces
    }

    /// A template that stands for `literal` exactly (its braces escaped).
    public static func literal(_ literal: String) -> NameTemplate {
        let escaped = literal.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}")
        // Escaped text has no placeholder, so it always parses.
        return (try? NameTemplate(escaped, allowed: [])) ?? NameTemplate(unchecked: literal)
    }

    private init(unchecked literal: String) {
        text = literal
        pieces = [.literal(literal)]
    }

    public var placeholders: Set<Placeholder> {
        Set(pieces.compactMap { if case .value(let p) = $0 { p } else { nil } })
    }

    /// True when the text has no placeholder: it expands to itself (braces unescaped).
    public var isLiteral: Bool { placeholders.isEmpty }

    /// The expanded text, or nil when it needs a value the context does not have yet (`{job}`
    /// before the job exists, `{crc}` before the object is verified).
    public func expand(_ context: Context) -> String? {
        var out = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): out += text
            case .value(let placeholder):
                guard let value = Self.value(of: placeholder, in: context) else { return nil }
                out += value
            }
        }
        return out
    }

    public var description: String { text }

    static func value(of placeholder: Placeholder, in context: Context) -> String? {
        let (stem, ext) = split(context.fileName)
        switch placeholder {
        case .stem: return stem
        case .name: return context.fileName
        case .ext: return ext
        case .date: return utc(context.created, "yyyyMMdd")
        case .time: return utc(context.created, "HHmmss")
        case .job: return context.jobId
        case .crc:
            guard let crc = context.crc64 else { return nil }
            let hex = String(crc, radix: 16)
            return String((String(repeating: "0", count: 16 - hex.count) + hex).prefix(8))
        }
    }

    /// `web.raw` → (`web`, `raw`); `.profile` → (`.profile`, ``); `disk` → (`disk`, ``).
    static func split(_ fileName: String) -> (stem: String, ext: String) {
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return (fileName, "") }
        return (String(fileName[..<dot]), String(fileName[fileName.index(after: dot)...]))
    }

    static func fileName(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    private static func utc(_ date: Date, _ format: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = format
        return formatter.string(from: date)
    }
}

/// A template that cannot be expanded: said with the text and the placeholders that exist.
public enum NameTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknown(String, in: String, allowed: Set<NameTemplate.Placeholder>)
    case notAllowed(String, in: String, allowed: Set<NameTemplate.Placeholder>)
    case unbalanced(String)

    public var description: String {
        switch self {
        case let .unknown(word, text, allowed):
            return "\"\(text)\" has the unknown placeholder \(word); known: \(Self.list(allowed)) "
                + "(write {{ and }} for literal braces)"
        case let .notAllowed(word, text, allowed):
            let why = word == "{crc}" ? ": the CRC-64 is known only after the upload, so it can name an image, not an object" : ""
            return "\"\(text)\" uses \(word), which is not available here\(why); available: \(Self.list(allowed))"
        case .unbalanced(let text):
            return "\"\(text)\" has a brace that opens or closes no placeholder (write {{ and }} for literal braces)"
        }
    }

    static func list(_ allowed: Set<NameTemplate.Placeholder>) -> String {
        NameTemplate.Placeholder.allCases.filter(allowed.contains).map { "{\($0.rawValue)}" }.joined(separator: " ")
    }
}
