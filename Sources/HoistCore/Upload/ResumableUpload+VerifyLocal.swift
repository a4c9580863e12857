extension ResumableUpload {
    /// `--verify-local`: of the parts reconciliation found safe in OSS, keeps those whose bytes
    /// in the file still have the journaled CRC-64, and forgets the others so they are sent
    /// again.
    ///
    /// The source identity (device, inode, birth, size, mtime, ctime) catches every rewrite the
    /// kernel records, but not one on a filesystem that keeps no ctime, nor one before an
    /// upgrade from a journal without ctimes. Re-reading the parts catches those too: a part
    /// whose CRC matches is the same bytes as the one in OSS, so the completed object is this
    /// file, never a mix of two versions.
    func keepingLocalMatches(_ parts: [Int: PartRecord], uploadId: String, plan: PartPlan,
                             source: SourceFile) async throws -> [Int: PartRecord] {
        var kept: [Int: PartRecord] = [:]
        var changed: [Int] = []
        for (number, record) in parts.sorted(by: { $0.key < $1.key }) {
            try Task.checkCancellation()
            guard let planned = plan.part(number), try source.crc64(of: planned) == record.crc64 else {
                changed.append(number)
                continue
            }
            kept[number] = record
        }
        if !changed.isEmpty {
            try await journal.forgetParts(uploadId: uploadId, numbers: changed)
            emit(.partsChangedLocally(changed))
        }
        return kept
    }
}
