// The two image writers, checked by reading their output back and by the
// independent tools a user would load it with (skopeo, umoci, the OCI schema
// validator in ../shared/tools).
#include <archive.h>
#include <archive_entry.h>

#include <catch2/catch.hpp>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "external_tools.h"
#include "image/artifact_manifest.h"
#include "image/docker_archive_writer.h"
#include "image/layout_referrers.h"
#include "image/oci_layout_writer.h"
#include "layer/layer_writer.h"
#include "temp_dir.h"
#include "test_images.h"
#include "util/error.h"

using namespace venv2docker;
using namespace venv2docker::test;  // the checking tools and small images
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* k_ref_name = "org.opencontainers.image.ref.name";

std::set<std::string> image_blob_names(const Image& image) {
  std::set<std::string> names{std::string(image.manifest_digest().hex()), std::string(image.config_digest().hex())};
  for (const auto& layer : image.layers) names.insert(std::string(layer.blob.digest.hex()));
  return names;
}

std::set<std::string> folder_names(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

std::set<std::string> names_of(const json& manifests) {
  std::set<std::string> names;
  for (const auto& entry : manifests) names.insert(entry["annotations"][k_ref_name].get<std::string>());
  return names;
}

const json& entry_tagged(const json& index, const std::string& tag) {
  for (const auto& entry : index["manifests"]) {
    if (entry.contains("annotations") && entry["annotations"].value(k_ref_name, std::string()) == tag) return entry;
  }
  FAIL("no entry tagged " + tag);
  throw;  // not reached
}

// Every blob file hashes to its name; returns the names.
std::set<std::string> check_layout_blobs(const fs::path& layout) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(layout / "blobs" / "sha256")) {
    std::string name = entry.path().filename().string();
    INFO("blob " << name);
    CHECK(sha256_of(read_bytes(entry.path())).hex() == name);
    names.insert(name);
  }
  return names;
}

void check_skopeo_oci(const fs::path& layout, const std::string& tag, const Image& image) {
  require_tool("skopeo");
  RunResult result = run_command("skopeo inspect " + quote("oci:" + layout.string() + ":" + tag));
  INFO(result.output);
  REQUIRE(result.status == 0);
  json inspected = json::parse(result.output);
  CHECK(inspected["Digest"] == image.manifest_digest().str());
  CHECK(inspected["Layers"].size() == image.layers.size());
  CHECK(inspected["Labels"] == image.config["config"]["Labels"]);
}

void check_umoci(const fs::path& layout, const std::string& tag) {
  require_tool("umoci");
  RunResult result = run_command("umoci stat --image " + quote(layout.string() + ":" + tag));
  INFO(result.output);
  CHECK(result.status == 0);
}

struct TarMember {
  std::string name;
  unsigned type;
  unsigned mode;
  std::int64_t mtime;
  std::int64_t uid;
  std::int64_t gid;
  std::string data;
};

std::vector<TarMember> read_tar(const fs::path& file) {
  struct archive* reader = archive_read_new();
  archive_read_support_format_tar(reader);
  REQUIRE(archive_read_open_filename(reader, file.c_str(), 1 << 16) == ARCHIVE_OK);
  std::vector<TarMember> members;
  archive_entry* entry;
  while (archive_read_next_header(reader, &entry) == ARCHIVE_OK) {
    TarMember member{archive_entry_pathname(entry), archive_entry_filetype(entry), archive_entry_perm(entry),
                     archive_entry_mtime(entry), archive_entry_uid(entry), archive_entry_gid(entry), {}};
    char buffer[65536];
    la_ssize_t got;
    while ((got = archive_read_data(reader, buffer, sizeof buffer)) > 0) member.data.append(buffer, static_cast<std::size_t>(got));
    members.push_back(std::move(member));
  }
  archive_read_free(reader);
  return members;
}

// Any hidden ".name.tmp-..." or ".name.old-..." left beside an output.
bool has_temporaries(const fs::path& dir) {
  for (const auto& name : folder_names(dir)) {
    if (name.starts_with(".")) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("OCI layout: index.json, blobs and what independent tools read", "[outputs][oci-layout]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  Image image = make_image(store, dir / "src", "one");
  fs::path layout = dir / "out" / "layout";
  write_oci_layout(image, store, layout, "v1");

  CHECK(folder_names(layout) == std::set<std::string>{"blobs", "index.json", "oci-layout"});
  CHECK(read_bytes(layout / "oci-layout") == R"({"imageLayoutVersion":"1.0.0"})");
  json index = json::parse(read_bytes(layout / "index.json"));
  CHECK(index["schemaVersion"] == 2);
  CHECK(index["mediaType"] == "application/vnd.oci.image.index.v1+json");
  REQUIRE(index["manifests"].size() == 1);
  const json& entry = index["manifests"][0];
  CHECK(entry["mediaType"] == "application/vnd.oci.image.manifest.v1+json");
  CHECK(entry["digest"] == image.manifest_digest().str());
  CHECK(entry["size"] == image.raw_manifest.size());
  CHECK(entry["annotations"] == json{{k_ref_name, "v1"}});

  CHECK(check_layout_blobs(layout) == image_blob_names(image));
  fs::path blobs = layout / "blobs" / "sha256";
  // The documents are the exact bytes their digests are of, never re-serialised.
  CHECK(read_bytes(blobs / std::string(image.manifest_digest().hex())) == image.raw_manifest);
  CHECK(read_bytes(blobs / std::string(image.config_digest().hex())) == image.raw_config);
  for (const auto& layer : image.layers) {
    fs::path blob = blobs / std::string(layer.blob.digest.hex());
    CHECK(fs::file_size(blob) == layer.blob.size);
    CHECK(fs::hard_link_count(blob) >= 2);  // linked from the store, not copied
  }
  CHECK_FALSE(has_temporaries(dir / "out"));

  check_image(layout, "v1");
  check_skopeo_oci(layout, "v1", image);
  check_umoci(layout, "v1");
}

TEST_CASE("OCI layout: other tags survive an update, the same tag is replaced", "[outputs][oci-layout]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  Image first = make_image(store, dir / "src1", "first");
  Image second = make_image(store, dir / "src2", "second");
  fs::path layout = dir / "out" / "layout";
  write_oci_layout(first, store, layout, "a");

  // Things another tool may have left: an index entry field we do not know,
  // a manifest without a tag, and junk in the blob folder.
  json index = json::parse(read_bytes(layout / "index.json"));
  index["manifests"][0]["annotations"]["com.example.note"] = "kept";
  json untagged = index["manifests"][0];
  untagged.erase("annotations");
  untagged["platform"] = {{"architecture", "amd64"}, {"os", "linux"}};
  index["manifests"].push_back(untagged);
  write_bytes(layout / "index.json", index.dump(2));
  write_bytes(layout / "blobs" / "sha256" / "not-a-digest", "junk");
  write_bytes(layout / "blobs" / "sha256" / ".partial-download", "junk");

  write_oci_layout(second, store, layout, "b");
  json updated = json::parse(read_bytes(layout / "index.json"));
  REQUIRE(updated["manifests"].size() == 3);
  CHECK(updated["manifests"][0] == index["manifests"][0]);  // verbatim, unknown annotation included
  CHECK(updated["manifests"][1] == untagged);
  CHECK(entry_tagged(updated, "b")["digest"] == second.manifest_digest().str());
  std::set<std::string> expected = image_blob_names(first);
  expected.merge(image_blob_names(second));
  // Another tool's files are its own, left as they were (the layout is updated
  // in place); with them out of the way, every real blob is there.
  CHECK(read_bytes(layout / "blobs" / "sha256" / ".partial-download") == "junk");
  CHECK(read_bytes(layout / "blobs" / "sha256" / "not-a-digest") == "junk");
  fs::remove(layout / "blobs" / "sha256" / ".partial-download");
  fs::remove(layout / "blobs" / "sha256" / "not-a-digest");
  CHECK(check_layout_blobs(layout) == expected);
  CHECK_FALSE(has_temporaries(dir / "out"));
  check_image(layout);
  check_skopeo_oci(layout, "a", first);
  check_skopeo_oci(layout, "b", second);
  check_umoci(layout, "a");
  check_umoci(layout, "b");

  SECTION("writing an existing tag replaces that entry only, in its place, and keeps the old blobs") {
    write_oci_layout(second, store, layout, "a");
    json replaced = json::parse(read_bytes(layout / "index.json"));
    REQUIRE(replaced["manifests"].size() == 3);
    CHECK(names_of(json::array({replaced["manifests"][0], replaced["manifests"][2]})) == std::set<std::string>{"a", "b"});
    CHECK(replaced["manifests"][0]["digest"] == second.manifest_digest().str());
    CHECK(replaced["manifests"][1] == untagged);
    CHECK(check_layout_blobs(layout) == expected);
    check_skopeo_oci(layout, "a", second);
  }

  SECTION("a missing layer fails before anything changes, leaving no temporaries") {
    std::string before = read_bytes(layout / "index.json");
    Image third = make_image(store, dir / "src3", "third");
    fs::remove(store.path_of(third.layers.back().blob.digest));
    CHECK_THROWS_AS(write_oci_layout(third, store, layout, "c"), Error);
    CHECK(read_bytes(layout / "index.json") == before);
    CHECK(check_layout_blobs(layout) == expected);
    CHECK(folder_names(dir / "out") == std::set<std::string>{"layout", "layout.lock"});
  }
}

TEST_CASE("OCI layout: a referrer is listed beside its image, once, and leaves with it", "[outputs][oci-layout]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  Image first = make_image(store, dir / "src1", "first");
  Image second = make_image(store, dir / "src2", "second");
  fs::path layout = dir / "layout";
  write_oci_layout(first, store, layout, "a");
  const std::string document = R"({"spdxVersion":"SPDX-2.3"})";
  const Descriptor blob{"application/spdx+json", store.put(document), document.size(), {}, std::nullopt};
  const Image sbom = artifact_manifest("application/spdx+json", {blob}, first.manifest_descriptor(), store);

  add_layout_referrer(sbom, store, layout);
  add_layout_referrer(sbom, store, layout);
  json index = json::parse(read_bytes(layout / "index.json"));
  REQUIRE(index["manifests"].size() == 2);
  const json& listed = index["manifests"][1];
  CHECK(listed == referrer_descriptor(sbom));
  CHECK_FALSE(listed.contains("annotations"));  // no tag: tools that read by tag never see it
  CHECK(read_bytes(layout / "blobs" / "sha256" / std::string(blob.digest.hex())) == document);
  CHECK(layout_has_referrer(layout, first.manifest_digest().str(), "application/spdx+json"));
  CHECK_FALSE(layout_has_referrer(layout, second.manifest_digest().str(), "application/spdx+json"));
  CHECK_FALSE(layout_has_referrer(layout, first.manifest_digest().str(), "application/vnd.example.other"));
  check_image(layout, "a");
  check_skopeo_oci(layout, "a", first);

  SECTION("another tag beside it keeps it") {
    write_oci_layout(second, store, layout, "b");
    CHECK(json::parse(read_bytes(layout / "index.json"))["manifests"].size() == 3);
  }
  SECTION("a new image under the tag drops the old image's referrer") {
    write_oci_layout(second, store, layout, "a");
    json replaced = json::parse(read_bytes(layout / "index.json"));
    REQUIRE(replaced["manifests"].size() == 1);
    CHECK(entry_tagged(replaced, "a")["digest"] == second.manifest_digest().str());
  }
  SECTION("another tool's referrer whose manifest is not in the layout is kept") {
    json foreign = listed;
    const std::string elsewhere = R"({"subject":"in a blob this layout lacks"})";
    foreign["digest"] = store.put(elsewhere).str();  // in the store, never written to the layout
    foreign["size"] = elsewhere.size();
    index["manifests"].push_back(foreign);
    write_bytes(layout / "index.json", index.dump());
    write_oci_layout(second, store, layout, "a");
    json replaced = json::parse(read_bytes(layout / "index.json"));
    REQUIRE(replaced["manifests"].size() == 2);
    CHECK(replaced["manifests"][0]["digest"] == second.manifest_digest().str());  // in the old image's place
    CHECK(replaced["manifests"][1] == foreign);
  }
  SECTION("a layout gone before the referrer is added is an error, and nothing is made") {
    fs::remove_all(layout);
    CHECK_THROWS_AS(add_layout_referrer(sbom, store, layout), Error);
    CHECK_FALSE(fs::exists(layout));
  }
}

TEST_CASE("OCI layout: refuses to replace what is not a layout", "[outputs][oci-layout]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  Image image = make_image(store, dir / "src", "one");

  SECTION("a folder of other files") {
    write_bytes(dir / "out" / "target" / "notes.txt", "mine");
    CHECK_THROWS_WITH(write_oci_layout(image, store, dir / "out" / "target", "v1"),
                      Catch::Contains("not an OCI image layout"));
    CHECK(read_bytes(dir / "out" / "target" / "notes.txt") == "mine");
    CHECK(folder_names(dir / "out") == std::set<std::string>{"target", "target.lock"});
  }
  SECTION("a layout with a file of the user's in it is updated in place, the file kept") {
    write_oci_layout(image, store, dir / "out" / "target", "v1");
    write_bytes(dir / "out" / "target" / "README", "mine");
    write_oci_layout(image, store, dir / "out" / "target", "v2");
    CHECK(read_bytes(dir / "out" / "target" / "README") == "mine");
    CHECK(names_of(json::parse(read_bytes(dir / "out" / "target" / "index.json"))["manifests"]) ==
          std::set<std::string>{"v1", "v2"});
  }
  SECTION("a file") {
    write_bytes(dir / "out" / "target", "mine");
    CHECK_THROWS_AS(write_oci_layout(image, store, dir / "out" / "target", "v1"), Error);
    CHECK(read_bytes(dir / "out" / "target") == "mine");
    CHECK(folder_names(dir / "out") == std::set<std::string>{"target", "target.lock"});
  }
  SECTION("an empty folder is fine, and so is a trailing slash") {
    fs::create_directories(dir / "out" / "target");
    write_oci_layout(image, store, (dir / "out" / "target").string() + "/", "v1");
    CHECK(folder_names(dir / "out" / "target") == std::set<std::string>{"blobs", "index.json", "oci-layout"});
    CHECK(folder_names(dir / "out") == std::set<std::string>{"target", "target.lock"});
  }
  SECTION("a tag Docker would not accept") {
    CHECK_THROWS_AS(write_oci_layout(image, store, dir / "out" / "target", ""), Error);
    CHECK_THROWS_AS(write_oci_layout(image, store, dir / "out" / "target", "a/b"), Error);
    CHECK_THROWS_AS(write_oci_layout(image, store, dir / "out" / "target", "a@" + image.manifest_digest().str()), Error);
    CHECK_FALSE(fs::exists(dir / "out" / "target"));
  }
}

TEST_CASE("docker archive: members, documents, digests and reproducibility", "[outputs][docker-archive]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  Image image = make_image(store, dir / "src", "one");
  fs::path file = dir / "out" / "image.tar";
  write_docker_archive(image, store, file, Reference::parse_or_throw("myvenv", "--tag"));

  std::vector<TarMember> members = read_tar(file);
  std::vector<std::string> names;
  std::map<std::string, const TarMember*> by_name;
  for (const auto& member : members) {
    names.push_back(member.name);
    by_name[member.name] = &member;
    INFO(member.name);
    CHECK(member.mtime == 946684800);
    CHECK(member.uid == 0);
    CHECK(member.gid == 0);
    CHECK(member.mode == (member.type == AE_IFDIR ? 0755u : 0644u));
  }
  std::vector<std::string> expected{"blobs/", "blobs/sha256/"};
  for (const auto& hex : image_blob_names(image)) expected.push_back("blobs/sha256/" + hex);  // set: sorted
  for (const char* document : {"index.json", "manifest.json", "oci-layout", "repositories"}) expected.push_back(document);
  CHECK(names == expected);

  for (const auto& hex : image_blob_names(image)) {
    INFO(hex);
    CHECK(sha256_of(by_name["blobs/sha256/" + hex]->data).hex() == hex);
  }
  CHECK(by_name["blobs/sha256/" + std::string(image.manifest_digest().hex())]->data == image.raw_manifest);
  CHECK(by_name["blobs/sha256/" + std::string(image.config_digest().hex())]->data == image.raw_config);
  CHECK(by_name["oci-layout"]->data == R"({"imageLayoutVersion":"1.0.0"})");

  json index = json::parse(by_name["index.json"]->data);
  REQUIRE(index["manifests"].size() == 1);
  CHECK(index["mediaType"] == "application/vnd.oci.image.index.v1+json");
  CHECK(index["manifests"][0]["digest"] == image.manifest_digest().str());
  CHECK(index["manifests"][0]["size"] == image.raw_manifest.size());
  CHECK(index["manifests"][0]["annotations"] ==
        json{{"io.containerd.image.name", "docker.io/library/myvenv:latest"}, {k_ref_name, "latest"}});

  json layers = json::array();
  for (const auto& layer : image.layers) layers.push_back("blobs/sha256/" + std::string(layer.blob.digest.hex()));
  CHECK(json::parse(by_name["manifest.json"]->data) ==
        json::array({json{{"Config", "blobs/sha256/" + std::string(image.config_digest().hex())},
                          {"RepoTags", {"myvenv:latest"}},
                          {"Layers", layers}}}));
  CHECK(json::parse(by_name["repositories"]->data) ==
        json{{"myvenv", {{"latest", std::string(image.layers.back().blob.digest.hex())}}}});

  SECTION("writing twice gives the same bytes") {
    write_docker_archive(image, store, dir / "out" / "again.tar", Reference::parse_or_throw("myvenv", "--tag"));
    CHECK(read_bytes(dir / "out" / "again.tar") == read_bytes(file));
    CHECK_FALSE(has_temporaries(dir / "out"));
  }

  SECTION("skopeo reads it as a docker-archive and as an oci-archive; the schema validator accepts it") {
    require_tool("skopeo");
    RunResult docker = run_command("skopeo inspect " + quote("docker-archive:" + file.string()));
    INFO(docker.output);
    REQUIRE(docker.status == 0);
    json inspected = json::parse(docker.output);
    CHECK(inspected["Layers"].size() == image.layers.size());
    CHECK(inspected["Labels"] == image.config["config"]["Labels"]);
    CHECK(inspected["RepoTags"].is_array());

    // A copy decompresses every layer and checks it against its diff_id.
    RunResult copy = run_command("skopeo --insecure-policy copy -q " + quote("docker-archive:" + file.string()) + " " +
                         quote("oci:" + (dir / "copied").string() + ":x"));
    INFO(copy.output);
    CHECK(copy.status == 0);

    RunResult oci = run_command("skopeo inspect " + quote("oci-archive:" + file.string() + ":latest"));
    INFO(oci.output);
    REQUIRE(oci.status == 0);
    CHECK(json::parse(oci.output)["Digest"] == image.manifest_digest().str());
    check_image(file);
  }
}

TEST_CASE("docker archive: names, shared layers and refused names", "[outputs][docker-archive]") {
  test::TempDir dir;
  BlobStore store(dir / "store");

  SECTION("a registry name keeps its registry in RepoTags and in the containerd name") {
    Image image = make_image(store, dir / "src", "one");
    fs::path file = dir / "named.tar";
    write_docker_archive(image, store, file, Reference::parse_or_throw("localhost:5000/team/app:1.0", "--tag"));
    std::map<std::string, std::string> documents;
    for (auto& member : read_tar(file)) documents[member.name] = member.data;
    CHECK(json::parse(documents["manifest.json"])[0]["RepoTags"] == json::array({"localhost:5000/team/app:1.0"}));
    CHECK(json::parse(documents["index.json"])["manifests"][0]["annotations"]["io.containerd.image.name"] ==
          "localhost:5000/team/app:1.0");
    CHECK(json::parse(documents["index.json"])["manifests"][0]["annotations"][k_ref_name] == "1.0");
    CHECK(json::parse(documents["repositories"]).contains("localhost:5000/team/app"));
  }

  SECTION("a layer used twice is stored once") {
    Image image = make_image(store, dir / "src", "twice", /*repeat_layer=*/true);
    REQUIRE(image.layers.size() == 2);
    fs::path file = dir / "twice.tar";
    write_docker_archive(image, store, file, Reference::parse_or_throw("twice", "--tag"));
    std::map<std::string, int> count;
    std::map<std::string, std::string> documents;
    for (auto& member : read_tar(file)) {
      ++count[member.name];
      documents[member.name] = member.data;
    }
    std::string layer = "blobs/sha256/" + std::string(image.layers[0].blob.digest.hex());
    CHECK(count[layer] == 1);
    CHECK(count.size() == 2 + 3 + 4);  // 2 folders, 3 blobs, 4 documents
    CHECK(json::parse(documents["manifest.json"])[0]["Layers"] == json::array({layer, layer}));
    check_image(file);
  }

  SECTION("a digest cannot name an output") {
    Image image = make_image(store, dir / "src", "one");
    std::string digest = image.manifest_digest().str();
    CHECK_THROWS_AS(write_docker_archive(image, store, dir / "x.tar", Reference::parse_or_throw("x@" + digest, "--tag")),
                    Error);
    CHECK_FALSE(fs::exists(dir / "x.tar"));
  }
}

TEST_CASE("docker archive: a failure leaves no file and no temporaries", "[outputs][docker-archive]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  Image image = make_image(store, dir / "src", "one");
  fs::create_directories(dir / "out");
  fs::path file = dir / "out" / "image.tar";
  Reference name = Reference::parse_or_throw("myvenv:1", "--tag");

  SECTION("a layer missing from the store") {
    fs::remove(store.path_of(image.layers.front().blob.digest));
    CHECK_THROWS_WITH(write_docker_archive(image, store, file, name), Catch::Contains("missing"));
    CHECK(folder_names(dir / "out").empty());
  }

  SECTION("a corrupt layer found while streaming, after other members were written") {
    // Same size, one byte changed: only the digest check while streaming sees it.
    fs::path blob = store.path_of(image.layers.back().blob.digest);
    std::string bytes = read_bytes(blob);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x55);
    fs::remove(blob);
    write_bytes(blob, bytes);
    CHECK_THROWS_WITH(write_docker_archive(image, store, file, name), Catch::Contains("does not match"));
    CHECK(folder_names(dir / "out").empty());
  }

  SECTION("an existing archive stays as it was") {
    write_docker_archive(image, store, file, name);
    std::string before = read_bytes(file);
    fs::remove(store.path_of(image.layers.back().blob.digest));
    CHECK_THROWS_AS(write_docker_archive(image, store, file, Reference::parse_or_throw("other:2", "--tag")), Error);
    CHECK(read_bytes(file) == before);
    CHECK(folder_names(dir / "out") == std::set<std::string>{"image.tar"});
  }
}

TEST_CASE("random images through both writers: validate_image, skopeo and umoci read them", "[outputs][random]") {
  test::TempDir dir;
  BlobStore store(dir / "store");
  RandomImageOptions options;
  options.seed = 42;
  options.layers = 3;
  Image image = random_image(store, options);
  CHECK(random_image(store, options).manifest_digest() == image.manifest_digest());  // seeded
  options.seed = 43;
  CHECK(random_image(store, options).manifest_digest() != image.manifest_digest());

  fs::path layout = dir / "layout";
  write_oci_layout(image, store, layout, "r");
  check_image(layout, "r");
  check_skopeo_oci(layout, "r", image);
  check_umoci(layout, "r");

  for (MediaFamily family : {MediaFamily::oci, MediaFamily::docker}) {
    options.family = family;
    Image typed = random_image(store, options);
    fs::path file = dir / ("image-" + std::to_string(static_cast<int>(family)) + ".tar");
    write_docker_archive(typed, store, file, Reference::parse_or_throw("random:1", "--tag"));
    check_image(file, "1");
    require_tool("skopeo");
    RunResult inspected = run_command("skopeo inspect " + quote("docker-archive:" + file.string()));
    INFO(inspected.output);
    REQUIRE(inspected.status == 0);
    CHECK(json::parse(inspected.output)["Layers"].size() == typed.layers.size());
  }
}
