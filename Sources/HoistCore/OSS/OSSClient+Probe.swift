/// The cheap request `NetworkHealth` probes with while the network is down.
extension OSSClient {
    /// Whether OSS answers at all: one signed GetBucketInfo with a short timeout. Any answer that
    /// carries an OSS request id proves the path to OSS works, errors included (a write-only RAM
    /// policy answers `AccessDenied`); a failure below HTTP or an answer from something that is
    /// not OSS (a proxy, a captive portal) does not.
    public func isReachable(bucket: String, timeout: Double) async -> Bool {
        let call = Call(method: "GET", bucket: bucket, key: nil, query: [("bucketInfo", "")], timeout: timeout)
        do {
            _ = try await perform(call)
            return true
        } catch let error as OSSError {
            return RetryPolicy.isAnswerFromOSS(error)
        } catch {
            return false
        }
    }
}
