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
        let state = LockDirectory(path: scratch.file("locks"))
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
        let state = LockDirectory(path: scratch.file("locks"))
        let one = try await JobLock.acquire(key, in: state)
        let other = try await JobLock.acquire(JobLockKey(sourcePath: key.sourcePath, bucket: key.bucket, key: "other"),
                                              in: state)
        one.release()
        other.release()
    }

    @Test func droppingTheLastReferenceReleases() async throws {
        let scratch = try ScratchDirectory()
        let state = LockDirectory(path: scratch.file("locks"))
        do { _ = try await JobLock.acquire(key, in: state) }
        let again = try await JobLock.acquire(key, in: state)
        again.release()
    }

    @Test func aWaiterGetsTheLockWhenItIsReleased() async throws {
        let scratch = try ScratchDirectory()
        let state = LockDirectory(path: scratch.file("locks"))
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
        let state = LockDirectory(path: scratch.file("locks"))
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

    /// The folder is shared by every user's hoist (sticky, world-writable, as /run/lock), and a
    /// lock file lives only while it is held.
    @Test func theFolderIsSharedAndALockFileLivesWhileHeld() async throws {
        let scratch = try ScratchDirectory()
        let state = LockDirectory(path: scratch.file("locks"))
        let lock = try await JobLock.acquire(key, in: state)
        #expect(lock.path == state.path + "/" + key.fileName)
        #expect(try mode(lock.path) == 0o666)
        let attributes = try FileManager.default.attributesOfItem(atPath: state.path)
        #expect((attributes[.posixPermissions] as? Int ?? -1) & 0o7777 == 0o1777)
        lock.release()
        #expect(!FileManager.default.fileExists(atPath: lock.path), "a released lock leaves no file")
        #expect(try FileManager.default.contentsOfDirectory(atPath: state.path).isEmpty)
    }

    /// A waiter that held the old file when its holder removed it takes the new one, never a
    /// second lock beside the next holder's.
    @Test func aLockOnARemovedFileIsTakenAgainOnTheCurrentOne() async throws {
        let scratch = try ScratchDirectory()
        let state = LockDirectory(path: scratch.file("locks"))
        let key = key
        for _ in 0..<20 {
            let first = try await JobLock.acquire(key, in: state)
            let waiter = Task { try await JobLock.acquire(key, in: state, wait: true) }
            try await Task.sleep(for: .milliseconds(20))
            first.release()
            let second = try await waiter.value
            #expect(FileManager.default.fileExists(atPath: second.path), "the holder's file is the one the path names")
            #expect(await Self.refusal(key, in: state) != nil, "a third run is refused while the second holds it")
            second.release()
        }
    }

    /// `hoist status` asks the kernel who holds a lock, without taking it.
    @Test func theHolderIsReadFromProcLocksWithoutTakingTheLock() async throws {
        let scratch = try ScratchDirectory()
        let state = LockDirectory(path: scratch.file("locks"))
        let lock = try await JobLock.acquire(key, in: state)
        #expect(HostLock.holderPid(of: lock.path) == getpid())
        #expect(await Self.refusal(key, in: state) != nil, "still held after looking")
        lock.release()
        #expect(HostLock.holderPid(of: lock.path) == nil)
    }

    /// Two keys for one object: the source does not matter, the service does.
    @Test func theLockIsTheObjectsWhateverTheSource() {
        let other = JobLockKey(sourcePath: "/elsewhere/disk.qcow2", bucket: key.bucket, key: key.key)
        #expect(other == key && other.fileName == key.fileName)
        let external = JobLockKey(sourcePath: "/a", bucket: "b", key: "k", endpoint: "https://oss-cn-hangzhou.aliyuncs.com")
        let inside = JobLockKey(sourcePath: "/a", bucket: "b", key: "k", endpoint: "oss-cn-hangzhou-internal.aliyuncs.com")
        let emulator = JobLockKey(sourcePath: "/a", bucket: "b", key: "k", endpoint: "http://127.0.0.1:9000")
        #expect(external == inside && external != emulator)
    }

    @Test func theFileNameDependsOnEveryField() {
        let names = Set([
            key.fileName,
            JobLockKey(sourcePath: "/images/disk.qcow2", bucket: "images2", key: "builds/disk.qcow2").fileName,
            JobLockKey(sourcePath: "/images/disk.qcow2", bucket: "images", key: "builds/disk.qcow").fileName,
            JobLockKey(sourcePath: "/images/disk.qcow2", bucket: "images", key: "builds/disk.qcow2",
                       endpoint: "http://127.0.0.1:1").fileName,
        ])
        #expect(names.count == 4)
        #expect(key.fileName == JobLockKey(sourcePath: key.sourcePath, bucket: key.bucket, key: key.key).fileName)
        #expect(key.fileName.hasPrefix("object-") && key.fileName.hasSuffix(".lock") && !key.fileName.contains("/"))
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
    static func refusal(_ key: JobLockKey, in state: LockDirectory) async -> JobLockError? {
        do {
            let lock = try await JobLock.acquire(key, in: state)
            lock.release()
            return nil
        } catch let error as JobLockError {
            return error
        } catch {
            return nil
        }
    }

    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
    }
}
