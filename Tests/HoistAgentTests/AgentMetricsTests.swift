import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import HoistAgent
@testable import HoistCore

/// A monotonic clock the test moves by hand.
final class HandClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 1_000.0
    func now() -> Double { lock.withLock { seconds } }
    func advance(_ by: Double) { lock.withLock { seconds += by } }
}

/// The metrics fed with engine events and read back over real HTTP, as Prometheus reads them.
@Suite struct AgentMetricsTests {
    /// GET `path` on the endpoint; returns the status and body.
    func get(_ endpoint: MetricsEndpoint, _ path: String) async throws -> (Int, String) {
        let url = URL(string: "http://\(endpoint.address)\(path)")!
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// The sample lines (`name{labels} value`) of a Prometheus text exposition.
    func samples(_ text: String) -> [String: Double] {
        var result: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            result[String(line[..<space])] = value
        }
        return result
    }

    func start(job: String) -> UploadEvent {
        .started(UploadStart(jobId: job, uploadId: "u", location: ObjectLocation(bucket: "b", key: "k"),
                             totalBytes: 300, partSize: 100, partCount: 3, safeParts: 0, safeBytes: 0, resumed: false))
    }

    /// The agent keys a run's events by the image's name; its outcome (which carries the job id)
    /// must settle the same tally, not add the whole run again (seen: 2 × the file on /metrics).
    @Test func aRunsOutcomeSettlesTheTallyItsEventsStarted() async throws {
        let metrics = AgentMetrics(monotonicNow: { 0 })
        let endpoint = try await MetricsEndpoint.start("127.0.0.1:0", metrics: metrics)
        metrics.record(start(job: "j-1"), job: "disk.raw")
        metrics.record(.progress(UploadProgress(bytesSent: 250, bytesResent: 0, partsInFlight: 2)), job: "disk.raw")
        metrics.record(.verified(crc64: 7), job: "disk.raw")
        metrics.record(UploadOutcome(jobId: "j-1", location: ObjectLocation(bucket: "b", key: "k"), uploadId: "u",
                                     totalBytes: 300, partSize: 100, partCount: 3, partsAlreadySafe: 0, partsSent: 3,
                                     bytesSent: 300, bytesResent: 0, retries: 0, crc64: 7, duration: 1,
                                     alreadyUploaded: false), job: "disk.raw")
        let scraped = samples(try await get(endpoint, "/metrics").1)
        #expect(scraped["hoist_upload_bytes_total"] == 300)
        #expect(scraped["hoist_upload_parts_in_flight"] == 0)
        await endpoint.stop()
    }

    @Test func eventsBecomeTheNamedMetricsOnAScrape() async throws {
        let clock = HandClock()
        let metrics = AgentMetrics(monotonicNow: { clock.now() })
        metrics.record(start(job: "j1"), job: "j1")
        metrics.record(.progress(UploadProgress(bytesSent: 150, bytesResent: 0, partsInFlight: 2)), job: "j1")
        metrics.record(.partDone(number: 1, bytes: 100), job: "j1")
        metrics.record(.retrying(RetryNotice(operation: "UploadPart 2", attempt: 1, delay: 1, reason: "reset")), job: "j1")
        metrics.record(.retrying(RetryNotice(operation: "UploadPart 3", attempt: 1, delay: 1, reason: "reset")), job: "j1")
        metrics.record(.networkDown, job: "j1")
        let endpoint = try await MetricsEndpoint.start("127.0.0.1:0", metrics: metrics)
        var scraped = samples(try await get(endpoint, "/metrics").1)
        #expect(scraped["hoist_upload_bytes_total"] == 150)
        #expect(scraped["hoist_upload_parts_in_flight"] == 2)
        #expect(scraped["hoist_upload_parts_total"] == 1)
        #expect(scraped["hoist_request_retries_total{operation=\"UploadPart\"}"] == 2)
        #expect(scraped["hoist_network_up"] == 0)

        // The run ends: its exact totals settle the counters; nothing is left in flight.
        metrics.record(.networkBack(afterSeconds: 20), job: "j1")
        metrics.record(.partDone(number: 2, bytes: 100), job: "j1")
        metrics.record(.partDone(number: 3, bytes: 100), job: "j1")
        metrics.record(UploadOutcome(jobId: "j1", location: ObjectLocation(bucket: "b", key: "k"), uploadId: "u",
                                     totalBytes: 300, partSize: 100, partCount: 3, partsAlreadySafe: 0, partsSent: 3,
                                     bytesSent: 400, bytesResent: 100, retries: 2, crc64: 7, duration: 3,
                                     alreadyUploaded: false))
        // A second job's run counts on top, from its own zero.
        metrics.record(start(job: "j2"), job: "j2")
        metrics.record(.progress(UploadProgress(bytesSent: 50, bytesResent: 10, partsInFlight: 1)), job: "j2")
        // An import followed from submission to Available in 120 s.
        metrics.record(.submitted(jobId: "j1", taskId: "t", imageId: "m-1"))
        clock.advance(120)
        metrics.record(.retrying(operation: "DescribeImages", attempt: 1, delay: .seconds(1), reason: "Throttling"))
        metrics.record(.available(jobId: "j1", imageId: "m-1"))
        metrics.setJobCounts([.available: 1, .uploading: 1])
        metrics.jobSucceeded(at: Date(timeIntervalSince1970: 1_800_000_000))

        scraped = samples(try await get(endpoint, "/metrics").1)
        #expect(scraped["hoist_upload_bytes_total"] == 450)
        #expect(scraped["hoist_upload_resent_bytes_total"] == 110)
        #expect(scraped["hoist_upload_parts_total"] == 3)
        #expect(scraped["hoist_upload_parts_in_flight"] == 1)
        #expect(scraped["hoist_network_up"] == 1)
        #expect(scraped["hoist_request_retries_total{operation=\"DescribeImages\"}"] == 1)
        #expect(scraped["hoist_import_duration_seconds_count"] == 1)
        #expect(scraped["hoist_import_duration_seconds_sum"] == 120)
        #expect(scraped["hoist_import_duration_seconds_bucket{le=\"120.0\"}"] == 1)
        #expect(scraped["hoist_import_duration_seconds_bucket{le=\"60.0\"}"] == 0)
        #expect(scraped["hoist_last_success_timestamp_seconds"] == 1_800_000_000)
        #expect(scraped["hoist_jobs{state=\"available\"}"] == 1)
        #expect(scraped["hoist_jobs{state=\"uploading\"}"] == 1)
        await endpoint.stop()
    }

    @Test func everyJobStateIsPresentFromTheStartAndNoFileNameIsALabel() async throws {
        let metrics = AgentMetrics()
        metrics.record(.retrying(RetryNotice(operation: "UploadPart 9", attempt: 1, delay: 0, reason: "x")),
                       job: "/var/spool/hoist/incoming/disk.qcow2")
        let endpoint = try await MetricsEndpoint.start("127.0.0.1:0", metrics: metrics)
        let (status, body) = try await get(endpoint, "/metrics")
        #expect(status == 200)
        let scraped = samples(body)
        for state in JobState.allCases {
            #expect(scraped["hoist_jobs{state=\"\(state.rawValue)\"}"] == 0, "\(state)")
        }
        for name in ["hoist_upload_bytes_total", "hoist_upload_resent_bytes_total", "hoist_upload_parts_total",
                     "hoist_upload_parts_in_flight", "hoist_last_success_timestamp_seconds"] {
            #expect(scraped[name] == 0, "\(name)")
        }
        #expect(scraped["hoist_network_up"] == 1)
        #expect(scraped["hoist_import_duration_seconds_count"] == 0)
        #expect(!body.contains("disk.qcow2"))
        #expect(!body.contains("UploadPart 9"))
        await endpoint.stop()
    }

    @Test func otherPathsAre404AndTheEndpointStops() async throws {
        let endpoint = try await MetricsEndpoint.start("127.0.0.1:0", metrics: AgentMetrics())
        #expect(try await get(endpoint, "/").0 == 404)
        #expect(try await get(endpoint, "/metrics/x").0 == 404)
        #expect(try await get(endpoint, "/metrics?x=1").0 == 200)
        await endpoint.stop()
        await #expect(throws: (any Error).self) { _ = try await get(endpoint, "/metrics") }
    }

    @Test func aNonLoopbackAddressIsRefused() async throws {
        for address in ["0.0.0.0:9464", "192.0.2.1:9464", "[::]:9464", "example.com:9464"] {
            await #expect(throws: MetricsAddress.Failure.notLoopback(address)) {
                _ = try await MetricsEndpoint.start(address, metrics: AgentMetrics())
            }
        }
        #expect(throws: MetricsAddress.Failure.malformed("9464")) { try MetricsAddress("9464") }
        #expect(try MetricsAddress("[::1]:9464").description == "[::1]:9464")
        #expect(try MetricsAddress("localhost:9464").port == 9464)
        #expect(try MetricsAddress("127.1.2.3:1").host == "127.1.2.3")
    }
}
