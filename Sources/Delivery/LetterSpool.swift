import Domain
import Foundation
import Templates

/// Letters for the print house: one plain-text and one HTML file per letter in the spool folder, named by the
/// contact's id, each written to a temporary name and renamed into place, so that the print house never picks up
/// half a letter. The text file goes last: it is the sign that the letter is complete. A letter already in the
/// spool (a retried send) is not written twice.
public struct LetterSpool: Transport {
    public let retriesAreSafe = true
    public let channel = Channel.letter
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
        let name = outgoing.id.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }.map(String.init).joined()
        let text = folder.appendingPathComponent("\(name).txt")
        let html = folder.appendingPathComponent("\(name).html")
        if FileManager.default.fileExists(atPath: text.path) { return .delivered }
        do {
            try write(Data((outgoing.message.html ?? "").utf8), to: html)
            try write(Data((outgoing.message.text + "\n").utf8), to: text)
            return .delivered
        } catch {
            return .unavailable(reason: "spool-write", maybeSent: false)
        }
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
