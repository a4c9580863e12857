import Foundation
import HoistCore

/// ImportImage, checked in the order ECS checks: the parameters (the same `ImportImageValidator`
/// the client uses, so both sides agree on every rule), the `ClientToken`, the RAM role, the OSS
/// bucket and object in this emulator's own store, the bytes against `Format` and
/// `DiskImageSize`, and finally the name. Only then is an image created.
extension ECSService {
    func importImage(_ call: ECSCall, requestId: String, now: Date) async throws -> EmulatorResponse {
        registry.count(\.importImageCalls)
        do {
            let record = try await startImport(call.parameters, now: now)
            return json(ImportImageResponse(requestId: requestId, regionId: record.regionId,
                                            imageId: record.imageId, taskId: record.taskId), requestId: requestId)
        } catch let error as ECSError {
            registry.count(error.code == ECSError.dryRunOperation.code ? \.dryRuns : \.importsRejected)
            throw error
        }
    }

    private func startImport(_ parameters: [String: String], now: Date) async throws -> ECSImportRecord {
        let settings = registry.settings
        let validator = settings.validator
        let request: ImportImageRequest
        do {
            request = try ImportImageRequest(parameters: parameters)
        } catch {
            throw error.ecsError()
        }
        if let violation = validator.violations(of: request).first { throw violation.ecsError() }

        // A retry of an import that was accepted must get the same answer even if the world
        // changed since (the name is now taken by that very image, the role was revoked).
        switch registry.match(token: request) {
        case .replay(let record):
            registry.count(\.idempotentReplays)
            return record
        case .mismatch:
            throw ECSError.idempotentParameterMismatch
        case .new:
            break
        }
        if settings.importRoleMissing { throw ECSError.importRoleMissing }

        var virtualSizes: [Int: UInt64] = [:]
        var formats: [Int: String] = [:]
        var sourceCRC64: UInt64?
        for (index, disk) in request.diskDeviceMappings.enumerated() {
            let n = index + 1
            // Buckets exist only in the emulator's region.
            guard request.regionId == region, store.hasBucket(disk.ossBucket) else { throw ECSError.ossBucketNotFound }
            guard let object = try? store.object(bucket: disk.ossBucket, key: disk.ossObject) else {
                throw ECSError.ossObjectNotFound
            }
            // The image is made of the object as it is now: which version that was is recorded.
            if n == 1 { sourceCRC64 = object.crc }
            formats[n] = (disk.format.flatMap { $0.isEmpty ? nil : $0 } ?? "RAW").lowercased()
            guard settings.checksImageFormat, let found = try await probe.inspect(object) else { continue }
            if let mismatch = ECSObjectProbe.mismatch(declared: disk.format, found: found,
                                                      parameter: "DiskDeviceMapping.\(n).Format",
                                                      acceptsPreview: settings.acceptsPreviewFormats) {
                throw mismatch
            }
            virtualSizes[n] = found.virtualSize
            formats[n] = found.format.lowercased()
        }
        if let violation = validator.violations(of: request, virtualSizes: virtualSizes).first { throw violation.ecsError() }

        if request.dryRun == true {
            if registry.nameTaken(request.imageName, regionId: request.regionId) { throw ECSError.imageNameDuplicated }
            throw ECSError.dryRunOperation
        }
        switch registry.create(request, virtualSizes: virtualSizes, formats: formats, sourceCRC64: sourceCRC64, now: now) {
        case .created(let record), .replay(let record):
            return record
        case .mismatch:
            throw ECSError.idempotentParameterMismatch
        case .nameTaken:
            throw ECSError.imageNameDuplicated
        }
    }
}
