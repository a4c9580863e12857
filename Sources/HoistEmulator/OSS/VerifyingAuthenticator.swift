import Foundation
import HoistCore

/// Strict V1/V4 checks through HoistCore's `OSSRequestVerifier`: the same code path that
/// documents the algorithm verifies it, and the failure is mapped to OSS's error XML with the
/// debugging extras real OSS returns (`StringToSign`, `StringToSignBytes`, ...).
struct VerifyingAuthenticator: OSSAuthenticator {
    let verifier: OSSRequestVerifier

    func authenticate(_ request: EmulatorRequest, address: OSSAddress, now: Date) -> OSSErrorReply? {
        let signed = OSSSignedRequest(
            method: request.method.rawValue,
            bucket: address.bucket,
            key: address.key,
            query: request.query,
            headers: request.headers.map { (name: $0.name, value: $0.value) }
        )
        switch verifier.verify(signed, now: now) {
        case .success:
            return nil
        case .failure(let failure):
            return Self.reply(for: failure)
        }
    }

    static func reply(for failure: OSSAuthFailure) -> OSSErrorReply {
        var reply = OSSErrorReply(status: failure.httpStatus, code: failure.code, message: failure.message)
        switch failure {
        case .signatureDoesNotMatch(let stringToSign, let canonicalRequest, let provided, let accessKeyId):
            if let canonicalRequest { reply.extras.append(("CanonicalRequest", canonicalRequest)) }
            reply.extras.append(("StringToSign", stringToSign))
            reply.extras.append(("StringToSignBytes", stringToSign.utf8.map { String(format: "%02x", $0) }.joined(separator: " ")))
            reply.extras.append(("SignatureProvided", provided))
            reply.extras.append(("OSSAccessKeyId", accessKeyId))
        case .requestTimeTooSkewed(let requestTime, let serverTime):
            reply.extras.append(("RequestTime", requestTime))
            reply.extras.append(("ServerTime", serverTime))
            reply.extras.append(("MaxAllowedSkewMilliseconds", "900000"))
        default:
            break
        }
        return reply
    }
}
