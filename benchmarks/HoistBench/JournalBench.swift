import Foundation
import HoistCore

/// `hoist-bench journal [PARTS]`: durable part commits per second through `UploadJournal`,
/// the same call an upload makes once per acknowledged part (one fsync'd WAL transaction
/// each), into a fresh journal in a temporary directory on the disk `TMPDIR` names.
enum JournalBench {
    static func run(parts: Int) async throws {
        let directory = NSTemporaryDirectory() + "hoist-bench-journal-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try UploadJournal(path: directory + "/journal.sqlite")
        let partSize: Int64 = 8 << 20
        let identity = SourceIdentity(device: 1, inode: 1, size: partSize * Int64(parts), mtimeNanoseconds: 0)
        let job = try await journal.createJob(NewJob(
            sourcePath: directory + "/disk.raw", source: identity, bucket: "bench", key: "disk.raw",
            endpoint: "http://127.0.0.1", partSize: partSize))
        try await journal.recordUpload(jobId: job.id, uploadId: "bench-upload", partSize: partSize, partCount: parts)
        let start = now()
        for number in 1...parts {
            try await journal.recordPart(
                uploadId: "bench-upload", number: number, offset: Int64(number - 1) * partSize, size: partSize,
                etag: "\"etag-\(number)\"", crc64: UInt64(number) &* 0x9E37_79B9_7F4A_7C15)
        }
        let seconds = now() - start
        print(String(format: "journal part commits: %d in %.3f s = %.0f per second (synchronous=FULL, WAL)",
                     parts, seconds, Double(parts) / seconds))
    }
}
