import Foundation
import HoistCore
import Synchronization
import Testing

/// When `RefreshingCredentials` fetches again, on a clock the test moves by hand.
@Suite struct RefreshingCredentialsTests {
    /// A clock that only moves when told.
    final class ManualClock: Sendable {
        private let time = Mutex(Date(timeIntervalSince1970: 1_700_000_000))
        var now: Date { time.withLock { $0 } }
        func advance(_ seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    /// Issues numbered credentials lasting `lifetime` on `clock`; can be told to fail, or to hold
    /// every fetch until released (to see concurrent requests share one).
    final class IssuingProvider: CredentialProvider {
        let clock: ManualClock
        let lifetime: Double?
        private let state = Mutex((issued: 0, failing: false))
        private let gate = Mutex<[CheckedContinuation<Void, Never>]?>(nil)

        init(clock: ManualClock, lifetime: Double?) {
            self.clock = clock
            self.lifetime = lifetime
        }

        var source: String { "test issuer" }
        var issued: Int { state.withLock { $0.issued } }
        func fail(_ failing: Bool) { state.withLock { $0.failing = failing } }
        func hold() { gate.withLock { $0 = [] } }
        var waiting: Int { gate.withLock { $0?.count ?? 0 } }
        func release() { for waiter in gate.withLock({ w -> [CheckedContinuation<Void, Never>] in defer { w = nil }; return w ?? [] }) { waiter.resume() } }

        func fetch() async throws(CredentialError) -> Credentials {
            await withCheckedContinuation { continuation in
                let held = gate.withLock { waiters -> Bool in
                    guard waiters != nil else { return false }
                    waiters!.append(continuation)
                    return true
                }
                if !held { continuation.resume() }
            }
            let (number, failing) = state.withLock { s -> (Int, Bool) in
                if !s.failing { s.issued += 1 }
                return (s.issued, s.failing)
            }
            if failing { throw .fetchFailed(source: source, detail: "refused on purpose") }
            return Credentials(accessKeyId: "STS.\(number)", accessKeySecret: "secret-\(number)", securityToken: "token-\(number)",
                               expiration: lifetime.map { clock.now.addingTimeInterval($0) })
        }
    }

    @Test func aLongLivedKeyIsFetchedOnce() async throws {
        let clock = ManualClock()
        let provider = IssuingProvider(clock: clock, lifetime: nil)
        let source = RefreshingCredentials(provider: provider, clock: { clock.now })
        _ = try await source.credentials()
        clock.advance(1_000_000)
        #expect(try await source.credentials().accessKeyId == "STS.1")
        #expect(provider.issued == 1)
    }

    @Test func temporaryCredentialsAreRefreshedThreeMinutesBeforeTheyExpire() async throws {
        let clock = ManualClock()
        let provider = IssuingProvider(clock: clock, lifetime: 3600)
        let source = RefreshingCredentials(provider: provider, clock: { clock.now })
        #expect(try await source.credentials().accessKeyId == "STS.1")
        clock.advance(3600 - 181)
        #expect(try await source.credentials().accessKeyId == "STS.1")
        clock.advance(2)
        #expect(try await source.credentials().accessKeyId == "STS.2")
        #expect(await source.expiration == clock.now.addingTimeInterval(3600))
        #expect(await source.source == "test issuer")
    }

    @Test func shortLivedCredentialsAreRefreshedWithAThirdOfTheirLifeLeft() async throws {
        let clock = ManualClock()
        let provider = IssuingProvider(clock: clock, lifetime: 6)
        let source = RefreshingCredentials(provider: provider, clock: { clock.now })
        _ = try await source.credentials()
        clock.advance(3.9)
        #expect(try await source.credentials().accessKeyId == "STS.1")
        clock.advance(0.2)
        #expect(try await source.credentials().accessKeyId == "STS.2")
    }

    @Test func concurrentRequestsWaitForOneRefresh() async throws {
        let clock = ManualClock()
        let provider = IssuingProvider(clock: clock, lifetime: 3600)
        let source = RefreshingCredentials(provider: provider, clock: { clock.now })
        _ = try await source.credentials()
        clock.advance(3500)
        provider.hold()
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await source.credentials().accessKeyId } }
            // Every request is now waiting on the one fetch in flight.
            while provider.waiting < 1 { await Task.yield() }
            provider.release()
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(ids == Array(repeating: "STS.2", count: 8))
        #expect(provider.issued == 2)
    }

    @Test func aFailedRefreshKeepsCredentialsThatAreStillValidAndTriesAgainLater() async throws {
        let clock = ManualClock()
        let provider = IssuingProvider(clock: clock, lifetime: 3600)
        let source = RefreshingCredentials(provider: provider, clock: { clock.now })
        _ = try await source.credentials()
        clock.advance(3500)
        provider.fail(true)
        #expect(try await source.credentials().accessKeyId == "STS.1", "still valid for 100 s")
        provider.fail(false)
        #expect(try await source.credentials().accessKeyId == "STS.1", "no new attempt before the retry delay")
        clock.advance(30)
        #expect(try await source.credentials().accessKeyId == "STS.2")
    }

    @Test func aFailedRefreshAfterExpiryIsThrown() async throws {
        let clock = ManualClock()
        let provider = IssuingProvider(clock: clock, lifetime: 3600)
        let source = RefreshingCredentials(provider: provider, clock: { clock.now })
        _ = try await source.credentials()
        clock.advance(3601)
        provider.fail(true)
        await #expect(throws: CredentialError.fetchFailed(source: "test issuer", detail: "refused on purpose")) {
            try await source.credentials()
        }
    }

    @Test func renewReplacesRejectedCredentialsOnceForEveryRequestThatSawThem() async throws {
        let clock = ManualClock()
        let provider = IssuingProvider(clock: clock, lifetime: 3600)
        let source = RefreshingCredentials(provider: provider, clock: { clock.now })
        let first = try await source.credentials()
        #expect(try await source.renew(rejected: first).accessKeyId == "STS.2")
        // A second request refused with the same old credentials gets the new ones, no new fetch.
        #expect(try await source.renew(rejected: first).accessKeyId == "STS.2")
        #expect(provider.issued == 2)
    }
}
