import Foundation
import HoistCore

/// Benchmark tools, run in release (see benchmarks/README.md):
///   hoist-bench crc64 [MiB]            the CRC-64 kernel on one core
///   hoist-bench journal [PARTS]        durable journal part commits per second
///   hoist-bench fill PATH SIZE         a deterministic, incompressible test file
///   hoist-bench delay-line --listen ADDR:PORT --to ADDR:PORT [--rtt 40ms] [--window 4MiB]
///                                      a TCP relay that behaves like a WAN path (DelayLine/)
/// Each prints one line per figure so scripts can grep it.

let usage = """
    usage: hoist-bench crc64 [MiB]
           hoist-bench journal [PARTS]
           hoist-bench fill PATH SIZE
           hoist-bench delay-line --listen ADDR:PORT --to ADDR:PORT [--rtt 40ms] [--window 4MiB] [--socket-buffer 128KiB]

    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("hoist-bench: \(message)\n".utf8))
    exit(1)
}

func usageError() -> Never {
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
}

let args = Array(CommandLine.arguments.dropFirst())
switch args.first {
case "crc64":
    CRC64Bench.run(mebibytes: args.dropFirst().first.flatMap { Int($0) } ?? 512)
case "journal":
    do { try await JournalBench.run(parts: args.dropFirst().first.flatMap { Int($0) } ?? 2000) } catch { fail("journal: \(error)") }
case "fill":
    guard args.count == 3, let size = ByteCount.parse(args[2]) else { usageError() }
    do { try FillCommand.run(path: args[1], size: size) } catch { fail("fill: \(error)") }
case "delay-line":
    let options: DelayLineOptions
    do { options = try DelayLineOptions(arguments: Array(args.dropFirst())) } catch {
        FileHandle.standardError.write(Data("hoist-bench delay-line: \(error)\n".utf8))
        usageError()
    }
    do { try DelayLineServer(options: options).run() } catch { fail("delay-line: \(error)") }
default:
    usageError()
}
