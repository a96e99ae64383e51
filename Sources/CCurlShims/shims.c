// libcurl's options are set through a variadic function Swift cannot call; these wrap the two transfers Tact makes.
#include "tact_curl.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *data;
    size_t length;
    size_t offset;
} upload;

static size_t read_upload(char *buffer, size_t size, size_t count, void *context) {
    upload *source = context;
    size_t room = size * count;
    size_t left = source->length - source->offset;
    size_t n = left < room ? left : room;
    memcpy(buffer, source->data + source->offset, n);
    source->offset += n;
    return n;
}

static size_t discard(char *buffer, size_t size, size_t count, void *context) {
    (void)buffer;
    (void)context;
    return size * count;
}

int tact_curl_global_init(void) { return (int)curl_global_init(CURL_GLOBAL_DEFAULT); }

/// A new handle with what every transfer sets: the URL, the error buffer, timeouts, no signals; NULL on failure,
/// with `failure` filled in.
static CURL *start(const char *url, char *error, long timeout_ms, const char *ca_file, tact_curl_result *failure) {
    CURL *curl = curl_easy_init();
    if (!curl) {
        memset(failure, 0, sizeof *failure);
        failure->code = CURLE_FAILED_INIT;
        snprintf(failure->error, sizeof failure->error, "curl_easy_init failed");
        return NULL;
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    if (ca_file) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file);
    return curl;
}

static tact_curl_result finish(CURL *curl, CURLcode code, const char *error, size_t sent, size_t length) {
    tact_curl_result result;
    memset(&result, 0, sizeof result);
    result.code = (int)code;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.response);
    result.sent_in_full = sent >= length;
    snprintf(result.error, sizeof result.error, "%s", error[0] ? error : curl_easy_strerror(code));
    return result;
}

tact_curl_result tact_smtp_send(const char *url, const char *username, const char *password, int tls,
                                const char *ca_file, const char *from, const char *const *recipients,
                                size_t recipient_count, const char *message, size_t length, long timeout_ms) {
    char error[CURL_ERROR_SIZE] = {0};
    tact_curl_result failure;
    CURL *curl = start(url, error, timeout_ms, ca_file, &failure);
    if (!curl) return failure;
    struct curl_slist *to = NULL;
    for (size_t i = 0; i < recipient_count; i++) to = curl_slist_append(to, recipients[i]);
    upload source = {message, length, 0};
    curl_easy_setopt(curl, CURLOPT_USE_SSL,
                     tls == 2 ? (long)CURLUSESSL_ALL : tls == 1 ? (long)CURLUSESSL_TRY : (long)CURLUSESSL_NONE);
    if (username) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, username);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, password ? password : "");
    }
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, to);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)length);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &source);
    CURLcode code = curl_easy_perform(curl);
    tact_curl_result result = finish(curl, code, error, source.offset, length);
    curl_slist_free_all(to);
    curl_easy_cleanup(curl);
    return result;
}

tact_curl_result tact_http_post(const char *url, const char *const *headers, size_t header_count, const char *body,
                                size_t length, const char *ca_file, long timeout_ms) {
    char error[CURL_ERROR_SIZE] = {0};
    tact_curl_result failure;
    CURL *curl = start(url, error, timeout_ms, ca_file, &failure);
    if (!curl) return failure;
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < header_count; i++) list = curl_slist_append(list, headers[i]);
    upload source = {body, length, 0};
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)length);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &source);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    CURLcode code = curl_easy_perform(curl);
    tact_curl_result result = finish(curl, code, error, source.offset, length);
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return result;
}
