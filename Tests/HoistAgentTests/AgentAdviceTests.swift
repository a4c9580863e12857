import Foundation
import HoistCore
import Testing
@testable import HoistAgent

/// `failed/NAME.error` speaks to someone who dropped a file, not to someone at a shell.
@Suite struct AgentAdviceTests {
    @Test func commandAdviceBecomesWhatToDoInTheFolder() {
        let changed = UploadFailure.sourceChangedDuringUpload(path: "/in/web.raw", reason: "size 1 → 2").description
        let text = AgentAdvice.upload(changed, file: "web.raw")
        #expect(!text.contains("Run the command again") && !text.contains("run the same command"), "\(text)")
        #expect(text.hasSuffix("move failed/web.raw back into the watch folder to upload it again"), "\(text)")
        let imported = AgentAdvice.import("The import of web.raw failed in ECS: disk unreadable", jobId: "j-1")
        #expect(imported.hasSuffix("`hoist retry j-1` imports it again"))
    }

    @Test func aFullDiskIsWaitedOutNotFailed() {
        let full = JournalStorageError(path: "/var/lib/hoist/journal.sqlite", kind: .full, detail: "database or disk is full")
        #expect(UploadFailure.journal(full).isHostFault)
        #expect(UploadFailure.outOfDescriptors(path: "/in/a.raw", reason: "Too many open files").isHostFault)
        #expect(!UploadFailure.sourceUnusable(path: "/in/a.raw", reason: "Permission denied").isHostFault)
        #expect(DispositionError.cannotWrite(path: "/x/done/a.result.json", errno: ENOSPC).isTransient)
        #expect(!DispositionError.cannotWrite(path: "/x/done/a.result.json", errno: EACCES).isTransient)
        #expect(DispositionError.cannotWrite(path: "/x", errno: ENOSPC).description.contains("the disk is full"))
    }
}
