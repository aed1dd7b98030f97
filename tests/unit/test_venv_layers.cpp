#include <algorithm>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>

#include "build/venv_layers_job.h"
#include "layer/layer_writer.h"
#include "temp_dir.h"
#include "venv/venv_layers.h"
#include "venv/wheel_record.h"
#include "venv_fixture.h"
#include "walk/tree_walk.h"

using namespace venv2docker;
namespace fs = std::filesystem;

namespace {

constexpr const char* k_venv = "/opt/venv";
constexpr const char* k_site = "/opt/venv/lib/python3.11/site-packages";

LayerEntry folder(const std::string& path) { return {path, EntryKind::directory, 0755, {}, {}, std::nullopt, 0, std::nullopt}; }
LayerEntry text(const std::string& path, const std::string& bytes) {
  return {path, EntryKind::regular, 0644, {}, {}, bytes, bytes.size(), std::nullopt};
}
// A file the split never reads (only RECORDs are read): its size is all that counts.
LayerEntry sized(const std::string& path, std::uint64_t size) {
  return {path, EntryKind::regular, 0644, {}, "/nonexistent", std::nullopt, size, std::nullopt};
}

// site-packages with one distribution per (name, size): a package folder with
// one module of that size, its .dist-info with a RECORD, and a console script.
std::vector<LayerEntry> synthetic_venv(const std::vector<std::pair<std::string, std::uint64_t>>& distributions) {
  const std::string site = k_site;
  std::vector<LayerEntry> entries = {
      folder(k_venv), folder("/opt/venv/bin"), folder("/opt/venv/lib"), folder("/opt/venv/lib/python3.11"),
      folder(site), text("/opt/venv/pyvenv.cfg", "home = /usr/bin\n"),
      LayerEntry{"/opt/venv/bin/python", EntryKind::symlink, 0777, "/usr/bin/python3.11", {}, std::nullopt, 0, std::nullopt},
      text("/opt/venv/bin/activate", "# activate\n"),
  };
  for (const auto& [name, size] : distributions) {
    const std::string info = site + "/" + name + "-1.0.dist-info";
    entries.push_back(folder(site + "/" + name));
    entries.push_back(sized(site + "/" + name + "/__init__.py", size));
    entries.push_back(folder(info));
    entries.push_back(text(info + "/METADATA", "Name: " + name + "\n"));
    entries.push_back(text(info + "/RECORD", name + "/__init__.py,sha256=x," + std::to_string(size) + "\n" +
                                                 "../../../bin/" + name + ",,\n" + name + "-1.0.dist-info/RECORD,,\n"));
    entries.push_back(text("/opt/venv/bin/" + name, "#!/opt/venv/bin/python\n"));
  }
  return entries;
}

const LayerGroup* group_holding(const std::vector<LayerGroup>& groups, const std::string& path) {
  const LayerGroup* found = nullptr;
  for (const auto& group : groups) {
    for (const auto& entry : group.entries) {
      if (entry.path == path && entry.kind != EntryKind::directory) found = &group;
    }
  }
  return found;
}

// Every file and link in exactly one group; every folder in at least one, the
// same everywhere; nothing invented.
void check_partition(const std::vector<LayerEntry>& entries, const std::vector<LayerGroup>& groups) {
  std::map<std::string, int> seen;
  std::map<std::string, const LayerEntry*> original;
  for (const auto& entry : entries) original[entry.path] = &entry;
  for (const auto& group : groups) {
    std::set<std::string> in_group;
    for (const auto& entry : group.entries) {
      INFO(group.name << ": " << entry.path);
      REQUIRE(original.count(entry.path));
      CHECK(in_group.insert(entry.path).second);
      CHECK(entry.kind == original[entry.path]->kind);
      CHECK(entry.mode == original[entry.path]->mode);
      ++seen[entry.path];
    }
  }
  for (const auto& entry : entries) {
    INFO(entry.path);
    if (entry.kind == EntryKind::directory) {
      CHECK(seen[entry.path] >= 1);
    } else {
      CHECK(seen[entry.path] == 1);
    }
  }
}

// A real venv made by the host's python -m venv.
fs::path make_venv(const fs::path& where) {
  test::run(test::host_python() + " -m venv " + test::sh_quote(where.string()));
  return where;
}

std::vector<std::string> digests_of(const std::vector<LayerGroup>& groups, const BlobStore& store) {
  LayerOptions options;
  options.level = 1;
  std::vector<std::string> digests;
  for (const auto& group : groups) digests.push_back(write_layer(group.entries, options, store).blob.digest.str());
  return digests;
}

}  // namespace

TEST_CASE("venv layers: RECORDs decide who owns what; the rest is the skeleton", "[venv_layers]") {
  auto entries = synthetic_venv({{"big", 6'000'000}, {"tiny", 1000}});
  entries.push_back(sized(std::string(k_site) + "/big/__pycache__/__init__.cpython-311.pyc", 5000));  // in no RECORD
  entries.push_back(folder(std::string(k_site) + "/big/__pycache__"));
  entries.push_back(sized(std::string(k_site) + "/loose.py", 10));  // no distribution's folder
  const auto groups = split_venv_layers(entries, k_venv, 16);
  REQUIRE(groups.size() == 3);
  check_partition(entries, groups);

  CHECK(groups[0].name == "venv skeleton");
  CHECK(groups[0].distributions.empty());
  CHECK(groups[1].name == "venv packages big");
  CHECK(groups[2].name == "venv packages tiny");
  CHECK(group_holding(groups, "/opt/venv/pyvenv.cfg") == &groups[0]);
  CHECK(group_holding(groups, "/opt/venv/bin/python") == &groups[0]);
  CHECK(group_holding(groups, "/opt/venv/bin/activate") == &groups[0]);
  CHECK(group_holding(groups, std::string(k_site) + "/loose.py") == &groups[0]);
  CHECK(group_holding(groups, "/opt/venv/bin/big") == &groups[1]);  // ../../../bin/big
  CHECK(group_holding(groups, std::string(k_site) + "/big/__pycache__/__init__.cpython-311.pyc") == &groups[1]);
  CHECK(group_holding(groups, std::string(k_site) + "/big-1.0.dist-info/METADATA") == &groups[1]);
  CHECK(group_holding(groups, std::string(k_site) + "/tiny/__init__.py") == &groups[2]);

  // A package layer repeats the venv's folders above its files, with their modes.
  bool has_site = false;
  for (const auto& entry : groups[1].entries) has_site |= entry.path == k_site;
  CHECK(has_site);
}

TEST_CASE("venv layers: a RECORD's absolute line claims its file, as the RECORD rehash resolves it", "[venv_layers]") {
  auto entries = synthetic_venv({{"big", 6'000'000}, {"proj", 1000}});
  // Poetry's editable install: the RECORD names the copied source by its absolute path.
  const std::string source = "/opt/venv/src/proj/proj/__init__.py";
  entries.push_back(folder("/opt/venv/src"));
  entries.push_back(folder("/opt/venv/src/proj"));
  entries.push_back(folder("/opt/venv/src/proj/proj"));
  entries.push_back(sized(source, 5'000'000));
  for (LayerEntry& entry : entries) {
    if (entry.path == std::string(k_site) + "/proj-1.0.dist-info/RECORD") {
      entry.content = *entry.content + source + ",sha256=x,5000000\n";
      entry.size = entry.content->size();
    }
  }
  CHECK(record_listed_path(k_site, source) == source);
  CHECK(record_listed_path(k_site, "../../../bin/proj") == "/opt/venv/bin/proj");
  const auto groups = split_venv_layers(entries, k_venv, 16);
  check_partition(entries, groups);
  const LayerGroup* proj = group_holding(groups, std::string(k_site) + "/proj/__init__.py");
  REQUIRE(proj != nullptr);
  CHECK(proj->name == "venv packages proj");
  CHECK(group_holding(groups, source) == proj);
}

TEST_CASE("venv layers: the layer budget holds and the split is deterministic", "[venv_layers]") {
  std::vector<std::pair<std::string, std::uint64_t>> distributions;
  for (int i = 0; i < 30; ++i) {
    distributions.emplace_back("pkg" + std::to_string(i), i % 3 == 0 ? 6'000'000 + i : 1000 + i);
  }
  const auto entries = synthetic_venv(distributions);
  for (unsigned budget : {1u, 2u, 3u, 5u, 8u, 16u, 100u}) {
    INFO("--max-layers " << budget);
    const auto groups = split_venv_layers(entries, k_venv, budget);
    CHECK(groups.size() <= budget);
    CHECK(!groups.empty());
    check_partition(entries, groups);
    std::set<std::string> named;
    for (const auto& group : groups) {
      for (const auto& name : group.distributions) CHECK(named.insert(name).second);
    }
    CHECK(named.size() == (budget == 1 ? 0u : 30u));  // one layer: not split, nothing named

    auto again = entries;
    std::reverse(again.begin(), again.end());  // found in another order
    const auto second = split_venv_layers(again, k_venv, budget);
    REQUIRE(second.size() == groups.size());
    for (std::size_t g = 0; g < groups.size(); ++g) {
      CHECK(second[g].name == groups[g].name);
      REQUIRE(second[g].entries.size() == groups[g].entries.size());
      for (std::size_t e = 0; e < groups[g].entries.size(); ++e) CHECK(second[g].entries[e].path == groups[g].entries[e].path);
    }
  }
  const auto one = split_venv_layers(entries, k_venv, 1);
  REQUIRE(one.size() == 1);
  CHECK(one[0].name == "venv");
  CHECK(one[0].entries.size() == entries.size());
  // 10 large distributions, a budget of 16: skeleton + 10 own + at most 4 shared.
  const auto sixteen = split_venv_layers(entries, k_venv, 16);
  CHECK(sixteen.size() <= 1 + 10 + k_max_shared_layers);
  CHECK(group_holding(sixteen, std::string(k_site) + "/pkg3/__init__.py")->name == "venv packages pkg3");
}

TEST_CASE("venv layers: split from the entries themselves, the groups are the copying split's", "[venv_layers]") {
  std::vector<std::pair<std::string, std::uint64_t>> distributions;
  for (int i = 0; i < 12; ++i) distributions.emplace_back("pkg" + std::to_string(i), i % 4 == 0 ? 6'000'000 : 100 + i);
  auto entries = synthetic_venv(distributions);
  entries[3].source_stat = SourceStat{1, 2, 3, 4, 5};
  std::reverse(entries.begin(), entries.end());  // not sorted: the split sorts references
  for (unsigned budget : {1u, 3u, 16u}) {
    INFO("--max-layers " << budget);
    const auto copied = split_venv_layers(entries, k_venv, budget);
    std::vector<LayerEntry> moved_from = entries;
    const auto moved = split_venv_layers(std::move(moved_from), k_venv, budget);
    CHECK(moved_from.empty());
    REQUIRE(moved.size() == copied.size());
    for (std::size_t g = 0; g < copied.size(); ++g) {
      CHECK(moved[g].name == copied[g].name);
      CHECK(moved[g].distributions == copied[g].distributions);
      REQUIRE(moved[g].entries.size() == copied[g].entries.size());
      for (std::size_t e = 0; e < copied[g].entries.size(); ++e) {
        const LayerEntry& a = moved[g].entries[e];
        const LayerEntry& b = copied[g].entries[e];
        INFO(b.path);
        CHECK(a.path == b.path);
        CHECK(a.kind == b.kind);
        CHECK(a.mode == b.mode);
        CHECK(a.link_target == b.link_target);
        CHECK(a.source == b.source);
        CHECK(a.content == b.content);
        CHECK(a.size == b.size);
        CHECK(a.source_stat == b.source_stat);
      }
    }
  }
}

TEST_CASE("venv layers: adding a small distribution leaves the other shared layers alone", "[venv_layers]") {
  std::vector<std::pair<std::string, std::uint64_t>> distributions;
  for (int i = 0; i < 12; ++i) distributions.emplace_back("small" + std::to_string(i), 100);
  const auto before = split_venv_layers(synthetic_venv(distributions), k_venv, 16);
  distributions.emplace_back("newcomer", 100);
  const auto after = split_venv_layers(synthetic_venv(distributions), k_venv, 16);
  const std::string newcomer_layer = group_holding(after, std::string(k_site) + "/newcomer/__init__.py")->name;
  for (int i = 0; i < 12; ++i) {
    const std::string path = std::string(k_site) + "/small" + std::to_string(i) + "/__init__.py";
    const auto& was = group_holding(before, path)->distributions;
    const auto& now = group_holding(after, path)->distributions;
    std::vector<std::string> now_without_newcomer;
    for (const auto& name : now) {
      if (name != "newcomer") now_without_newcomer.push_back(name);
    }
    CHECK(was == now_without_newcomer);
  }
  CHECK(newcomer_layer.find("newcomer") != std::string::npos);
}

TEST_CASE("venv layers: a real venv; changing one package changes one layer", "[venv_layers]") {
  test::TempDir tmp;
  const fs::path venv = make_venv(tmp / "venv");
  std::vector<std::string> warnings;
  const auto entries = walk_tree(WalkOptions{venv, k_venv, {}, {}}, warnings);

  const auto groups = split_venv_layers(entries, k_venv, 16);
  check_partition(entries, groups);
  REQUIRE(groups.size() >= 2);
  CHECK(groups[0].name == "venv skeleton");
  std::set<std::string> distributions;
  for (const auto& group : groups) distributions.insert(group.distributions.begin(), group.distributions.end());
  CHECK(distributions.count("pip"));
  const LayerGroup* pip = nullptr;
  for (const auto& group : groups) {
    for (const auto& entry : group.entries) {
      if (entry.path.ends_with("/site-packages/pip/__init__.py")) pip = &group;
    }
  }
  REQUIRE(pip != nullptr);
  CHECK(pip != &groups[0]);
  CHECK(std::find(pip->distributions.begin(), pip->distributions.end(), "pip") != pip->distributions.end());
  CHECK(group_holding(groups, std::string(k_venv) + "/pyvenv.cfg") == &groups[0]);
  CHECK(group_holding(groups, std::string(k_venv) + "/bin/python") == &groups[0]);
  CHECK(group_holding(groups, std::string(k_venv) + "/bin/activate") == &groups[0]);
  CHECK(group_holding(groups, std::string(k_venv) + "/bin/pip") == pip);

  BlobStore store(tmp / "cache");
  const auto before = digests_of(groups, store);
  CHECK(digests_of(split_venv_layers(entries, k_venv, 16), store) == before);  // deterministic

  // "Upgrade" pip: one of its modules changes.
  fs::path module;
  for (const auto& entry : fs::recursive_directory_iterator(venv)) {
    if (entry.path().filename() == "__init__.py" && entry.path().parent_path().filename() == "pip") module = entry.path();
  }
  REQUIRE(!module.empty());
  std::ofstream(module, std::ios::app) << "# bumped\n";
  const auto changed_entries = walk_tree(WalkOptions{venv, k_venv, {}, {}}, warnings);
  const auto changed_groups = split_venv_layers(changed_entries, k_venv, 16);
  REQUIRE(changed_groups.size() == groups.size());
  const auto after = digests_of(changed_groups, store);
  int differing = 0;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    CHECK(changed_groups[g].name == groups[g].name);
    if (after[g] != before[g]) {
      ++differing;
      CHECK(&groups[g] == pip);
    }
  }
  CHECK(differing == 1);
}

TEST_CASE("venv layers job: the layers of split and write, written in the background", "[venv_layers]") {
  test::TempDir tmp;
  std::vector<std::string> warnings;
  const auto entries = walk_tree(WalkOptions{make_venv(tmp / "venv"), k_venv, {}, {}}, warnings);
  LayerOptions options;
  options.level = 1;

  SECTION("the same layers, in the same order, as writing the split directly") {
    BlobStore store(tmp / "cache");
    const auto groups = split_venv_layers(entries, k_venv, 16);
    const auto direct = digests_of(groups, store);
    VenvLayersJob job(std::make_shared<const std::vector<LayerGroup>>(split_venv_layers(entries, k_venv, 16)), options,
                      store);
    Reporter quiet(Verbosity::quiet);
    const VenvLayersWritten written = job.wait("venv layers", quiet);
    REQUIRE(written.layers.size() == groups.size());
    REQUIRE(written.reused.size() == groups.size());
    for (std::size_t i = 0; i < groups.size(); ++i) {
      CHECK(written.layers[i].name == groups[i].name);
      CHECK(written.layers[i].layer.blob.digest.str() == direct[i]);
    }
  }

  SECTION("destroyed before wait: cancelled, with no half-written blob left") {
    BlobStore store(tmp / "cancelled-cache");
    {
      VenvLayersJob job(std::make_shared<const std::vector<LayerGroup>>(split_venv_layers(entries, k_venv, 16)),
                        options, store);
    }
    CHECK(fs::is_empty(store.root() / "tmp"));
    // Whatever completed before the cancellation is whole: every blob stored
    // has the digest it is named by.
    for (const auto& blob : fs::directory_iterator(store.root() / "blobs" / "sha256")) {
      std::ifstream in(blob.path(), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      CHECK(sha256_of(bytes).hex() == blob.path().filename().string());
    }
  }
}

TEST_CASE("venv layers: the largest group keeps the list it was split from, with the groups of any order", "[venv_layers]") {
  // One large distribution (a venv of many small files is mostly one) and small ones.
  std::vector<std::pair<std::string, std::uint64_t>> distributions;
  for (int i = 0; i < 12; ++i) distributions.emplace_back("pkg" + std::to_string(i), i == 5 ? 9'000'000 : 100 + i);
  auto sorted = synthetic_venv(distributions);
  for (int i = 0; i < 300; ++i) sorted.push_back(sized(std::string(k_site) + "/pkg5/m" + std::to_string(i) + ".py", 90));
  sort_entries(sorted);
  for (unsigned budget : {1u, 3u, 16u}) {
    INFO("--max-layers " << budget);
    std::vector<LayerEntry> reversed(sorted.rbegin(), sorted.rend());  // split by the copying path
    const auto expected = split_venv_layers(std::move(reversed), k_venv, budget);
    std::vector<LayerEntry> list = sorted;
    const LayerEntry* storage = list.data();
    const auto groups = split_venv_layers(std::move(list), k_venv, budget);
    REQUIRE(groups.size() == expected.size());
    const auto largest = std::max_element(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
      return a.entries.size() < b.entries.size();
    });
    // Not a copy: the venv is held once while it is split.
    CHECK(largest->entries.data() == storage);
    for (std::size_t g = 0; g < groups.size(); ++g) {
      CHECK(groups[g].name == expected[g].name);
      REQUIRE(groups[g].entries.size() == expected[g].entries.size());
      for (std::size_t e = 0; e < groups[g].entries.size(); ++e) {
        INFO(expected[g].entries[e].path);
        CHECK(groups[g].entries[e].path == expected[g].entries[e].path);
        CHECK(groups[g].entries[e].content == expected[g].entries[e].content);
        CHECK(groups[g].entries[e].size == expected[g].entries[e].size);
      }
    }
    check_partition(sorted, groups);
  }
}
