/// Human-readable figures for reports that must fit 80 columns.
public enum Units {
    /// `bytes` in binary units with three significant digits at most:
    /// `512 B`, `4.0 KiB`, `12.3 MiB`, `512 MiB`.
    public static func bytes(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes.magnitude)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let sign = bytes < 0 ? "-" : ""
        if unit == 0 { return "\(sign)\(bytes.magnitude) B" }
        return "\(sign)\(value < 100 ? fixed(value, decimals: 1) : fixed(value, decimals: 0)) \(units[unit])"
    }

    /// `value` with `decimals` digits after the point, rounded half up.
    /// A value no `Int` holds (a damaged file's `1e308`, infinity, NaN) is
    /// written as Swift writes a `Double`.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        guard value.isFinite, abs(value) * scale < 9.0e18 else { return String(describing: value) }
        let rounded = (abs(value) * scale).rounded() / scale
        let whole = Int(rounded)
        let sign = value < 0 && rounded > 0 ? "-" : ""
        guard decimals > 0 else { return "\(sign)\(whole)" }
        let fraction = Int(((rounded - Double(whole)) * scale).rounded())
        let digits = String(fraction)
        return "\(sign)\(whole).\(String(repeating: "0", count: decimals - digits.count))\(digits)"
    }

    /// `part` of 1 as a percentage with one decimal: `50.0%`.
    public static func percent(_ part: Double) -> String { fixed(part * 100, decimals: 1) + "%" }

    /// An integer with thousands separators: `100,000`.
    public static func count<T: BinaryInteger>(_ value: T) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// A bar of `width` cells, the first `share` of them filled: `[#####.....]`.
    public static func bar(_ share: Double, width: Int = 20) -> String {
        let filled = max(0, min(width, Int((share * Double(width)).rounded())))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }

    /// Seconds, with a unit that keeps three digits: `850 ms`, `1.25 s`.
    public static func seconds(_ seconds: Double) -> String {
        seconds < 1 ? fixed(seconds * 1000, decimals: 0) + " ms" : fixed(seconds, decimals: 2) + " s"
    }

    /// A short duration with a unit that keeps it readable: `12 µs`, `1.3 ms`, `850 ms`, `1.25 s`.
    public static func duration(_ seconds: Double) -> String {
        if seconds < 1e-3 { return fixed(seconds * 1e6, decimals: 0) + " µs" }
        if seconds < 1e-2 { return fixed(seconds * 1e3, decimals: 1) + " ms" }
        return Units.seconds(seconds)
    }
}
