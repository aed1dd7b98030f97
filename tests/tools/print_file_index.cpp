// Prints the file index venv2docker builds for an image (base_file_index),
// so a test can compare it with the file system a real runtime makes of the
// same image (docker export). Names are bytes: nothing is converted or escaped.
//
//   print_file_index CACHE_DIR BASE
//
// BASE is what --base takes (oci:DIR[:TAG], docker-archive:FILE, a registry
// reference). One record per path, in the index's order, each field ended by
// a NUL byte: path, kind (dir, file, symlink), link target, size, mode (octal).
// Exit 0, or 1 with venv2docker's error on stderr.
#include <cstdio>
#include <iostream>
#include <string>

#include "build/load_base_image.h"
#include "image/platform.h"
#include "layer/file_index.h"
#include "remote/registry_options.h"
#include "store/blob_store.h"
#include "util/error.h"
#include "util/reporter.h"

using namespace venv2docker;

namespace {

const char* kind_name(EntryKind kind) {
  switch (kind) {
    case EntryKind::directory: return "dir";
    case EntryKind::symlink: return "symlink";
    case EntryKind::regular: break;
  }
  return "file";
}

void print_field(const std::string& field) {
  std::cout.write(field.data(), static_cast<std::streamsize>(field.size()));
  std::cout.put('\0');
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: print_file_index CACHE_DIR BASE\n";
    return 2;
  }
  try {
    BlobStore store(argv[1]);
    Reporter reporter(Verbosity::quiet);
    BaseImage base = load_base_image(argv[2], PlatformRequest{}, store, RegistryOptions{}, reporter);
    FileIndex index = base_file_index(base, store);
    for (const std::string& path : index.under("/")) {
      const IndexedFile* file = index.find(path);
      char mode[16];
      std::snprintf(mode, sizeof mode, "%o", static_cast<unsigned>(file->mode));
      print_field(path);
      print_field(kind_name(file->kind));
      print_field(file->link_target);
      print_field(std::to_string(file->size));
      print_field(mode);
    }
    return std::cout.flush() ? 0 : 1;
  } catch (const Error& error) {
    std::cerr << "print_file_index: " << error.what() << "\n";
    if (!error.hint().empty()) std::cerr << "  hint: " << error.hint() << "\n";
    return 1;
  }
}
