// Several platforms' images as one index: the platforms, the order and the
// bytes it has; the flags that ask for it; and the layout that holds it, read
// back by the validator, skopeo and umoci.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "build/command_line.h"
#include "build/multi_platform.h"
#include "external_tools.h"
#include "image/image_index.h"
#include "image/oci_layout_writer.h"
#include "temp_dir.h"
#include "test_images.h"
#include "util/error.h"

using namespace venv2docker;
using namespace venv2docker::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Image image_for(const BlobStore& store, const std::string& architecture, std::uint32_t seed) {
  RandomImageOptions options;
  options.seed = seed;
  options.architecture = architecture;
  return random_image(store, options);
}

// What `command` prints on stdout; the test fails when it fails.
std::string stdout_of(const std::string& command) {
  const RunResult result = run_command(command + " 2>/dev/null");
  INFO(command);
  REQUIRE(result.status == 0);
  return result.output;
}

BuildOptions parsed_options(std::vector<std::string> words) {
  words.insert(words.begin(), "venv2docker");
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  return parse_command_line(static_cast<int>(argv.size()), argv.data()).command.options;
}

}  // namespace

TEST_CASE("an index lists each image with its config's platform, in order, the same bytes each time",
          "[image_index]") {
  TempDir dir;
  const BlobStore store(dir / "store");
  const Image amd64 = image_for(store, "amd64", 1);
  const Image arm64 = image_for(store, "arm64", 2);
  const ImageIndex index = image_index({amd64, arm64});
  CHECK(image_index({amd64, arm64}).raw == index.raw);
  CHECK(image_index({arm64, amd64}).digest() != index.digest());  // the order given is the order kept
  const json document = json::parse(index.raw);
  CHECK(document["mediaType"] == "application/vnd.oci.image.index.v1+json");
  REQUIRE(document["manifests"].size() == 2);
  CHECK(document["manifests"][0]["digest"] == amd64.manifest_digest().str());
  CHECK(document["manifests"][0]["platform"] == json{{"architecture", "amd64"}, {"os", "linux"}});
  CHECK(document["manifests"][1]["digest"] == arm64.manifest_digest().str());
  CHECK(document["manifests"][1]["platform"]["architecture"] == "arm64");
  CHECK_THROWS_WITH(image_index({amd64, image_for(store, "amd64", 3)}),
                    Catch::Contains("two images of the index are for the same platform"));
}

TEST_CASE("an OCI layout whose tag names the index is valid and read by skopeo", "[image_index]") {
  require_tool("skopeo");
  TempDir dir;
  const BlobStore store(dir / "store");
  const ImageIndex index = image_index({image_for(store, "amd64", 1), image_for(store, "arm64", 2)});
  const fs::path layout = dir / "layout";
  write_oci_layout_index(index, store, layout, "v1");
  check_image(layout, "v1");
  const std::string raw = stdout_of("skopeo --insecure-policy inspect --raw " + quote("oci:" + layout.string() + ":v1"));
  CHECK(raw == index.raw);
  for (const Image& image : index.images) {
    const std::string architecture = image.config["architecture"];
    const json config = json::parse(stdout_of("skopeo --insecure-policy inspect --config --override-arch " + architecture +
                                              " " + quote("oci:" + layout.string() + ":v1")));
    CHECK(config["architecture"] == architecture);
    CHECK(config["rootfs"] == image.config["rootfs"]);
  }
}

TEST_CASE("--platform takes a list, repeated or comma-separated; --venv a venv per platform", "[image_index]") {
  const BuildOptions options =
      parsed_options({"--platform", "linux/amd64,arm64", "--platform", "linux/arm/v7", "--venv", "arm64=/v"});
  REQUIRE(options.platform);
  CHECK(*options.platform == "linux/amd64,arm64,linux/arm/v7");
  CHECK(builds_per_platform(options));
  const std::vector<BuildOptions> each = per_platform_options([&] {
    BuildOptions with_output = options;
    with_output.outputs = {"oci:out"};
    return with_output;
  }());
  REQUIRE(each.size() == 3);
  CHECK(*each[0].platform == "linux/amd64");
  CHECK(*each[1].platform == "linux/arm64");
  CHECK(each[1].venv == "/v");
  CHECK(*each[2].platform == "linux/arm/v7");
  CHECK_FALSE(each[0].venv);
  for (const auto& one : each) CHECK_FALSE(one.write_outputs);
  CHECK_FALSE(builds_per_platform(parsed_options({"--platform", "arm64"})));
  CHECK_THROWS_AS(per_platform_options(options), UsageError);  // the default output is a docker-archive
}
