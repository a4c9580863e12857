import Foundation

/// Loads the JSON vector files copied from `shared/reference/vectors`, so the project stands alone.
enum Fixtures {
    static func json(_ name: String) throws -> [String: Any] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw FixtureError.missing(name)
        }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        guard let dict = object as? [String: Any] else { throw FixtureError.missing(name) }
        return dict
    }

    enum FixtureError: Error { case missing(String) }
}

/// The deterministic byte pattern the reference vectors use for large inputs.
enum LCGPattern {
    static func bytes(_ count: Int) -> [UInt8] {
        var state: UInt32 = 0x1234_5678
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            state = state &* 1_664_525 &+ 1_013_904_223
            out[i] = UInt8(state >> 24)
        }
        return out
    }
}
