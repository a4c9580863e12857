import Foundation
import HoistCore

/// Turns a dropped image into the job `hoist upload FILE --import` would run for it: the key
/// is the file name under the configured bucket and prefix, and the import parameters are
/// layered config `[import]` < the manifest beside the image (`ManifestDiscovery`: `NAME.toml`,
/// else the folder's `_defaults.toml`). The same preflight as the CLI checks every parameter
/// and the image file before a byte is sent. With no image name anywhere, the job is named
/// `{stem}-{date}-{time}-{job}` (`NameTemplate.agentDefaultImageName`): every build of `web.raw`
/// gets its own image, `web-20261208-031500-j-1a2b3c4d`, never the previous build's name.
///
/// `import = false` in the top layer that says (else `[agent] import`) makes the job upload
/// only: no import request, no preflight of import parameters (the manifest must still parse).
///
/// A mistake (a broken manifest, a bad parameter, an image that is not what it claims) throws
/// `ImportError`, whose description names the file and line where a file set the value.
enum DropJobPlan {
    /// The agent follows every import to its end and never gives up on a transient failure:
    /// it has no one to report to but done/ and failed/.
    /// `importSettings.timeout` is cleared for the same reason.
    static func runOptions(_ importSettings: ImportTracker.Settings) -> JobRunOptions {
        var settings = importSettings
        settings.timeout = nil
        return JobRunOptions(waitForLock: false, followImport: true, importSettings: settings, giveUpAfter: nil)
    }

    static func job(forImage path: String, runtime: HoistRuntime, settings agent: AgentSettings,
                    options: JobRunOptions) throws -> UploadJob {
        let settings = runtime.settings
        let oss = try settings.oss()
        let location = try oss.destination(forFile: path, given: nil)
        let request = UploadRequest(sourcePath: path, location: location, partSize: oss.partSize,
                                    parallel: oss.parallel, endpoint: oss.endpoint.url(bucket: nil, key: nil))
        return UploadJob(upload: request,
                         importImage: try importRequest(forImage: path, location: location, runtime: runtime,
                                                        settings: agent),
                         options: options)
    }

    /// The checked import request for the image at `path` to be imported from `location`, or
    /// nil when the job is to upload only.
    static func importRequest(forImage path: String, location: ObjectLocation, runtime: HoistRuntime,
                              settings agent: AgentSettings) throws -> ImportImageRequest? {
        let settings = runtime.settings
        let oss = try settings.oss()
        var layers = ImportParameterLayers()
        layers.add(ImportManifest(parameters: ImportParameters(imageName: NameTemplate.agentDefaultImageName),
                                  source: "the agent's default"))
        layers.add(agent.importDefaults)
        if let manifest = ManifestDiscovery.manifest(forImage: path) {
            layers.add(try ImportManifest.load(path: manifest))
        }
        guard layers.importEnabled ?? agent.importImages else { return nil }
        return try ImportPreflight.prepareUpload(layers, object: location, sourceFile: path, ossRegion: oss.region,
                                                 defaultRegion: settings.defaultRegion).request
    }
}
