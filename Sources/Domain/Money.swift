/// An amount of money in a currency, exact to the hundredth: what a debt, a promise or an instalment is worth.
/// Amounts on the wire are decimal text such as `120.50` (at most two decimals), the currency an ISO 4217 code.
public struct Money: Sendable, Hashable, CustomStringConvertible {
    /// The amount in hundredths of the currency's unit.
    public var minorUnits: Int64
    /// ISO 4217 code, e.g. `PLN`.
    public var currency: String

    /// `minorUnits` hundredths of `currency`.
    public init(minorUnits: Int64, currency: String) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// `amount` as decimal text (`120`, `120.5`, `120.50`), at most 12 digits before the point as the contract's
    /// amounts (so that sums of many cannot overflow); `nil` for anything else, or more than two decimals.
    public init?(_ amount: some StringProtocol, currency: String) {
        let parts = amount.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), (1...12).contains(parts[0].count),
            parts.allSatisfy({ $0.allSatisfy { ("0"..."9").contains($0) } }),
            let units = Int64(parts[0])
        else { return nil }
        var cents: Int64 = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...2).contains(fraction.count), let value = Int64(fraction) else { return nil }
            cents = fraction.count == 1 ? value * 10 : value
        }
        self.init(minorUnits: units * 100 + cents, currency: currency)
    }

    /// `120.50 PLN` (`-3.05 PLN` below zero).
    public var description: String { "\(amount) \(currency)" }

    /// The amount as the contract writes it: `120.50` (`-3.05` below zero).
    public var amount: String {
        let sign = minorUnits < 0 ? "-" : ""
        let units = minorUnits.magnitude
        let cents = units % 100
        return "\(sign)\(units / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// This amount less `other` (in the same currency).
    public func minus(_ other: Money) -> Money {
        precondition(currency == other.currency, "amounts in different currencies")
        return Money(minorUnits: minorUnits - other.minorUnits, currency: currency)
    }

    /// This amount plus `other` (in the same currency).
    public func plus(_ other: Money) -> Money {
        precondition(currency == other.currency, "amounts in different currencies")
        return Money(minorUnits: minorUnits + other.minorUnits, currency: currency)
    }

    /// The sum of amounts in one currency; `nil` when they are in several.
    public static func total(_ amounts: [Money], currency: String) -> Money? {
        guard amounts.allSatisfy({ $0.currency == currency }) else { return nil }
        return Money(minorUnits: amounts.reduce(0) { $0 + $1.minorUnits }, currency: currency)
    }
}
