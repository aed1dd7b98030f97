// The Python literals of setuptools' editable finders (MAPPING = {...}):
// parsed, every string changed, written as repr() and parsed back.
#include <cstdlib>

#include "fuzz_target.h"
#include "relocate/python_literal.h"

using namespace venv2docker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::refusal_allowed([&] {
    std::string_view text = fuzz::as_text(data, size);
    std::size_t pos = 0;
    std::optional<PyLiteral> literal = parse_py_literal(text, pos).literal;
    if (!literal) return;
    if (pos > text.size()) std::abort();
    (void)map_py_strings(*literal, [](const std::string& value) -> std::optional<std::string> {
      return value.starts_with('/') ? std::optional<std::string>("/venv" + value) : std::nullopt;
    });
    // What repr() writes, the parser reads back as the same literal.
    std::string repr = py_repr(*literal);
    std::size_t again_pos = 0;
    std::optional<PyLiteral> again = parse_py_literal(repr, again_pos).literal;
    if (!again || py_repr(*again) != repr) std::abort();
  });
}
