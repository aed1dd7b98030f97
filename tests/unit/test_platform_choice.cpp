// Choosing by platform, shared by every base source: the best index entry,
// the walk down nested indexes, the check of a single-platform base, and an
// OCI layout whose entries share a tag.
// The index documents here are written by hand on purpose: they are the odd
// shapes the choice must cope with (no media type, nested indexes, a loop,
// stub manifests), which test_images.h's generator never makes.
#include <catch2/catch.hpp>

#include <map>

#include "image/docker_archive_source.h"
#include "image/layout_index.h"
#include "image/oci_layout_source.h"
#include "image/platform_choice.h"
#include "temp_dir.h"
#include "util/error.h"
#include "util/reporter.h"

using namespace venv2docker;
using nlohmann::json;

namespace {

const std::string k_hex_a(64, 'a');
const std::string k_hex_b(64, 'b');
const std::string k_hex_c(64, 'c');
const std::string k_hex_d(64, 'd');

json entry(const std::string& hex, json platform, std::string type = std::string(media_type::oci_manifest)) {
  json out = {{"mediaType", type}, {"digest", "sha256:" + hex}, {"size", 100u}};
  if (!platform.is_null()) out["platform"] = std::move(platform);
  return out;
}

std::string chosen_hex(const json& entries, const char* wanted) {
  return std::string(choose_platform(entries, Platform::parse(wanted), "the base").digest.hex());
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return std::string(e.what()) + " | " + e.hint();
  }
  return "no error";
}

// Two empty images of two platforms, in a store of their own.
struct TwoPlatforms {
  explicit TwoPlatforms(const char* other) : store(dir.path()) {
    other_image = scratch_image(store, Platform::parse(other)).image;
    amd64 = scratch_image(store, Platform::parse("linux/amd64")).image;
  }
  test::TempDir dir;
  BlobStore store;
  Reporter reporter{Verbosity::quiet};
  Image other_image;
  Image amd64;
};

}  // namespace

TEST_CASE("the entry that serves the platform best is chosen") {
  json entries = {entry(k_hex_a, {{"os", "linux"}, {"architecture", "arm"}, {"variant", "v6"}}),
                  entry(k_hex_b, {{"os", "linux"}, {"architecture", "arm"}, {"variant", "v7"}}),
                  entry(k_hex_c, {{"os", "linux"}, {"architecture", "amd64"}}),
                  entry(k_hex_d, {{"os", "linux"}, {"architecture", "arm64"}, {"variant", "v8"}})};
  CHECK(chosen_hex(entries, "linux/arm/v7") == k_hex_b);  // exact, though v6 comes first
  CHECK(chosen_hex(entries, "linux/arm/v6") == k_hex_a);
  CHECK(chosen_hex(entries, "linux/arm/v8") == k_hex_b);  // the newest it runs
  CHECK(chosen_hex(entries, "linux/aarch64") == k_hex_d);
  CHECK(chosen_hex(entries, "arm64") == k_hex_d);
  CHECK(chosen_hex(entries, "linux/x86_64") == k_hex_c);

  // Of equals (arm64 and arm64/v8 are the same), the first in the index.
  json twins = {entry(k_hex_a, {{"os", "linux"}, {"architecture", "arm64"}}),
                entry(k_hex_b, {{"os", "linux"}, {"architecture", "arm64"}, {"variant", "v8"}})};
  CHECK(chosen_hex(twins, "linux/arm64/v8") == k_hex_a);
}

TEST_CASE("no match names the platforms there are and --platform") {
  json entries = {entry(k_hex_a, {{"os", "linux"}, {"architecture", "amd64"}}),
                  entry(k_hex_b, {{"os", "linux"}, {"architecture", "arm64"}, {"variant", "v8"}}),
                  entry(k_hex_c, {{"os", "unknown"}, {"architecture", "unknown"}}),  // an attestation
                  entry(k_hex_d, {{"os", "linux"}, {"architecture", "amd64"}})};
  std::string message = error_of([&] { choose_platform(entries, Platform::parse("linux/s390x"), "the base X"); });
  CHECK(message.find("the base X has no linux/s390x image; it has linux/amd64, linux/arm64 |") == 0);
  CHECK(message.find("--platform") != std::string::npos);
  CHECK(message.find("unknown") == std::string::npos);
  CHECK(error_of([&] { choose_platform(entries, Platform::parse("linux/arm/v7"), "B"); }).find("B has no linux/arm/v7") == 0);
  CHECK(error_of([&] { choose_platform(json::array({entry(k_hex_a, nullptr)}), Platform::parse("amd64"), "B"); })
            .find("it has no platform named") != std::string::npos);
}

TEST_CASE("indexes are walked down, nested ones too, to an image manifest") {
  // Manifests are checked before use: each leaf's config is a whole descriptor.
  const std::string config = R"({"digest":"sha256:)" + std::string(64, 'e') + R"(","size":2})";
  const std::string leaf_amd = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":)" +
                               config + R"(,"layers":[],"n":"amd"})";
  const std::string leaf_arm = R"({"schemaVersion":2,"config":)" + config + R"(,"layers":[],"n":"arm"})";
  json inner = {{"schemaVersion", 2},
                {"manifests", {entry(k_hex_a, {{"os", "linux"}, {"architecture", "amd64"}}),
                               entry(k_hex_b, {{"os", "linux"}, {"architecture", "arm64"}})}}};
  json outer = {{"schemaVersion", 2},
                {"mediaType", media_type::oci_index},
                {"manifests", {entry(k_hex_c, {{"os", "linux"}, {"architecture", "arm64"}}, std::string(media_type::oci_index))}}};
  std::map<std::string, std::string> documents = {{k_hex_a, leaf_amd}, {k_hex_b, leaf_arm}, {k_hex_c, inner.dump()}};
  std::vector<std::string> fetched;
  ManifestFetcher fetch = [&](const Descriptor& descriptor) {
    fetched.emplace_back(descriptor.digest.hex());
    return manifest_document(documents.at(std::string(descriptor.digest.hex())), descriptor.media_type, "doc");
  };
  ManifestDocument top = manifest_document(outer.dump(), "", "top");
  CHECK(top.media_type == media_type::oci_index);
  ManifestDocument arm = descend_to_image_manifest(top, Platform::parse("linux/arm64"), fetch, "the base");
  CHECK(arm.value["n"] == "arm");
  CHECK(arm.media_type == media_type::oci_manifest);  // from the descriptor: the document says nothing
  CHECK(fetched == std::vector<std::string>{k_hex_c, k_hex_b});
  // The outer index offers arm64 only: amd64 is not reached through it.
  CHECK(error_of([&] { descend_to_image_manifest(top, Platform::parse("linux/amd64"), fetch, "the base"); })
            .find("the base has no linux/amd64 image; it has linux/arm64") == 0);
  // A manifest is its own answer: nothing fetched.
  fetched.clear();
  ManifestDocument single = manifest_document(leaf_amd, "", "single");
  CHECK(descend_to_image_manifest(single, Platform::parse("linux/s390x"), fetch, "the base").value["n"] == "amd");
  CHECK(fetched.empty());
  // An index that names itself forever stops.
  json loop = {{"mediaType", media_type::oci_index},
               {"manifests", {entry(k_hex_d, {{"os", "linux"}, {"architecture", "amd64"}}, std::string(media_type::oci_index))}}};
  documents[k_hex_d] = loop.dump();
  CHECK(error_of([&] { descend_to_image_manifest(manifest_document(loop.dump(), "", "loop"), Platform::parse("amd64"), fetch, "L"); })
            .find("image indexes in L nest too deeply") == 0);
}

TEST_CASE("a single-platform base must be the platform --platform asks for") {
  TwoPlatforms images("linux/arm64");
  const Image& arm = images.other_image;
  const Image& amd = images.amd64;
  Reporter& reporter = images.reporter;
  CHECK(arm.config["architecture"] == "arm64");
  CHECK_FALSE(arm.config.contains("variant"));  // arm64's v8 is the default, left unsaid

  CHECK_NOTHROW(check_base_platform(arm, PlatformRequest::from_option("linux/aarch64"), "the base", reporter));
  CHECK_NOTHROW(check_base_platform(arm, PlatformRequest::from_option("linux/arm64/v8"), "the base", reporter));
  std::string refused = error_of([&] { check_base_platform(amd, PlatformRequest::from_option("arm64"), "the base B", reporter); });
  CHECK(refused.find("the base B is a linux/amd64 image, not linux/arm64 as --platform asks |") == 0);
  CHECK(refused.find("--platform linux/amd64") != std::string::npos);
  CHECK(reporter.warnings().empty());

  // Without --platform the base decides; another machine's base is worth a warning.
  PlatformRequest host_amd64{Platform::parse("linux/amd64"), false};
  check_base_platform(amd, host_amd64, "the base", reporter);
  CHECK(reporter.warnings().empty());
  check_base_platform(arm, host_amd64, "the base B", reporter);
  REQUIRE(reporter.warnings().size() == 1);
  CHECK(reporter.warnings()[0].find("the base B is a linux/arm64 image") == 0);

  Image nameless = amd;
  nameless.config.erase("architecture");
  CHECK(error_of([&] { check_base_platform(nameless, PlatformRequest::from_option("amd64"), "B", reporter); })
            .find("the config of B names no platform") == 0);
}

TEST_CASE("a layout's entries sharing a tag are one image for several platforms") {
  TwoPlatforms images("linux/arm/v7");
  const Image& arm = images.other_image;
  const Image& amd = images.amd64;
  const BlobStore& store = images.store;
  store.put(arm.raw_manifest);
  store.put(amd.raw_manifest);
  auto tagged = [](const Image& image, const char* tag, const char* arch) {
    json out = to_json(image.manifest_descriptor());
    out["annotations"] = {{"org.opencontainers.image.ref.name", tag}};
    out["platform"] = {{"os", "linux"}, {"architecture", arch}};
    return out;
  };
  std::string index = json{{"schemaVersion", 2},
                           {"manifests", {tagged(arm, "multi", "arm"), tagged(amd, "multi", "amd64"), tagged(amd, "solo", "amd64")}}}
                          .dump();
  BlobFetcher present = [](const Descriptor&) {};
  auto pick = [&](std::optional<std::string> tag, const char* platform) {
    return resolve_layout_image(index, tag, PlatformRequest::from_option(platform), present, present, store, "the layout",
                                images.reporter);
  };
  CHECK(pick("multi", "linux/arm").config_digest() == arm.config_digest());
  CHECK(pick("multi", "linux/amd64").config_digest() == amd.config_digest());
  CHECK(pick("solo", "linux/amd64").config_digest() == amd.config_digest());
  CHECK(error_of([&] { pick("solo", "linux/arm/v7"); }).find("the layout is a linux/amd64 image, not linux/arm/v7") == 0);
  CHECK(error_of([&] { pick("multi", "linux/s390x"); }).find("the layout has no linux/s390x image; it has linux/arm/v7, linux/amd64") == 0);
  CHECK(error_of([&] { pick("other", "linux/amd64"); }).find("the layout has no image tagged \"other\"") == 0);
}
