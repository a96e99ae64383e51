import Foundation

/// Where the repository is, found from this file's location (Tests/TactTestKit/…), so that tests find the
/// project's configuration, samples and scripts wherever `swift test` runs from.
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The project's configuration folder (`Config/`): rulebooks, strategies, mappings and samples.
    public static let config = root.appendingPathComponent("Config")

    /// A file or folder of the repository by its relative path.
    public static func path(_ relative: String) -> URL { root.appendingPathComponent(relative) }
}
