import ArgumentParser
import HoistCore

/// The exit codes of `hoist upload` and the other OSS commands, documented in `--help`.
enum HoistExit {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let source: Int32 = 3
    static let credentials: Int32 = 4
    static let service: Int32 = 5
    static let network: Int32 = 6
    static let integrity: Int32 = 7
    /// Another process holds the job's lock (`--wait-for-lock` waits instead).
    static let locked: Int32 = 8
    static let unverifiable: Int32 = 9
    /// `hoist doctor`: at least one check failed (its line says how to fix it).
    static let checkFailed: Int32 = 1
    static let usage: Int32 = 64
    static let interrupted: Int32 = 130

    static func code(for category: UploadFailure.Category) -> Int32 {
        switch category {
        case .source: source
        case .credentials: credentials
        case .service: service
        case .network: network
        case .integrity: integrity
        case .unverifiable: unverifiable
        case .interrupted: interrupted
        case .other: failure
        }
    }

    /// The exit-code table for `--help` discussions.
    static let table = """
        Exit codes:
          0    done: the object is in OSS and its CRC-64 matched the parts
          1    an unexpected failure (journal, local I/O)
          3    the source cannot be uploaded: missing, unreadable, a directory, empty,
               or changed while it was being sent
          4    OSS refused the credentials or permissions (InvalidAccessKeyId,
               SignatureDoesNotMatch, AccessDenied, STS token, clock skew)
          5    OSS refused the request otherwise (NoSuchBucket, invalid argument,
               NotImplemented), or the endpoint is not OSS / a proxy demands authentication
          6    network: gave up after --give-up-after without a successful request
          7    integrity: the object's CRC-64 differs from the parts (journal kept)
          8    another hoist process is running this job (its pid is printed); wait
               for it, or use --wait-for-lock
          9    unverifiable: OSS answered without x-oss-hash-crc64ecma, so the parts
               cannot be checked (a gateway stripping headers?); journal kept
          64   usage or configuration error
          130  interrupted by Ctrl-C or SIGTERM; run the same command to resume
        """
}

/// A bad flag, config or missing credential: printed as is, exit 64.
struct UsageFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Any other failure outside the engine: printed as is, exit 1.
struct GeneralFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Prints `message` to stderr as `hoist: …` and exits with `code`.
func exitWithMessage(_ message: String, code: Int32) -> ExitCode {
    StandardError.write("hoist: \(message)\n")
    return ExitCode(code)
}
