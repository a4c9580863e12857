extension ImportTracker {
    /// Runs one ECS call, retrying retryable failures (throttling, 5xx, network) with capped,
    /// jittered back-off. Each attempt is signed afresh (new nonce and timestamp) by the
    /// client; ImportImage's parameters, token included, stay the same. Anything not retryable
    /// is rethrown at once: a wrong secret costs one request, not a storm.
    func retrying<T: Sendable>(_ operation: String, _ call: @Sendable () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await call()
            } catch {
                guard Self.isRetryable(error) else { throw error }
                guard settings.retry.allowsAnotherAttempt(after: attempt) else {
                    throw ImportError.unreachable(operation: operation, attempts: attempt, lastError: Self.summary(error))
                }
                let delay = settings.retry.delay(beforeRetry: attempt)
                emit(.retrying(operation: operation, attempt: attempt + 1, delay: delay, reason: Self.summary(error)))
                try await sleep(delay)
                attempt += 1
            }
        }
    }

    static func isRetryable(_ error: any Error) -> Bool {
        switch error {
        case let e as ECSError: e.isRetryable
        case let e as TransportError: e.isRetryable
        default: false
        }
    }

    /// One line for an event or message; ECS errors go through `operatorMessage`, which keeps
    /// echoed signing material out.
    static func summary(_ error: any Error) -> String {
        switch error {
        case let e as ECSError: e.operatorMessage
        case let e as TransportError: e.description
        default: String(describing: error)
        }
    }
}

extension ECSError {
    /// A refusal that says nothing about the import itself: credentials, signing, clock,
    /// permissions, the RAM role, quotas. The attempt stays open with its token, so a rerun
    /// after the fix continues it instead of needing `hoist retry`.
    var leavesAttemptOpen: Bool {
        if isMissingImportRole || httpStatus == 401 { return true }
        let prefixes = ["InvalidAccessKeyId", "SignatureDoesNotMatch", "IncompleteSignature", "InvalidSecurityToken",
                        "InvalidTimeStamp", "IllegalTimestamp", "SignatureNonceUsed", "Forbidden", "InvalidAction",
                        "UnsupportedHTTPMethod", "UserNotInTheWhiteList", "QuotaExceed", "ImageIsImporting"]
        return prefixes.contains { code.hasPrefix($0) }
    }

    /// One sentence for a person, with what to do where Hoist knows it. ECS echoes its string
    /// to sign in `SignatureDoesNotMatch`, which can contain an STS token, so that message is
    /// never passed on.
    public var operatorMessage: String {
        if isMissingImportRole { return actionableMessage }
        switch code {
        case "SignatureDoesNotMatch":
            return "ECS rejected the request signature: the AccessKey secret does not match the AccessKey ID "
                + "(check ALIBABA_CLOUD_ACCESS_KEY_SECRET) (\(code))"
        case let c where c.hasPrefix("InvalidAccessKeyId"):
            return "ECS does not accept the AccessKey ID: it is unknown or disabled (check ALIBABA_CLOUD_ACCESS_KEY_ID) (\(code))"
        case let c where c.hasPrefix("InvalidSecurityToken"):
            return "ECS rejected the STS security token: it is expired or does not belong to the AccessKey ID; "
                + "fetch fresh STS credentials (\(code))"
        case "InvalidTimeStamp.Expired", "IllegalTimestamp":
            return "ECS rejected the request time: the host clock is off; synchronise it (chrony, systemd-timesyncd) (\(code))"
        case let c where c.hasPrefix("Forbidden"):
            return "the RAM user may not call this ECS API: grant it ecs:ImportImage, ecs:DescribeImages, "
                + "ecs:DescribeTasks, ecs:DescribeTaskAttribute and ecs:CancelTask (\(code): \(message))"
        case "IdempotentParameterMismatch":
            return "ECS already holds this job's ClientToken with other parameters, so it will not start a second import "
                + "under it; run `hoist retry JOB` to import again with a new token (\(code))"
        case "InvalidImageName.Duplicated":
            return "an image with this name already exists and could not be adopted (it is not importing or available); "
                + "choose another --image-name or delete the old image (\(code))"
        case "InvalidOSSObject.NotFound", "InvalidOSSBucket.NotFound", "InvalidOSSBucket.NotMatched":
            return "ECS cannot find the object: the bucket must be in the import's region and the key must exist "
                + "(\(code): \(message))"
        default:
            let text = message.range(of: "string to sign").map { String(message[..<$0.lowerBound]) } ?? message
            return "\(code): \(text)"
        }
    }
}
