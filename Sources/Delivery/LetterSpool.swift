import Crypto
import Domain
import Foundation
import Templates

/// Letters for the print house: one plain-text and one HTML file per letter in the spool folder, named by the
/// contact's id (readable, with a hash of the id so that no two ids share a name), each written to a temporary name,
/// synced and renamed into place, and the folder synced, so that the print house never picks up half a letter and a
/// letter reported spooled survives a power cut. The text file goes last: it is the sign that the letter is
/// complete. A letter already in the spool (a retried send) is not written twice.
public struct LetterSpool: Transport {
    public let retriesAreSafe = true
    public let channel = Channel.letter
    public let timeout: Duration = .seconds(5)
    let folder: URL

    public init(folder: String) throws(DeliveryError) {
        self.folder = URL(fileURLWithPath: folder, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: self.folder, withIntermediateDirectories: true)
        } catch {
            throw DeliveryError(.spool, "cannot create the letter spool \(folder): \(error.localizedDescription)")
        }
    }

    public func send(_ outgoing: Outgoing) async -> SendResult {
        let name = Self.fileName(outgoing.id)
        let text = folder.appendingPathComponent("\(name).txt")
        let html = folder.appendingPathComponent("\(name).html")
        if FileManager.default.fileExists(atPath: text.path) { return .delivered }
        do {
            try write(Data((outgoing.message.html ?? "").utf8), to: html)
            try write(Data((outgoing.message.text + "\n").utf8), to: text)
            try syncFolder()
            return .delivered
        } catch {
            return .unavailable(reason: "spool-write", maybeSent: false)
        }
    }

    /// `acme_P-1_first-notice_1-3f2a9c1b`: the id with every character but ASCII letters, digits and `-` written `_`,
    /// then the first 8 hex digits of its SHA-256.
    static func fileName(_ id: String) -> String {
        let readable = id.unicodeScalars.map {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") ? String($0) : "_"
        }.joined()
        let hash = SHA256.hash(data: Data(id.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
        return "\(readable)-\(hash)"
    }

    /// The renames reach the disk.
    private func syncFolder() throws {
        let descriptor = open(folder.path, O_RDONLY)
        guard descriptor >= 0 else { throw DeliveryError(.spool, "cannot open the spool folder to sync it") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw DeliveryError(.spool, "cannot sync the spool folder") }
    }

    /// Writes beside the target, syncs, then renames over it.
    private func write(_ data: Data, to target: URL) throws {
        let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw DeliveryError(.spool, "cannot create \(temporary.lastPathComponent)")
        }
        let handle = try FileHandle(forWritingTo: temporary)
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        if rename(temporary.path, target.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw DeliveryError(.spool, "cannot move \(target.lastPathComponent) into place")
        }
    }
}
