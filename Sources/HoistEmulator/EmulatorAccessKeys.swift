import Foundation
import HoistCore

/// The access keys `hoist emulator` accepts, from a key file and the environment as well as
/// its flags: command-line arguments are visible to every user of the host (`ps`), so a test
/// secret that matters even a little should not be one.
///
/// Key file: one key per line, `ACCESS_KEY_ID ACCESS_KEY_SECRET [SECURITY_TOKEN]` separated
/// by spaces or tabs; blank lines and lines starting with `#` are ignored.
///
/// Environment: `HOIST_EMULATOR_ACCESS_KEY_ID`, `HOIST_EMULATOR_ACCESS_KEY_SECRET` and
/// optionally `HOIST_EMULATOR_SECURITY_TOKEN` give one more key. These are deliberately not
/// the client's `ALIBABA_CLOUD_*` names, so a shell holding real credentials never turns them
/// into keys the emulator accepts.
public enum EmulatorAccessKeys {
    public static let idVariable = "HOIST_EMULATOR_ACCESS_KEY_ID"
    public static let secretVariable = "HOIST_EMULATOR_ACCESS_KEY_SECRET"
    public static let tokenVariable = "HOIST_EMULATOR_SECURITY_TOKEN"

    /// Parses a key file's text; `path` is for messages.
    public static func parse(file text: String, path: String) throws(EmulatorKeyError) -> [OSSAccessKey] {
        var keys: [OSSAccessKey] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard (2...3).contains(fields.count) else {
                throw .malformedLine(path: path, line: index + 1)
            }
            keys.append(OSSAccessKey(id: fields[0], secret: fields[1], securityToken: fields.count == 3 ? fields[2] : nil))
        }
        return keys
    }

    /// Reads and parses a key file.
    public static func load(file path: String) throws(EmulatorKeyError) -> [OSSAccessKey] {
        guard let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8) else { throw .unreadable(path: path) }
        return try parse(file: text, path: path)
    }

    /// The key the environment gives, if any; an id without a secret (or the reverse) is an error.
    public static func fromEnvironment(_ environment: [String: String]) throws(EmulatorKeyError) -> OSSAccessKey? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        switch (value(idVariable), value(secretVariable)) {
        case (nil, nil):
            return nil
        case let (id?, secret?):
            return OSSAccessKey(id: id, secret: secret, securityToken: value(tokenVariable))
        default:
            throw .incompleteEnvironment
        }
    }
}

/// Why the emulator's keys could not be read.
public enum EmulatorKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String)
    case malformedLine(path: String, line: Int)
    case incompleteEnvironment

    public var description: String {
        switch self {
        case let .unreadable(path):
            "cannot read the access key file \(path)"
        case let .malformedLine(path, line):
            "\(path):\(line): expected ACCESS_KEY_ID ACCESS_KEY_SECRET [SECURITY_TOKEN]"
        case .incompleteEnvironment:
            "set both \(EmulatorAccessKeys.idVariable) and \(EmulatorAccessKeys.secretVariable), or neither"
        }
    }
}
