import ArgumentParser

/// PLACEHOLDER: the emulator owner replaces this file.
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "emulator", abstract: "Run the local OSS+ECS emulator.")
    func run() async throws {}
}
