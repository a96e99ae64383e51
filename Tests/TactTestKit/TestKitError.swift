/// A harness failure (a missing binary, a child that could not start, a wait that timed out): thrown, so the test
/// that needed it fails with this text.
public struct TestKitError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
