import Foundation
import Testing
@testable import HoistCore

/// The TOML reader, the config mapping and import manifests on random and damaged text: each
/// input parses or fails with `TOMLError` / `ImportError` (the typed throws guarantee the type;
/// these tests prove there is no trap, no hang and a message to show).
@Suite struct TOMLFuzzTests {
    static let seedTexts = [
        """
        # hoist.toml
        [oss]
        endpoint = "https://oss-cn-hangzhou.aliyuncs.com"
        region = 'cn-hangzhou'
        bucket = "images"

        [upload]
        part-size = "64MiB"
        parallel = 8
        give-up-after = 600

        [state]
        directory = "/var/lib/hoist"

        [agent]
        watch = ["/var/spool/hoist/incoming", "/srv/more"]
        """,
        """
        image-name = "ubuntu-22.04-\\u00e9"
        platform = "Ubuntu"
        architecture = "x86_64"
        disk-image-size = 40
        nvme-support = true
        boot-mode = "UEFI"
        [tags]
        team = "infra"
        "quoted key" = 'literal'
        """,
        """
        [import]
        image-name = "win"
        license-type = "BYOL"
        disk-image-size = -9_223_372_036_854_775_807
        [import.tags]
        a = "b"
        """,
    ]

    static var seeds: [[UInt8]] { seedTexts.map { Array($0.utf8) } }

    static var mutator: FuzzMutator {
        var mutator = FuzzMutator()
        mutator.dictionary = ["[", "]", "[[", "=", "\"", "'", "\"\"\"", "\\u", "\\U0010FFFF", "\\UFFFFFFFF", "#", "\n", "\r\n",
                              ".", "{", "}", ",", "true", "_", "[import.tags]", "[tags]", "image-name = ", "\u{0}"]
            .map { Array($0.utf8) }
        return mutator
    }

    static func read(_ bytes: [UInt8], _ label: String) {
        let text = String(decoding: bytes, as: UTF8.self)
        let document: TOMLDocument
        do {
            document = try TOMLDocument.parse(text)
        } catch {
            if error.message.isEmpty || error.line < 1 { Issue.record("\(label): TOMLError without line or message: \(error)") }
            return
        }
        do {
            _ = try HoistConfig.parse(text, path: "fuzz.toml")
        } catch {
            if "\(error)".isEmpty { Issue.record("\(label): empty ConfigError") }
        }
        do {
            _ = try ImportManifest(document: document, source: "fuzz.toml")
        } catch {
            if "\(error)".isEmpty { Issue.record("\(label): empty ImportError") }
        }
        for (table, values) in document.tables {
            for key in values.keys {
                _ = try? document.string(table, key)
                _ = try? document.integer(table, key)
                _ = try? document.boolean(table, key)
                _ = try? document.strings(table, key)
            }
        }
    }

    @Test(.timeLimit(.minutes(20))) func readerSurvivesRandomAndMutatedText() {
        fuzz(Self.seeds, mutator: Self.mutator) { bytes, label in Self.read(bytes, label) }
    }

    @Test func seedsParse() throws {
        for text in Self.seedTexts { _ = try TOMLDocument.parse(text) }
    }

    @Test func hugeIntegersAreErrorsNotTraps() throws {
        for word in ["9223372036854775808", "-9223372036854775809", "99999999999999999999", "1_000_000_000_000_000_000_000"] {
            #expect(throws: TOMLError.self) { try TOMLDocument.parse("n = \(word)\n") }
        }
        #expect(try TOMLDocument.parse("n = -9223372036854775807\n").integer("", "n") == -9_223_372_036_854_775_807)
    }
}
