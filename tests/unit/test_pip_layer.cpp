// --pip's pure parts: distribution names and versions, the clash rule, and the
// relocation of files pip installed into a staging prefix.
#include <catch2/catch.hpp>

#include "relocate/relocate.h"
#include "temp_dir.h"
#include "venv/installed_distributions.h"
#include "venv_fixture.h"
#include "walk/tree_walk.h"

using namespace venv2docker;
using namespace venv2docker::test;
namespace fs = std::filesystem;

namespace {

const LayerEntry& entry_at(const std::vector<LayerEntry>& entries, const std::string& path) {
  for (const LayerEntry& entry : entries) {
    if (entry.path == path) return entry;
  }
  FAIL("no entry " << path);
  throw std::logic_error("unreachable");
}

std::string bytes_of(const LayerEntry& entry) { return entry.content ? *entry.content : read_file(entry.source); }

}  // namespace

TEST_CASE("distribution names compare in PEP 503 normal form", "[pip]") {
  CHECK(normalized_distribution_name("Foo__Bar.baz") == "foo-bar-baz");
  CHECK(normalized_distribution_name("zope.interface") == "zope-interface");
  CHECK(normalized_distribution_name("typing_extensions") == "typing-extensions");
  CHECK(normalized_distribution_name("requests") == "requests");
}

TEST_CASE("installed distributions are read from dist-info and egg-info folder names", "[pip]") {
  TempDir site;
  fs::create_directories(site / "typing_extensions-4.7.1.dist-info");
  fs::create_directories(site / "legacy_pkg-0.3-py3.11.egg-info");
  fs::create_directories(site / "typing_extensions");
  write_file(site / "distutils-precedence.pth", "");
  auto found = installed_distributions(site.path());
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  REQUIRE(found.size() == 2);
  CHECK((found[0].name == "legacy_pkg" && found[0].version == "0.3"));
  CHECK((found[1].name == "typing_extensions" && found[1].version == "4.7.1"));
  CHECK(installed_distributions(site / "missing").empty());
}

TEST_CASE("a planned distribution the venv has under any spelling is a clash", "[pip]") {
  const std::vector<Distribution> installed = {{"typing_extensions", "4.7.1"}, {"six", "1.16.0"}};
  const auto clashes = version_clashes(installed, {{"Typing-Extensions", "4.12.0"}, {"attrs", "23.1.0"}});
  REQUIRE(clashes.size() == 1);
  CHECK(clashes[0].installed.version == "4.7.1");
  CHECK(clashes[0].planned.version == "4.12.0");
  CHECK(version_clashes(installed, {{"attrs", "23.1.0"}}).empty());
}

TEST_CASE("files pip installed into a staging prefix are relocated into the venv", "[pip]") {
  TempDir host;
  Venv venv;
  venv.root = host / "venv";
  venv.name = "venv";
  venv.python_version = "3.11";
  venv.site_packages = venv.root / "lib/python3.11/site-packages";
  const fs::path prefix = host / "staging";
  const std::string script = "#!" + (venv.root / "bin/python").string() + "\nimport tool\ntool.main()\n";
  write_file(prefix / "bin/tool", script);
  fs::permissions(prefix / "bin/tool", fs::perms(0755));
  write_file(prefix / "lib/python3.11/site-packages/tool/__init__.py", "def main():\n    print('tool')\n");
  write_file(prefix / "lib/python3.11/site-packages/tool/data.json", "{\"home\": \"" + prefix.string() + "/share\"}\n");
  write_file(prefix / "lib/python3.11/site-packages/tool-1.0.dist-info/RECORD",
             "../../../bin/tool," + python_record_hash(script) + "," + std::to_string(script.size()) +
                 "\ntool-1.0.dist-info/RECORD,,\n");

  std::vector<std::string> warnings;
  std::vector<LayerEntry> entries = walk_tree({prefix, "/opt/venv", {}, {}}, warnings);
  RelocationParams params;
  params.interpreter = "/usr/bin/python3.11";
  params.install_prefix = prefix;
  // No pyvenv.cfg nor bin/python here: those are the venv layer's.
  const RelocationResult result = relocate_installed_files(venv, entries, params);
  CHECK(result.warnings.empty());

  const std::string relocated = "#!/opt/venv/bin/python\nimport tool\ntool.main()\n";
  CHECK(bytes_of(entry_at(entries, "/opt/venv/bin/tool")) == relocated);
  CHECK(bytes_of(entry_at(entries, "/opt/venv/lib/python3.11/site-packages/tool/data.json")) ==
        "{\"home\": \"/opt/venv/share\"}\n");
  CHECK(bytes_of(entry_at(entries, "/opt/venv/lib/python3.11/site-packages/tool-1.0.dist-info/RECORD")) ==
        "../../../bin/tool," + python_record_hash(relocated) + "," + std::to_string(relocated.size()) +
            "\ntool-1.0.dist-info/RECORD,,\n");
  for (const LayerEntry& entry : entries) CHECK(entry.path.find("/pyvenv.cfg") == std::string::npos);
}
