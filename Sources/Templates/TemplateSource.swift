/// One template file as read from `Config/templates/`: its language, its name (a purpose such as `first-notice`,
/// `representative`, or `partials`) and its parts by key (`sms`, `email.subject`, `email.text`, `letter`, or a
/// partial's name).
public struct TemplateSource: Sendable {
    /// Where it came from, for errors: `en/first-notice.yaml`.
    public var file: String
    public var language: String
    public var name: String
    public var parts: [String: String]

    public init(file: String, language: String, name: String, parts: [String: String]) {
        self.file = file
        self.language = language
        self.name = name
        self.parts = parts
    }
}
