#ifndef TACT_CURL_H
#define TACT_CURL_H

#include <stddef.h>

/// What one transfer came to: libcurl's code, the server's last response code (SMTP reply or HTTP status), whether
/// the request was sent in full (so that a failure after it may have been acted on), and libcurl's error text.
typedef struct {
    int code;
    long response;
    int sent_in_full;
    char error[256];
} tact_curl_result;

/// Initialises libcurl once per process; call before any transfer (thread-safe after that).
int tact_curl_global_init(void);

/// Sends one message over SMTP through a relay: `url` is smtp://host:port or smtps://host:port; `tls` is 0 (none),
/// 1 (STARTTLS when offered) or 2 (STARTTLS required); `ca_file` may be NULL (the system's CAs); `username` NULL for
/// no authentication. `message` is the whole RFC 5322 message with CRLF line ends.
tact_curl_result tact_smtp_send(const char *url, const char *username, const char *password, int tls,
                                const char *ca_file, const char *from, const char *const *recipients,
                                size_t recipient_count, const char *message, size_t length, long timeout_ms);

/// POSTs `body` to `url` with the given header lines ("Name: value"); the response body is discarded.
tact_curl_result tact_http_post(const char *url, const char *const *headers, size_t header_count, const char *body,
                                size_t length, const char *ca_file, long timeout_ms);

#endif
