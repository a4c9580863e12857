import HoistCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One `lstat(2)` of a watch-folder entry: what it is and its identity.
///
/// `lstat`, never `stat`: a symbolic link is judged as itself, so a link dropped into the folder
/// is refused instead of making the agent upload (and then move away) whatever it points to.
public struct EntryLook: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case regular, symbolicLink, directory, fifo, socket, device

        /// Why an entry of this kind is not taken, as the first words of its `NAME.error`; nil
        /// for a regular file.
        public var refusal: String? {
            switch self {
            case .regular: nil
            case .symbolicLink: "is a symbolic link; drop the image file itself (copy it, or rename it in), not a link to it"
            case .directory: "is a folder; drop image files at the top of the watch folder, not folders"
            case .fifo: "is a named pipe; drop a complete image file, not a pipe"
            case .socket: "is a socket; drop a complete image file"
            case .device: "is a device node; copy the disk into an image file and drop that"
            }
        }
    }

    public var kind: Kind
    /// Device, inode, size, mtime and ctime: what makes "the same file" for the journal.
    public var identity: SourceIdentity

    /// The entry at `path`, or nil when it is gone (or cannot be looked at).
    public static func of(_ path: String) -> EntryLook? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        let kind: Kind =
            switch info.st_mode & mode_t(S_IFMT) {
            case mode_t(S_IFREG): .regular
            case mode_t(S_IFLNK): .symbolicLink
            case mode_t(S_IFDIR): .directory
            case mode_t(S_IFIFO): .fifo
            case mode_t(S_IFSOCK): .socket
            default: .device
            }
        let identity = SourceIdentity(
            device: UInt64(truncatingIfNeeded: info.st_dev), inode: UInt64(truncatingIfNeeded: info.st_ino),
            size: Int64(info.st_size),
            mtimeNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
            ctimeNanoseconds: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
        return EntryLook(kind: kind, identity: identity)
    }

    /// The settle check's view of this look.
    public var settleLook: SettleCheck.Look {
        SettleCheck.Look(size: identity.size, mtimeNanoseconds: identity.mtimeNanoseconds,
                         ctimeNanoseconds: identity.ctimeNanoseconds ?? 0)
    }
}
