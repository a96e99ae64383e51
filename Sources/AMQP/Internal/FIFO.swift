/// A first-in first-out queue over an array with a moving head, compacted as it drains.
///
/// The loop thread queues thousands of publishes and deliveries; `Array.removeFirst` would make that quadratic.
struct FIFO<Element> {
    private var storage: [Element] = []
    private var head = 0

    var isEmpty: Bool { head == storage.count }
    var count: Int { storage.count - head }
    var first: Element? { isEmpty ? nil : storage[head] }

    mutating func append(_ element: Element) { storage.append(element) }

    mutating func popFirst() -> Element? {
        guard !isEmpty else { return nil }
        let element = storage[head]
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }

    mutating func removeLast() -> Element? {
        guard !isEmpty else { return nil }
        return storage.removeLast()
    }

    /// Puts elements back at the front, keeping their order (used to retry unconfirmed publishes first).
    mutating func prepend(contentsOf elements: [Element]) {
        guard !elements.isEmpty else { return }
        storage = elements + storage[head...]
        head = 0
    }

    /// Accesses the element `offset` places behind the head.
    subscript(offset: Int) -> Element {
        get { storage[head + offset] }
        set { storage[head + offset] = newValue }
    }

    mutating func removeAll() -> [Element] {
        let remaining = Array(storage[head...])
        storage.removeAll()
        head = 0
        return remaining
    }
}
