import Contract
import Foundation

/// Test data: debtors whose zones put them inside or outside their contact window right now, whatever the time.
public enum Sample {
    /// A fixed-offset zone where it is about `hour`:00 now (Etc zones have the sign reversed).
    public static func zone(localHour hour: Int, at date: Date = Date()) -> String {
        let utcHour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
            .hour!
        var offset = hour - utcHour
        if offset > 14 { offset -= 24 }
        if offset < -12 { offset += 24 }
        return offset == 0 ? "Etc/GMT" : offset > 0 ? "Etc/GMT-\(offset)" : "Etc/GMT+\(-offset)"
    }

    public static func placement(
        _ id: String, debtor: String, debt: String, zone: String, email: String? = nil, sms: String? = nil,
        specialist: String? = nil, creditor: String = "acme", rulebook: String? = nil
    ) -> Placement {
        Placement(
            placementId: id, creditorId: creditor, rulebook: rulebook, specialistId: specialist,
            debtor: .init(
                id: debtor, name: "Personal Name \(debtor)", timeZones: [zone], phone: "+15550142",
                sms: sms, email: email, language: "en"),
            debt: .init(id: debt, amount: "99.00", currency: "USD", dueDate: "2026-11-01"))
    }
}
