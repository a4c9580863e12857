import Foundation
import HoistCore
import HoistEmulator
import Testing

extension UploadIntegration {
    /// `hoist upload` on an "ECS instance" whose RAM-role credentials last 3 seconds: the upload
    /// takes longer than that, so it must refresh them underneath parts in flight.
    @Suite struct CredentialRefresh {
        @Test func anUploadOutlivesItsRoleCredentialsWithoutAFailedPart() async throws {
            // ~1.5 MB/s for 48 parts of 128 KiB: about 4 s, longer than one set of credentials lives.
            let faults = FaultSettings(bandwidth: BandwidthFault(bytesPerSecond: 1_500_000, scope: .global))
            try await withScenario(faults: faults, metadata: MetadataSettings(requireToken: true, lifetimeSeconds: 3)) { scenario in
                let parts = 48
                let file = try scenario.makeFile("role.raw", size: parts * Int(scenario.partSize))
                var environment = scenario.environment
                environment["ALIBABA_CLOUD_ACCESS_KEY_ID"] = nil
                environment["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = nil
                environment["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = nil
                let metadata: String = try #require(scenario.server.metadataBaseURL)
                environment["HOIST_ECS_METADATA_ENDPOINT"] = metadata
                environment["ALIBABA_CLOUD_IMDSV1_DISABLED"] = "true"

                let run = try await scenario.run(scenario.arguments(file, key: "vm/role.raw", ["--json"]),
                                                 environment: environment, timeout: 180)
                let finished = Date()
                #expect(run.exitCode == 0, "\(run.output)")
                #expect(try await scenario.objectMatches(file, key: "vm/role.raw"))

                // The upload outlived the first credentials, and the client took new ones in time.
                let issued = scenario.server.sts.keyring.issued()
                #expect(issued.allSatisfy { $0.issuer == "metadata" })
                #expect(issued.count >= 2, "\(issued)")
                #expect(try #require(issued.first?.expiration) < finished)

                // Zero failed parts: no retry, every part's body received once and accepted.
                let events = run.stdout.split(separator: "\n").compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                }
                #expect(!events.contains { $0["event"] as? String == "retry" }, "\(run.stdout)")
                let summary = try #require(events.last)
                #expect(summary["parts_sent"] as? Int == parts)
                #expect(scenario.receipts.count == parts)
                #expect(scenario.receipts.allSatisfy { $0.status == 200 })
                // Proactive refresh means no part is refused; should one be refused as expired on a
                // very slow machine, it is renewed and re-sent inside the same attempt (the body
                // waits for 100-continue, so no receipt): every 403 has exactly one extra request.
                let counters = scenario.server.counters.snapshot()
                let refused = counters.responses("UploadPart", status: 403)
                #expect(counters.responses("UploadPart", status: 200) == parts)
                #expect(counters.requests["UploadPart"] == parts + refused)

                for issuedKey in issued {
                    let key = try #require(scenario.server.sts.keyring.key(issuedKey.accessKeyId))
                    #expect(!run.output.contains(key.secret))
                    #expect(!run.output.contains(key.securityToken ?? key.secret))
                }
            }
        }
    }
}
