#ifndef OCOP_CCURL_SHIM_H
#define OCOP_CCURL_SHIM_H

#include <curl/curl.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

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

// Whether an IPv4 address (host order) is on the public internet: not "this network", private,
// loopback, link-local (the cloud metadata address 169.254.169.254), shared CGNAT, benchmarking,
// IETF-reserved, multicast or broadcast.
static inline int ocop_is_public_ipv4(uint32_t a) {
    unsigned b0 = a >> 24, b1 = (a >> 16) & 0xff, b2 = (a >> 8) & 0xff;
    if (b0 == 0 || b0 == 10 || b0 == 127 || b0 >= 224) return 0;
    if (b0 == 169 && b1 == 254) return 0;
    if (b0 == 172 && (b1 & 0xf0) == 16) return 0;
    if (b0 == 192 && b1 == 168) return 0;
    if (b0 == 100 && (b1 & 0xc0) == 64) return 0;
    if (b0 == 198 && (b1 & 0xfe) == 18) return 0;
    if (b0 == 192 && b1 == 0 && (b2 == 0 || b2 == 2)) return 0;                    // IETF, TEST-NET-1
    if ((b0 == 198 && b1 == 51 && b2 == 100) || (b0 == 203 && b1 == 0 && b2 == 113)) return 0;  // TEST-NET-2, -3
    return 1;
}

static inline int ocop_is_public_ipv6(const unsigned char *b) {
    static const unsigned char zero[16] = {0};
    if (memcmp(b, zero, 15) == 0 && (b[15] == 0 || b[15] == 1)) return 0;          // :: and ::1
    if (memcmp(b, zero, 10) == 0 && b[10] == 0xff && b[11] == 0xff)                 // ::ffff:a.b.c.d
        return ocop_is_public_ipv4(((uint32_t)b[12] << 24) | ((uint32_t)b[13] << 16) | ((uint32_t)b[14] << 8) | b[15]);
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b)               // 64:ff9b::/96 (NAT64)
        return ocop_is_public_ipv4(((uint32_t)b[12] << 24) | ((uint32_t)b[13] << 16) | ((uint32_t)b[14] << 8) | b[15]);
    if ((b[0] & 0xfe) == 0xfc) return 0;                                            // fc00::/7 unique local
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return 0;                            // fe80::/10 link-local
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return 0;                            // fec0::/10 site-local
    if (b[0] == 0xff) return 0;                                                     // multicast
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return 0;     // documentation
    return 1;
}

static inline int ocop_is_public_sockaddr(const struct sockaddr *address) {
    if (address->sa_family == AF_INET)
        return ocop_is_public_ipv4(ntohl(((const struct sockaddr_in *)address)->sin_addr.s_addr));
    if (address->sa_family == AF_INET6)
        return ocop_is_public_ipv6(((const struct sockaddr_in6 *)address)->sin6_addr.s6_addr);
    return 0;
}

// CURLOPT_OPENSOCKETFUNCTION: opens the socket only for a public address, on whatever name led
// there, so DNS cannot point a webhook at the machine's own or its network's services. A refusal
// sets *refused (CURLOPT_OPENSOCKETDATA) and makes curl fail with CURLE_COULDNT_CONNECT.
static curl_socket_t ocop_open_public_socket(void *refused, curlsocktype purpose, struct curl_sockaddr *address) {
    if (purpose != CURLSOCKTYPE_IPCXN || !ocop_is_public_sockaddr(&address->addr)) {
        if (refused) *(int *)refused = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(address->family, address->socktype, address->protocol);
}

static inline CURLcode ocop_curl_only_public_addresses(CURL *handle, int *refused) {
    curl_easy_setopt(handle, CURLOPT_OPENSOCKETDATA, (void *)refused);
    return curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, ocop_open_public_socket);
}

#endif
