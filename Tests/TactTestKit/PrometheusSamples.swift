import Foundation

/// The samples of a Prometheus text page, by series (`name{labels}` as written).
public struct PrometheusSamples: Sendable {
    public let values: [String: Double]

    public init(_ text: String) {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            values[String(line[..<space])] = Double(line[line.index(after: space)...])
        }
        self.values = values
    }

    public subscript(_ series: String) -> Double? { values[series] }

    /// The sum of every series of `name`, whatever its labels.
    public func total(_ name: String) -> Double {
        values.filter { $0.key == name || $0.key.hasPrefix(name + "{") }.values.reduce(0, +)
    }
}
