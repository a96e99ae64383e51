import Foundation

/// The simulator's sample inputs in the repository (`Config/`), shared by its unit and integration tests.
public enum SimulationSamples {
    public static let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config")
    public static let debtors = config.appendingPathComponent("samples/debtors.csv")
    public static let outcomes = config.appendingPathComponent("samples/outcomes.yaml")

    /// The header row of a debtor file with every column.
    public static let debtorHeader = "id,name,timeZones,phone,email,sms,language,amount,currency,dueDate,specialistId\n"
}
