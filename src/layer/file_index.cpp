#include "layer/file_index.h"

#include <algorithm>
#include <memory>

#include "layer/layer_import.h"
#include "layer/layer_listing.h"
#include "layer/path_resolution.h"
#include "tar/image_path.h"
#include "tar/whiteout.h"
#include "util/error.h"

namespace venv2docker {

void FileIndex::remove_lower(const std::string& path, bool contents_only, std::size_t layer) {
  std::string prefix = path == "/" ? "/" : path + "/";
  if (!contents_only) {
    if (auto found = m_files.find(path); found != m_files.end() && found->second.layer < layer) m_files.erase(found);
  }
  for (auto it = m_files.lower_bound(prefix); it != m_files.end() && it->first.starts_with(prefix);) {
    it = it->second.layer < layer ? m_files.erase(it) : std::next(it);
  }
}

void FileIndex::apply(std::string path, IndexedFile file, std::size_t layer) {
  path = image_path_of(std::move(path));
  const std::string_view base = std::string_view(path).substr(path.rfind('/') + 1);
  if (is_whiteout_name(base)) {
    // The first layer has nothing below it to delete or hide.
    if (layer == 0) return;
    const std::string parent = image_parent_of(path);
    if (base == k_opaque_whiteout) {
      remove_lower(parent, /*contents_only=*/true, layer);
    } else {
      remove_lower((parent == "/" ? "" : parent) + "/" + std::string(base.substr(k_whiteout_prefix.size())), false,
                   layer);
    }
    return;
  }
  if (file.hardlink_to) {
    // The same file as a lower layer's: its kind, size, mode and bytes.
    auto target = m_files.find(*file.hardlink_to);
    if (target == m_files.end()) return;  // Docker refuses such a link too
    file = target->second.file;
  }
  // A non-folder replacing a folder hides everything below it.
  if (file.kind != EntryKind::directory && layer != 0) remove_lower(path, true, layer);
  m_files.insert_or_assign(std::move(path), Stored{std::move(file), layer});
}

FileIndex FileIndex::of_image(const Image& image, const ContentSelection& contents, const BlobStore& store,
                              const ReadWatch& watch, const std::map<Digest, LayerFile>& layer_files,
                              LocalLayerUse local_use) {
  FileIndex index;
  std::uint64_t entries = 0, content_bytes = 0;
  for (std::size_t layer = 0; layer < image.layers.size(); ++layer) {
    const Descriptor& blob = image.layers[layer].blob;
    const Digest& digest = blob.digest;
    const auto file = layer_files.find(digest);
    // A layer twice in the image was stored, or its listing kept, the first time.
    LayerListing listing = file != layer_files.end() && !store.has(digest)
                               ? list_local_layer(blob, file->second, contents, store, local_use, watch)
                               : read_layer_listing(digest, contents, store, watch);
    entries += listing.size();
    if (entries > k_max_indexed_entries) {
      throw Error("the base image's layers list more than " + std::to_string(k_max_indexed_entries) +
                      " files in all, up to layer " + digest.str(),
                  "a base this large is broken or hostile; use another base");
    }
    for (const auto& [path, file] : listing) content_bytes += file.content ? file.content->size() : 0;
    require_selected_bytes_within(content_bytes, "the layers up to " + digest.str());
    for (auto& [path, file] : listing) index.apply(std::move(path), std::move(file), layer);
  }
  return index;
}

const IndexedFile* FileIndex::find(const std::string& path) const {
  auto found = m_files.find(image_path_of(path));
  return found == m_files.end() ? nullptr : &found->second.file;
}

std::optional<std::string> FileIndex::resolve(const std::string& path) const {
  return resolve_path(image_path_of(path), [this](const std::string& candidate) {
    if (const IndexedFile* file = find(candidate)) {
      return file->kind == EntryKind::symlink ? PathNode{PathNode::Kind::symlink, file->link_target}
                                              : PathNode{PathNode::Kind::other, {}};
    }
    // Layers need not list parent folders: a folder exists if anything is under it.
    auto below = m_files.lower_bound(candidate + "/");
    bool implicit_folder = below != m_files.end() && below->first.starts_with(candidate + "/");
    return PathNode{implicit_folder ? PathNode::Kind::other : PathNode::Kind::missing, {}};
  });
}

std::vector<std::string> FileIndex::under(const std::string& folder) const {
  std::string prefix = image_path_of(folder);
  if (prefix != "/") prefix += "/";
  std::vector<std::string> paths;
  for (auto it = m_files.lower_bound(prefix); it != m_files.end() && it->first.starts_with(prefix); ++it) {
    paths.push_back(it->first);
  }
  return paths;
}

namespace {

bool is_interpreter_name(std::string_view name) {
  // python3.X or python3.Xt
  if (!name.starts_with("python3.") || name.size() < 9) return false;
  std::string_view rest = name.substr(8);
  if (rest.ends_with("t")) rest.remove_suffix(1);
  return !rest.empty() && rest.find_first_not_of("0123456789") == std::string_view::npos;
}

std::vector<std::string> candidate_folders(const FileIndex& index) {
  std::vector<std::string> folders{"/usr/local/bin", "/usr/bin"};
  // /opt/<name>/bin, whether or not the layers list the folders themselves.
  for (const auto& path : index.under("/opt")) {
    auto name_end = path.find('/', 5);
    if (name_end == std::string::npos || path.compare(name_end, 5, "/bin/") != 0) continue;
    std::string folder = path.substr(0, name_end + 4);
    if (std::find(folders.begin(), folders.end(), folder) == folders.end()) folders.push_back(folder);
  }
  return folders;
}

}  // namespace

std::vector<std::string> list_interpreters(const FileIndex& index) {
  std::vector<std::string> found;
  for (const auto& folder : candidate_folders(index)) {
    for (const auto& path : index.under(folder)) {
      std::string name = path.substr(path.rfind('/') + 1);
      if (path.rfind('/') == folder.size() && is_interpreter_name(name) && index.resolve(path)) found.push_back(path);
    }
  }
  return found;
}

std::optional<std::string> find_interpreter(const FileIndex& index, const std::string& version) {
  for (const auto& folder : candidate_folders(index)) {
    std::string candidate = folder + "/python" + version;
    auto resolved = index.resolve(candidate);
    if (!resolved || index.find(*resolved)->kind != EntryKind::regular) continue;
    // The standard library sits at <prefix>/lib/python3.X beside <prefix>/bin.
    std::string prefix = folder.substr(0, folder.rfind('/'));
    if (index.resolve(prefix + "/lib/python" + version + "/os.py")) return candidate;
  }
  return std::nullopt;
}

}  // namespace venv2docker
