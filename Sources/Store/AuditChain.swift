import Crypto
import Domain

/// The audit trail's hash chain: each entry's hash is SHA-256 over the hash of the entry before it and its own
/// fields, so that changing, removing or reordering an entry breaks the chain from there on. Recomputing it finds
/// the first entry that no longer fits. (Only what lies before the chain's head is protected: keep its last hash
/// elsewhere, as `tact audit verify` prints it, to notice the newest entries removed.)
public enum AuditChain {
    /// The hash before the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// The hash of an entry whose predecessor's hash is `previous`. Each field is length-prefixed, so that no two
    /// different entries hash the same text.
    public static func hash(
        previous: String, sequence: Int64, at: Instant, debtorID: String?, subject: String, action: String,
        actor: AuditActor, detail: String
    ) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 + detail.utf8.count)
        func field(_ text: some StringProtocol) {
            bytes.append(contentsOf: String(text.utf8.count).utf8)
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: ";"))
        }
        field(previous)
        field(String(sequence))
        field(String(at.secondsSinceEpoch))
        field(debtorID ?? "")
        field(subject)
        field(action)
        field(actor.description)
        field(detail)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            hex.append(Self.hexDigits[Int(byte >> 4)])
            hex.append(Self.hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Why the chain is broken at an entry.
    public enum Break: Sendable, Equatable, CustomStringConvertible {
        /// The entry's fields or hash are not what was written.
        case changed(sequence: Int64)
        /// Entries are missing before this one (the sequence skips from `after`).
        case removed(after: Int64, found: Int64)

        public var description: String {
            switch self {
            case .changed(let sequence): "record \(sequence) was changed (its hash does not match its contents)"
            case .removed(let after, let found):
                after + 1 == found - 1
                    ? "record \(after + 1) was removed" : "records \(after + 1)–\(found - 1) were removed"
            }
        }
    }

    /// Walks the chain a page at a time; ``next(_:)`` with each page in sequence order, then ``head``.
    public struct Verifier: Sendable {
        /// The last entry checked and its recomputed hash.
        public private(set) var head: (sequence: Int64, hash: String) = (0, AuditChain.genesis)
        public private(set) var count = 0

        public init() {}

        /// Checks `records`, which follow those checked so far; the first break, if any.
        public mutating func next(_ records: [AuditRecord]) -> Break? {
            for record in records {
                guard record.sequence == head.sequence + 1 else {
                    return record.sequence > head.sequence + 1
                        ? .removed(after: head.sequence, found: record.sequence) : .changed(sequence: record.sequence)
                }
                let expected = AuditChain.hash(
                    previous: head.hash, sequence: record.sequence, at: record.at, debtorID: record.debtorID,
                    subject: record.subject, action: record.action, actor: record.actor, detail: record.detail)
                guard expected == record.hash else { return .changed(sequence: record.sequence) }
                head = (record.sequence, expected)
                count += 1
            }
            return nil
        }
    }
}
