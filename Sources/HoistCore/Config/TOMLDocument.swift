/// A parsed configuration file in the TOML subset Hoist reads (see `TOMLParser`): tables of
/// keys whose values are strings, integers, booleans or arrays of strings.
///
/// Hoist's config and image manifests need nothing more, and a small strict reader rejects a
/// typo (a missing quote, a float where a size was meant) with its line number instead of
/// guessing.
public struct TOMLDocument: Sendable, Equatable {
    /// Table name (`""` for keys before the first header, `"a.b"` for `[a.b]`) → keys → values.
    public var tables: [String: [String: TOMLValue]]
    /// Line of each table header and key, for messages about values that parse but make no sense.
    public var lines: [String: Int]

    public init(tables: [String: [String: TOMLValue]] = [:], lines: [String: Int] = [:]) {
        self.tables = tables
        self.lines = lines
    }

    public static func parse(_ text: String) throws(TOMLError) -> TOMLDocument {
        var parser = TOMLParser(text)
        return try parser.parse()
    }

    /// The value at `key` in `table`, or `nil`.
    public subscript(table: String, key: String) -> TOMLValue? {
        tables[table]?[key]
    }

    /// A string value; a value of another type is an error, since it is surely a mistake.
    public func string(_ table: String, _ key: String) throws(TOMLError) -> String? {
        guard let value = self[table, key] else { return nil }
        guard case .string(let text) = value else { throw mistyped(table, key, expected: "a string", value) }
        return text
    }

    public func integer(_ table: String, _ key: String) throws(TOMLError) -> Int64? {
        guard let value = self[table, key] else { return nil }
        guard case .integer(let number) = value else { throw mistyped(table, key, expected: "an integer", value) }
        return number
    }

    public func boolean(_ table: String, _ key: String) throws(TOMLError) -> Bool? {
        guard let value = self[table, key] else { return nil }
        guard case .boolean(let flag) = value else { throw mistyped(table, key, expected: "true or false", value) }
        return flag
    }

    public func strings(_ table: String, _ key: String) throws(TOMLError) -> [String]? {
        guard let value = self[table, key] else { return nil }
        guard case .strings(let list) = value else { throw mistyped(table, key, expected: "an array of strings", value) }
        return list
    }

    /// Keys of `table` that are not in `known`, so a misspelt setting is reported, not ignored.
    public func unknownKeys(in table: String, known: Set<String>) -> [String] {
        (tables[table] ?? [:]).keys.filter { !known.contains($0) }.sorted()
    }

    public func line(of table: String, _ key: String? = nil) -> Int? {
        lines[key.map { "\(table).\($0)" } ?? table]
    }

    private func mistyped(_ table: String, _ key: String, expected: String, _ value: TOMLValue) -> TOMLError {
        let name = table.isEmpty ? key : "\(table).\(key)"
        return TOMLError(line: line(of: table, key) ?? 0, message: "\(name) must be \(expected), not \(value.kind)")
    }
}

/// One value of the subset.
public enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case boolean(Bool)
    case strings([String])

    /// The type's name, for messages.
    public var kind: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .boolean: "a boolean"
        case .strings: "an array of strings"
        }
    }
}

/// Why a TOML text was refused, with the 1-based line.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}
