/// Asked once per run, after the job is found or created and before its first byte is sent,
/// whether the upload may go ahead now; it returns when it may, and throws to stop the run.
///
/// The engine knows only OSS; what else must hold before an object is overwritten (that no
/// import still reads it) is the caller's to say. `JobRunner` passes `EarlierImportGate`.
public protocol UploadGate: Sendable {
    func beforeWriting(_ job: JobRecord) async throws
}
