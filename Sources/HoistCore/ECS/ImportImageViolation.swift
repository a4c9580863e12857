/// One broken ImportImage rule: which rule, which parameter, and the exact error ECS answers
/// with (code, HTTP status, message), plus a plain-language reason for the person who has to
/// fix it. The emulator turns it into the wire error with `ecsError(requestId:)`.
public struct ImportImageViolation: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Rule: String, Sendable, CaseIterable {
        case regionIdMissing, diskMappingMissing, diskMappingIndex, ossBucketMissing, ossObjectMissing, ossObjectMalformed
        case imageNameLength, imageNameFirstCharacter, imageNameReservedPrefix, imageNameURL, imageNameCharacters
        case descriptionLength, descriptionURL
        case architectureUnknown, osTypeUnknown, platformUnknown, platformOSTypeMismatch, bootModeUnknown, arm64RequiresUEFI
        case licenseTypeUnknown, formatUnknown, formatISO, formatPreview
        case diskSizeNotInteger, systemDiskSizeRange, dataDiskSizeRange, diskSmallerThanImage, deviceMalformed
        case tagIndex, tagKeyEmpty, tagKeyLength, tagKeyReservedPrefix, tagKeyURL, tagKeyDuplicate
        case tagValueLength, tagValueReservedPrefix, tagValueURL
        case detectionStrategyUnknown, nvmeSupportUnknown, imdsSupportUnknown, clientTokenMalformed, roleNameMalformed
        case dryRunMalformed
    }

    public var rule: Rule
    /// The wire name, with the real index: `DiskDeviceMapping.2.DiskImageSize`, `Tag.3.Key`.
    public var parameter: String
    public var code: String
    public var httpStatus: Int
    /// The message ECS sends.
    public var message: String
    /// What exactly is wrong, for logs and `*.error` files.
    public var reason: String

    public init(rule: Rule, parameter: String, code: String, httpStatus: Int = 400, message: String, reason: String) {
        self.rule = rule
        self.parameter = parameter
        self.code = code
        self.httpStatus = httpStatus
        self.message = message
        self.reason = reason
    }

    public func ecsError(requestId: String = "") -> ECSError {
        ECSError(code: code, message: message, httpStatus: httpStatus, requestId: requestId)
    }

    public var description: String { "\(parameter): \(reason) (\(code))" }
}

extension ImportImageViolation {
    static func missing(_ rule: Rule, _ parameter: String, code: String = "MissingParameter", status: Int = 400) -> Self {
        Self(rule: rule, parameter: parameter, code: code, httpStatus: status,
             message: "The input parameter \"\(parameter)\" that is mandatory for processing this request is not supplied.",
             reason: "is required")
    }

    static func invalid(_ rule: Rule, _ parameter: String, _ reason: String) -> Self {
        Self(rule: rule, parameter: parameter, code: "InvalidParameter",
             message: "The specified parameter \"\(parameter)\" is not valid.", reason: reason)
    }

    static func imageName(_ rule: Rule, _ reason: String) -> Self {
        Self(rule: rule, parameter: "ImageName", code: "InvalidImageName.Malformed",
             message: "The specified Image name is wrongly formed.", reason: reason)
    }

    static func description(_ rule: Rule, _ reason: String) -> Self {
        Self(rule: rule, parameter: "Description", code: "InvalidDescription.Malformed",
             message: "The specified description is wrongly formed.", reason: reason)
    }

    static func malformedEnum(_ rule: Rule, _ parameter: String, code: String, value: String, allowed: [String]) -> Self {
        Self(rule: rule, parameter: parameter, code: code,
             message: "The specified \(parameter) is wrongly formed.",
             reason: "\"\(value)\" is not one of \(allowed.joined(separator: ", "))")
    }

    static func diskSize(_ rule: Rule, index: Int, parameter: String, _ reason: String) -> Self {
        Self(rule: rule, parameter: parameter, code: index == 1 ? "InvalidImageSize" : "InvalidDataDiskSize",
             message: "The specified \(parameter) should be in the specified range.", reason: reason)
    }

    static func tagKey(_ rule: Rule, _ index: Int, _ reason: String) -> Self {
        Self(rule: rule, parameter: "Tag.\(index).Key", code: "InvalidTagKey.Malformed",
             message: "The specified Tag.n.Key is not valid.", reason: reason)
    }

    static func tagValue(_ rule: Rule, _ index: Int, _ reason: String) -> Self {
        Self(rule: rule, parameter: "Tag.\(index).Value", code: "InvalidTagValue.Malformed",
             message: "The specified Tag.n.Value is not valid.", reason: reason)
    }

    static func tagCount(_ parameter: String) -> Self {
        Self(rule: .tagIndex, parameter: parameter, code: "NumberExceed.Tags",
             message: "The Tags parameter's number is exceed , Valid : \(ImportImageVocabulary.maxTags)",
             reason: "at most \(ImportImageVocabulary.maxTags) tags (Tag.1 … Tag.\(ImportImageVocabulary.maxTags))")
    }
}
