/// What `tact scheduler` reports, besides ``ServiceMetrics``. Built once and handed to the service; with the
/// default ``MetricsRegistry/disabled`` registry every update does nothing.
public struct SchedulerMetrics: Sendable {
    public let service: ServiceMetrics
    /// `tact_input_batches_total{input}`: batches applied and acknowledged, one store transaction each.
    public let inputBatches: Counter
    /// `tact_input_messages_total{input}`: messages in those batches.
    public let inputMessages: Counter
    /// `tact_tasks_handed_out_total`: tasks handed to the workers (again after a lease ran out, too).
    public let tasksHandedOut: Counter
    /// `tact_due_tasks`: pending tasks already due, from the store every few seconds.
    public let dueTasks: Gauge
    /// `tact_due_task_lag_seconds`: how long the oldest task that could be handed out now has been due.
    public let dueTaskLag: Gauge
    /// `tact_tasks_in_flight`: tasks handed out and waiting for a decision.
    public let tasksInFlight: Gauge
    /// `tact_calls_taken`: calls taken with `tact next`, and contacts claimed by a sender's contact check, waiting
    /// for their outcome.
    public let callsTaken: Gauge
    /// `tact_calls_unreported_total`: taken calls that returned to be planned again because no outcome came.
    public let callsUnreported: Counter
    /// `tact_claims_unconfirmed_total`: reminders a sender claimed and reported no outcome for in time.
    public let claimsUnconfirmed: Counter
    /// `tact_contact_checks_total{verdict}`: senders' contact checks, by the verdict they were given.
    public let contactChecks: Counter
    /// `tact_store_writable`: 1 when the last write transaction committed.
    public let storeWritable: Gauge
    /// `tact_inputs_held_total{input}`: tries to apply a batch of input that the store could not commit; the batch
    /// stays unacknowledged and is tried again.
    public let inputsHeld: Counter
    /// `tact_tasks_given_up_total`: tasks cancelled `no-decision` after `scheduler.maxAttempts` hand-outs without a
    /// decision.
    public let tasksGivenUp: Counter
    /// `tact_contacts_emitted_total{channel}`: reminders and calls published and confirmed.
    public let contacts: Counter
    /// `tact_tasks_held_back_total`: due tasks a round of dispatch read and left in the store because their call
    /// queue filled or their channel's pace ran out during the round. Tasks already held when a round begins are
    /// left out by the store's query unread, and not counted: `tact_due_tasks` shows the backlog.
    public let tasksHeldBack: Counter

    public init(registry: MetricsRegistry = .disabled) {
        service = ServiceMetrics(registry: registry)
        inputBatches = registry.counter(
            "tact_input_batches_total", help: "Input batches applied in one store transaction and acknowledged.",
            labels: ["input"])
        inputMessages = registry.counter(
            "tact_input_messages_total", help: "Input messages applied (or refused) in those batches.",
            labels: ["input"])
        tasksHandedOut = registry.counter("tact_tasks_handed_out_total", help: "Tasks handed out to the workers.")
        dueTasks = registry.gauge("tact_due_tasks", help: "Pending tasks already due (refreshed every few seconds).")
        dueTaskLag = registry.gauge(
            "tact_due_task_lag_seconds", help: "Seconds the oldest task that could be handed out now has been due.")
        tasksInFlight = registry.gauge("tact_tasks_in_flight", help: "Tasks handed out and waiting for a decision.")
        callsTaken = registry.gauge(
            "tact_calls_taken",
            help: "Calls taken with tact next and contacts claimed by a sender's check, waiting for their outcome.")
        callsUnreported = registry.counter(
            "tact_calls_unreported_total", help: "Taken calls returned to be planned again for want of an outcome.")
        claimsUnconfirmed = registry.counter(
            "tact_claims_unconfirmed_total",
            help: "Reminders claimed by a sender's contact check without an outcome in time; not sent again.")
        contactChecks = registry.counter(
            "tact_contact_checks_total", help: "Contact checks answered, by verdict.", labels: ["verdict"])
        storeWritable = registry.gauge("tact_store_writable", help: "1 when the last store write committed.")
        tasksGivenUp = registry.counter(
            "tact_tasks_given_up_total", help: "Tasks given up after maxAttempts hand-outs that no worker decided.")
        inputsHeld = registry.counter(
            "tact_inputs_held_total", help: "Batches of input held unacknowledged because the store could not commit.",
            labels: ["input"])
        contacts = registry.counter(
            "tact_contacts_emitted_total", help: "Reminders and calls published, by channel.", labels: ["channel"])
        tasksHeldBack = registry.counter(
            "tact_tasks_held_back_total",
            help: "Due tasks read and left in the store because their call queue filled or their pace ran out.")
    }

    /// Declares the lanes (one per input, `dispatch`, `outbox`) and shows every input's and channel's series at 0
    /// from the start, so that rates over them begin at once.
    public func started(inputs: [String], channels: [String]) {
        for channel in channels { _ = contacts.labels(channel) }
        for lane in inputs + ["dispatch", "outbox"] { service.lanes.add(lane) }
        for input in inputs {
            for counter in [inputBatches, inputMessages, service.redeliveries] { _ = counter.labels(input) }
        }
    }

    /// Ready: the broker connected and the store writable.
    public var checks: [Health.Check] {
        let store = storeWritable
        return [service.brokerCheck, Health.Check("store") { store.value == 1 }]
    }
}
