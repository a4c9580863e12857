import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Files a finished image out of the watch folder, so the folder holds only work still to do:
///
/// - success: the image moves to `done/NAME` beside `done/NAME.result.json`, or is deleted when
///   `delete-after-import` is set (the result is still written);
/// - failure: the image moves to `failed/NAME` beside `failed/NAME.error`, whose first line is one
///   sentence a person can act on and whose following lines are the details;
/// - refusal (a symlink, folder, pipe…): the entry itself moves to `failed/` the same way;
/// - in every case the image's own manifest `NAME.toml` goes along, as `done/NAME.toml` or
///   `failed/NAME.toml` (beside the record when the image is deleted), so it is never left in
///   the watch folder to be applied to a later image of the same name.
///
/// Invariants: an image is only ever renamed (never copied), so done/ and failed/ must be on the
/// watch folder's filesystem, and a move is atomic; nothing already in done/ or failed/ is ever
/// overwritten: a second `disk.qcow2` is filed as `disk-2.qcow2` with `disk-2.qcow2.result.json`
/// (and `disk-2.qcow2.toml`).
/// The record (result or error) is written, synced, before the image moves, so an image found
/// in done/ or failed/ always has its record beside it.
public struct Disposition: Sendable {
    public let doneDirectory: String
    public let failedDirectory: String
    public let deleteAfterImport: Bool
    /// False when the job ran without the image's own manifest (it arrived after the image was
    /// taken): one found at filing goes along as `NAME.toml.unused`, never as if it had applied.
    public var manifestWasUsed = true

    public init(doneDirectory: String, failedDirectory: String, deleteAfterImport: Bool = false) {
        self.doneDirectory = doneDirectory
        self.failedDirectory = failedDirectory
        self.deleteAfterImport = deleteAfterImport
    }

    /// The folders that `settings` gives the watch folder `watchFolder`.
    public init(watchFolder: String, settings: AgentSettings) {
        self.init(doneDirectory: settings.doneDirectory(forWatch: watchFolder),
                  failedDirectory: settings.failedDirectory(forWatch: watchFolder),
                  deleteAfterImport: settings.deleteAfterImport)
    }

    /// Where one image (or refused entry) was filed.
    public struct Filed: Sendable, Equatable {
        /// The image's new path; nil when it was deleted.
        public var image: String?
        /// `NAME.result.json` or `NAME.error`.
        public var record: String
        /// Where a manifest that did not apply to the job went (`NAME.toml.unused`), if one did.
        public var unusedManifest: String?
    }

    /// Files a successful job's image in done/ (or deletes it) with its `NAME.result.json`.
    @discardableResult
    public func succeeded(imagePath: String, result: JobResult) throws(DispositionError) -> Filed {
        let data: Data
        do { data = try result.json() } catch { throw .cannotWrite(path: doneDirectory, errno: EINVAL) }
        if deleteAfterImport {
            let filed = try file(imagePath, into: doneDirectory, record: data, suffix: ".result.json", moveImage: false)
            guard unlink(imagePath) == 0 || errno == ENOENT else { throw .cannotDelete(path: imagePath, errno: errno) }
            return filed
        }
        return try file(imagePath, into: doneDirectory, record: data, suffix: ".result.json", moveImage: true)
    }

    /// Files a failed job's image in failed/ with `NAME.error`: `summary` (one sentence a person
    /// can act on) on the first line, then `details`.
    @discardableResult
    public func failed(imagePath: String, summary: String, details: String = "") throws(DispositionError) -> Filed {
        try file(imagePath, into: failedDirectory, record: Self.errorText(summary: summary, details: details),
                 suffix: ".error", moveImage: true)
    }

    /// Files an entry the agent will not take (see `DropRefusal`) in failed/.
    @discardableResult
    public func refused(path: String, because refusal: DropRefusal) throws(DispositionError) -> Filed {
        let name = AgentEvent.printable((path as NSString).lastPathComponent)
        let what = if case .kind = refusal { "The agent takes regular files only" } else { "The agent takes no such names" }
        return try failed(imagePath: path, summary: "Refused: \(name) \(refusal.reason).",
                          details: "\(what) and moved this entry here untouched.")
    }

    /// The text of `NAME.error`: the summary on one line, a blank line, the details.
    static func errorText(summary: String, details: String) -> Data {
        let first = summary.split(whereSeparator: \.isNewline).joined(separator: " ")
        let rest = details.trimmingCharacters(in: .whitespacesAndNewlines)
        return Data((first + "\n" + (rest.isEmpty ? "" : "\n" + rest + "\n")).utf8)
    }

    // MARK: - Filing

    private func file(_ imagePath: String, into directory: String, record: Data, suffix: String,
                      moveImage: Bool) throws(DispositionError) -> Filed {
        try Self.makeDirectory(directory)
        let name = (imagePath as NSString).lastPathComponent
        let ownManifest = ManifestDiscovery.ownManifest(forImage: imagePath)
        let manifest = Self.exists(ownManifest) ? ownManifest : nil
        for attempt in 1...10_000 {
            let candidate = Self.fitting(Self.candidateName(name, attempt: attempt), suffix: suffix, original: name)
            let target = directory + "/" + candidate
            let recordPath = target + suffix
            let manifestTarget = ManifestDiscovery.ownManifest(forImage: target) + (manifestWasUsed ? "" : ".unused")
            // A set is free when none of the image, its record and its manifest names is taken.
            if moveImage, Self.exists(target) { continue }
            if manifest != nil, Self.exists(manifestTarget) { continue }
            guard try Self.writeNew(record, at: recordPath, directory: directory) else { continue }
            guard moveImage else {
                try Self.fileManifest(manifest, to: manifestTarget)
                Self.syncDirectory(directory)
                return Filed(image: nil, record: recordPath, unusedManifest: unused(manifest, manifestTarget))
            }
            switch Self.moveNoReplace(imagePath, to: target) {
            case .moved:
                try Self.fileManifest(manifest, to: manifestTarget)
                Self.syncDirectory(directory)
                return Filed(image: target, record: recordPath, unusedManifest: unused(manifest, manifestTarget))
            case .taken:
                _ = unlink(recordPath)
            case .failed(let error):
                _ = unlink(recordPath)
                throw error
            }
        }
        throw .noFreeName(directory: directory, name: name)
    }

    private func unused(_ manifest: String?, _ target: String) -> String? {
        manifest != nil && !manifestWasUsed ? target : nil
    }

    /// `disk.qcow2`, then `disk-2.qcow2`, `disk-3.qcow2`… (the number goes before the first
    /// extension so the file keeps its type).
    static func candidateName(_ name: String, attempt: Int) -> String {
        guard attempt > 1 else { return name }
        let body = name.dropFirst() // a leading dot is not an extension
        if let dot = body.firstIndex(of: ".") {
            return String(name[..<dot]) + "-\(attempt)" + String(name[dot...])
        }
        return name + "-\(attempt)"
    }

    /// The longest file name a Linux filesystem takes (NAME_MAX), in bytes.
    static let maximumNameBytes = 255

    /// `candidate`, or a shortened form of it when `candidate + suffix` (or its manifest's name)
    /// would not fit in a file name: its first bytes, `~`, 8 hex digits of a hash of the original
    /// name (so two long names stay apart) and its extension. The record's `file` field keeps
    /// the name as it was dropped.
    static func fitting(_ candidate: String, suffix: String, original: String) -> String {
        let room = maximumNameBytes - max(suffix.utf8.count, ".toml".utf8.count)
        guard candidate.utf8.count > room else { return candidate }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 // FNV-1a: a stable tag, not a security measure
        for byte in original.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let tag = "~" + String(String(hash, radix: 16).prefix(8))
        let body = candidate.dropFirst()
        var ext = body.lastIndex(of: ".").map { String(candidate[$0...]) } ?? ""
        if ext.utf8.count > 16 { ext = "" }
        var head = ""
        for character in candidate.dropLast(ext.count) {
            guard (head + String(character)).utf8.count + tag.utf8.count + ext.utf8.count <= room else { break }
            head.append(character)
        }
        return head + tag + ext
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    static func makeDirectory(_ path: String) throws(DispositionError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreate(path: path, reason: "\(error.localizedDescription)")
        }
    }

    /// Writes `data` to a hidden temporary file, syncs it, and links it to `path` only if
    /// nothing is there. Returns false when `path` is taken.
    static func writeNew(_ data: Data, at path: String, directory: String) throws(DispositionError) -> Bool {
        let temporary = directory + "/.hoist-" + UUID().uuidString + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, errno: errno) }
        defer { _ = unlink(temporary) }
        // Readable by the folder's group (the build jobs that collect results), whatever the
        // agent's umask: the unit's UMask=0077 would make it 0600.
        _ = fchmod(descriptor, 0o644)
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        let code = errno
        _ = close(descriptor)
        guard written == data.count, synced else { throw .cannotWrite(path: path, errno: code) }
        if link(temporary, path) == 0 { return true }
        if errno == EEXIST { return false }
        throw .cannotWrite(path: path, errno: errno)
    }

    /// Renames `source` to `target` unless `target` exists. A hard link refuses an existing target
    /// atomically; a folder (which cannot be hard-linked) is renamed after a check, which is safe
    /// because only the agent writes in done/ and failed/.
    static func moveNoReplace(_ source: String, to target: String) -> MoveResult {
        if link(source, target) == 0 {
            guard unlink(source) == 0 || errno == ENOENT else {
                let code = errno
                _ = unlink(target)
                return .failed(.cannotMove(from: source, to: target, errno: code))
            }
            return .moved
        }
        switch errno {
        case EEXIST: return .taken
        case EXDEV: return .failed(.otherFilesystem(from: source, to: target))
        case EPERM, ENOTSUP, EMLINK:
            if exists(target) { return .taken }
            guard rename(source, target) == 0 else {
                return .failed(errno == EXDEV ? .otherFilesystem(from: source, to: target)
                    : .cannotMove(from: source, to: target, errno: errno))
            }
            return .moved
        default:
            return .failed(.cannotMove(from: source, to: target, errno: errno))
        }
    }

    /// Moves the image's manifest (when it has one) beside the filed image. Losing the race to
    /// a name taken meanwhile is not possible (only the agent writes here), so it is an error.
    static func fileManifest(_ manifest: String?, to target: String) throws(DispositionError) {
        guard let manifest else { return }
        switch moveNoReplace(manifest, to: target) {
        case .moved: return
        case .taken: throw .cannotMove(from: manifest, to: target, errno: EEXIST)
        case .failed(let error):
            if !exists(manifest) { return } // removed meanwhile by whoever wrote it
            throw error
        }
    }

    enum MoveResult {
        case moved
        /// Something already has the target name.
        case taken
        case failed(DispositionError)
    }

    /// Makes the new names durable, so a power loss does not undo a filing.
    static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }
}

/// Why an image could not be filed; each says what to do.
public enum DispositionError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotCreate(path: String, reason: String)
    case cannotWrite(path: String, errno: Int32)
    case cannotMove(from: String, to: String, errno: Int32)
    case cannotDelete(path: String, errno: Int32)
    case otherFilesystem(from: String, to: String)
    case noFreeName(directory: String, name: String)

    public var description: String {
        func text(_ code: Int32) -> String { String(cString: strerror(code)) }
        return switch self {
        case let .cannotCreate(path, reason):
            "cannot create \(path): \(reason); make it writable by the agent's user"
        case let .cannotWrite(path, code):
            "cannot write \(path): \(text(code)); " + Self.advice(code, folder: "its folder")
        case let .cannotMove(from, to, code):
            "cannot move \(from) to \(to): \(text(code))"
        case let .cannotDelete(path, code):
            "cannot delete \(path): \(text(code)); make the watch folder writable by the agent's user"
        case let .otherFilesystem(from, to):
            "cannot move \(from) to \(to): they are on different filesystems; put done-dir and failed-dir "
                + "inside the watch folder (the default) or on its filesystem"
        case let .noFreeName(directory, name):
            "no free name for \(name) in \(directory): clear out old results"
        }
    }

    /// What to do about a failed write or move, by its errno.
    static func advice(_ code: Int32, folder: String) -> String {
        switch code {
        case ENOSPC, EDQUOT: "the disk is full; the agent tries again once there is space"
        case EMFILE, ENFILE: "too many open files; the agent tries again"
        case ENAMETOOLONG: "the name is too long for the filesystem"
        default: "make \(folder) writable by the agent's user"
        }
    }

    /// A fault of the host (a full disk, too many open files) that passes: the agent waits it
    /// out like a network outage instead of filing the image as failed.
    public var isTransient: Bool {
        switch self {
        case let .cannotWrite(_, code), let .cannotMove(_, _, code), let .cannotDelete(_, code):
            [ENOSPC, EDQUOT, EMFILE, ENFILE].contains(code)
        default: false
        }
    }
}
