#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The image being uploaded, held open for the whole upload.
///
/// Every part is read from this one descriptor, and identity checks use `fstat` on it, so the
/// bytes sent and the identity compared are guaranteed to belong to the same inode even if the
/// path is renamed over. Closing happens when the last reference goes away.
public final class SourceFile: Sendable {
    public let path: String
    public let descriptor: Int32
    /// The identity when the file was opened.
    public let identity: SourceIdentity

    /// Opens `path` for reading, refusing what cannot be uploaded: a missing or unreadable path,
    /// a directory or device, an empty file.
    public init(path: String) throws(UploadFailure) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            // Out of descriptors is the process's state, not the file's: it passes.
            if errno == EMFILE || errno == ENFILE { throw .outOfDescriptors(path: path, reason: String(cString: strerror(errno))) }
            throw .sourceUnusable(path: path, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .sourceUnusable(path: path, reason: reason)
        }
        let type = info.st_mode & mode_t(S_IFMT)
        guard type == mode_t(S_IFREG) else {
            close(fd)
            let what = type == mode_t(S_IFDIR) ? "it is a directory" : "it is not a regular file"
            throw .sourceUnusable(path: path, reason: what)
        }
        guard info.st_size > 0 else {
            close(fd)
            throw .emptySource(path: path)
        }
        self.path = path
        self.descriptor = fd
        self.identity = SourceIdentity(info, birthNanoseconds: BirthTime.of(fileDescriptor: fd))
    }

    deinit {
        close(descriptor)
    }

    /// What changed since the file was opened, or `nil`: checked through the descriptor
    /// (content rewritten in place) and through the path (file replaced by a rename).
    /// Whether the path no longer names the file this run opened: removed, or replaced by another
    /// file (one renamed over it, as a build that publishes by rename does). Asked before
    /// `changeSinceOpened`, whose ctime test the old file also trips when it loses its name.
    public func goneSinceOpened() -> SourceGone? {
        guard let atPath = try? SourceIdentity(path: path) else { return .removed }
        if atPath.device != identity.device || atPath.inode != identity.inode {
            return .replaced(detail: "inode \(identity.inode) is now inode \(atPath.inode)")
        }
        return nil
    }

    public func changeSinceOpened() -> String? {
        guard let now = try? SourceIdentity(fileDescriptor: descriptor, path: path) else {
            return "the open file can no longer be examined"
        }
        // Removal first: unlinking also changes the open inode's ctime, and "removed" is what
        // the operator needs to hear.
        guard let atPath = try? SourceIdentity(path: path) else { return "the file was removed" }
        if let change = identity.change(to: now) { return change }
        return identity.change(to: atPath)
    }

    /// The region of a planned part, for the transport to stream from.
    public func region(of part: PartPlan.Part) -> FileRegion {
        FileRegion(fd: descriptor, offset: part.offset, length: part.length)
    }

    /// CRC-64 of a part as it is on disk now, read in bounded chunks. Used only to settle a
    /// `PartAlreadyExist` answer, where the server holds a part that was not journaled.
    public func crc64(of part: PartPlan.Part, chunkSize: Int = 1 << 20) throws(UploadFailure) -> UInt64 {
        var crc: UInt64 = 0
        var offset = part.offset
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while offset < part.end {
            let want = Int(min(Int64(chunkSize), part.end - offset))
            let got = pread(descriptor, buffer.baseAddress, want, off_t(offset))
            if got < 0, errno == EINTR { continue }
            guard got > 0 else {
                let reason = got == 0 ? "the file ended early" : String(cString: strerror(errno))
                throw .sourceChangedDuringUpload(path: path, reason: reason)
            }
            crc = CRC64.update(crc, UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
            offset += Int64(got)
        }
        return crc
    }
}

/// The path of an upload's source names no file, or another one, since the run opened it.
public enum SourceGone: Sendable, Equatable {
    case removed
    case replaced(detail: String)
}
