import ArgumentParser
import Cadence
import Contract
import Domain
import Foundation
import Intake
import Policy
import Simulation
import TactConfig
import TactTools

/// Everything `tact simulate` reads, checked before anything runs: each problem is one line naming the file or
/// option (and, for a bad debtor row, its line and column), never a value from the file.
struct SimulateInputs {
    let configuration: ServiceConfiguration
    let rulebook: Rulebook
    let strategies: [String: Strategy]
    let model: OutcomeModel
    let outcomesName: String
    let placements: [Placement]
    let start: Instant
    let end: Instant
    let reportURL: URL
    let timelineURL: URL?

    init(_ command: SimulateCommand) throws {
        guard (1...3650).contains(command.days) else { throw ValidationError("--days must be between 1 and 3650") }
        let directory = try ConfigDirectory.locate(option: command.configDirectory)
        rulebook = try RulebookLoader(directory: directory).load(command.rulebook)
        guard command.strategy.wholeMatch(of: /[a-z0-9][a-z0-9-]*/) != nil || StrategyLoader.isPath(command.strategy)
        else { throw ValidationError("--strategy must be a kebab-case name (a-z, 0-9, -) or a YAML file") }
        let strategy = try StrategyLoader(directory: directory).load(command.strategy)
        strategies = [strategy.id: strategy]
        var configuration = ServiceConfiguration()
        if FileManager.default.fileExists(atPath: directory.appending(ServiceConfiguration.fileName).path) {
            configuration = try ServiceConfiguration.load(from: directory)
        }
        configuration.defaultRulebook = rulebook.id
        configuration.creditorRulebooks = [:]
        let outcomesFile =
            RulebookLoader.isPath(command.outcomes)
            ? URL(fileURLWithPath: command.outcomes) : directory.appending("samples/\(command.outcomes).yaml")
        guard RulebookLoader.isPath(command.outcomes) || command.outcomes.wholeMatch(of: /[a-z0-9][a-z0-9-]*/) != nil
        else { throw ValidationError("--outcomes must be a YAML file or a kebab-case name in Config/samples") }
        model = try OutcomeModel(file: outcomesFile, seed: command.seed)
        outcomesName = outcomesFile.lastPathComponent
        start = try Self.instant(command.start)
        end = start.adding(seconds: Int64(command.days) * 86_400)
        guard end.secondsSinceEpoch < 4_102_444_800 else { throw ValidationError("the run must end before 2100") }
        let rulebookID = rulebook.id
        placements = try DebtorFile.read(URL(fileURLWithPath: command.debtors)) {
            try command.mappingOptions.resolve(directory)
        }.map { placement in
            var placement = placement
            placement.rulebook = rulebookID
            placement.strategy = strategy.id
            return placement
        }
        // A what-if run of a debtor file shows its cadence: the specialists the file names are on the simulated
        // roster (whether the real one knows them is for the scheduler to say when the file is placed).
        let named = Set(placements.compactMap(\.specialistId)).subtracting(configuration.specialists.roster)
        configuration.specialists.roster += named.sorted()
        self.configuration = configuration
        reportURL = try Self.writable(command.out, option: "--out")
        timelineURL = try command.timeline.map { try Self.writable($0, option: "--timeline") }
    }

    /// `--start`: RFC 3339, or `YYYY-MM-DD` for 00:00 UTC; absent: today 00:00 UTC.
    private static func instant(_ text: String?) throws -> Instant {
        guard let text else {
            let now = Instant(Date()).secondsSinceEpoch
            return Instant(secondsSinceEpoch: now - now % 86_400)
        }
        if let instant = Instant(rfc3339: text) ?? Instant(rfc3339: text + "T00:00:00Z"),
            instant.secondsSinceEpoch >= 946_684_800
        {
            return instant
        }
        throw ValidationError("--start must be an RFC 3339 instant or a date YYYY-MM-DD from 2000 on")
    }

    /// An output path whose folder exists and can be written to, checked before a long run.
    private static func writable(_ path: String, option: String) throws -> URL {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("\(option): the folder \(folder) does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw ValidationError("\(option): cannot write in \(folder)")
        }
        return url
    }
}
