import Contract
import Intake
import Testing

/// Column mappings and the placement file reader, on files held in memory.
@Suite struct IntakeMappingTests {
    static var mapping: IntakeMapping {
        var mapping = IntakeMapping()
        mapping.columns = [
            .creditorId: "creditor", .debtorID: "id", .debtorName: "name", .debtorTimeZones: "zones",
            .debtorPhone: "phone", .debtID: "debt", .debtAmount: "amount", .debtCurrency: "currency",
            .debtDueDate: "due", .debtorInconvenient: "inconvenient",
        ]
        mapping.defaults = [.debtorLanguage: "en"]
        return mapping
    }

    static let header = "creditor,id,name,zones,phone,debt,amount,currency,due,inconvenient\n"

    func read(_ text: String, mapping: IntakeMapping = mapping) throws -> PlaceInput {
        try PlaceInput.parse(
            Array(text.utf8), source: "file.csv", format: .csv, mapping: mapping, checks: .contractOnly)
    }

    @Test func aRowBecomesAPlacementWithADerivedStableID() throws {
        let row =
            "acme,D-1,Jan,Europe/Warsaw; America/New_York,+48000000001,C-1,10.50,PLN,2026-11-01,mon-fri 12:00-13:00\n"
        let input = try read(Self.header + row)
        let body = try #require(input.items.first?.body)
        let placement = try MessageCoding.decode(Placement.self, from: body)
        #expect(placement.debtor.timeZones == ["Europe/Warsaw", "America/New_York"])
        #expect(placement.debtor.language == "en", "from the mapping's defaults")
        #expect(placement.debtor.inconvenient?.count == 1)
        #expect(placement.placementId == IntakePlacementID.derive(creditor: "acme", debtor: "D-1", debt: "C-1"))
        #expect(placement.placementId != IntakePlacementID.derive(creditor: "other", debtor: "D-1", debt: "C-1"))
        #expect(try read(Self.header + row).items.first?.placementID == placement.placementId, "the same every time")
    }

    @Test func badRowsAreRejectedWithTheirLineAndFieldNeverTheValue() throws {
        let input = try read(
            Self.header + "acme,D-1,Jan,Europe/Gotham,+1,C-1,10,PLN,2026-11-01,\n"
                + "acme,D-2,Ann,UTC,+1,C-2,10,PLN,2026-11-01,someday noon\n"
                + "acme,D-3,Eve,UTC,+1,C-3,,PLN,2026-11-01,\n"
                + "acme,D-4,Bob,UTC,+1,C-4,10,PLN,2026-11-01,\n" + "acme,D-4,Bob,UTC,+1,C-4,10,PLN,2026-11-01,\n")
        #expect(
            input.items.map(\.placementID) == [IntakePlacementID.derive(creditor: "acme", debtor: "D-4", debt: "C-4")])
        #expect(input.rejected.map(\.line) == [2, 3, 4, 6])
        #expect(input.rejected[0].reason.contains("debtor.timeZones") && !input.rejected[0].reason.contains("Gotham"))
        #expect(
            input.rejected[1].reason.contains("debtor.inconvenient") && !input.rejected[1].reason.contains("someday"))
        #expect(input.rejected[2].reason == "missing-field: debt.amount: required (column \"amount\" is empty)")
        #expect(input.rejected[3].reason == "conflict: placementId: same as line 5")
    }

    @Test func aHeaderWithoutARequiredColumnIsRefusedWhole() {
        var mapping = Self.mapping
        mapping.columns[.debtDueDate] = "due_date"
        #expect {
            _ = try read(Self.header, mapping: mapping)
        } throws: {
            "\($0)"
                == "file.csv: no column \"due_date\" for debt.dueDate in the header (map it with --column debt.dueDate=HEADER or --default)"
        }
    }

    @Test func commandLineAssignmentsNameTheProblem() {
        #expect(throws: IntakeMappingError.self) { _ = try IntakeMapping.assignment("debtor.name", option: "column") }
        #expect {
            _ = try IntakeMapping.assignment("debtor.shoeSize=x", option: "default")
        } throws: { "\($0)".hasPrefix("--default: unknown field debtor.shoeSize; expected one of") }
    }
}
