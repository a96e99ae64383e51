import Foundation

/// The simulator's sample inputs in the repository (`Config/`), shared by its unit and integration tests.
public enum SimulationSamples {
    public static let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config")
    public static let debtors = config.appendingPathComponent("samples/debtors.csv")
    public static let outcomes = config.appendingPathComponent("samples/outcomes.yaml")

    /// The header row of a debtor file in the default mapping's columns (`Config/mappings/default.yaml`).
    public static let debtorHeader =
        "creditor_id,debtor_id,name,time_zones,phone,email,sms,language,amount,currency,due_date,specialist_id,debt_id\n"
    /// A good row under ``debtorHeader``.
    public static let goodDebtorRow = "sim,D-1,Jan,Europe/Warsaw,+48000000001,,,pl,10.00,PLN,2026-11-01,,C-1\n"
}
