// What the library throws, and only for errors: a message plus the context it
// happened in (a file, a registry, a flag). main() prints it as
// "venv2docker: error: ...". Outcomes a caller acts on are values instead
// (docs/architecture.md, "Errors").
// Header only.
#pragma once

#include <stdexcept>
#include <string>

namespace venv2docker {

class Error : public std::runtime_error {
 public:
  /// `message` says what went wrong; `hint`, when not empty, says what to try.
  explicit Error(const std::string& message, std::string hint = {})
      : std::runtime_error(message), m_hint(std::move(hint)) {}

  const std::string& hint() const { return m_hint; }

 private:
  std::string m_hint;
};

/// Errors in what the user asked for (a bad flag, a venv that cannot be found):
/// main() exits 2 for these, as a command-line tool conventionally does.
class UsageError : public Error {
 public:
  using Error::Error;
};

}  // namespace venv2docker
