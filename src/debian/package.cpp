#include "debian/package.h"

#include <charconv>

#include "debian/version.h"
#include "util/error.h"
#include "util/text_util.h"

namespace venv2docker::debian {

namespace {

std::uint64_t read_number(const Paragraph& paragraph, std::string_view field, const std::string& where) {
  const auto text = trim(paragraph.value_or_empty(field));
  if (text.empty()) return 0;
  std::uint64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size()) {
    throw Error(where + ": " + std::string(field) + " \"" + text + "\" is not a number");
  }
  return number;
}

// Provides and Replaces name single packages: "a | b" makes no sense there.
std::vector<Relation> read_flat_relations(const Paragraph& paragraph, std::string_view field,
                                          std::string_view host_arch, const std::string& where) {
  std::vector<Relation> relations;
  for (auto& group : parse_relations(paragraph.value_or_empty(field), host_arch, where)) {
    if (group.size() != 1) throw Error(where + ": " + std::string(field) + " cannot have alternatives ('|')");
    relations.push_back(std::move(group.front()));
  }
  return relations;
}

// apt's ranks for the Priority field (apt-pkg/deb/deblistparser.cc): an
// unknown word ranks as "extra".
int priority_rank_of(std::string_view word) {
  static constexpr std::pair<std::string_view, int> k_ranks[] = {
      {"required", 1}, {"important", 2}, {"standard", 3}, {"optional", 4}, {"extra", 5}};
  if (word.empty()) return 0;
  for (const auto& [name, rank] : k_ranks) {
    if (word == name) return rank;
  }
  return 5;
}

bool is_yes(const Paragraph& paragraph, std::string_view field) {
  return ascii_lower(trim(paragraph.value_or_empty(field))) == "yes";
}

bool keeps_architecture(const Paragraph& paragraph, std::string_view host_arch) {
  const auto architecture = trim(paragraph.value_or_empty("Architecture"));
  return architecture == host_arch || architecture == "all";
}

template <typename Keep>
std::vector<Package> packages_of(std::string_view text, std::string_view host_arch, std::string_view origin,
                                 Keep keep) {
  // Paragraph by paragraph: a full Debian index never exists as paragraphs all at once.
  std::vector<Package> packages;
  for_each_paragraph(text, origin, [&](Paragraph&& paragraph) {
    if (keep(paragraph)) packages.push_back(package_from_paragraph(paragraph, host_arch, origin));
  });
  return packages;
}

}  // namespace

bool provides_for(const Package& provider, const Relation& relation) {
  for (const auto& provided : provider.provides) {
    if (provided.name != relation.name) continue;
    if (relation.op == VersionOp::any) return true;
    if (provided.op == VersionOp::equal && relation.allows(provided.version)) return true;
  }
  return false;
}

Package package_from_paragraph(const Paragraph& paragraph, std::string_view host_arch, std::string_view origin) {
  Package package;
  package.name = trim(paragraph.value_or_empty("Package"));
  package.version = trim(paragraph.value_or_empty("Version"));
  if (package.name.empty()) throw Error(std::string(origin) + ": an entry has no Package field");
  const std::string where = std::string(origin) + ", package " + package.name;
  if (package.version.empty()) throw Error(where + ": no Version field");
  if (!is_valid_version(package.version)) throw Error(where + ": \"" + package.version + "\" is not a valid version");
  // "Source: binutils (2.40-2)" when the binary's version differs from the source's.
  const auto source = trim(paragraph.value_or_empty("Source"));
  const auto parenthesis = source.find('(');
  package.source = source.empty() ? package.name : trim(source.substr(0, parenthesis));
  package.source_version = parenthesis == std::string::npos
                               ? package.version
                               : trim(source.substr(parenthesis + 1, source.find(')') - parenthesis - 1));
  package.architecture = trim(paragraph.value_or_empty("Architecture"));
  package.multi_arch = trim(paragraph.value_or_empty("Multi-Arch"));
  package.essential = is_yes(paragraph, "Essential");
  package.important = is_yes(paragraph, "Important") || is_yes(paragraph, "Protected");
  package.priority_rank = priority_rank_of(ascii_lower(trim(paragraph.value_or_empty("Priority"))));
  const auto relations = [&](std::string_view field) {
    return parse_relations(paragraph.value_or_empty(field), host_arch, where);
  };
  const auto mention = [&](std::vector<Alternatives> groups) {
    for (const auto& group : groups) {
      for (const auto& relation : group) package.mentioned.push_back(relation.name);
    }
    return groups;
  };
  // apt's order (debListParser::NewVersion): Pre-Depends, Depends, Conflicts,
  // Breaks, Recommends, Suggests, Replaces, Enhances, then Provides.
  package.pre_depends = mention(relations("Pre-Depends"));
  package.depends = mention(relations("Depends"));
  package.conflicts = mention(relations("Conflicts"));
  package.breaks = mention(relations("Breaks"));
  for (const auto* field : {"Recommends", "Suggests"}) mention(relations(field));
  package.replaces = read_flat_relations(paragraph, "Replaces", host_arch, where);
  for (const auto& relation : package.replaces) package.mentioned.push_back(relation.name);
  mention(relations("Enhances"));
  package.provides = read_flat_relations(paragraph, "Provides", host_arch, where);
  for (const auto& relation : package.provides) package.mentioned.push_back(relation.name);
  package.filename = trim(paragraph.value_or_empty("Filename"));
  package.size = read_number(paragraph, "Size", where);
  package.sha256 = ascii_lower(trim(paragraph.value_or_empty("SHA256")));
  package.installed_size = read_number(paragraph, "Installed-Size", where);
  package.origin = std::string(origin);
  return package;
}

bool is_installed(const Paragraph& status_paragraph) {
  // "want flag status": "install ok installed", "hold ok installed"...
  const auto words = split_nonempty(status_paragraph.value_or_empty("Status"), ' ');
  return words.size() == 3 && words[2] == "installed";
}

std::vector<Package> parse_dpkg_status(std::string_view text, std::string_view host_arch, std::string_view origin) {
  return packages_of(text, host_arch, origin, [&](const Paragraph& paragraph) {
    return is_installed(paragraph) && keeps_architecture(paragraph, host_arch);
  });
}

std::vector<Package> parse_packages_index(std::string_view text, std::string_view host_arch, std::string_view origin) {
  return packages_of(text, host_arch, origin,
                     [&](const Paragraph& paragraph) { return keeps_architecture(paragraph, host_arch); });
}

}  // namespace venv2docker::debian
