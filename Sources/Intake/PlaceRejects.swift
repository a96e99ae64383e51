import Foundation

/// The reject file of `tact place --partial`: the bad rows exactly as they were in the input (after the header,
/// for CSV), so that they can be fixed and placed with the same command.
package enum PlaceRejects {
    /// `debtors.csv` → `debtors.rejects.csv`, in the same folder.
    package static func defaultPath(for input: String) -> String {
        let url = URL(fileURLWithPath: input)
        let ext = url.pathExtension
        let stem = url.deletingPathExtension().lastPathComponent
        return url.deletingLastPathComponent().appendingPathComponent(
            ext.isEmpty ? "\(stem).rejects" : "\(stem).rejects.\(ext)"
        ).path
    }

    /// Writes the rejected rows and returns the path written. Line breaks follow the input's (CRLF or LF).
    package static func write(_ input: PlaceInput, next inputPath: String, to path: String?) throws -> String {
        let target = path ?? defaultPath(for: inputPath)
        guard URL(fileURLWithPath: target).standardizedFileURL != URL(fileURLWithPath: inputPath).standardizedFileURL
        else { throw PlaceError("--rejects must not be the input file") }
        let lineBreak: [UInt8] =
            input.bytes.firstIndex(of: UInt8(ascii: "\n")).map { index in
                index > 0 && input.bytes[index - 1] == UInt8(ascii: "\r") ? [13, 10] : [10]
            } ?? [10]
        var output: [UInt8] = []
        if let header = input.header { output += input.bytes[header] + lineBreak }
        for row in input.rejected {
            // A quoted field never closed runs to the end of the file, line break included.
            var text = input.bytes[row.range]
            while let last = text.last, last == 10 || last == 13 { text = text.dropLast() }
            output += text + lineBreak
        }
        // The rows hold the same personal data as the input: readable by the owner only.
        guard
            FileManager.default.createFile(
                atPath: target, contents: Data(output), attributes: [.posixPermissions: 0o600])
        else { throw PlaceError("\(target): cannot write the reject file") }
        return target
    }
}
