// Every document a base is read from has its shape checked before use: a
// malformed one is an Error naming its source, never a type_error, an
// assertion or undefined behaviour; an ambiguous one (index and manifest at
// once, CVE-2021-41190) is refused wherever it is read.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "image/document_shape.h"
#include "image/layout_index.h"
#include "image/platform_choice.h"
#include "remote/docker_config.h"
#include "temp_dir.h"
#include "test_images.h"
#include "util/error.h"
#include "util/reporter.h"

using namespace venv2docker;
using nlohmann::json;

namespace {

struct ValidImage {
  test::TempDir dir;
  BlobStore store{dir.path()};
  Image image = test::random_image(store, {});
  json manifest() const { return json::parse(image.raw_manifest); }
  json config() const { return json::parse(image.raw_config); }
};

// The error a manifest document gives, as every source reads one.
std::string manifest_error(const json& document, std::string_view declared = "") {
  try {
    manifest_document(document.dump(), declared, "the manifest of registry.example/app:1");
  } catch (const Error& error) {
    return error.what();
  }
  return "no error";
}

// The error names its source, says the document is malformed, and names the field.
void check_malformed(const std::string& error, const std::string& source, const std::string& field) {
  CHECK_THAT(error, Catch::Contains(source) && Catch::Contains("malformed") && Catch::Contains(field));
}

std::string config_error(const json& config) {
  try {
    check_config_shape(config, "the config of base");
  } catch (const Error& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("document shape: real manifests, indexes and configs pass", "[document_shape]") {
  ValidImage valid;
  CHECK(manifest_error(valid.manifest()) == "no error");
  CHECK(config_error(valid.config()) == "no error");
  json index = {{"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"},
                {"manifests", json::array({to_json(valid.image.manifest_descriptor())})}};
  CHECK(manifest_error(index) == "no error");
  // Docker writes nulls where nothing is set.
  json config = valid.config();
  config["config"]["Labels"] = nullptr;
  config["config"]["Env"] = nullptr;
  CHECK(config_error(config) == "no error");
}

TEST_CASE("document shape: a document that is both an index and a manifest is refused", "[document_shape]") {
  ValidImage valid;
  json both = valid.manifest();
  both.erase("mediaType");
  both["manifests"] = json::array({to_json(valid.image.manifest_descriptor())});
  // Without a mediaType, as a registry by tag, a layout and the cache would read it.
  CHECK_THAT(manifest_error(both), Catch::Contains("registry.example/app:1") && Catch::Contains("both"));
  CHECK_THAT(manifest_error(both, "application/vnd.oci.image.index.v1+json"), Catch::Contains("both"));
  CHECK_THAT(manifest_error(both, "application/vnd.oci.image.manifest.v1+json"), Catch::Contains("both"));
  both["mediaType"] = "application/vnd.oci.image.manifest.v1+json";
  CHECK_THAT(manifest_error(both), Catch::Contains("both"));
  CHECK_THROWS_AS(parse_manifest_or_index(both.dump(), "", "fuzz"), Error);
}

TEST_CASE("document shape: each malformed manifest field is an error naming the source", "[document_shape]") {
  ValidImage valid;
  auto with = [&](const auto& change) {
    json manifest = valid.manifest();
    change(manifest);
    return manifest_error(manifest);
  };
  check_malformed(with([](json& m) { m["annotations"] = {{"a", 1}}; }), "registry.example/app:1", "annotations");
  check_malformed(with([](json& m) { m["annotations"] = "text"; }), "registry.example/app:1", "annotations");
  check_malformed(with([](json& m) { m["mediaType"] = 7; }), "registry.example/app:1", "mediaType");
  check_malformed(with([](json& m) { m["schemaVersion"] = "2"; }), "registry.example/app:1", "schemaVersion");
  check_malformed(with([](json& m) { m.erase("config"); }), "registry.example/app:1", "config");
  check_malformed(with([](json& m) { m["config"] = "sha256:00"; }), "registry.example/app:1", "config");
  check_malformed(with([](json& m) { m["config"]["size"] = "12"; }), "registry.example/app:1", "config.size");
  check_malformed(with([](json& m) { m["config"]["size"] = -1; }), "registry.example/app:1", "config.size");
  check_malformed(with([](json& m) { m["config"].erase("digest"); }), "registry.example/app:1", "digest");
  check_malformed(with([](json& m) { m["layers"] = json::object(); }), "registry.example/app:1", "layers");
  check_malformed(with([](json& m) { m["layers"][0]["annotations"] = {{"k", json::array()}}; }),
                  "registry.example/app:1", "layers[0].annotations");
  check_malformed(with([](json& m) { m["layers"][0]["platform"] = {{"os", 1}}; }), "registry.example/app:1",
                  "layers[0].platform.os");
  const auto too_many_layers = [](json& m) {
    m["layers"] = json::array();
    for (int i = 0; i < 5000; ++i) m["layers"].push_back(m["config"]);
  };
  check_malformed(with(too_many_layers), "registry.example/app:1", "4096");
  check_malformed(manifest_error(json::array()), "registry.example/app:1", "");
  check_malformed(manifest_error(json("text")), "registry.example/app:1", "");
}

TEST_CASE("document shape: malformed indexes, in a layout too, are errors naming the source", "[document_shape]") {
  ValidImage valid;
  json index = {{"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"}};
  CHECK_THAT(manifest_error(index), Catch::Contains("no manifests"));
  index["manifests"] = json::array({to_json(valid.image.manifest_descriptor())});
  index["manifests"][0]["annotations"] = {{"org.opencontainers.image.ref.name", 1}};
  CHECK_THAT(manifest_error(index), Catch::Contains("manifests[0].annotations"));
  index["manifests"][0].erase("annotations");
  index["manifests"][0]["platform"] = "linux/amd64";
  CHECK_THAT(manifest_error(index), Catch::Contains("manifests[0].platform"));

  // index.json of a layout: no manifests key, annotations that are not strings.
  Reporter reporter(Verbosity::quiet);
  auto layout_error = [&](const json& index_json) {
    try {
      resolve_layout_image(index_json.dump(), std::nullopt, PlatformRequest{Platform::host(), false},
                           [](const Descriptor&) {}, [](const Descriptor&) {}, valid.store, "oci:/layout", reporter);
    } catch (const Error& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(layout_error(json{{"schemaVersion", 2}}), Catch::Contains("index.json of oci:/layout"));
  json tagged = {{"schemaVersion", 2}, {"manifests", json::array({to_json(valid.image.manifest_descriptor())})}};
  tagged["manifests"][0]["annotations"] = {{"org.opencontainers.image.ref.name", json::array({"1"})}};
  CHECK_THAT(layout_error(tagged), Catch::Contains("index.json of oci:/layout") && Catch::Contains("annotations"));
  tagged["manifests"][0]["annotations"] = {{"org.opencontainers.image.ref.name", "1"}};
  CHECK(layout_error(tagged) == "no error");
}

TEST_CASE("document shape: each malformed config field is an error naming the source", "[document_shape]") {
  ValidImage valid;
  auto with = [&](const auto& change) {
    json config = valid.config();
    change(config);
    return config_error(config);
  };
  check_malformed(with([](json& c) { c.erase("rootfs"); }), "the config of base", "rootfs");
  check_malformed(with([](json& c) { c["rootfs"] = json::array(); }), "the config of base", "rootfs");
  check_malformed(with([](json& c) { c["rootfs"]["diff_ids"] = "sha256:00"; }), "the config of base", "diff_ids");
  check_malformed(with([](json& c) { c["rootfs"]["diff_ids"][0] = 5; }), "the config of base", "diff_ids");
  check_malformed(with([](json& c) { c["architecture"] = json::object(); }), "the config of base", "architecture");
  check_malformed(with([](json& c) { c["config"] = "x"; }), "the config of base", "config");
  check_malformed(with([](json& c) { c["config"]["Env"] = {"A=1", 2}; }), "the config of base", "config.Env");
  check_malformed(with([](json& c) { c["config"]["Labels"] = "x"; }), "the config of base", "config.Labels");
  check_malformed(with([](json& c) { c["config"]["Labels"] = {{"a", 1}}; }), "the config of base", "config.Labels");
  check_malformed(with([](json& c) { c["config"]["ExposedPorts"] = json::array(); }), "the config of base",
                  "ExposedPorts");
  check_malformed(with([](json& c) { c["history"] = {"x"}; }), "the config of base", "history");
  check_malformed(config_error(json::array()), "the config of base", "");
}

TEST_CASE("document shape: docker-archive manifest.json and docker config.json", "[document_shape]") {
  auto archive_error = [](const json& document) {
    try {
      check_docker_archive_manifest_shape(document, "manifest.json of base.tar");
    } catch (const Error& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  CHECK(archive_error(json::parse(R"([{"Config":"c.json","RepoTags":["a:1"],"Layers":["l/layer.tar"]}])")) == "no error");
  CHECK_THAT(archive_error(json::object()), Catch::Contains("manifest.json of base.tar"));
  CHECK_THAT(archive_error(json::parse(R"([{"Config":1,"Layers":[]}])")), Catch::Contains("Config"));
  CHECK_THAT(archive_error(json::parse(R"([{"Config":"c","Layers":[1]}])")), Catch::Contains("Layers"));
  CHECK_THAT(archive_error(json::parse(R"([{"Config":"c","Layers":[],"RepoTags":"a"}])")), Catch::Contains("RepoTags"));
  CHECK_THAT(archive_error(json::parse(R"(["c"])")), Catch::Contains("manifest.json of base.tar"));

  auto credentials_error = [](const json& document, bool legacy = false) {
    try {
      check_credential_file_shape(CredentialFile{"/home/u/.docker/config.json", document, legacy});
    } catch (const Error& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  CHECK(credentials_error(json::parse(R"({"auths":{"r":{"auth":"dTpw"}},"credHelpers":{"r":"pass"},"credsStore":"x"})")) ==
        "no error");
  CHECK_THAT(credentials_error(json::parse(R"({"auths":[]})")), Catch::Contains("/home/u/.docker/config.json"));
  CHECK_THAT(credentials_error(json::parse(R"({"auths":{"r":"x"}})")), Catch::Contains("\"r\""));
  CHECK_THAT(credentials_error(json::parse(R"({"auths":{"r":{"auth":5}}})")), Catch::Contains("auth"));
  CHECK_THAT(credentials_error(json::parse(R"({"credHelpers":{"r":1}})")), Catch::Contains("credHelpers"));
  CHECK_THAT(credentials_error(json::parse(R"({"credsStore":{}})")), Catch::Contains("credsStore"));
  CHECK_THAT(credentials_error(json::parse(R"({"r":{"auth":[]}})"), true), Catch::Contains("auth"));
}
