#include <archive.h>
#include <archive_entry.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <map>

#include "layer/gzip_parallel.h"
#include "layer/layer_writer.h"
#include "store/digest.h"
#include "temp_dir.h"
#include "venv_fixture.h"

using namespace venv2docker;
namespace fs = std::filesystem;

namespace {

using test::write_file;

LayerEntry file_entry(const std::string& path, const fs::path& source, std::uint32_t mode = 0644) {
  return LayerEntry{path, EntryKind::regular, mode, {}, source, std::nullopt, fs::file_size(source), std::nullopt};
}

struct ReadEntry {
  int type;
  unsigned mode;
  std::int64_t mtime;
  std::int64_t uid;
  std::string link;
  std::string data;
};

// Reads a layer back with libarchive (which also proves the multi-member gzip
// stream is one valid gzip file to an independent reader).
std::vector<std::pair<std::string, ReadEntry>> read_layer(const fs::path& blob) {
  struct archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_filename(a, blob.c_str(), 1 << 16) == ARCHIVE_OK);
  std::vector<std::pair<std::string, ReadEntry>> out;
  archive_entry* entry;
  while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
    ReadEntry read{static_cast<int>(archive_entry_filetype(entry)), archive_entry_perm(entry), archive_entry_mtime(entry),
                   archive_entry_uid(entry), archive_entry_symlink(entry) ? archive_entry_symlink(entry) : "", {}};
    char buffer[8192];
    la_ssize_t got;
    while ((got = archive_read_data(a, buffer, sizeof buffer)) > 0) read.data.append(buffer, static_cast<std::size_t>(got));
    out.emplace_back(archive_entry_pathname(entry), read);
  }
  archive_read_free(a);
  return out;
}

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  char buffer[4096];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, got);
  ::pclose(pipe);
  return out;
}

}  // namespace

TEST_CASE("layer writer: deterministic, readable, and digests that independent tools agree with") {
  test::TempDir dir;
  write_file(dir / "src/a.txt", "hello\n");
  write_file(dir / "src/bin/tool", "#!/bin/sh\necho hi\n");
  // A big incompressible-ish file spanning enough gzip members that each
  // writer recycles its chunk buffers, ending in a partial one.
  {
    std::ofstream big(dir / "src/big.bin", std::ios::binary);
    std::uint32_t x = 12345;
    for (int i = 0; i < 11 * 1024 * 1024 + 777; ++i) {
      x = x * 1103515245 + 12345;
      big.put(static_cast<char>(x >> 24));
    }
  }
  // A timestamp-based .pyc header: magic, flags 0, mtime, size.
  std::string pyc = std::string("\x55\x0d\x0d\x0a", 4) + std::string(4, '\0') + "\x01\x02\x03\x04" + "\x10\0\0\0" + "code";
  write_file(dir / "src/__pycache__/m.cpython-311.pyc", pyc);

  std::vector<LayerEntry> entries{
      file_entry("/opt/venv/bin/tool", dir / "src/bin/tool", 0755),
      file_entry("/opt/venv/a.txt", dir / "src/a.txt"),
      file_entry("/opt/venv/big.bin", dir / "src/big.bin"),
      file_entry("/opt/venv/__pycache__/m.cpython-311.pyc", dir / "src/__pycache__/m.cpython-311.pyc"),
      LayerEntry{"/opt/venv/bin/python", EntryKind::symlink, 0777, "/usr/bin/python3.11", {}, std::nullopt, 0, std::nullopt},
      LayerEntry{"/opt/venv/pyvenv.cfg", EntryKind::regular, 0644, {}, {}, std::string("home = /usr/bin\n"), 15, std::nullopt},
  };

  BlobStore store(dir / "store");
  LayerOptions options;
  options.mtime = 1700000000;
  options.threads = 2;
  Layer first = write_layer(entries, options, store);
  options.threads = 1;
  Layer single_thread = write_layer(entries, options, store);
  std::reverse(entries.begin(), entries.end());
  options.threads = 3;
  Layer reordered = write_layer(entries, options, store);

  SECTION("the same input gives the same bytes, whatever the thread count and order") {
    CHECK(first.blob.digest == single_thread.blob.digest);
    CHECK(first.blob.digest == reordered.blob.digest);
    CHECK(first.diff_id == single_thread.diff_id);
    CHECK(first.diff_id == reordered.diff_id);
    CHECK(first.blob.size == store.size_of(first.blob.digest));
    CHECK(first.blob.media_type == "application/vnd.oci.image.layer.v1.tar+gzip");
  }

  SECTION("gzip and sha256sum agree with the digests") {
    fs::path blob = store.path_of(first.blob.digest);
    CHECK(run("sha256sum < " + blob.string()).substr(0, 64) == first.blob.digest.hex());
    CHECK(run("gzip -dc < " + blob.string() + " | sha256sum").substr(0, 64) == first.diff_id.hex());
    CHECK(run("gzip -t " + blob.string() + " && echo ok") == "ok\n");
  }

  SECTION("entries read back with parents, root ownership, one mtime and their bytes") {
    auto read = read_layer(store.path_of(first.blob.digest));
    std::vector<std::string> names;
    std::map<std::string, ReadEntry> by_name;
    for (auto& [name, entry] : read) {
      names.push_back(name);
      by_name[name] = entry;
    }
    CHECK(names == std::vector<std::string>{"opt/", "opt/venv/", "opt/venv/__pycache__/",
                                            "opt/venv/__pycache__/m.cpython-311.pyc", "opt/venv/a.txt",
                                            "opt/venv/big.bin", "opt/venv/bin/", "opt/venv/bin/python",
                                            "opt/venv/bin/tool", "opt/venv/pyvenv.cfg"});
    for (auto& [name, entry] : by_name) {
      CHECK(entry.mtime == 1700000000);
      CHECK(entry.uid == 0);
    }
    CHECK(by_name["opt/"].type == AE_IFDIR);
    CHECK(by_name["opt/venv/bin/tool"].mode == 0755);
    CHECK(by_name["opt/venv/bin/tool"].data == "#!/bin/sh\necho hi\n");
    CHECK(by_name["opt/venv/bin/python"].link == "/usr/bin/python3.11");
    CHECK(by_name["opt/venv/pyvenv.cfg"].data == "home = /usr/bin\n");
    CHECK(by_name["opt/venv/big.bin"].data.size() == 11u * 1024 * 1024 + 777);
    std::string patched = by_name["opt/venv/__pycache__/m.cpython-311.pyc"].data;
    REQUIRE(patched.size() == pyc.size());
    std::uint32_t recorded = 0;
    for (int i = 0; i < 4; ++i) recorded |= static_cast<std::uint32_t>(static_cast<unsigned char>(patched[8 + i])) << (8 * i);
    CHECK(recorded == 1700000000u);
    CHECK(patched.substr(12) == pyc.substr(12));
  }

  SECTION("a file that changes size under the writer is an error naming it") {
    // Shrunk (the walk saw 100 bytes), grown by one byte, and grown past a
    // read block: each is caught whatever the read sizes.
    for (const std::uint64_t seen : {std::uint64_t{100}, std::uint64_t{5}, std::uint64_t{11} * 1024 * 1024}) {
      const std::string path = seen == 11u * 1024 * 1024 ? "/opt/venv/big.bin" : "/opt/venv/a.txt";
      auto changing = entries;
      for (auto& entry : changing) {
        if (entry.path == path) entry.size = seen;
      }
      INFO(path << " listed at " << seen << " bytes");
      CHECK_THROWS_WITH(write_layer(changing, options, store),
                        Catch::Contains(path.substr(path.rfind('/') + 1)) && Catch::Contains("changed size"));
    }
  }

  SECTION("a cancelled write stops with an error and stores nothing") {
    BlobStore fresh(dir / "fresh-store");
    std::atomic<bool> cancelled{true};
    LayerOptions cancelling = options;
    cancelling.cancelled = &cancelled;
    CHECK_THROWS_WITH(write_layer(entries, cancelling, fresh), Catch::Contains("cancelled"));
    CHECK(fs::is_empty(fresh.root() / "blobs" / "sha256"));
    CHECK(fs::is_empty(fresh.root() / "tmp"));
    cancelled = false;  // a flag that stays clear changes nothing
    CHECK(write_layer(entries, cancelling, fresh).blob.digest == first.blob.digest);
  }
}

TEST_CASE("layer writer: a whiteout name never reaches a layer, whatever came before") {
  // The walk and the .deb reader leave such names out; the tar writer is the last line.
  test::TempDir dir;
  BlobStore store(dir / "store");
  // The member named in the error: the file, or the parent folder the writer adds first.
  const std::pair<const char*, const char*> refused[] = {{"/opt/venv/.wh.python3", "opt/venv/.wh.python3"},
                                                         {"/usr/lib/python3/.wh..wh..opq", "usr/lib/python3/.wh..wh..opq"},
                                                         {"/app/.wh.folder/inside", "app/.wh.folder"}};
  for (const auto& [path, member] : refused) {
    INFO(path);
    const std::vector<LayerEntry> entries{
        LayerEntry{path, EntryKind::regular, 0644, {}, {}, std::string("x"), 1, std::nullopt}};
    CHECK_THROWS_WITH(write_layer(entries, LayerOptions{}, store),
                      Catch::Contains(std::string("refusing to write ") + member) && Catch::Contains("whiteout"));
  }
  // A name that only contains ".wh." is no whiteout.
  const std::vector<LayerEntry> fine{
      LayerEntry{"/app/not.wh.x", EntryKind::regular, 0644, {}, {}, std::string("x"), 1, std::nullopt}};
  CHECK_NOTHROW(write_layer(fine, LayerOptions{}, store));
}

TEST_CASE("parallel gzip: the input hash sees every byte in order, whatever the thread count") {
  // Many members of uneven compressing cost (runs of one byte, then noise), given
  // in pieces of every size that straddle chunks, the last chunk partial.
  std::string input;
  std::uint32_t x = 7;
  while (input.size() < 9 * ParallelGzipWriter::k_chunk_size + 12345) {
    x = x * 1103515245 + 12345;
    const std::size_t run = (x >> 8) % 300000;
    if ((x >> 4) % 2 == 0) {
      input.append(run, static_cast<char>(x >> 24));
    } else {
      for (std::size_t i = 0; i < run; ++i) {
        x = x * 1103515245 + 12345;
        input.push_back(static_cast<char>(x >> 24));
      }
    }
  }
  const Digest expected = sha256_of(input);
  std::string first_output;
  for (unsigned threads : {1u, 2u, 3u, 5u}) {
    std::string output;
    Sha256 hash;
    const auto sink = [&](const unsigned char* data, std::size_t size) {
      output.append(reinterpret_cast<const char*>(data), size);
    };
    ParallelGzipWriter gzip(sink, threads, 6, &hash);
    for (std::size_t at = 0, piece = 1; at < input.size(); at += piece, piece = piece * 3 % 1000003 + 1) {
      gzip.write(input.data() + at, std::min(piece, input.size() - at));
    }
    gzip.finish();
    INFO("threads " << threads);
    CHECK(hash.finish() == expected);
    if (first_output.empty()) first_output = output;
    CHECK(output == first_output);
  }
}
