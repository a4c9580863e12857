extension ResumableUpload {
    /// Runs the upload to a verified object. Throws `UploadFailure` (`.interrupted` when the
    /// task was cancelled; the journal then holds every finished part).
    ///
    /// While it runs, the process's `NetworkHealth` reports outages to this job's events; before
    /// it returns, every event it posted has been handed to `onEvent`.
    public func run(_ request: UploadRequest) async throws(UploadFailure) -> UploadOutcome {
        let health = policy.health
        await health.jobStarted()
        let token = await health.observe(emit)
        let result: Result<UploadOutcome, UploadFailure>
        do {
            result = .success(try await runJob(request))
        } catch {
            result = .failure(error)
        }
        await health.stopObserving(token)
        await events.flush()
        return try result.get()
    }
}
