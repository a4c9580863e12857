import ArgumentParser
import Foundation
import HoistCore
import HoistEmulator

/// `hoist emulator`'s temporary-credential flags: STS keys given up front, how long the
/// credentials STS issues last, and the ECS metadata service on a port of its own.
struct EmulatorCredentialOptions: ParsableArguments {
    @Option(name: .customLong("sts-credential"), help: ArgumentHelp(
        "Accepted temporary credentials ID:SECRET:TOKEN[:EXPIRES], EXPIRES in seconds from start or yyyy-MM-ddTHH:mm:ssZ; "
            + "refused as expired after it (repeatable).", valueName: "spec"))
    var stsCredentials: [String] = []

    @Option(help: ArgumentHelp("Seconds the credentials STS AssumeRole/AssumeRoleWithOIDC issue last, whatever DurationSeconds asks.",
                               valueName: "seconds"))
    var stsLifetime: Double?

    @Option(help: ArgumentHelp("Also serve the ECS instance metadata service (RAM-role credentials) on this port; 0 picks one.",
                               valueName: "port"))
    var metadataPort: Int?

    @Option(help: ArgumentHelp("The instance RAM role the metadata service reports.", valueName: "name"))
    var metadataRole: String = "HoistEmulatorRole"

    @Flag(help: "The metadata service refuses tokenless (IMDSv1) reads.")
    var metadataImdsv2Only = false

    @Option(help: ArgumentHelp("Seconds the metadata service's role credentials last.", valueName: "seconds"))
    var metadataLifetime: Double = 21_600

    /// The `--sts-credential` keys, their expiry counted from `now`.
    func stsKeys(now: Date = Date()) throws -> [OSSAccessKey] {
        try stsCredentials.map { spec in
            let f = spec.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 3, f[0...2].allSatisfy({ !$0.isEmpty }) else {
                throw ValidationError("--sts-credential expects ID:SECRET:TOKEN[:EXPIRES]")
            }
            var expiration: Date?
            if f.count == 4 {
                if let seconds = Double(f[3]) {
                    expiration = now.addingTimeInterval(seconds)
                } else if let date = ECSTimestamp.parse(f[3]) {
                    expiration = date
                } else {
                    throw ValidationError("--sts-credential: EXPIRES must be seconds or yyyy-MM-ddTHH:mm:ssZ")
                }
            }
            return OSSAccessKey(id: f[0], secret: f[1], securityToken: f[2], expiration: expiration)
        }
    }

    var stsSettings: STSEmulatorSettings { STSEmulatorSettings(lifetimeSeconds: stsLifetime) }

    var metadata: MetadataSettings? {
        metadataPort.map {
            MetadataSettings(port: $0, roleName: metadataRole, requireToken: metadataImdsv2Only, lifetimeSeconds: metadataLifetime)
        }
    }
}
