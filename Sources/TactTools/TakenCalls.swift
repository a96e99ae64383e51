import Contract
import Foundation
import Store

/// The calls a specialist took with `tact next`, so that `tact outcome TASK` knows the debtor, debt and channel.
/// Ids only: nothing personal is written to disk.
package enum TakenCalls {
    package struct Taken: Codable {
        package let taskId: String
        /// Absent in cards written before creditors keyed cases.
        package let creditorId: String?
        package let debtorId: String
        package let debtId: String
    }

    /// `$TACT_HOME/calls`, else `.tact/calls` in the working directory.
    package static var folder: URL {
        let base =
            ProcessInfo.processInfo.environment["TACT_HOME"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".tact")
        return base.appendingPathComponent("calls")
    }

    package static func file(_ taskID: String) -> URL {
        folder.appendingPathComponent(taskID.replacingOccurrences(of: "/", with: "~") + ".json")
    }

    package static func remember(_ call: Call) throws {
        try PrivateFiles.createFolder(folder)
        let taken = Taken(
            taskId: call.taskId, creditorId: call.creditorId, debtorId: call.debtorId, debtId: call.debtId)
        try PrivateFiles.write(Data(MessageCoding.encode(taken)), to: file(call.taskId).path)
    }

    package static func recall(_ taskID: String) -> Taken? {
        guard let data = FileManager.default.contents(atPath: file(taskID).path) else { return nil }
        return try? JSONDecoder().decode(Taken.self, from: data)
    }
}
