import Foundation

/// The OSS endpoint resolves, accepts a connection and, for https, presents a certificate
/// libcurl verifies; its answer's `Date` then measures this host's clock against the server's.
/// The request is unsigned (`GET /`), so this works before credentials do.
enum DoctorEndpointCheck {
    /// OSS refuses a signature more than 15 minutes from its clock (`RequestTimeTooSkewed`); ECS
    /// and STS refuse such timestamps too.
    static let skewLimit: Double = 15 * 60
    /// Beyond this a clock is drifting: worth fixing before it reaches the limit.
    static let skewWarning: Double = 60

    struct Answer: Sendable {
        var serverDate: Date?
        var localDate: Date
    }

    static func run(_ context: inout DoctorContext) async -> [DoctorResult] {
        guard let oss = context.oss, let transport = context.transport else {
            return [.skip("oss.endpoint", "OSS endpoint", "needs settings that resolve"),
                    .skip("clock", "clock", "needs an answer from the OSS endpoint")]
        }
        let proxy = NetworkRoute.proxy(for: oss.endpoint.url(bucket: nil, key: nil), environment: context.options.environment).proxy
        let timeout = context.timeout
        let authority = oss.endpoint.port.map { "\(oss.endpoint.host):\($0)" } ?? oss.endpoint.host
        let check = DoctorCheck(id: "oss.endpoint", title: "OSS endpoint", timeout: timeout,
                                timeoutFix: "check the network path to \(authority) (firewall, proxy)")
        let (result, answer) = await check.measure { () -> (DoctorResult, Answer?) in
            var steps: [String] = []
            if let proxy {
                steps.append("via proxy \(proxy)")
            } else {
                switch await DoctorResolver.addresses(of: oss.endpoint.host) {
                case .success(let addresses):
                    steps.append("resolves to \(addresses.joined(separator: ", "))")
                case .failure(let error):
                    return (.fail("oss.endpoint", "OSS endpoint", "\(oss.endpoint.host) does not resolve (\(error.message))",
                                  fix: "check the endpoint's name (--endpoint, HOIST_ENDPOINT, [oss] endpoint or the "
                                      + "region) and this host's DNS (/etc/resolv.conf)"), nil)
                }
            }
            let request = HTTPRequest(method: "GET", url: oss.endpoint.url(bucket: nil, key: nil), timeout: timeout)
            let response: HTTPResponse
            do {
                response = try await transport.send(request)
            } catch let error as TransportError {
                var (detail, fix) = DoctorTransportFailure.explain(error, service: "OSS", authority: authority)
                if let proxy {
                    detail += " via proxy \(proxy)"
                    fix += "; or the proxy: check https_proxy, or add the host to no_proxy"
                }
                return (.fail("oss.endpoint", "OSS endpoint", detail, fix: fix), nil)
            } catch {
                return (.fail("oss.endpoint", "OSS endpoint", String(describing: error),
                              fix: "check the OSS endpoint URL and the network path to it"), nil)
            }
            let answer = Answer(serverDate: response.header("Date").flatMap(OSSDate.parseRFC1123), localDate: Date())
            steps.append("connects")
            if oss.endpoint.scheme == "https" {
                steps.append("TLS verified")
            } else if PlainHTTPPolicy.isLoopback(oss.endpoint.host) {
                steps.append("plain http on loopback (no TLS to verify)")
            } else {
                return (.warn("oss.endpoint", "OSS endpoint", "\(authority) " + steps.joined(separator: ", ")
                              + "; plain http: signatures and STS tokens cross the network unencrypted",
                              fix: "use an https:// endpoint"), answer)
            }
            guard response.header("x-oss-request-id") != nil else {
                return (.fail("oss.endpoint", "OSS endpoint", "\(authority) answered HTTP \(response.status) without an "
                              + "OSS request id: something other than OSS answers there",
                              fix: "check the endpoint URL, and whether a proxy or captive portal intercepts the request"),
                        answer)
            }
            return (.pass("oss.endpoint", "OSS endpoint", "\(authority) " + steps.joined(separator: ", ")), answer)
        }
        let clock = clockResult(answer)
        context.ossAnswered = answer != nil && result.status != .fail
        if let answer, let server = answer.serverDate { context.serverSkew = server.timeIntervalSince(answer.localDate) }
        return [result, clock]
    }

    /// The clock line from the endpoint's answer. `Date` has whole seconds, so up to a second
    /// of the difference is rounding.
    static func clockResult(_ answer: Answer?) -> DoctorResult {
        guard let answer else { return .skip("clock", "clock", "needs an answer from the OSS endpoint") }
        guard let server = answer.serverDate else {
            return .skip("clock", "clock", "the OSS endpoint's answer carried no Date header to compare with")
        }
        let skew = server.timeIntervalSince(answer.localDate)
        let direction = skew > 0 ? "behind" : "ahead of"
        let fix = "synchronise the clock: timedatectl set-ntp true (systemd-timesyncd), or chronyc makestep with chrony"
        if abs(skew) >= skewLimit {
            return .fail("clock", "clock", "this host's clock is \(DoctorFormat.seconds(skew)) \(direction) the server's; "
                         + "OSS, ECS and STS refuse requests more than 15 minutes off", fix: fix)
        }
        if abs(skew) >= skewWarning {
            return .warn("clock", "clock", "this host's clock is \(DoctorFormat.seconds(skew)) \(direction) the server's "
                         + "(refused beyond 15 minutes)", fix: fix)
        }
        return .pass("clock", "clock", "within \(DoctorFormat.seconds(max(1, abs(skew)))) of the server's")
    }
}
