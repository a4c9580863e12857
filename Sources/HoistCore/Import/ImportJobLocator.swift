/// Finds the journal job an import-only run (`hoist import oss://…`) belongs to, or creates
/// one, so that running the same command again continues the same job (and its ClientToken)
/// instead of starting a second import.
///
/// A job matches when it names the same source and object and its import (if it has one yet)
/// asked for the same image name; importing the same object under another name is a new job.
public struct ImportJobLocator: Sendable {
    let journal: UploadJournal

    public init(journal: UploadJournal) {
        self.journal = journal
    }

    /// The job for `object` (uploaded from `sourcePath`, or `oss://bucket/key` when the file is
    /// not known), and whether it existed.
    public func job(object: ObjectLocation, sourcePath: String?, source: SourceIdentity?, imageName: String,
                    endpoint: String) async throws -> (job: JobRecord, existing: Bool) {
        let path = sourcePath ?? object.description
        if let job = try await journal.findJob(sourcePath: path, bucket: object.bucket, key: object.key) {
            let latest = try await journal.latestImport(jobId: job.id)
            // A templated name is journaled expanded, beside the template it came from.
            if latest == nil || (latest?.nameTemplate ?? latest?.imageName) == imageName {
                switch job.state {
                case .failed where latest != nil, .cancelled where latest != nil:
                    throw ImportError.wrongState(
                        jobId: job.id, state: job.state,
                        hint: "its import ended (\(job.error ?? job.state.rawValue)); `hoist retry \(job.id)` imports it again")
                case .uploading:
                    throw ImportError.wrongState(jobId: job.id, state: job.state,
                                                 hint: "its upload is still running; `hoist upload … --import` imports it when done")
                case .failed, .cancelled:
                    break // an upload that never finished: a fresh import-only job below
                default:
                    return (job, true)
                }
            }
        }
        let identity = source ?? SourceIdentity(device: 0, inode: 0, size: 0, mtimeNanoseconds: 0)
        let new = NewJob(sourcePath: path, source: identity, bucket: object.bucket, key: object.key, endpoint: endpoint,
                         partSize: PartPlan.defaultPartSize)
        return (try await journal.createJob(new), false)
    }
}
