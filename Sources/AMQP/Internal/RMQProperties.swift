import CRabbitMQ
import CRabbitMQShims
import Foundation

// Conversions between AMQPProperties / AMQPTable and librabbitmq's structures.

extension RMQArena {
    func properties(_ p: AMQPProperties) -> amqp_basic_properties_t {
        var c = amqp_basic_properties_t()
        var flags: UInt32 = 0
        func set(_ flag: Int32) { flags |= UInt32(flag) }
        if let v = p.contentType {
            c.content_type = bytes(v)
            set(AMQP_BASIC_CONTENT_TYPE_FLAG)
        }
        if let v = p.contentEncoding {
            c.content_encoding = bytes(v)
            set(AMQP_BASIC_CONTENT_ENCODING_FLAG)
        }
        if let v = p.headers {
            c.headers = table(v)
            set(AMQP_BASIC_HEADERS_FLAG)
        }
        if let v = p.deliveryMode {
            c.delivery_mode = v.rawValue
            set(AMQP_BASIC_DELIVERY_MODE_FLAG)
        }
        if let v = p.priority {
            c.priority = v
            set(AMQP_BASIC_PRIORITY_FLAG)
        }
        if let v = p.correlationID {
            c.correlation_id = bytes(v)
            set(AMQP_BASIC_CORRELATION_ID_FLAG)
        }
        if let v = p.replyTo {
            c.reply_to = bytes(v)
            set(AMQP_BASIC_REPLY_TO_FLAG)
        }
        if let v = p.expiration {
            c.expiration = bytes(String(max(0, v.milliseconds)))
            set(AMQP_BASIC_EXPIRATION_FLAG)
        }
        if let v = p.messageID {
            c.message_id = bytes(v)
            set(AMQP_BASIC_MESSAGE_ID_FLAG)
        }
        if let v = p.timestamp {
            c.timestamp = UInt64(max(0, v.timeIntervalSince1970.rounded(.down)))
            set(AMQP_BASIC_TIMESTAMP_FLAG)
        }
        if let v = p.type {
            c.type = bytes(v)
            set(AMQP_BASIC_TYPE_FLAG)
        }
        if let v = p.userID {
            c.user_id = bytes(v)
            set(AMQP_BASIC_USER_ID_FLAG)
        }
        if let v = p.appID {
            c.app_id = bytes(v)
            set(AMQP_BASIC_APP_ID_FLAG)
        }
        c._flags = flags
        return c
    }
}

extension AMQPProperties {
    /// Copies every present property out of librabbitmq's memory.
    init(_ c: amqp_basic_properties_t) {
        self.init()
        func has(_ flag: Int32) -> Bool { c._flags & UInt32(flag) != 0 }
        if has(AMQP_BASIC_CONTENT_TYPE_FLAG) { contentType = String(amqp: c.content_type) }
        if has(AMQP_BASIC_CONTENT_ENCODING_FLAG) { contentEncoding = String(amqp: c.content_encoding) }
        if has(AMQP_BASIC_HEADERS_FLAG) { headers = AMQPTable(amqp: c.headers) }
        if has(AMQP_BASIC_DELIVERY_MODE_FLAG) { deliveryMode = DeliveryMode(rawValue: c.delivery_mode) }
        if has(AMQP_BASIC_PRIORITY_FLAG) { priority = c.priority }
        if has(AMQP_BASIC_CORRELATION_ID_FLAG) { correlationID = String(amqp: c.correlation_id) }
        if has(AMQP_BASIC_REPLY_TO_FLAG) { replyTo = String(amqp: c.reply_to) }
        if has(AMQP_BASIC_EXPIRATION_FLAG), let ms = Int64(String(amqp: c.expiration)) {
            expiration = .milliseconds(ms)
        }
        if has(AMQP_BASIC_MESSAGE_ID_FLAG) { messageID = String(amqp: c.message_id) }
        if has(AMQP_BASIC_TIMESTAMP_FLAG) { timestamp = Date(timeIntervalSince1970: TimeInterval(c.timestamp)) }
        if has(AMQP_BASIC_TYPE_FLAG) { type = String(amqp: c.type) }
        if has(AMQP_BASIC_USER_ID_FLAG) { userID = String(amqp: c.user_id) }
        if has(AMQP_BASIC_APP_ID_FLAG) { appID = String(amqp: c.app_id) }
    }
}

extension String {
    init(amqp bytes: amqp_bytes_t) {
        self = String(decoding: [UInt8](amqp: bytes), as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    init(amqp bytes: amqp_bytes_t) {
        guard let base = bytes.bytes, bytes.len > 0 else {
            self = []
            return
        }
        self = Array(UnsafeRawBufferPointer(start: base, count: bytes.len))
    }
}

extension AMQPTable {
    init(amqp table: amqp_table_t) {
        self.init()
        for index in 0..<Int(table.num_entries) {
            let entry = table.entries[index]
            self[String(amqp: entry.key)] = AMQPFieldValue(amqp: entry.value)
        }
    }
}

extension AMQPFieldValue {
    init(amqp field: amqp_field_value_t) {
        switch Unicode.Scalar(field.kind) {
        case "t": self = .bool(field.value.boolean != 0)
        case "b": self = .int8(field.value.i8)
        case "B": self = .uint8(field.value.u8)
        case "s": self = .int16(field.value.i16)
        case "u": self = .uint16(field.value.u16)
        case "I": self = .int32(field.value.i32)
        case "i": self = .uint32(field.value.u32)
        case "l": self = .int64(field.value.i64)
        case "L": self = .int64(Int64(bitPattern: field.value.u64))
        case "f": self = .float(field.value.f32)
        case "d": self = .double(field.value.f64)
        case "D": self = .decimal(scale: field.value.decimal.decimals, value: field.value.decimal.value)
        case "S": self = .string(String(amqp: field.value.bytes))
        case "x": self = .bytes([UInt8](amqp: field.value.bytes))
        case "T": self = .timestamp(field.value.u64)
        case "F": self = .table(AMQPTable(amqp: field.value.table))
        case "A":
            let array = field.value.array
            self = .array((0..<Int(array.num_entries)).map { AMQPFieldValue(amqp: array.entries[$0]) })
        default: self = .void
        }
    }
}
