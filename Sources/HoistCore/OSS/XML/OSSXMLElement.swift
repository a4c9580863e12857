import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small read-only XML tree, keyed by *local* element names.
///
/// OSS responses are tiny, and their root sometimes carries a namespace and sometimes not, and new
/// elements appear over time. Parsing into a tree and looking elements up by local name makes the
/// codecs immune to both, which an event-driven decoder per response type would not be.
public struct OSSXMLElement: Sendable, Equatable {
    public var name: String
    /// Concatenated character data directly inside this element (entities already decoded).
    public var text: String
    public var children: [OSSXMLElement]

    public init(name: String, text: String = "", children: [OSSXMLElement] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    public func child(_ name: String) -> OSSXMLElement? {
        children.first { $0.name == name }
    }

    public func children(_ name: String) -> [OSSXMLElement] {
        children.filter { $0.name == name }
    }

    /// Text of the first child called `name`, or nil when absent.
    public func string(_ name: String) -> String? {
        child(name)?.text
    }

    /// Deeper than any OSS response (they nest four levels); a deeper document is refused
    /// before its tree could exhaust the stack.
    static let maximumDepth = 32

    /// Parses a document; nil when it is not well-formed XML, not UTF-8, or nested deeper than
    /// `maximumDepth`.
    ///
    /// `isSafeToParse` comes first: Foundation's XMLParser crashes on some inputs instead of
    /// failing, and OSS never sends them.
    public static func parse(_ bytes: [UInt8]) -> OSSXMLElement? {
        guard isSafeToParse(bytes) else { return nil }
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        guard parser.parse(), !builder.tooDeep, let root = builder.root else { return nil }
        return root
    }

    /// Whether Foundation's XMLParser can be given `bytes` without crashing the process: they
    /// are UTF-8 (an element name that is not makes it trap) and hold no processing instruction
    /// but the XML declaration (one without data makes it call `strlen(NULL)`). Both were found
    /// by fuzzing; neither occurs in a real OSS document.
    public static func isSafeToParse(_ bytes: [UInt8]) -> Bool {
        guard String(validating: bytes, as: UTF8.self) != nil else { return false }
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        while start < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
        let declaration = Array("<?xml".utf8)
        if bytes[start...].starts(with: declaration), bytes.count > start + 5, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start + 5]) {
            guard let end = firstIndex(of: [0x3F, 0x3E], in: bytes, from: start + 5) else { return false }
            start = end + 2
        }
        return firstIndex(of: [0x3C, 0x3F], in: bytes, from: start) == nil
    }

    private static func firstIndex(of pair: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        var i = start
        while i + 1 < bytes.count {
            if bytes[i] == pair[0] && bytes[i + 1] == pair[1] { return i }
            i += 1
        }
        return nil
    }

    /// Drops any `prefix:` so `oss:Key` and `Key` look the same.
    static func localName(_ qualified: String) -> String {
        guard let colon = qualified.lastIndex(of: ":") else { return qualified }
        return String(qualified[qualified.index(after: colon)...])
    }
}

/// XMLParser delegate that assembles `OSSXMLElement`s; used synchronously inside `parse`.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [OSSXMLElement] = []
    var root: OSSXMLElement?
    var tooDeep = false

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        guard stack.count < OSSXMLElement.maximumDepth else {
            tooDeep = true
            stack.removeAll()
            parser.abortParsing()
            return
        }
        stack.append(OSSXMLElement(name: OSSXMLElement.localName(elementName)))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: block, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard !tooDeep, var element = stack.popLast() else { return }
        if !element.children.isEmpty {
            // Mixed content is not used by OSS; whitespace between child elements is noise.
            element.text = element.text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].children.append(element)
        }
    }
}
