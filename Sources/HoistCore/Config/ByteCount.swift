import Foundation

/// Sizes as operators write them: `64MiB`, `1 GiB`, `512KiB`, `100MB`, `1048576`.
///
/// Binary suffixes (KiB, MiB, GiB, TiB) are powers of 1024. The short forms K/M/G/T and KB/MB/GB
/// are read as binary too, as OSS's own documentation does ("100 KB" means 102,400 bytes), so a
/// part size copied from the OSS limits page means what it meant there.
public enum ByteCount {
    public static func parse(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let number = Int64(digits) else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let shift: Int64
        switch unit {
        case "", "b": shift = 0
        case "k", "kb", "kib": shift = 10
        case "m", "mb", "mib": shift = 20
        case "g", "gb", "gib": shift = 30
        case "t", "tb", "tib": shift = 40
        default: return nil
        }
        let (value, overflow) = number.multipliedReportingOverflow(by: Int64(1) << shift)
        return overflow ? nil : value
    }

    /// `67108864` → `64 MiB`; exact multiples only, otherwise bytes, so nothing is rounded away.
    public static func format(_ bytes: Int64) -> String {
        for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] {
            let size = Int64(1) << Int64(shift)
            if bytes >= size, bytes % size == 0 { return "\(bytes / size) \(unit)" }
        }
        return "\(bytes) B"
    }

    /// `1.5 GiB`-style approximate figure for progress displays.
    public static func approximate(_ bytes: Int64) -> String {
        let value = Double(bytes)
        for (shift, unit) in [(40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")] {
            let size = Double(Int64(1) << Int64(shift))
            if value >= size { return String(format: "%.1f %@", value / size, unit) }
        }
        return "\(bytes) B"
    }
}

/// Durations as operators write them: `90s`, `15m`, `2h`, `7d`, `1h30m`, or plain seconds.
public enum DurationText {
    public static func parse(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !trimmed.isEmpty else { return nil }
        if let seconds = Double(trimmed), seconds >= 0 { return seconds }
        var total = 0.0
        var number = ""
        for character in trimmed {
            if character.isASCII, character.isNumber || character == "." {
                number.append(character)
                continue
            }
            guard let value = Double(number) else { return nil }
            switch character {
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            case "d": total += value * 86_400
            case "w": total += value * 604_800
            default: return nil
            }
            number = ""
        }
        return number.isEmpty ? total : nil
    }
}
