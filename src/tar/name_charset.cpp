#include "tar/name_charset.h"

#include <clocale>

namespace venv2docker {

namespace {

// Tried in order; C.UTF-8 ships with glibc (and Debian's libc-bin), the
// others cover systems that spell it differently or only have a full locale.
constexpr const char* k_utf8_locales[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8"};

struct Locales {
  locale_t utf8 = nullptr;
  const char* utf8_name = "C";
  locale_t ascii = nullptr;

  Locales() {
    for (const char* name : k_utf8_locales) {
      if ((utf8 = newlocale(LC_CTYPE_MASK, name, nullptr))) {
        utf8_name = name;
        break;
      }
    }
    ascii = newlocale(LC_CTYPE_MASK, "C", nullptr);
    if (!utf8) utf8 = ascii;
  }
};

const Locales& locales() {
  static const Locales instance;
  return instance;
}

}  // namespace

ScopedNameCharset::ScopedNameCharset(NameCharset charset)
    : m_previous(uselocale(charset == NameCharset::utf8 ? locales().utf8 : locales().ascii)) {}

ScopedNameCharset::~ScopedNameCharset() { uselocale(m_previous); }

const char* set_process_name_charset() {
  const char* name = locales().utf8_name;
  std::setlocale(LC_CTYPE, name);
  return name;
}

bool have_utf8_name_charset() { return locales().utf8 != locales().ascii; }

}  // namespace venv2docker
