import ArgumentParser

// Placeholder so the package builds while the policy engine is written (issue 3).
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "policy", abstract: "Evaluate the contact policy.")
}
