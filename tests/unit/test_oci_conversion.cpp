// A Docker v2 image described in OCI terms (as_oci_image), and append_layers,
// which builds every image in the OCI family on a base of either family.
// skopeo's own conversion of the same image is the reference for the
// descriptors; skopeo, umoci and the validator read what append_layers makes.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "external_tools.h"
#include "image/docker_archive_writer.h"
#include "image/image_builder.h"
#include "image/oci_conversion.h"
#include "image/oci_layout_writer.h"
#include "layer/layer_writer.h"
#include "temp_dir.h"
#include "test_images.h"
#include "util/error.h"

using namespace venv2docker;
using namespace venv2docker::test;  // the checking tools and small images
namespace fs = std::filesystem;
using nlohmann::json;
using Catch::Matchers::Contains;

namespace {

// `image` as containers/image's dir: transport stores one: the manifest's
// exact bytes, a version file, and every blob under its bare hex digest.
// skopeo copies from it without touching the manifest first.
void write_dir_transport(const Image& image, const BlobStore& store, const fs::path& dir) {
  write_bytes(dir / "version", "Directory Transport Version: 1.1\n");
  write_bytes(dir / "manifest.json", image.raw_manifest);
  write_bytes(dir / std::string(image.config_digest().hex()), image.raw_config);
  for (const auto& layer : image.layers) fs::copy_file(store.path_of(layer.blob.digest), dir / std::string(layer.blob.digest.hex()),
                                                      fs::copy_options::overwrite_existing);
}

// The manifest and config skopeo wrote into an OCI layout for `tag`.
std::pair<json, json> skopeo_copied(const fs::path& layout) {
  json index = json::parse(read_bytes(layout / "index.json"));
  REQUIRE(index["manifests"].size() == 1);
  auto blob = [&](const json& descriptor) {
    std::string digest = descriptor["digest"].get<std::string>();
    return json::parse(read_bytes(layout / "blobs" / "sha256" / digest.substr(7)));
  };
  json manifest = blob(index["manifests"][0]);
  return {manifest, blob(manifest["config"])};
}

NewLayer app_layer(const BlobStore& store, const fs::path& scratch) {
  write_bytes(scratch / "app.py", "print('added')\n");
  Layer layer = write_layer({LayerEntry{"/app/app.py", EntryKind::regular, 0644, {}, scratch / "app.py", std::nullopt,
                                        fs::file_size(scratch / "app.py"), std::nullopt}},
                            LayerOptions{}, store);
  return NewLayer{layer, "venv2docker: test layer"};
}

}  // namespace

TEST_CASE("OCI conversion: every layer type maps to the OCI type of the same compression", "[oci-conversion]") {
  const std::string where = "the base image registry.test/base:1";
  CHECK(oci_layer_media_type("application/vnd.docker.image.rootfs.diff.tar.gzip", where) ==
        "application/vnd.oci.image.layer.v1.tar+gzip");
  CHECK(oci_layer_media_type("application/vnd.docker.image.rootfs.diff.tar", where) ==
        "application/vnd.oci.image.layer.v1.tar");
  CHECK(oci_layer_media_type("application/vnd.docker.image.rootfs.diff.tar.zstd", where) ==
        "application/vnd.oci.image.layer.v1.tar+zstd");
  for (const char* oci : {"application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.oci.image.layer.v1.tar",
                          "application/vnd.oci.image.layer.v1.tar+zstd"}) {
    CHECK(oci_layer_media_type(oci, where) == oci);
  }
  CHECK_THROWS_WITH(oci_layer_media_type("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", where),
                    Contains(where) && Contains("foreign layer"));
  CHECK_THROWS_WITH(oci_layer_media_type("application/vnd.docker.container.image.v1+json", where),
                    Contains(where) && Contains("application/vnd.docker.container.image.v1+json"));
}

TEST_CASE("OCI conversion: a Docker image keeps every blob and gets skopeo's descriptors", "[oci-conversion]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  Image docker = make_image(store, dir / "src", "docker", false, MediaFamily::docker);
  REQUIRE(docker.family == MediaFamily::docker);

  Image oci = as_oci_image(docker, "the test image");
  CHECK(oci.family == MediaFamily::oci);
  CHECK(oci.raw_manifest.find("vnd.docker") == std::string::npos);
  CHECK(oci.manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json");
  CHECK(oci.manifest["config"]["mediaType"] == "application/vnd.oci.image.config.v1+json");
  CHECK(oci.raw_config == docker.raw_config);
  CHECK(oci.config_digest() == docker.config_digest());
  REQUIRE(oci.layers.size() == docker.layers.size());
  for (std::size_t i = 0; i < oci.layers.size(); ++i) {
    CHECK(oci.layers[i].blob.media_type == "application/vnd.oci.image.layer.v1.tar+gzip");
    CHECK(oci.layers[i].blob.digest == docker.layers[i].blob.digest);
    CHECK(oci.layers[i].blob.size == docker.layers[i].blob.size);
    CHECK(oci.layers[i].diff_id == docker.layers[i].diff_id);
  }
  // An OCI image is already what is wanted: the very same manifest bytes.
  CHECK(as_oci_image(oci, "the test image").raw_manifest == oci.raw_manifest);

  SECTION("skopeo copying the same image to an OCI layout writes the same descriptors") {
    require_tool("skopeo");
    write_dir_transport(docker, store, dir / "dir");
    RunResult copied = run_command("skopeo --insecure-policy copy --quiet " + quote("dir:" + (dir / "dir").string()) + " " +
                           quote("oci:" + (dir / "skopeo").string() + ":t"));
    INFO(copied.output);
    REQUIRE(copied.status == 0);
    auto [manifest, config] = skopeo_copied(dir / "skopeo");
    CHECK(manifest["mediaType"] == oci.manifest["mediaType"]);
    CHECK(manifest["layers"] == oci.manifest["layers"]);
    CHECK(manifest["config"]["mediaType"] == oci.manifest["config"]["mediaType"]);
    // skopeo writes the config again through its OCI struct (other bytes,
    // Docker-only fields dropped); this one has none, so the content agrees.
    CHECK(config == docker.config);
  }
}

TEST_CASE("append_layers: an OCI image with annotations on a base of either family", "[oci-conversion][image-builder]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  const MediaFamily family = GENERATE(MediaFamily::docker, MediaFamily::oci);
  INFO((family == MediaFamily::docker ? "Docker v2 base" : "OCI base"));
  BaseImage base{make_image(store, dir / "base", "base", false, family), "registry.test/base:1", false};
  NewLayer added = app_layer(store, dir / "app");
  AssemblyOptions assembly;
  assembly.annotations["org.example.note"] = "kept";

  Image image = append_layers(base, {added}, ContainerSettings{}, assembly, store);
  CHECK(image.family == MediaFamily::oci);
  CHECK(image.raw_manifest.find("vnd.docker") == std::string::npos);
  CHECK(image.manifest["annotations"] == json{{"org.example.note", "kept"}});
  REQUIRE(image.layers.size() == 3);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(image.layers[i].blob.digest == base.image.layers[i].blob.digest);
    CHECK(image.layers[i].diff_id == base.image.layers[i].diff_id);
  }
  CHECK(image.layers[2].blob.digest == added.layer.blob.digest);
  for (const auto& layer : image.layers) CHECK(layer.blob.media_type == "application/vnd.oci.image.layer.v1.tar+gzip");

  write_oci_layout(image, store, dir / "out", "t");
  test::check_image(dir / "out", "t");
  require_tool("skopeo");
  RunResult raw = run_command("skopeo inspect --raw " + quote("oci:" + (dir / "out").string() + ":t"));
  INFO(raw.output);
  REQUIRE(raw.status == 0);
  CHECK(json::parse(raw.output)["annotations"]["org.example.note"] == "kept");
  require_tool("umoci");
  RunResult stat = run_command("umoci stat --image " + quote((dir / "out").string() + ":t"));
  INFO(stat.output);
  CHECK(stat.status == 0);
}

TEST_CASE("append_layers: a new layer of Docker's type is refused", "[oci-conversion][image-builder]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  BaseImage base{make_image(store, dir / "base", "base"), "registry.test/base:1", false};
  NewLayer added = app_layer(store, dir / "app");
  added.layer.blob.media_type = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  CHECK_THROWS_AS(append_layers(base, {added}, ContainerSettings{}, AssemblyOptions{}, store), Error);
}

TEST_CASE("append_layers: a base with no history gets an entry per base layer", "[oci-conversion][image-builder]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  BaseImage base{make_image(store, dir / "base", "base", false, MediaFamily::oci, false), "registry.test/base:1", false};
  REQUIRE_FALSE(base.image.config.contains("history"));
  NewLayer added = app_layer(store, dir / "app");

  Image image = append_layers(base, {added}, ContainerSettings{}, AssemblyOptions{}, store);
  const json& history = image.config["history"];
  REQUIRE(history.size() == image.layers.size());
  CHECK(history[0].value("comment", "") == history[1].value("comment", ""));
  CHECK(history[2].value("comment", "") == "venv2docker");
  write_oci_layout(image, store, dir / "out", "t");
  test::check_image(dir / "out", "t");
}

TEST_CASE("the one manifest builder: family, config descriptor from its bytes, layers in order, annotations") {
  const std::string raw_config = R"({"architecture":"amd64","os":"linux","rootfs":{"diff_ids":[],"type":"layers"}})";
  const Descriptor layer{std::string(media_type::docker_layer_gzip), sha256_of("layer"), 5, {}, std::nullopt};

  const json docker = json::parse(image_manifest(MediaFamily::docker, raw_config, {layer, layer}));
  CHECK(docker["schemaVersion"] == 2);
  CHECK(docker["mediaType"] == media_type::docker_manifest);
  CHECK(docker["config"] == json{{"mediaType", media_type::docker_config},
                                 {"digest", sha256_of(raw_config).str()},
                                 {"size", raw_config.size()}});
  CHECK(docker["layers"] == json::array({to_json(layer), to_json(layer)}));
  CHECK_FALSE(docker.contains("annotations"));

  const std::string oci = image_manifest(MediaFamily::oci, raw_config, {}, {{"org.example", "x"}});
  // Canonical: sorted keys, compact, so the same parts give the same digest.
  CHECK(oci == std::string(R"({"annotations":{"org.example":"x"},"config":{"digest":")") +
                   sha256_of(raw_config).str() + R"(","mediaType":"application/vnd.oci.image.config.v1+json","size":)" +
                   std::to_string(raw_config.size()) +
                   R"(},"layers":[],"mediaType":"application/vnd.oci.image.manifest.v1+json","schemaVersion":2})");
}
