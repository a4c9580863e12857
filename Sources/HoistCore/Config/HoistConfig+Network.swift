/// The config's network settings: endpoint selection by name (`[oss] transfer-acceleration`,
/// `internal`), the bandwidth budget (`[upload] bandwidth`, `schedule`) and TLS (`[tls] ca-file`).
extension HoistConfig {
    mutating func readNetworkSettings(_ toml: TOMLDocument) throws(TOMLError) {
        transferAcceleration = try toml.boolean("oss", "transfer-acceleration")
        internalEndpoint = try toml.boolean("oss", "internal")
        if let text = try toml.string("upload", "bandwidth") {
            guard let rate = BandwidthRate.parse(text) else {
                throw TOMLError(line: toml.line(of: "upload", "bandwidth") ?? 0,
                                message: "upload.bandwidth \"\(text)\" is not \(BandwidthRate.expected)")
            }
            bandwidth = rate
        }
        if let entries = try toml.strings("upload", "schedule") {
            do {
                bandwidthSchedule = try BandwidthSchedule.parse(entries)
            } catch {
                throw TOMLError(line: toml.line(of: "upload", "schedule") ?? 0,
                                message: "upload.schedule \(error)")
            }
        }
        if let path = try toml.string("tls", "ca-file") {
            guard !path.isEmpty else {
                throw TOMLError(line: toml.line(of: "tls", "ca-file") ?? 0, message: "tls.ca-file is empty")
            }
            caFile = path
        }
    }

    /// The bandwidth plan these settings give, nil when they say nothing about it.
    var bandwidthPlan: BandwidthPlan? {
        guard bandwidth != nil || bandwidthSchedule != nil else { return nil }
        return BandwidthPlan(base: bandwidth ?? .unlimited, schedule: bandwidthSchedule)
    }
}
