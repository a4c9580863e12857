import Foundation
import HoistCore

/// A watch folder has one agent (DESIGN.md §3). Two agents on one folder would upload every
/// file twice, import twice and file an image in `failed/` whose twin is Available. Each agent
/// holds a `HostLock` per watch folder, named after the folder's resolved path, for as long as
/// it runs; the kernel drops it when the agent dies, so a restart is never refused by a ghost.
enum WatchFolderLock {
    /// Locks every folder (created already), or throws naming the folder and the agent that
    /// holds it; nothing stays locked after a refusal.
    static func acquire(_ folders: [String], in directory: LockDirectory) async throws(WatchFolderError) -> [HostLock] {
        var held: [HostLock] = []
        for folder in folders {
            let resolved = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
            do {
                held.append(try await HostLock.acquire(HostLock.fileName("watch", for: resolved), in: directory))
            } catch {
                held.forEach { $0.release() }
                switch error {
                case .held(let holder): throw .watched(folder: resolved, holder: holder)
                case let .unusable(path, code), let .directory(path, code): throw .unusable(path: path, errno: code)
                case .cancelled: throw .unusable(path: directory.path, errno: ECANCELED)
                }
            }
        }
        return held
    }
}

/// Why an agent does not start on its watch folders.
public enum WatchFolderError: Error, Sendable, Equatable, CustomStringConvertible {
    case watched(folder: String, holder: JobLockHolder?)
    case unusable(path: String, errno: Int32)

    public var description: String {
        switch self {
        case let .watched(folder, holder):
            let who = holder.map { "hoist agent process \($0.pid) (since \($0.sinceText))" } ?? "another hoist agent"
            return "\(who) already watches \(folder); a watch folder has one agent, or every image would be uploaded "
                + "and imported twice: stop that agent first, or give this one another --watch folder"
        case let .unusable(path, code):
            return "cannot lock the watch folder in \(path): \(String(cString: strerror(code))); create the host-wide lock "
                + "folder (systemd-tmpfiles --create) or set \(LockDirectory.variable)"
        }
    }
}
