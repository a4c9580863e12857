@testable import HoistCore
import Testing

/// The proxy and CA file `hoist doctor` shows, worked out with libcurl's rules.
@Suite struct NetworkRouteTests {
    let https = "https://images.oss-cn-hangzhou.aliyuncs.com/key"

    @Test func httpsUsesHttpsProxyThenItsUppercaseThenAllProxy() {
        #expect(NetworkRoute.proxy(for: https, environment: ["https_proxy": "http://p:3128", "HTTPS_PROXY": "http://q:3128"])
            == ("http://p:3128", "https_proxy"))
        #expect(NetworkRoute.proxy(for: https, environment: ["HTTPS_PROXY": "http://q:3128", "all_proxy": "http://a:1"])
            == ("http://q:3128", "HTTPS_PROXY"))
        #expect(NetworkRoute.proxy(for: https, environment: ["ALL_PROXY": "socks5h://a:1080"]) == ("socks5h://a:1080", "ALL_PROXY"))
        #expect(NetworkRoute.proxy(for: https, environment: ["http_proxy": "http://p:3128"]) == (nil, nil))
    }

    @Test func plainHttpReadsOnlyLowercaseHttpProxy() {
        let url = "http://127.0.0.1:9000/b/k"
        #expect(NetworkRoute.proxy(for: url, environment: ["HTTP_PROXY": "http://p:1"]) == (nil, nil))
        #expect(NetworkRoute.proxy(for: url, environment: ["http_proxy": "http://p:1"]) == ("http://p:1", "http_proxy"))
    }

    @Test(arguments: [
        ("aliyuncs.com", true), (".aliyuncs.com", true), ("*", true),
        ("localhost, oss-cn-beijing.aliyuncs.com", false), ("localhost, oss-cn-hangzhou.aliyuncs.com", true), ("example.com,images.oss-cn-hangzhou.aliyuncs.com", true),
        ("cs.com", false),
    ])
    func noProxyMatchesHostsAndTheirDomains(noProxy: String, bypassed: Bool) {
        let route = NetworkRoute.proxy(for: https, environment: ["https_proxy": "http://p:3128", "no_proxy": noProxy])
        #expect((route.proxy == nil) == bypassed, "\(noProxy)")
        if bypassed { #expect(route.source == "no_proxy") }
    }

    @Test func proxyCredentialsAreNeverShown() {
        let route = NetworkRoute.proxy(for: https, environment: ["https_proxy": "http://user:s3cret@proxy.corp:3128"])
        #expect(route.proxy == "http://***@proxy.corp:3128")
    }

    @Test func theCAFileIsTheConfiguredOneElseLibcurlsOwn() {
        let given = NetworkRoute.describe(url: https, configuredCAFile: "/etc/pki/corp.pem", environment: [:])
        #expect(given.caFile == "/etc/pki/corp.pem" && given.caSource == "--ca-file or [tls] ca-file")
        let builtIn = NetworkRoute.describe(url: https, configuredCAFile: nil, environment: [:])
        #expect(builtIn.caSource == "libcurl default")
    }

    @Test func anUnreadableCAFileIsAConfigurationError() {
        #expect(throws: HoistRuntimeError.self) { try NetworkRoute.checkReadable("/nonexistent/ca.pem") }
    }
}
