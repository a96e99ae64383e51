import Domain
import Store
import TactConfig

/// The roster of specialists as a tool sees it before it touches the broker: the service file's list, with the
/// joins and retirements the store remembers, when the store can be read on this host (read-only, beside the
/// scheduler). A tool refuses an id that is not on it with one line, so a typo never creates a queue.
package struct SpecialistRoster: Sendable {
    /// The service file's `specialists.roster`.
    package var listed: [String]
    /// What the store knows of each specialist, by id (empty when the store cannot be read).
    package var records: [String: SpecialistRecord]
    /// The cases each specialist keeps, by id (empty when the store cannot be read).
    package var cases: [String: Int]
    /// Why the store could not be read here, when it could not: only the service file's list counts then.
    package var storeProblem: String?

    package init(
        listed: [String], records: [String: SpecialistRecord] = [:], cases: [String: Int] = [:],
        storeProblem: String? = nil
    ) {
        self.listed = listed
        self.records = records
        self.cases = cases
        self.storeProblem = storeProblem
    }

    /// Reads the store at `configuration.storePath` if it can; a store that is missing (a specialist's own host)
    /// or unreadable leaves the service file's list alone to decide.
    package static func read(_ configuration: ServiceConfiguration) async -> SpecialistRoster {
        var roster = SpecialistRoster(listed: configuration.specialists.roster)
        do {
            let store = try SQLiteReadOnlyStore(path: configuration.storePath)
            defer { try? store.close() }
            let (records, cases) = try await store.inspect { (try $0.allSpecialists(), try $0.caseCounts()) }
            roster.records = Dictionary(records.map { ($0.id, $0) }) { first, _ in first }
            roster.cases = cases
        } catch {
            roster.storeProblem = "\(error)"
        }
        return roster
    }

    package func standing(of id: String) -> SpecialistRecord.Standing {
        SpecialistRecord.standing(of: records[id], listed: listed.contains(id))
    }

    /// Every specialist the file lists or the store knows, by id.
    package var ids: [String] { Set(listed).union(records.keys).sorted() }

    /// Refuses `id` unless it is on the roster.
    package func require(_ id: String) throws(RosterError) {
        switch standing(of: id) {
        case .member: return
        case .retired(let at):
            throw RosterError("\(id) retired from the roster at \(at) (`tact specialists add \(id)` puts them back)")
        case .unknown:
            let known =
                storeProblem == nil
                ? "see `tact specialists list`"
                : "not in specialists.roster of tact.yaml, and the store, which remembers who joined, cannot be read "
                    + "here"
            throw RosterError("\(id) is not on the roster of specialists (\(known))")
        }
    }

    /// `tact specialists list` at `now`: one line per specialist, and a last line when the store could not be read.
    package func text(at now: Instant) -> String {
        let width = max(ids.map(\.count).max() ?? 0, 4)
        var lines = ids.map { id in
            var line = id + String(repeating: " ", count: width - id.count + 2)
            switch standing(of: id) {
            case .member:
                line +=
                    records[id]?.joinedAt.map { "on the roster (joined \($0))" }
                    ?? "on the roster (specialists.roster)"
            case .retired(let at): line += "retired \(at)"
            case .unknown: line += "not on the roster"
            }
            if storeProblem == nil { line += ", \(cases[id] ?? 0) case\(cases[id] == 1 ? "" : "s")" }
            if let record = records[id], record.isAway(at: now), let away = record.awayUntil {
                line += ", away until \(away) (calls to \(record.backupID ?? "the pool"))"
            }
            return line
        }
        if lines.isEmpty { lines.append("No specialist is on the roster (specialists.roster in tact.yaml).") }
        if let storeProblem {
            lines.append("The store cannot be read here, so only tact.yaml's roster is shown: \(storeProblem)")
        }
        return lines.joined(separator: "\n")
    }
}

/// A specialist a tool was asked about who is not on the roster.
package struct RosterError: Error, Sendable, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
