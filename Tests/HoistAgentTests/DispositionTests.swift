import Foundation
import HoistCore
import Testing
@testable import HoistAgent

/// Filing finished images in done/ and failed/ of a real folder.
@Suite struct DispositionTests {
    let scratch: ScratchDirectory
    let disposition: Disposition

    init() throws {
        scratch = try ScratchDirectory()
        let settings = try AgentSettings.resolve(flags: AgentConfig(watch: [scratch.path]), environment: [:],
                                                 file: AgentConfig())
        disposition = Disposition(watchFolder: scratch.path, settings: settings)
    }

    func drop(_ name: String, _ text: String = "image bytes") throws -> String {
        let path = scratch.file(name)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    func result(_ file: String, imageId: String? = "m-123") -> JobResult {
        JobResult(jobId: "job-1", file: file, object: ObjectLocation(bucket: "images", key: "builds/\(file)"),
                  size: 11, crc64: UInt64.max - 1, imageId: imageId, region: "cn-hangzhou", uploadSeconds: 1.5,
                  importSeconds: 60, bytesSent: 11, bytesResent: 0,
                  finishedAt: Date(timeIntervalSince1970: 1_800_000_000))
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func successMovesTheImageToDoneWithItsResult() throws {
        let image = try drop("disk.qcow2")
        let filed = try disposition.succeeded(imagePath: image, result: result("disk.qcow2"))
        #expect(filed.image == scratch.file("done/disk.qcow2"))
        #expect(filed.record == scratch.file("done/disk.qcow2.result.json"))
        #expect(!FileManager.default.fileExists(atPath: image))
        #expect(try read(scratch.file("done/disk.qcow2")) == "image bytes")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: filed.record)))
            as? [String: Any]
        #expect(json?["jobId"] as? String == "job-1")
        #expect(json?["object"] as? String == "oss://images/builds/disk.qcow2")
        #expect(json?["crc64"] as? String == "18446744073709551614")
        #expect(json?["imageId"] as? String == "m-123")
        #expect(json?["region"] as? String == "cn-hangzhou")
        #expect(json?["size"] as? Int == 11)
        #expect(json?["bytesSent"] as? Int == 11)
        #expect(json?["bytesResent"] as? Int == 0)
        #expect(json?["uploadSeconds"] as? Double == 1.5)
        #expect(json?["importSeconds"] as? Double == 60)
        #expect(json?["finishedAt"] as? String == "2027-01-15T08:00:00Z")
        // Nothing temporary is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.file("done")).sorted()
                == ["disk.qcow2", "disk.qcow2.result.json"])
    }

    /// A manifest that arrived after its image was taken did not apply: it is filed under a name
    /// that says so, never as the image's manifest.
    @Test func aLateManifestIsFiledAsUnused() throws {
        let image = try drop("late.qcow2")
        _ = try drop("late.qcow2.toml", "image-name = \"late\"\n")
        var late = disposition
        late.manifestWasUsed = false
        let filed = try late.succeeded(imagePath: image, result: result("late.qcow2"))
        #expect(filed.unusedManifest == scratch.file("done/late.qcow2.toml.unused"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.file("done")).sorted()
                == ["late.qcow2", "late.qcow2.result.json", "late.qcow2.toml.unused"])
    }

    /// A name as long as a file name may be still gets its record beside it, shortened.
    @Test func aNameTooLongForItsRecordIsShortenedWithAHash() throws {
        let long = String(repeating: "n", count: 246) + ".qcow2"
        let other = String(repeating: "n", count: 245) + "x.qcow2"
        let first = try disposition.succeeded(imagePath: try drop(long), result: result(long))
        let second = try disposition.succeeded(imagePath: try drop(other), result: result(other))
        for filed in [first, second] {
            #expect((filed.record as NSString).lastPathComponent.utf8.count <= 255)
            #expect(filed.record == (filed.image ?? "") + ".result.json" && filed.image?.hasSuffix(".qcow2") == true)
        }
        #expect(first.record != second.record, "two long names stay apart")
    }

    @Test func aSecondImageOfTheSameNameNeverOverwritesTheFirst() throws {
        try disposition.succeeded(imagePath: try drop("disk.qcow2", "first"), result: result("disk.qcow2"))
        let second = try disposition.succeeded(imagePath: try drop("disk.qcow2", "second"), result: result("disk.qcow2"))
        #expect(second.image == scratch.file("done/disk-2.qcow2"))
        #expect(second.record == scratch.file("done/disk-2.qcow2.result.json"))
        #expect(try read(scratch.file("done/disk.qcow2")) == "first")
        #expect(try read(scratch.file("done/disk-2.qcow2")) == "second")
        // A stray result without its image still blocks its name.
        try "stray".write(toFile: scratch.file("done/disk-3.qcow2.result.json"), atomically: false, encoding: .utf8)
        let third = try disposition.succeeded(imagePath: try drop("disk.qcow2", "third"), result: result("disk.qcow2"))
        #expect(third.image == scratch.file("done/disk-4.qcow2"))
        #expect(try read(scratch.file("done/disk-3.qcow2.result.json")) == "stray")
        #expect(Disposition.candidateName("noext", attempt: 2) == "noext-2")
        #expect(Disposition.candidateName(".hidden.raw", attempt: 3) == ".hidden-3.raw")
    }

    @Test func deleteAfterImportDeletesTheImageAndKeepsTheResult() throws {
        let deleting = Disposition(doneDirectory: scratch.file("done"), failedDirectory: scratch.file("failed"),
                                   deleteAfterImport: true)
        let image = try drop("disk.raw")
        let filed = try deleting.succeeded(imagePath: image, result: result("disk.raw"))
        #expect(filed.image == nil)
        #expect(!FileManager.default.fileExists(atPath: image))
        #expect(FileManager.default.fileExists(atPath: scratch.file("done/disk.raw.result.json")))
        #expect(!FileManager.default.fileExists(atPath: scratch.file("done/disk.raw")))
    }

    @Test func failureMovesTheImageToFailedWithAnActionableFirstLine() throws {
        let image = try drop("disk.vmdk")
        let filed = try disposition.failed(imagePath: image,
                                           summary: "The manifest disk.vmdk.toml is invalid:\nfix line 3 and drop the image again.",
                                           details: "disk.vmdk.toml:3: unknown key platfrom")
        #expect(filed.image == scratch.file("failed/disk.vmdk"))
        let lines = try read(filed.record).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "The manifest disk.vmdk.toml is invalid: fix line 3 and drop the image again.")
        #expect(lines[1] == "")
        #expect(lines[2] == "disk.vmdk.toml:3: unknown key platfrom")
    }

    @Test func nonRegularEntriesAreRefusedWithAReason() throws {
        let target = try drop("real.qcow2")
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link.qcow2"), withDestinationPath: target)
        try FileManager.default.createDirectory(atPath: scratch.file("folder.raw"), withIntermediateDirectories: false)
        #expect(mkfifo(scratch.file("pipe.raw"), 0o600) == 0)
        for (name, word) in [("link.qcow2", "symbolic link"), ("folder.raw", "folder"), ("pipe.raw", "named pipe")] {
            let kind = try #require(EntryLook.of(scratch.file(name))?.kind)
            let filed = try disposition.refused(path: scratch.file(name), because: .kind(kind))
            #expect(filed.image == scratch.file("failed/\(name)"))
            let first = try read(filed.record).split(separator: "\n").first.map(String.init) ?? ""
            #expect(first.hasPrefix("Refused: \(name) is a \(word)"), "\(first)")
        }
        // The link was moved as a link; what it pointed to was not touched.
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: scratch.file("failed/link.qcow2")) == target)
        #expect(try read(target) == "image bytes")
        #expect(EntryLook.of(scratch.file("failed/folder.raw"))?.kind == .directory)
        #expect(EntryLook.of(scratch.file("failed/pipe.raw"))?.kind == .fifo)
    }

    @Test func aDoneFolderOnAnotherFilesystemIsAClearError() throws {
        // /dev/shm is a tmpfs on Linux; the scratch folder is not (it is under the temp dir).
        let shm = "/dev/shm/hoist-test-" + UUID().uuidString.prefix(8)
        guard FileManager.default.fileExists(atPath: "/dev/shm"),
              (try? FileManager.default.createDirectory(atPath: shm, withIntermediateDirectories: true)) != nil,
              EntryLook.of(shm)?.identity.device != EntryLook.of(scratch.path)?.identity.device else { return }
        defer { try? FileManager.default.removeItem(atPath: shm) }
        let elsewhere = Disposition(doneDirectory: shm, failedDirectory: shm)
        let image = try drop("disk.qcow2")
        #expect(throws: DispositionError.otherFilesystem(from: image, to: shm + "/disk.qcow2")) {
            try elsewhere.succeeded(imagePath: image, result: result("disk.qcow2"))
        }
        #expect(FileManager.default.fileExists(atPath: image))
        #expect(!FileManager.default.fileExists(atPath: shm + "/disk.qcow2.result.json"))
    }
}
