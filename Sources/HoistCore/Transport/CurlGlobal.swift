import CCurl

/// libcurl's process-wide setup. `curl_global_init` must run once before any handle exists and is
/// not safe to race, so it hides behind a Swift global, whose lazy initialisation is atomic.
enum CurlGlobal {
    private static let result: CURLcode = curl_global_init(Int(CURL_GLOBAL_SSL))

    static func initializeOnce() {
        _ = result
    }
}
