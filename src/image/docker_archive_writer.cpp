// write_docker_archive: one uncompressed tar that is an OCI image layout and a
// `docker save` archive at once, as Docker 25+ writes them, so that Docker's
// classic and containerd stores, podman and skopeo all load it. Blobs stream
// from the store into the tar; the tar appears only once complete.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "image/docker_archive_writer.h"
#include "image/oci_index.h"
#include "tar/source_date_epoch.h"
#include "tar/tar_writer.h"
#include "util/atomic_file.h"
#include "util/temporary_path.h"
#include "util/error.h"
#include "util/unique_fd.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t k_copy_block = std::size_t{1} << 20;

std::string blob_member(const Digest& digest) { return "blobs/sha256/" + std::string(digest.hex()); }

// An uncompressed tar written through an AtomicFile. Every member gets the
// same owner, time and modes, so the same image always gives the same bytes.
class ArchiveFileWriter {
 public:
  explicit ArchiveFileWriter(AtomicFile& file)
      : m_tar([&file](const void* data, std::size_t size) { file.write(data, size); }, file.destination().string()) {}

  void add_folder(const std::string& name) { m_tar.add_header(header(name, EntryKind::directory, 0755, 0)); }

  void add_document(const std::string& name, std::string_view bytes) {
    m_tar.add_header(header(name, EntryKind::regular, 0644, bytes.size()));
    m_tar.write_data(bytes.data(), bytes.size(), name);
  }

  // Streams a stored blob into the tar, checking it against its name on the
  // way: a corrupt cache file must not end up in an image someone loads.
  void add_blob(const BlobStore& store, const Digest& digest, std::uint64_t size) {
    std::string name = blob_member(digest);
    fs::path source = store.path_of(digest);
    UniqueFd fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
      throw Error("cannot read blob " + source.string() + ": " + std::strerror(errno),
                  "was the cache folder cleaned while venv2docker ran? run the build again");
    }
    m_tar.add_header(header(name, EntryKind::regular, 0644, size));
    Sha256 hash;
    std::uint64_t copied = 0;
    while (true) {
      ssize_t got = ::read(fd.get(), m_buffer.data(), m_buffer.size());
      if (got < 0) {
        if (errno == EINTR) continue;
        throw Error("cannot read blob " + source.string() + ": " + std::strerror(errno));
      }
      if (got == 0) break;
      copied += static_cast<std::uint64_t>(got);
      if (copied > size) break;  // reported below; the tar header already promised `size`
      hash.update(m_buffer.data(), static_cast<std::size_t>(got));
      m_tar.write_data(m_buffer.data(), static_cast<std::size_t>(got), name);
    }
    if (copied != size || hash.finish() != digest) {
      throw Error("blob " + source.string() + " in the cache does not match its digest " + digest.str(),
                  "the cache is corrupt: remove that file (or the whole cache folder) and build again");
    }
  }

  void finish() { m_tar.finish(); }

 private:
  static TarHeader header(const std::string& name, EntryKind kind, std::uint32_t mode, std::uint64_t size) {
    return TarHeader{name, kind, mode, {}, size, k_default_epoch};
  }

  TarWriter m_tar;
  std::vector<char> m_buffer = std::vector<char>(k_copy_block);
};

// `docker save`'s manifest.json: one image, its config and layers by member
// path, and the name:tag `docker load` gives it.
std::string docker_manifest_json(const Image& image, const std::string& repo_tag) {
  json layers = json::array();
  for (const auto& layer : image.layers) layers.push_back(blob_member(layer.blob.digest));
  json entry = json::object();
  entry["Config"] = blob_member(image.config_digest());
  entry["RepoTags"] = json::array({repo_tag});
  entry["Layers"] = std::move(layers);
  return canonical_json(json::array({entry}));
}

// The legacy `repositories` file: name -> tag -> top layer. Moby still writes
// it; a layerless image has no top layer, so it lists nothing then.
std::string repositories_json(const Image& image, const std::string& familiar_name, const std::string& tag) {
  json repositories = json::object();
  if (!image.layers.empty()) {
    repositories[familiar_name] = {{tag, std::string(image.layers.back().blob.digest.hex())}};
  }
  return canonical_json(repositories);
}

}  // namespace

void write_docker_archive(const Image& image, const BlobStore& store, const fs::path& file, const Reference& name) {
  if (name.digest) {
    throw Error("cannot name the archive's image " + name.full() + ": a digest is fixed by the content, not chosen",
                "give a name with a tag only, e.g. myapp:1.0");
  }
  Reference tagged = name;
  tagged.tag = name.tag_or_latest();
  Reference untagged = tagged;
  untagged.tag.reset();

  // Everything that can fail for lack of input fails before the disk is touched.
  std::map<Digest, std::uint64_t> blobs = stage_image_blobs(image, store);
  json manifests = json::array(
      {index_entry(image, {{annotation::containerd_image_name, tagged.full()}, {annotation::ref_name, *tagged.tag}})});

  // The members in byte order of their names, as `docker save` orders them.
  AtomicFile out(file);
  // A killed run's half-written archive sits beside this one.
  sweep_dead_temporaries(out.destination().parent_path().empty() ? "." : out.destination().parent_path());
  ArchiveFileWriter tar(out);
  tar.add_folder("blobs/");
  tar.add_folder("blobs/sha256/");
  for (const auto& [digest, size] : blobs) tar.add_blob(store, digest, size);
  tar.add_document("index.json", index_document(manifests));
  tar.add_document("manifest.json", docker_manifest_json(image, tagged.familiar()));
  tar.add_document("oci-layout", k_oci_layout_document);
  tar.add_document("repositories", repositories_json(image, untagged.familiar(), *tagged.tag));
  tar.finish();
  out.commit();
}

}  // namespace venv2docker
