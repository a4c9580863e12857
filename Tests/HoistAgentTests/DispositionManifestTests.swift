import Foundation
import HoistCore
import Testing
@testable import HoistAgent

/// The image's own manifest `NAME.toml` is filed with it, never left behind to be applied to a
/// later image of the same name; the folder's `_defaults.toml` stays.
@Suite struct DispositionManifestTests {
    let scratch: ScratchDirectory
    let disposition: Disposition

    init() throws {
        scratch = try ScratchDirectory()
        disposition = Disposition(doneDirectory: scratch.file("done"), failedDirectory: scratch.file("failed"))
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = scratch.file(name)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: scratch.file(name)) }

    func result(_ file: String, imageId: String? = "m-1") -> JobResult {
        JobResult(jobId: "job-1", file: file, object: ObjectLocation(bucket: "images", key: file), size: 5, crc64: 7,
                  imageId: imageId, region: "cn-hangzhou", uploadSeconds: 1, importSeconds: imageId == nil ? nil : 2,
                  bytesSent: 5, bytesResent: 0)
    }

    @Test func theManifestGoesToDoneAndFailedWithItsImage() throws {
        let good = try write("good.qcow2", "image")
        _ = try write("good.qcow2.toml", "image-name = \"good\"\n")
        _ = try write("_defaults.toml", "platform = \"Ubuntu\"\n")
        try disposition.succeeded(imagePath: good, result: result("good.qcow2"))
        #expect(exists("done/good.qcow2") && exists("done/good.qcow2.toml"))
        #expect(!exists("good.qcow2.toml"))
        #expect(exists("_defaults.toml"), "the folder's defaults belong to the folder")

        let bad = try write("bad.raw", "image")
        _ = try write("bad.raw.toml", "platfrom = 1\n")
        try disposition.failed(imagePath: bad, summary: "bad manifest")
        #expect(exists("failed/bad.raw") && exists("failed/bad.raw.error") && exists("failed/bad.raw.toml"))
        #expect(!exists("bad.raw.toml"))
    }

    /// A second image of the same name takes the next free name for all three files, so the
    /// first one's manifest is never overwritten.
    @Test func aSecondImageOfTheSameNameKeepsItsOwnManifest() throws {
        for round in 1...2 {
            let image = try write("disk.qcow2", "image \(round)")
            _ = try write("disk.qcow2.toml", "image-name = \"v\(round)\"\n")
            try disposition.succeeded(imagePath: image, result: result("disk.qcow2"))
        }
        #expect(try String(contentsOfFile: scratch.file("done/disk.qcow2.toml"), encoding: .utf8).contains("v1"))
        #expect(try String(contentsOfFile: scratch.file("done/disk-2.qcow2.toml"), encoding: .utf8).contains("v2"))
        #expect(try String(contentsOfFile: scratch.file("done/disk-2.qcow2"), encoding: .utf8) == "image 2")
    }

    @Test func deletingTheImageStillFilesItsManifestBesideTheResult() throws {
        let deleting = Disposition(doneDirectory: scratch.file("done"), failedDirectory: scratch.file("failed"),
                                   deleteAfterImport: true)
        let image = try write("gone.raw", "image")
        _ = try write("gone.raw.toml", "import = false\n")
        let filed = try deleting.succeeded(imagePath: image, result: result("gone.raw", imageId: nil))
        #expect(filed.image == nil && !exists("gone.raw") && !exists("gone.raw.toml"))
        #expect(exists("done/gone.raw.result.json") && exists("done/gone.raw.toml") && !exists("done/gone.raw"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: filed.record)))
            as? [String: Any]
        #expect(json?["import"] as? Bool == false)
        #expect(json?["imageId"] == nil)
    }
}
