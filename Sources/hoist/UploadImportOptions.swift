import ArgumentParser
import Foundation
import HoistCore

/// The flags `hoist upload --import` adds: the image parameters, the ECS endpoint and how to
/// follow the import. `--json` is the upload's own and covers both phases.
struct UploadImportOptions: ParsableArguments {
    @Flag(name: .customLong("import"), help: "After the upload is verified, import the object as an ECS image (named by --image-name or a manifest, else after the file).")
    var importImage = false

    @OptionGroup(title: "Import (with --import)") var image: ImportParameterOptions
    @OptionGroup var ecs: ECSEndpointOption
    @OptionGroup(title: "Following the import (with --import)") var follow: ImportWaitOptions

    /// Import flags given without `--import` are a mistake worth saying so, not ignoring.
    func validate() throws {
        guard !importImage else { return }
        let given = image.parameters() != ImportParameters() || image.manifest != nil || ecs.ecsEndpoint != nil
            || follow.wait || follow.timeout != nil
        if given { throw ValidationError("import options (--image-name, --manifest, --wait, …) need --import") }
    }

    /// The checked ImportImage request, from every check that needs no network: parameters
    /// (config < manifest < flags), the image file itself and every ImportImage rule, run
    /// before the first byte is uploaded (a bad manifest costs milliseconds, not an upload).
    /// A refusal is printed and returned as the exit code to throw.
    func prepare(file: String, location: ObjectLocation, settings: RuntimeSettings, oss: HoistSettings,
                 output: ImportOutput) throws -> ImportImageRequest {
        do {
            let layers = try image.layers(config: settings.importConfig)
            let prepared = try ImportPreflight.prepareUpload(layers, object: location, sourceFile: file,
                                                             ossRegion: oss.region, defaultRegion: settings.defaultRegion)
            if let inspection = prepared.inspection { output.emit(.inspected(path: file, inspection: inspection)) }
            return prepared.request
        } catch {
            throw output.fail(error)
        }
    }
}

/// Exit codes of `hoist upload --import`: the upload's table, plus these for the import phase
/// (the upload already uses 3–7, so the import's own numbers would be ambiguous here).
enum UploadImportExit {
    static func code(_ exit: ImportExit) -> Int32 {
        switch exit {
        case .success: 0
        case .failure: HoistExit.failure
        case .invalid: 2
        case .importFailed: 10
        case .cancelled: 11
        case .timedOut: 12
        case .refused: 13
        case .unreachable: 14
        case .integrity: HoistExit.integrity
        }
    }

    static let table = """
        With --import, also:
          2    invalid import parameters, manifest or image (ISO, too small a disk),
               or the image name is held by an image imported from another
               object; found before the upload, nothing was sent
          10   the import ran and failed in ECS; `hoist retry JOB` imports again
          11   the import was cancelled (`hoist cancel JOB`)
          12   --timeout expired; the import goes on, rerun the command to follow it
          13   ECS refused: credentials, permissions, the RAM role
               AliyunECSImageImportDefaultRole
          14   ECS unreachable or failing; rerun the command to continue
          130  interrupted; an import already started goes on in ECS, rerun to follow it
        """
}
