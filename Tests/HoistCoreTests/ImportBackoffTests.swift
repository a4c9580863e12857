import Testing
@testable import HoistCore

@Suite struct ImportBackoffTests {
    @Test func pollingStartsAtTenSecondsAndSettlesAtSixty() {
        let s = ImportPollSchedule.standard
        let delays = (0..<8).map { s.delay(afterPoll: $0).seconds }
        #expect(delays[0] == 10 && delays[1] == 15 && delays[2] == 22.5)
        #expect(delays.last == 60)
        #expect(zip(delays, delays.dropFirst()).allSatisfy { $0 <= $1 }, "never shrinks")
        #expect(s.delay(afterPoll: 10_000).seconds == 60, "no overflow")
    }

    @Test func aFastScheduleForTheEmulator() {
        let s = ImportPollSchedule(initial: .milliseconds(100), factor: 2, maximum: .milliseconds(300))
        #expect((0..<4).map { s.delay(afterPoll: $0) } == [.milliseconds(100), .milliseconds(200), .milliseconds(300), .milliseconds(300)])
    }

    @Test func retryCeilingDoublesUpToTheCap() {
        let p = ImportRetryPolicy(base: .seconds(1), cap: .seconds(60), maxAttempts: 8)
        #expect((1...8).map { p.ceiling(beforeRetry: $0).seconds } == [1, 2, 4, 8, 16, 32, 60, 60])
        #expect(p.ceiling(beforeRetry: 500).seconds == 60)
    }

    @Test func fullJitterStaysWithinTheCeiling() {
        let p = ImportRetryPolicy.standard
        #expect(p.delay(beforeRetry: 3, unit: { 0 }) == .zero)
        #expect(p.delay(beforeRetry: 3, unit: { 0.5 }).seconds == 2)
        for _ in 0..<200 {
            let d = p.delay(beforeRetry: 4)
            #expect(d >= .zero && d <= p.ceiling(beforeRetry: 4))
        }
    }

    @Test func attemptBudget() {
        let p = ImportRetryPolicy(maxAttempts: 3)
        #expect(p.allowsAnotherAttempt(after: 2) && !p.allowsAnotherAttempt(after: 3))
        #expect(ImportRetryPolicy(maxAttempts: nil).allowsAnotherAttempt(after: 1_000_000))
    }

    @Test func whatIsRetried() {
        #expect(ImportTracker.isRetryable(ECSError.throttling))
        #expect(ImportTracker.isRetryable(ECSError(code: "InternalError", message: "", httpStatus: 500)))
        #expect(ImportTracker.isRetryable(ECSError(code: "ServiceUnavailable", message: "", httpStatus: 503)))
        #expect(ImportTracker.isRetryable(TransportError(kind: .connect, message: "refused")))
        #expect(!ImportTracker.isRetryable(TransportError(kind: .tls, message: "bad certificate")))
        #expect(!ImportTracker.isRetryable(ECSError.signatureDoesNotMatch(serverStringToSign: "x")), "a wrong secret is not retried")
        #expect(!ImportTracker.isRetryable(ECSError.accessKeyNotFound))
        #expect(!ImportTracker.isRetryable(ECSError.importRoleMissing))
        #expect(!ImportTracker.isRetryable(ECSError(code: "IdempotentParameterMismatch", message: "", httpStatus: 400)))
    }
}
