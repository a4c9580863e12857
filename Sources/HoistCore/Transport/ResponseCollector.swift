/// Gathers what libcurl's header and write callbacks deliver for one transfer.
///
/// Headers start over at every status line, so interim responses (`100 Continue`) and anything
/// libcurl retries internally never leak into the final response.
struct ResponseCollector {
    let maxBodyBytes: Int
    private(set) var headers: [(name: String, value: String)] = []
    private(set) var body: [UInt8] = []

    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    /// One raw header line as libcurl hands it over, CRLF included.
    mutating func headerLine(_ raw: UnsafeRawBufferPointer) {
        var line = String(decoding: raw, as: UTF8.self)
        while let last = line.last, last.isNewline { line.removeLast() }
        if line.hasPrefix("HTTP/") {
            headers.removeAll(keepingCapacity: true)
            return
        }
        guard !line.isEmpty else { return }
        if let first = line.first, first == " " || first == "\t", !headers.isEmpty {
            // Obsolete line folding: the line continues the previous header's value.
            headers[headers.count - 1].value += " " + trimmed(Substring(line))
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = trimmed(line[line.index(after: colon)...])
        headers.append((name: name, value: value))
    }

    /// Appends body bytes; false once the cap would be exceeded.
    mutating func append(_ raw: UnsafeRawBufferPointer) -> Bool {
        guard body.count + raw.count <= maxBodyBytes else { return false }
        body.append(contentsOf: raw)
        return true
    }

    private func trimmed(_ s: Substring) -> String {
        var v = s
        while let c = v.first, c == " " || c == "\t" { v.removeFirst() }
        while let c = v.last, c == " " || c == "\t" { v.removeLast() }
        return String(v)
    }
}
