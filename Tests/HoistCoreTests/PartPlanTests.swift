import Testing
@testable import HoistCore

@Suite struct PartPlanTests {
    let MiB = PartPlan.mebibyte
    let GiB = PartPlan.gibibyte
    /// The emulator's test mode: small parts, but still OSS's 100 KiB floor.
    let testLimits = PartPlan.Limits(minimumPartSize: 100 * 1024, maximumPartSize: 5 * 1024 * 1024 * 1024,
                                     maximumPartCount: 10_000)

    /// Every plan must tile the file exactly: numbered from 1, contiguous, all full but the last.
    func checkTiling(_ plan: PartPlan) {
        var expectedOffset: Int64 = 0
        for (index, part) in plan.parts.enumerated() {
            #expect(part.number == index + 1)
            #expect(part.offset == expectedOffset)
            #expect(part.length > 0 && part.length <= plan.partSize)
            if part.number < plan.partCount { #expect(part.length == plan.partSize) }
            expectedOffset = part.end
        }
        #expect(expectedOffset == plan.fileSize)
        #expect(plan.parts.count == plan.partCount)
        #expect(plan.partCount <= 10_000)
    }

    @Test func exactMultipleHasNoShortPart() throws {
        let plan = try PartPlan(fileSize: 128 * MiB)
        #expect(plan.partSize == 64 * MiB)
        #expect(plan.partCount == 2)
        #expect(plan.lastPartLength == 64 * MiB)
        checkTiling(plan)
    }

    @Test func oneByteOverAddsAOneBytePart() throws {
        let plan = try PartPlan(fileSize: 128 * MiB + 1)
        #expect(plan.partCount == 3)
        #expect(plan.part(3) == PartPlan.Part(number: 3, offset: 128 * MiB, length: 1))
        checkTiling(plan)
    }

    @Test func smallFileIsOneShortPart() throws {
        let plan = try PartPlan(fileSize: 1)
        #expect(plan.partCount == 1)
        #expect(plan.part(1) == PartPlan.Part(number: 1, offset: 0, length: 1))
        #expect(plan.part(0) == nil)
        #expect(plan.part(2) == nil)
    }

    @Test func tenThousandPartsAtConfiguredSize() throws {
        let plan = try PartPlan(fileSize: 10_000 * 64 * MiB)
        #expect(plan.partSize == 64 * MiB)
        #expect(plan.partCount == 10_000)
        checkTiling(plan)
    }

    @Test func oneByteBeyondTenThousandPartsRaisesPartSizeToNextMiB() throws {
        let plan = try PartPlan(fileSize: 10_000 * 64 * MiB + 1)
        #expect(plan.partSize == 65 * MiB)
        #expect(plan.partCount == 9_847)
        checkTiling(plan)
    }

    @Test func filesAboveFiveGiB() throws {
        let six = try PartPlan(fileSize: 6 * GiB + 12_345)
        #expect(six.partSize == 64 * MiB)
        #expect(six.partCount == 97)
        #expect(six.lastPartLength == 12_345)
        checkTiling(six)

        let tebibyte = try PartPlan(fileSize: 1024 * GiB)
        // ceil(2^40 / 10,000) = 109,951,163 bytes, rounded up to 105 MiB.
        #expect(tebibyte.partSize == 105 * MiB)
        #expect(tebibyte.partCount == 9_987)
        checkTiling(tebibyte)
    }

    @Test func largestPossibleFileUsesFiveGiBParts() throws {
        let limit = PartPlan.Limits.oss.maximumFileSize
        #expect(limit == 53_687_091_200_000)
        let plan = try PartPlan(fileSize: limit)
        #expect(plan.partSize == 5 * GiB)
        #expect(plan.partCount == 10_000)
        #expect(plan.lastPartLength == 5 * GiB)
        let almost = try PartPlan(fileSize: limit - 1)
        #expect(almost.partSize == 5 * GiB)
        #expect(almost.lastPartLength == 5 * GiB - 1)
    }

    @Test func beyondFortyEightPointEightTBIsAnError() {
        let limit = PartPlan.Limits.oss.maximumFileSize
        #expect(throws: PartPlanError.fileTooLarge(size: limit + 1, limit: limit)) {
            try PartPlan(fileSize: limit + 1)
        }
        let error = PartPlanError.fileTooLarge(size: limit + 1, limit: limit)
        #expect(error.description.contains("too large"))
    }

    @Test func emptyFileIsAnError() {
        #expect(throws: PartPlanError.emptyFile) { try PartPlan(fileSize: 0) }
        #expect(throws: PartPlanError.emptyFile) { try PartPlan(fileSize: -1) }
        #expect(PartPlanError.emptyFile.description.contains("empty file"))
    }

    @Test func smallTestPartsAndTheConfigurableMinimum() throws {
        let plan = try PartPlan(fileSize: 5 * MiB / 2, configuredPartSize: MiB, limits: testLimits)
        #expect(plan.partCount == 3)
        #expect(plan.lastPartLength == MiB / 2)
        checkTiling(plan)

        let tiny = try PartPlan(fileSize: 300 * 1024, configuredPartSize: 100 * 1024, limits: testLimits)
        #expect(tiny.partCount == 3)

        #expect(throws: PartPlanError.partSizeTooSmall(configured: 99 * 1024, minimum: 100 * 1024)) {
            try PartPlan(fileSize: MiB, configuredPartSize: 99 * 1024, limits: testLimits)
        }
        var anything = testLimits
        anything.minimumPartSize = 1
        #expect(try PartPlan(fileSize: 10, configuredPartSize: 4, limits: anything).partCount == 3)
    }

    @Test func configuredPartSizeAboveFiveGiBIsAnError() {
        #expect(throws: PartPlanError.partSizeTooLarge(configured: 6 * GiB, maximum: 5 * GiB)) {
            try PartPlan(fileSize: MiB, configuredPartSize: 6 * GiB)
        }
    }

    @Test func partCountLimitWithTestLimits() throws {
        // With 1 MiB parts, 10,000 parts cover 10,000 MiB; one more MiB forces 2 MiB parts.
        let plan = try PartPlan(fileSize: 10_001 * MiB, configuredPartSize: MiB, limits: testLimits)
        #expect(plan.partSize == 2 * MiB)
        #expect(plan.partCount == 5_001)
    }

    @Test func recordedPlanIsRebuiltExactly() throws {
        let original = try PartPlan(fileSize: 10_000 * 64 * MiB + 1)
        let rebuilt = try PartPlan(fileSize: original.fileSize, recordedPartSize: original.partSize)
        #expect(rebuilt == original)
        // A recorded 1 MiB part size is kept even though it is below today's default.
        #expect(try PartPlan(fileSize: 3 * MiB, recordedPartSize: MiB).partCount == 3)
        #expect(throws: PartPlanError.self) { try PartPlan(fileSize: 10_001 * MiB, recordedPartSize: MiB) }
    }
}
