// New RECORD hashes for the installed files the other steps rewrote.
#include <algorithm>

#include "relocate/relocate_records.h"
#include "util/lexical_path.h"
#include "venv/wheel_record.h"

namespace venv2docker {

namespace fs = std::filesystem;

void update_wheel_records(RelocationContext& context) {
  const std::string site = context.site_packages + "/";
  const auto records = context.select([&](const LayerEntry& entry) {
    return entry.kind == EntryKind::regular && entry.path.starts_with(site) &&
           entry.path.ends_with(".dist-info/RECORD") &&
           std::count(entry.path.begin() + static_cast<std::ptrdiff_t>(site.size()), entry.path.end(), '/') == 1;
  });
  for (LayerEntry* record : records) {
    // RECORD paths are relative to site-packages ("../../../bin/tool"), or
    // absolute (Poetry's editable installs), by now image paths.
    auto new_content = [&](const std::string& listed) -> std::optional<std::string> {
      const std::string image = listed.starts_with('/') ? fs::path(listed).lexically_normal().generic_string()
                                                        : joined_lexically_normal(context.site_packages, listed);
      const LayerEntry* entry = context.find(image);
      if (!entry || entry == record || !context.was_rewritten(*entry)) return std::nullopt;
      return *entry->content;
    };
    if (auto updated = update_record(context.read(*record), new_content)) context.rewrite(*record, std::move(*updated));
  }
}

}  // namespace venv2docker
