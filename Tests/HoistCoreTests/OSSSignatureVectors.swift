import Foundation
@testable import HoistCore
@testable import HoistEmulator

/// The OSS signature vectors from `shared/reference/vectors`, decoded into typed values so each
/// test reads like the note it checks.
struct OSSSignatureVector {
    var name: String
    var accessKeyId: String
    var secret: String
    var token: String?
    var method: String
    var bucket: String
    var key: String
    var url: String?
    var query: [(name: String, value: String)]
    var headers: [(name: String, value: String)]
    var stringToSign: String
    var signature: String
    var authorization: String?
    // V4 only
    var region: String?
    var canonicalRequest: String?
    var signingKeyHex: String?
    var authorizationV2Style: String?
    var additionalHeaders: [String]
    var ossDate: String?
    // V1 only
    var date: String?

    init(_ d: [String: Any]) {
        name = (d["name"] as? String) ?? (d["suite"] as? String) ?? "?"
        accessKeyId = d["access_key_id"] as! String
        secret = d["access_key_secret"] as! String
        token = d["security_token"] as? String
        method = d["method"] as! String
        bucket = d["bucket"] as! String
        key = d["key"] as! String
        url = d["url"] as? String
        query = (d["query"] as! [[String]]).map { ($0[0], $0[1]) }
        headers = (d["headers"] as! [String: String]).map { ($0.key, $0.value) }
        stringToSign = d["string_to_sign"] as! String
        let auth = d["authorization"] as? String
        authorization = auth
        signature = (d["signature"] as? String) ?? String(auth!.split(separator: ":").last!)
        region = d["region"] as? String
        canonicalRequest = d["canonical_request"] as? String
        signingKeyHex = d["signing_key_hex"] as? String
        authorizationV2Style = d["authorization_alibabacloud_oss_v2"] as? String
        additionalHeaders = (d["additional_headers"] as? [String]) ?? []
        ossDate = (d["x_oss_date"] as? String) ?? headers.first { $0.name.lowercased() == "x-oss-date" }?.value
        date = d["date"] as? String
    }

    var credentials: Credentials {
        Credentials(accessKeyId: accessKeyId, accessKeySecret: secret, securityToken: token)
    }

    var accessKey: OSSAccessKey {
        OSSAccessKey(id: accessKeyId, secret: secret, securityToken: token)
    }

    /// The request time the vector was signed at.
    var time: Date {
        if let ossDate, let t = OSSDate.parseISO8601Basic(ossDate) { return t }
        return OSSDate.parseRFC1123(date ?? OSSSignerV1.signedDate(headers)!)!
    }

    /// What an emulator would see: key and query decoded from the wire URL, plus `authorization`.
    func received(authorization: String) -> OSSSignedRequest {
        var requestKey = key
        var requestQuery = query
        if let url, let components = URLComponents(string: url) {
            let path = components.percentEncodedPath
            requestKey = PercentEncoding.decode(String(path.dropFirst()))!
            requestQuery = (components.percentEncodedQuery ?? "").split(separator: "&").map { item in
                let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (PercentEncoding.decode(String(pair[0]))!, pair.count > 1 ? PercentEncoding.decode(String(pair[1]))! : "")
            }
        }
        return OSSSignedRequest(method: method, bucket: bucket, key: requestKey, query: requestQuery,
                                headers: headers + [("Authorization", authorization)])
    }

    static func load(_ file: String) throws -> (vectors: [OSSSignatureVector], knownAnswers: [OSSSignatureVector]) {
        let json = try Fixtures.json(file)
        let vectors = (json["vectors"] as! [[String: Any]]).map(OSSSignatureVector.init)
        let known = (json["known_answers_from_other_sdks"] as! [[String: Any]]).map(OSSSignatureVector.init)
        return (vectors, known)
    }
}
