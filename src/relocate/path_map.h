// Host folders and the image folders they move to, applied to single paths and
// to text (scripts, .pth files, JSON) that names them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace venv2docker {

class PathMap {
 public:
  /// Maps `host_prefix` (absolute, no trailing slash) and everything under it.
  void add(std::string host_prefix, std::string image_prefix);
  bool empty() const { return m_moves.empty(); }

  /// The image path of `host_path` when it is a mapped folder or lies under
  /// one (the longest mapped folder wins).
  std::optional<std::string> map(std::string_view host_path) const;

  /// `text` with each mapped folder that appears as a whole path replaced, in
  /// one pass (so a replacement is never replaced again); nullopt when none.
  std::optional<std::string> replace_in(std::string_view text) const;

  /// The first mapped host folder named in `text`, if any.
  std::optional<std::string> find_in(std::string_view text) const;

  /// The mapped host folders with their image folders, longest first.
  const std::vector<std::pair<std::string, std::string>>& moves() const { return m_moves; }

 private:
  /// The first position at or after `from` where a mapped folder could start; npos when none.
  std::size_t next_candidate(std::string_view text, std::size_t from) const;
  /// The mapping whose host folder appears as a whole path at text[at], if any.
  const std::pair<std::string, std::string>* match_at(std::string_view text, std::size_t at) const;

  std::vector<std::pair<std::string, std::string>> m_moves;
  std::string m_first_chars;  // the first character of each host folder
};

}  // namespace venv2docker
