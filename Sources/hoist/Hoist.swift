import ArgumentParser

/// The `hoist` command: argument parsing and output only. Every behaviour lives in HoistCore.
@main
struct Hoist: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hoist",
        abstract: "Upload VM disk images to Alibaba Cloud OSS and import them as ECS custom images.",
        discussion: """
        Hoist splits an image into parts, uploads them in parallel with OSS multipart upload,
        checkpoints every verified part in a durable journal so an interrupted upload resumes
        where it stopped, checks CRC-64 end to end, and imports the object with ECS ImportImage.
        """,
        version: HoistVersion.string,
        subcommands: [
            UploadCommand.self, ImportCommand.self, StatusCommand.self, UploadsCommand.self,
            CancelCommand.self, RetryCommand.self, EmulatorCommand.self, DemoCommand.self,
        ]
    )
}

enum HoistVersion {
    static let string = "0.1.0"
}
