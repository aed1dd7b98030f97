// New RECORD hashes for the installed files the other steps rewrote.
#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "relocate/relocate_records.h"
#include "venv/wheel_record.h"

namespace venv2docker {

void update_wheel_records(RelocationContext& context) {
  const std::string site = context.site_packages + "/";
  const auto records = context.select([&](const LayerEntry& entry) {
    return entry.kind == EntryKind::regular && entry.path.starts_with(site) &&
           entry.path.ends_with(".dist-info/RECORD") &&
           std::count(entry.path.begin() + static_cast<std::ptrdiff_t>(site.size()), entry.path.end(), '/') == 1;
  });
  // A line can name a rewritten file only if its last name is one of theirs
  // (unless it ends in "." or ".."): the other lines of a large distribution's
  // RECORD are not resolved at all.
  std::unordered_set<std::string_view> rewritten_names;
  for (const std::string& path : context.rewritten_paths()) {
    rewritten_names.insert(std::string_view(path).substr(path.rfind('/') + 1));
  }
  const auto may_name_a_rewritten_file = [&](std::string_view listed) {
    const std::string_view name = listed.substr(listed.rfind('/') + 1);
    return name.empty() || name == "." || name == ".." || rewritten_names.contains(name);
  };
  for (LayerEntry* record : records) {
    // RECORD paths are relative to site-packages ("../../../bin/tool"), or
    // absolute (Poetry's editable installs), by now image paths.
    auto new_content = [&](const std::string& listed) -> std::optional<std::string> {
      if (!may_name_a_rewritten_file(listed)) return std::nullopt;
      const LayerEntry* entry = context.find(record_listed_path(context.site_packages, listed));
      if (!entry || entry == record || !context.was_rewritten(*entry)) return std::nullopt;
      return *entry->content;
    };
    if (auto updated = update_record(context.read(*record), new_content)) {
      context.rewrite(*record, std::move(*updated));
      rewritten_names.insert("RECORD");  // as another RECORD may list it
    }
  }
}

}  // namespace venv2docker
