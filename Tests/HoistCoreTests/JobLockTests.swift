import Foundation
import Synchronization
import Testing
@testable import HoistCore

/// `JobLock`: one runner per job. flock locks belong to open file descriptions, so two
/// acquisitions in one process exclude each other exactly as two processes would.
@Suite struct JobLockTests {
    let key = JobLockKey(sourcePath: "/images/disk.qcow2", bucket: "images", key: "builds/disk.qcow2")

    @Test func aSecondRunnerIsRefusedWithTheHoldersPid() async throws {
        let scratch = try ScratchDirectory()
        let state = StateDirectory(path: scratch.file("state"))
        let first = try await JobLock.acquire(key, in: state)
        let refusal = await Self.refusal(key, in: state)
        let error = try #require(refusal, "the second acquisition succeeded while the first held the lock")
        #expect(error == .held(key, holder: JobLockHolder.recorded(for: key, in: state)))
        #expect(JobLockHolder.recorded(for: key, in: state)?.pid == getpid())
        #expect(error.description.contains("hoist process \(getpid())"), "\(error)")
        #expect(error.description.contains("--wait-for-lock"))
        first.release()
        let again = try await JobLock.acquire(key, in: state)
        again.release()
    }

    @Test func otherJobsAreNotExcluded() async throws {
        let scratch = try ScratchDirectory()
        let state = StateDirectory(path: scratch.file("state"))
        let one = try await JobLock.acquire(key, in: state)
        let other = try await JobLock.acquire(JobLockKey(sourcePath: key.sourcePath, bucket: key.bucket, key: "other"),
                                              in: state)
        one.release()
        other.release()
    }

    @Test func droppingTheLastReferenceReleases() async throws {
        let scratch = try ScratchDirectory()
        let state = StateDirectory(path: scratch.file("state"))
        do { _ = try await JobLock.acquire(key, in: state) }
        let again = try await JobLock.acquire(key, in: state)
        again.release()
    }

    @Test func aWaiterGetsTheLockWhenItIsReleased() async throws {
        let scratch = try ScratchDirectory()
        let state = StateDirectory(path: scratch.file("state"))
        let first = try await JobLock.acquire(key, in: state)
        let (waiting, announce) = AsyncStream.makeStream(of: JobLockHolder?.self)
        let key = key
        let waiter = Task { try await JobLock.acquire(key, in: state, wait: true) { announce.yield($0) } }
        var iterator = waiting.makeAsyncIterator()
        let holder = await iterator.next()
        #expect(holder??.pid == getpid())
        first.release()
        let second = try await waiter.value
        #expect(JobLockHolder.recorded(for: key, in: state)?.pid == getpid())
        second.release()
    }

    @Test func aCancelledWaiterGivesUp() async throws {
        let scratch = try ScratchDirectory()
        let state = StateDirectory(path: scratch.file("state"))
        let first = try await JobLock.acquire(key, in: state)
        defer { first.release() }
        let (waiting, announce) = AsyncStream.makeStream(of: Void.self)
        let key = key
        let waiter = Task { try await JobLock.acquire(key, in: state, wait: true) { _ in announce.yield() } }
        var iterator = waiting.makeAsyncIterator()
        _ = await iterator.next()
        waiter.cancel()
        await #expect(throws: JobLockError.cancelled(key)) { _ = try await waiter.value }
    }

    @Test func lockFilesAndTheirDirectoryArePrivate() async throws {
        let scratch = try ScratchDirectory()
        let state = StateDirectory(path: scratch.file("state"))
        let lock = try await JobLock.acquire(key, in: state)
        defer { lock.release() }
        #expect(lock.path == state.locksPath + "/" + key.fileName)
        #expect(try mode(lock.path) == 0o600)
        #expect(try mode(state.locksPath) == 0o700)
        #expect(try mode(state.path) == 0o700)
    }

    @Test func theFileNameDependsOnEveryField() {
        let names = Set([
            key.fileName,
            JobLockKey(sourcePath: "/images/disk.qcow2x", bucket: "images", key: "builds/disk.qcow2").fileName,
            JobLockKey(sourcePath: "/images/disk.qcow2", bucket: "images2", key: "builds/disk.qcow2").fileName,
            JobLockKey(sourcePath: "/images/disk.qcow2", bucket: "images", key: "builds/disk.qcow").fileName,
        ])
        #expect(names.count == 4)
        #expect(key.fileName == JobLockKey(sourcePath: key.sourcePath, bucket: key.bucket, key: key.key).fileName)
        #expect(key.fileName.hasPrefix("job-") && key.fileName.hasSuffix(".lock") && !key.fileName.contains("/"))
    }

    @Test func holderRecordsRoundTrip() {
        let holder = JobLockHolder(pid: 4242, since: Date(timeIntervalSince1970: 1_700_000_000.123))
        let text = String(decoding: holder.record, as: UTF8.self)
        #expect(holder.record.count == JobLockHolder.recordLength)
        #expect(JobLockHolder(record: text) == holder)
        #expect(JobLockHolder(record: "") == nil)
        #expect(JobLockHolder(record: "garbage") == nil)
    }

    /// The error of a non-waiting acquisition, or nil when it succeeded.
    static func refusal(_ key: JobLockKey, in state: StateDirectory) async -> JobLockError? {
        do {
            let lock = try await JobLock.acquire(key, in: state)
            lock.release()
            return nil
        } catch {
            return error
        }
    }

    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
    }
}
