/// The errors an ECS server returns for malformed or unauthenticated requests, with the codes,
/// statuses and messages of the real service, so the emulator answers as ECS does.
extension ECSError {
    public static func missingParameter(_ name: String) -> ECSError {
        ECSError(code: "MissingParameter",
                 message: "The input parameter \"\(name)\" that is mandatory for processing this request is not supplied.",
                 httpStatus: 400)
    }

    public static func invalidParameter(_ name: String, _ detail: String? = nil) -> ECSError {
        ECSError(code: "InvalidParameter",
                 message: "The specified parameter \"\(name)\" is not valid." + (detail.map { " \($0)" } ?? ""),
                 httpStatus: 400)
    }

    /// 404 in the current error table (the older one said 400).
    public static let accessKeyNotFound = ECSError(
        code: "InvalidAccessKeyId.NotFound", message: "Specified access key is not found.", httpStatus: 404)

    public static let accessKeyInactive = ECSError(
        code: "InvalidAccessKeyId.Inactive", message: "Specified access key is disabled.", httpStatus: 400)

    /// Echoes the server's string to sign, as ECS does; it makes signing bugs obvious.
    public static func signatureDoesNotMatch(serverStringToSign: String) -> ECSError {
        ECSError(code: "SignatureDoesNotMatch",
                 message: "Specified signature is not matched with our calculation. server string to sign is:\(serverStringToSign)",
                 httpStatus: 400)
    }

    public static let timestampExpired = ECSError(
        code: "InvalidTimeStamp.Expired", message: "Specified time stamp or date value is expired.", httpStatus: 400)

    public static func illegalTimestamp(_ name: String, _ value: String) -> ECSError {
        ECSError(code: "IllegalTimestamp",
                 message: "The input parameter \"\(name)\" that is mandatory for processing this request is not supplied or is not in the format yyyy-MM-ddTHH:mm:ssZ: \(value)",
                 httpStatus: 400)
    }

    public static let signatureNonceUsed = ECSError(
        code: "SignatureNonceUsed", message: "Specified signature nonce was used already.", httpStatus: 400)

    public static let securityTokenMalformed = ECSError(
        code: "InvalidSecurityToken.Malformed", message: "Specified SecurityToken is malformed.", httpStatus: 400)

    public static let securityTokenExpired = ECSError(
        code: "InvalidSecurityToken.Expired", message: "Specified SecurityToken is expired.", httpStatus: 400)

    public static let securityTokenMismatch = ECSError(
        code: "InvalidSecurityToken.MismatchWithAccessKey",
        message: "Specified SecurityToken mismatch with the AccessKey.", httpStatus: 400)

    public static func incompleteSignature(_ detail: String) -> ECSError {
        ECSError(code: "IncompleteSignature",
                 message: "The request signature does not conform to Aliyun standards. \(detail)", httpStatus: 400)
    }

    public static func invalidAction(_ action: String) -> ECSError {
        ECSError(code: "InvalidAction", message: "Specified api \"\(action)\" is not found, please check your url and method.", httpStatus: 403)
    }

    public static let throttling = ECSError(
        code: "Throttling", message: "Request was denied due to request throttling.", httpStatus: 400)

    /// What ImportImage answers when `AliyunECSImageImportDefaultRole` is missing, in the
    /// official table's spelling.
    public static let importRoleMissing = ECSError(
        code: "NoSetRoletoECSServiceAcount",
        message: "ECS service account Have no right to access your OSS.please attach a role of access your oss to ECS service account.",
        httpStatus: 403,
        recommend: "https://api.aliyun.com/troubleshoot?q=NoSetRoletoECSServiceAcount&product=Ecs")
}
