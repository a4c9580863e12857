import Foundation

/// The ECS RPC calls an import needs, over `Transport`.
///
/// Every call is signed afresh (new nonce and timestamp), so retrying is just calling again;
/// retry policy itself belongs to the caller (`ImportTracker`), which also keeps ImportImage's
/// `ClientToken` stable across attempts. Errors come back as `ECSError`.
public final class ECSClient: Sendable {
    public typealias Send = @Sendable (HTTPRequest) async throws -> HTTPResponse
    public typealias CredentialsSource = @Sendable () async throws -> Credentials

    public struct Configuration: Sendable {
        public var endpoint: ECSEndpoint
        /// Used by every call that does not name its own region.
        public var regionId: String
        public var signatureMethod: ECSSignatureMethod
        public var httpMethod: String
        public var userAgent: String
        public var extraHeaders: [(name: String, value: String)]
        public var timeout: Double?
        /// Checked before ImportImage is sent; nil sends whatever it is given.
        public var validator: ImportImageValidator?
        /// The signing time; `doctor` or a skew-aware wrapper may correct it with the server's `Date`.
        public var clock: @Sendable () -> Date

        public init(regionId: String, endpoint: ECSEndpoint? = nil, signatureMethod: ECSSignatureMethod = .acs3,
                    httpMethod: String = "POST", userAgent: String = "hoist/1 (ECS RPC)",
                    extraHeaders: [(name: String, value: String)] = [], timeout: Double? = 30,
                    validator: ImportImageValidator? = ImportImageValidator(), clock: @escaping @Sendable () -> Date = { Date() }) {
            self.regionId = regionId
            self.endpoint = endpoint ?? .region(regionId)
            self.signatureMethod = signatureMethod
            self.httpMethod = httpMethod
            self.userAgent = userAgent
            self.extraHeaders = extraHeaders
            self.timeout = timeout
            self.validator = validator
            self.clock = clock
        }

        var signer: ECSRequestSigner {
            ECSRequestSigner(endpoint: endpoint, method: signatureMethod, httpMethod: httpMethod,
                             userAgent: userAgent, extraHeaders: extraHeaders)
        }
    }

    public let configuration: Configuration
    private let credentials: CredentialsSource
    private let renew: (@Sendable (Credentials) async throws -> Credentials)?
    private let send: Send

    /// The general form: any credentials source (env, RAM-role metadata, …) and any sender.
    /// `renew`, when given, replaces credentials a call was refused with as expired; the call is
    /// then signed afresh and sent once more, inside `call`, so callers never see that refusal.
    public init(configuration: Configuration, credentials: @escaping CredentialsSource,
                renew: (@Sendable (Credentials) async throws -> Credentials)? = nil, send: @escaping Send) {
        self.configuration = configuration
        self.credentials = credentials
        self.renew = renew
        self.send = send
    }

    /// Credentials that refresh themselves and are renewed after an expiry refusal.
    public convenience init(configuration: Configuration, credentials source: RefreshingCredentials, transport: Transport) {
        self.init(configuration: configuration, credentials: { try await source.credentials() },
                  renew: { try await source.renew(rejected: $0) }, send: { try await transport.send($0) })
    }

    public convenience init(configuration: Configuration, credentials: Credentials, transport: Transport) {
        self.init(configuration: configuration, credentials: { credentials }, send: { try await transport.send($0) })
    }

    public convenience init(configuration: Configuration, credentials: @escaping CredentialsSource, transport: Transport) {
        self.init(configuration: configuration, credentials: credentials, send: { try await transport.send($0) })
    }

    // MARK: - Actions

    /// Validates (unless disabled) and starts the import. Throws `ImportImageViolation` for a
    /// request ECS would refuse, `ECSError` for what ECS answers.
    public func importImage(_ request: ImportImageRequest) async throws -> ImportImageResponse {
        if let validator = configuration.validator { try validator.validate(request) }
        return try await call("ImportImage", request.parameters, as: ImportImageResponse.self)
    }

    public func describeImages(_ query: DescribeImagesQuery) async throws -> DescribeImagesResponse {
        try await call("DescribeImages", query.parameters(defaultRegion: configuration.regionId), as: DescribeImagesResponse.self)
    }

    public func describeTasks(_ query: DescribeTasksQuery) async throws -> DescribeTasksResponse {
        try await call("DescribeTasks", query.parameters(defaultRegion: configuration.regionId), as: DescribeTasksResponse.self)
    }

    public func describeTaskAttribute(taskId: String, regionId: String? = nil) async throws -> DescribeTaskAttributeResponse {
        try await call("DescribeTaskAttribute", [("RegionId", regionId ?? configuration.regionId), ("TaskId", taskId)],
                       as: DescribeTaskAttributeResponse.self)
    }

    public func cancelTask(taskId: String, regionId: String? = nil) async throws -> CancelTaskResponse {
        try await call("CancelTask", [("RegionId", regionId ?? configuration.regionId), ("TaskId", taskId)],
                       as: CancelTaskResponse.self)
    }

    // MARK: - Plumbing

    /// The signed request for one call, without sending it.
    public func makeRequest(action: String, parameters: [(name: String, value: String)],
                            credentials: Credentials, date: Date? = nil, nonce: String? = nil) -> HTTPRequest {
        configuration.signer.sign(action: action, parameters: parameters, credentials: credentials,
                                  date: date ?? configuration.clock(), nonce: nonce ?? UUID().uuidString.lowercased(),
                                  timeout: configuration.timeout)
    }

    /// Signs, sends and decodes any RPC action.
    public func call<T: Decodable>(_ action: String, _ parameters: [(name: String, value: String)], as type: T.Type) async throws -> T {
        var signing = try await credentials()
        var response = try await send(makeRequest(action: action, parameters: parameters, credentials: signing))
        if !(200..<300).contains(response.status), let renew, ECSError(response: response).isExpiredCredentials {
            signing = try await renew(signing)
            response = try await send(makeRequest(action: action, parameters: parameters, credentials: signing))
        }
        guard (200..<300).contains(response.status) else { throw ECSError(response: response) }
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw ECSError(code: "InvalidResponse",
                           message: "\(action) answered HTTP \(response.status) with a body that is not the expected JSON: \(error)",
                           httpStatus: response.status, requestId: response.header("x-acs-request-id") ?? "")
        }
    }
}
