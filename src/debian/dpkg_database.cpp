#include "debian/dpkg_database.h"

#include <algorithm>
#include <set>

#include "util/text_util.h"

namespace venv2docker::debian {

namespace {

LayerEntry file_entry(std::string path, std::string content, std::uint32_t mode = 0644) {
  LayerEntry entry;
  entry.path = std::move(path);
  entry.kind = EntryKind::regular;
  entry.mode = mode;
  entry.size = content.size();
  entry.content = std::move(content);
  return entry;
}

LayerEntry link_entry(std::string path, std::string target) {
  LayerEntry entry;
  entry.path = std::move(path);
  entry.kind = EntryKind::symlink;
  entry.mode = 0777;
  entry.link_target = std::move(target);
  return entry;
}

// "usr/bin/jq" lines of md5sums -> "/usr/bin/jq" -> md5.
std::map<std::string, std::string> md5_by_path(const std::map<std::string, std::string>& control_files) {
  std::map<std::string, std::string> sums;
  auto found = control_files.find("md5sums");
  if (found == control_files.end()) return sums;
  for (const auto& line : split_nonempty(found->second, '\n')) {
    auto space = line.find(' ');
    if (space == std::string::npos) continue;
    std::string path = trim(std::string_view(line).substr(space));
    sums["/" + (path.starts_with('/') ? path.substr(1) : path)] = line.substr(0, space);
  }
  return sums;
}

Paragraph status_paragraph(const InstalledPackage& package) {
  Paragraph status;
  for (const auto& field : package.control.fields()) {
    status.append(field);
    if (ascii_lower(field.name) == "package") status.append({"Status", "install ok installed"});
  }
  auto conffiles = package.control_files.find("conffiles");
  if (conffiles != package.control_files.end()) {
    std::map<std::string, std::string> sums = md5_by_path(package.control_files);
    std::string value;
    for (const auto& line : split_nonempty(conffiles->second, '\n')) {
      std::string path = trim(line);
      if (path.empty()) continue;
      auto sum = sums.find(path);
      value += "\n " + path + " " + (sum == sums.end() ? std::string("newconffile") : sum->second);
    }
    if (!value.empty()) status.set("Conffiles", value);
  }
  return status;
}

std::string sort_key(const Paragraph& paragraph) {
  return std::string(paragraph.value_or_empty("Package")) + ":" + std::string(paragraph.value_or_empty("Architecture"));
}

}  // namespace

std::string dpkg_info_name(const Paragraph& control) {
  std::string name(control.value_or_empty("Package"));
  if (trim(control.value_or_empty("Multi-Arch")) == "same") name += ":" + std::string(control.value_or_empty("Architecture"));
  return name;
}

std::vector<LayerEntry> dpkg_database_entries(std::string_view base_status, const std::vector<InstalledPackage>& packages) {
  std::set<std::string> replaced;
  for (const auto& package : packages) replaced.insert(sort_key(package.control));
  std::vector<Paragraph> paragraphs;
  for (auto& paragraph : parse_deb822(base_status, k_dpkg_status_path)) {
    if (!replaced.count(sort_key(paragraph))) paragraphs.push_back(std::move(paragraph));
  }
  for (const auto& package : packages) paragraphs.push_back(status_paragraph(package));
  // dpkg keeps its status file sorted by package name.
  std::stable_sort(paragraphs.begin(), paragraphs.end(),
                   [](const Paragraph& a, const Paragraph& b) { return sort_key(a) < sort_key(b); });
  std::string status;
  for (const auto& paragraph : paragraphs) status += paragraph.text() + "\n";

  std::vector<LayerEntry> entries;
  entries.push_back(file_entry(k_dpkg_status_path, status));
  for (const auto& package : packages) {
    std::string info = "/var/lib/dpkg/info/" + dpkg_info_name(package.control);
    std::string list;
    for (const auto& path : package.paths) list += (path == "/" ? "/." : path) + "\n";
    entries.push_back(file_entry(info + ".list", "/.\n" + list));
    for (const auto& [name, content] : package.control_files) {
      if (name == "control") continue;
      bool script = name == "preinst" || name == "postinst" || name == "prerm" || name == "postrm" || name == "config";
      entries.push_back(file_entry(info + "." + name, content, script ? 0755 : 0644));
    }
  }
  return entries;
}

std::vector<LayerEntry> alternatives_entries(const std::vector<Alternative>& alternatives,
                                             const std::vector<std::string>& base_managed,
                                             std::vector<std::string>& skipped) {
  std::map<std::string, std::vector<const Alternative*>> by_name;
  for (const auto& alternative : alternatives) by_name[alternative.name].push_back(&alternative);
  std::vector<LayerEntry> entries;
  for (auto& [name, choices] : by_name) {
    if (std::find(base_managed.begin(), base_managed.end(), name) != base_managed.end()) {
      skipped.push_back(name);
      continue;
    }
    // Highest priority wins, as update-alternatives' automatic mode does;
    // equal priorities keep the first (plan order).
    std::stable_sort(choices.begin(), choices.end(),
                     [](const Alternative* a, const Alternative* b) { return a->priority > b->priority; });
    const Alternative& best = *choices.front();
    entries.push_back(link_entry(best.link, "/etc/alternatives/" + name));
    entries.push_back(link_entry("/etc/alternatives/" + name, best.path));
    for (const auto& slave : best.slaves) {
      entries.push_back(link_entry(slave.link, "/etc/alternatives/" + slave.name));
      entries.push_back(link_entry("/etc/alternatives/" + slave.name, slave.path));
    }
    // update-alternatives' own record: mode, master link, slaves, then each choice.
    std::string record = "auto\n" + best.link + "\n";
    for (const auto& slave : best.slaves) record += slave.name + "\n" + slave.link + "\n";
    record += "\n";
    for (const Alternative* choice : choices) {
      record += choice->path + "\n" + std::to_string(choice->priority) + "\n";
      for (const auto& slave : choice->slaves) record += slave.path + "\n";
    }
    record += "\n";
    entries.push_back(file_entry("/var/lib/dpkg/alternatives/" + name, record));
  }
  return entries;
}

}  // namespace venv2docker::debian
