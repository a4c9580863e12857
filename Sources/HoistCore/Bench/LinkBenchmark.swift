import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `hoist bench`: measures the user's own link to their own bucket with the engine pieces of
/// `hoist upload` — the runtime's transport, credentials, bandwidth cap and `PartBudget`
/// (`--parallel auto` tunes it exactly as for an upload), `RetryPolicy` for every request — and
/// leaves nothing behind.
///
/// One multipart upload under `PREFIX/hoist-bench-<random>` receives the same generated part
/// (`BenchPayload`) over and over, until `size` bytes were sent or `duration` passed.
///
/// Invariants: the upload is never completed, so no object is ever created; it is aborted
/// however the run ends (done, failed, cancelled), from a task that the caller's cancellation
/// does not reach, and an abort OSS did not confirm is reported (`BenchCleanup`), never hidden.
public struct LinkBenchmark: Sendable {
    public struct Request: Sendable {
        /// Bucket, and the key prefix the upload's key goes under.
        public var bucket: String
        public var prefix: String
        /// Stop once this many bytes were sent…
        public var size: Int64
        /// …or this many seconds passed, whichever comes first.
        public var duration: Double
        public var partSize: Int64

        public init(bucket: String, prefix: String, size: Int64, duration: Double, partSize: Int64) {
            self.bucket = bucket
            self.prefix = prefix
            self.size = size
            self.duration = duration
            self.partSize = partSize
        }

        /// Parts to send for `size`: every part is a full `partSize`, the last one included.
        public func partCount() throws(BenchError) -> Int {
            guard size >= partSize else {
                throw .size("--size \(size) bytes is less than one part (\(partSize) bytes): give a larger --size "
                            + "or a smaller --part-size")
            }
            let count = (size + partSize - 1) / partSize
            guard count <= Int64(PartPlan.Limits.oss.maximumPartCount) else {
                throw .size("--size \(size) bytes needs \(count) parts of \(partSize) bytes, more than OSS's "
                            + "\(PartPlan.Limits.oss.maximumPartCount): give a larger --part-size")
            }
            return Int(count)
        }
    }

    let client: OSSClient
    let budget: PartBudget
    let bandwidth: BandwidthBudget
    let policy: RetryPolicy

    public init(runtime: HoistRuntime, client: OSSClient, policy: RetryPolicy) {
        self.client = client
        budget = runtime.partBudget
        bandwidth = runtime.bandwidth
        self.policy = policy
    }

    /// Runs the benchmark. `onStarted` is told the upload once OSS created it.
    /// Throws `BenchError.stopped` (with the cleanup's outcome) when the run does not finish.
    public func run(_ request: Request,
                    onStarted: @Sendable (ObjectLocation, String) -> Void = { _, _ in }) async throws(BenchError) -> BenchReport {
        let count = try request.partCount()
        let payload = try BenchPayload(length: request.partSize)
        defer { payload.close() }
        let location = ObjectLocation(bucket: request.bucket, key: Self.key(prefix: request.prefix))
        let tally = BenchTally()
        let uploadId: String
        do {
            let client = client
            uploadId = try await policy.perform(
                "InitiateMultipartUpload", correctClock: { client.clockOffset = $0 },
                onRetry: { _ in tally.retried() }, probe: probe(location)
            ) {
                try await tally.watching { try await client.initiateMultipartUpload(bucket: location.bucket, key: location.key) }
            }.uploadId
        } catch {
            throw .stopped(cause: error, cleanup: nil)
        }
        onStarted(location, uploadId)

        let started = ContinuousClock.now
        let cpuBefore = Self.cpuSeconds()
        let outcome = await send(count, of: payload, to: location, uploadId: uploadId, duration: request.duration,
                                 tally: tally)
        // Past the deadline, what the cancelled parts sent counts up to the deadline only.
        let measured = RetryPolicy.seconds(ContinuousClock.now - started)
        let elapsed = tally.ranOutOfTime ? min(measured, request.duration) : measured
        let cpu = Self.cpuSeconds() - cpuBefore
        let cleanup = await abort(location, uploadId: uploadId)
        if let failure = outcome { throw .stopped(cause: failure, cleanup: cleanup) }
        let tuning: BenchReport.Tuning? = budget.tuner.map {
            if case .settled = $0.phase { return .settled }
            return .searching
        }
        return BenchReport(location: location, uploadId: uploadId, bytes: tally.bytes, seconds: elapsed,
                           partSize: request.partSize, parts: tally.parts, partsInFlight: budget.size, tuning: tuning,
                           cpuSeconds: cpu, cores: ProcessInfo.processInfo.activeProcessorCount,
                           retries: tally.retries, throttledRetries: tally.throttled,
                           bandwidthCap: bandwidth.rate.limit, cleanup: cleanup)
    }

    /// Sends `count` parts through the runtime's budget; stops early (cancelling the parts in
    /// flight, whose bytes sent so far still count) when `duration` passes. Returns the failure
    /// that stopped it, nil when it ran to the end or to the deadline.
    private func send(_ count: Int, of payload: BenchPayload, to location: ObjectLocation, uploadId: String,
                      duration: Double, tally: BenchTally) async -> (any Error)? {
        let client = client, policy = policy, probe = probe(location), region = payload.region
        let scheduler = PartScheduler(parallel: max(budget.size, budget.tuner?.maximum ?? 0), budget: budget)
        let parts = (1...count).map { PartPlan.Part(number: $0, offset: 0, length: region.length) }
        let sending = Task {
            try await scheduler.run(parts) { part in
                _ = try await policy.perform(
                    "UploadPart \(part.number)", correctClock: { client.clockOffset = $0 },
                    onRetry: { _ in tally.retried() }, probe: probe
                ) {
                    try await tally.watching {
                        let result = try await client.uploadPart(
                            bucket: location.bucket, key: location.key, uploadId: uploadId, partNumber: part.number,
                            fileRegion: region, onProgress: { budget.sent(bytes: tally.progress(part: part.number, cumulative: $0)) })
                        guard result.crcMatches else {
                            throw PartCheckFailure(partNumber: part.number, sentCRC64: result.sentCRC64,
                                                   serverCRC64: result.serverCRC64)
                        }
                    }
                }
                tally.partDone(part.number, bytes: part.length)
            }
        }
        let deadline = Task {
            try await Task.sleep(for: .milliseconds(Int64(duration * 1000)))
            tally.deadlinePassed()
            sending.cancel()
        }
        defer { deadline.cancel() }
        let result = await withTaskCancellationHandler {
            await sending.result
        } onCancel: {
            sending.cancel()
        }
        switch result {
        case .success: return nil
        case .failure where tally.ranOutOfTime && !Task.isCancelled: return nil
        case .failure(let error): return error
        }
    }

    /// Aborts the upload from a detached task, so a Ctrl-C that stopped the run cannot stop the
    /// cleanup too. `NoSuchUpload` counts as done: the parts are gone either way.
    private func abort(_ location: ObjectLocation, uploadId: String) async -> BenchCleanup {
        let client = client
        var policy = policy
        // Bounded: a cleanup must not hang the command; the user is told how to finish it.
        policy.giveUpAfter = min(policy.giveUpAfter ?? 30, 30)
        let failure = await Task.detached { () -> String? in
            do {
                try await policy.perform("AbortMultipartUpload", correctClock: { client.clockOffset = $0 },
                                         onRetry: { _ in }) {
                    try await client.abortMultipartUpload(bucket: location.bucket, key: location.key, uploadId: uploadId)
                }
                return nil
            } catch where RetryPolicy.classify(error) == .uploadGone {
                return nil
            } catch {
                return RetryPolicy.describe(error)
            }
        }.value
        return BenchCleanup(location: location, uploadId: uploadId, failure: failure)
    }

    private func probe(_ location: ObjectLocation) -> @Sendable () async -> Bool {
        let client = client, health = policy.health
        return { await client.isReachable(bucket: location.bucket, timeout: health.probeTimeout) }
    }

    /// `PREFIX/hoist-bench-<random>`: a fresh key per run, so two runs never share an upload.
    static func key(prefix: String) -> String {
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let directory = prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
        return directory + "hoist-bench-" + random
    }

    /// User plus system CPU seconds of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
