import Foundation
import Testing
@testable import HoistCore

/// The exactly-once rules of `ImportTracker`, checked against the journal. No ECS stands
/// behind these tests: the network is down (every ImportImage fails to connect), or ECS only
/// answers "no image of that name" and refusals. Following a real import to its end is
/// covered against the emulator in the integration tests.
@Suite struct ImportTrackerTests {
    let scratch: ScratchDirectory
    let journal: UploadJournal
    let wire = ImportWireLog()

    init() throws {
        scratch = try ScratchDirectory()
        journal = try scratch.journal()
    }

    static let request = ImportImageRequest(
        regionId: "cn-hangzhou", imageName: "ubuntu-24.04-v1", platform: "Ubuntu",
        diskDeviceMappings: [.init(ossBucket: "examplebucket", ossObject: "images/disk.qcow2", format: "QCOW2", diskImageSize: 10)])

    /// A tracker whose ECS answers with `answer` (nil: the connection fails), with no waiting.
    func tracker(events: ImportEventLog = ImportEventLog(),
                 answer: @escaping @Sendable (String) -> (Int, String)? = ImportTrackerTests.networkDownForImports,
                 sleep: @escaping @Sendable (Duration) async throws -> Void = { _ in }) -> ImportTracker {
        let journal = self.journal
        let wire = self.wire
        let ecs = ECSClient(
            configuration: .init(regionId: "cn-hangzhou", endpoint: ECSEndpoint(url: "http://127.0.0.1:1")),
            credentials: { Credentials(accessKeyId: "AK", accessKeySecret: "SK") },
            send: { request in
                let call = ImportWireLog.Call(request)
                let committed = try await call.clientToken.asyncMap { try await journal.importRecord(clientToken: $0) } ?? nil
                await wire.append(call, tokenWasCommitted: committed != nil)
                guard let (status, body) = answer(call.action) else {
                    throw TransportError(kind: .connect, message: "connection refused")
                }
                return HTTPResponse(status: status, headers: [], body: Array(body.utf8))
            })
        let settings = ImportTracker.Settings(poll: .init(initial: .milliseconds(1)), retry: .init(maxAttempts: 3))
        return ImportTracker(journal: journal, ecs: ecs, settings: settings, onEvent: { events.append($0) }, sleep: sleep)
    }

    /// DescribeImages and DescribeTasks find nothing; ImportImage never connects.
    static let networkDownForImports: @Sendable (String) -> (Int, String)? = { action in
        switch action {
        case "DescribeImages": (200, #"{"RequestId":"r","TotalCount":0,"Images":{"Image":[]}}"#)
        case "DescribeTasks": (200, #"{"RequestId":"r","TotalCount":0,"TaskSet":{"Task":[]}}"#)
        default: nil
        }
    }

    /// The verified CRC-64 of every sample job's object.
    static let objectCRC: UInt64 = 0xC0FFEE

    func uploadedJob() async throws -> JobRecord {
        let job = try await journal.createJob(JournalSamples.newJob())
        try await journal.recordObjectCRC(jobId: job.id, crc64: Self.objectCRC)
        try await tracker().markUploaded(jobId: job.id)
        return try #require(try await journal.job(id: job.id))
    }

    @Test func theTokenIsCommittedBeforeImportImageAndReusedByEveryRetryAndRerun() async throws {
        let job = try await uploadedJob()
        #expect(job.state == .uploaded)
        await #expect(throws: ImportError.self) { try await tracker().run(jobId: job.id, request: Self.request) }

        let imports = try await journal.imports(jobId: job.id)
        #expect(imports.count == 1)
        let token = try #require(imports.first?.clientToken)
        #expect(imports.first?.attemptState == .submitting)
        #expect(try await journal.job(id: job.id)?.state == .importing)

        let first = await wire.calls(of: "ImportImage")
        #expect(first.count == 3, "retried with back-off up to the budget")
        #expect(first.allSatisfy { $0.call.clientToken == token && $0.tokenWasCommitted })
        #expect(await wire.actions.first == "DescribeImages", "the name guard runs before the first ImportImage")

        // A restart: a new tracker, the same job. No new token, ever.
        let events = ImportEventLog()
        await #expect(throws: ImportError.self) { try await tracker(events: events).run(jobId: job.id, request: Self.request) }
        #expect(try await journal.imports(jobId: job.id).map(\.clientToken) == [token])
        #expect(await wire.calls(of: "ImportImage").allSatisfy { $0.call.clientToken == token })
        #expect(events.all.contains(.tokenCommitted(jobId: job.id, clientToken: token, reused: true)))
    }

    @Test func aRerunWithOtherParametersSendsTheStoredOnesUnderTheToken() async throws {
        let job = try await uploadedJob()
        _ = try? await tracker().run(jobId: job.id, request: Self.request)
        var changed = Self.request
        changed.description = "a later description"
        let events = ImportEventLog()
        _ = try? await tracker(events: events).run(jobId: job.id, request: changed)
        let sent = await wire.calls(of: "ImportImage").map(\.call)
        #expect(sent.allSatisfy { $0.parameters["Description"] == nil }, "the token is never sent with other parameters")
        #expect(events.all.contains { if case .warning(let w) = $0 { w.contains("differ") } else { false } })
    }

    @Test func aWrongSecretCostsOneRequestAndLeavesTheTokenForARerun() async throws {
        let job = try await uploadedJob()
        let refusal = ECSError.signatureDoesNotMatch(serverStringToSign: "POST&%2F&SecurityToken%3Dsecret")
        let body = String(decoding: refusal.jsonBody(), as: UTF8.self)
        do {
            _ = try await tracker(answer: { _ in (400, body) }).run(jobId: job.id, request: Self.request)
            Issue.record("a refused call passed")
        } catch let error as ImportError {
            guard case .refused(let e) = error else { Issue.record("\(error)"); return }
            #expect(e.code == "SignatureDoesNotMatch")
            #expect(!error.description.contains("secret\"") && !error.description.contains("SecurityToken%3D"))
        }
        #expect(await wire.actions.count == 1, "no retry storm")
        #expect(try await journal.job(id: job.id)?.state == .importing)
        #expect(try await journal.latestImport(jobId: job.id)?.attemptState == .submitting)
    }

    @Test func theMissingRoleIsReportedWithTheActionableMessage() async throws {
        let job = try await uploadedJob()
        let body = String(decoding: ECSError.importRoleMissing.jsonBody(), as: UTF8.self)
        let answer: @Sendable (String) -> (Int, String)? = { action in
            action == "ImportImage" ? (403, body) : Self.networkDownForImports(action)
        }
        do {
            _ = try await tracker(answer: answer).run(jobId: job.id, request: Self.request)
            Issue.record("a refused import passed")
        } catch let error as ImportError {
            #expect(error.description.hasPrefix(ECSError.importRoleMissing.actionableMessage))
        }
        #expect(await wire.calls(of: "ImportImage").count == 1)
    }

    @Test func aRejectedRequestFailsTheJobWithTheReason() async throws {
        let job = try await uploadedJob()
        let body = #"{"RequestId":"r","Code":"IdempotentParameterMismatch","Message":"The request uses the same client token"}"#
        let answer: @Sendable (String) -> (Int, String)? = { action in
            action == "ImportImage" ? (400, body) : Self.networkDownForImports(action)
        }
        let outcome = try await tracker(answer: answer).run(jobId: job.id, request: Self.request)
        guard case .failed(let record, let reason) = outcome else { Issue.record("\(outcome)"); return }
        #expect(reason.contains("hoist retry") && record.attemptState == .failed && record.finishedAt != nil)
        let stored = try await journal.job(id: job.id)
        #expect(stored?.state == .failed && stored?.error == reason)
        await #expect(throws: ImportError.self, "only retry imports a failed job again") {
            try await tracker().run(jobId: job.id, request: Self.request)
        }
    }

    @Test func onlyRetryMakesANewToken() async throws {
        let job = try await uploadedJob()
        let body = #"{"RequestId":"r","Code":"InvalidOSSObject.NotFound","Message":"The specified OSS object does not exist."}"#
        _ = try await tracker(answer: { $0 == "ImportImage" ? (400, body) : Self.networkDownForImports($0) })
            .run(jobId: job.id, request: Self.request)
        let firstToken = try #require(try await journal.latestImport(jobId: job.id)?.clientToken)

        await #expect(throws: ImportError.self) { try await tracker().retry(jobId: job.id) }
        let imports = try await journal.imports(jobId: job.id)
        #expect(imports.count == 2 && imports[0].clientToken == firstToken && imports[1].clientToken != firstToken)
        #expect(imports[1].parametersJSON == imports[0].parametersJSON, "same parameters, new token")
        #expect(imports[1].attemptState == .submitting)
        #expect(try await journal.job(id: job.id)?.state == .importing)
        #expect(await wire.calls(of: "ImportImage").last?.call.clientToken == imports[1].clientToken)
    }

    @Test func journaledIdsAreFollowedNeverResubmitted() async throws {
        let job = try await uploadedJob()
        try await journal.updateState(jobId: job.id, to: .importing)
        try await journal.recordImport(ImportRecord(clientToken: "hoist-t", jobId: job.id, region: "cn-hangzhou",
                                                    imageName: "ubuntu-24.04-v1", taskId: "t-1", imageId: "m-1",
                                                    state: "Creating", progress: 30,
                                                    parametersJSON: ImportRequestCoding.json(Self.request)))
        let outcome = try await tracker().run(jobId: job.id, request: Self.request, wait: false)
        #expect(outcome == .running(try #require(try await journal.latestImport(jobId: job.id))))
        #expect(await wire.actions.isEmpty)

        await #expect(throws: ImportError.self) { try await tracker(answer: { _ in nil }).resume(jobId: job.id) }
        #expect(await wire.calls(of: "ImportImage").isEmpty)
        #expect(await wire.actions.allSatisfy { $0 == "DescribeImages" })
    }

    @Test func anAttemptThatEndedBeforeTheJobWasMovedSettlesWithoutCalls() async throws {
        let job = try await uploadedJob()
        try await journal.updateState(jobId: job.id, to: .importing)
        try await journal.recordImport(ImportRecord(clientToken: "hoist-t", jobId: job.id, region: "cn-hangzhou",
                                                    imageName: "ubuntu-24.04-v1", taskId: "t-1", imageId: "m-1",
                                                    state: "Available", progress: 100, finishedAt: Date()))
        let outcome = try await tracker().run(jobId: job.id, request: Self.request)
        guard case .available(let record) = outcome else { Issue.record("\(outcome)"); return }
        #expect(record.imageId == "m-1")
        #expect(try await journal.job(id: job.id)?.state == .available)
        #expect(await wire.actions.isEmpty)
    }

    @Test func cancellingAnAttemptThatNeverReachedECS() async throws {
        let job = try await uploadedJob()
        _ = try? await tracker().run(jobId: job.id, request: Self.request)
        let events = ImportEventLog()
        let outcome = try await tracker(events: events).cancel(jobId: job.id)
        guard case .cancelled(let record?) = outcome else { Issue.record("\(outcome)"); return }
        #expect(record.attemptState == .cancelled)
        #expect(try await journal.job(id: job.id)?.state == .cancelled)
        #expect(await wire.calls(of: "CancelTask").isEmpty, "there was no task to cancel")
        #expect(await wire.calls(of: "DescribeTasks").count == 1, "nothing is concluded before the task list is read")
        #expect(events.all.last == .cancelled(jobId: job.id))
        // The cancelled attempt's token is never sent again.
        let sent = await wire.calls(of: "ImportImage").count
        await #expect(throws: ImportError.self) { try await tracker().run(jobId: job.id, request: Self.request) }
        #expect(await wire.calls(of: "ImportImage").count == sent)
    }

    /// One image as DescribeImages lists it, imported from `object`.
    /// One image named `ubuntu-24.04-v1`; `job` gives it Hoist's tags for that job and `crc`.
    static func imageJSON(_ id: String, status: String, object: String = "images/disk.qcow2", bucket: String = "examplebucket",
                          job: String? = nil, crc: UInt64 = objectCRC) -> String {
        let tags = job.map { #","Tags":{"Tag":[{"TagKey":"hoist:job","TagValue":"\#($0)"},{"TagKey":"hoist:crc64","TagValue":"\#(crc)"}]}"# } ?? ""
        return #"{"RequestId":"r","TotalCount":1,"Images":{"Image":[{"ImageId":"\#(id)","ImageName":"ubuntu-24.04-v1","Status":"\#(status)","Progress":"20%","CreationTime":"2026-01-15T08:30:05Z"\#(tags),"DiskDeviceMappings":{"DiskDeviceMapping":[{"Device":"/dev/xvda","Type":"system","ImportOSSBucket":"\#(bucket)","ImportOSSObject":"\#(object)"}]}}]}}"#
    }

    /// ECS lists one image of the requested name imported from the job's object by `job` (its
    /// tags), still `Creating`, and its import task.
    static func oneImportingImage(job: String, crc: UInt64 = objectCRC) -> @Sendable (String) -> (Int, String)? {
        { action in oneImportingImage(action, job: job, crc: crc) }
    }

    static func oneImportingImage(_ action: String, job: String, crc: UInt64 = objectCRC) -> (Int, String)? {
        switch action {
        case "DescribeImages":
            return (200, imageJSON("m-earlier", status: "Creating", job: job, crc: crc))
        case "DescribeTasks":
            return (200, #"{"RequestId":"r","TotalCount":1,"TaskSet":{"Task":[{"TaskId":"t-earlier","TaskAction":"ImportImage","TaskStatus":"Processing","ResourceId":"m-earlier"}]}}"#)
        default:
            return nil
        }
    }

    @Test func anImportingImageOfTheSameNameIsAdoptedNotImportedAgain() async throws {
        let job = try await uploadedJob()
        let events = ImportEventLog()
        let outcome = try await tracker(events: events, answer: Self.oneImportingImage(job: job.id))
            .run(jobId: job.id, request: Self.request, wait: false)
        guard case .running(let record) = outcome else { Issue.record("\(outcome)"); return }
        #expect(record.imageId == "m-earlier" && record.taskId == "t-earlier" && record.progress == 20)
        #expect(try await journal.latestImport(jobId: job.id) == record, "the adopted ids are journaled")
        #expect(await wire.calls(of: "ImportImage").isEmpty)
        #expect(await wire.calls(of: "DescribeImages").first?.call.parameters["Status"] == "Creating,Waiting,Available,UnAvailable,CreateFailed")
        let proof = "tagged hoist:job=\(job.id) and hoist:crc64=\(Self.objectCRC): imported from this build's bytes"
        #expect(events.all.contains(.adopted(jobId: job.id, imageId: "m-earlier", taskId: "t-earlier", status: "Creating",
                                             proof: proof)))
        #expect(record.provenance == "adopted: " + proof, "the proof is journaled")
    }

    @Test func anImageTaggedWithThisJobButAnotherCRCIsRefused() async throws {
        let job = try await uploadedJob()
        let answer = Self.oneImportingImage(job: job.id, crc: Self.objectCRC + 1)
        do {
            _ = try await tracker(answer: answer).run(jobId: job.id, request: Self.request, wait: false)
            Issue.record("adopted an image of other bytes")
        } catch let error as ImportError {
            #expect(error.description.contains("m-earlier") && error.description.contains("hoist:crc64=\(Self.objectCRC + 1)"),
                    "\(error)")
        }
        #expect(await wire.calls(of: "ImportImage").isEmpty)
    }

    @Test func anImageOfAnotherJobOfTheSameObjectIsRefusedBeforeImportImage() async throws {
        let job = try await uploadedJob()
        do {
            _ = try await tracker(answer: Self.oneImportingImage(job: "j-0000day1")).run(jobId: job.id, request: Self.request)
            Issue.record("adopted yesterday's image")
        } catch let error as ImportError {
            #expect(error.description.contains("hoist:job=j-0000day1"), "\(error)")
        }
        #expect(await wire.calls(of: "ImportImage").isEmpty)
        #expect(try await journal.latestImport(jobId: job.id)?.imageId == nil)
    }

    @Test func everyImportImageCarriesTheBuildsTags() async throws {
        let job = try await uploadedJob()
        await #expect(throws: ImportError.self) { try await tracker().run(jobId: job.id, request: Self.request) }
        let sent = try #require(await wire.calls(of: "ImportImage").first)
        #expect(sent.call.parameters["Tag.1.Key"] == "hoist:job" && sent.call.parameters["Tag.1.Value"] == job.id)
        #expect(sent.call.parameters["Tag.2.Key"] == "hoist:crc64" && sent.call.parameters["Tag.2.Value"] == "\(Self.objectCRC)")
    }

    @Test func aCancelledAttemptsImageIsNotAdoptedByTheRetry() async throws {
        let job = try await uploadedJob()
        try await journal.updateState(jobId: job.id, to: .importing)
        try await journal.recordImport(ImportRecord(clientToken: "hoist-old", jobId: job.id, region: "cn-hangzhou",
                                                    imageName: "ubuntu-24.04-v1", taskId: "t-earlier", imageId: "m-earlier",
                                                    state: "Cancelled", parametersJSON: ImportRequestCoding.json(Self.request),
                                                    finishedAt: Date()))
        try await journal.updateState(jobId: job.id, to: .cancelled)
        // The cancelled task is over (ECS says so), though its image is still listed as Creating.
        let answer: @Sendable (String) -> (Int, String)? = { action in
            action == "DescribeTaskAttribute"
                ? (200, #"{"RequestId":"r","TaskId":"t-earlier","TaskAction":"ImportImage","TaskStatus":"Cancelled"}"#)
                : Self.oneImportingImage(action, job: job.id)
        }
        await #expect(throws: ImportError.self) { try await tracker(answer: answer).retry(jobId: job.id) }
        let sent = await wire.calls(of: "ImportImage")
        #expect(sent.count == 3, "imported anew (the network then failed) instead of adopting m-earlier")
        #expect(try await journal.latestImport(jobId: job.id)?.imageId == nil)
    }

    @Test func theSameCommandFindsItsJobAgain() async throws {
        let locator = ImportJobLocator(journal: journal)
        let object = ObjectLocation(bucket: "examplebucket", key: "images/disk.qcow2")
        let (first, existed) = try await locator.job(object: object, sourcePath: nil, source: nil, imageName: "a-name",
                                                     endpoint: "https://oss-cn-hangzhou.aliyuncs.com")
        #expect(!existed && first.sourcePath == "oss://examplebucket/images/disk.qcow2")
        try await journal.recordImport(ImportRecord(clientToken: "hoist-1", jobId: first.id, region: "cn-hangzhou",
                                                    imageName: "a-name", state: "Submitting"))
        let (again, existedAgain) = try await locator.job(object: object, sourcePath: nil, source: nil, imageName: "a-name",
                                                          endpoint: "x")
        #expect(existedAgain && again.id == first.id)
        let (other, _) = try await locator.job(object: object, sourcePath: nil, source: nil, imageName: "another-name",
                                               endpoint: "x")
        #expect(other.id != first.id, "another image name is another import")
    }
}

/// What the tracker sent, in order.
actor ImportWireLog {
    struct Call: Sendable {
        var action: String
        var parameters: [String: String]
        var clientToken: String? { parameters["ClientToken"] }

        init(_ request: HTTPRequest) {
            action = request.headers.first { $0.name.lowercased() == "x-acs-action" }?.value ?? ""
            var parameters: [String: String] = [:]
            if let query = request.url.split(separator: "?", maxSplits: 1).dropFirst().first {
                for pair in query.split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                    parameters[parts[0]] = parts.count > 1 ? parts[1] : ""
                }
            }
            self.parameters = parameters
        }
    }

    private(set) var log: [(call: Call, tokenWasCommitted: Bool)] = []

    func append(_ call: Call, tokenWasCommitted: Bool) { log.append((call, tokenWasCommitted)) }
    var actions: [String] { log.map(\.call.action) }
    func calls(of action: String) -> [(call: Call, tokenWasCommitted: Bool)] { log.filter { $0.call.action == action } }
}

/// Counts calls from a synchronous closure.
final class PollCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func next() -> Int { lock.withLock { count += 1; return count } }
}

/// Events a tracker emitted.
final class ImportEventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [ImportEvent] = []
    func append(_ event: ImportEvent) { lock.withLock { events.append(event) } }
    var all: [ImportEvent] { lock.withLock { events } }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
