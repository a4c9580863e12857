import Foundation
import Testing
@testable import HoistCore
#if canImport(Glibc)
import Glibc
#endif

/// The offline parts of `hoist doctor`: the time bound, the clock and credential lines, the
/// state directory rules, and what the proxy line may show.
@Suite struct DoctorCheckTests {
    @Test func aCheckThatNeverAnswersFailsAtItsBoundWithItsFix() async {
        let check = DoctorCheck(id: "probe", title: "probe", timeout: 0.2, timeoutFix: "look at the probe")
        let (never, _) = AsyncStream<Int>.makeStream()
        let result = await check.run {
            for await _ in never {}
            return .pass("probe", "probe", "unreachable")
        }
        #expect(result.status == .fail)
        #expect(result.detail.contains("no answer within"))
        #expect(result.fix == "look at the probe")
    }

    @Test func aCheckThatAnswersKeepsItsResultAndValue() async {
        let check = DoctorCheck(id: "probe", title: "probe", timeout: 60, timeoutFix: "-")
        let (result, value) = await check.measure { (DoctorResult.pass("probe", "probe", "fine"), 42) }
        #expect(result.status == .pass && value == 42)
    }

    @Test(arguments: [(0.4, DoctorResult.Status.pass), (-59, .pass), (90, .warn), (-899, .warn), (900, .fail), (-1200, .fail)])
    func theClockLineFollowsTheSkew(_ skew: Double, _ expected: DoctorResult.Status) {
        let now = Date()
        let result = DoctorEndpointCheck.clockResult(.init(serverDate: now.addingTimeInterval(skew), localDate: now))
        #expect(result.status == expected, "\(skew): \(result.detail)")
        if expected == .fail { #expect(result.fix?.contains("timedatectl") == true) }
        if skew >= 60 { #expect(result.detail.contains("behind")) }
        if skew <= -60 { #expect(result.detail.contains("ahead of")) }
    }

    @Test func aMissingDateHeaderSkipsTheClockCheck() {
        #expect(DoctorEndpointCheck.clockResult(.init(serverDate: nil, localDate: Date())).status == .skip)
        #expect(DoctorEndpointCheck.clockResult(nil).status == .skip)
    }

    @Test func credentialsShowTheSourceAndExpiryButNeverTheSecretOrToken() {
        let now = Date()
        let sts = Credentials(accessKeyId: "LTAI5tExampleKeyId0042", accessKeySecret: "s3cr3t-value",
                              securityToken: "CAIS-token-value")
        let live = DoctorCredentialCheck.describe(.init(credentials: sts, source: "environment",
                                                        expiration: now.addingTimeInterval(3000)), now: now)
        #expect(live.status == .pass)
        #expect(live.detail.contains("environment") && live.detail.contains("LTAI****0042") && live.detail.contains("in 50m"))
        let expired = DoctorCredentialCheck.describe(.init(credentials: sts, source: "environment",
                                                           expiration: now.addingTimeInterval(-5)), now: now)
        #expect(expired.status == .fail && expired.fix != nil)
        let longTerm = Credentials(accessKeyId: "LTAI5tExampleKeyId0042", accessKeySecret: "s3cr3t-value")
        let plain = DoctorCredentialCheck.describe(.init(credentials: longTerm, source: "systemd credentials", expiration: nil))
        #expect(plain.detail.contains("long-term"))
        for result in [live, expired, plain] {
            let text = result.detail + (result.fix ?? "")
            #expect(!text.contains("s3cr3t-value") && !text.contains("CAIS-token-value") && !text.contains("LTAI5tExampleKeyId0042"))
        }
    }

    @Test func theStateDirectoryMustBePrivateAndOwned() throws {
        let base = NSTemporaryDirectory() + "hoist-doctor-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        #expect(chmod(base, 0o755) == 0)
        let open = DoctorStateDirectoryCheck.check(base, effectiveUserID: geteuid())
        #expect(open.status == .fail && open.fix == "chmod 700 \(base)", "\(open)")
        #expect(chmod(base, 0o700) == 0)
        let closed = DoctorStateDirectoryCheck.check(base, effectiveUserID: geteuid())
        #expect(closed.status == .pass && closed.detail.contains("mode 0700") && closed.detail.contains("free"), "\(closed)")
        let notYet = DoctorStateDirectoryCheck.check(base + "/state/hoist", effectiveUserID: geteuid())
        #expect(notYet.status == .pass && notYet.detail.contains("does not exist yet"), "\(notYet)")
        let someoneElses = DoctorStateDirectoryCheck.check(base, effectiveUserID: geteuid() &+ 1)
        #expect(someoneElses.status == .fail && someoneElses.fix?.contains("sudo -u") == true, "\(someoneElses)")
        let file = base + "/file"
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        #expect(DoctorStateDirectoryCheck.check(file, effectiveUserID: geteuid()).status == .fail)
    }

    @Test(arguments: [
        ("http://user:pa55@proxy:3128", "http://***@proxy:3128"),
        ("http://proxy:3128/", "http://proxy:3128/"),
        ("user:pa55@proxy:3128", "***@proxy:3128"),
        ("socks5h://a%40b:c@10.0.0.1:1080/x@y", "socks5h://***@10.0.0.1:1080/x@y"),
    ])
    func proxyURLsLoseTheirCredentials(_ url: String, _ shown: String) {
        #expect(NetworkRoute.redacted(url) == shown)
    }

    @Test func theProxyLibcurlWouldUseHonoursNoProxy() {
        let environment = [
            "HTTPS_PROXY": "http://proxy:3128", "HTTP_PROXY": "http://ignored:1", "no_proxy": "localhost,.internal.example",
        ]
        func proxy(_ url: String) -> String? { NetworkRoute.proxy(for: url, environment: environment).proxy }
        #expect(proxy("https://oss-cn-hangzhou.aliyuncs.com/") == "http://proxy:3128")
        #expect(proxy("http://oss-cn-hangzhou.aliyuncs.com/") == nil)
        #expect(proxy("https://localhost/") == nil)
        #expect(proxy("https://oss.internal.example/") == nil)
    }

    @Test func theReportFailsOnlyOnAFailure() {
        var report = DoctorReport(checks: [.pass("a", "a", "ok"), .warn("b", "b", "hm"), .skip("c", "c", "later")])
        #expect(!report.failed)
        report = report + [.fail("d", "d", "broken", fix: "mend it")]
        #expect(report.failed && report.count(.fail) == 1)
        let document = try? JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any]
        #expect(document?["ok"] as? Bool == false)
        #expect((document?["checks"] as? [[String: Any]])?.count == 4)
    }
}
