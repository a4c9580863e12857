import Foundation

/// ECS responses are not strictly typed: `SupportCancel` is `"true"` or `true`, sizes are numbers
/// or strings, `Progress` is `"35%"` or `""`. These helpers accept every observed form, so a
/// harmless variation never fails an import that is otherwise going fine.
struct ECSKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where K == ECSKey {
    func string(_ key: String) -> String? {
        let k = ECSKey(key)
        if let s = try? decodeIfPresent(String.self, forKey: k) { return s }
        if let i = try? decodeIfPresent(Int64.self, forKey: k) { return String(i) }
        if let b = try? decodeIfPresent(Bool.self, forKey: k) { return b ? "true" : "false" }
        return nil
    }

    func int(_ key: String) -> Int? {
        let k = ECSKey(key)
        if let i = try? decodeIfPresent(Int.self, forKey: k) { return i }
        if let s = try? decodeIfPresent(String.self, forKey: k) { return Int(s.trimmingCharacters(in: .whitespaces)) }
        return nil
    }

    func bool(_ key: String) -> Bool? {
        let k = ECSKey(key)
        if let b = try? decodeIfPresent(Bool.self, forKey: k) { return b }
        if let s = try? decodeIfPresent(String.self, forKey: k) {
            switch s.lowercased() {
            case "true": return true
            case "false": return false
            default: return nil
            }
        }
        return nil
    }

    /// `{"Outer": {"Inner": [ … ]}}`, the RPC style's way of writing a list. A missing or empty
    /// wrapper is an empty list.
    func list<T: Decodable>(_ outer: String, _ inner: String, as type: T.Type) throws -> [T] {
        guard contains(ECSKey(outer)), (try? decodeNil(forKey: ECSKey(outer))) == false,
              let wrapper = try? nestedContainer(keyedBy: ECSKey.self, forKey: ECSKey(outer)),
              wrapper.contains(ECSKey(inner)) else { return [] }
        return try wrapper.decode([T].self, forKey: ECSKey(inner))
    }
}

extension KeyedEncodingContainer where K == ECSKey {
    mutating func put<T: Encodable>(_ value: T?, _ key: String) throws {
        try encodeIfPresent(value, forKey: ECSKey(key))
    }

    mutating func putList<T: Encodable>(_ values: [T], _ outer: String, _ inner: String) throws {
        var wrapper = nestedContainer(keyedBy: ECSKey.self, forKey: ECSKey(outer))
        try wrapper.encode(values, forKey: ECSKey(inner))
    }
}

/// Progress strings such as `"35%"`: the number, or nil when empty or unparsable.
public enum ECSProgress {
    public static func percent(_ text: String?) -> Int? {
        guard var t = text?.trimmingCharacters(in: .whitespaces), !t.isEmpty else { return nil }
        if t.hasSuffix("%") { t.removeLast() }
        guard let value = Double(t.trimmingCharacters(in: .whitespaces)), value.isFinite else { return nil }
        return min(100, max(0, Int(value.rounded(.down))))
    }
}
