import Contract
import Domain
import Foundation
import Policy
import TactConfig
import Testing

@testable import WorkerCore

@Suite("Worker: decide and build the contact")
struct WorkerCoreTests {
    static let core: WorkerCore = {
        let directory = ConfigDirectory(
            url: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Config"))
        let rulebook = try! RulebookLoader(directory: directory).load("us-regf")
        return WorkerCore(
            topology: TactTopology(), engines: ["us-regf": try! PolicyEngine(rulebook: rulebook)], workerID: "w/1")
    }()

    /// Tuesday 2026-12-01 15:00 UTC: 10:00 in New York, inside the 08:00–21:00 window that ends at 02:00 UTC.
    static let now = Instant(rfc3339: "2026-12-01T15:00:00Z")!

    static func task(
        _ channel: Channel, purpose: String = "first-call", zones: [String] = ["America/New_York"],
        holds: [Hold] = [], representative: Representative? = nil, rulebook: String = "us-regf",
        specialist: String? = "anna", email: String? = "p@example.com"
    ) -> WorkTask {
        WorkTask(
            taskId: "P-1/\(purpose)", attempt: 2, creditorId: "acme", rulebook: rulebook, channel: channel,
            purpose: purpose,
            template: purpose, specialistId: specialist,
            debt: .init(id: "C-1", amount: "10.00", currency: "USD", dueDate: "2026-11-01"),
            debtor: try! Debtor(id: "D-1", timeZones: zones, holds: holds, representative: representative),
            history: [],
            delivery: .init(name: "Test Person", phone: "+15550100", sms: "+15550101", email: email, language: "en"))
    }

    @Test func anAllowedCallGoesToTheSpecialistAndExpiresWithItsWindow() throws {
        let output = Self.core.handle(Self.task(.call), at: Self.now)
        #expect(output.decision.decision == .allow)
        let contact = try #require(output.contact)
        #expect(contact.queue == "tact.calls.anna")
        #expect(contact.expiresAt == Instant(rfc3339: "2026-12-02T02:00:00Z"))
        let call = try MessageCoding.decode(Call.self, from: contact.body)
        #expect(call.taskId == "P-1/first-call")
        #expect(call.attempt == 2)
        #expect(call.validUntil == Instant(rfc3339: "2026-12-02T02:00:00Z"))
        #expect(call.context.tone == "standard")
        #expect(output.emittedTo == "tact.calls.anna")
        #expect(output.messageID.hasPrefix("decision:P-1/first-call:2:w/1:"))
    }

    @Test func callsWithoutASpecialistGoToThePool() throws {
        let output = Self.core.handle(Self.task(.call, specialist: nil), at: Self.now)
        #expect(output.contact?.queue == "tact.calls.pool")
    }

    @Test func remindersCarryTheirAddressAndLettersNeverExpire() throws {
        let email = try #require(Self.core.handle(Self.task(.email, purpose: "first-notice"), at: Self.now).contact)
        #expect(email.queue == "tact.reminders.email")
        let reminder = try MessageCoding.decode(Reminder.self, from: email.body)
        #expect(reminder.to == "p@example.com")
        #expect(reminder.template == "first-notice")
        var letterTask = Self.task(.letter, purpose: "first-notice")
        letterTask.delivery.address = "1 Example Way"
        let letter = try #require(Self.core.handle(letterTask, at: Self.now).contact)
        #expect(letter.expiresAt == nil)
        #expect(try MessageCoding.decode(Reminder.self, from: letter.body).validUntil == nil)
    }

    @Test func aDeferredTaskEmitsNothing() {
        let night = Instant(rfc3339: "2026-12-01T05:00:00Z")!  // 00:00 in New York
        let output = Self.core.handle(Self.task(.call), at: night)
        #expect(output.decision.decision == .defer)
        #expect(output.decision.earliest == Instant(rfc3339: "2026-12-01T13:00:00Z"))
        #expect(output.contact == nil)
        #expect(output.emittedTo == nil)
    }

    @Test func anAttorneyIsCalledInsteadOfTheDebtor() throws {
        let attorney = try Hold(kind: .attorney, since: Instant(rfc3339: "2026-11-01T00:00:00Z")!)
        let output = Self.core.handle(
            Self.task(.call, holds: [attorney], representative: Representative(kind: "attorney", phone: "+15550999")),
            at: Self.now)
        #expect(output.decision.decision == .redirect)
        let call = try MessageCoding.decode(Call.self, from: try #require(output.contact).body)
        #expect(call.phone == "+15550999")
        #expect(call.purpose == "representative:first-call")
    }

    @Test func aBereavementMakesTheCallContextGentle() throws {
        // The cooling-off ended yesterday: the call may go ahead, kindly.
        let bereavement = try Hold(
            kind: .bereavement, since: Instant(rfc3339: "2026-10-01T00:00:00Z")!,
            until: Instant(rfc3339: "2026-11-30T00:00:00Z")!)
        let output = Self.core.handle(Self.task(.call, holds: [bereavement]), at: Self.now)
        let call = try MessageCoding.decode(Call.self, from: try #require(output.contact).body)
        #expect(call.context.tone == "gentle")
    }

    @Test func anUnknownRulebookOrAMissingAddressSuppressesVisibly() {
        let unknown = Self.core.handle(Self.task(.call, rulebook: "nope"), at: Self.now)
        #expect(unknown.decision.decision == .suppress)
        #expect(unknown.decision.reasons.first?.rule.rawValue == "unknown-rulebook")
        let noAddress = Self.core.handle(Self.task(.email, purpose: "first-notice", email: nil), at: Self.now)
        #expect(noAddress.decision.decision == .suppress)
        #expect(noAddress.decision.reasons.first?.rule.rawValue == "no-address")
        #expect(noAddress.contact == nil)
    }
}
