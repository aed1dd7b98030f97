#include "venv/core_metadata.h"

#include <system_error>

#include "util/file_bytes.h"
#include "util/text_util.h"

namespace venv2docker {

namespace fs = std::filesystem;

namespace {

void keep_field(CoreMetadata& metadata, std::string_view name, std::string value) {
  const std::string key = ascii_lower(name);
  if (key == "name") metadata.name = std::move(value);
  else if (key == "version") metadata.version = std::move(value);
  else if (key == "license-expression") metadata.license_expression = std::move(value);
  else if (key == "license") metadata.license = std::move(value);
  else if (key == "classifier") metadata.classifiers.push_back(std::move(value));
}

}  // namespace

CoreMetadata parse_core_metadata(std::string_view text) {
  CoreMetadata metadata;
  std::string name, value;
  bool open = false;
  auto flush = [&] {
    if (open) keep_field(metadata, name, trim(value));
    open = false;
  };
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) break;  // the description follows
    if (line.front() == ' ' || line.front() == '\t') {
      if (!open) break;
      value += '\n';
      value += trim(line);
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) break;
    flush();
    name = std::string(line.substr(0, colon));
    value = std::string(line.substr(colon + 1));
    open = true;
  }
  flush();
  return metadata;
}

std::optional<CoreMetadata> read_core_metadata(const fs::path& metadata_entry) {
  std::error_code error;
  fs::path file;
  if (fs::is_directory(metadata_entry, error)) {
    file = metadata_entry / (metadata_entry.extension() == ".dist-info" ? "METADATA" : "PKG-INFO");
  } else {
    file = metadata_entry;
  }
  if (!fs::is_regular_file(file, error)) return std::nullopt;
  return parse_core_metadata(read_whole_file(file, k_max_core_metadata, "the metadata of a distribution"));
}

}  // namespace venv2docker
