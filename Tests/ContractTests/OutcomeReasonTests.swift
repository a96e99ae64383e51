import Contract
import Domain
import Testing

/// A failed outcome may say why, as a short code; nothing else may carry one.
@Suite struct OutcomeReasonTests {
    static func outcome(_ result: Outcome.Result, reason: String?) -> Outcome {
        var outcome = Outcome(
            outcomeId: "O-1", taskId: "T-1", debtorId: "D-1", debtId: "C-1", channel: .email,
            at: Instant(rfc3339: "2026-12-01T15:00:00Z")!, result: result)
        outcome.reason = reason
        return outcome
    }

    @Test func aFailedSendCarriesItsReason() throws {
        try Self.outcome(.failed, reason: "smtp-550").validate()
        try Self.outcome(.failed, reason: nil).validate()
    }

    @Test(arguments: ["SMTP 550", "", "-x", String(repeating: "a", count: 65), "bounced\n"])
    func aReasonIsAShortCode(_ reason: String) {
        #expect(throws: ContractError.self) { try Self.outcome(.failed, reason: reason).validate() }
    }

    @Test func onlyAFailureHasAReason() {
        #expect(throws: ContractError.self) { try Self.outcome(.delivered, reason: "bounced").validate() }
    }
}
