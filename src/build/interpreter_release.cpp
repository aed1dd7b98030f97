#include "build/interpreter_release.h"

#include <cctype>

#include "build/image_interpreter.h"
#include "debian/deb822.h"
#include "debian/dpkg_database.h"
#include "debian/package.h"
#include "debian/version.h"
#include "store/cache_record.h"
#include "util/error.h"

namespace venv2docker {

namespace {

constexpr CacheRecordKind k_release_record{"interpreter-release", 1, 4096};

// "3.11.2" for a venv of Python "3.11"; a pre-release or another Python is no
// answer, as the release must be one pyvenv.cfg can name for this venv.
bool is_release_of(const std::string& release, const Venv& venv) {
  const std::string prefix = venv.python_version + ".";
  if (!release.starts_with(prefix) || release.size() == prefix.size() || release.size() > prefix.size() + 4) return false;
  for (std::size_t i = prefix.size(); i < release.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(release[i]))) return false;
  }
  return true;
}

std::string dpkg_release(const FileIndex& base_files, const Venv& venv) {
  const IndexedFile* status = base_files.find(debian::k_dpkg_status_path);
  if (!status || !status->content) return {};
  const std::string package = "python" + venv.python_version + "-minimal";
  std::string release;
  try {
    debian::for_each_paragraph(*status->content, debian::k_dpkg_status_path, [&](debian::Paragraph&& paragraph) {
      if (paragraph.value_or_empty("Package") != package || !debian::is_installed(paragraph)) return;
      release = std::string(debian::upstream_version(paragraph.value_or_empty("Version")));
    });
  } catch (const Error&) {
    // A status file dpkg could not read either: the release stays unknown and
    // pyvenv.cfg keeps the venv's; the checks read the base on their own terms.
    return {};
  }
  return release;
}

// The release pyvenv.cfg names already: `version`, else the first three parts
// of virtualenv's and uv's `version_info` ("3.11.2.final.0").
std::string venv_release(const Venv& venv) {
  if (const auto it = venv.config.find("version"); it != venv.config.end()) return it->second;
  const auto it = venv.config.find("version_info");
  if (it == venv.config.end()) return {};
  const std::string& info = it->second;
  std::size_t end = 0;
  for (std::size_t from = 0, part = 0; part < 3; ++part, from = end + 1) {
    end = info.find('.', from);
    if (end == std::string::npos) return info;
  }
  return info.substr(0, end);
}

// A release pyvenv.cfg names already asks for no change: empty, as if unknown,
// so a guess of "unknown" and the certain answer agree and relocation runs once.
std::string change_for(const Venv& venv, std::string release) {
  return release == venv_release(venv) ? std::string() : release;
}

std::filesystem::path release_record(const Image& base, const Venv& venv, const BlobStore& store) {
  return cache_record_path(store.root(), "interpreter-releases",
                           sha256_of(base.config_digest().str() + "\n" + venv.python_tag()));
}

}  // namespace

std::string likely_interpreter_release(bool from_host, const Venv& venv, const Image& base, const BlobStore& store) {
  if (from_host) return {};
  if (std::string release = python_version_variable(base).value_or(""); is_release_of(release, venv)) {
    return change_for(venv, release);
  }
  const std::optional<nlohmann::json> record = read_cache_record(release_record(base, venv, store), k_release_record);
  if (!record || !record->is_string()) return {};
  std::string release = record->get<std::string>();
  return is_release_of(release, venv) ? change_for(venv, release) : std::string();
}

std::string interpreter_release(bool from_host, const Venv& venv, const Image& base, const FileIndex& base_files,
                                const std::string& interpreter, const BlobStore& store) {
  if (from_host) return {};
  std::string release = python_version_variable(base).value_or("");
  if (!is_release_of(release, venv)) {
    release = interpreter.starts_with("/usr/bin/") ? dpkg_release(base_files, venv) : std::string();
    if (!is_release_of(release, venv)) release.clear();
  }
  const std::filesystem::path record = release_record(base, venv, store);
  if (read_cache_record(record, k_release_record) != nlohmann::json(release)) {
    write_cache_record(record, k_release_record, release);
  }
  return change_for(venv, release);
}

}  // namespace venv2docker
