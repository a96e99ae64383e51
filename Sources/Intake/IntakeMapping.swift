import Contract
import Domain
import Policy

/// Which CSV column holds each field of a placement, and the values to use when a file has no column for a field
/// (typically the creditor's id). Loaded from `Config/mappings/<name>.yaml` (see ``IntakeMappingFile``) and
/// adjusted by `--column field=Header` and `--default field=value`.
package struct IntakeMapping: Equatable {
    /// A placement field, named by its JSON path in the placement message.
    package enum Field: String, CaseIterable, Comparable {
        case placementId, creditorId, rulebook, strategy, specialistId
        case debtorID = "debtor.id"
        case debtorName = "debtor.name"
        case debtorTimeZones = "debtor.timeZones"
        case debtorPhone = "debtor.phone"
        case debtorSMS = "debtor.sms"
        case debtorEmail = "debtor.email"
        case debtorAddress = "debtor.address"
        case debtorLanguage = "debtor.language"
        case debtorInconvenient = "debtor.inconvenient"
        case debtorPersonKey = "debtor.personKey"
        case debtID = "debt.id"
        case debtAmount = "debt.amount"
        case debtCurrency = "debt.currency"
        case debtDueDate = "debt.dueDate"

        /// Fields every placement needs. `placementId` is not among them: without it, an id is derived from the
        /// creditor, debtor and debt ids (``IntakePlacementID``).
        package var isRequired: Bool {
            switch self {
            case .creditorId, .debtorID, .debtorName, .debtorTimeZones, .debtorPhone, .debtorLanguage, .debtID,
                .debtAmount, .debtCurrency, .debtDueDate:
                true
            default: false
            }
        }

        package static func < (lhs: Field, rhs: Field) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }

        package static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
    }

    /// Header names, by field.
    package var columns: [Field: String] = [:]
    /// Values for fields whose column is absent from the file or empty in a row.
    package var defaults: [Field: String] = [:]
    /// Fields whose column was named on the command line: those must be in the header.
    package var insisted: Set<Field> = []

    /// An empty mapping: every field needs a column or a default.
    package init() {}

    /// `field=value` from the command line, e.g. `debtor.name=Full Name`.
    package static func assignment(_ text: String, option: String) throws(IntakeMappingError) -> (Field, String) {
        guard let equals = text.firstIndex(of: "=") else {
            throw IntakeMappingError("--\(option) must be FIELD=VALUE, e.g. debtor.name=Name")
        }
        let name = String(text[..<equals])
        guard let field = Field(rawValue: name) else {
            throw IntakeMappingError("--\(option): unknown field \(name); expected one of \(Field.names)")
        }
        return (field, String(text[text.index(after: equals)...]))
    }

    /// Column positions for a file's header.
    ///
    /// - Throws: when a required field has neither a column in the header nor a default, when a column named on
    ///   the command line is missing, or when the header repeats a name the mapping uses.
    package func resolve(header: [String], source: String) throws(IntakeMappingError) -> Resolved {
        var indexes: [Field: Int] = [:]
        for (field, column) in columns.sorted(by: { $0.key < $1.key }) {
            let positions = header.indices.filter { header[$0] == column }
            if positions.count > 1 {
                throw IntakeMappingError("\(source): the header has column \"\(column)\" (for \(field.rawValue)) twice")
            }
            if let position = positions.first {
                indexes[field] = position
            } else if insisted.contains(field) || (field.isRequired && defaults[field] == nil) {
                throw IntakeMappingError(
                    "\(source): no column \"\(column)\" for \(field.rawValue) in the header "
                        + "(map it with --column \(field.rawValue)=HEADER\(field.isRequired ? " or --default" : ""))")
            }
        }
        for field in Field.allCases where field.isRequired && indexes[field] == nil && defaults[field] == nil {
            throw IntakeMappingError(
                "\(source): nothing gives \(field.rawValue): map a column (--column \(field.rawValue)=HEADER) "
                    + "or a value (--default \(field.rawValue)=VALUE)")
        }
        return Resolved(indexes: indexes, defaults: defaults, columns: columns, width: header.count)
    }

    /// A mapping bound to one header: builds a placement from each row.
    package struct Resolved {
        package let indexes: [Field: Int]
        package let defaults: [Field: String]
        package let columns: [Field: String]
        package let width: Int

        /// The placement in `cells`, or why there is none. Reasons name fields and columns, never values.
        package func placement(_ cells: [String]) throws(IntakeRowError) -> Placement {
            guard cells.count == width else {
                throw IntakeRowError(
                    "csv: \(cells.count) field\(cells.count == 1 ? "" : "s") where the header has \(width)")
            }
            func optional(_ field: Field) -> String? {
                if let index = indexes[field], !cells[index].isEmpty { return cells[index] }
                return defaults[field]
            }
            func required(_ field: Field) throws(IntakeRowError) -> String {
                guard let value = optional(field) else {
                    let column = columns[field].map { " (column \"\($0)\" is empty)" } ?? ""
                    throw IntakeRowError("missing-field: \(field.rawValue): required\(column)")
                }
                return value
            }
            let creditor = try required(.creditorId)
            let debtorID = try required(.debtorID)
            let debtID = try required(.debtID)
            let zones = Self.list(optional(.debtorTimeZones) ?? "")
            let placement = Placement(
                placementId: optional(.placementId)
                    ?? IntakePlacementID.derive(creditor: creditor, debtor: debtorID, debt: debtID),
                creditorId: creditor, rulebook: optional(.rulebook), strategy: optional(.strategy),
                specialistId: optional(.specialistId),
                debtor: .init(
                    id: debtorID, name: try required(.debtorName), timeZones: zones, phone: try required(.debtorPhone),
                    sms: optional(.debtorSMS), email: optional(.debtorEmail), address: optional(.debtorAddress),
                    language: try required(.debtorLanguage),
                    inconvenient: try optional(.debtorInconvenient).map(IntakeInconvenientTimes.parse),
                    personKey: optional(.debtorPersonKey)),
                debt: .init(
                    id: debtID, amount: try required(.debtAmount), currency: try required(.debtCurrency),
                    dueDate: try required(.debtDueDate)))
            do {
                // The bounds the scheduler holds the published message to (a tab in a cell, say), then the fields.
                try InputBounds.check(MessageCoding.encode(placement))
                try placement.validate()
            } catch {
                throw IntakeRowError(error.reason)
            }
            return placement
        }

        /// Time zones in one cell: `America/New_York; America/Chicago` (separated by `;`, `,`, `|` or spaces).
        /// An empty cell means the zone is unknown, which the rulebook decides about.
        package static func list(_ cell: String) -> [String] {
            cell.split(whereSeparator: { ";,| \t".contains($0) }).map(String.init)
        }
    }
}

/// A mapping that cannot be used, in one line: the file or option, the field and the problem.
package struct IntakeMappingError: Error, Equatable, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// `debtor.inconvenient` in one CSV cell: `mon-fri 12:00-13:00; sat,sun 08:00-10:00`.
package enum IntakeInconvenientTimes {
    package static func parse(_ cell: String) throws(IntakeRowError) -> [InconvenientTime] {
        var times: [InconvenientTime] = []
        for entry in cell.split(separator: ";") {
            let parts = entry.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count == 2, let days = days(parts[0]) else { throw invalid }
            let span = parts[1].split(separator: "-")
            guard span.count == 2, let from = LocalTime(span[0]), let to = LocalTime(span[1]),
                let time = try? InconvenientTime(days: days, from: from, to: to)
            else { throw invalid }
            times.append(time)
        }
        return times
    }

    private static var invalid: IntakeRowError {
        IntakeRowError(
            "invalid-field: debtor.inconvenient: expected entries such as \"mon-fri 12:00-13:00\" separated by ;")
    }

    /// `mon,wed` or `mon-fri` (or both: `mon-wed,sat`).
    private static func days(_ text: Substring) -> [Weekday]? {
        var days: [Weekday] = []
        for item in text.split(separator: ",") {
            let bounds = item.split(separator: "-").map { Weekday(rawValue: String($0)) }
            switch bounds.count {
            case 1:
                guard let day = bounds[0] else { return nil }
                days.append(day)
            case 2:
                guard let first = bounds[0], let last = bounds[1], first <= last else { return nil }
                days += Weekday.allCases.filter { $0 >= first && $0 <= last }
            default:
                return nil
            }
        }
        return days.isEmpty ? nil : days
    }
}
