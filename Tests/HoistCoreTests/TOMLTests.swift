@testable import HoistCore
import Testing

@Suite struct TOMLTests {
    @Test func tablesKeysAndEveryValueType() throws {
        let document = try TOMLDocument.parse("""
            # Hoist config
            title = "hoist"   # trailing comment

            [oss]
            endpoint = "https://oss-cn-hangzhou.aliyuncs.com"
            "quoted key" = 'C:\\literal\\path'
            parallel = 1_000
            negative = -42
            enabled = true
            disabled = false

            [import.defaults]
            tags = ["a", 'b', "c,d"]
            empty = []
            multi = [
              "x",  # first
              "y",
            ]
            """)
        #expect(document["", "title"] == .string("hoist"))
        #expect(document["oss", "endpoint"] == .string("https://oss-cn-hangzhou.aliyuncs.com"))
        #expect(document["oss", "quoted key"] == .string("C:\\literal\\path"))
        #expect(document["oss", "parallel"] == .integer(1000))
        #expect(document["oss", "negative"] == .integer(-42))
        #expect(document["oss", "enabled"] == .boolean(true))
        #expect(document["oss", "disabled"] == .boolean(false))
        #expect(document["import.defaults", "tags"] == .strings(["a", "b", "c,d"]))
        #expect(document["import.defaults", "empty"] == .strings([]))
        #expect(document["import.defaults", "multi"] == .strings(["x", "y"]))
        #expect(document.line(of: "oss", "parallel") == 7)
    }

    @Test func basicStringEscapes() throws {
        let document = try TOMLDocument.parse(#"s = "tab\tquote\"back\\nl\nu\u00e9U\U0001F600""#)
        #expect(document["", "s"] == .string("tab\tquote\"back\\nl\nuéU😀"))
    }

    @Test func crlfLineEndings() throws {
        let document = try TOMLDocument.parse("[a]\r\nb = 1\r\nc = \"x\"\r\n")
        #expect(document["a", "b"] == .integer(1))
        #expect(document["a", "c"] == .string("x"))
    }

    @Test(arguments: [
        ("a = 1.5", 1, "unsupported value 1.5"),
        ("a = 1979-05-27", 1, "unsupported value"),
        ("a = {x = 1}", 1, "inline tables"),
        ("[[servers]]", 1, "arrays of tables"),
        ("a = \"\"\"x\"\"\"", 1, "multi-line strings"),
        ("a = \"open", 1, "unterminated string"),
        ("a = [1, 2]", 1, "arrays may only hold strings"),
        ("a = [\"x\" \"y\"]", 1, "expected ','"),
        ("\n\na = 1\na = 2", 4, "set twice"),
        ("[t]\n[t]", 2, "defined twice"),
        ("a.b = 1", 1, "dotted keys"),
        ("a = 1 b", 1, "unexpected text"),
        ("a = 01", 1, "unsupported value 01"),
        ("a = \"\\q\"", 1, "invalid escape"),
        ("= 1", 1, "expected a key"),
        ("a =", 1, "expected a value"),
    ])
    func refusesWithLineNumbers(text: String, line: Int, fragment: String) {
        do {
            _ = try TOMLDocument.parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.line == line, "\(text): \(error)")
            #expect(error.message.contains(fragment), "\(text): \(error)")
        }
    }

    @Test func typedAccessorsRefuseTheWrongType() throws {
        let document = try TOMLDocument.parse("[upload]\nparallel = \"8\"")
        #expect(throws: TOMLError(line: 2, message: "upload.parallel must be an integer, not a string")) {
            try document.integer("upload", "parallel")
        }
        #expect(try document.string("upload", "parallel") == "8")
        #expect(try document.string("upload", "missing") == nil)
    }

    @Test func integerSeparatorsAndSigns() {
        #expect(TOMLParser.integer("1_000_000") == 1_000_000)
        #expect(TOMLParser.integer("+7") == 7)
        #expect(TOMLParser.integer("0") == 0)
        #expect(TOMLParser.integer("1__0") == nil)
        #expect(TOMLParser.integer("_1") == nil)
        #expect(TOMLParser.integer("1_") == nil)
        #expect(TOMLParser.integer("99999999999999999999") == nil)
    }
}
