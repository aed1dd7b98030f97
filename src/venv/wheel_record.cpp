#include "venv/wheel_record.h"

#include <openssl/evp.h>

#include <vector>

#include "store/digest.h"
#include "util/lexical_path.h"

namespace venv2docker {

namespace {

// Python's csv module (QUOTE_MINIMAL, '"' doubled inside quotes).
std::vector<std::string> split_csv_line(std::string_view line) {
  // Most lines quote nothing (a RECORD quotes only paths with a comma or a
  // quote in them): their fields are cut at the commas, not built a character at a time.
  if (line.find('"') == std::string_view::npos) {
    std::vector<std::string> fields;
    for (std::size_t start = 0;;) {
      const std::size_t comma = line.find(',', start);
      fields.emplace_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
      if (comma == std::string_view::npos) return fields;
      start = comma + 1;
    }
  }
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::string csv_field(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string record_hash(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  unsigned char digest[32];
  hash.finish_raw(digest);
  unsigned char base64[45];  // 4 * ceil(32 / 3) + NUL
  const int length = EVP_EncodeBlock(base64, digest, sizeof digest);
  std::string text(reinterpret_cast<const char*>(base64), static_cast<std::size_t>(length));
  // RECORD uses the URL-safe alphabet without padding (PEP 376 via PEP 427).
  for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!text.empty() && text.back() == '=') text.pop_back();
  return "sha256=" + text;
}

std::optional<std::string> update_record(
    std::string_view record, const std::function<std::optional<std::string>(const std::string& path)>& new_content) {
  std::string out;
  bool changed = false;
  std::size_t start = 0;
  while (start < record.size()) {
    std::size_t end = record.find('\n', start);
    end = end == std::string_view::npos ? record.size() : end + 1;
    std::string_view line = record.substr(start, end - start);
    start = end;
    // Keep each line's own ending: pip writes "\r\n" on some versions, "\n" on others.
    std::size_t body_length = line.size();
    while (body_length > 0 && (line[body_length - 1] == '\n' || line[body_length - 1] == '\r')) --body_length;
    const std::string_view ending = line.substr(body_length);
    const std::vector<std::string> fields = split_csv_line(line.substr(0, body_length));
    const std::optional<std::string> content =
        fields.size() == 3 && !fields[0].empty() ? new_content(fields[0]) : std::nullopt;
    if (!content) {
      out += line;
      continue;
    }
    out += csv_field(fields[0]) + "," + record_hash(*content) + "," + std::to_string(content->size());
    out += ending;
    changed = true;
  }
  if (!changed) return std::nullopt;
  return out;
}

void for_each_record_path(std::string_view record, const std::function<void(const std::string& path)>& visit) {
  std::size_t start = 0;
  while (start < record.size()) {
    std::size_t end = record.find('\n', start);
    if (end == std::string_view::npos) end = record.size();
    std::string_view line = record.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const std::string path = split_csv_line(line).front();
    if (!path.empty()) visit(path);
  }
}

std::vector<std::string> record_paths(std::string_view record) {
  std::vector<std::string> paths;
  for_each_record_path(record, [&](const std::string& path) { paths.push_back(path); });
  return paths;
}

std::string record_listed_path(const std::string& site, const std::string& listed) {
  if (listed.starts_with('/')) return std::filesystem::path(listed).lexically_normal().generic_string();
  return joined_lexically_normal(site, listed);
}

}  // namespace venv2docker
