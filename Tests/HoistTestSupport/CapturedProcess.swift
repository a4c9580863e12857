import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to its end with stdout and stderr captured together: for tests of scripts
/// and tools (install.sh, systemd-analyze) whose combined output is what a person reads.
public enum CapturedProcess {
    /// `environment` is added to this process's own (its values win); nil inherits it as is.
    public static func run(_ executable: String, _ arguments: [String],
                           environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let inherited = ProcessInfo.processInfo.environment
        let pipe = try SpawnedProcess.pipe()
        let child: SpawnedProcess
        do {
            child = try SpawnedProcess(executable: executable, arguments: arguments,
                                       environment: environment.map { inherited.merging($0) { $1 } } ?? inherited,
                                       stdout: .descriptor(pipe.write), stderr: .descriptor(pipe.write))
        } catch {
            close(pipe.read)
            close(pipe.write)
            throw error
        }
        close(pipe.write)
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(pipe.read, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(pipe.read)
        child.waitUntilExit()
        return (child.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
