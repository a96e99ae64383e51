import Domain
import Policy
import SchedulerCore

/// What the simulation has planned for later: inputs the scheduler will receive (outcomes, events, expired
/// contacts) and the starts of days. A binary heap ordered by instant, then by the order things were planned,
/// so that equal instants are always taken in the same order.
struct SimulationAgenda {
    enum Item: Sendable {
        /// An input for the scheduler, with what caused it (for the timeline).
        case input(SchedulerInput, cause: String?)
        /// The start of simulated day `index`: time to ask the responder for life events.
        case day(Int)
    }

    struct Entry {
        var at: Instant
        var order: Int
        var item: Item

        func precedes(_ other: Entry) -> Bool { (at, order) < (other.at, other.order) }
    }

    private var heap: [Entry] = []
    private var planned = 0

    var isEmpty: Bool { heap.isEmpty }
    /// When the next item is due.
    var nextInstant: Instant? { heap.first?.at }

    mutating func add(_ item: Item, at: Instant) {
        heap.append(Entry(at: at, order: planned, item: item))
        planned += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns every item due at or before `now`, in order.
    mutating func takeDue(at now: Instant) -> [Entry] {
        var due: [Entry] = []
        while let first = heap.first, first.at <= now { due.append(removeFirst()) }
        return due
    }

    private mutating func removeFirst() -> Entry {
        let first = heap[0]
        let last = heap.removeLast()
        guard !heap.isEmpty else { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
            guard smallest != parent else { return first }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
