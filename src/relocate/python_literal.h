// The few Python literals that hold paths in generated files (setuptools'
// editable finder: `MAPPING = {'pkg': '/src/pkg'}`, `NAMESPACES = {'ns': [...]}`):
// strings, lists, tuples and dicts of them. Parsed so that a path holding a
// quote, a backslash or non-ASCII text is read and written back correctly.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace venv2docker {

struct PyLiteral {
  enum class Kind { string, list, tuple, dict };
  Kind kind = Kind::string;
  /// Kind::string: the value, UTF-8.
  std::string text;
  /// list/tuple: the items; dict: key, value, key, value...
  std::vector<PyLiteral> items;
};

/// How deep lists, tuples and dicts may nest. CPython's own tokenizer refuses
/// more than 200 open brackets (MAXLEVEL), so no module Python can import holds
/// a deeper literal; the bound also keeps the parser's recursion (and the
/// writer's and the destructor's) far from the end of the stack.
inline constexpr std::size_t k_max_py_literal_depth = 200;

/// What parse_py_literal read: the literal, or nullopt and why not.
struct ParsedPyLiteral {
  std::optional<PyLiteral> literal;
  /// Set with no literal when it nests deeper than k_max_py_literal_depth.
  bool too_deep = false;
};

/// Parses the literal at text[pos] (after optional spaces). On success `pos`
/// is just past it; no literal for anything but str/list/tuple/dict of those,
/// or for one nested deeper than k_max_py_literal_depth. Never throws but
/// bad_alloc.
ParsedPyLiteral parse_py_literal(std::string_view text, std::size_t& pos);

/// The literal as Python's repr() writes it.
std::string py_repr(const PyLiteral& literal);

/// Applies `change` to every string that is a value (not a dict key) in
/// `literal`; returns whether any changed.
bool map_py_strings(PyLiteral& literal, const std::function<std::optional<std::string>(const std::string&)>& change);

}  // namespace venv2docker
