// Messages rendered and checked per second: `scripts/bench delivery` prints it beside the sender's rate, so that
// what the sender spends writing each message is in view.
//
//   TemplateBench CONFIG_DIR [COUNT]
import Contract
import Domain
import Foundation
import TactConfig
import Templates

let arguments = CommandLine.arguments
guard (2...3).contains(arguments.count) else {
    FileHandle.standardError.write(Data("usage: TemplateBench CONFIG_DIR [COUNT]\n".utf8))
    exit(2)
}
let count = arguments.count == 3 ? Int(arguments[2]) ?? 2000 : 2000
let directory = ConfigDirectory(url: URL(fileURLWithPath: arguments[1]))
let catalog = try TemplateLoader(directory: directory).load(rulebooks: ["pl-respectful", "uk-fca", "us-regf"])
let values = MessageValues.sample(rulebook: "us-regf", language: "en")
let purpose = ContactPurpose(.firstNotice)
var clock = ContinuousClock.now
var characters = 0
for _ in 0..<count {
    let message = try catalog.render(purpose, channel: .email, language: "en", values: values)
    characters += message.text.count
}
let render = ContinuousClock.now - clock
let message = try catalog.render(purpose, channel: .email, language: "en", values: values)
clock = ContinuousClock.now
var problems = 0
for _ in 0..<count { problems += catalog.rules.problems(in: message, values: values, language: "en").count }
let check = ContinuousClock.now - clock
func perSecond(_ duration: Duration) -> Int {
    Int(Double(count) / (Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18))
}
print(
    "render \(perSecond(render))/s  check \(perSecond(check))/s  (\(characters / count) characters, \(problems) problems)"
)
