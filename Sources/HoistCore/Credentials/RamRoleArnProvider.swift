/// Temporary credentials from STS `AssumeRole`, asked for with another provider's key: the
/// CLI profile's `RamRoleArn` mode and the INI file's `ram_role_arn` type. Each `fetch` assumes
/// the role afresh, so a refresh is one STS call.
struct RamRoleArnProvider: CredentialProvider {
    let caller: any CredentialProvider
    let roleArn: String
    let sessionName: String
    let durationSeconds: Int
    let policy: String?
    let externalId: String?
    let sts: STSClient

    var source: String { sts.source }

    func fetch() async throws(CredentialError) -> Credentials {
        let key = try await caller.fetch()
        return try await sts.assumeRole(caller: key, roleArn: roleArn, sessionName: sessionName,
                                        durationSeconds: durationSeconds, policy: policy, externalId: externalId)
    }
}
