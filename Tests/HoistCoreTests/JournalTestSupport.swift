import Foundation
@testable import HoistCore

/// A fresh directory under the system temp dir, removed when the value is released. Each test
/// gets its own, so tests run in parallel without sharing a journal.
final class ScratchDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "hoist-test-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    /// A new journal in this directory.
    func journal(_ name: String = "journal.sqlite") throws -> UploadJournal {
        try UploadJournal(path: file(name))
    }
}

/// Sample values for journal tests.
enum JournalSamples {
    static let identity = SourceIdentity(device: 2049, inode: 1_234_567, size: 10 * 1024 * 1024,
                                         mtimeNanoseconds: 1_700_000_000_123_456_789)

    static func newJob(path: String = "/var/spool/hoist/incoming/disk.qcow2", key: String = "images/disk.qcow2")
        -> NewJob
    {
        NewJob(sourcePath: path, source: identity, bucket: "examplebucket", key: key,
               endpoint: "oss-cn-hangzhou.aliyuncs.com", partSize: 1024 * 1024)
    }
}
