import Domain

extension Outcome {
    /// What a valid outcome says, one case per ``Result``, with the fields its result requires, as
    /// ``Outcome/meaning()`` reads them once: the scheduler switches over it instead of unwrapping the message's
    /// optional fields.
    public enum Meaning: Sendable, Equatable {
        case conversation, voicemail, delivered, failed, noAnswer, notConnected
        /// A conversation in which the debtor promised to pay.
        case promiseToPay(Promise)
        /// The answer to a survey: a score 1…5, and what they wrote, if anything (personal data).
        case surveyResponse(score: Int, comment: String?)
    }
}
