/// The text rules ImportImage shares with other ECS APIs: image names, descriptions, tags and
/// RAM role names. Lengths count characters (Unicode scalars), as ECS does, not bytes.
enum ImportImageNameRules {
    static func imageName(_ name: String) -> [ImportImageViolation] {
        let scalars = Array(name.unicodeScalars)
        if !(2...128).contains(scalars.count) {
            return [.imageName(.imageNameLength, "must be 2–128 characters; it has \(scalars.count)")]
        }
        if !(isASCIILetter(scalars[0]) || isCJK(scalars[0])) {
            return [.imageName(.imageNameFirstCharacter, "must start with a letter or a Chinese character")]
        }
        if hasReservedPrefix(name, ["aliyun", "acs:"]) {
            return [.imageName(.imageNameReservedPrefix, "must not start with \"aliyun\" or \"acs:\"")]
        }
        if containsURL(name) {
            return [.imageName(.imageNameURL, "must not contain http:// or https://")]
        }
        if let bad = scalars.first(where: { !(isASCIILetter($0) || isDigit($0) || isCJK($0) || ".:_-".unicodeScalars.contains($0)) }) {
            return [.imageName(.imageNameCharacters, "may contain only letters, digits, '.', ':', '_' and '-', not \"\(bad)\"")]
        }
        return []
    }

    /// A valid image name made from an object key's file name, for a job given no name: Hoist
    /// needs one to find (and adopt) an import that is already under way. Characters the rules
    /// refuse become `-`; a name that would not start with a letter, or would start with a
    /// reserved prefix, gets `image-` in front; the result is cut to 128 characters.
    /// `builds/web server.raw` gives `web-server.raw`, `2024/01.qcow2` gives `image-01.qcow2`.
    static func derivedImageName(fromObjectKey key: String) -> String {
        validImageName(from: key.split(separator: "/").last.map(String.init) ?? "")
    }

    /// `text` made into a valid image name by the rules of `derivedImageName`: for names Hoist
    /// makes itself (derived ones, and expanded `NameTemplate`s such as `web 2-{date}`).
    static func validImageName(from file: String) -> String {
        var scalars = String.UnicodeScalarView()
        for s in file.unicodeScalars {
            scalars.append(isASCIILetter(s) || isDigit(s) || isCJK(s) || ".:_-".unicodeScalars.contains(s) ? s : "-")
        }
        var name = String(scalars)
        if let first = name.unicodeScalars.first, isASCIILetter(first) || isCJK(first),
           !hasReservedPrefix(name, ["aliyun", "acs:"]), name.unicodeScalars.count >= 2 {
            // usable as it is
        } else {
            name = "image-" + name
        }
        if name.unicodeScalars.count > 128 { name = String(String.UnicodeScalarView(name.unicodeScalars.prefix(128))) }
        return name == "image-" ? "image" : name
    }

    static func description(_ text: String) -> [ImportImageViolation] {
        let count = text.unicodeScalars.count
        if !(2...256).contains(count) {
            return [.description(.descriptionLength, "must be 2–256 characters; it has \(count)")]
        }
        if text.hasPrefix("http://") || text.hasPrefix("https://") {
            return [.description(.descriptionURL, "must not start with http:// or https://")]
        }
        return []
    }

    static func tags(_ tags: [ImportImageRequest.Tag]) -> [ImportImageViolation] {
        if tags.count > ImportImageVocabulary.maxTags { return [.tagCount("Tag.\(tags.count).Key")] }
        var found: [ImportImageViolation] = []
        var seen: Set<String> = []
        for (i, tag) in tags.enumerated() {
            let n = i + 1
            let keyLength = tag.key.unicodeScalars.count
            if tag.key.isEmpty {
                found.append(.tagKey(.tagKeyEmpty, n, "a tag key must not be empty"))
            } else if keyLength > 128 {
                found.append(.tagKey(.tagKeyLength, n, "a tag key is at most 128 characters; it has \(keyLength)"))
            } else if hasReservedPrefix(tag.key, ["aliyun", "acs:"]) {
                found.append(.tagKey(.tagKeyReservedPrefix, n, "a tag key must not start with \"aliyun\" or \"acs:\""))
            } else if containsURL(tag.key) {
                found.append(.tagKey(.tagKeyURL, n, "a tag key must not contain http:// or https://"))
            } else if !seen.insert(tag.key).inserted {
                found.append(ImportImageViolation(rule: .tagKeyDuplicate, parameter: "Tag.\(n).Key", code: "Duplicate.TagKey",
                                                  message: "The Tag.N.Key contain duplicate key.",
                                                  reason: "the tag key \"\(tag.key)\" is given twice"))
            }
            let valueLength = tag.value.unicodeScalars.count
            if valueLength > 128 {
                found.append(.tagValue(.tagValueLength, n, "a tag value is at most 128 characters; it has \(valueLength)"))
            } else if hasReservedPrefix(tag.value, ["acs:"]) {
                found.append(.tagValue(.tagValueReservedPrefix, n, "a tag value must not start with \"acs:\""))
            } else if containsURL(tag.value) {
                found.append(.tagValue(.tagValueURL, n, "a tag value must not contain http:// or https://"))
            }
        }
        return found
    }

    /// RAM role names: 1–64 characters from letters, digits, `.` and `-`.
    static func isRoleName(_ name: String) -> Bool {
        (1...64).contains(name.unicodeScalars.count)
            && name.unicodeScalars.allSatisfy { isASCIILetter($0) || isDigit($0) || $0 == "." || $0 == "-" }
    }

    /// Case-insensitive, since `Aliyun…` and `ACS:` are reserved just the same.
    static func hasReservedPrefix(_ text: String, _ prefixes: [String]) -> Bool {
        let lower = text.lowercased()
        return prefixes.contains { lower.hasPrefix($0) }
    }

    static func containsURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.contains("http://") || lower.contains("https://")
    }

    static func isASCIILetter(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) || ("A"..."Z").contains(s) }
    static func isDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }
    /// CJK Unified Ideographs and Extension A: the "Chinese characters" the newer docs allow.
    static func isCJK(_ s: Unicode.Scalar) -> Bool { (0x4E00...0x9FFF).contains(s.value) || (0x3400...0x4DBF).contains(s.value) }
}
