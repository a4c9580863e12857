// Typed wrappers over libcurl's variadic calls, which Swift cannot call directly.
// Nothing else belongs in this target.
#ifndef HOIST_CCURL_H
#define HOIST_CCURL_H

#include <curl/curl.h>
#include <sys/types.h>

typedef size_t (*hoist_curl_data_callback)(char *buffer, size_t size, size_t nitems, void *userdata);
typedef int (*hoist_curl_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                            curl_off_t ultotal, curl_off_t ulnow);
typedef int (*hoist_curl_seek_callback)(void *userdata, curl_off_t offset, int origin);
typedef int (*hoist_curl_sockopt_callback)(void *userdata, curl_socket_t fd, curlsocktype purpose);

CURLcode hoist_curl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode hoist_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode hoist_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode hoist_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode hoist_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode hoist_curl_easy_setopt_data_callback(CURL *handle, CURLoption option, hoist_curl_data_callback value);
CURLcode hoist_curl_easy_setopt_xferinfo_callback(CURL *handle, hoist_curl_xferinfo_callback value);
CURLcode hoist_curl_easy_setopt_seek_callback(CURL *handle, hoist_curl_seek_callback value);
CURLcode hoist_curl_easy_setopt_sockopt_callback(CURL *handle, hoist_curl_sockopt_callback value);

CURLcode hoist_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode hoist_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);
CURLcode hoist_curl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLcode hoist_curl_easy_getinfo_string(CURL *handle, CURLINFO info, char **value);
CURLcode hoist_curl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);

CURLMcode hoist_curl_multi_setopt_long(CURLM *handle, CURLMoption option, long value);

#endif
