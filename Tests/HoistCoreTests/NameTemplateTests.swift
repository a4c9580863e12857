import Foundation
import Testing
@testable import HoistCore

@Suite struct NameTemplateTests {
    /// 2026-12-08 03:15:00 UTC.
    static let created = Date(timeIntervalSince1970: 1_796_699_700)
    static let context = NameTemplate.Context(fileName: "web.raw", jobId: "j-1a2b3c4d", created: created,
                                              crc64: 0x00AB_CDEF_0123_4567)

    @Test func everyPlaceholderExpandsFromTheJobsOwnFacts() throws {
        let cases: [(String, String)] = [
            ("{stem}-{date}-{time}", "web-20261208-031500"),
            ("{name}", "web.raw"), ("{ext}", "raw"), ("{job}", "j-1a2b3c4d"),
            ("web-{crc}", "web-00abcdef"), ("builds/{date}/{name}", "builds/20261208/web.raw"),
            ("lit{{eral}}", "lit{eral}"), ("plain", "plain"),
        ]
        for (text, expected) in cases {
            #expect(try NameTemplate(text).expand(Self.context) == expected, "\(text)")
        }
    }

    @Test func aValueTheJobDoesNotHaveYetLeavesItUnexpanded() throws {
        let early = NameTemplate.Context(fileName: "web.raw", jobId: nil, created: Self.created)
        #expect(try NameTemplate("{stem}-{crc}").expand(early) == nil)
        #expect(try NameTemplate("{job}").expand(early) == nil)
        #expect(try NameTemplate("{stem}").expand(early) == "web")
    }

    @Test func badTemplatesAreRefusedWithWhatIsKnown() {
        #expect(throws: NameTemplateError.self) { try NameTemplate("web-{datee}") }
        #expect(throws: NameTemplateError.self) { try NameTemplate("web-{date") }
        #expect(throws: NameTemplateError.self) { try NameTemplate("web}") }
        do {
            _ = try NameTemplate("k/{crc}.raw", allowed: NameTemplate.keyPlaceholders)
            Issue.record("{crc} accepted in a key")
        } catch {
            #expect(error.description.contains("known only after the upload"))
        }
        do {
            _ = try NameTemplate("web-{dat}")
        } catch {
            #expect(error.description.contains("{dat}") && error.description.contains("{stem} {name} {ext} {date} {time} {job} {crc}"))
        }
    }

    @Test func aLiteralKeepsItsBraces() throws {
        let literal = NameTemplate.literal("a{b}c.raw")
        #expect(literal.isLiteral && literal.expand(Self.context) == "a{b}c.raw")
        #expect(try NameTemplate(literal.text) == literal)
    }

    @Test func fileNamesSplitAtTheLastDot() {
        #expect(NameTemplate.split("disk.tar.gz") == ("disk.tar", "gz"))
        #expect(NameTemplate.split(".profile") == (".profile", ""))
        #expect(NameTemplate.split("disk") == ("disk", ""))
    }

    @Test func anExpandedImageNameIsMadeValid() throws {
        let context = NameTemplate.Context(fileName: "web server.raw", jobId: "j-1", created: Self.created)
        #expect(try ImportTracker.expandedName("{stem}-{date}", context: context) == .expanded("web-server-20261208"))
        #expect(try ImportTracker.expandedName("{date}", context: context) == .expanded("image-20261208"))
        #expect(try ImportTracker.expandedName("web-v1", context: context) == .literal("web-v1"))
    }
}
