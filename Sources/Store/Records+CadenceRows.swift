import GRDB
import Policy

// Rows of the cadence records (schema v2).

extension PromiseRecord {
    static let columns = ["id", "debtor_id", "debt_id", "task_id", "amount", "date", "status", "created_at"]

    init(row: Row, path: String) throws {
        self.init(
            id: try row.value("id"), debtorID: try row.value("debtor_id"), debtID: try row.value("debt_id"),
            taskID: try row.value("task_id"), amount: try row.value("amount"), date: try row.value("date"),
            status: try row.vocabulary("status", path: path), createdAt: try row.instant("created_at"))
    }

    var values: RowValues {
        [id, debtorID, debtID, taskID, amount, date, status.rawValue, createdAt.secondsSinceEpoch]
    }
}

extension PlanRecord {
    static let columns = ["id", "debtor_id", "debt_id", "instalments", "status", "created_at"]

    init(row: Row, path: String) throws {
        self.init(
            id: try row.value("id"), debtorID: try row.value("debtor_id"), debtID: try row.value("debt_id"),
            instalments: try row.json([Instalment].self, "instalments", path: path),
            status: try row.vocabulary("status", path: path), createdAt: try row.instant("created_at"))
    }

    func values(path: String) throws -> RowValues {
        [
            id, debtorID, debtID, try StoredJSON.encode(instalments, column: "instalments", path: path),
            status.rawValue, createdAt.secondsSinceEpoch,
        ]
    }
}

extension SurveyResponseRecord {
    static let columns = ["id", "debtor_id", "debt_id", "task_id", "score", "comment", "at"]

    init(row: Row, path: String) throws {
        self.init(
            id: try row.value("id"), debtorID: try row.value("debtor_id"), debtID: try row.value("debt_id"),
            taskID: try row.value("task_id"), score: try row.value("score"), comment: try row.value("comment"),
            at: try row.instant("at"))
    }

    var values: RowValues { [id, debtorID, debtID, taskID, score, comment, at.secondsSinceEpoch] }
}

extension SpecialistRecord {
    static let columns = ["id", "away_until", "backup_id"]

    init(row: Row, path: String) throws {
        self.init(
            id: try row.value("id"), awayUntil: try row.optionalInstant("away_until"),
            backupID: try row.value("backup_id"))
    }

    var values: RowValues { [id, awayUntil?.secondsSinceEpoch, backupID] }
}

private enum CadenceQueries {
    static let promises = SQL.select(
        PromiseRecord.columns, from: "promise", "WHERE debtor_id = ? ORDER BY created_at, id")
    static let plans = SQL.select(PlanRecord.columns, from: "plan", "WHERE debtor_id = ? ORDER BY created_at, id")
    static let surveyResponses = SQL.select(
        SurveyResponseRecord.columns, from: "survey_response", "WHERE debtor_id = ? ORDER BY at, id")
    static let specialist = SQL.select(SpecialistRecord.columns, from: "specialist", "WHERE id = ?")
    static let savePromise = SQL.upsert(into: "promise", PromiseRecord.columns, key: ["id"])
    static let savePlan = SQL.upsert(into: "plan", PlanRecord.columns, key: ["id"])
    static let saveSurveyResponse = SQL.upsert(into: "survey_response", SurveyResponseRecord.columns, key: ["id"])
    static let saveSpecialist = SQL.upsert(into: "specialist", SpecialistRecord.columns, key: ["id"])
}

extension SQLiteAccess {
    func promises(ofDebtor debtorID: String) throws -> [PromiseRecord] {
        try fetchAll(CadenceQueries.promises, [debtorID]) { try PromiseRecord(row: $0, path: path) }
    }

    func plans(ofDebtor debtorID: String) throws -> [PlanRecord] {
        try fetchAll(CadenceQueries.plans, [debtorID]) { try PlanRecord(row: $0, path: path) }
    }

    func surveyResponses(ofDebtor debtorID: String) throws -> [SurveyResponseRecord] {
        try fetchAll(CadenceQueries.surveyResponses, [debtorID]) { try SurveyResponseRecord(row: $0, path: path) }
    }

    func specialist(_ id: String) throws -> SpecialistRecord? {
        try fetchOne(CadenceQueries.specialist, [id]) { try SpecialistRecord(row: $0, path: path) }
    }
}

extension SQLiteTransaction {
    func save(_ promise: PromiseRecord) throws { try execute(CadenceQueries.savePromise, promise.values) }
    func save(_ plan: PlanRecord) throws { try execute(CadenceQueries.savePlan, try plan.values(path: path)) }
    func save(_ response: SurveyResponseRecord) throws {
        try execute(CadenceQueries.saveSurveyResponse, response.values)
    }
    func save(_ specialist: SpecialistRecord) throws { try execute(CadenceQueries.saveSpecialist, specialist.values) }
}
