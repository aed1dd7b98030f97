#include "debian/apt_base_config.h"

#include <fnmatch.h>

#include <algorithm>

#include "debian/dpkg_database.h"
#include "util/error.h"
#include "util/file_bytes.h"
#include "util/text_util.h"

namespace venv2docker::debian {

namespace {

// Far more than a keyring of every Debian developer holds.
constexpr std::size_t k_max_keyring = std::size_t{64} << 20;

std::string read_host_file(const std::string& path) {
  std::optional<std::string> bytes = read_file_bytes(path, k_max_keyring);
  if (!bytes) throw Error("cannot read the keyring " + path + " named by --apt-source signed-by=");
  return *bytes;
}

}  // namespace

std::string debian_architecture(const Image& image) {
  std::string arch = image.config.value("architecture", std::string("amd64"));
  std::string variant = image.config.value("variant", std::string());
  if (arch == "amd64" || arch == "arm64" || arch == "s390x" || arch == "riscv64" || arch == "mips64le") {
    return arch == "mips64le" ? "mips64el" : arch;
  }
  if (arch == "386") return "i386";
  if (arch == "ppc64le") return "ppc64el";
  if (arch == "arm") return variant == "v5" ? "armel" : "armhf";
  throw Error("the base image's architecture \"" + arch + "\" has no Debian packages I know of");
}

ContentSelection apt_config_contents() {
  return ContentSelection({"/etc/apt/*", "/usr/share/keyrings/*", k_dpkg_status_path, "/var/lib/dpkg/alternatives/*",
                           "/etc/dpkg/dpkg.cfg", "/etc/dpkg/dpkg.cfg.d/*"});
}

BaseAptConfig::BaseAptConfig(const FileIndex& files, std::string arch) : m_files(files), m_arch(std::move(arch)) {
  std::vector<std::string> configs;
  if (content_of("/etc/dpkg/dpkg.cfg")) configs.push_back("/etc/dpkg/dpkg.cfg");
  for (const auto& file : files_in("/etc/dpkg/dpkg.cfg.d", {""})) configs.push_back(file);
  for (const auto& config : configs) {
    for (const auto& raw : split_nonempty(content_of(config).value_or(""), '\n')) {
      std::string line = trim(raw);
      for (const char* option : {"path-exclude", "path-include"}) {
        std::string prefix = std::string(option);
        if (!line.starts_with(prefix)) continue;
        std::string rest = trim(std::string_view(line).substr(prefix.size()));
        if (rest.starts_with('=')) rest = trim(std::string_view(rest).substr(1));
        m_path_rules.push_back({rest, prefix == "path-include"});
      }
    }
  }
}

std::optional<std::string> BaseAptConfig::content_of(const std::string& path) const {
  auto resolved = m_files.resolve(path);
  if (!resolved) return std::nullopt;
  const IndexedFile* file = m_files.find(*resolved);
  if (!file || file->kind != EntryKind::regular) return std::nullopt;
  return file->content;
}

std::vector<std::string> BaseAptConfig::files_in(const std::string& folder, const std::vector<std::string>& suffixes) const {
  std::vector<std::string> found;
  for (const auto& path : m_files.under(folder)) {
    if (path.find('/', folder.size() + 1) != std::string::npos) continue;  // direct children only
    bool wanted = std::any_of(suffixes.begin(), suffixes.end(), [&](const std::string& s) { return path.ends_with(s); });
    if (wanted && content_of(path)) found.push_back(path);
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::vector<AptSource> BaseAptConfig::sources() const {
  std::vector<AptSource> sources;
  auto add = [&](std::vector<AptSource> more) { sources.insert(sources.end(), more.begin(), more.end()); };
  if (auto text = content_of("/etc/apt/sources.list")) add(parse_source_lines(*text, "/etc/apt/sources.list", m_arch));
  for (const auto& file : files_in("/etc/apt/sources.list.d", {".list", ".sources"})) {
    std::string text = *content_of(file);
    add(file.ends_with(".list") ? parse_source_lines(text, file, m_arch) : parse_source_paragraphs(text, file, m_arch));
  }
  return sources;
}

std::vector<Keyring> BaseAptConfig::keyrings_for(const AptSource& source) const {
  std::vector<Keyring> keyrings;
  if (source.signed_by.empty()) {
    if (auto bytes = content_of("/etc/apt/trusted.gpg")) keyrings.push_back({"/etc/apt/trusted.gpg", *bytes});
    for (const auto& file : files_in("/etc/apt/trusted.gpg.d", {".gpg", ".asc"})) keyrings.push_back({file, *content_of(file)});
    return keyrings;
  }
  for (const auto& item : source.signed_by) {
    if (item.find("BEGIN PGP PUBLIC KEY BLOCK") != std::string::npos) {
      keyrings.push_back({"the Signed-By key of " + source.origin, item});
    } else if (!item.starts_with('/')) {
      throw Error(source.origin + ": Signed-By \"" + item + "\" is a fingerprint; only keyring files are supported",
                  "point Signed-By at a keyring file");
    } else if (source.keyrings_on_host) {
      keyrings.push_back({item, read_host_file(item)});
    } else if (auto bytes = content_of(item)) {
      keyrings.push_back({item, *bytes});
    } else {
      throw Error(source.origin + ": its Signed-By keyring " + item + " is not in the base image");
    }
  }
  return keyrings;
}

std::string BaseAptConfig::dpkg_status() const { return content_of(k_dpkg_status_path).value_or(""); }

bool BaseAptConfig::has_dpkg() const { return content_of(k_dpkg_status_path).has_value(); }

bool BaseAptConfig::excluded_by_dpkg(const std::string& path) const {
  bool excluded = false;
  for (const auto& rule : m_path_rules) {
    // dpkg matches with plain fnmatch: '*' crosses '/'.
    if (fnmatch(rule.glob.c_str(), path.c_str(), 0) == 0) excluded = !rule.include;
  }
  return excluded;
}

std::vector<std::string> BaseAptConfig::managed_alternatives() const {
  std::vector<std::string> names;
  for (const auto& path : files_in("/var/lib/dpkg/alternatives", {""})) names.push_back(path.substr(path.rfind('/') + 1));
  return names;
}

}  // namespace venv2docker::debian
