import Foundation
import Testing

/// `hoist demo` is the README's first command: it must keep working end to end.
@Suite struct DemoCommandTests {
    @Test(.timeLimit(.minutes(3)))
    func demoGoesFromWatchFolderToAvailableImage() async throws {
        let directory = FileManager.default.temporaryDirectory.path
        let child = try HoistChild(arguments: ["demo", "--size", "32MiB", "--part-size", "1MiB", "--import-seconds", "1"],
                                   environment: ProcessInfo.processInfo.environment, directory: directory)
        let run = await child.wait(timeout: 150)
        #expect(run.exitCode == 0, "\(run.output)")
        #expect(run.stdout.contains("match"))
        #expect(run.stdout.contains("were already safe and not sent again"))
        #expect(run.stdout.contains("ImportImage calls: 1, images created: 1"))
        #expect(run.stdout.contains("is Available"))
        #expect(!run.output.contains("demo-secret-never-printed"))
    }
}
