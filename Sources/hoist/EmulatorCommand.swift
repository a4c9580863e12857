import ArgumentParser
import Foundation
import HoistCore
import HoistEmulator
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// `hoist emulator`: runs the local OSS and ECS emulator until SIGTERM/SIGINT.
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Run the local OSS and ECS emulator (the ground truth for tests and benchmarks).",
        discussion: """
        Serves the OSS multipart API over HTTP/1.1 with real XML, error codes,
        CRC-64 headers and strict V1/V4 signature checks. Address buckets
        path-style (http://127.0.0.1:PORT/BUCKET/KEY) or virtual-hosted
        (Host: BUCKET.anything).

        The same port serves the ECS RPC API an image import uses (ImportImage,
        DescribeImages, DescribeTasks, DescribeTaskAttribute, CancelTask): point
        an ECS client's endpoint at http://127.0.0.1:PORT. Both ECS signatures
        (ACS3-HMAC-SHA256 and RPC v1 HMAC-SHA1) are checked against the same
        keys as OSS. ImportImage reads the object from this emulator's buckets;
        the image then goes Creating -> Available over --ecs-import-seconds.

        When ready it prints exactly one stdout line:

          hoist-emulator listening on http://127.0.0.1:PORT

        Logs go to stderr. SIGTERM or SIGINT shuts it down cleanly (exit 0).

        Faults can also be changed while it runs, as JSON under /_hoist/admin/
        on the same port (no auth):
          POST   /_hoist/admin/faults        add rules, e.g.
                 {"errors":[{"operation":"UploadPart","rate":0.1,"status":500}]}
          PUT    /_hoist/admin/faults        replace all rules
          GET|DELETE /_hoist/admin/faults    read | clear
          POST   /_hoist/admin/faults        {"networkDown":true} pulls the network
                 (connections reset, requests refused) until {"networkDown":false}
          GET    /_hoist/admin/counters      requests, statuses, bytes, parts
          POST   /_hoist/admin/counters/reset
          GET    /_hoist/admin/uploads       open uploads and their parts
          POST   /_hoist/admin/uploads/ID/expire
          POST   /_hoist/admin/uploads/ID/delete-parts   {"parts":[1,3]}
          GET    /_hoist/admin/ecs           ECS settings, counters and images
          GET|PUT|POST /_hoist/admin/ecs/settings   e.g. {"importSeconds":2}
          POST   /_hoist/admin/ecs/import-role/revoke   (and .../grant)
          GET    /_hoist/admin/ecs/images
          POST   /_hoist/admin/ecs/images/IMAGE_ID/fail  {"reason":"..."}
          POST   /_hoist/admin/ecs/images/IMAGE_ID/finish  (Available now)
          DELETE /_hoist/admin/ecs/images/IMAGE_ID
          GET    /_hoist/admin/ecs/counters  imports, images created, replays
          GET    /_hoist/admin/sts           STS settings, temporary credentials issued
          POST   /_hoist/admin/sts/settings  e.g. {"lifetimeSeconds":5}
          POST   /_hoist/admin/sts/credentials  {"accessKeyId":..,"accessKeySecret":..,
                 "securityToken":..,"expiresInSeconds":60}
          POST   /_hoist/admin/sts/credentials/ID/expire

        The same port serves STS AssumeRole (signed like ECS) and
        AssumeRoleWithOIDC; the credentials they issue are accepted by OSS and
        ECS until they expire, then refused with SecurityTokenExpired (OSS) and
        InvalidSecurityToken.Expired (ECS). --metadata-port adds the ECS instance
        metadata service (IMDSv2 token, RAM role credentials) on its own port,
        logged on stderr.

        Examples:
          hoist emulator --port 9000 --bucket images \\
              --access-key-id AK --access-key-secret SK
          HOIST_EMULATOR_ACCESS_KEY_ID=AK HOIST_EMULATOR_ACCESS_KEY_SECRET=SK \\
              hoist emulator --bucket images
          hoist emulator --bucket images --access-keys-file keys.txt
          hoist emulator --discard --no-auth --bucket bench
          hoist emulator --no-auth --bucket b \\
              --fail UploadPart:0.1:500:InternalError \\
              --latency CompleteMultipartUpload:2000
          hoist emulator --no-auth --bucket images \\
              --ecs-import-seconds 30 --ecs-fail-imports 1
        """
    )

    @Option(help: "Port to listen on; 0 picks a free port.")
    var port: Int = 9000

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: ArgumentHelp("Directory for part and object data (default: a temporary directory removed at exit).", valueName: "dir"))
    var data: String?

    @Flag(help: "Keep no data, only sizes and CRCs (for throughput benchmarks; GetObject answers 501).")
    var discard = false

    @Flag(help: "In --discard mode, still compute MD5 for every body (real ETags, more CPU).")
    var discardMd5 = false

    @Option(name: .customLong("bucket"), help: "A bucket that exists from the start (repeatable).")
    var buckets: [String] = []

    @Option(name: .customLong("access-key-id"), help: "An accepted AccessKeyId (repeatable; pairs with --access-key-secret in order).")
    var accessKeyIds: [String] = []

    @Option(name: .customLong("access-key-secret"), help: "The secret of the AccessKeyId at the same position.")
    var accessKeySecrets: [String] = []

    @Option(help: "An STS security token required with the last --access-key-id.")
    var securityToken: String?

    @Option(help: ArgumentHelp("A file of accepted keys, one 'ID SECRET [TOKEN]' per line (keeps secrets out of ps).",
                               valueName: "path"))
    var accessKeysFile: String?

    @Option(help: "Region id used in V4 scopes and bucket info.")
    var region: String = "cn-hangzhou"

    @Option(help: "Minimum size in bytes of every part but the last at CompleteMultipartUpload.")
    var minPartSize: Int = 102_400

    @Flag(help: "Accept every request without checking signatures.")
    var noAuth = false

    @Option(name: .customLong("fail"), help: ArgumentHelp(
        "Error fault OP:RATE[:STATUS[:CODE]], e.g. UploadPart:0.1:500:InternalError (repeatable; OP may be *).",
        valueName: "spec"))
    var failures: [String] = []

    @Option(name: .customLong("fail-next"), help: ArgumentHelp("Fail the next N requests: OP:N[:STATUS[:CODE]] (repeatable).", valueName: "spec"))
    var failNext: [String] = []

    @Option(name: .customLong("slow-down"), help: ArgumentHelp("503 SlowDown with x-oss-qos-delay-time: OP:RATE[:DELAY] (repeatable).", valueName: "spec"))
    var slowDowns: [String] = []

    @Option(name: .customLong("latency"), help: ArgumentHelp("Added latency OP:MILLISECONDS (repeatable).", valueName: "spec"))
    var latencies: [String] = []

    @Option(help: ArgumentHelp("Bandwidth cap for bodies in bytes/s, global to the server.", valueName: "bytes/s"))
    var bandwidth: Int?

    @Flag(help: "Apply --bandwidth per connection instead of globally.")
    var bandwidthPerConnection = false

    @Option(name: .customLong("reset-after"), help: ArgumentHelp("Reset the connection after N body bytes: OP:BYTES[:COUNT] (repeatable).", valueName: "spec"))
    var resets: [String] = []

    @Option(help: ArgumentHelp("Close a connection whose client sends nothing for this long while the server waits on it; 0 never closes.",
                               valueName: "seconds"))
    var idleTimeout: Double = 120

    @Option(help: "Server clock offset in seconds (simulates client clock skew).")
    var clockSkew: Double = 0

    @Option(help: ArgumentHelp("Seconds an ECS import takes from Creating 0% to Available 100%.", valueName: "seconds"))
    var ecsImportSeconds: Double = 5

    @Option(help: ArgumentHelp("Seconds a new ECS image first spends Waiting (queued); 0 skips the state.", valueName: "seconds"))
    var ecsWaitingSeconds: Double = 0

    @Flag(help: "The account lacks the RAM role AliyunECSImageImportDefaultRole: ImportImage answers 403 NoSetRoletoECSServiceAcount.")
    var ecsNoImportRole = false

    @Option(help: ArgumentHelp("The next N ECS imports end in CreateFailed halfway through.", valueName: "n"))
    var ecsFailImports: Int = 0

    @Option(help: ArgumentHelp("ErrorCode:ErrorMsg reported by imports failed through --ecs-fail-imports or the admin endpoint.",
                               valueName: "code:message"))
    var ecsFailureReason: String?

    @Option(help: ArgumentHelp("DiskImageSize ranges ImportImage enforces: current (1-2048 GiB), intermediate (5-500/5-2000) or legacy (5-500/5-1000).",
                               valueName: "range"))
    var ecsDiskSizeRange: String = "current"

    @Flag(help: "Accept Format=VMDK in ImportImage (an invitational preview on the real service).")
    var ecsAcceptVmdk = false

    @Flag(help: "Do not read stored objects to check ImportImage's Format and DiskImageSize against the image bytes.")
    var ecsNoFormatCheck = false

    @OptionGroup(title: "Temporary credentials")
    var credentialOptions: EmulatorCredentialOptions

    func validate() throws {
        if accessKeyIds.count != accessKeySecrets.count {
            throw ValidationError("Give one --access-key-secret for every --access-key-id.")
        }
        if !noAuth, try accessKeys().isEmpty {
            throw ValidationError("Give --access-key-id/--access-key-secret, --access-keys-file, "
                                  + "\(EmulatorAccessKeys.idVariable)/\(EmulatorAccessKeys.secretVariable), "
                                  + "or --no-auth to accept unsigned requests.")
        }
        if discard && data != nil { throw ValidationError("--discard and --data exclude each other.") }
        _ = try faultSettings()
        _ = try ecsSettings()
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let keys = try accessKeys()
        let config = EmulatorConfig(
            host: host, port: port,
            storage: discard ? .discard : data.map { .directory($0) } ?? .temporaryDirectory,
            buckets: buckets, accessKeys: keys, region: region, minPartSize: minPartSize,
            authentication: !noAuth, faults: try faultSettings(), discardComputesMD5: discardMd5, ecs: try ecsSettings(),
            idleTimeoutSeconds: idleTimeout > 0 ? idleTimeout : nil, sts: credentialOptions.stsSettings,
            metadata: credentialOptions.metadata)
        let server = try await EmulatorServer.start(config)
        if let metadata = server.metadataBaseURL {
            FileHandle.standardError.write(Data("hoist-emulator metadata service on \(metadata)\n".utf8))
        }
        // Written straight to fd 1 (unbuffered), so a parent reading the pipe sees it at once.
        FileHandle.standardOutput.write(Data("hoist-emulator listening on \(server.baseURL)\n".utf8))
        await ShutdownSignal.wait()
        try await server.shutdown()
    }

    /// The keys from the flags, then the key file, then the environment.
    func accessKeys() throws -> [OSSAccessKey] {
        var keys = zip(accessKeyIds, accessKeySecrets).map { OSSAccessKey(id: $0, secret: $1) }
        if let token = securityToken, !keys.isEmpty { keys[keys.count - 1].securityToken = token }
        do {
            if let accessKeysFile { keys += try EmulatorAccessKeys.load(file: accessKeysFile) }
            if let key = try EmulatorAccessKeys.fromEnvironment(ProcessInfo.processInfo.environment) { keys.append(key) }
        } catch {
            throw ValidationError(error.description)
        }
        return keys + (try credentialOptions.stsKeys())
    }

    func faultSettings() throws -> FaultSettings {
        var s = FaultSettings(clockSkewSeconds: clockSkew)
        for spec in failures {
            let f = try Self.fields(spec, "--fail", min: 2)
            s.errors.append(ErrorFault(operation: f[0], rate: try Self.number(f[1], spec), status: try f.count > 2 ? Self.int(f[2], spec) : 500,
                                       code: f.count > 3 ? f[3] : "InternalError"))
        }
        for spec in failNext {
            let f = try Self.fields(spec, "--fail-next", min: 2)
            s.errors.append(ErrorFault(operation: f[0], count: try Self.int(f[1], spec), status: try f.count > 2 ? Self.int(f[2], spec) : 500,
                                       code: f.count > 3 ? f[3] : "InternalError"))
        }
        for spec in slowDowns {
            let f = try Self.fields(spec, "--slow-down", min: 2)
            s.errors.append(.slowDown(operation: f[0], rate: try Self.number(f[1], spec), delay: try f.count > 2 ? Self.int(f[2], spec) : 1000))
        }
        for spec in latencies {
            let f = try Self.fields(spec, "--latency", min: 2)
            s.latency.append(LatencyFault(operation: f[0], milliseconds: try Self.int(f[1], spec)))
        }
        for spec in resets {
            let f = try Self.fields(spec, "--reset-after", min: 2)
            s.resets.append(ResetFault(operation: f[0], afterBytes: Int64(try Self.int(f[1], spec)), count: try f.count > 2 ? Self.int(f[2], spec) : nil))
        }
        if let bandwidth { s.bandwidth = BandwidthFault(bytesPerSecond: bandwidth, scope: bandwidthPerConnection ? .connection : .global) }
        return s
    }

    func ecsSettings() throws -> ECSEmulatorSettings {
        guard let range = ECSEmulatorSettings.DiskSizeRange(rawValue: ecsDiskSizeRange) else {
            throw ValidationError("--ecs-disk-size-range must be current, intermediate or legacy.")
        }
        guard ecsImportSeconds >= 0, ecsWaitingSeconds >= 0, ecsFailImports >= 0 else {
            throw ValidationError("--ecs-import-seconds, --ecs-waiting-seconds and --ecs-fail-imports must not be negative.")
        }
        var s = ECSEmulatorSettings(importSeconds: ecsImportSeconds, waitingSeconds: ecsWaitingSeconds,
                                    importRoleMissing: ecsNoImportRole, failNextImports: ecsFailImports,
                                    diskSizeRange: range, acceptsPreviewFormats: ecsAcceptVmdk, checksImageFormat: !ecsNoFormatCheck)
        if let reason = ecsFailureReason {
            let parts = reason.split(separator: ":", maxSplits: 1).map(String.init)
            guard let code = parts.first, !code.isEmpty else { throw ValidationError("--ecs-failure-reason expects CODE[:MESSAGE].") }
            s.failureCode = code
            if parts.count > 1 { s.failureMessage = parts[1] }
        }
        return s
    }

    private static func fields(_ spec: String, _ flag: String, min: Int) throws -> [String] {
        let f = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard f.count >= min, !f[0].isEmpty else { throw ValidationError("\(flag) \(spec): expected OP:VALUE[...]") }
        return f
    }

    private static func number(_ text: String, _ spec: String) throws -> Double {
        guard let v = Double(text) else { throw ValidationError("\(spec): \(text) is not a number") }
        return v
    }

    private static func int(_ text: String, _ spec: String) throws -> Int {
        guard let v = Int(text) else { throw ValidationError("\(spec): \(text) is not an integer") }
        return v
    }
}

/// Waits for SIGTERM or SIGINT, delivered through a dispatch source so the handler is not
/// limited to async-signal-safe calls.
enum ShutdownSignal {
    static func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = OnceFlag()
            var sources: [DispatchSourceSignal] = []
            for sig in [SIGTERM, SIGINT] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler {
                    if once.claim() { continuation.resume() }
                }
                source.resume()
                sources.append(source)
            }
            SignalSources.keep(sources)
        }
    }
}

/// Resumes a continuation at most once, whichever signal comes first.
private final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false
    func claim() -> Bool { lock.lock(); defer { lock.unlock() }; if claimed { return false }; claimed = true; return true }
}

/// Keeps the signal sources alive for the life of the process.
private enum SignalSources {
    nonisolated(unsafe) static var retained: [DispatchSourceSignal] = []
    static func keep(_ sources: [DispatchSourceSignal]) { retained = sources }
}
