import Foundation
import GRDB

/// One row of `imports`: one ImportImage attempt for a job, keyed by its ClientToken.
///
/// The row is written with the token *before* the first ImportImage call, and the TaskId and
/// ImageId as soon as the call returns, so a restarted agent re-sends the same token (and gets
/// the same task back) instead of importing twice. A `hoist retry` creates a new row with a
/// new token; earlier rows stay as history.
public struct ImportRecord: Sendable, Equatable, Identifiable {
    public var clientToken: String
    public var jobId: String
    public var region: String
    /// The image name as sent: expanded from `nameTemplate` when the attempt was opened.
    public var imageName: String
    /// The image name as given, placeholders unexpanded; nil when it had none.
    public var nameTemplate: String?
    /// How the image was shown to be this build's: imported under this attempt's token (with
    /// Hoist's tags), or adopted by a rule of `ImageProvenance`; nil before there is an image.
    public var provenance: String?
    public var taskId: String?
    public var imageId: String?
    /// The image status as ECS reports it (`Waiting`, `Creating`, `Available`, `CreateFailed`, …),
    /// or a local state before the first call; kept as text so the import code owns the vocabulary.
    public var state: String
    /// Percent, 0–100.
    public var progress: Int
    /// Why the import failed, in words an operator can act on.
    public var reason: String?
    /// The ImportImage parameters as sent, so a retry or an audit sees exactly what was asked.
    public var parametersJSON: String
    public var createdAt: Date
    public var updatedAt: Date
    public var finishedAt: Date?

    public var id: String { clientToken }

    public init(clientToken: String, jobId: String, region: String, imageName: String, nameTemplate: String? = nil,
                provenance: String? = nil, taskId: String? = nil,
                imageId: String? = nil, state: String, progress: Int = 0, reason: String? = nil,
                parametersJSON: String = "{}", createdAt: Date = Date(), updatedAt: Date? = nil,
                finishedAt: Date? = nil) {
        self.clientToken = clientToken
        self.jobId = jobId
        self.region = region
        self.imageName = imageName
        self.nameTemplate = nameTemplate
        self.provenance = provenance
        self.taskId = taskId
        self.imageId = imageId
        self.state = state
        self.progress = progress
        self.reason = reason
        self.parametersJSON = parametersJSON
        self.createdAt = JournalValues.normalized(createdAt)
        self.updatedAt = JournalValues.normalized(updatedAt ?? createdAt)
        self.finishedAt = finishedAt.map(JournalValues.normalized)
    }
}

extension ImportRecord: FetchableRecord {
    public init(row: Row) throws {
        self.init(
            clientToken: try row.decode(forColumn: "client_token"),
            jobId: try row.decode(forColumn: "job_id"),
            region: try row.decode(forColumn: "region"),
            imageName: try row.decode(forColumn: "image_name"),
            nameTemplate: try row.decode(forColumn: "name_template"),
            provenance: try row.decode(forColumn: "provenance"),
            taskId: try row.decode(forColumn: "task_id"),
            imageId: try row.decode(forColumn: "image_id"),
            state: try row.decode(forColumn: "state"),
            progress: try row.decode(forColumn: "progress"),
            reason: try row.decode(forColumn: "reason"),
            parametersJSON: try row.decode(forColumn: "parameters_json"),
            createdAt: JournalValues.date(try row.decode(forColumn: "created_ms")),
            updatedAt: JournalValues.date(try row.decode(forColumn: "updated_ms")),
            finishedAt: (try row.decode(Int64?.self, forColumn: "finished_ms")).map(JournalValues.date))
    }
}
