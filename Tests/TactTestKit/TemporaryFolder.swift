import Foundation

/// Fresh folders under the system's temporary directory, one per use, so that tests never share files.
public enum TemporaryFolder {
    /// Creates `tact-LABEL-UUID`; the caller removes it.
    public static func create(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tact-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
