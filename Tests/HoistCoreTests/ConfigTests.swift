import Foundation
@testable import HoistCore
import Testing

@Suite struct ConfigTests {
    @Test func readsTheConfigFile() throws {
        let config = try HoistConfig.parse("""
            [oss]
            endpoint = "https://oss-cn-shanghai.aliyuncs.com"
            region = "cn-shanghai"
            bucket = "images"
            prefix = "builds/"
            signature-version = "V1"

            [upload]
            part-size = "128MiB"
            parallel = 16
            give-up-after = "30m"

            [state]
            directory = "/srv/hoist"

            [agent]
            watch = "/var/spool/hoist/incoming"   # another component's table: left alone
            """)
        #expect(config.endpoint == "https://oss-cn-shanghai.aliyuncs.com")
        #expect(config.region == "cn-shanghai")
        #expect(config.bucket == "images")
        #expect(config.prefix == "builds/")
        #expect(config.signatureVersion == .v1)
        #expect(config.partSize == Int64(128 << 20))
        #expect(config.parallel == 16)
        #expect(config.giveUpAfter == 1800)
        #expect(config.stateDirectory == "/srv/hoist")
    }

    @Test func partSizeMayBeAnInteger() throws {
        #expect(try HoistConfig.parse("[upload]\npart-size = 1048576").partSize == 1_048_576)
    }

    @Test(arguments: [
        ("[oss]\npart_size = 1", "unknown setting oss.part_size"),
        ("[upload]\npart-size = \"lots\"", "is not a size"),
        ("[upload]\nparallel = 0", "1-256"),
        ("[oss]\nsignature-version = \"v2\"", "\"v4\" or \"v1\""),
        ("[oss]\nbucket = 3", "must be a string"),
        ("[upload]\ngive-up-after = \"soon\"", "not a duration"),
    ])
    func refusesMistakes(text: String, fragment: String) {
        #expect(throws: ConfigError.self) { try HoistConfig.parse(text) }
        do { _ = try HoistConfig.parse(text, path: "/etc/hoist/hoist.toml") } catch {
            #expect(error.description.contains(fragment), "\(error)")
            #expect(error.description.hasPrefix("/etc/hoist/hoist.toml:2: "), "\(error)")
        }
    }

    @Test func missingDefaultFileIsEmptyButMissingChosenFileIsAnError() throws {
        #expect(throws: ConfigError.self) { try HoistConfig.load(path: "/nonexistent/hoist.toml") }
        let path = NSTemporaryDirectory() + "hoist-config-\(UUID().uuidString).toml"
        try "[oss]\nregion = \"cn-beijing\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try HoistConfig.load(path: path).region == "cn-beijing")
    }

    @Test func flagsBeatEnvironmentBeatsFileBeatsDefault() throws {
        var file = HoistConfig()
        file.endpoint = "https://oss-cn-shanghai.aliyuncs.com"
        file.bucket = "from-file"
        file.parallel = 4
        file.partSize = 8 << 20
        let env = ["HOIST_ENDPOINT": "http://127.0.0.1:9000", "HOIST_REGION": "cn-hangzhou", "HOIST_BUCKET": "from-env"]

        let fileOnly = try HoistSettings.resolve(flags: .init(), environment: [:], file: file)
        #expect(fileOnly.endpoint.host == "oss-cn-shanghai.aliyuncs.com")
        #expect(fileOnly.region == "cn-shanghai")
        #expect(fileOnly.bucket == "from-file")
        #expect(fileOnly.parallel == 4)
        #expect(fileOnly.partSize == 8 << 20)

        let withEnv = try HoistSettings.resolve(flags: .init(), environment: env, file: file)
        #expect(withEnv.endpoint.host == "127.0.0.1" && withEnv.endpoint.port == 9000)
        #expect(withEnv.region == "cn-hangzhou")
        #expect(withEnv.bucket == "from-env")

        let withFlags = try HoistSettings.resolve(
            flags: .init(endpoint: "http://localhost:9100", region: "cn-beijing", bucket: "from-flag", parallel: 2,
                         giveUpAfter: 60),
            environment: env, file: file)
        #expect(withFlags.endpoint.port == 9100)
        #expect(withFlags.region == "cn-beijing")
        #expect(withFlags.bucket == "from-flag")
        #expect(withFlags.parallel == 2)
        #expect(withFlags.giveUpAfter == 60)

        let defaults = try HoistSettings.resolve(flags: .init(region: "cn-hangzhou"), environment: [:], file: HoistConfig())
        #expect(defaults.endpoint == .region("cn-hangzhou"))
        #expect(defaults.autoParallel && defaults.parallel == HoistSettings.autoParallelMaximum)
        #expect(defaults.partSize == 64 << 20)
        #expect(defaults.signatureVersion == .v4)
        #expect(defaults.giveUpAfter == nil)
    }

    @Test func endpointAndRegionAreRequiredWhereTheyCannotBeInferred() {
        #expect(throws: ConfigError.self) { try HoistSettings.resolve(flags: .init(), environment: [:], file: HoistConfig()) }
        #expect(throws: ConfigError.self) {
            try HoistSettings.resolve(flags: .init(endpoint: "http://127.0.0.1:9000"), environment: [:], file: HoistConfig())
        }
        #expect(throws: ConfigError.self) {
            try HoistSettings.resolve(flags: .init(endpoint: "ftp://x"), environment: [:], file: HoistConfig())
        }
        let v1 = try? HoistSettings.resolve(flags: .init(endpoint: "http://127.0.0.1:9000", signatureVersion: .v1),
                                            environment: [:], file: HoistConfig())
        #expect(v1 != nil)
    }

    @Test func destinationDefaultsToTheFileNameUnderThePrefix() throws {
        let settings = try HoistSettings.resolve(flags: .init(region: "cn-hangzhou", bucket: "images", prefix: "builds"),
                                                 environment: [:], file: HoistConfig())
        #expect(try settings.destination(forFile: "/data/disk.qcow2", given: nil)
                == ObjectLocation(bucket: "images", key: "builds/disk.qcow2"))
        #expect(try settings.destination(forFile: "/data/disk.qcow2", given: ObjectLocation(bucket: "other", key: "x/"))
                == ObjectLocation(bucket: "other", key: "x/disk.qcow2"))
        #expect(try settings.destination(forFile: "/data/disk.qcow2", given: ObjectLocation(bucket: "other", key: "y.img"))
                == ObjectLocation(bucket: "other", key: "y.img"))
        let noBucket = try HoistSettings.resolve(flags: .init(region: "cn-hangzhou"), environment: [:], file: HoistConfig())
        #expect(throws: ConfigError.self) { try noBucket.destination(forFile: "/d.img", given: nil) }
    }

    @Test func sizesAndDurations() {
        #expect(ByteCount.parse("64MiB") == 64 << 20)
        #expect(ByteCount.parse("64 MB") == 64 << 20)
        #expect(ByteCount.parse("100KB") == 102_400)
        #expect(ByteCount.parse("1g") == 1 << 30)
        #expect(ByteCount.parse("5000") == 5000)
        #expect(ByteCount.parse("1.5GiB") == nil)
        #expect(ByteCount.parse("MiB") == nil)
        #expect(ByteCount.parse("99999999999TiB") == nil)
        #expect(ByteCount.format(64 << 20) == "64 MiB")
        #expect(ByteCount.format(1000) == "1000 B")
        #expect(DurationText.parse("7d") == 604_800)
        #expect(DurationText.parse("1h30m") == 5400)
        #expect(DurationText.parse("90") == 90)
        #expect(DurationText.parse("2.5s") == 2.5)
        #expect(DurationText.parse("soon") == nil)
        #expect(DurationText.parse("5x") == nil)
        #expect(DurationText.parse("") == nil)
    }
}
