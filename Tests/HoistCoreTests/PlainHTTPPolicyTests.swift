import Foundation
import Testing
@testable import HoistCore

/// Plain http:// only to loopback, unless the operator opts in.
@Suite struct PlainHTTPPolicyTests {
    @Test(arguments: ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]", "localhost."])
    func loopbackHosts(_ host: String) {
        #expect(PlainHTTPPolicy.isLoopback(host))
    }

    @Test(arguments: ["128.0.0.1", "10.0.0.1", "example.com", "localhost.example.com", "::2", "[::ffff:10.0.0.1]",
                      "127.0.0.1.nip.io"])
    func otherHosts(_ host: String) {
        #expect(!PlainHTTPPolicy.isLoopback(host))
    }

    func settings(endpoint: String, flag: Bool? = nil, config: String = "") throws(ConfigError) -> HoistSettings {
        try HoistSettings.resolve(flags: HoistConfig(endpoint: endpoint, region: "cn-hangzhou", insecureHTTP: flag),
                                  environment: [:], file: try HoistConfig.parse(config))
    }

    @Test func remotePlainHTTPIsRefusedWithTheFix() throws {
        do {
            _ = try settings(endpoint: "http://oss-cn-hangzhou.aliyuncs.com")
            Issue.record("plain http to a remote host was accepted")
        } catch {
            #expect(error.path == "endpoint")
            #expect(error.message.contains("https://") && error.message.contains("--insecure-http"), "\(error)")
            #expect(error.message.contains("insecure-http = true"), "\(error)")
        }
    }

    @Test func optingInByFlagOrConfigAllowsIt() throws {
        #expect(try settings(endpoint: "http://10.0.0.5:9000", flag: true).insecureHTTP)
        let configured = try settings(endpoint: "http://10.0.0.5:9000", config: "[oss]\ninsecure-http = true\n")
        #expect(configured.endpoint.scheme == "http" && configured.insecureHTTP)
    }

    @Test func loopbackAndHTTPSNeedNothing() throws {
        #expect(try settings(endpoint: "http://127.0.0.1:9000").endpoint.host == "127.0.0.1")
        #expect(try settings(endpoint: "http://localhost:9000").endpoint.host == "localhost")
        #expect(try settings(endpoint: "https://oss-cn-hangzhou.aliyuncs.com").insecureHTTP == false)
    }

    @Test func theCheckNamesTheService() {
        #expect(throws: ConfigError.self) {
            try PlainHTTPPolicy.check(scheme: "http", host: "ecs.example.com", setting: "ecs-endpoint", service: "ECS",
                                      allowed: false)
        }
        #expect(throws: Never.self) {
            try PlainHTTPPolicy.check(scheme: "HTTPS", host: "ecs.example.com", setting: "ecs-endpoint", service: "ECS",
                                      allowed: false)
        }
    }
}
