/// A debtor as Tact keys them: the creditor and the creditor's own id for the person. Two creditors may number
/// their debtors alike (`D-1`); their cases never meet.
///
/// Every table keys debtors by ``description``, `creditor/debtor`: creditor ids have no `/`
/// (``isCreditorID(_:)``), so the first `/` splits it again. Messages carry the two parts as `creditorId` and
/// `debtorId`.
public struct DebtorKey: Hashable, Sendable, CustomStringConvertible {
    public let creditor: String
    /// The creditor's own id for the person.
    public let debtor: String

    public init(creditor: String, debtor: String) {
        self.creditor = creditor
        self.debtor = debtor
    }

    /// Splits a stored key at its first `/`; `nil` for an id without one.
    public init?(_ stored: String) {
        guard let slash = stored.firstIndex(of: "/") else { return nil }
        self.init(creditor: String(stored[..<slash]), debtor: String(stored[stored.index(after: slash)...]))
    }

    public var description: String { "\(creditor)/\(debtor)" }

    /// The creditor's own id within a stored key. A store's tests may key a debtor by a bare id; it is its own.
    public static func debtorPart(of stored: String) -> String {
        DebtorKey(stored)?.debtor ?? stored
    }

    /// Whether `id` can name a creditor in a key: it must not contain the separator.
    public static func isCreditorID(_ id: String) -> Bool { !id.contains("/") }
}
