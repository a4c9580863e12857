import Foundation

/// OSS accepts the credentials (a signed GetBucketInfo, or ListBuckets without a bucket), and the
/// bucket exists and takes uploads: a multipart upload is initiated under the configured prefix
/// and aborted at once, which needs the same permissions an upload does and leaves nothing behind.
enum DoctorOSSChecks {
    static func run(_ context: inout DoctorContext) async -> [DoctorResult] {
        guard context.oss != nil else {
            return [.skip("oss.auth", "OSS signature", "needs settings that resolve"),
                    .skip("oss.bucket", "bucket", "needs settings that resolve")]
        }
        guard context.ossAnswered else {
            return [.skip("oss.auth", "OSS signature", "needs the OSS endpoint to answer"),
                    .skip("oss.bucket", "bucket", "needs the OSS endpoint to answer")]
        }
        guard let client = context.ossClient(), let oss = context.oss else {
            return [.skip("oss.auth", "OSS signature", "needs credentials"), .skip("oss.bucket", "bucket", "needs credentials")]
        }
        let timeout = context.timeout
        let authCheck = DoctorCheck(id: "oss.auth", title: "OSS signature", timeout: timeout,
                                    timeoutFix: "check the network path to \(oss.endpoint.host)")
        let (auth, bucketSeen) = await authCheck.measure { () -> (DoctorResult, Bool?) in
            await signedProbe(client, bucket: oss.bucket, timeout: timeout)
        }
        guard let bucket = oss.bucket else {
            return [auth, .skip("oss.bucket", "bucket", "no bucket configured (--bucket, HOIST_BUCKET or [oss] bucket); "
                                + "uploads then name it in oss://BUCKET/KEY")]
        }
        guard auth.status != .fail else { return [auth, .skip("oss.bucket", "bucket", "needs OSS to accept the signature")] }
        if bucketSeen == false {
            context.bucketFailed = true
            return [auth, .fail("oss.bucket", "bucket", "\(bucket) does not exist at \(oss.endpoint.host)",
                                fix: "create it in region \(oss.region) (ossutil mb oss://\(bucket)), or correct --bucket, "
                                    + "HOIST_BUCKET or [oss] bucket, and the endpoint or region")]
        }
        let writeCheck = DoctorCheck(id: "oss.bucket", title: "bucket", timeout: timeout,
                                     timeoutFix: "check the network path to \(oss.endpoint.host)")
        let written = await writeCheck.run { await writeProbe(client, oss: oss, bucket: bucket) }
        context.bucketFailed = written.status == .fail
        return [auth, written]
    }

    /// The signature line, and whether the bucket exists (nil: not learnt).
    static func signedProbe(_ client: OSSClient, bucket: String?, timeout: Double) async -> (DoctorResult, Bool?) {
        let call = OSSClient.Call(method: "GET", bucket: bucket, key: nil, query: bucket == nil ? [] : [("bucketInfo", "")],
                                  timeout: timeout)
        let what = bucket == nil ? "ListBuckets" : "GetBucketInfo"
        do {
            _ = try await client.perform(call)
            return (.pass("oss.auth", "OSS signature", "\(what) accepted the signature"), true)
        } catch let error as OSSError {
            switch error.code {
            case "NoSuchBucket":
                return (.pass("oss.auth", "OSS signature", "\(what) answered NoSuchBucket (the signature is checked "
                              + "once the bucket exists)"), false)
            case "AccessDenied":
                return (.pass("oss.auth", "OSS signature", "accepted; \(what) itself is not permitted to these "
                              + "credentials (uploads do not need it)"), nil)
            case OSSError.notFromOSS:
                return (.fail("oss.auth", "OSS signature", error.message,
                              fix: "check the endpoint URL, and whether a proxy intercepts the request"), nil)
            default:
                let fix = UploadFailure.hint(for: error) ?? "see the OSS error code \(error.code) in the OSS documentation"
                return (.fail("oss.auth", "OSS signature", "\(what) refused: \(error.code) (HTTP \(error.httpStatus))",
                              fix: fix), nil)
            }
        } catch let error as TransportError {
            let (detail, fix) = DoctorTransportFailure.explain(error, service: "OSS", authority: client.endpoint.host)
            return (.fail("oss.auth", "OSS signature", detail, fix: fix), nil)
        } catch {
            return (.fail("oss.auth", "OSS signature", String(describing: error), fix: "check the OSS endpoint"), nil)
        }
    }

    /// Initiate and abort one multipart upload under the prefix.
    static func writeProbe(_ client: OSSClient, oss: HoistSettings, bucket: String) async -> DoctorResult {
        var prefix = oss.prefix
        if !prefix.isEmpty, !prefix.hasSuffix("/") { prefix += "/" }
        let key = prefix + ".hoist-doctor-" + UUID().uuidString.lowercased().prefix(8)
        let upload: OSSInitiatedUpload
        do {
            upload = try await client.initiateMultipartUpload(bucket: bucket, key: key)
        } catch let error as OSSError {
            let fix: String
            switch error.code {
            case "AccessDenied":
                fix = "grant the RAM identity oss:PutObject, oss:ListParts and oss:AbortMultipartUpload on "
                    + "acs:oss:*:*:\(bucket)/\(prefix)*"
            case "NoSuchBucket":
                fix = "create the bucket in region \(oss.region) (ossutil mb oss://\(bucket)), or correct the bucket name"
            default:
                fix = UploadFailure.hint(for: error) ?? "see the OSS error code \(error.code) in the OSS documentation"
            }
            return .fail("oss.bucket", "bucket", "\(bucket): InitiateMultipartUpload refused: \(error.code)", fix: fix)
        } catch {
            return .fail("oss.bucket", "bucket", "\(bucket): InitiateMultipartUpload failed: \(error)",
                         fix: "check the network path to \(oss.endpoint.host)")
        }
        do {
            try await client.abortMultipartUpload(bucket: bucket, key: key, uploadId: upload.uploadId)
        } catch {
            return .warn("oss.bucket", "bucket", "\(bucket) takes uploads, but the probe upload \(upload.uploadId) of "
                         + "\(key) could not be aborted (\(error))",
                         fix: "grant oss:AbortMultipartUpload; abort it with: ossutil rm -m oss://\(bucket)/\(key)")
        }
        return .pass("oss.bucket", "bucket", "\(bucket) exists and takes uploads under \(prefix.isEmpty ? "/" : prefix) "
                     + "(multipart upload initiated and aborted)")
    }
}
