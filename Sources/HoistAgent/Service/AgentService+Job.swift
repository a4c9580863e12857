import Foundation
import HoistCore

/// One piece of work, from taking the image to filing it.
extension AgentService {
    /// Runs `item` and files its image. Returns true when it should be tried again later
    /// (a transient failure, or another process running the same job).
    func process(_ item: AgentWork) async -> Bool {
        // The settings the job starts with are the ones it ends with, whatever a reload does meanwhile.
        let settings = self.settings
        var disposition = Disposition(watchFolder: item.watchFolder, settings: settings)
        // A manifest that is not there when the job starts does not apply to it.
        let manifest = ManifestDiscovery.ownManifest(forImage: item.path)
        disposition.manifestWasUsed = FileManager.default.fileExists(atPath: manifest)

        let name = item.name
        let runner = JobRunner(runtime: runtime)
        let handler: @Sendable (JobEvent) -> Void = { [self] event in observe(event, job: name) }
        status.started(name)
        defer { status.ended(name) }
        publish()
        do {
            let outcome: JobOutcome
            let importing: Bool
            switch item {
            case .refused(let path, let refusal, _):
                let filed = try disposition.refused(path: path, because: refusal)
                onEvent(.failed(file: name, error: filed.record, summary: refusal.reason))
                return false
            case .drop(let path, _):
                guard FileManager.default.fileExists(atPath: path) else { return false }
                onEvent(.taken(file: name))
                let job: UploadJob
                do {
                    job = try DropJobPlan.job(forImage: path, runtime: runtime, settings: settings, options: runOptions)
                } catch {
                    return try await fail(item, disposition, summary: String(describing: error), error: error)
                }
                importing = job.importImage != nil
                if !importing { onEvent(.step(file: name, "upload only (import = false)")) }
                outcome = try await runner.run(job, onEvent: handler)
            case .resume(let jobId, let path, _):
                onEvent(.resuming(file: name, jobId: jobId))
                var request: ImportImageRequest?
                let job = try await runtime.journal.job(id: jobId)
                // A job the journal shows importing (or imported) is followed whatever the manifest says now.
                let followed = job.map { $0.state == .importing || $0.state == .available } ?? true
                if let job, !followed {
                    do {
                        request = try DropJobPlan.importRequest(
                            forImage: path, location: ObjectLocation(bucket: job.bucket, key: job.key), runtime: runtime,
                            settings: settings)
                    } catch {
                        return try await fail(item, disposition, summary: String(describing: error), error: error)
                    }
                }
                importing = followed || request != nil
                outcome = try await runner.resume(jobId: jobId, importImage: request, options: runOptions,
                                                  onEvent: handler)
            }
            return try await settle(item, outcome, disposition, importing: importing)
        } catch let error as DispositionError {
            onEvent(.problem("\(name): \(error)"))
            return false
        } catch {
            metrics.finishUpload(job: name)
            if case .sourceGoneDuringUpload(_, let gone)? = error as? UploadFailure {
                // Nothing to file: the image is gone, or the file there now is another build,
                // which the scanner (or the deferred drop of `AgentService`) takes as a new drop.
                metrics.sourceGone(replaced: gone != .removed)
                switch gone {
                case .removed:
                    onEvent(.step(file: name, "removed during the upload: the upload was aborted, nothing is filed"))
                case .replaced:
                    onEvent(.step(file: name, "replaced by a new file during the upload: the old upload was aborted "
                                  + "and the new file is taken as a new drop"))
                }
                return false
            }
            switch JobFailureKind.of(error, cancelled: Task.isCancelled) {
            case .stopped:
                return false
            case .busy(let reason), .transient(let reason):
                onEvent(.retryLater(file: name, reason: reason, delay: retryDelay))
                return !Task.isCancelled
            case .permanent(let summary):
                do { return try await fail(item, disposition, summary: AgentAdvice.upload(summary, file: name), error: error) } catch {
                    // failed/ cannot be written now (a full disk): the image stays and is tried again.
                    if let filing = error as? DispositionError, filing.isTransient {
                        onEvent(.retryLater(file: name, reason: filing.description, delay: retryDelay))
                        return !Task.isCancelled
                    }
                    onEvent(.problem("\(name): \(error)"))
                    return false
                }
            }
        }
    }

    /// Files a finished run: done/ with its result when the image is Available (or, for an
    /// upload-only job, once the object is verified), failed/ when ECS ended the import otherwise.
    private func settle(_ item: AgentWork, _ outcome: JobOutcome, _ disposition: Disposition,
                        importing: Bool) async throws -> Bool {
        if !importing {
            let result = try await result(item, outcome, record: nil)
            let filed = try disposition.succeeded(imagePath: item.path, result: result)
            await noteFiled(filed, jobId: outcome.jobId, item: item)
            metrics.jobSucceeded()
            noteUnusedManifest(filed, item: item)
            onEvent(.done(file: item.name, result: filed.record))
            return false
        }
        switch outcome.imported {
        case .available(let record):
            let result = try await result(item, outcome, record: record)
            let filed = try disposition.succeeded(imagePath: item.path, result: result)
            await noteFiled(filed, jobId: outcome.jobId, item: item)
            metrics.jobSucceeded()
            noteUnusedManifest(filed, item: item)
            onEvent(.done(file: item.name, result: filed.record))
            return false
        case .failed(_, let reason):
            return try await fail(item, disposition,
                            summary: AgentAdvice.import("The import of \(item.name) failed in ECS: \(reason)", jobId: outcome.jobId),
                            error: nil)
        case .cancelled:
            return try await fail(item, disposition, summary: "The import of \(item.name) was cancelled in ECS", error: nil)
        case .running, nil:
            // Followed imports end Available, failed or cancelled; anything else is looked at again.
            return true
        }
    }

    private func fail(_ item: AgentWork, _ disposition: Disposition, summary: String, error: (any Error)?) async throws -> Bool {
        let first = summary.split(whereSeparator: \.isNewline).first.map(String.init) ?? summary
        let filed = try disposition.failed(imagePath: item.path, summary: first,
                                           details: error.map { String(reflecting: $0) } ?? "")
        await noteFiled(filed, jobId: nil, item: item)
        noteUnusedManifest(filed, item: item)
        onEvent(.failed(file: item.name, error: filed.record, summary: first))
        return false
    }

    /// Says so when the image's manifest arrived after it was taken: filed beside it as
    /// `NAME.toml.unused`, not applied.
    private func noteUnusedManifest(_ filed: Disposition.Filed, item: AgentWork) {
        guard let unused = filed.unusedManifest else { return }
        onEvent(.step(file: item.name, "its manifest arrived after the image was taken and was not used; filed as \(unused)"))
    }

    /// Journals where the image went, for `hoist status` (the job of this image's latest run when
    /// `jobId` is not known). Best effort: the filing itself already happened.
    private func noteFiled(_ filed: Disposition.Filed, jobId: String?, item: AgentWork) async {
        let journal = runtime.journal
        var id = jobId
        if id == nil { id = (try? await journal.latestJob(sourcePath: item.path))?.id }
        guard let id else { return }
        try? await journal.recordFiled(jobId: id, path: filed.image ?? filed.record)
    }

    /// `record`: the import's, nil for an upload-only job.
    private func result(_ item: AgentWork, _ outcome: JobOutcome, record: ImportRecord?) async throws -> JobResult {
        let job = try await runtime.journal.job(id: outcome.jobId)
        let upload = outcome.upload
        let crc = upload?.crc64 ?? job?.objectCRC64 ?? 0
        let importSeconds = record.flatMap { record in record.finishedAt.map { $0.timeIntervalSince(record.createdAt) } }
        let region = record?.region ?? (try? runtime.settings.oss().region) ?? ""
        return JobResult(
            jobId: outcome.jobId, file: item.name,
            object: upload?.location ?? ObjectLocation(bucket: job?.bucket ?? "", key: job?.key ?? ""),
            size: upload?.totalBytes ?? job?.bytesTotal ?? 0, crc64: crc, imageId: record?.imageId,
            imageName: record?.imageName, provenance: record?.provenance, region: region, uploadSeconds: upload?.duration ?? 0, importSeconds: importSeconds,
            bytesSent: upload?.bytesSent ?? job?.lastRun.bytesSent ?? 0,
            bytesResent: upload?.bytesResent ?? job?.lastRun.bytesResent ?? 0)
    }

    /// Metrics, status line and log for one event of the job of image `name`.
    func observe(_ event: JobEvent, job name: String) {
        switch event {
        case .upload(let upload): metrics.record(upload, job: name)
        case .uploaded(let outcome):
            metrics.record(outcome, job: name)
        case .import(let imported): metrics.record(imported)
        default: break
        }
        if status.record(event, job: name) { publish() }
        if let line = AgentEvent.line(for: event) { onEvent(.step(file: name, line)) }
    }
}
