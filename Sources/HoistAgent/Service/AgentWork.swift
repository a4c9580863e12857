import HoistCore

/// One piece of work the agent has accepted: an image dropped in a watch folder, an entry it
/// refuses, or a job the journal shows unfinished from a previous run of the agent.
///
/// Invariant: `path` is absolute and lies directly in `watchFolder`, whose done/ and failed/
/// folders file the result.
enum AgentWork: Sendable {
    case drop(path: String, watchFolder: String)
    case refused(path: String, because: DropRefusal, watchFolder: String)
    case resume(jobId: String, path: String, watchFolder: String)

    var path: String {
        switch self {
        case .drop(let path, _), .refused(let path, _, _), .resume(_, let path, _): path
        }
    }

    var watchFolder: String {
        switch self {
        case .drop(_, let folder), .refused(_, _, let folder), .resume(_, _, let folder): folder
        }
    }

    /// The image's file name, as logs and the status line show it.
    var name: String { path.split(separator: "/").last.map(String.init) ?? path }
}
