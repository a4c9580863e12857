/// The config file and the settings resolved from flags, environment and file. Offline; every
/// later check needs what these produce.
enum DoctorConfigChecks {
    static func run(_ context: inout DoctorContext) -> [DoctorResult] {
        let options = context.options
        let shownPath = options.configPath ?? HoistConfig.defaultPath
        var results: [DoctorResult] = []
        do {
            let file = try HoistConfig.readText(path: options.configPath)
            _ = try HoistConfig.load(path: options.configPath)
            _ = try ImportConfig.load(path: options.configPath)
            results.append(.pass("config", "config", file == nil
                ? "no config file at \(shownPath): flags and environment only"
                : "\(shownPath) parses"))
        } catch let error as ConfigError {
            results.append(.fail("config", "config", error.description,
                                 fix: "correct \(error.path) (every key is described in hoist.toml.example)"))
        } catch {
            results.append(.fail("config", "config", String(describing: error),
                                 fix: "correct \(shownPath) at the line named (every key is described in hoist.toml.example)"))
        }
        guard results[0].status == .pass else {
            return results + [.skip("settings", "settings", "needs a config file that parses")]
        }
        do {
            let settings = try RuntimeSettings.load(options)
            context.settings = settings
            let oss = try settings.oss()
            context.oss = oss
            let authority = oss.endpoint.port.map { "\(oss.endpoint.host):\($0)" } ?? oss.endpoint.host
            var detail = "OSS \(oss.endpoint.scheme)://\(authority) (region \(oss.region.isEmpty ? "none, V1 signing" : oss.region))"
            detail += oss.bucket.map { ", bucket \($0)" } ?? ", no default bucket"
            if !oss.prefix.isEmpty { detail += ", prefix \(oss.prefix)" }
            results.append(.pass("settings", "settings", detail))
        } catch {
            results.append(.fail("settings", "settings", String(describing: error),
                                 fix: "give the missing or corrected setting as a flag, an environment variable or in the config"))
        }
        return results
    }
}
