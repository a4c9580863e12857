/// The form rules of the ECS RPC style, on top of the shared RFC 3986 `PercentEncoding`.
///
/// Both signature versions encode names and values with plain `PercentEncoding.encode` (space is
/// `%20`, `*` is `%2A`, `~` stays; ecs-import-image.md §2). What is ECS's own is the other
/// direction: the current SDK sends its query and body as `application/x-www-form-urlencoded`,
/// so a server must read `+` as a space before it canonicalises, or it signs different text.
public enum ECSPercentEncoding {
    /// Decodes with form rules: `+` is a space, then `%XX` escapes. The current SDK sends spaces as
    /// `+` in the query, so a server that skipped this step would compute a different signature.
    /// A malformed escape is kept literally rather than rejected, as lenient servers do.
    /// Paths are decoded with `plusAsSpace: false`: `+` means a space only in form data.
    public static func formDecode<S: StringProtocol>(_ text: S, plusAsSpace: Bool = true) -> String {
        PercentEncoding.decodeLeniently(text, plusAsSpace: plusAsSpace)
    }

    /// Splits a raw query string or form body into decoded pairs, keeping order and duplicates.
    /// A bare `name` (no `=`) is a parameter with an empty value.
    public static func parseForm<S: StringProtocol>(_ text: S) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for piece in text.split(separator: "&", omittingEmptySubsequences: true) {
            if let eq = piece.firstIndex(of: "=") {
                pairs.append((formDecode(piece[..<eq]), formDecode(piece[piece.index(after: eq)...])))
            } else {
                pairs.append((formDecode(piece), ""))
            }
        }
        return pairs
    }

    /// Joins pairs as `encode(name)=encode(value)` with `&`, in the given order.
    public static func query(_ pairs: [(name: String, value: String)]) -> String {
        pairs.map { PercentEncoding.encode($0.name) + "=" + PercentEncoding.encode($0.value) }.joined(separator: "&")
    }

    /// Byte-order comparison of UTF-8 strings; Swift's `<` on String orders by Unicode scalars
    /// after normalisation, which is not what the signature rules say.
    static func byteOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
