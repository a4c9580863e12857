import Foundation

/// Whether an image that holds a job's image name provably came from this build's bytes, the
/// only condition under which Hoist reports it as the job's result instead of importing.
///
/// The same object key holds different bytes over time (an image factory rebuilds `web.raw`
/// every day), so "imported from this object" alone proves nothing. Two rules prove it:
///
/// 1. **Tags.** Every ImportImage Hoist sends carries `hoist:job` (the job id) and
///    `hoist:crc64` (the object's verified CRC-64, decimal, as OSS prints it). A tagged image
///    is this build's exactly when both equal this job's: another job, or the same job after
///    its file changed, is another build.
/// 2. **Time**, for an image without Hoist's tags (another tool, an older Hoist): its source
///    is this job's object *and* ECS created it more than `margin` after the object's current
///    version was written (`Last-Modified`). Inside the margin (clock differences between OSS
///    and ECS, minute-precision times) counts as not proven.
///
/// Anything else is not this build's; the caller refuses and says why. A refusal is a
/// nuisance, a wrong image is a broken deployment.
///
/// Tag limits (shared/reference/ecs-import-image.md, the ImportImage parameter table; the same in
/// the SDK models' `Tag.N` RepeatList): N = 1–20, keys 1–128 characters not starting with
/// `aliyun` or `acs:` and without `http://` or `https://`, values up to 128 characters. `hoist:`
/// is not reserved by ECS, so Hoist reserves it for itself: a user tag may not use it, and at
/// most 18 user tags leave room for Hoist's two.
public enum ImageProvenance {
    public static let jobTag = "hoist:job"
    public static let crcTag = "hoist:crc64"
    public static let reservedPrefix = "hoist:"
    public static let maxUserTags = ImportImageVocabulary.maxTags - 2
    /// How much later than the object's Last-Modified an untagged image must have been created.
    public static let defaultMargin: Duration = .seconds(300)

    /// The tags that identify a build; without a verified CRC-64 only the job is named (such
    /// an import can never be adopted, since nothing proves its bytes).
    public static func tags(jobId: String, crc64: UInt64?) -> [ImportImageRequest.Tag] {
        [ImportImageRequest.Tag(key: jobTag, value: jobId)]
            + (crc64.map { [ImportImageRequest.Tag(key: crcTag, value: String($0))] } ?? [])
    }

    /// What the job being imported is.
    public struct Build: Sendable, Equatable {
        public var jobId: String
        /// The object's verified CRC-64; nil before the upload is verified.
        public var crc64: UInt64?
        public var object: ObjectLocation
        /// When the object's current version was written (HeadObject `Last-Modified`); nil
        /// when unknown, or when this run is about to write a new version.
        public var objectWrittenAt: Date?

        public init(jobId: String, crc64: UInt64?, object: ObjectLocation, objectWrittenAt: Date? = nil) {
            self.jobId = jobId
            self.crc64 = crc64
            self.object = object
            self.objectWrittenAt = objectWrittenAt
        }
    }

    public enum Verdict: Sendable, Equatable {
        /// This build's image; the sentence is the proof, journaled and shown in results.
        case ours(proof: String)
        /// Not this build's, or not provably; the sentence says why.
        case notOurs(reason: String)

        public var isOurs: Bool {
            if case .ours = self { return true }
            return false
        }
    }

    /// Whether `image` carries any of Hoist's tags (and so is judged by rule 1 alone).
    public static func isTagged(_ image: ECSImage) -> Bool {
        image.tags.contains { $0.key == jobTag || $0.key == crcTag }
    }

    public static func judge(_ image: ECSImage, build: Build, margin: Duration = defaultMargin) -> Verdict {
        if let source = image.importSource, source != build.object {
            return .notOurs(reason: "it was imported from \(source), not from this job's object \(build.object)")
        }
        if isTagged(image) {
            let job = image.tags.first { $0.key == jobTag }?.value
            let crc = image.tags.first { $0.key == crcTag }?.value
            guard job == build.jobId else {
                let this = build.jobId.isEmpty ? "this run is a new build" : "not job \(build.jobId)'s"
                return .notOurs(reason: "it is tagged \(jobTag)=\(job ?? "(none)"): another job's build, \(this)")
            }
            guard let ours = build.crc64 else {
                return .notOurs(reason: "this job's object has no verified CRC-64 to compare with its \(crcTag) tag")
            }
            guard crc == String(ours) else {
                return .notOurs(reason: "it is tagged \(crcTag)=\(crc ?? "(none)"), but this build's bytes have CRC-64 \(ours)")
            }
            return .ours(proof: "tagged \(jobTag)=\(build.jobId) and \(crcTag)=\(ours): imported from this build's bytes")
        }
        guard image.importSource != nil else {
            return .notOurs(reason: "it carries no Hoist tags and ECS names no OSS object it was imported from")
        }
        guard let written = build.objectWrittenAt else {
            return .notOurs(reason: "it carries no Hoist tags, and the object's current version is not known to predate it "
                            + "(this run writes a new version, or its Last-Modified could not be read)")
        }
        guard let created = image.creationTime.flatMap(ECSTimestamp.parse) else {
            return .notOurs(reason: "it carries no Hoist tags and ECS gives no creation time to compare with the object's")
        }
        let createdText = ECSTimestamp.format(created), writtenText = ECSTimestamp.format(written)
        guard created.timeIntervalSince(written) > margin.seconds else {
            return .notOurs(reason: "it carries no Hoist tags and was created at \(createdText), not clearly after the object's "
                            + "current version was written at \(writtenText) (margin \(Int(margin.seconds)) s): "
                            + "it may have been made from earlier bytes under the same key")
        }
        return .ours(proof: "imported from \(build.object) at \(createdText), after its current version was written at "
                     + "\(writtenText) (no Hoist tags: imported by another tool or an earlier Hoist)")
    }
}

