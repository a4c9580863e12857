import Foundation
import Testing
@testable import HoistCore

@Suite("OSS URI encoding and dates")
struct OSSURIEncodingTests {
    @Test func encodeKeepsUnreservedOnly() {
        #expect(PercentEncoding.encode("AZaz09-_.~") == "AZaz09-_.~")
        #expect(PercentEncoding.encode("a b+c=d/e&f?g*h%") == "a%20b%2Bc%3Dd%2Fe%26f%3Fg%2Ah%25")
        #expect(PercentEncoding.encode("a b/c", keepSlash: true) == "a%20b/c")
        #expect(PercentEncoding.encode("ü") == "%C3%BC")
    }

    @Test func decodePercentOnly() {
        #expect(PercentEncoding.decode("dir%20one%2Fa%2Bb~c%3Dd.raw") == "dir one/a+b~c=d.raw")
        #expect(PercentEncoding.decode("a+b") == "a+b")
        #expect(PercentEncoding.decode("%c3%bc") == "ü")
        #expect(PercentEncoding.decode("%2") == nil)
        #expect(PercentEncoding.decode("%zz") == nil)
        #expect(PercentEncoding.decode("%FF") == nil)
    }

    @Test func lenientDecodeKeepsMalformedEscapes() {
        #expect(PercentEncoding.decodeLeniently("a%2Fb+c%zz%2") == "a/b+c%zz%2")
        #expect(PercentEncoding.decodeLeniently("a+b%2Bc", plusAsSpace: true) == "a b+c")
        #expect(PercentEncoding.decodeLeniently("%FF") == "\u{FFFD}")
        #expect(PercentEncoding.encode("/bucket/dir one/a+b~c=d.raw", keepSlash: true)
                == "/bucket/dir%20one/a%2Bb~c%3Dd.raw")
    }

    @Test func roundTrip() {
        for key in ["images/ubuntu-22.04.qcow2", "dir one/a+b~c=d.raw", "日本/データ.img", "%41"] {
            #expect(PercentEncoding.decode(PercentEncoding.encode(key)) == key)
            #expect(PercentEncoding.decode(PercentEncoding.encode(key, keepSlash: true)) == key)
        }
    }

    @Test func civilTimeBothWays() {
        // 2000-02-29 (a leap day of a century year), before the epoch, and a far date.
        for (y, m, d) in [(2000, 2, 29), (1969, 12, 31), (1970, 1, 1), (2100, 3, 1), (1600, 1, 1)] {
            let days = CivilTime.daysSince1970(year: y, month: m, day: d)
            let c = CivilTime(secondsSince1970: Int64(days) * 86_400 + 3_723)
            let fields: [Int] = [c.year, c.month, c.day, c.hour, c.minute, c.second]
            #expect(fields == [y, m, d, 1, 2, 3])
        }
        #expect(CivilTime(secondsSince1970: 0).weekday == 4)
        #expect(CivilTime(secondsSince1970: -1).weekday == 3 && CivilTime(secondsSince1970: -1).second == 59)
    }

    @Test func dates() throws {
        let t = Date(timeIntervalSince1970: 1_705_307_400)
        #expect(OSSDate.rfc1123(t) == "Mon, 15 Jan 2024 08:30:00 GMT")
        #expect(OSSDate.iso8601Basic(t) == "20240115T083000Z")
        #expect(OSSDate.iso8601Millis(t.addingTimeInterval(1.25)) == "2024-01-15T08:30:01.250Z")
        #expect(OSSDate.parseRFC1123("Mon, 15 Jan 2024 08:30:00 GMT") == t)
        #expect(OSSDate.parseISO8601Basic("20240115T083000Z") == t)
        #expect(OSSDate.parseISO8601("2024-01-15T08:30:01.000Z") == t.addingTimeInterval(1))
        #expect(OSSDate.parseISO8601("2024-01-15T08:30:00Z") == t)
        #expect(OSSDate.parseRFC1123("Wed, 28 Dec 2022 10:27:41 GMT").map(OSSDate.rfc1123) == "Wed, 28 Dec 2022 10:27:41 GMT")
        #expect(OSSDate.rfc1123(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(OSSDate.rfc1123(Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(OSSDate.parseRFC1123("garbage") == nil)
        #expect(OSSDate.parseISO8601Basic("2024-01-15T08:30:00Z") == nil)
    }
}
