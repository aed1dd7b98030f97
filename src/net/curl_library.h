// libcurl, opened on first use rather than linked. Most runs never speak HTTP
// (a local or cached base, an OCI layout or archive out), and linking libcurl
// brings thirty more shared libraries (TLS, Kerberos, LDAP, SSH, IDN...) whose
// loading and relocation every run would pay before main(), HTTP or not: a
// noticeable share of a rebuild with nothing changed. git keeps curl out of
// its main binary for the same reason.
#pragma once

#include <curl/curl.h>

namespace venv2docker {

/// The libcurl functions venv2docker calls, named as in curl/curl.h without
/// the curl_ prefix.
struct CurlLibrary {
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_reset) easy_reset;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_url) url;
  decltype(&::curl_url_cleanup) url_cleanup;
  decltype(&::curl_url_get) url_get;
  decltype(&::curl_url_set) url_set;
  decltype(&::curl_free) free;
  decltype(&::curl_getdate) getdate;
};

/// libcurl, loaded and globally initialised by the first call (from any
/// thread). Throws Error naming the library and its package when it cannot
/// be loaded.
const CurlLibrary& curl();

}  // namespace venv2docker
