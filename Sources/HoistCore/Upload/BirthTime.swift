#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A file's birth (creation) time from Linux `statx(2)`, or nil where the kernel, C library
/// or filesystem does not give one (`STATX_BTIME` missing from the answer's mask).
///
/// Swift's Glibc module does not import `statx`, so the function is looked up at run time and
/// its answer read at the offsets of the kernel's `struct statx` (a stable ABI: 256 bytes,
/// `stx_mask` at 0, `stx_btime` at 80 as `{ s64 tv_sec; u32 tv_nsec; s32 reserved }`).
enum BirthTime {
    private typealias StatxFunction = @convention(c) (
        Int32, UnsafePointer<CChar>, Int32, UInt32, UnsafeMutableRawPointer
    ) -> Int32

    private static let statxMaskBirthTime: UInt32 = 0x0800 // STATX_BTIME
    private static let atEmptyPath: Int32 = 0x1000 // AT_EMPTY_PATH
    private static let atCurrentDirectory: Int32 = -100 // AT_FDCWD
    private static let structSize = 256
    private static let birthOffset = 80

    private static let statx: StatxFunction? = {
        #if os(Linux)
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "statx") else { return nil }
        return unsafeBitCast(symbol, to: StatxFunction.self)
        #else
        return nil
        #endif
    }()

    /// Birth time of an open file, in nanoseconds since the Unix epoch.
    static func of(fileDescriptor: Int32) -> Int64? {
        query(directory: fileDescriptor, path: "", flags: atEmptyPath)
    }

    /// Birth time of the file at `path` (symbolic links followed, as `stat` does).
    static func of(path: String) -> Int64? {
        query(directory: atCurrentDirectory, path: path, flags: 0)
    }

    private static func query(directory: Int32, path: String, flags: Int32) -> Int64? {
        guard let statx else { return nil }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: structSize, alignment: 8)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: structSize)
        let result = path.withCString { statx(directory, $0, flags, statxMaskBirthTime, buffer) }
        guard result == 0, buffer.load(as: UInt32.self) & statxMaskBirthTime != 0 else { return nil }
        let seconds = buffer.load(fromByteOffset: birthOffset, as: Int64.self)
        let nanoseconds = buffer.load(fromByteOffset: birthOffset + 8, as: UInt32.self)
        return seconds * 1_000_000_000 + Int64(nanoseconds)
    }
}
