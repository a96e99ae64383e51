import Domain
import Store

/// How an operator names a case on the command line: `CREDITOR/DEBTOR`, the debtor's id with `--creditor`, or the
/// debtor's id alone while one creditor has a debtor with it. Debtor ids are the creditor's own (``DebtorKey``).
package enum CaseName {
    /// The store's key of the case `name` (and `creditor`) names; `nil` when no case answers to it.
    ///
    /// - Throws: ``CaseNameError`` when several creditors have a debtor with this id and none was named.
    package static func key(
        _ name: String, creditor: String?, in store: some InspectableStore
    ) async throws -> String? {
        if let creditor { return DebtorKey(creditor: creditor, debtor: name).description }
        return try await store.inspect { store in
            // `acme/D-1` names a case; a debtor id may hold a `/` of its own, so the whole text is also an id.
            if DebtorKey(name) != nil, let debtor = try store.debtor(name) { return debtor.id }
            let matches = try store.debtors(withRef: name).map(\.id)
            guard matches.count <= 1 else {
                throw CaseNameError(
                    "several creditors have a debtor with this id: name one, as \(matches.joined(separator: " or "))")
            }
            return matches.first
        }
    }
}

/// A case name that names more than one case.
package struct CaseNameError: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}
