import Foundation
import HoistCore
import Testing
@testable import HoistAgent

/// The status line (`STATUS=`, the status file's `line`) and the status file itself.
@Suite struct AgentStatusTests {
    typealias Job = AgentStatus.Job

    @Test func theLineShowsUploadsWithSpeedThenQueueImportsAndNetwork() {
        let snapshot = AgentStatus.Snapshot(
            jobs: [Job(name: "disk.qcow2", phase: .uploading, percent: 43, bytesPerSecond: 812_400_000),
                   Job(name: "web.raw", phase: .importing)],
            queued: 2, networkDownSeconds: 40)
        #expect(AgentStatus.line(snapshot) == "uploading disk.qcow2 43% 812 MB/s; 2 queued; importing 1; network down 40 s")
    }

    @Test func aJobWithoutSpeedYetShowsNoneAndIdleSaysSo() {
        let starting = AgentStatus.Snapshot(jobs: [Job(name: "a.img", phase: .uploading, percent: 0),
                                                   Job(name: "b.img", phase: .starting),
                                                   Job(name: "c.img", phase: .waitingForLock)])
        #expect(AgentStatus.line(starting) == "uploading a.img 0%; starting b.img; c.img waiting for another hoist")
        #expect(AgentStatus.line(AgentStatus.Snapshot()) == "idle; waiting for images")
    }

    /// A new build of a key whose earlier import still runs says so in `STATUS=` until its upload starts.
    @Test func aJobWaitingForAnEarlierImportSaysSo() {
        let status = AgentStatus(now: { 0 })
        status.started("web.raw")
        let wait = ImportEvent.waitingForEarlierImport(jobId: "j-day1", imageId: "m-1", object: ObjectLocation(bucket: "b", key: "web.raw"),
                                                       status: "Creating", percent: 40)
        #expect(status.record(.import(wait), job: "web.raw"))
        #expect(status.line == "web.raw waiting for an earlier import of its object")
        status.record(.upload(.progress(UploadProgress(totalBytes: 10, bytesDone: 1, bytesPerSecond: 0))), job: "web.raw")
        #expect(status.line == "uploading web.raw 10%")
    }

    @Test func speedsReadAtAGlance() {
        #expect(AgentStatus.rate(1_234_000_000) == "1.2 GB/s")
        #expect(AgentStatus.rate(812_000_000) == "812 MB/s")
        #expect(AgentStatus.rate(640_000) == "640 kB/s")
        #expect(AgentStatus.rate(12) == "12 B/s")
    }

    /// Progress events set percent and speed; network events set and clear the outage; the
    /// clock is made up, so the outage's length is exact.
    @Test func eventsDriveTheSnapshot() {
        let clock = LockedClock(100)
        let status = AgentStatus(now: { clock.now })
        status.started("disk.qcow2")
        status.queued(1)
        let progress = UploadProgress(totalBytes: 1000, bytesDone: 430, bytesPerSecond: 2_000_000)
        #expect(status.record(.upload(.progress(progress)), job: "disk.qcow2"))
        status.record(.upload(.networkDown), job: "disk.qcow2")
        clock.now = 140
        #expect(status.line == "uploading disk.qcow2 43% 2 MB/s; 1 queued; network down 40 s")
        #expect(status.snapshot.jobs.first?.bytesDone == 430)
        status.record(.upload(.networkBack(afterSeconds: 40)), job: "disk.qcow2")
        status.ended("disk.qcow2")
        #expect(status.line == "1 queued")
    }

    @Test func theStatusFileIsReplacedWholeAndPrivate() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file(AgentStatusFile.fileName)
        let snapshot = AgentStatus.Snapshot(jobs: [Job(name: "disk.qcow2", phase: .uploading, percent: 5)], queued: 1)
        let pid = ProcessInfo.processInfo.processIdentifier
        try AgentStatusFile(pid: pid, since: Date(), snapshot: snapshot).save(to: path)
        try AgentStatusFile(pid: pid, since: Date(), snapshot: AgentStatus.Snapshot()).save(to: path)
        let read = try #require(AgentStatusFile.read(from: path))
        #expect(read.line == "idle; waiting for images" && read.jobs.isEmpty && read.network.up)
        let mode = try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == [AgentStatusFile.fileName])
        let directory = StateDirectory(path: scratch.path)
        #expect(AgentPresence.look(in: directory).state == "running")
        AgentStatusFile.remove(at: path, pid: pid + 1)
        #expect(AgentStatusFile.read(from: path) != nil, "another process's file is left alone")
        AgentStatusFile.remove(at: path, pid: pid)
        #expect(AgentPresence.look(in: directory) == .notRunning)
    }

    /// A file whose process is gone (here a child that has exited) is reported stale.
    @Test func aFileLeftByAGoneAgentIsStale() throws {
        let scratch = try ScratchDirectory()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        try AgentStatusFile(pid: child.processIdentifier, since: Date(), snapshot: AgentStatus.Snapshot())
            .save(to: scratch.file(AgentStatusFile.fileName))
        let presence = AgentPresence.look(in: StateDirectory(path: scratch.path))
        #expect(presence.state == "stale")
        #expect(presence.summary.hasPrefix("agent: not running (stale status of pid \(child.processIdentifier)"))
    }
}

final class LockedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Double
    init(_ value: Double) { self.value = value }
    var now: Double {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
