import ArgumentParser
import HoistCore

/// `--parallel N` (1-256) or `--parallel auto`, onto the config layer the flags form.
enum ParallelArgument: ExpressibleByArgument, Equatable {
    case fixed(Int)
    case auto

    init?(argument: String) {
        if argument.lowercased() == "auto" {
            self = .auto
        } else if let value = Int(argument), (1...256).contains(value) {
            self = .fixed(value)
        } else {
            return nil
        }
    }

    static var defaultCompletionKind: CompletionKind { .list(["auto", "4", "8", "16", "32"]) }

    func apply(to flags: inout HoistConfig) {
        switch self {
        case .fixed(let value):
            flags.parallel = value
            flags.autoParallel = false
        case .auto:
            flags.autoParallel = true
        }
    }
}
