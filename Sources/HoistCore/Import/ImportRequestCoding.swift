import Foundation

/// Stores an ImportImage request in `imports.parameters_json` and reads it back.
///
/// A resumed run must send *exactly* the parameters that went with the token the first time
/// (the same token with other parameters is `IdempotentParameterMismatch`), and `hoist retry`
/// re-imports with the parameters that were asked for. So the journal keeps the flat RPC
/// parameters, and reading them goes through the same wire decoder the emulator uses.
/// The token itself is the record's key and is not duplicated inside.
public enum ImportRequestCoding {
    public static func json(_ request: ImportImageRequest) -> String {
        var object: [String: String] = [:]
        for (name, value) in request.parameters where name != "ClientToken" {
            object[name] = value
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(object)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The request stored in `record`, with the record's token.
    public static func request(from record: ImportRecord) throws(ImportError) -> ImportImageRequest {
        guard let object = try? JSONDecoder().decode([String: String].self, from: Data(record.parametersJSON.utf8)),
              !object.isEmpty else {
            throw .usage("the journal's import \(record.clientToken) has no readable parameters")
        }
        do {
            var request = try ImportImageRequest(parameters: object)
            request.clientToken = record.clientToken
            return request
        } catch {
            throw .invalidParameters(error)
        }
    }
}
