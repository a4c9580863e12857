import Foundation
import HoistCore
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One `<Part>` of a CompleteMultipartUpload document.
struct CompletePart: Sendable, Equatable {
    var number: Int
    var etag: String
}

/// Parses the CompleteMultipartUpload body with a real XML parser, so anything not well formed
/// is `MalformedXML` exactly as on OSS. Elements are matched by local name; namespaces and
/// unknown elements are ignored.
enum CompleteRequestParser {
    static func parse(_ bytes: [UInt8]) throws(OSSErrorReply) -> [CompletePart] {
        // Foundation's XMLParser crashes on some malformed inputs instead of failing: refuse them first.
        guard !bytes.isEmpty, OSSXMLElement.isSafeToParse(bytes) else { throw .malformedXML }
        let parser = XMLParser(data: Data(bytes))
        let collector = Collector()
        parser.delegate = collector
        parser.shouldProcessNamespaces = true
        guard parser.parse(), collector.valid, collector.root == "CompleteMultipartUpload" else { throw .malformedXML }
        return collector.parts
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var root: String?
        var parts: [CompletePart] = []
        var valid = true
        private var path: [String] = []
        private var text = ""
        private var number: Int?
        private var etag: String?

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            if root == nil { root = elementName }
            path.append(elementName)
            text = ""
            if elementName == "Part" && path.count == 2 { number = nil; etag = nil }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            let depth = path.count
            path.removeLast()
            switch (elementName, depth) {
            case ("PartNumber", 3):
                number = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
                if number == nil { valid = false }
            case ("ETag", 3):
                etag = text
            case ("Part", 2):
                guard let number, let etag else { valid = false; return }
                parts.append(CompletePart(number: number, etag: etag))
            default:
                break
            }
            text = ""
        }
    }
}
