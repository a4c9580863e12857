import HoistCore

/// What `hoist-bench delay-line` was asked to do.
///
/// `rtt` is the round trip the path adds; each direction holds bytes for half of it. `window`
/// bounds each direction of each connection to that many bytes in flight, as a TCP window does.
/// `socketBuffer` is the SO_RCVBUF/SO_SNDBUF the relay asks for on its own sockets: small, so
/// the kernel's buffers do not hide a second window behind the modelled one.
struct DelayLineOptions {
    var listen: (host: String, port: UInt16)
    var target: (host: String, port: UInt16)
    var rtt: Double = 0.040
    var window: Int = 4 << 20
    var socketBuffer: Int = 128 << 10

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    init(arguments: [String]) throws {
        var listen: (String, UInt16)?
        var target: (String, UInt16)?
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw Invalid(description: "\(flag) needs a value") }
            switch flag {
            case "--listen": listen = try Self.address(value)
            case "--to": target = try Self.address(value)
            case "--rtt": rtt = try Self.seconds(value)
            case "--window": window = try Self.bytes(value, flag)
            case "--socket-buffer": socketBuffer = try Self.bytes(value, flag)
            default: throw Invalid(description: "unknown option \(flag)")
            }
        }
        guard let listen, let target else { throw Invalid(description: "--listen and --to are required") }
        self.listen = listen
        self.target = target
    }

    /// `10.0.0.2:9000` (IPv4 only: the benchmark's namespaces use IPv4).
    static func address(_ text: String) throws -> (String, UInt16) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            throw Invalid(description: "expected ADDR:PORT, got \(text)")
        }
        return (String(text[..<colon]), port)
    }

    /// `40ms`, `0.04s`, `0.04` (seconds), `500us`.
    static func seconds(_ text: String) throws -> Double {
        for (suffix, scale) in [("us", 1e-6), ("ms", 1e-3), ("s", 1.0), ("", 1.0)] where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)), value >= 0 { return value * scale }
        }
        throw Invalid(description: "expected a duration like 40ms, got \(text)")
    }

    static func bytes(_ text: String, _ flag: String) throws -> Int {
        guard let value = ByteCount.parse(text), value > 0 else {
            throw Invalid(description: "\(flag) expects a size like 4MiB, got \(text)")
        }
        return Int(value)
    }
}
