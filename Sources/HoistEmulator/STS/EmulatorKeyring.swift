import Foundation
import HoistCore

/// Every access key the emulator accepts, shared by OSS, ECS and STS: the configured keys plus
/// the temporary credentials STS and the metadata service issue while it runs. OSS and ECS look
/// keys up here on every request, so credentials issued a moment ago work at once and expired
/// ones are refused with each service's expired-token error.
public final class EmulatorKeyring: Sendable {
    private let keys: Locked<[String: OSSAccessKey]>
    private let log = Locked<[IssuedCredential]>([])

    /// The configured keys; those with a token (`--sts-credential`) are listed by `issued()` as `added`.
    init(_ keys: [OSSAccessKey]) {
        self.keys = Locked([:])
        for key in keys { add(key) }
    }

    /// The key with this id, expired or not (the verifiers decide what expiry means).
    public func key(_ id: String) -> OSSAccessKey? { keys.withLock { $0[id] } }

    /// Adds or replaces a key (`--sts-credential`, the admin route, tests).
    public func add(_ key: OSSAccessKey, issuer: String = "added") {
        keys.withLock { $0[key.id] = key }
        if key.securityToken != nil {
            log.withLock { $0.append(IssuedCredential(accessKeyId: key.id, expiration: key.expiration, issuer: issuer)) }
        }
    }

    /// New temporary credentials valid for `lifetime` seconds from `now`, as STS issues them.
    public func issue(lifetime: Double, now: Date, issuer: String) -> OSSAccessKey {
        let key = OSSAccessKey(id: "STS." + Self.random(20), secret: Self.random(30), securityToken: "CAIS" + Self.random(60),
                               expiration: now.addingTimeInterval(lifetime))
        add(key, issuer: issuer)
        return key
    }

    /// Makes a key expire at `date` (now, in tests that play a token expiring early). False when unknown.
    @discardableResult
    public func expire(_ id: String, at date: Date) -> Bool {
        keys.withLock { keys in
            guard keys[id] != nil else { return false }
            keys[id]?.expiration = date
            return true
        }
    }

    /// Temporary credentials issued or added so far, oldest first; ids and expiries only.
    public func issued() -> [IssuedCredential] { log.current }

    private static func random(_ count: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<count).map { _ in alphabet.randomElement()! })
    }
}

/// One set of temporary credentials the emulator knows about, without its secret or token.
public struct IssuedCredential: Codable, Sendable, Equatable {
    public var accessKeyId: String
    public var expiration: Date?
    /// `AssumeRole`, `AssumeRoleWithOIDC`, `metadata`, or `added` (flag, admin route).
    public var issuer: String

    public init(accessKeyId: String, expiration: Date?, issuer: String) {
        self.accessKeyId = accessKeyId
        self.expiration = expiration
        self.issuer = issuer
    }

    enum CodingKeys: String, CodingKey { case accessKeyId, expiration, issuer }

    /// `expiration` as STS writes it (`yyyy-MM-ddTHH:mm:ssZ`), not as a bare number.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(accessKeyId, forKey: .accessKeyId)
        try c.encodeIfPresent(expiration.map(ECSTimestamp.format), forKey: .expiration)
        try c.encode(issuer, forKey: .issuer)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accessKeyId = try c.decode(String.self, forKey: .accessKeyId)
        expiration = try c.decodeIfPresent(String.self, forKey: .expiration).flatMap(ECSTimestamp.parse)
        issuer = try c.decode(String.self, forKey: .issuer)
    }
}
