import Foundation

/// Sends one part until OSS holds it with the right CRC-64, then journals it.
///
/// This is where "journal before acknowledgement" (DESIGN.md §3) is enforced: a part is
/// recorded only after a 200 whose `x-oss-hash-crc64ecma` equals the CRC-64 the transport
/// computed over the bytes it actually streamed. A mismatch is retried like a network error.
struct PartUpload: Sendable {
    let client: OSSClient
    let journal: UploadJournal
    let source: SourceFile
    let location: ObjectLocation
    let uploadId: String
    let policy: RetryPolicy
    let meter: UploadMeter
    let emit: @Sendable (UploadEvent) -> Void
    /// Checks whether OSS answers, for `NetworkHealth` while the network is down.
    let probe: @Sendable () async -> Bool
    /// The runtime's budget of parts in flight, told of every byte put on the wire: with
    /// `--parallel auto` that is what its tuner measures.
    var budget: PartBudget? = nil

    func send(_ part: PartPlan.Part) async throws {
        let stored: (etag: String, crc64: UInt64)
        do {
            stored = try await sendWithRetries(part)
        } catch where RetryPolicy.classify(error) == .partExists {
            stored = try await adoptExisting(part)
        } catch {
            meter.partAbandoned(part: part.number)
            throw error
        }
        try await journal.recordPart(uploadId: uploadId, part: part, etag: stored.etag, crc64: stored.crc64)
        meter.partDone(part: part.number, bytes: part.length, sent: true)
        emit(.partDone(number: part.number, bytes: part.length))
        if meter.due() { emit(.progress(meter.snapshot)) }
    }

    private func sendWithRetries(_ part: PartPlan.Part) async throws -> (etag: String, crc64: UInt64) {
        let client = client, meter = meter, emit = emit, location = location, uploadId = uploadId, budget = budget
        let region = source.region(of: part)
        return try await policy.perform(
            "UploadPart \(part.number)",
            correctClock: { offset in
                client.clockOffset = offset
                emit(.clockCorrected(offsetSeconds: offset))
            },
            onRetry: { notice in
                meter.attemptFailed(part: part.number)
                emit(.retrying(notice))
            },
            probe: probe
        ) {
            meter.attemptStarted(part: part.number)
            let result = try await client.uploadPart(
                bucket: location.bucket, key: location.key, uploadId: uploadId, partNumber: part.number,
                fileRegion: region,
                onProgress: { cumulative in
                    budget?.sent(bytes: meter.sent(part: part.number, cumulative: cumulative))
                    if meter.due() { emit(.progress(meter.snapshot)) }
                })
            guard result.crcMatches else {
                throw PartCheckFailure(partNumber: part.number, sentCRC64: result.sentCRC64,
                                       serverCRC64: result.serverCRC64)
            }
            return (result.etag, result.sentCRC64)
        }
    }

    /// 409 `PartAlreadyExist`: the server refuses to replace a part it holds. The part is kept
    /// if ListParts shows it with this part's size and the CRC-64 of the bytes on disk; otherwise
    /// the refusal is final, because the held part is not this file's.
    private func adoptExisting(_ part: PartPlan.Part) async throws -> (etag: String, crc64: UInt64) {
        meter.partAbandoned(part: part.number)
        let local = try source.crc64(of: part)
        let client = client, emit = emit, location = location, uploadId = uploadId, meter = meter
        let listed = try await policy.perform(
            "ListParts", correctClock: { client.clockOffset = $0 },
            onRetry: { notice in meter.retried(); emit(.retrying(notice)) },
            probe: probe
        ) {
            try await client.listParts(bucket: location.bucket, key: location.key, uploadId: uploadId)
        }
        guard let held = listed.first(where: { $0.partNumber == part.number }), held.size == part.length,
              held.crc64 == local else {
            throw UploadFailure.rejected(
                OSSError(code: "PartAlreadyExist", message: "OSS holds a different part \(part.number) and refuses "
                         + "to replace it", httpStatus: 409),
                operation: "UploadPart \(part.number)")
        }
        return (held.etag, local)
    }
}
