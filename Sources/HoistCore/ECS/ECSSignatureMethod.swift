/// How the client signs: ACS3-HMAC-SHA256 (what the current SDKs send) or RPC signature v1
/// (HMAC-SHA1, what every API page documents and older SDKs send).
public enum ECSSignatureMethod: String, Sendable, CaseIterable {
    case acs3 = "ACS3-HMAC-SHA256"
    case v1 = "HMAC-SHA1"
}
