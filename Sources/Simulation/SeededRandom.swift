/// SplitMix64 (Steele, Lea and Flood, 2014): a small, fast generator whose whole state is one 64-bit word, so a
/// stream can be started anywhere from a seed. The simulator never touches `SystemRandomNumberGenerator`: the
/// same seed must give the same run on every machine and every release.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A stream starting at `seed`.
    public init(seed: UInt64) { state = seed }

    /// A stream of its own for one purpose, e.g. `(seed, "contact", taskId, attempt)`: draws for one contact do not
    /// depend on how many were made for others, so a run's outcomes do not shift when the order of work changes.
    public init(seed: UInt64, _ parts: String...) {
        var hash = StableHash(seed: seed)
        for part in parts { hash.combine(part) }
        state = hash.value
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform number in `[0, 1)` with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// `true` with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { p > 0 && unit() < p }

    /// A uniform integer in `range` (the modulo bias is below 2⁻⁴⁰ for the spans used here).
    public mutating func integer(in range: ClosedRange<Int64>) -> Int64 {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        guard span != 0 else { return Int64(bitPattern: next()) }
        return range.lowerBound + Int64(next() % span)
    }
}

/// FNV-1a over UTF-8, finished with SplitMix64's mixer. Swift's `Hasher` is seeded per process, so it cannot name
/// a reproducible stream.
struct StableHash {
    private(set) var value: UInt64

    init(seed: UInt64) { value = 0xCBF2_9CE4_8422_2325 ^ seed }

    mutating func combine(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        value ^= 0xFF
        value &*= 0x0000_0100_0000_01B3
        var mixer = SeededRandom(seed: value)
        value = mixer.next()
    }
}
