import ArgumentParser

/// PLACEHOLDER replaced below.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Run the whole pipeline against the built-in emulator.")
    func run() async throws {}
}
