/// A strict reader for the TOML subset in `TOMLDocument`: `[table]` and `[dotted.table]`
/// headers, `key = value` with bare or quoted keys, basic (`"…"`, with escapes) and literal
/// (`'…'`) strings, decimal integers (with `_` separators), `true`/`false`, and arrays of
/// strings that may span lines. Anything else (floats, dates, inline tables, arrays of tables,
/// multi-line strings) is refused with its line number.
struct TOMLParser {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    mutating func parse() throws(TOMLError) -> TOMLDocument {
        var document = TOMLDocument(tables: ["": [:]])
        var table = ""
        var headers: Set<String> = [""]
        while true {
            skipBlankAndComments()
            guard let byte = peek() else { return document }
            let startLine = line
            if byte == UInt8(ascii: "[") {
                index += 1
                if peek() == UInt8(ascii: "[") { throw fail("arrays of tables ([[…]]) are not supported") }
                skipSpaces()
                var parts = [try key()]
                skipSpaces()
                while peek() == UInt8(ascii: ".") {
                    index += 1
                    skipSpaces()
                    parts.append(try key())
                    skipSpaces()
                }
                try expect("]")
                table = parts.joined(separator: ".")
                guard headers.insert(table).inserted else { throw fail("table [\(table)] is defined twice") }
                document.tables[table] = document.tables[table] ?? [:]
                document.lines[table] = startLine
            } else {
                let name = try key()
                skipSpaces()
                if peek() == UInt8(ascii: ".") { throw fail("dotted keys are not supported; use a [table] header") }
                try expect("=")
                skipSpaces()
                let value = try value()
                guard document.tables[table]?[name] == nil else {
                    throw fail("\(table.isEmpty ? name : "\(table).\(name)") is set twice")
                }
                document.tables[table, default: [:]][name] = value
                document.lines["\(table).\(name)"] = startLine
            }
            try endOfLine()
        }
    }

    // MARK: - Pieces

    private mutating func key() throws(TOMLError) -> String {
        guard let byte = peek() else { throw fail("expected a key") }
        if byte == UInt8(ascii: "\"") { return try basicString() }
        if byte == UInt8(ascii: "'") { return try literalString() }
        let start = index
        while let b = peek(), Self.isBareKey(b) { index += 1 }
        guard index > start else { throw fail("expected a key, found '\(Character(UnicodeScalar(byte)))'") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func value() throws(TOMLError) -> TOMLValue {
        guard let byte = peek() else { throw fail("expected a value") }
        switch byte {
        case UInt8(ascii: "\""):
            if lookingAt("\"\"\"") { throw fail("multi-line strings are not supported") }
            return .string(try basicString())
        case UInt8(ascii: "'"):
            if lookingAt("'''") { throw fail("multi-line strings are not supported") }
            return .string(try literalString())
        case UInt8(ascii: "["):
            return .strings(try stringArray())
        case UInt8(ascii: "{"):
            throw fail("inline tables are not supported; use a [table] header")
        default:
            let start = index
            while let b = peek(), !Self.isSpace(b), b != UInt8(ascii: "#"), b != UInt8(ascii: "\n"),
                  b != UInt8(ascii: "\r"), b != UInt8(ascii: ","), b != UInt8(ascii: "]") { index += 1 }
            let word = String(decoding: bytes[start..<index], as: UTF8.self)
            if word == "true" { return .boolean(true) }
            if word == "false" { return .boolean(false) }
            if let number = Self.integer(word) { return .integer(number) }
            if word.isEmpty { throw fail("expected a value") }
            throw fail("unsupported value \(word): use a quoted string, an integer, true/false or an array of strings")
        }
    }

    private mutating func stringArray() throws(TOMLError) -> [String] {
        index += 1 // [
        var items: [String] = []
        while true {
            skipBlankAndComments()
            guard let byte = peek() else { throw fail("unterminated array") }
            if byte == UInt8(ascii: "]") { index += 1; return items }
            switch byte {
            case UInt8(ascii: "\""): items.append(try basicString())
            case UInt8(ascii: "'"): items.append(try literalString())
            default: throw fail("arrays may only hold strings")
            }
            skipBlankAndComments()
            if peek() == UInt8(ascii: ",") { index += 1; continue }
            skipBlankAndComments()
            guard peek() == UInt8(ascii: "]") else { throw fail("expected ',' or ']' in array") }
        }
    }

    private mutating func basicString() throws(TOMLError) -> String {
        index += 1 // "
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
            run.removeAll()
        }
        while let byte = peek() {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                flush()
                return String(scalars)
            case UInt8(ascii: "\n"):
                throw fail("unterminated string")
            case UInt8(ascii: "\\"):
                flush()
                guard let escape = peek() else { throw fail("unterminated string") }
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let count = escape == UInt8(ascii: "u") ? 4 : 8
                    guard index + count <= bytes.count,
                          let code = UInt32(String(decoding: bytes[index..<index + count], as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
                    index += count
                    scalars.append(scalar)
                default:
                    throw fail("invalid escape \\\(Character(UnicodeScalar(escape)))")
                }
            default:
                if byte < 0x20 && byte != UInt8(ascii: "\t") { throw fail("control character in string") }
                run.append(byte)
            }
        }
        throw fail("unterminated string")
    }

    private mutating func literalString() throws(TOMLError) -> String {
        index += 1 // '
        let start = index
        while let byte = peek() {
            if byte == UInt8(ascii: "'") {
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\n") { break }
            index += 1
        }
        throw fail("unterminated string")
    }

    static func integer(_ word: String) -> Int64? {
        var digits = Substring(word)
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard let first = digits.first, first.isASCII, first.isNumber, digits.last?.isNumber == true,
              !digits.contains("__"), first != "0" || digits.count == 1 else { return nil }
        let plain = String(digits.filter { $0 != "_" })
        guard plain.allSatisfy({ $0.isASCII && $0.isNumber }), let magnitude = Int64(plain) else { return nil }
        return negative ? -magnitude : magnitude
    }

    // MARK: - Whitespace and lines

    private mutating func endOfLine() throws(TOMLError) {
        skipSpaces()
        if peek() == UInt8(ascii: "#") { skipComment() }
        if peek() == UInt8(ascii: "\r") { index += 1 }
        guard let byte = peek() else { return }
        guard byte == UInt8(ascii: "\n") else { throw fail("unexpected text after the value") }
    }

    private mutating func skipBlankAndComments() {
        while let byte = peek() {
            if Self.isSpace(byte) || byte == UInt8(ascii: "\r") {
                index += 1
            } else if byte == UInt8(ascii: "\n") {
                index += 1
                line += 1
            } else if byte == UInt8(ascii: "#") {
                skipComment()
            } else {
                return
            }
        }
    }

    private mutating func skipComment() {
        while let byte = peek(), byte != UInt8(ascii: "\n") { index += 1 }
    }

    private mutating func skipSpaces() {
        while let byte = peek(), Self.isSpace(byte) { index += 1 }
    }

    private mutating func expect(_ character: Unicode.Scalar) throws(TOMLError) {
        guard peek() == UInt8(ascii: character) else { throw fail("expected '\(character)'") }
        index += 1
    }

    private func lookingAt(_ text: String) -> Bool {
        let want = Array(text.utf8)
        return index + want.count <= bytes.count && Array(bytes[index..<index + want.count]) == want
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private func fail(_ message: String) -> TOMLError { TOMLError(line: line, message: message) }

    static func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    static func isBareKey(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}
