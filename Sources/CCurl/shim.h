#ifndef OCOP_CCURL_SHIM_H
#define OCOP_CCURL_SHIM_H

#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call; these typed
// wrappers are the whole of the shim.
static inline CURLcode ocop_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ocop_curl_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ocop_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*ocop_curl_data_callback)(char *, size_t, size_t, void *);
static inline CURLcode ocop_curl_setopt_data_callback(CURL *handle, CURLoption option, ocop_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

typedef int (*ocop_curl_progress_callback)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
static inline CURLcode ocop_curl_setopt_progress_callback(CURL *handle, ocop_curl_progress_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

static inline CURLcode ocop_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
