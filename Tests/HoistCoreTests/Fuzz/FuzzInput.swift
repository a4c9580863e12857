import Foundation
import HoistTestSupport

/// The fuzz tests' seeded generator (see `SplitMix64`).
typealias SeededGenerator = SplitMix64

/// How much fuzzing a run does. The default keeps `swift test` to a few seconds per target;
/// `HOIST_FUZZ_ITERATIONS` raises it for long runs (benchmarks/fuzz/run.sh) and
/// `HOIST_FUZZ_SEED` replays one reported failure.
enum FuzzBudget {
    static var iterations: Int {
        ProcessInfo.processInfo.environment["HOIST_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 400
    }

    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["HOIST_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x486F_6973_7446_757A
    }

    /// With `HOIST_FUZZ_TRACE` set, each case is written to stderr before it runs, so a case
    /// that crashes the process (a trap or a stack overflow) is the last one printed.
    static func trace(_ label: String, _ input: [UInt8]) {
        guard ProcessInfo.processInfo.environment["HOIST_FUZZ_TRACE"] != nil else { return }
        let hex = input.prefix(4096).map { String(format: "%02x", $0) }.joined()
        FileHandle.standardError.write(Data("\(label) \(input.count) bytes: \(hex)\n".utf8))
    }

    /// One generator per case, so case N is reproducible without replaying cases 0..<N.
    static func generator(case number: Int) -> SeededGenerator {
        var mixer = SeededGenerator(seed: seed ^ UInt64(number) &* 0x2545_F491_4F6C_DD1D)
        return SeededGenerator(seed: mixer.next())
    }
}

/// Turns valid seed inputs into random and damaged ones: random bytes, bit flips, truncations,
/// duplicated and deleted spans, spliced-in huge numbers and deep nesting. Every mutation keeps
/// the input small (bounded by `maximumLength`), so no case can be slow for its size alone.
struct FuzzMutator {
    var maximumLength = 64 * 1024
    /// Text that means something to the formats under test, spliced in at random.
    var dictionary: [[UInt8]] = []

    static let hugeNumbers: [String] = [
        "18446744073709551615", "18446744073709551616", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809", "99999999999999999999999999999999", "-1", "0",
        "4294967295", "4294967296", "1e308", "NaN", "0x7fffffffffffffff", "+0", "00",
    ]

    func randomBytes(_ rng: inout SeededGenerator, upTo length: Int = 512) -> [UInt8] {
        (0..<Int.random(in: 0...length, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    /// Applies one to four mutations to `seed`.
    func mutate(_ seed: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            bytes = mutateOnce(bytes, &rng)
        }
        return bytes.count > maximumLength ? Array(bytes.prefix(maximumLength)) : bytes
    }

    private func mutateOnce(_ input: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        guard !bytes.isEmpty else { return randomBytes(&rng, upTo: 64) }
        let at = Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<9, using: &rng) {
        case 0: // bit flips
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[i] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            }
        case 1: // truncation
            bytes.removeSubrange(at...)
        case 2: // delete a span
            bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...64, using: &rng)))
        case 3: // duplicate a span
            let span = Array(bytes[at..<min(bytes.count, at + Int.random(in: 1...256, using: &rng))])
            let copies = Int.random(in: 1...16, using: &rng)
            bytes.insert(contentsOf: Array(repeating: span, count: copies).joined(), at: at)
        case 4: // a huge or odd number
            bytes.insert(contentsOf: Array(Self.hugeNumbers.randomElement(using: &rng)!.utf8), at: at)
        case 5: // a format word
            if let word = dictionary.randomElement(using: &rng) { bytes.insert(contentsOf: word, at: at) }
        case 6: // deep nesting of the bytes around `at`
            let open = Array(bytes[at..<min(bytes.count, at + Int.random(in: 1...12, using: &rng))])
            bytes.insert(contentsOf: Array(repeating: open, count: Int.random(in: 50...2000, using: &rng)).joined(), at: at)
        case 7: // random bytes spliced in
            bytes.insert(contentsOf: randomBytes(&rng, upTo: 32), at: at)
        default: // a byte set to a boundary value
            bytes[at] = [0x00, 0x7F, 0x80, 0xFF, 0x0A, 0x22, 0x27, 0x3C, 0x5B].randomElement(using: &rng)!
        }
        return bytes
    }
}

/// Runs `body` on `FuzzBudget.iterations` inputs: a tenth fully random, the rest mutated seeds.
/// A failing case is reported with its number and seed so it can be replayed alone.
func fuzz(_ seeds: [[UInt8]], mutator: FuzzMutator = FuzzMutator(), _ body: ([UInt8], String) throws -> Void) rethrows {
    precondition(!seeds.isEmpty)
    for number in 0..<FuzzBudget.iterations {
        var rng = FuzzBudget.generator(case: number)
        let input = number % 10 == 0
            ? mutator.randomBytes(&rng, upTo: 2048)
            : mutator.mutate(seeds.randomElement(using: &rng)!, &rng)
        let label = "case \(number) (HOIST_FUZZ_SEED=\(FuzzBudget.seed))"
        FuzzBudget.trace(label, input)
        try body(input, label)
    }
}
