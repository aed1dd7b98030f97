#include "net/curl_library.h"

#include <dlfcn.h>

#include <string>

#include "util/error.h"

namespace venv2docker {

namespace {

// The soname of the libcurl the headers came from (libcurl4 on Debian).
constexpr const char* k_soname = "libcurl.so.4";

template <typename Function>
void resolve(void* library, const char* name, Function& slot) {
  void* symbol = ::dlsym(library, name);
  if (!symbol) {
    throw Error(std::string(k_soname) + " has no " + name, "install a libcurl 7.68 or later (apt-get install libcurl4)");
  }
  slot = reinterpret_cast<Function>(symbol);
}

CurlLibrary load() {
  void* library = ::dlopen(k_soname, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char* why = ::dlerror();
    throw Error(std::string("cannot load ") + k_soname + ": " + (why ? why : "unknown error"),
                "install libcurl (apt-get install libcurl4)");
  }
  // Never closed: handles and callbacks may outlive any owner we could name.
  CurlLibrary functions{};
  resolve(library, "curl_easy_init", functions.easy_init);
  resolve(library, "curl_easy_cleanup", functions.easy_cleanup);
  resolve(library, "curl_easy_reset", functions.easy_reset);
  resolve(library, "curl_easy_setopt", functions.easy_setopt);
  resolve(library, "curl_easy_getinfo", functions.easy_getinfo);
  resolve(library, "curl_easy_perform", functions.easy_perform);
  resolve(library, "curl_easy_strerror", functions.easy_strerror);
  resolve(library, "curl_slist_append", functions.slist_append);
  resolve(library, "curl_slist_free_all", functions.slist_free_all);
  resolve(library, "curl_url", functions.url);
  resolve(library, "curl_url_cleanup", functions.url_cleanup);
  resolve(library, "curl_url_get", functions.url_get);
  resolve(library, "curl_url_set", functions.url_set);
  resolve(library, "curl_free", functions.free);
  resolve(library, "curl_getdate", functions.getdate);
  decltype(&::curl_global_init) global_init = nullptr;
  resolve(library, "curl_global_init", global_init);
  if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Error(std::string(k_soname) + " failed to initialise");
  return functions;
}

}  // namespace

const CurlLibrary& curl() {
  // A function-local static: loaded once, safely from any thread; a failure
  // throws and the next call tries again.
  static const CurlLibrary functions = load();
  return functions;
}

}  // namespace venv2docker
