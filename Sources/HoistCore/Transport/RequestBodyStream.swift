#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The request body as libcurl pulls it: a cursor over bytes or a file region, with the CRC-64 of
/// everything handed out since the last rewind.
///
/// File regions are read with `pread` straight into libcurl's upload buffer, so no part is ever
/// held in memory and the file offset of the shared descriptor is never touched (many parts of
/// one file go out in parallel over the same fd). If the file ends early the stream fails instead
/// of padding or sending short: a part whose bytes are wrong must never reach OSS.
struct RequestBodyStream {
    enum Source {
        case bytes([UInt8])
        case file(FileRegion)
    }

    let source: Source
    let length: Int64
    /// Offset of the next byte to hand out, relative to the start of the body.
    private(set) var position: Int64 = 0
    /// CRC-64 of bytes `0..<position`: after a rewind it describes the retransmission only.
    private(set) var crc: UInt64 = 0
    /// Every byte handed to libcurl, rewinds included; this is what progress reports.
    private(set) var handedOut: Int64 = 0

    init(_ body: RequestBody) {
        switch body {
        case .empty: source = .bytes([]); length = 0
        case .bytes(let b): source = .bytes(b); length = Int64(b.count)
        case .file(let region): source = .file(region); length = region.length
        }
    }

    /// Fills up to `capacity` bytes at `buffer`; returns the count, 0 at the end of the body.
    mutating func read(into buffer: UnsafeMutableRawPointer, capacity: Int) -> Result<Int, TransportError> {
        let want = Int(min(Int64(capacity), length - position))
        guard want > 0 else { return .success(0) }
        switch source {
        case .bytes(let bytes):
            bytes.withUnsafeBytes { all in
                buffer.copyMemory(from: all.baseAddress! + Int(position), byteCount: want)
            }
        case .file(let region):
            if let failure = Self.readFully(region, from: position, count: want, into: buffer) {
                return .failure(failure)
            }
        }
        crc = CRC64.update(crc, UnsafeRawPointer(buffer), want)
        position += Int64(want)
        handedOut += Int64(want)
        return .success(want)
    }

    /// Moves the cursor for a libcurl rewind and recomputes the CRC so it again covers exactly
    /// `0..<offset`. libcurl rewinds to 0 in practice; other offsets re-read the prefix.
    mutating func seek(to offset: Int64) -> Result<Void, TransportError> {
        guard offset >= 0, offset <= length else {
            return .failure(TransportError(kind: .invalidRequest, message: "rewind to \(offset) outside a \(length)-byte body"))
        }
        var newCRC: UInt64 = 0
        if offset > 0 {
            switch source {
            case .bytes(let bytes):
                newCRC = bytes.withUnsafeBytes { CRC64.update(0, $0.baseAddress!, Int(offset)) }
            case .file(let region):
                let chunk = 256 * 1024
                let scratch = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
                defer { scratch.deallocate() }
                var done: Int64 = 0
                while done < offset {
                    let n = Int(min(Int64(chunk), offset - done))
                    if let failure = Self.readFully(region, from: done, count: n, into: scratch) {
                        return .failure(failure)
                    }
                    newCRC = CRC64.update(newCRC, scratch, n)
                    done += Int64(n)
                }
            }
        }
        position = offset
        crc = newCRC
        return .success(())
    }

    /// Reads exactly `count` bytes of the region starting at body offset `from`, or explains why not.
    private static func readFully(_ region: FileRegion, from: Int64, count: Int, into buffer: UnsafeMutableRawPointer) -> TransportError? {
        var got = 0
        while got < count {
            let fileOffset = region.offset + from + Int64(got)
            let n = pread(region.fd, buffer + got, count - got, off_t(fileOffset))
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                return TransportError(kind: .sourceRead, message: "pread of fd \(region.fd) at offset \(fileOffset) failed: \(String(cString: strerror(code))) (errno \(code))")
            }
            if n == 0 {
                return TransportError(kind: .sourceChanged, message: "source file ended at offset \(fileOffset), inside the region \(region.offset)..<\(region.offset + region.length): it was truncated or replaced during the upload")
            }
            got += n
        }
        return nil
    }
}
