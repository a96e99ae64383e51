import AMQP
import ArgumentParser
import Contract
import Foundation
import Intake
import TactConfig
import TactTools

/// `tact place FILE`: check every row of a CSV or JSON-lines file of placements, then publish them with confirms.
///
/// Exit status: 0 when everything checked was placed (with `--partial`, the good rows; the bad ones are in the
/// reject file); 2 for an unusable file, mapping or option, or bad rows without `--partial` (nothing placed);
/// 1 when the configuration cannot be loaded or the broker cannot be reached or does not confirm.
struct PlaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "place",
        abstract: "Place debtors from a CSV or JSON-lines file: check every row, then publish the placements.",
        discussion: """
            CSV files have a header row; Config/mappings/<name>.yaml (default: default) says which column holds \
            each placement field, and --column/--default adjust it. JSON-lines files hold one placement message \
            per line. Every row is checked first and each bad one reported with its line and reason (fields are \
            named, values never shown). Without --partial nothing is placed when a row is bad; with it the good \
            rows are placed and the bad ones written, as they were, to a reject file. A row without a placementId \
            gets one derived from its creditor, debtor and debt ids, so placing the same file again places \
            nothing twice. Broker: TACT_AMQP_URL.
            """)

    @Argument(help: "The file: .csv, or .jsonl/.ndjson/.json for JSON lines.")
    var file: String

    @Option(help: "csv or jsonl (default: from the file's extension).")
    var format: String?

    @OptionGroup var mappingOptions: MappingOptions

    @Flag(help: "Place the good rows even when some are bad, and write the bad ones to the reject file.")
    var partial = false

    @Option(help: "Where --partial writes the bad rows (default: FILE's name with .rejects before the extension).")
    var rejects: String?

    @Flag(help: "Check every row and report, but publish nothing.")
    var dryRun = false

    @Flag(
        help: """
            Set the AMQP user_id property to the broker user, so the scheduler checks it against creditorId \
            (always set when the service file has an identity section).
            """)
    var withUserID = false

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let environment: ServiceEnvironment
        do {
            environment = try ServiceEnvironment(options)
        } catch {
            throw fail("place", error)
        }
        let input: PlaceInput
        let userID: String?
        let progress = PlaceProgress()
        do {
            let format = try resolvedFormat()
            userID = try environment.intakeUserID(asked: withUserID)
            let configuration = environment.configuration
            let (rulebooks, strategies) = (environment.rulebooks, environment.strategies)
            let checks = PlaceInput.Checks(
                rulebookIsConfigured: {
                    rulebooks[configuration.rulebook(placement: $0.rulebook, creditor: $0.creditorId)] != nil
                },
                strategyIsConfigured: {
                    strategies[configuration.strategy(placement: $0.strategy, creditor: $0.creditorId)] != nil
                },
                userID: userID, identity: configuration.identity)
            let mapping = format == .csv ? try mappingOptions.resolve(environment.directory) : nil
            progress.begin("checking")
            input = try PlaceInput.read(file, format: format, mapping: mapping, checks: checks) {
                progress.update($0, of: $1, unit: "bytes")
            }
        } catch {
            throw fail("place", error, code: 2)
        }
        for row in input.rejected {
            FileHandle.standardError.write(Data("tact place: line \(row.line): \(row.reason)\n".utf8))
        }
        progress.end(
            "checked \(input.rows) row\(input.rows == 1 ? "" : "s"): \(input.items.count) good, "
                + "\(input.rejected.count) bad")
        if !input.rejected.isEmpty && !partial {
            throw fail(
                "place",
                PlaceError("nothing placed: fix the bad rows, or place the others with --partial"), code: 2)
        }
        var rejectFile: String?
        if !input.rejected.isEmpty {
            do {
                rejectFile = try PlaceRejects.write(input, next: file, to: rejects)
            } catch {
                throw fail("place", error)
            }
        }
        let rejected = rejectFile.map { "; \(input.rejected.count) bad rows written to \($0)" } ?? ""
        guard !input.items.isEmpty else {
            print("placed 0 placements from \(file)\(rejected)")
            return
        }
        guard !dryRun else {
            print(
                "checked \(input.rows) rows from \(file): \(input.items.count) good\(rejected); "
                    + "nothing published (--dry-run)"
            )
            return
        }
        do {
            let total = input.items.count
            progress.begin("placing")
            let published = try await IntakePublisher.publish(
                input.items.map {
                    IntakePublisher.Item(
                        routingKey: "placement", messageID: $0.placementID, type: Placement.messageType, body: $0.body)
                }, amqp: try environment.amqp(connectionName: "tact-place"),
                prefix: environment.configuration.exchangePrefix, userID: userID
            ) { progress.update($0, of: total, unit: "placements") }
            progress.end("\(published) confirmed by the broker")
            print("placed \(published) placement\(published == 1 ? "" : "s") from \(file)\(rejected)")
        } catch {
            throw fail("place", error)
        }
    }

    private func resolvedFormat() throws -> PlaceInput.Format {
        if let format {
            guard let value = PlaceInput.Format(rawValue: format) else {
                throw PlaceError("--format must be csv or jsonl")
            }
            return value
        }
        guard let value = PlaceInput.Format(path: file) else {
            throw PlaceError("\(file): cannot tell the format from the extension; pass --format csv or --format jsonl")
        }
        return value
    }
}
