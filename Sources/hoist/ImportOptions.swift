import ArgumentParser
import Foundation
import HoistCore

/// The ImportImage parameters as flags. Each one overrides the same value from `--manifest`.
struct ImportParameterOptions: ParsableArguments {
    @Option(name: .customLong("image-name"), help: ArgumentHelp(
        "Name of the new image: 2–128 characters, starting with a letter; letters, digits, '.', ':', '_', '-'.",
        valueName: "name"))
    var imageName: String?

    @Option(name: .customLong("description"), help: ArgumentHelp("Image description, 2–256 characters.", valueName: "text"))
    var imageDescription: String?

    @Option(help: ArgumentHelp("OS distribution, e.g. Ubuntu, CentOS, Debian, \"Others Linux\", \"Windows Server 2022\".",
                               valueName: "name"))
    var platform: String?

    @Option(name: .customLong("os-type"), help: ArgumentHelp("linux or windows.", valueName: "type"))
    var osType: String?

    @Option(name: [.customLong("architecture"), .customLong("arch")],
            help: ArgumentHelp("x86_64, i386 or arm64 (arm64 needs --boot-mode UEFI).", valueName: "arch"))
    var architecture: String?

    @Option(name: .customLong("boot-mode"), help: ArgumentHelp("BIOS or UEFI.", valueName: "mode"))
    var bootMode: String?

    @Option(name: .customLong("license-type"), help: ArgumentHelp("Auto, Aliyun or BYOL.", valueName: "type"))
    var licenseType: String?

    @Option(help: ArgumentHelp("Image format: QCOW2, RAW or VHD. With --source-file it is read from the file.",
                               valueName: "format"))
    var format: String?

    @Option(name: .customLong("disk-image-size"), help: ArgumentHelp(
        "System disk size in GiB (1–2048). With --source-file it defaults to the image's virtual size, rounded up.",
        valueName: "GiB"))
    var diskImageSize: Int?

    @Option(name: .customLong("tag"), help: ArgumentHelp("A tag as key=value (repeatable, up to 20).", valueName: "key=value"))
    var tags: [String] = []

    @Option(name: .customLong("resource-group-id"), help: ArgumentHelp("Resource group of the image.", valueName: "id"))
    var resourceGroupId: String?

    @Option(name: .customLong("detection-strategy"), help: ArgumentHelp("Standard runs ECS's image check.", valueName: "Standard"))
    var detectionStrategy: String?

    @Option(name: .customLong("nvme-support"), help: ArgumentHelp("supported or unsupported.", valueName: "value"))
    var nvmeSupport: String?

    @Option(name: .customLong("role-name"), help: ArgumentHelp(
        "RAM role ECS assumes to read the object (default AliyunECSImageImportDefaultRole).", valueName: "role"))
    var roleName: String?

    @Option(help: ArgumentHelp("A TOML file of import parameters (image-name, platform, tags, …); flags override it.",
                               valueName: "file.toml"))
    var manifest: String?

    @Option(name: .customLong("source-file"), help: ArgumentHelp(
        "The local image the object was uploaded from: its format and virtual size fill --format and --disk-image-size, "
        + "and ISO or damaged images are refused before anything is sent.", valueName: "path"))
    var sourceFile: String?

    /// The flags as a parameter layer (region is added from the connection options).
    func parameters(region: String?) -> ImportParameters {
        ImportParameters(imageName: imageName, description: imageDescription, platform: platform, osType: osType,
                         architecture: architecture, bootMode: bootMode, licenseType: licenseType, format: format,
                         diskImageSizeGiB: diskImageSize, resourceGroupId: resourceGroupId,
                         tags: tags.map(ImportParameters.tag), detectionStrategy: detectionStrategy,
                         nvmeSupport: nvmeSupport, roleName: roleName, region: region)
    }
}

/// Where ECS, OSS and the journal are.
struct ImportConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Region of the bucket and the image, e.g. cn-hangzhou (default: ALIBABA_CLOUD_REGION_ID).",
                               valueName: "id"))
    var region: String?

    @Option(name: .customLong("ecs-endpoint"), help: ArgumentHelp(
        "ECS API endpoint (default https://ecs.REGION.aliyuncs.com), e.g. the emulator's http://127.0.0.1:9000.",
        valueName: "url"))
    var ecsEndpoint: String?

    @Option(name: .customLong("oss-endpoint"), help: ArgumentHelp(
        "OSS endpoint for the object check (default https://oss-REGION.aliyuncs.com).", valueName: "url"))
    var ossEndpoint: String?

    @Flag(name: .customLong("skip-object-check"), help: "Do not check with HeadObject that the object exists first.")
    var skipObjectCheck = false

    @Option(name: .customLong("state-dir"), help: ArgumentHelp(
        "Directory of the journal (default /var/lib/hoist as root, else $XDG_STATE_HOME/hoist or ~/.local/state/hoist).",
        valueName: "dir"))
    var stateDirectory: String?

    /// The region from the flag or the environment.
    var resolvedRegion: String? {
        region ?? ProcessInfo.processInfo.environment["ALIBABA_CLOUD_REGION_ID"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func journal() throws -> UploadJournal {
        try UploadJournal.open(in: StateDirectory.resolve(override: stateDirectory))
    }

    func ecsEndpoint(region: String) throws(ImportError) -> ECSEndpoint {
        guard let text = ecsEndpoint else { return .region(region) }
        guard let endpoint = ECSEndpoint(url: text) else {
            throw .usage("--ecs-endpoint \(text) is not an http(s)://host[:port] URL")
        }
        return endpoint
    }

    /// The OSS endpoint as the journal records it: the URL the user gave, or the region's.
    func ossEndpointText(region: String) -> String {
        ossEndpoint ?? "https://oss-\(region).aliyuncs.com"
    }
}

/// How to follow the import and how to report it.
struct ImportFollowOptions: ParsableArguments {
    @Flag(help: "Follow the import until the image is Available (or failed), showing progress.")
    var wait = false

    @Option(help: ArgumentHelp("With --wait, stop following after this long (e.g. 90m, 2h); the import goes on in ECS.",
                               valueName: "duration"))
    var timeout: DurationArgument?

    @Option(name: .customLong("poll-interval"), help: ArgumentHelp(
        "First wait between polls; it grows to 60 s (or to this value if larger).", valueName: "duration"))
    var pollInterval: DurationArgument = DurationArgument(.seconds(10))

    @Flag(help: "Print JSON lines (one object per event) instead of text.")
    var json = false

    func settings() -> ImportTracker.Settings {
        let first = pollInterval.duration
        return ImportTracker.Settings(poll: ImportPollSchedule(initial: first, maximum: max(first, .seconds(60))),
                                      timeout: timeout?.duration)
    }
}

/// A duration such as `90`, `45s`, `10m`, `2h` or `1d`; a bare number is seconds.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var duration: Duration

    init(_ duration: Duration) { self.duration = duration }

    init?(argument: String) {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        var text = Substring(argument.trimmingCharacters(in: .whitespaces))
        var scale = 1.0
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            text = text.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Double(text), value.isFinite, value >= 0 else { return nil }
        duration = .milliseconds(Int64((value * scale * 1000).rounded()))
    }
}

/// Credentials from the environment. The engine's credential chain (Config/) replaces this
/// one function once it lands; nothing else reads credentials.
enum ImportCredentials {
    static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws(ImportError) -> Credentials {
        guard let id = env["ALIBABA_CLOUD_ACCESS_KEY_ID"], !id.isEmpty,
              let secret = env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"], !secret.isEmpty else {
            throw .usage("no credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET "
                         + "(and ALIBABA_CLOUD_SECURITY_TOKEN for STS credentials)")
        }
        let token = env["ALIBABA_CLOUD_SECURITY_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return Credentials(accessKeyId: id, accessKeySecret: secret, securityToken: token)
    }
}
