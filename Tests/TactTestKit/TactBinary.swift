import Foundation

/// The `tact` executable that `swift build --build-tests` built next to the test bundle: the one place tests look
/// for it.
public enum TactBinary {
    public static func url() throws -> URL {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("tact"),
            Bundle(for: Marker.self).bundleURL.deletingLastPathComponent().appendingPathComponent("tact"),
            Repository.path(".build/debug/tact"),
        ]
        guard
            let found = candidates.compactMap({ $0 }).first(where: {
                FileManager.default.isExecutableFile(atPath: $0.path)
            })
        else { throw TestKitError("tact binary not found next to the tests; run `swift build --build-tests` first") }
        return found
    }

    private final class Marker {}
}
