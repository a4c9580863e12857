import Foundation

/// What the checks of one `hoist doctor` run learn and hand on, in the order they run: the
/// settings (config check), the credentials (credential check), the server's clock (endpoint
/// check), whether the bucket answers (OSS checks). A later check that lacks what it needs
/// reports `.skip` naming the check to fix first, instead of failing a second time for the
/// same cause.
struct DoctorContext: Sendable {
    let options: RuntimeOptions
    /// Seconds each check may take.
    let timeout: Double
    var settings: RuntimeSettings?
    /// The resolved OSS settings (endpoint, region, bucket, prefix).
    var oss: HoistSettings?
    var credentials: Credentials?
    /// Created once the settings are known; shut down at the end of the run.
    var transport: Transport?
    /// Seconds the server's clock is ahead of this host's (negative: behind). Signing uses it
    /// so one wrong clock is reported once, by the clock check, not by every signed call.
    var serverSkew: Double?
    /// The OSS endpoint answered over HTTP: the signed OSS checks are worth making.
    var ossAnswered = false
    /// The bucket check failed: the ImportImage dry run, which reads from it, is skipped.
    var bucketFailed = false

    init(options: RuntimeOptions, timeout: Double) {
        self.options = options
        self.timeout = timeout
    }

    /// An OSS client on the doctor's transport, signing with the server's clock.
    func ossClient() -> OSSClient? {
        guard let oss, let credentials, let transport else { return nil }
        let client = OSSClient(endpoint: oss.endpoint, signer: OSSRequestSigner(version: oss.signatureVersion, region: oss.region),
                               transport: transport, credentials: { credentials })
        client.clockOffset = serverSkew ?? 0
        return client
    }

    /// An ECS client for the OSS region (an import's region is the bucket's), signing with the
    /// server's clock, its requests bounded by the check timeout.
    func ecsClient() throws(HoistRuntimeError) -> ECSClient? {
        guard let settings, let oss, let credentials, let transport else { return nil }
        let endpoint = try settings.ecsEndpoint(region: oss.region)
        let skew = serverSkew ?? 0
        let configuration = ECSClient.Configuration(regionId: oss.region, endpoint: endpoint, timeout: timeout,
                                                    validator: nil, clock: { Date().addingTimeInterval(skew) })
        return ECSClient(configuration: configuration, credentials: credentials, transport: transport)
    }
}
