import Foundation

/// The credentials every request of a process signs with, refreshed before they expire so a
/// long upload outlives any one set of temporary credentials without disturbing parts in flight.
///
/// Invariants:
/// - Long-lived keys (no `expiration`) are fetched once and never again.
/// - Temporary ones are fetched again once they are within `margin` of expiry (a third of their
///   lifetime when that is shorter, so credentials lasting seconds in tests behave like hours in
///   production): requests signed before then still reach the service well before expiry.
/// - Single flight: however many requests find a refresh due, one fetch runs and all wait on it.
/// - A failed refresh while the old credentials are still valid keeps them and tries again
///   later (after a quarter of their remaining life, at most 30 s); once they have expired the
///   failure is thrown to the request.
/// - `renew(rejected:)` forces a refresh after a service refused credentials as expired, unless
///   another request already replaced them.
public actor RefreshingCredentials {
    /// How long before expiry temporary credentials are refreshed (the SDKs use 3 minutes).
    public static let defaultMargin: Double = 180

    private let chain: CredentialChain?
    private var provider: (any CredentialProvider)?
    private var current: Credentials?
    private var fetchedAt = Date.distantPast
    private var inFlight: Task<(any CredentialProvider, Credentials), any Error>?
    private var inFlightStarted = Date.distantPast
    private var retryNotBefore: Date?
    private let margin: Double
    private let clock: @Sendable () -> Date
    /// Fetches made so far (the first one included).
    public private(set) var fetchCount = 0

    /// Credentials from `provider`.
    public init(provider: any CredentialProvider, margin: Double = defaultMargin,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.chain = nil
        self.provider = provider
        self.margin = margin
        self.clock = clock
    }

    /// Credentials from the first configured source of `chain`, located on first use.
    public init(chain: CredentialChain, margin: Double = defaultMargin, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.chain = chain
        self.margin = margin
        self.clock = clock
    }

    /// Where the credentials come from (nil before the first fetch of a chain); never a secret.
    public var source: String? { provider?.source }

    /// When the current credentials expire; nil for a long-lived key or before the first fetch.
    public var expiration: Date? { current?.expiration }

    /// Credentials to sign a request with now.
    public func credentials() async throws(CredentialError) -> Credentials {
        let now = clock()
        if let current {
            if !isDue(current, now: now) { return current }
            if let retryNotBefore, now < retryNotBefore, isValid(current, now: now) { return current }
        }
        do {
            return try await refreshed()
        } catch {
            let now = clock()
            guard let current, isValid(current, now: now), let expiration = current.expiration else { throw error }
            retryNotBefore = now.addingTimeInterval(min(30, max(0.1, expiration.timeIntervalSince(now) / 4)))
            return current
        }
    }

    /// New credentials after a service refused `rejected` as expired; the current ones when another
    /// request has already replaced `rejected`.
    public func renew(rejected: Credentials) async throws(CredentialError) -> Credentials {
        if let current, current != rejected { return current }
        return try await refreshed()
    }

    private func refreshed() async throws(CredentialError) -> Credentials {
        let task: Task<(any CredentialProvider, Credentials), any Error>
        if let inFlight {
            task = inFlight
        } else {
            let provider = self.provider, chain = self.chain
            task = Task {
                if let provider { return (provider, try await provider.fetch()) }
                guard let chain else { throw CredentialError.notFound(skipped: []) }
                return try await chain.locate()
            }
            inFlight = task
            inFlightStarted = clock()
        }
        do {
            let (provider, fresh) = try await task.value
            if inFlight == task {
                inFlight = nil
                self.provider = provider
                current = fresh
                fetchedAt = inFlightStarted
                retryNotBefore = nil
                fetchCount += 1
            }
            return fresh
        } catch {
            if inFlight == task { inFlight = nil }
            throw error as? CredentialError ?? .fetchFailed(source: provider?.source ?? "the credential chain",
                                                            detail: String(describing: error))
        }
    }

    private func isDue(_ credentials: Credentials, now: Date) -> Bool {
        guard let expiration = credentials.expiration else { return false }
        let lifetime = expiration.timeIntervalSince(fetchedAt)
        let lead = min(margin, max(0, lifetime / 3))
        return now >= expiration.addingTimeInterval(-lead)
    }

    private func isValid(_ credentials: Credentials, now: Date) -> Bool {
        credentials.expiration.map { now < $0 } ?? true
    }
}
