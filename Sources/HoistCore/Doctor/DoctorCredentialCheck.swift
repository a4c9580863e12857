import Foundation

/// Which credentials Hoist would use, from where, and until when; never the secret or token.
enum DoctorCredentialCheck {
    static func run(_ context: inout DoctorContext) async -> [DoctorResult] {
        guard let settings = context.settings else {
            return [.skip("credentials", "credentials", "needs settings that resolve")]
        }
        let transport = context.transport
        let check = DoctorCheck(id: "credentials", title: "credentials", timeout: context.timeout,
                                timeoutFix: "the credential source did not answer (a metadata or STS endpoint?); check the network path to it")
        let (result, credentials) = await check.measure { () -> (DoctorResult, Credentials?) in
            do {
                let found = try await DoctorCredentialSource.resolve(settings, transport: transport)
                return (describe(found), found.credentials)
            } catch {
                return (.fail("credentials", "credentials", String(describing: error),
                              fix: "configure one source of the chain (README, Credentials): e.g. export "
                                  + "\(CredentialChain.idVariable) and \(CredentialChain.secretVariable), give the "
                                  + "service systemd credentials (LoadCredential=access-key-id:… and access-key-secret:…), "
                                  + "an aliyun CLI profile, or an ECS instance RAM role"), nil)
            }
        }
        context.credentials = credentials
        return [result]
    }

    /// The line for found credentials: the source, the masked key id, and for temporary
    /// credentials when they expire (a failure once they have).
    static func describe(_ found: DoctorCredentialSource.Found, now: Date = Date()) -> DoctorResult {
        let key = DoctorFormat.maskedKeyId(found.credentials.accessKeyId)
        guard found.credentials.securityToken != nil || found.expiration != nil else {
            return .pass("credentials", "credentials", "\(found.source), AccessKey \(key) (long-term)")
        }
        let base = "\(found.source), AccessKey \(key) with an STS token"
        guard let expiration = found.expiration else {
            return .pass("credentials", "credentials", base + " (expiry not known to Hoist)")
        }
        let stamp = ISO8601DateFormatter().string(from: expiration)
        let left = expiration.timeIntervalSince(now)
        if left <= 0 {
            return .fail("credentials", "credentials", base + " that expired at \(stamp)",
                         fix: "fetch fresh temporary credentials (aliyun sts AssumeRole, or the tool that issued them)")
        }
        return .pass("credentials", "credentials", base + ", expires \(stamp) (in \(DoctorFormat.seconds(left)))")
    }
}
