import Foundation

/// `hoist doctor`: every check Hoist can make of its setup before a real upload, in the order a
/// person would fix them (config, credentials, network, OSS, ECS, host), one line each.
///
/// Checks that need what an earlier one failed to produce are skipped, naming what they need,
/// so one cause gives one failure. Every check is bounded by `timeout` seconds, so the whole run
/// ends even when a server never answers. The only change doctor makes anywhere is one
/// multipart upload, initiated and aborted at once; it opens no journal and creates no directory.
/// Agent checks live with the agent (`HoistAgent`) and are appended by the command.
public struct Doctor: Sendable {
    public var options: RuntimeOptions
    /// Seconds each check may take.
    public var timeout: Double

    public static let defaultTimeout: Double = 15

    public init(options: RuntimeOptions, timeout: Double = Doctor.defaultTimeout) {
        self.options = options
        self.timeout = timeout
    }

    public func run() async -> DoctorReport {
        var context = DoctorContext(options: options, timeout: timeout)
        var results = DoctorConfigChecks.run(&context)
        let proxies = DoctorProxyEnvironment(environment: options.environment)
        results.append(proxies.result())
        let transportOptions = DoctorCABundle.transportOptions(timeout: timeout, caFile: context.settings?.caFile)
        results.append(DoctorCABundle.result(transportOptions, needsTLS: needsTLS(context)))
        if context.settings != nil {
            do {
                context.transport = try Transport(options: transportOptions)
            } catch {
                results.append(.fail("transport", "HTTP transport", "libcurl could not start: \(error)",
                                     fix: "reinstall libcurl (apt-get install --reinstall libcurl4)"))
            }
        }
        defer { context.transport?.shutdown() }
        // After the transport: temporary credentials are fetched over it (STS, metadata, URI).
        results += await DoctorCredentialCheck.run(&context)
        results += await DoctorEndpointCheck.run(&context)
        results += await DoctorOSSChecks.run(&context)
        results += await DoctorECSChecks.run(context)
        results.append(DoctorStateDirectoryCheck.run(context))
        return DoctorReport(checks: results)
    }

    /// Whether any configured endpoint is https (then a CA bundle is required).
    private func needsTLS(_ context: DoctorContext) -> Bool {
        guard let oss = context.oss else { return true }
        if oss.endpoint.scheme == "https" { return true }
        guard let ecs = try? context.settings?.ecsEndpoint(region: oss.region) else { return true }
        return ecs.scheme == "https"
    }
}
