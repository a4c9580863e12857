/// Builds the small XML documents OSS returns. Only elements and escaped text are needed, so a
/// string builder keeps responses byte-for-byte predictable (declaration, element order) the way
/// SDK parsers and tests expect.
struct XMLWriter {
    private(set) var text = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"

    mutating func open(_ name: String) { text += "<\(name)>" }
    mutating func close(_ name: String) { text += "</\(name)>" }

    mutating func element(_ name: String, _ value: String) {
        text += "<\(name)>\(Self.escape(value))</\(name)>"
    }

    mutating func element(_ name: String, _ value: some BinaryInteger) { element(name, String(value)) }

    mutating func element(_ name: String, _ body: (inout XMLWriter) -> Void) {
        open(name)
        body(&self)
        close(name)
    }

    /// Escapes text content. Quotes stay literal, as in OSS's `<ETag>"…"</ETag>`.
    static func escape(_ s: String) -> String {
        guard s.contains(where: { "&<>".contains($0) }) else { return s }
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(ch)
            }
        }
        return out
    }
}
