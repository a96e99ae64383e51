import Domain
import Testing

@Suite struct MoneyTests {
    @Test(arguments: [
        ("120", 12_000), ("120.5", 12_050), ("120.50", 12_050), ("0.01", 1), ("999999999999.99", 99_999_999_999_999),
    ])
    func decimalTextIsExactToTheHundredth(text: String, minorUnits: Int64) {
        #expect(Money(text, currency: "PLN") == Money(minorUnits: minorUnits, currency: "PLN"))
    }

    @Test(arguments: ["", "-5", "1.234", "1,50", "1.", ".5", "1.5.0", "1e3", "1000000000000.00", " 1"])
    func anythingElseIsNotAnAmount(text: String) {
        #expect(Money(text, currency: "PLN") == nil)
    }

    @Test func totalsAndDescriptions() {
        let amounts = ["40.00", "40.50", "0.05"].compactMap { Money($0, currency: "USD") }
        #expect(Money.total(amounts, currency: "USD")?.description == "80.55 USD")
        #expect(Money.total(amounts + [Money(minorUnits: 1, currency: "EUR")], currency: "USD") == nil)
        #expect(Money(minorUnits: -305, currency: "PLN").description == "-3.05 PLN")
    }
}
