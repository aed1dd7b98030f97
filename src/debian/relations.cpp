#include "debian/relations.h"

#include "debian/version.h"
#include "util/error.h"
#include "util/text_util.h"

namespace venv2docker::debian {

namespace {

constexpr std::string_view k_blanks = " \t\r\n";

struct OpSpelling {
  std::string_view text;
  VersionOp op;
};

// Longest spellings first so that "<<" is not read as "<". The lone "<" and
// ">" are obsolete spellings of "<=" and ">=" that old packages still use.
constexpr OpSpelling k_ops[] = {
    {"<<", VersionOp::less},         {"<=", VersionOp::less_equal}, {">=", VersionOp::greater_equal},
    {">>", VersionOp::greater},      {"=", VersionOp::equal},       {"<", VersionOp::less_equal},
    {">", VersionOp::greater_equal},
};

std::string_view op_text(VersionOp op) {
  switch (op) {
    case VersionOp::less: return "<<";
    case VersionOp::less_equal: return "<=";
    case VersionOp::equal: return "=";
    case VersionOp::greater_equal: return ">=";
    case VersionOp::greater: return ">>";
    case VersionOp::any: break;
  }
  return "";
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '+' ||
         c == '-' || c == '_';
}

// Reads one relation at a time from a group's text, reporting errors with
// the whole field so that the user can find it.
class RelationReader {
 public:
  RelationReader(std::string_view text, std::string_view field, std::string_view origin)
      : m_text(text), m_field(field), m_origin(origin) {}

  /// The next relation; `applies` says whether its architecture list keeps it.
  Relation read(std::string_view host_arch, bool& applies) {
    Relation relation;
    skip_blanks();
    relation.name = take_while(is_name_char);
    if (relation.name.empty()) fail("a package name is missing");
    if (consume(':')) {
      relation.arch_qualifier = take_while(is_name_char);
      if (relation.arch_qualifier.empty()) fail("an architecture is missing after ':'");
    }
    skip_blanks();
    if (consume('(')) read_version_bound(relation);
    skip_blanks();
    applies = true;
    if (consume('[')) applies = architecture_list_allows(take_until(']'), host_arch);
    skip_blanks();
    while (consume('<')) {
      take_until('>');  // build profiles only matter when building from source
      skip_blanks();
    }
    if (!m_text.empty()) fail("unexpected \"" + std::string(m_text) + "\"");
    return relation;
  }

 private:
  void read_version_bound(Relation& relation) {
    skip_blanks();
    for (const auto& spelling : k_ops) {
      if (m_text.starts_with(spelling.text)) {
        relation.op = spelling.op;
        m_text.remove_prefix(spelling.text.size());
        break;
      }
    }
    if (relation.op == VersionOp::any) fail("a version comparison (<<, <=, =, >=, >>) is missing");
    relation.version = trim(take_until(')'));
    if (!is_valid_version(relation.version)) fail("\"" + relation.version + "\" is not a valid version");
  }

  // "[amd64 i386]" keeps the relation on those architectures, "[!i386]" on
  // all others; wildcards such as "linux-any" and "any-amd64" match too.
  bool architecture_list_allows(std::string_view list, std::string_view host_arch) {
    const auto entries = split_words(list);
    if (entries.empty()) fail("an empty architecture list");
    const bool negated = entries.front().starts_with('!');
    bool listed = false;
    for (const auto& entry : entries) {
      std::string_view arch = entry;
      if (arch.starts_with('!') != negated) fail("an architecture list mixes negated and plain entries");
      if (negated) arch.remove_prefix(1);
      listed = listed || architecture_matches(arch, host_arch);
    }
    return listed != negated;
  }

  static bool architecture_matches(std::string_view pattern, std::string_view host_arch) {
    if (pattern == host_arch || pattern == "any") return true;
    // Debian architectures are "<os>-<cpu>", with "linux-" left out.
    const auto hyphen = host_arch.find('-');
    const auto os = hyphen == std::string_view::npos ? std::string_view("linux") : host_arch.substr(0, hyphen);
    const auto cpu = hyphen == std::string_view::npos ? host_arch : host_arch.substr(hyphen + 1);
    const auto wildcard = pattern.find('-');
    if (wildcard == std::string_view::npos) return false;
    const auto pattern_os = pattern.substr(0, wildcard);
    const auto pattern_cpu = pattern.substr(wildcard + 1);
    return (pattern_os == "any" || pattern_os == os) && (pattern_cpu == "any" || pattern_cpu == cpu);
  }

  void skip_blanks() {
    const auto first = m_text.find_first_not_of(k_blanks);
    m_text.remove_prefix(first == std::string_view::npos ? m_text.size() : first);
  }

  bool consume(char c) {
    if (m_text.empty() || m_text.front() != c) return false;
    m_text.remove_prefix(1);
    return true;
  }

  std::string take_while(bool (*accepts)(char)) {
    std::size_t length = 0;
    while (length < m_text.size() && accepts(m_text[length])) ++length;
    std::string taken(m_text.substr(0, length));
    m_text.remove_prefix(length);
    return taken;
  }

  std::string take_until(char closing) {
    const auto end = m_text.find(closing);
    if (end == std::string_view::npos) fail(std::string("a '") + closing + "' is missing");
    std::string taken(m_text.substr(0, end));
    m_text.remove_prefix(end + 1);
    return taken;
  }

  [[noreturn]] void fail(const std::string& problem) const {
    throw Error(std::string(m_origin) + ": cannot read the relation \"" + trim(m_field) + "\": " + problem);
  }

  std::string_view m_text;
  std::string_view m_field;
  std::string_view m_origin;
};

// Splits on `separator` keeping empty pieces, so that "a,,b" can be refused.
std::vector<std::string_view> split_all(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  while (true) {
    const auto end = text.find(separator);
    pieces.push_back(text.substr(0, end));
    if (end == std::string_view::npos) return pieces;
    text.remove_prefix(end + 1);
  }
}

}  // namespace

bool Relation::allows(std::string_view candidate_version) const {
  if (op == VersionOp::any) return true;
  const int order = compare_versions(candidate_version, version);
  switch (op) {
    case VersionOp::less: return order < 0;
    case VersionOp::less_equal: return order <= 0;
    case VersionOp::equal: return order == 0;
    case VersionOp::greater_equal: return order >= 0;
    case VersionOp::greater: return order > 0;
    case VersionOp::any: break;
  }
  return true;
}

std::string Relation::text() const {
  std::string out = name;
  if (!arch_qualifier.empty()) out += ":" + arch_qualifier;
  if (op != VersionOp::any) out += " (" + std::string(op_text(op)) + " " + version + ")";
  return out;
}

std::string alternatives_text(const Alternatives& alternatives) {
  std::string out;
  for (const auto& relation : alternatives) {
    if (!out.empty()) out += " | ";
    out += relation.text();
  }
  return out;
}

std::vector<Alternatives> parse_relations(std::string_view field, std::string_view host_arch, std::string_view origin) {
  std::vector<Alternatives> groups;
  if (trim(field).empty()) return groups;
  // A trailing comma is harmless and occurs in real indexes.
  auto group_texts = split_all(field, ',');
  if (trim(group_texts.back()).empty()) group_texts.pop_back();
  for (const auto group_text : group_texts) {
    Alternatives group;
    for (const auto relation_text : split_all(group_text, '|')) {
      bool applies = true;
      Relation relation = RelationReader(relation_text, field, origin).read(host_arch, applies);
      if (applies) group.push_back(std::move(relation));
    }
    if (!group.empty()) groups.push_back(std::move(group));
  }
  return groups;
}

}  // namespace venv2docker::debian
