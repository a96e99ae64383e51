/// Placement ids for rows that carry none: the same creditor, debtor and debt always give the same id, so loading
/// a file again places nothing twice (the scheduler keeps one placement per creditor and placement id).
package enum IntakePlacementID {
    /// `P-` and 32 hex digits: FNV-1a (128 bits) of the three ids. They are printable ASCII without line breaks,
    /// so joining them with line breaks cannot make two different triples read the same.
    package static func derive(creditor: String, debtor: String, debt: String) -> String {
        var hash: UInt128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d
        let prime: UInt128 = 0x0000_0000_0100_0000_0000_0000_0000_013b
        for byte in "tact-placement-v1\n\(creditor)\n\(debtor)\n\(debt)".utf8 {
            hash ^= UInt128(byte)
            hash = hash &* prime
        }
        let hex = String(hash, radix: 16)
        return "P-" + String(repeating: "0", count: 32 - hex.count) + hex
    }
}
