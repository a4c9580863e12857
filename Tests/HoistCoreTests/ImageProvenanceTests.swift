import Foundation
import Testing
@testable import HoistCore

/// The rules that decide whether an image holding a job's name is this build's.
@Suite struct ImageProvenanceTests {
    static let object = ObjectLocation(bucket: "images", key: "builds/web.raw")
    static let written = ECSTimestamp.parse("2026-12-08T03:00:00Z")!

    static func image(tags: [ImportImageRequest.Tag] = [], created: String? = "2026-12-08T03:20:00Z",
                      object: ObjectLocation? = ImageProvenanceTests.object) -> ECSImage {
        ECSImage(imageId: "m-1", imageName: "web", status: .available, creationTime: created, tags: tags,
                 diskDeviceMappings: object.map { [ECSImageDisk(type: "system", importOSSBucket: $0.bucket, importOSSObject: $0.key)] } ?? [])
    }

    static let build = ImageProvenance.Build(jobId: "j-day2", crc64: 42, object: object, objectWrittenAt: written)

    @Test func tagsOfThisJobAndItsCRCProveIt() {
        let verdict = ImageProvenance.judge(Self.image(tags: ImageProvenance.tags(jobId: "j-day2", crc64: 42)), build: Self.build)
        #expect(verdict.isOurs)
    }

    @Test func tagsOfAnotherJobOrOtherBytesDoNot() {
        for tags in [ImageProvenance.tags(jobId: "j-day1", crc64: 42), ImageProvenance.tags(jobId: "j-day2", crc64: 41),
                     ImageProvenance.tags(jobId: "j-day2", crc64: nil)] {
            // Tagged images are judged by their tags alone, however late they were made.
            let verdict = ImageProvenance.judge(Self.image(tags: tags, created: "2027-01-01T00:00:00Z"), build: Self.build)
            #expect(!verdict.isOurs, "\(tags)")
        }
        var unverified = Self.build
        unverified.crc64 = nil
        #expect(!ImageProvenance.judge(Self.image(tags: ImageProvenance.tags(jobId: "j-day2", crc64: 42)), build: unverified).isOurs)
    }

    @Test func anUntaggedImageMustPostdateTheObjectsCurrentVersionByTheMargin() {
        #expect(ImageProvenance.judge(Self.image(created: "2026-12-08T03:20:00Z"), build: Self.build).isOurs)
        // Made before the current version: yesterday's bytes under the same key.
        guard case .notOurs(let reason) = ImageProvenance.judge(Self.image(created: "2026-12-07T03:20:00Z"), build: Self.build)
        else { Issue.record("an image older than its object was adopted"); return }
        #expect(reason.contains("2026-12-07T03:20:00Z") && reason.contains("2026-12-08T03:00:00Z"), "\(reason)")
        // Inside the margin counts as not proven.
        #expect(!ImageProvenance.judge(Self.image(created: "2026-12-08T03:04:00Z"), build: Self.build).isOurs)
        #expect(ImageProvenance.judge(Self.image(created: "2026-12-08T03:04:00Z"), build: Self.build, margin: .seconds(60)).isOurs)
        // No time to compare, or no version known: not proven.
        #expect(!ImageProvenance.judge(Self.image(created: nil), build: Self.build).isOurs)
        var rewriting = Self.build
        rewriting.objectWrittenAt = nil
        #expect(!ImageProvenance.judge(Self.image(), build: rewriting).isOurs)
    }

    @Test func anImageOfAnotherObjectOrOfNoneIsNeverOurs() {
        let other = ObjectLocation(bucket: "images", key: "builds/other.raw")
        #expect(!ImageProvenance.judge(Self.image(tags: ImageProvenance.tags(jobId: "j-day2", crc64: 42), object: other),
                                       build: Self.build).isOurs)
        #expect(!ImageProvenance.judge(Self.image(object: nil), build: Self.build).isOurs)
    }

    @Test func hoistTagsAreReservedAndLeaveRoomForTwo() {
        #expect(throws: ImportError.self) { try ImportPreflight.checkUserTags([.init(key: "hoist:job", value: "x")]) }
        let eighteen = (1...18).map { ImportImageRequest.Tag(key: "k\($0)", value: "v") }
        #expect(throws: Never.self) { try ImportPreflight.checkUserTags(eighteen) }
        #expect(throws: ImportError.self) { try ImportPreflight.checkUserTags(eighteen + [.init(key: "k19")]) }
    }
}
