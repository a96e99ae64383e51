import CRabbitMQ
import CRabbitMQShims
import Glibc

/// Scratch memory for building the C structures of one call (properties, tables, names).
///
/// librabbitmq encodes a publish or a declaration into its own buffers before the call returns, so everything
/// allocated here is freed together by ``reset()`` right after the call.
final class RMQArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    deinit { reset() }

    func reset() {
        for pointer in allocations { free(pointer) }
        allocations.removeAll(keepingCapacity: true)
    }

    func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let raw = malloc(max(1, count * MemoryLayout<T>.stride))!
        allocations.append(raw)
        return raw.bindMemory(to: T.self, capacity: count)
    }

    /// A copy of `text` as AMQP bytes (not NUL-terminated; AMQP strings carry their length).
    func bytes(_ text: String) -> amqp_bytes_t {
        var text = text
        return text.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
    }

    func bytes(_ data: [UInt8]) -> amqp_bytes_t {
        data.withUnsafeBytes { bytes($0) }
    }

    private func bytes(_ buffer: UnsafeRawBufferPointer) -> amqp_bytes_t {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return amqp_bytes_t(len: 0, bytes: nil) }
        let copy = allocate(UInt8.self, count: buffer.count)
        copy.update(from: base.assumingMemoryBound(to: UInt8.self), count: buffer.count)
        return amqp_bytes_t(len: buffer.count, bytes: UnsafeMutableRawPointer(copy))
    }

    /// A NUL-terminated copy, for the few librabbitmq calls that take C strings.
    func cString(_ text: String) -> UnsafePointer<CChar> {
        let utf8 = Array(text.utf8CString)
        let copy = allocate(CChar.self, count: utf8.count)
        copy.update(from: utf8, count: utf8.count)
        return UnsafePointer(copy)
    }

    func table(_ table: AMQPTable) -> amqp_table_t {
        guard !table.isEmpty else { return amqp_table_t(num_entries: 0, entries: nil) }
        let entries = allocate(amqp_table_entry_t.self, count: table.count)
        for (offset, key) in table.keys.sorted().enumerated() {
            entries[offset] = amqp_table_entry_t(key: bytes(key), value: field(table[key]!))
        }
        return amqp_table_t(num_entries: Int32(table.count), entries: entries)
    }

    func field(_ value: AMQPFieldValue) -> amqp_field_value_t {
        var field = amqp_field_value_t()
        func kind(_ letter: Unicode.Scalar) { field.kind = UInt8(ascii: letter) }
        switch value {
        case .bool(let v):
            kind("t")
            field.value.boolean = v ? 1 : 0
        case .int8(let v):
            kind("b")
            field.value.i8 = v
        case .uint8(let v):
            kind("B")
            field.value.u8 = v
        case .int16(let v):
            kind("s")
            field.value.i16 = v
        case .uint16(let v):
            kind("u")
            field.value.u16 = v
        case .int32(let v):
            kind("I")
            field.value.i32 = v
        case .uint32(let v):
            kind("i")
            field.value.u32 = v
        case .int64(let v):
            kind("l")
            field.value.i64 = v
        case .float(let v):
            kind("f")
            field.value.f32 = v
        case .double(let v):
            kind("d")
            field.value.f64 = v
        case .decimal(let scale, let v):
            kind("D")
            field.value.decimal = amqp_decimal_t(decimals: scale, value: v)
        case .string(let v):
            kind("S")
            field.value.bytes = bytes(v)
        case .bytes(let v):
            kind("x")
            field.value.bytes = bytes(v)
        case .timestamp(let v):
            kind("T")
            field.value.u64 = v
        case .void: kind("V")
        case .table(let v):
            kind("F")
            field.value.table = table(v)
        case .array(let values):
            kind("A")
            let entries = allocate(amqp_field_value_t.self, count: values.count)
            for (offset, element) in values.enumerated() { entries[offset] = self.field(element) }
            field.value.array = amqp_array_t(num_entries: Int32(values.count), entries: entries)
        }
        return field
    }
}
