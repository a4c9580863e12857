import Crypto
import HoistCore
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// What a finished body turned out to be.
struct IngestResult: Sendable {
    var size: Int64
    var crc: UInt64
    /// Nil when MD5 was skipped (discard mode without `Content-MD5`).
    var md5: [UInt8]?
    var path: String?
}

/// Takes a request body chunk by chunk: updates CRC-64 (always) and MD5 (when wanted) as bytes
/// arrive, and in disk mode writes them to a file in 1 MiB batches on the I/O thread pool, one
/// batch in flight while the next one is hashed. Memory stays at about two batches whatever the
/// body size.
final class IngestSink {
    private static let batchSize = 1 << 20

    private var crc: UInt64 = 0
    private var md5: Insecure.MD5?
    private var size: Int64 = 0
    private let file: BlobFile?
    private var staging: ByteBuffer
    private var offset: Int64 = 0
    private var pending: Task<Void, any Error>?

    init(file: BlobFile?, computeMD5: Bool) {
        self.file = file
        md5 = computeMD5 ? Insecure.MD5() : nil
        staging = ByteBufferAllocator().buffer(capacity: file == nil ? 0 : Self.batchSize)
    }

    func consume(_ buffer: ByteBuffer) async throws {
        buffer.withUnsafeReadableBytes { bytes in
            crc = CRC64.update(crc, bytes)
            md5?.update(bufferPointer: bytes)
        }
        size += Int64(buffer.readableBytes)
        guard file != nil else { return }
        var buffer = buffer
        staging.writeBuffer(&buffer)
        if staging.readableBytes >= Self.batchSize { try await flush() }
    }

    /// Completes the file (if any) and returns the checksums.
    func finish() async throws -> IngestResult {
        if let file {
            try await flush()
            try await pending?.value
            pending = nil
            try await file.close()
        }
        let digest = md5.map { Array($0.finalize()) }
        return IngestResult(size: size, crc: crc, md5: digest, path: file?.path)
    }

    /// Gives up on the body: waits for the write in flight and deletes the file.
    func abandon() async {
        _ = try? await pending?.value
        pending = nil
        if let file {
            try? await file.close()
            await file.remove()
        }
    }

    private func flush() async throws {
        guard let file, staging.readableBytes > 0 else { return }
        let batch = staging
        staging = ByteBufferAllocator().buffer(capacity: Self.batchSize)
        if let previous = pending { try await previous.value }
        let at = offset
        offset += Int64(batch.readableBytes)
        pending = Task { try await file.write(batch, at: at) }
    }
}
