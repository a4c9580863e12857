/// Why an upload stopped, as one sentence an operator can act on, plus a category the CLI maps
/// to an exit code. Nothing here carries a secret: OSS errors keep code, message and request id.
public enum UploadFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The source path cannot be opened or is not a regular file.
    case sourceUnusable(path: String, reason: String)
    /// The source file is empty: there is nothing to upload.
    case emptySource(path: String)
    /// The source changed while it was being sent; the upload was aborted, nothing was completed.
    case sourceChangedDuringUpload(path: String, reason: String)
    /// The source was removed, or replaced by a new file, while it was being sent; the upload of
    /// the old file was aborted and nothing was completed. A replacement is a new file: a new job.
    case sourceGoneDuringUpload(path: String, SourceGone)
    /// The file is too large, or the part size is out of range.
    case plan(PartPlanError)
    /// OSS refused a request in a way retrying cannot fix.
    case rejected(OSSError, operation: String)
    /// The network stayed unusable for longer than `--give-up-after`.
    case gaveUp(operation: String, seconds: Double, lastError: String)
    /// A failure below HTTP that retrying cannot fix (TLS trust, a malformed endpoint).
    case transport(TransportError, operation: String)
    /// The completed object does not match the parts that were sent. Nothing is imported; the
    /// journal keeps the parts and CRCs for inspection.
    case objectMismatch(location: String, expectedSize: Int64, actualSize: Int64,
                        expectedCRC64: UInt64, actualCRC64: UInt64?)
    /// Something other than OSS answered, the same way several times: a proxy that demands
    /// authentication (HTTP 407), or a web server at the endpoint that is not OSS.
    case notOSS(operation: String, status: Int)
    /// OSS answered without `x-oss-hash-crc64ecma`, so what it stored cannot be checked against
    /// what was sent. Not a network problem and not retried.
    case crcHeaderMissing(operation: String)
    /// CompleteMultipartUpload kept refusing the part list although ListParts backs every part.
    case completeKeepsRefusingParts(times: Int, lastError: String)
    /// The upload ID kept disappearing (expired or aborted by someone else) on every attempt.
    case uploadKeepsVanishing(times: Int)
    /// Stopped by Ctrl-C or SIGTERM; the journal holds every finished part.
    case interrupted
    /// The journal file failed: a full disk, damage, permissions (`JournalStorageError`).
    case journal(JournalStorageError)
    /// The process or the system has no file descriptor left (EMFILE, ENFILE) to open the source.
    case outOfDescriptors(path: String, reason: String)
    /// Another local failure.
    case local(String)

    /// Coarse classes for exit codes and for the agent's choice of `failed/` versus retry.
    public enum Category: String, Sendable, Equatable {
        case source, credentials, service, network, integrity, unverifiable, interrupted, other
    }

    public var category: Category {
        switch self {
        case .sourceUnusable, .emptySource, .sourceChangedDuringUpload, .sourceGoneDuringUpload, .plan: .source
        case .rejected(let error, _): Self.isCredentialProblem(error.code) ? .credentials : .service
        case .gaveUp, .transport: .network
        case .objectMismatch: .integrity
        case .uploadKeepsVanishing, .notOSS, .completeKeepsRefusingParts: .service
        case .crcHeaderMissing: .unverifiable
        case .interrupted: .interrupted
        case .local, .journal, .outOfDescriptors: .other
        }
    }

    /// A fault of the host that passes by itself or by an operator's hand, not of the image: the
    /// journal's disk is full. The agent waits it out like a network outage; nothing is failed.
    public var isHostFault: Bool {
        switch self {
        case .journal(let error): error.kind == .full
        case .outOfDescriptors: true
        default: false
        }
    }

    static func isCredentialProblem(_ code: String) -> Bool {
        ["AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidSecurityToken",
         "SecurityTokenExpired", "RequestTimeTooSkewed"].contains(code)
    }

    public var description: String {
        switch self {
        case let .sourceUnusable(path, reason):
            return "cannot upload \(path): \(reason)"
        case let .emptySource(path):
            return "cannot upload \(path): the file is empty"
        case let .sourceChangedDuringUpload(path, reason):
            return "\(path) changed during the upload (\(reason)); the upload was stopped and no object was "
                + "written. Run the command again once the file is no longer being written"
        case .sourceGoneDuringUpload(let path, .removed):
            return "\(path) was removed during the upload; the upload was stopped and no object was written"
        case let .sourceGoneDuringUpload(path, .replaced(detail)):
            return "\(path) was replaced by a new file during the upload (\(detail)); the upload of the old file was "
                + "stopped and no object was written. The new file is a new job: run the command again to upload it"
        case let .plan(error):
            return error.description
        case let .rejected(error, operation):
            var text = "\(operation) failed: \(error.description)"
            if let hint = Self.hint(for: error) { text += "\nhint: \(hint)" }
            return text
        case let .gaveUp(operation, seconds, lastError):
            return "gave up after \(Self.seconds(seconds)) of failures in \(operation): \(lastError). "
                + "Finished parts are journaled; run the same command again to resume"
        case let .transport(error, operation):
            return "\(operation) failed: \(error.description)"
        case let .objectMismatch(location, expectedSize, actualSize, expectedCRC, actualCRC):
            let actual = actualCRC.map(String.init) ?? "missing"
            return "the object \(location) does not match what was sent: size \(actualSize) "
                + "(expected \(expectedSize)), CRC-64 \(actual) (expected \(expectedCRC)). The journal is kept "
                + "for inspection; delete the object and upload again"
        case let .notOSS(operation, 407):
            return "\(operation): a proxy between this host and OSS demands authentication (HTTP 407). Put the "
                + "proxy credentials in https_proxy (http://user:password@proxy:port), or exempt the OSS endpoint "
                + "with no_proxy"
        case let .notOSS(operation, status):
            return "\(operation): the endpoint is not OSS: it answered HTTP \(status) without an OSS request id, "
                + "several times. Check --endpoint and --region, and any proxy (https_proxy, no_proxy)"
        case let .crcHeaderMissing(operation):
            return "OSS answered \(operation) without the x-oss-hash-crc64ecma header, so the parts cannot be "
                + "verified and nothing is trusted. Something on the way (a gateway or proxy) strips response "
                + "headers, or the endpoint is not OSS; finished parts are journaled, run the same command again "
                + "once the path is fixed"
        case let .completeKeepsRefusingParts(times, lastError):
            return "CompleteMultipartUpload refused the part list \(times) times although ListParts shows every "
                + "part: \(lastError). The journal is kept; run the same command again to retry"
        case let .uploadKeepsVanishing(times):
            return "the multipart upload disappeared \(times) times in a row (expired or aborted by another "
                + "client); check lifecycle rules on the bucket"
        case .interrupted:
            return "interrupted; finished parts are journaled, run the same command again to resume"
        case let .journal(error):
            return error.description
        case let .outOfDescriptors(path, reason):
            return "cannot open \(path): \(reason); too many files are open on this host. Close some, or raise the limit "
                + "(LimitNOFILE=, ulimit -n), and run the same command again"
        case let .local(reason):
            return reason
        }
    }

    /// What an operator should check for an OSS refusal.
    static func hint(for error: OSSError) -> String? {
        switch error.code {
        case "InvalidAccessKeyId":
            "the access key id is unknown or disabled; check ALIBABA_CLOUD_ACCESS_KEY_ID"
        case "SignatureDoesNotMatch":
            "the access key secret is probably wrong; check ALIBABA_CLOUD_ACCESS_KEY_SECRET "
                + "(with V4 signing also the region)"
        case "AccessDenied":
            "the credentials lack permission for this bucket or key (oss:PutObject, oss:ListParts, "
                + "oss:AbortMultipartUpload); check the RAM policy"
        case "InvalidSecurityToken", "SecurityTokenExpired":
            "the STS token is invalid or expired; refresh ALIBABA_CLOUD_SECURITY_TOKEN"
        case "NoSuchBucket":
            "the bucket does not exist at this endpoint; check the bucket name, --endpoint and --region"
        case "RequestTimeTooSkewed":
            "the local clock is far off; synchronise it (chrony, systemd-timesyncd)"
        case "EntityTooSmall":
            "a part is below the service minimum; use a larger --part-size"
        default:
            nil
        }
    }

    static func seconds(_ value: Double) -> String {
        value >= 120 ? "\(Int(value / 60)) min" : "\(Int(value.rounded())) s"
    }
}
