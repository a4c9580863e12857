/// Faults the emulator injects, as plain data: set at start (`EmulatorConfig.faults`, CLI flags),
/// replaced at run time over `PUT /_hoist/admin/faults`, or edited in-process through
/// `FaultInjector`. Every field is optional in JSON, so `{"clockSkewSeconds": 1200}` is a valid
/// document.
///
/// Operation names are the OSS API names (`UploadPart`, `CompleteMultipartUpload`, ...) or `*`.
public struct FaultSettings: Codable, Sendable, Equatable {
    /// Error responses, by rate and/or count.
    public var errors: [ErrorFault] = []
    /// Added latency before a request is handled.
    public var latency: [LatencyFault] = []
    /// A bandwidth cap on request and response bodies.
    public var bandwidth: BandwidthFault?
    /// Abrupt connection resets in the middle of a request body.
    public var resets: [ResetFault] = []
    /// Seconds added to the server clock (signature time checks and the `Date` header).
    public var clockSkewSeconds: Double = 0
    /// Response headers removed from matching answers (a server or proxy that drops them).
    public var strippedHeaders: [HeaderStripFault] = []
    /// The network between clients and the emulator is down, as a pulled cable or a lost route
    /// looks to a client: every open connection is reset when it goes down, and while it stays
    /// down every request to OSS or ECS is reset as soon as its head arrives, before any answer
    /// (the head is read only so the admin endpoint, on the same port, still answers and can
    /// bring the network back). Setting it false, or clearing the faults, restores the network.
    public var networkDown: Bool = false

    public init(errors: [ErrorFault] = [], latency: [LatencyFault] = [], bandwidth: BandwidthFault? = nil,
                resets: [ResetFault] = [], clockSkewSeconds: Double = 0, strippedHeaders: [HeaderStripFault] = [],
                networkDown: Bool = false) {
        self.errors = errors
        self.latency = latency
        self.bandwidth = bandwidth
        self.resets = resets
        self.clockSkewSeconds = clockSkewSeconds
        self.strippedHeaders = strippedHeaders
        self.networkDown = networkDown
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        errors = try c.decodeIfPresent([ErrorFault].self, forKey: .errors) ?? []
        latency = try c.decodeIfPresent([LatencyFault].self, forKey: .latency) ?? []
        bandwidth = try c.decodeIfPresent(BandwidthFault.self, forKey: .bandwidth)
        resets = try c.decodeIfPresent([ResetFault].self, forKey: .resets) ?? []
        clockSkewSeconds = try c.decodeIfPresent(Double.self, forKey: .clockSkewSeconds) ?? 0
        strippedHeaders = try c.decodeIfPresent([HeaderStripFault].self, forKey: .strippedHeaders) ?? []
        networkDown = try c.decodeIfPresent(Bool.self, forKey: .networkDown) ?? false
    }
}

/// Answers matching requests with an error instead of handling them.
///
/// With `count` the rule fires for the next `count` matching requests and then disappears
/// ("fail the next N UploadParts"); without it, it stays. `rate` is the probability per matching
/// request (default 1). A `qosDelayTime` adds `x-oss-qos-delay-time`, as OSS does when throttling.
/// With `foreign` the answer is not OSS's at all: an HTML page without `x-oss-request-id`, as a
/// proxy, a captive portal or another web server at the endpoint sends (e.g. 407 or 404).
public struct ErrorFault: Codable, Sendable, Equatable {
    public var operation: String
    public var rate: Double?
    public var count: Int?
    public var status: Int
    public var code: String
    public var message: String?
    public var qosDelayTime: Int?
    public var foreign: Bool?

    public init(operation: String, rate: Double? = nil, count: Int? = nil, status: Int = 500,
                code: String = "InternalError", message: String? = nil, qosDelayTime: Int? = nil,
                foreign: Bool? = nil) {
        self.operation = operation
        self.rate = rate
        self.count = count
        self.status = status
        self.code = code
        self.message = message
        self.qosDelayTime = qosDelayTime
        self.foreign = foreign
    }

    /// A non-OSS answer with `status` (407 from a proxy, 404 from another web server).
    public static func foreign(operation: String, status: Int, count: Int? = nil) -> ErrorFault {
        ErrorFault(operation: operation, count: count, status: status, code: "Foreign", foreign: true)
    }

    /// OSS throttling: 503 `SlowDown` with `x-oss-qos-delay-time`.
    public static func slowDown(operation: String, rate: Double? = nil, count: Int? = nil, delay: Int = 1000) -> ErrorFault {
        ErrorFault(operation: operation, rate: rate, count: count, status: 503, code: "SlowDown",
                   message: "Please reduce your request rate.", qosDelayTime: delay)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        operation = try c.decodeIfPresent(String.self, forKey: .operation) ?? "*"
        rate = try c.decodeIfPresent(Double.self, forKey: .rate)
        count = try c.decodeIfPresent(Int.self, forKey: .count)
        status = try c.decodeIfPresent(Int.self, forKey: .status) ?? 500
        code = try c.decodeIfPresent(String.self, forKey: .code) ?? (status == 503 ? "SlowDown" : "InternalError")
        message = try c.decodeIfPresent(String.self, forKey: .message)
        qosDelayTime = try c.decodeIfPresent(Int.self, forKey: .qosDelayTime)
        foreign = try c.decodeIfPresent(Bool.self, forKey: .foreign)
    }
}

/// Sleeps `milliseconds` before handling each matching request.
public struct LatencyFault: Codable, Sendable, Equatable {
    public var operation: String
    public var milliseconds: Int

    public init(operation: String = "*", milliseconds: Int) {
        self.operation = operation
        self.milliseconds = milliseconds
    }
}

/// Caps body throughput, in both directions, either per connection or across the whole server.
public struct BandwidthFault: Codable, Sendable, Equatable {
    public enum Scope: String, Codable, Sendable { case connection, global }
    public var bytesPerSecond: Int
    public var scope: Scope

    public init(bytesPerSecond: Int, scope: Scope = .global) {
        self.bytesPerSecond = bytesPerSecond
        self.scope = scope
    }
}

/// Resets the connection (TCP RST) once `afterBytes` body bytes of a matching request arrived;
/// a matching request without a body is reset before it is answered. Nothing of the request is
/// stored. With `count` it fires that many times and then disappears; without, every time.
public struct ResetFault: Codable, Sendable, Equatable {
    public var operation: String
    public var afterBytes: Int64
    public var count: Int?

    public init(operation: String, afterBytes: Int64, count: Int? = nil) {
        self.operation = operation
        self.afterBytes = afterBytes
        self.count = count
    }
}

/// Removes `header` from the answers to matching requests, e.g. `x-oss-hash-crc64ecma` to play
/// a server that does not return CRC-64s. Applies to every answer, success or error.
public struct HeaderStripFault: Codable, Sendable, Equatable {
    public var operation: String
    public var header: String

    public init(operation: String, header: String) {
        self.operation = operation
        self.header = header
    }
}
