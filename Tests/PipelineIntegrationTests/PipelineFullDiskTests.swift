import Contract
import Foundation
import Glibc
import Store
import TactTestKit
import Testing

/// Tact's own failures are not the messages' fault (issue 12): with the store's file system full, placements wait
/// unacknowledged instead of being redelivered into `tact.dead`, and are all there once space is freed.
///
/// The store lives on a small tmpfs of its own, mounted for the test (the test machines run as root; CI too).
@Suite(
    "Pipeline: a full disk drops nothing", .enabled(if: TestEnvironment.hasBroker && SmallFileSystem.canMount),
    .timeLimit(.minutes(3)))
struct PipelineFullDiskTests {
    @Test func placementsWhileTheStoreIsFullAreAllThereOnceSpaceIsFreed() async throws {
        let disk = try SmallFileSystem(mebibytes: 24)
        defer { disk.unmount() }
        var settings = TactInstallation.Settings()
        settings.storeFolder = disk.folder
        settings.dispatchBatch = 500
        try await TactInstallation(label: "full", settings: settings).tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            try await pipeline.place([Sample.placement("P-0", debtor: "D-0", debt: "C-0", zone: "UTC")])
            try await pipeline.waitUntilSettled(debtors: true)

            try disk.fill()
            let placements = (1...200).map {
                Sample.placement("P-\($0)", debtor: "D-\($0)", debt: "C-\($0)", zone: "America/New_York")
            }
            try await pipeline.place(placements)
            // Longer than the intake's delivery limit (10) takes at one redelivery a second, as before this issue.
            try await Task.sleep(for: .seconds(15))
            #expect(try pipeline.logs().contains("The store cannot commit"))
            #expect(
                try await pipeline.drain(pipeline.topology.deadQueue, quiet: .seconds(1)).isEmpty,
                "nothing reached tact.dead while the store was full")

            disk.free()
            // The scheduler notices by itself, at its next try (at most 5 s apart).
            try await eventually("every placement applied", timeout: .seconds(60), every: .milliseconds(300)) {
                (try? await pipeline.statistics().debtors) == 201
            }
            let stats = try await pipeline.waitUntilSettled()
            #expect(stats.debtors == 201, "every placement is in the store")
            #expect(try await pipeline.drain(pipeline.topology.deadQueue, quiet: .seconds(1)).isEmpty)
            #expect(try pipeline.logs().contains("The store commits again"))
            try await pipeline.expectSound()
        }
    }
}

/// A tmpfs of a few mebibytes, and a file that fills it.
struct SmallFileSystem {
    let folder: URL
    private var filler: URL { folder.deletingLastPathComponent().appendingPathComponent("filler") }
    private let root: URL

    /// Whether this process may mount one (root, outside a container that forbids it).
    static let canMount: Bool = {
        guard getuid() == 0 else { return false }
        guard let probe = try? SmallFileSystem(mebibytes: 1) else { return false }
        probe.unmount()
        return true
    }()

    init(mebibytes: Int) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tact-tmpfs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        guard mount("tmpfs", root.path, "tmpfs", 0, "size=\(mebibytes)m,mode=0700") == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: root)
            throw TestKitError("cannot mount a tmpfs: \(reason)")
        }
        folder = root.appendingPathComponent("store")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Writes until the file system has no space left.
    func fill() throws {
        let descriptor = open(filler.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw TestKitError("cannot create the filler") }
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while chunk.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) > 0 {}
        guard errno == ENOSPC else { throw TestKitError("filling stopped early: \(String(cString: strerror(errno)))") }
    }

    func free() { try? FileManager.default.removeItem(at: filler) }

    func unmount() {
        _ = umount2(root.path, Int32(MNT_DETACH))
        try? FileManager.default.removeItem(at: root)
    }
}
