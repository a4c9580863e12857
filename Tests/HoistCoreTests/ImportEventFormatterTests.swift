import Foundation
import Testing
@testable import HoistCore

@Suite struct ImportEventFormatterTests {
    let date = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func plainLinesOnePerEventAndProgressOnlyWhenItChanges() {
        var f = ImportEventFormatter(style: .plain)
        #expect(f.render(.submitted(jobId: "j-1", taskId: "t-1", imageId: "m-1")) == "job j-1: ImportImage started task t-1 for image m-1\n")
        #expect(f.render(.progress(jobId: "j-1", status: "Creating", percent: 35)) == "job j-1: Creating 35%\n")
        #expect(f.render(.progress(jobId: "j-1", status: "Creating", percent: 35)) == nil)
        #expect(f.render(.progress(jobId: "j-1", status: "Creating", percent: nil)) == "job j-1: Creating\n")
        #expect(f.render(.failed(jobId: "j-1", reason: "CreateFailed: bad image")) == "job j-1: import failed: CreateFailed: bad image\n")
        #expect(f.finish() == nil)
    }

    @Test func terminalRedrawsOneProgressLine() throws {
        var f = ImportEventFormatter(style: .terminal)
        let firstText = f.render(.progress(jobId: "j-1", status: "Creating", percent: 40))
        let first = try #require(firstText)
        #expect(first == "job j-1  Creating  [########------------]  40%")
        let secondText = f.render(.progress(jobId: "j-1", status: "Creating", percent: 100))
        let second = try #require(secondText)
        #expect(second.hasPrefix("\r\u{1B}[2K") && second.hasSuffix("[####################] 100%"))
        let warningText = f.render(.warning("careful"))
        let warning = try #require(warningText)
        #expect(warning == "\r\u{1B}[2Kwarning: careful\n", "a message replaces the live line")
        #expect(f.finish() == nil, "no live line after a message")
        _ = f.render(.progress(jobId: "j-1", status: "Waiting", percent: nil))
        #expect(f.finish() == "\n")
    }

    @Test func jsonLinesCarryStableNamesAndFields() throws {
        var f = ImportEventFormatter(style: .json)
        let lineText = f.render(.progress(jobId: "j-1", status: "Creating", percent: 35), at: date)
        let line = try #require(lineText)
        #expect(line.hasSuffix("\n") && !line.dropLast().contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["event"] as? String == "progress")
        #expect(object["job"] as? String == "j-1" && object["status"] as? String == "Creating")
        #expect(object["percent"] as? Int == 35)
        #expect(object["time"] as? String == "2023-11-14T22:13:20Z")

        let retryText = f.render(.retrying(operation: "ImportImage", attempt: 2, delay: .milliseconds(1500),
                                           reason: "Throttling: slow down"), at: date)
        let retry = try #require(retryText)
        let r = try #require(try JSONSerialization.jsonObject(with: Data(retry.utf8)) as? [String: Any])
        #expect(r["event"] as? String == "retrying" && r["attempt"] as? Int == 2 && r["delaySeconds"] as? Double == 1.5)
    }

    @Test func everyEventHasASentence() {
        let inspection = ImageInspection(format: .qcow2, virtualSize: 40 << 30, fileSize: 3 << 30, details: "qcow2 v3")
        let events: [ImportEvent] = [
            .inspected(path: "/d.qcow2", inspection: inspection),
            .tokenCommitted(jobId: "j", clientToken: "hoist-x", reused: false),
            .tokenCommitted(jobId: "j", clientToken: "hoist-x", reused: true),
            .adopted(jobId: "j", imageId: "m", taskId: nil, status: "Creating", proof: "tagged hoist:job=j"),
            .waitingForEarlierImport(jobId: "j-old", imageId: "m-old", object: ObjectLocation(bucket: "b", key: "k"),
                                     status: "Creating", percent: 40),
            .resumed(jobId: "j", taskId: "t", imageId: "m"),
            .available(jobId: "j", imageId: "m"), .cancelled(jobId: "j"),
        ]
        for event in events {
            #expect(!ImportEventFormatter.sentence(event).isEmpty)
        }
        #expect(ImportEventFormatter.sentence(events[0]).contains("virtual size 40.0 GiB"))
        #expect(ImportEventFormatter.sentence(events[2]).contains("continuing"))
    }
}
