/// Why an entry of the watch folder is not taken: what it is, or its name. Refused entries go
/// to `failed/` untouched, with `NAME.error` saying this.
public enum DropRefusal: Sendable, Equatable {
    /// Not a regular file (see `EntryLook.Kind.refusal`).
    case kind(EntryLook.Kind)
    /// The name holds a control character (a newline, a tab, an escape…). It would go into the
    /// object key and the image's name, and split or forge the agent's log lines.
    case controlCharacters

    /// The refusal for an entry of this name and kind, or nil when it may be taken.
    static func of(name: String, kind: EntryLook.Kind) -> DropRefusal? {
        if kind != .regular { return .kind(kind) }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value) }) {
            return .controlCharacters
        }
        return nil
    }

    /// The words after the file's name in `NAME.error`'s first line.
    public var reason: String {
        switch self {
        case .kind(let kind): kind.refusal ?? "cannot be taken"
        case .controlCharacters:
            "has a control character (such as a newline or a tab) in its name, which would end up in the OSS key and "
                + "the image name; rename it with letters, digits and punctuation only"
        }
    }
}
