// AptArchives (apt_archives.h): resolve, fetch, unpack and describe the
// packages as dpkg would have left them.
#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <utility>

#include "debian/apt_archives.h"
#include "debian/apt_catalog.h"
#include "debian/deb_file.h"
#include "debian/dpkg_database.h"
#include "debian/install_plan_cache.h"
#include "debian/install_plan_json.h"
#include "debian/maintainer_scripts.h"
#include "debian/package_naming.h"
#include "debian/resolver.h"
#include "tar/image_path.h"
#include "util/error.h"
#include "util/file_bytes.h"
#include "util/text_util.h"

namespace venv2docker {

namespace fs = std::filesystem;
using namespace debian;

namespace {

// Where a package's path lands in the base: dpkg follows the base's symlinks
// to folders (merged /usr: /lib -> usr/lib) instead of replacing them.
class BaseLayout {
 public:
  explicit BaseLayout(const FileIndex& files) : m_files(files) {}

  /// The path with every folder component resolved through the base's links.
  std::string place(const std::string& path) {
    if (path == "/") return path;
    return join_image_path(folder(image_parent_of(path)), path.substr(path.rfind('/') + 1));
  }
  /// True when the base has a link to a folder at `path` (dpkg keeps it).
  bool is_folder_link(const std::string& path) { return place(path) != folder(path); }

 private:
  std::string folder(const std::string& path) {
    if (path == "/") return path;
    auto known = m_folders.find(path);
    if (known != m_folders.end()) return known->second;
    std::string placed = place(path);
    const IndexedFile* file = m_files.find(placed);
    if (file && file->kind == EntryKind::symlink) {
      if (auto resolved = m_files.resolve(placed)) {
        const IndexedFile* target = m_files.find(*resolved);
        if (target && target->kind == EntryKind::directory) placed = *resolved;
      }
    }
    return m_folders[path] = placed;
  }

  const FileIndex& m_files;
  std::map<std::string, std::string> m_folders;
};

}  // namespace

// What one build reads from its apt sources, each read at most once.
struct AptArchives::Session {
  Session(const AptOptions& options, const Image& base, const FileIndex& base_files, const BlobStore& store,
          Reporter& reporter)
      : options(options),
        base_files(base_files),
        store(store),
        reporter(reporter),
        config(base_files, debian_architecture(base)),
        client(store, reporter, options.allow_unauthenticated) {}

  const std::vector<SourceRelease>& releases() {
    if (!m_releases) m_releases = read_releases(effective_sources(options, config), config, client, reporter);
    return *m_releases;
  }
  const PackageUniverse& catalog() {
    if (!m_catalog) m_catalog = load_catalog(releases(), config, client);
    return *m_catalog;
  }

  const AptOptions& options;
  const FileIndex& base_files;
  const BlobStore& store;
  Reporter& reporter;
  BaseAptConfig config;
  AptArchiveClient client;

 private:
  std::optional<std::vector<SourceRelease>> m_releases;
  std::optional<PackageUniverse> m_catalog;
};

namespace {

void report_plan(const std::vector<Package>& plan, Reporter& reporter) {
  std::uint64_t download = 0, installed = 0;
  std::string lines;
  for (const Package& package : plan) {
    download += package.size;
    installed += package.installed_size * 1024;
    lines += "\n    " + package.name + " " + package.version + " (" + human_bytes(package.size) + ")";
  }
  reporter.step("Installing " + std::to_string(plan.size()) + " Debian package" + (plan.size() == 1 ? "" : "s") +
                " (" + human_bytes(download) + " to download, " + human_bytes(installed) + " installed):" + lines);
}

// A plan another runner recorded under `key` (a registry cache record), when
// it is one these Releases and this base could have given; a plan that is
// not is a warning, and the build resolves as without it.
std::optional<std::vector<Package>> shared_plan(AptArchives::Session& session, const SharedPlans& shared,
                                                const Digest& key) {
  const std::optional<SharedPlan> recorded = shared.find(key);
  if (!recorded) return std::nullopt;
  try {
    return install_plan_from_json(recorded->plan, session.releases(), session.config.arch(),
                                  "the --apt plan in " + recorded->where);
  } catch (const Error& error) {
    session.reporter.warning(std::string(error.what()) + "; resolving the --apt request again");
    return std::nullopt;
  }
}

// The packages to unpack: a recorded plan (this machine's, else a shared
// record's) when the sources' Releases, the base and the request are those it
// was made for, else resolved afresh.
std::vector<Package> plan_packages(AptArchives::Session& session, const std::vector<std::string>& requested,
                                   const std::optional<SharedPlans>& shared) {
  const std::vector<SourceRelease>& releases = session.releases();
  const Digest key = install_plan_key(releases, session.config, requested);
  std::optional<std::vector<Package>> packages = find_install_plan(key, session.store, releases, session.config.arch());
  if (packages) {
    session.reporter.detail("Same sources, base and request as before: reusing the resolved plan");
  } else if (shared && (packages = shared_plan(session, *shared, key))) {
    session.reporter.detail("Same sources, base and request as the cache record's: reusing its resolved plan");
    record_install_plan(key, *packages, releases, session.store);
  } else {
    InstallPlan plan = resolve_install(session.catalog(), requested);
    for (const auto& note : plan.notes) session.reporter.detail(note);
    packages.emplace();
    for (const Package* package : plan.packages) packages->push_back(*package);
    record_install_plan(key, *packages, releases, session.store);
  }
  if (shared) shared->learn(key, install_plan_json(*packages, releases));
  return *packages;
}

Paragraph control_paragraph(const UnpackedDeb& deb, const Package& package) {
  auto paragraphs = parse_deb822(deb.control_files.at("control"), package.filename + " control");
  if (paragraphs.empty() || paragraphs.front().value_or_empty("Package") != package.name) {
    throw Error(package.filename + " is not the package " + package.name + " its index lists");
  }
  return paragraphs.front();
}

}  // namespace

std::vector<std::string> apt_request_names(const std::vector<std::string>& requests) {
  std::vector<std::string> names;
  for (const auto& request : requests) {
    std::string text = request;
    std::error_code ec;
    if (fs::is_regular_file(request, ec)) {
      // A list of package names, one or a few per line.
      constexpr std::size_t k_max_request_file = std::size_t{16} << 20;
      std::istringstream in(read_whole_file(request, k_max_request_file, "the --apt list"));
      text.clear();
      for (std::string line; std::getline(in, line);) text += line.substr(0, line.find('#')) + "\n";
    }
    std::replace(text.begin(), text.end(), ',', ' ');
    for (const auto& name : split_words(text)) {
      if (name.find_first_of("/\\") != std::string::npos) {
        throw UsageError("--apt " + request + ": \"" + name + "\" is not a package name, and no such file exists");
      }
      names.push_back(name);
    }
  }
  if (names.empty()) throw UsageError("--apt names no packages");
  return names;
}

AptArchives::AptArchives(const AptOptions& options, const Image& base, std::function<const FileIndex&()> base_files,
                         const BlobStore& store, Reporter& reporter, std::optional<SharedPlans> shared)
    : m_options(options),
      m_base(base),
      m_base_files(std::move(base_files)),
      m_store(store),
      m_reporter(reporter),
      m_shared(std::move(shared)) {}

AptArchives::~AptArchives() = default;

AptArchives::Session& AptArchives::session() {
  if (!m_session) m_session = std::make_unique<Session>(m_options, m_base, m_base_files(), m_store, m_reporter);
  return *m_session;
}

bool AptArchives::usable() {
  try {
    const BaseAptConfig& config = session().config;
    if (!config.has_dpkg()) return false;
    return !m_options.extra_sources.empty() || !config.sources().empty();
  } catch (const Error&) {
    return false;  // an architecture Debian does not build for, or sources that cannot be read
  }
}

AptLayerContents AptArchives::prepare_layer() { return unpack_layer(plan_layer()); }

AptLayerPlan AptArchives::plan_layer() {
  Session& session = this->session();
  if (!session.config.has_dpkg()) {
    throw Error("the base image has no dpkg database (" + std::string(k_dpkg_status_path) +
                    "), so --apt cannot install into it",
                "use a Debian or Ubuntu base image");
  }
  std::vector<Package> packages = plan_packages(session, apt_request_names(session.options.requests), m_shared);
  if (packages.empty()) {
    session.reporter.step("The requested Debian packages are already in the base image");
  } else {
    report_plan(packages, session.reporter);
  }
  // Bumped when unpack_layer's rules change (what it keeps, where it places it, what dpkg's files say).
  nlohmann::json key = {{"apt layer files", 1}, {"base", m_base.manifest_digest().str()}, {"debs", nlohmann::json::array()}};
  std::vector<std::string> installed;
  for (const Package& package : packages) {
    installed.push_back(package.label());
    key["debs"].push_back({package.name, package.sha256, package.size});
  }
  return AptLayerPlan{std::move(packages), std::move(installed), sha256_of(key.dump())};
}

std::string AptArchives::planned_dpkg_status(const AptLayerPlan& plan) {
  Session& session = this->session();
  std::vector<InstalledPackage> installed;
  for (const Package& package : plan.packages) {
    Paragraph control;
    control.append({"Package", package.name});
    control.append({"Version", package.version});
    control.append({"Architecture", package.architecture});
    installed.push_back({std::move(control), {}, {}});
  }
  return *dpkg_database_entries(session.config.dpkg_status(), installed).front().content;
}

AptLayerContents AptArchives::unpack_layer(const AptLayerPlan& layer_plan) {
  Session& session = this->session();
  const BaseAptConfig& config = session.config;
  AptArchiveClient& client = session.client;
  Reporter& reporter = session.reporter;
  const std::vector<Package>& plan = layer_plan.packages;
  AptLayerContents contents;
  if (plan.empty()) return contents;
  const auto warn = [&](const std::string& warning) {
    reporter.warning(warning);
    contents.warnings.push_back(warning);
  };

  BaseLayout layout(session.base_files);
  std::map<std::string, LayerEntry> by_path;  // later packages win, as dpkg's overwrites do
  std::vector<InstalledPackage> installed;
  std::vector<Alternative> alternatives;
  std::vector<std::string> postinst_not_run;
  for (const Package& package : plan) {
    Digest deb = client.fetch_deb(package.archive_uri, package.filename, package.sha256, package.size);
    UnpackedDeb unpacked = unpack_deb(deb, session.store, package.filename);
    for (const std::string& warning : unpacked.warnings) warn(warning);
    InstalledPackage record{control_paragraph(unpacked, package), unpacked.control_files, {}};
    for (auto& entry : unpacked.entries) {
      if (entry.kind != EntryKind::directory && config.excluded_by_dpkg(entry.path)) continue;
      record.paths.push_back(entry.path);
      if (entry.kind == EntryKind::directory && layout.is_folder_link(entry.path)) continue;
      entry.path = layout.place(entry.path);
      by_path[entry.path] = std::move(entry);
    }
    if (auto postinst = unpacked.control_files.find("postinst"); postinst != unpacked.control_files.end()) {
      PostinstAnalysis analysis = analyse_postinst(postinst->second);
      alternatives.insert(alternatives.end(), analysis.alternatives.begin(), analysis.alternatives.end());
      if (analysis.unhandled) {
        postinst_not_run.push_back(package.name + " (\"" + utf8_for_message(*analysis.unhandled) + "\")");
      }
    }
    installed.push_back(std::move(record));
    contents.installed.push_back(package.label());
  }
  reporter.end_progress();
  std::vector<std::string> skipped;
  std::vector<LayerEntry> extra = dpkg_database_entries(config.dpkg_status(), installed);
  for (auto& entry : alternatives_entries(alternatives, config.managed_alternatives(), skipped)) {
    entry.path = layout.place(entry.path);
    extra.push_back(std::move(entry));
  }
  for (auto& entry : extra) by_path[entry.path] = std::move(entry);
  for (auto& [path, entry] : by_path) contents.entries.push_back(std::move(entry));
  for (const auto& name : skipped) {
    warn("the base already manages the alternative " + name + "; left as it is");
  }
  if (!postinst_not_run.empty()) {
    std::string list;
    for (const auto& item : postinst_not_run) list += (list.empty() ? "" : ", ") + item;
    warn("not run (no daemon runs anything in the image): the postinst of " + list +
                     ". These packages are unpacked and registered; if they need their configuration step, run "
                     "`dpkg --configure -a` in a container built from the image");
  }
  return contents;
}

namespace {

// The first of `names` the sources offer: a package of that name, else one
// that declares "Provides: NAME".
std::optional<std::string> offered_package(const PackageUniverse& universe, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    if (!universe.candidates(name).empty()) return name;
    if (const auto& providers = universe.providers(name); !providers.empty()) return providers.front()->name;
  }
  return std::nullopt;
}

}  // namespace

Digest AptArchives::answers_key(const std::vector<std::string>& question) {
  Session& session = this->session();
  return install_plan_key(session.releases(), session.config, question);
}

std::map<std::string, std::string> AptArchives::packages_for_libraries(const std::vector<std::string>& sonames) {
  const PackageUniverse& universe = session().catalog();
  std::map<std::string, std::string> found;
  for (const auto& soname : sonames) {
    const std::optional<std::string> named = library_package_name(soname);
    if (!named) continue;
    // Some library packages also declare "Provides: libfoo.so.N".
    if (auto package = offered_package(universe, {*named, soname})) found[soname] = *package;
  }
  return found;
}

std::map<std::string, std::string> AptArchives::packages_for_python_distributions(
    const std::vector<std::string>& distributions) {
  const PackageUniverse& universe = session().catalog();
  std::map<std::string, std::string> found;
  for (const auto& distribution : distributions) {
    if (auto package = offered_package(universe, python_package_names(distribution))) found[distribution] = *package;
  }
  return found;
}

}  // namespace venv2docker
