#include "relocate/path_map.h"

#include <algorithm>
#include <cstring>

namespace venv2docker {

namespace {

// Characters that continue a file name: "/old/venv" must not match inside
// "/old/venv2" or "/x/old/venv", while "/old/venv/bin", "'/old/venv'" and
// "file:///old/venv" do contain it.
bool continues_name(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("._-+~@").find(c) != std::string_view::npos ||
         static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace

void PathMap::add(std::string host_prefix, std::string image_prefix) {
  for (auto& move : m_moves) {
    if (move.first == host_prefix) {
      move.second = std::move(image_prefix);
      return;
    }
  }
  if (!host_prefix.empty() && m_first_chars.find(host_prefix.front()) == std::string::npos) {
    m_first_chars.push_back(host_prefix.front());
  }
  m_moves.emplace_back(std::move(host_prefix), std::move(image_prefix));
  // Longest first: a folder nested in another mapped folder wins over it.
  std::stable_sort(m_moves.begin(), m_moves.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

std::optional<std::string> PathMap::map(std::string_view host_path) const {
  for (const auto& [host, image] : m_moves) {
    if (host_path == host) return image;
    if (host_path.size() > host.size() && host_path.starts_with(host) && host_path[host.size()] == '/') {
      return image + std::string(host_path.substr(host.size()));
    }
  }
  return std::nullopt;
}

std::size_t PathMap::next_candidate(std::string_view text, std::size_t from) const {
  // Whole venvs' worth of text goes through here and most bytes cannot start
  // a mapped path: with one first character (always '/' for absolute
  // folders) memchr jumps between candidates.
  if (from >= text.size() || m_first_chars.empty()) return std::string_view::npos;
  if (m_first_chars.size() == 1) {
    const void* hit = std::memchr(text.data() + from, m_first_chars.front(), text.size() - from);
    return hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - text.data()) : std::string_view::npos;
  }
  return text.find_first_of(m_first_chars, from);
}

const std::pair<std::string, std::string>* PathMap::match_at(std::string_view text, std::size_t at) const {
  if (at > 0 && continues_name(text[at - 1])) return nullptr;
  for (const auto& move : m_moves) {
    const std::string& host = move.first;
    if (text.substr(at, host.size()) != host) continue;
    const std::size_t end = at + host.size();
    if (end < text.size() && continues_name(text[end])) continue;
    return &move;
  }
  return nullptr;
}

std::optional<std::string> PathMap::replace_in(std::string_view text) const {
  std::string out;
  bool changed = false;
  std::size_t copied = 0;
  for (std::size_t at = next_candidate(text, 0); at < text.size(); at = next_candidate(text, at + 1)) {
    const auto* move = match_at(text, at);
    if (!move) continue;
    out.append(text.substr(copied, at - copied));
    out.append(move->second);
    copied = at + move->first.size();
    at = copied - 1;  // the loop resumes right after the replaced path
    changed = true;
  }
  if (!changed) return std::nullopt;
  out.append(text.substr(copied));
  return out;
}

std::optional<std::string> PathMap::find_in(std::string_view text) const {
  for (std::size_t at = next_candidate(text, 0); at < text.size(); at = next_candidate(text, at + 1)) {
    if (const auto* move = match_at(text, at)) return move->first;
  }
  return std::nullopt;
}

}  // namespace venv2docker
