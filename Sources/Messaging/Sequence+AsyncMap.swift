extension Sequence {
    /// The elements transformed one after another, in order: how services open a consumer per lane.
    package func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
