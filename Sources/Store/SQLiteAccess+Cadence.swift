import GRDB

// StoreReading for the cadence records: promises, payments, plans, survey answers and specialists.

private enum Queries {
    static let promises = "SELECT * FROM promise WHERE debtor_id = ? ORDER BY created_at, id"
    static let outcomes = "SELECT * FROM outcome WHERE task_id = ? ORDER BY created_at, id"
    static let payments = "SELECT * FROM payment WHERE debtor_id = ? ORDER BY created_at, id"
    static let plans = "SELECT * FROM plan WHERE debtor_id = ? ORDER BY created_at, id"
    static let surveyResponses = "SELECT * FROM survey_response WHERE debtor_id = ? ORDER BY at, id"
    static let specialist = "SELECT * FROM specialist WHERE id = ?"
    /// By debtor_specialist: a retirement moves every case of the specialist.
    static let debtorsOfSpecialist = "SELECT * FROM debtor WHERE specialist_id = ? ORDER BY id"
}

extension SQLiteAccess {
    func promises(ofDebtor debtorID: String) throws -> [PromiseRecord] {
        try fetchAll(PromiseRecord.self, Queries.promises, [debtorID])
    }

    func outcomes(ofTask taskID: String) throws -> [OutcomeRecord] {
        try fetchAll(OutcomeRecord.self, Queries.outcomes, [taskID])
    }

    func payments(ofDebtor debtorID: String) throws -> [PaymentRecord] {
        try fetchAll(PaymentRecord.self, Queries.payments, [debtorID])
    }

    func plans(ofDebtor debtorID: String) throws -> [PlanRecord] {
        try fetchAll(PlanRecord.self, Queries.plans, [debtorID])
    }

    func surveyResponses(ofDebtor debtorID: String) throws -> [SurveyResponseRecord] {
        try fetchAll(SurveyResponseRecord.self, Queries.surveyResponses, [debtorID])
    }

    func specialist(_ id: String) throws -> SpecialistRecord? {
        try fetchOne(SpecialistRecord.self, Queries.specialist, [id])
    }

    func debtors(ofSpecialist specialistID: String) throws -> [DebtorRecord] {
        try fetchAll(DebtorRecord.self, Queries.debtorsOfSpecialist, [specialistID])
    }
}
