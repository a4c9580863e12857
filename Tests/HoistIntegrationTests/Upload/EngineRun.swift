import Foundation
import HoistCore
import HoistEmulator

/// Runs the upload engine in this process against a scenario's emulator, with a retry policy,
/// network view and transport options the CLI does not expose, and records every event.
final class EngineRun: @unchecked Sendable {
    let scenario: UploadScenario
    let transport: Transport
    let journal: UploadJournal
    let engine: ResumableUpload
    private let recorder: EventRecorder

    init(_ scenario: UploadScenario, policy: RetryPolicy, transportOptions: TransportOptions = TransportOptions(),
         consumer: (@Sendable (UploadEvent) -> Void)? = nil) throws {
        self.scenario = scenario
        transport = try Transport(options: transportOptions)
        journal = try UploadJournal(path: scenario.stateDirectory + "/engine-\(UUID().uuidString.prefix(6)).sqlite")
        let client = OSSClient(endpoint: OSSEndpoint(scenario.server.baseURL)!,
                               signer: OSSRequestSigner(version: .v4, region: "cn-hangzhou"), transport: transport,
                               credentials: { Credentials(accessKeyId: UploadScenario.accessKey.id,
                                                          accessKeySecret: UploadScenario.accessKey.secret) })
        let recorder = EventRecorder()
        self.recorder = recorder
        engine = ResumableUpload(client: client, journal: journal, policy: policy, onEvent: { event in
            consumer?(event)
            recorder.append(event)
        })
    }

    var events: [UploadEvent] { recorder.events }

    func count(_ matches: (UploadEvent) -> Bool) -> Int { events.filter(matches).count }

    func request(_ path: String, key: String, parallel: Int = 4) -> UploadRequest {
        UploadRequest(sourcePath: path, location: ObjectLocation(bucket: scenario.bucket, key: key),
                      partSize: scenario.partSize, parallel: parallel, endpoint: scenario.server.baseURL)
    }

    func close() {
        transport.shutdown()
        try? journal.close()
    }
}

extension CounterSnapshot {
    func requests(_ operation: String) -> Int { requests[operation] ?? 0 }
}

/// Every event the engine delivered, in order.
final class EventRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var received: [UploadEvent] = []

    func append(_ event: UploadEvent) { lock.withLock { received.append(event) } }
    var events: [UploadEvent] { lock.withLock { received } }
}
