import Foundation

/// A real SMTP server on loopback (`scripts/smtp-sink`, aiosmtpd from Debian) that keeps every message it accepts,
/// read back by Python's own e-mail parser: what a test checks is what a mailbox would get.
public final class SMTPSink: Sendable {
    /// One message as received.
    public struct Email: Decodable, Sendable {
        public var from: String
        /// The envelope's recipients.
        public var to: [String]
        public var subject: String
        public var headers: [String: String]
        public var text: String?
        public var html: String?
    }

    public let port: UInt16
    public let folder: URL
    private let process: ChildProcess

    /// Starts a sink in `folder`; `hangFor` never answers the DATA of a message to that address; `tls` (certificate
    /// and key files) requires STARTTLS, `login` (`USER:PASSWORD`) a login.
    public init(in folder: URL, hangFor: String? = nil, tls: (cert: String, key: String)? = nil, login: String? = nil)
        async throws
    {
        let port = try HTTPTestClient.freePort()
        self.port = port
        self.folder = folder.appendingPathComponent("mail-\(port)")
        var arguments = [
            Repository.path("scripts/smtp-sink").path, "--port", "\(port)", "--dir", self.folder.path,
            "--exit-with-parent",
        ]
        if let hangFor { arguments += ["--hang-for", hangFor] }
        if let tls { arguments += ["--tls", tls.cert, tls.key] }
        if let login { arguments += ["--auth", login] }
        let log = folder.appendingPathComponent("smtp-sink-\(port).log")
        process = try ChildProcess(URL(fileURLWithPath: "/usr/bin/python3"), arguments, output: .merged(log))
        try await eventually("the SMTP sink listening", timeout: .seconds(20)) {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("ready on")
        }
    }

    /// `smtp://127.0.0.1:PORT`.
    public var url: String { "smtp://127.0.0.1:\(port)" }

    /// Every message received so far, in order.
    public func received() throws -> [Email] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
            $0.hasSuffix(".json")
        }.sorted()
        return try names.map {
            try JSONDecoder().decode(Email.self, from: Data(contentsOf: folder.appendingPathComponent($0)))
        }
    }

    public func stop() async { _ = await process.stop(grace: .seconds(5)) }

    /// A self-signed certificate for 127.0.0.1 and its key, made with openssl in `folder`.
    public static func certificate(in folder: URL) async throws -> (cert: String, key: String) {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let cert = folder.appendingPathComponent("relay.pem").path
        let key = folder.appendingPathComponent("relay.key").path
        let run = try ChildProcess(
            URL(fileURLWithPath: "/usr/bin/openssl"),
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj",
                "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ], output: .merged(folder.appendingPathComponent("openssl.log")))
        guard await run.status() == 0 else { throw TestKitError("openssl could not make a certificate") }
        return (cert, key)
    }
}

/// Stands for an SMS provider (`scripts/sms-sink`): checks each request's signature, can fail the first requests
/// or refuse a number, and keeps every text it took.
public final class SMSSink: Sendable {
    /// One text as the provider took it.
    public struct Text: Decodable, Sendable {
        public var id: String
        public var to: String
        public var text: String
        /// The request's `Idempotency-Key`.
        public var key: String
    }

    public static let secret = "test-secret-0123456789"
    public let port: UInt16
    public let file: URL
    private let process: ChildProcess

    public init(in folder: URL, failFirst: Int = 0, reject: String? = nil) async throws {
        let port = try HTTPTestClient.freePort()
        self.port = port
        file = folder.appendingPathComponent("sms-\(port).jsonl")
        var arguments = [
            Repository.path("scripts/sms-sink").path, "--port", "\(port)", "--out", file.path, "--fail-first",
            "\(failFirst)", "--exit-with-parent",
        ]
        if let reject { arguments += ["--reject", reject] }
        let log = folder.appendingPathComponent("sms-sink-\(port).log")
        var environment = ProcessInfo.processInfo.environment
        environment["TACT_SMS_SECRET"] = Self.secret
        process = try ChildProcess(
            URL(fileURLWithPath: "/usr/bin/python3"), arguments, environment: environment, output: .merged(log))
        try await eventually("the SMS provider listening", timeout: .seconds(20)) {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("ready on")
        }
    }

    /// The environment a sender needs to reach it.
    public var environment: [String: String] {
        ["TACT_SMS_URL": "http://127.0.0.1:\(port)/messages", "TACT_SMS_SECRET": Self.secret]
    }

    /// Every text taken so far, in order.
    public func received() throws -> [Text] {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Text.self, from: Data($0.utf8)) }
    }

    public func stop() async { _ = await process.stop(grace: .seconds(5)) }
}
