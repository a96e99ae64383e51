// Baseline for scripts/bench amqp: the same workload as Benchmarks/AMQPBench, written directly against
// librabbitmq as a careful C programmer would, in one thread with no abstraction.
//
//   amqp_bench HOST PORT QUEUE publish|consume MESSAGES SIZE WINDOW|PREFETCH
//   amqp_bench HOST PORT QUEUE forward MESSAGES TARGET_QUEUE PREFETCH
//   amqp_bench HOST PORT QUEUE forward-batched MESSAGES TARGET_QUEUE WINDOW
//
// publish: persistent messages to QUEUE (default exchange) in confirm mode, at most WINDOW unconfirmed.
// consume: basic.qos(PREFETCH), basic.consume, one basic.ack per delivery.
// forward: the C forward loop of scripts/bench pipeline — consume from QUEUE, publish each body to TARGET_QUEUE
//          and wait for its confirm, then ack: what a minimal relay with no state and no policy does.
// forward-batched: the same relay with confirms pipelined, as Tact's own client does: take up to WINDOW
//          deliveries, publish them all, wait until the broker confirmed every one, then ack them with one
//          multiple ack. The strongest fair baseline: what the broker carries for a relay that loses nothing.
// Prints the rate in messages per second.
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void die_reply(amqp_rpc_reply_t reply, const char *what) {
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) return;
    fprintf(stderr, "amqp_bench: %s failed (reply type %d, library error %d)\n", what, reply.reply_type,
            reply.library_error);
    exit(1);
}

static void die_status(int status, const char *what) {
    if (status == AMQP_STATUS_OK) return;
    fprintf(stderr, "amqp_bench: %s: %s\n", what, amqp_error_string2(status));
    exit(1);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void publish(amqp_connection_state_t conn, const char *queue, long messages, size_t size, long window) {
    amqp_confirm_select(conn, 1);
    die_reply(amqp_get_rpc_reply(conn), "confirm.select");
    char *body = malloc(size);
    memset(body, 'x', size);
    amqp_bytes_t payload = {size, body};
    amqp_basic_properties_t props;
    props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_CONTENT_TYPE_FLAG;
    props.delivery_mode = 2;
    props.content_type = amqp_cstring_bytes("application/octet-stream");

    long sent = 0, confirmed = 0;
    double start = now();
    while (confirmed < messages) {
        while (sent < messages && sent - confirmed < window) {
            die_status(amqp_basic_publish(conn, 1, amqp_empty_bytes, amqp_cstring_bytes(queue), 0, 0, &props, payload),
                       "basic.publish");
            sent++;
        }
        // Block for one frame, then take whatever else is already there.
        struct timeval zero = {0, 0};
        struct timeval *timeout = NULL;
        for (;;) {
            amqp_frame_t frame;
            int status = amqp_simple_wait_frame_noblock(conn, &frame, timeout);
            if (status == AMQP_STATUS_TIMEOUT) break;
            die_status(status, "wait for confirms");
            timeout = &zero;
            if (frame.frame_type == AMQP_FRAME_METHOD && frame.payload.method.id == AMQP_BASIC_ACK_METHOD) {
                amqp_basic_ack_t *ack = frame.payload.method.decoded;
                confirmed = ack->multiple ? (long)ack->delivery_tag : confirmed + 1;
            } else if (frame.frame_type == AMQP_FRAME_METHOD) {
                fprintf(stderr, "amqp_bench: unexpected method 0x%08x while publishing\n", frame.payload.method.id);
                exit(1);
            }
        }
        amqp_maybe_release_buffers(conn);
    }
    printf("%.0f\n", messages / (now() - start));
    free(body);
}

static void consume(amqp_connection_state_t conn, const char *queue, long messages, long prefetch) {
    amqp_basic_qos(conn, 1, 0, (uint16_t)prefetch, 0);
    die_reply(amqp_get_rpc_reply(conn), "basic.qos");
    amqp_basic_consume(conn, 1, amqp_cstring_bytes(queue), amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
    die_reply(amqp_get_rpc_reply(conn), "basic.consume");
    double start = now();
    for (long received = 0; received < messages; received++) {
        amqp_envelope_t envelope;
        amqp_maybe_release_buffers(conn);
        die_reply(amqp_consume_message(conn, &envelope, NULL, 0), "consume");
        die_status(amqp_basic_ack(conn, 1, envelope.delivery_tag, 0), "basic.ack");
        amqp_destroy_envelope(&envelope);
    }
    printf("%.0f\n", messages / (now() - start));
}

// Both relays: confirms on the publishing connection, PREFETCH deliveries at a time on the consuming one, and the
// properties every forwarded message carries.
static amqp_basic_properties_t start_relay(amqp_connection_state_t conn, amqp_connection_state_t out,
                                           const char *queue, long prefetch) {
    amqp_confirm_select(out, 1);
    die_reply(amqp_get_rpc_reply(out), "confirm.select");
    amqp_basic_qos(conn, 1, 0, (uint16_t)prefetch, 0);
    die_reply(amqp_get_rpc_reply(conn), "basic.qos");
    amqp_basic_consume(conn, 1, amqp_cstring_bytes(queue), amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
    die_reply(amqp_get_rpc_reply(conn), "basic.consume");
    amqp_basic_properties_t props;
    props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_CONTENT_TYPE_FLAG;
    props.delivery_mode = 2;
    props.content_type = amqp_cstring_bytes("application/json");
    return props;
}

// Consumes on one connection and publishes on a second one in confirm mode, so that waiting for a confirm never
// has to step over deliveries.
static void forward(amqp_connection_state_t conn, amqp_connection_state_t out, const char *queue, long messages,
                    const char *target, long prefetch) {
    amqp_basic_properties_t props = start_relay(conn, out, queue, prefetch);
    double start = now();
    for (long n = 0; n < messages; n++) {
        amqp_envelope_t envelope;
        amqp_maybe_release_buffers(conn);
        die_reply(amqp_consume_message(conn, &envelope, NULL, 0), "consume");
        die_status(amqp_basic_publish(out, 1, amqp_empty_bytes, amqp_cstring_bytes(target), 0, 0, &props,
                                      envelope.message.body), "basic.publish");
        for (;;) {  // wait for this message's confirm
            amqp_frame_t frame;
            die_status(amqp_simple_wait_frame(out, &frame), "wait for the confirm");
            if (frame.frame_type != AMQP_FRAME_METHOD) continue;
            if (frame.payload.method.id == AMQP_BASIC_ACK_METHOD) break;
            fprintf(stderr, "amqp_bench: unexpected method 0x%08x while forwarding\n", frame.payload.method.id);
            exit(1);
        }
        amqp_maybe_release_buffers(out);
        die_status(amqp_basic_ack(conn, 1, envelope.delivery_tag, 0), "basic.ack");
        amqp_destroy_envelope(&envelope);
    }
    printf("%.0f\n", messages / (now() - start));
}

static void forward_batched(amqp_connection_state_t conn, amqp_connection_state_t out, const char *queue,
                            long messages, const char *target, long window) {
    amqp_basic_properties_t props = start_relay(conn, out, queue, window);
    amqp_envelope_t *batch = calloc((size_t)window, sizeof(amqp_envelope_t));
    if (batch == NULL) exit(1);
    long published = 0, confirmed = 0;
    double start = now();
    for (long done = 0; done < messages;) {
        long size = messages - done < window ? messages - done : window;
        for (long i = 0; i < size; i++) {
            die_reply(amqp_consume_message(conn, &batch[i], NULL, 0), "consume");
        }
        for (long i = 0; i < size; i++) {
            die_status(amqp_basic_publish(out, 1, amqp_empty_bytes, amqp_cstring_bytes(target), 0, 0, &props,
                                          batch[i].message.body), "basic.publish");
        }
        published += size;
        while (confirmed < published) {  // confirms arrive, often several per ack (multiple)
            amqp_frame_t frame;
            die_status(amqp_simple_wait_frame(out, &frame), "wait for confirms");
            if (frame.frame_type != AMQP_FRAME_METHOD) continue;
            if (frame.payload.method.id != AMQP_BASIC_ACK_METHOD) {
                fprintf(stderr, "amqp_bench: unexpected method 0x%08x while forwarding\n", frame.payload.method.id);
                exit(1);
            }
            amqp_basic_ack_t *ack = frame.payload.method.decoded;
            confirmed = ack->multiple ? (long)ack->delivery_tag : confirmed + 1;
        }
        amqp_maybe_release_buffers(out);
        die_status(amqp_basic_ack(conn, 1, batch[size - 1].delivery_tag, 1), "basic.ack");
        for (long i = 0; i < size; i++) amqp_destroy_envelope(&batch[i]);
        amqp_maybe_release_buffers(conn);
        done += size;
    }
    printf("%.0f\n", messages / (now() - start));
    free(batch);
}

static amqp_connection_state_t open_connection(const char *host, int port) {
    amqp_connection_state_t conn = amqp_new_connection();
    amqp_socket_t *socket = amqp_tcp_socket_new(conn);
    die_status(amqp_socket_open(socket, host, port), "connect");
    die_reply(amqp_login(conn, "/", 0, 131072, 30, AMQP_SASL_METHOD_PLAIN, "guest", "guest"), "login");
    amqp_channel_open(conn, 1);
    die_reply(amqp_get_rpc_reply(conn), "channel.open");
    return conn;
}

static void close_connection(amqp_connection_state_t conn) {
    amqp_connection_close(conn, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(conn);
}

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr,
                "usage: amqp_bench HOST PORT QUEUE publish|consume|forward|forward-batched MESSAGES SIZE|TARGET "
                "LIMIT\n");
        return 2;
    }
    const char *host = argv[1], *queue = argv[3], *mode = argv[4];
    int port = atoi(argv[2]);
    long messages = atol(argv[5]), limit = atol(argv[7]);

    amqp_connection_state_t conn = open_connection(host, port);
    if (strcmp(mode, "publish") == 0) {
        publish(conn, queue, messages, (size_t)atol(argv[6]), limit);
    } else if (strcmp(mode, "forward") == 0 || strcmp(mode, "forward-batched") == 0) {
        amqp_connection_state_t out = open_connection(host, port);
        if (strcmp(mode, "forward") == 0) {
            forward(conn, out, queue, messages, argv[6], limit);
        } else {
            forward_batched(conn, out, queue, messages, argv[6], limit);
        }
        close_connection(out);
    } else {
        consume(conn, queue, messages, limit);
    }
    close_connection(conn);
    return 0;
}
