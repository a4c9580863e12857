/// The checks a job with an import passes after its lock is taken and before its first byte
/// is sent (the offline ones, parameters and image file, are `ImportPreflight`'s and come
/// before the runner is even called).
extension JobRunner {
    /// Refuses to upload again for a job whose import already ended: the upload engine would
    /// treat a failed job as one to redo, and that would be a second import nobody asked for.
    /// Only `hoist retry` imports such a job again.
    func refuseEndedImport(_ key: JobLockKey) async throws {
        let journal = runtime.journal
        guard let job = try await journal.findJob(sourcePath: key.sourcePath, bucket: key.bucket, key: key.key),
              job.state == .failed || job.state == .cancelled,
              try await journal.latestImport(jobId: job.id) != nil else { return }
        // Another file at the path is another build, with a job of its own.
        if let now = try? SourceIdentity(path: key.sourcePath), now.device != job.source.device || now.inode != job.source.inode {
            return
        }
        throw ImportError.wrongState(
            jobId: job.id, state: job.state,
            hint: "its import ended (\(job.error ?? job.state.rawValue)); `hoist retry \(job.id)` imports it again")
    }
}

extension ImportPreflight {
    /// The offline checks of an upload that is to be imported: the import's region must be
    /// the bucket's (ECS imports only from a bucket in the image's own region), then every
    /// check of `prepare`. `ossRegion` is the upload's signing region ("" when unknown).
    public static func prepareUpload(_ layers: ImportParameterLayers, object: ObjectLocation, sourceFile: String,
                                     ossRegion: String, defaultRegion: String?) throws(ImportError) -> Prepared {
        if let asked = layers.merged.region, !ossRegion.isEmpty, asked != ossRegion {
            throw .usage("the import region \(asked) differs from the bucket's region \(ossRegion): "
                         + "ECS imports only from a bucket in the image's own region")
        }
        do {
            let region = ossRegion.isEmpty ? defaultRegion : ossRegion
            return try ImportPreflight(defaultRegion: region).prepare(layers.merged, object: object, sourceFile: sourceFile)
        } catch {
            throw layers.locating(error)
        }
    }
}
