import Foundation

/// Where Tact's configuration (`Config/`: rulebooks, …) lives.
///
/// Precedence: an explicit directory (`--config-dir`), then `$TACT_CONFIG_DIR`, then `./Config` if it exists,
/// then the first `Config` folder found walking up from the executable's directory — so
/// `.build/release/tact` finds the repository's `Config/` from any working directory.
public struct ConfigDirectory: Sendable, Equatable {
    /// How the directory was found.
    public enum Source: String, Sendable, Equatable {
        case option, environment, workingDirectory, executable
    }

    /// The environment variable consulted after the command-line option.
    public static let environmentVariable = "TACT_CONFIG_DIR"

    /// The directory.
    public var url: URL
    /// How it was found.
    public var source: Source

    /// Wraps a known directory.
    public init(url: URL, source: Source = .option) {
        self.url = url.standardizedFileURL
        self.source = source
    }

    /// Locates the configuration directory. Every input is injectable for tests; the defaults read the process.
    ///
    /// - Throws: ``ConfigError/Code/directoryNotFound`` if an explicit or environment directory does not exist,
    ///   or if no candidate is found.
    public static func locate(
        option: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        workingDirectory: String = FileManager.default.currentDirectoryPath,
        executable: URL? = Bundle.main.executableURL
    ) throws(ConfigError) -> ConfigDirectory {
        let base = URL(fileURLWithPath: workingDirectory, isDirectory: true)
        if let option {
            return try existing(URL(fileURLWithPath: option, relativeTo: base), .option, named: "--config-dir")
        }
        if let value = environment[environmentVariable], !value.isEmpty {
            return try existing(URL(fileURLWithPath: value, relativeTo: base), .environment, named: environmentVariable)
        }
        let local = base.appendingPathComponent("Config", isDirectory: true)
        if isDirectory(local) { return ConfigDirectory(url: local, source: .workingDirectory) }
        if let executable {
            var folder = executable.resolvingSymlinksInPath().deletingLastPathComponent()
            while true {
                let candidate = folder.appendingPathComponent("Config", isDirectory: true)
                if isDirectory(candidate) { return ConfigDirectory(url: candidate, source: .executable) }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        throw ConfigError(
            .directoryNotFound, file: "Config",
            "no configuration directory: pass --config-dir, set \(environmentVariable), or run from the repository")
    }

    /// A path inside the directory, e.g. `rulebooks/us-regf.yaml`.
    public func appending(_ relativePath: String) -> URL { url.appendingPathComponent(relativePath) }

    private static func existing(_ url: URL, _ source: Source, named: String) throws(ConfigError) -> ConfigDirectory {
        guard isDirectory(url) else {
            throw ConfigError(.directoryNotFound, file: url.standardizedFileURL.path, "\(named) is not a directory")
        }
        return ConfigDirectory(url: url, source: source)
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
    }
}
