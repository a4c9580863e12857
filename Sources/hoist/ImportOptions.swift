import ArgumentParser
import Foundation
import HoistCore

/// The ImportImage parameters as flags. Each one overrides the same value from `--manifest`.
struct ImportParameterOptions: ParsableArguments {
    @Option(name: .customLong("image-name"), help: ArgumentHelp(
        "Name of the new image: 2–128 characters, starting with a letter; letters, digits, '.', ':', '_', '-'. "
        + "May be a template, expanded once per job and made valid: {stem} {name} {ext} (of the file), {date} {time} "
        + "(UTC, when the job began), {job}, {crc} (8 hex digits of the object's CRC-64), e.g. 'web-{date}-{time}'. "
        + "Default: the object's file name made valid (builds/web server.raw → web-server.raw). An existing image of this "
        + "name is adopted only if it provably came from this build's bytes (its hoist:job and hoist:crc64 tags).",
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

    @Option(help: ArgumentHelp("Image format: QCOW2, RAW or VHD (default: read from the local image file when there is one).",
                               valueName: "format"))
    var format: String?

    @Option(name: .customLong("disk-image-size"), help: ArgumentHelp(
        "System disk size in GiB (1–2048). By default the image's virtual size, rounded up.",
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

    @Option(help: ArgumentHelp("A TOML file of import parameters (image-name, platform, [tags], …); flags override it, "
                               + "and it overrides the config's [import] defaults.", valueName: "file.toml"))
    var manifest: String?

    /// The flags as a parameter layer.
    func parameters(region: String? = nil) -> ImportParameters {
        ImportParameters(imageName: imageName, description: imageDescription, platform: platform, osType: osType,
                         architecture: architecture, bootMode: bootMode, licenseType: licenseType, format: format,
                         diskImageSizeGiB: diskImageSize, resourceGroupId: resourceGroupId,
                         tags: tags.map(ImportParameters.tag), detectionStrategy: detectionStrategy,
                         nvmeSupport: nvmeSupport, roleName: roleName, region: region)
    }

    /// Every source of parameters, lowest first: the config's `[import]`, `--manifest`, the flags.
    func layers(config: ImportConfig, region: String? = nil) throws(ImportError) -> ImportParameterLayers {
        var layers = ImportParameterLayers()
        layers.add(config.defaults)
        if let manifest { layers.add(try ImportManifest.load(path: manifest)) }
        layers.add(flags: parameters(region: region))
        return layers
    }
}

/// `--ecs-endpoint`: every command that calls ECS has it.
struct ECSEndpointOption: ParsableArguments {
    @Option(name: .customLong("ecs-endpoint"), help: ArgumentHelp(
        "ECS API endpoint (env HOIST_ECS_ENDPOINT, config [ecs] endpoint; default https://ecs.REGION.aliyuncs.com), "
        + "e.g. the emulator's http://127.0.0.1:9000.", valueName: "url"))
    var ecsEndpoint: String?
}

/// The config file and the journal: what every job command needs to find its state. The same
/// flags, variables and `[state]` setting as `hoist upload`, so all commands share one journal.
struct JournalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Config file (default /etc/hoist/hoist.toml).", valueName: "path"))
    var config: String?

    @Option(name: .customLong("state-dir"), help: ArgumentHelp(
        "Directory of the journal (env HOIST_STATE_DIRECTORY, config [state] directory; default /var/lib/hoist "
        + "as root, else $XDG_STATE_HOME/hoist or ~/.local/state/hoist).", valueName: "dir"))
    var stateDirectory: String?

    @Flag(name: .customLong("insecure-http"), help: "Allow plain http:// OSS and ECS endpoints other than loopback (config [oss] insecure-http).")
    var insecureHTTP = false

    /// What the runtime is built from, with the command's own endpoint flags.
    func runtimeOptions(endpoint: String? = nil, ecsEndpoint: String? = nil) -> RuntimeOptions {
        RuntimeOptions(configPath: config,
                       flags: HoistConfig(endpoint: endpoint, stateDirectory: stateDirectory,
                                          insecureHTTP: insecureHTTP ? true : nil),
                       ecsEndpoint: ecsEndpoint)
    }

    /// The runtime over this journal, for the commands that only read or tidy it (`hoist status`,
    /// `hoist jobs`); a bad config or state directory exits with the usage code.
    func runtime() throws -> HoistRuntime {
        do {
            return try HoistRuntime(runtimeOptions())
        } catch {
            throw exitWithMessage(error.description, code: HoistExit.usage)
        }
    }
}

/// How to follow an import (`--json` belongs to each command, since `hoist upload` has its own).
struct ImportWaitOptions: ParsableArguments {
    @Flag(help: "Follow the import until the image is Available (or failed), showing progress.")
    var wait = false

    @Option(help: ArgumentHelp("With --wait, stop following after this long (e.g. 90m, 2h); the import goes on in ECS.",
                               valueName: "duration"))
    var timeout: DurationArgument?

    @Option(name: .customLong("poll-interval"), help: ArgumentHelp(
        "First wait between polls; it grows to 60 s (or to this value if larger).", valueName: "duration"))
    var pollInterval: DurationArgument = DurationArgument(.seconds(10))

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

    var defaultValueDescription: String { "\(Int(duration.components.seconds))s" }

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
