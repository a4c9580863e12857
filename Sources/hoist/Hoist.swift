import ArgumentParser

/// The `hoist` command: argument parsing and output only. Every behaviour lives in HoistCore.
@main
struct Hoist: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hoist",
        abstract: "Upload VM disk images to Alibaba Cloud OSS and import them as ECS custom images.",
        discussion: """
        Hoist splits an image into parts, uploads them in parallel with OSS multipart upload, \
        checkpoints every verified part in a durable journal so an interrupted upload resumes \
        where it stopped, checks CRC-64 end to end, and imports the object with ECS ImportImage.

        Try it without a cloud account:
          hoist demo

        Upload, then import:
          export ALIBABA_CLOUD_ACCESS_KEY_ID=... ALIBABA_CLOUD_ACCESS_KEY_SECRET=...
          hoist upload disk.qcow2 oss://my-bucket/images/ --region cn-hangzhou
          hoist import oss://my-bucket/images/disk.qcow2 --image-name build-42 --platform Ubuntu --wait
        """,
        version: HoistVersion.string,
        subcommands: [
            UploadCommand.self, ImportCommand.self, StatusCommand.self, UploadsCommand.self,
            CancelCommand.self, RetryCommand.self, BenchCommand.self, AgentCommand.self, EmulatorCommand.self, DemoCommand.self,
            DoctorCommand.self, JobsCommand.self,
        ]
    )
}

enum HoistVersion {
    static let string = "0.1.0"
}
