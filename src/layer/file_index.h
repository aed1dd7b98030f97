// The file system of an image without extracting it: every path of every
// layer, with whiteouts applied, as the container would see it.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "image/base_image.h"
#include "image/image.h"
#include "layer/content_selection.h"
#include "store/blob_store.h"
#include "tar/layer_entry.h"

namespace venv2docker {

struct IndexedFile {
  EntryKind kind = EntryKind::regular;
  std::string link_target;
  std::uint64_t size = 0;
  std::uint32_t mode = 0;
  /// The bytes, for the few small files the checks read (a ContentSelection).
  std::optional<std::string> content;
  /// In a layer's listing only: a hard link to a file of a lower layer
  /// ("/usr/bin/perl"); FileIndex::apply replaces it by that file.
  std::optional<std::string> hardlink_to;
};

/// For a reader on another thread than its caller's: how far it got (bytes of
/// tar read), and a flag the caller sets to stop it (the reader then throws
/// Error). Either may be null.
struct ReadWatch {
  std::atomic<std::uint64_t>* bytes_read = nullptr;
  const std::atomic<bool>* cancelled = nullptr;
};

/// What reading a layer of a local source (an OCI layout's blob) leaves in the
/// store: the blob itself, for a build whose outputs take the base's blobs
/// from there; or only its listing, for --check, which writes no image and so
/// reads the base where it is (verified by digest as it is read, like a copy).
enum class LocalLayerUse { stored, listed_only };

/// The most files an image's layers may list in all: several times the
/// largest real images, and a bound on the index's memory.
inline constexpr std::uint64_t k_max_indexed_entries = std::uint64_t{4} << 20;

class FileIndex {
 public:
  /// Reads the headers of every layer of `image` from `store`, and the bytes
  /// of the files `contents` selects; a layer `layer_files` holds is read from
  /// its file instead, and stored on the way when `local_use` says so
  /// (layer/layer_import.h). Throws
  /// Error naming the layer when one is not a readable tar or not the bytes
  /// its digest names, or when the layers up to it list more than
  /// k_max_indexed_entries files or select more than k_max_selected_bytes,
  /// or once watch.cancelled is set.
  static FileIndex of_image(const Image& image, const ContentSelection& contents, const BlobStore& store,
                            const ReadWatch& watch = {}, const std::map<Digest, LayerFile>& layer_files = {},
                            LocalLayerUse local_use = LocalLayerUse::stored);

  /// The entry at exactly `path` ("/usr/bin/python3"), links not followed.
  const IndexedFile* find(const std::string& path) const;
  /// Follows symbolic links in every component, as the kernel would; the
  /// final path, or std::nullopt when it does not exist or loops.
  std::optional<std::string> resolve(const std::string& path) const;
  /// Every path directly or indirectly under `folder`.
  std::vector<std::string> under(const std::string& folder) const;
  std::size_t size() const { return m_files.size(); }

  /// Adds one tar member of layer number `layer` (whiteouts included).
  void apply(std::string path, IndexedFile file, std::size_t layer);

 private:
  struct Stored {
    IndexedFile file;
    std::size_t layer;
  };
  void remove_lower(const std::string& path, bool contents_only, std::size_t layer);
  std::map<std::string, Stored> m_files;
};

/// Finds the interpreter a venv of Python `version` ("3.11") should use in
/// an image: python3.X in /usr/local/bin, /usr/bin or /opt/*/bin whose standard
/// library (lib/python3.X/os.py) is present. Returns its path as the image
/// names it ("/usr/bin/python3.11"), or std::nullopt.
std::optional<std::string> find_interpreter(const FileIndex& index, const std::string& version);

/// Every "pythonX.Y" executable in the usual folders, for error messages.
std::vector<std::string> list_interpreters(const FileIndex& index);

}  // namespace venv2docker
