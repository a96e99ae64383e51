import Domain

/// What a call (`Call.purpose`) or reminder (`Reminder.template`) says it is about, as the wire spells it: the task's
/// ``Purpose`` (`first-call`) when the contact is made with the debtor, prefixed `representative:` when the policy
/// redirected it to their representative (`representative:first-call`). The messages keep the text; this reads it.
public struct ContactPurpose: Sendable, Hashable, LosslessStringConvertible {
    /// Whom the contact is made with.
    public enum Addressee: Sendable, Hashable {
        case debtor
        /// The debtor's representative (attorney, estate), after a redirect.
        case representative
    }

    public var purpose: Purpose
    public var addressee: Addressee

    public init(_ purpose: Purpose, with addressee: Addressee = .debtor) {
        self.purpose = purpose
        self.addressee = addressee
    }

    /// The purpose a call's or reminder's text names; `nil` for text that names none.
    public init?(_ description: String) {
        let representative = description.hasPrefix(Self.representativePrefix)
        let rest = representative ? description.dropFirst(Self.representativePrefix.count) : description[...]
        guard let purpose = Purpose(rawValue: String(rest)) else { return nil }
        self.init(purpose, with: representative ? .representative : .debtor)
    }

    public var description: String { Self.text(purpose.rawValue, with: addressee) }

    /// The text for a purpose as a work task carries it (`WorkTask.purpose`, `WorkTask.template`), made with
    /// `addressee`: how a worker words the contact it proposes.
    public static func text(_ purpose: String, with addressee: Addressee) -> String {
        addressee == .representative ? representativePrefix + purpose : purpose
    }

    private static let representativePrefix = "representative:"
}

extension Call {
    /// What the call is about and with whom (``purpose``, read); `nil` if it names no known purpose.
    public var contactPurpose: ContactPurpose? { ContactPurpose(purpose) }
}

extension Reminder {
    /// What the reminder is about and to whom (``template``, read); `nil` if it names no known purpose.
    public var contactPurpose: ContactPurpose? { ContactPurpose(template) }
}

extension WorkTask {
    /// The task's purpose (``purpose``, read); `nil` if it names none this version knows.
    public var taskPurpose: Purpose? { Purpose(rawValue: purpose) }
}
