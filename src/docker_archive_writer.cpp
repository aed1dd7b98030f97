// write_docker_archive: one uncompressed tar that is an OCI image layout and a
// `docker save` archive at once, as Docker 25+ writes them, so that Docker's
// classic and containerd stores, podman and skopeo all load it. Blobs stream
// from the store into the tar; the tar appears only once complete.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <memory>
#include <vector>

#include "atomic_file.h"
#include "oci_index.h"
#include "venv2docker/error.h"
#include "venv2docker/layer_writer.h"
#include "venv2docker/outputs.h"

namespace venv2docker {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t k_copy_block = std::size_t{1} << 20;

std::string blob_member(const Digest& digest) { return "blobs/sha256/" + std::string(digest.hex()); }

// An uncompressed tar written through an AtomicFile. Every member gets the
// same owner, time and modes, so the same image always gives the same bytes.
class TarWriter {
 public:
  explicit TarWriter(AtomicFile& file) : m_file(file) {
    m_archive.reset(archive_write_new());
    if (!m_archive) throw Error("libarchive could not start " + m_file.destination().string());
    // ustar headers, with pax records only where a name would need them.
    archive_write_set_format_pax_restricted(m_archive.get());
    // No padding to libarchive's 10 KiB default block: just the end-of-archive blocks.
    archive_write_set_bytes_in_last_block(m_archive.get(), 1);
    if (archive_write_open2(m_archive.get(), this, nullptr, write_callback, nullptr, nullptr) != ARCHIVE_OK) {
      fail("cannot start");
    }
  }

  void add_folder(const std::string& name) { add_header(name, AE_IFDIR, 0755, 0); }

  void add_document(const std::string& name, std::string_view bytes) {
    add_header(name, AE_IFREG, 0644, bytes.size());
    write_data(bytes.data(), bytes.size(), name);
  }

  // Streams a stored blob into the tar, checking it against its name on the
  // way: a corrupt cache file must not end up in an image someone loads.
  void add_blob(const BlobStore& store, const Digest& digest, std::uint64_t size) {
    std::string name = blob_member(digest);
    fs::path source = store.path_of(digest);
    int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      throw Error("cannot read blob " + source.string() + ": " + std::strerror(errno),
                  "was the cache folder cleaned while venv2docker ran? run the build again");
    }
    struct FdCloser {
      int fd;
      ~FdCloser() { ::close(fd); }
    } closer{fd};
    add_header(name, AE_IFREG, 0644, size);
    Sha256 hash;
    std::uint64_t copied = 0;
    while (true) {
      ssize_t got = ::read(fd, m_buffer.data(), m_buffer.size());
      if (got < 0) {
        if (errno == EINTR) continue;
        throw Error("cannot read blob " + source.string() + ": " + std::strerror(errno));
      }
      if (got == 0) break;
      copied += static_cast<std::uint64_t>(got);
      if (copied > size) break;  // reported below; the tar header already promised `size`
      hash.update(m_buffer.data(), static_cast<std::size_t>(got));
      write_data(m_buffer.data(), static_cast<std::size_t>(got), name);
    }
    if (copied != size || hash.finish() != digest) {
      throw Error("blob " + source.string() + " in the cache does not match its digest " + digest.str(),
                  "the cache is corrupt: remove that file (or the whole cache folder) and build again");
    }
  }

  void finish() {
    if (archive_write_close(m_archive.get()) != ARCHIVE_OK) fail("cannot finish");
  }

 private:
  struct ArchiveDeleter {
    void operator()(struct archive* archive) const { archive_write_free(archive); }
  };
  struct EntryDeleter {
    void operator()(archive_entry* entry) const { archive_entry_free(entry); }
  };

  static la_ssize_t write_callback(struct archive*, void* client, const void* buffer, size_t length) {
    auto* self = static_cast<TarWriter*>(client);
    try {
      self->m_file.write(buffer, length);
    } catch (...) {
      // Carried across libarchive's C frames and rethrown by fail().
      self->m_failure = std::current_exception();
      return -1;
    }
    return static_cast<la_ssize_t>(length);
  }

  void add_header(const std::string& name, unsigned type, unsigned mode, std::uint64_t size) {
    std::unique_ptr<archive_entry, EntryDeleter> header(archive_entry_new());
    archive_entry_set_pathname(header.get(), name.c_str());
    archive_entry_set_filetype(header.get(), type);
    archive_entry_set_perm(header.get(), mode);
    archive_entry_set_size(header.get(), static_cast<la_int64_t>(size));
    archive_entry_set_mtime(header.get(), k_default_epoch, 0);
    archive_entry_set_uid(header.get(), 0);
    archive_entry_set_gid(header.get(), 0);
    if (archive_write_header(m_archive.get(), header.get()) != ARCHIVE_OK) fail("cannot add " + name + " to");
  }

  void write_data(const void* data, std::size_t size, const std::string& name) {
    if (size != 0 && archive_write_data(m_archive.get(), data, size) != static_cast<la_ssize_t>(size)) {
      fail("cannot add " + name + " to");
    }
  }

  [[noreturn]] void fail(const std::string& what) {
    if (m_failure) std::rethrow_exception(m_failure);
    const char* reason = archive_error_string(m_archive.get());
    throw Error(what + " " + m_file.destination().string() + ": " + (reason ? reason : "libarchive failed"));
  }

  AtomicFile& m_file;
  std::exception_ptr m_failure;
  // Declared after m_file and freed first: archive_write_free may still flush
  // through the callback, which needs the file.
  std::unique_ptr<struct archive, ArchiveDeleter> m_archive;
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
  TarWriter tar(out);
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
