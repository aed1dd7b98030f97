// Names are bytes: venv2docker stores every path and link target exactly as
// the file system or the source archive holds it, whatever the user's locale.
//
// libarchive is the one place where the locale matters. It converts a name
// between a pax header's UTF-8 and the charset of the calling thread's
// LC_CTYPE, in exactly two calls: archive_write_header (pax `path` and
// `linkpath` records) and archive_read_next_header (the same records when
// read). Reading under a UTF-8 LC_CTYPE would normalise NFD names to NFC, and
// writing under an ASCII one would mark every non-ASCII name as binary. So
// each of those calls runs under the LC_CTYPE it needs, set for that thread
// only (uselocale), and the process locale never changes what a layer holds.
#pragma once

#include <locale.h>

namespace venv2docker {

enum class NameCharset {
  /// For writing: a valid UTF-8 name becomes a pax record as Go's archive/tar
  /// and GNU tar write it; any other name is stored as raw bytes under a pax
  /// `hdrcharset=BINARY` record, as GNU tar stores it.
  utf8,
  /// For reading: libarchive cannot convert a non-ASCII pax name to ASCII, so
  /// it keeps the record's bytes untouched (and warns, see ArchiveReader).
  ascii,
};

/// Runs the enclosing scope under `charset`'s LC_CTYPE on this thread only.
class ScopedNameCharset {
 public:
  explicit ScopedNameCharset(NameCharset charset);
  ~ScopedNameCharset();
  ScopedNameCharset(const ScopedNameCharset&) = delete;
  ScopedNameCharset& operator=(const ScopedNameCharset&) = delete;

 private:
  locale_t m_previous;
};

/// Sets the process's LC_CTYPE (and nothing else) to a UTF-8 locale: C.UTF-8,
/// else C.utf8 or en_US.UTF-8, else leaves "C". Called once by main so that
/// nothing that reads the process locale sees whatever LANG/LC_ALL say.
/// Returns the locale chosen.
const char* set_process_name_charset();

/// True when a UTF-8 LC_CTYPE was found; without one (a system with no
/// UTF-8 locale at all), non-ASCII names are written as binary pax records.
bool have_utf8_name_charset();

}  // namespace venv2docker
