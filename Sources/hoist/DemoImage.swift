import Foundation
import HoistCore

/// The demo's disk image: a qcow2 file as qemu-img lays one out (`QCOW2Header`: a v3 header,
/// the refcount table and the L1 table) followed by clusters of random bytes. The header is real, so the
/// local image check and the emulator's format probe both see QCOW2; the data comes from
/// /dev/urandom, so nothing on the way (compression, deduplication) can make the upload look
/// cheaper than a real image's.
enum DemoImage {
    static let cluster = QCOW2Header.clusterSize
    static let metadata = QCOW2Header.metadataSize

    /// The file size `write` produces for a requested `size`: whole clusters, at least the metadata.
    static func fileSize(_ size: Int64) -> Int64 {
        max(metadata + cluster, (size + cluster - 1) / cluster * cluster)
    }

    /// Writes the image at `path` in 1 MiB blocks and returns its CRC-64.
    static func write(to path: String, size requested: Int64) throws -> UInt64 {
        let size = fileSize(requested)
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let output = FileHandle(forWritingAtPath: path) else {
            throw GeneralFailure("cannot create \(path)")
        }
        defer { try? output.close() }
        guard let random = FileHandle(forReadingAtPath: "/dev/urandom") else {
            throw GeneralFailure("cannot read /dev/urandom for the demo image's data")
        }
        defer { try? random.close() }
        var tables = [UInt8](repeating: 0, count: Int(metadata))
        let head = QCOW2Header.bytes(virtualSize: virtualSize(for: size))
        tables.replaceSubrange(0..<head.count, with: head)
        var crc = CRC64.update(0, tables)
        try output.write(contentsOf: tables)
        var written = metadata
        while written < size {
            let count = Int(min(1 << 20, size - written))
            let block = try random.read(upToCount: count) ?? Data()
            guard block.count == count else { throw GeneralFailure("/dev/urandom gave \(block.count) of \(count) bytes") }
            crc = block.withUnsafeBytes { CRC64.update(crc, $0) }
            try output.write(contentsOf: block)
            written += Int64(count)
        }
        return crc
    }

    /// The disk the image describes: at least 2 GiB, as a small Linux system disk is.
    static func virtualSize(for fileSize: Int64) -> UInt64 {
        let gib: Int64 = 1 << 30
        return UInt64(max(2 * gib, (fileSize + gib - 1) / gib * gib))
    }

    /// Copies `source` to `target` in `chunks` writes with `pause` between them, as a build job
    /// or scp writes a file: the file grows in place for about `chunks × pause`. Returns when the
    /// last byte is written and the file closed.
    static func copySlowly(from source: String, to target: String, chunks: Int, pause: Duration) async throws {
        guard let input = FileHandle(forReadingAtPath: source) else { throw GeneralFailure("cannot read \(source)") }
        defer { try? input.close() }
        guard FileManager.default.createFile(atPath: target, contents: nil),
              let output = FileHandle(forWritingAtPath: target) else {
            throw GeneralFailure("cannot create \(target)")
        }
        defer { try? output.close() }
        let size = try input.seekToEnd()
        try input.seek(toOffset: 0)
        let chunk = Int((size + UInt64(chunks) - 1) / UInt64(max(chunks, 1)))
        var copied: UInt64 = 0
        while copied < size {
            if copied > 0 { try await Task.sleep(for: pause) }
            let piece = try input.read(upToCount: chunk) ?? Data()
            guard !piece.isEmpty else { break }
            try output.write(contentsOf: piece)
            copied += UInt64(piece.count)
        }
    }
}
