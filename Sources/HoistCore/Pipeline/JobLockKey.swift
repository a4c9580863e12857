import Foundation

/// What a job lock is named after: the destination object, `bucket`/`key` in one OSS service.
///
/// Keyed by the object rather than by the job, so two runs never upload to (or import) one
/// object at the same time, whatever their sources, users or state directories; one job is one
/// object, so two runners of the same job exclude each other too. Every command that can run a
/// job (`hoist upload`, `hoist upload --import`, `hoist import`, the agent) knows the object
/// before it has a job id; the key is the one given, so a templated key locks its template.
///
/// The service: bucket names are global in Alibaba Cloud OSS, so every `*.aliyuncs.com`
/// endpoint (public, internal, accelerated) is one namespace; any other server (the emulator,
/// an OSS-compatible store) is its own, named by its host and port.
///
/// The file name is a hash, because a key may be longer than a file name may be, and may
/// contain any byte. A collision would only make two jobs wait for each other, never let two
/// runners into one object. `sourcePath` names the run in messages; it is not part of the key.
public struct JobLockKey: Sendable, Hashable, CustomStringConvertible {
    public var sourcePath: String
    public var bucket: String
    public var key: String
    /// The OSS service (see above); "" when unknown.
    public var service: String

    public init(sourcePath: String, bucket: String, key: String, endpoint: String = "") {
        self.sourcePath = sourcePath
        self.bucket = bucket
        self.key = key
        self.service = Self.service(ofEndpoint: endpoint)
    }

    /// The lock of a journaled job: named after the key as it was given (its template), the
    /// same text the run that created it locked.
    public init(job: JobRecord) {
        self.init(sourcePath: job.sourcePath, bucket: job.bucket, key: job.keyTemplate ?? job.key, endpoint: job.endpoint)
    }

    /// `aliyuncs` for Alibaba Cloud's endpoints, else `host:port` (lower-cased).
    static func service(ofEndpoint endpoint: String) -> String {
        var rest = Substring(endpoint.lowercased())
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        let host = String(rest.prefix { $0 != "/" })
        let name = host.split(separator: ":").first.map(String.init) ?? host
        return name == "aliyuncs.com" || name.hasSuffix(".aliyuncs.com") ? "aliyuncs" : host
    }

    /// `object-` and 32 hex digits of SHA-256 over service, bucket and key, NUL-separated (no
    /// field can contain NUL, so distinct triples give distinct inputs).
    public var fileName: String { HostLock.fileName("object", for: "\(service)\0\(bucket)\0\(key)") }

    public static func == (a: JobLockKey, b: JobLockKey) -> Bool {
        a.service == b.service && a.bucket == b.bucket && a.key == b.key
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(service)
        hasher.combine(bucket)
        hasher.combine(key)
    }

    public var description: String { "oss://\(bucket)/\(key)" }
}
