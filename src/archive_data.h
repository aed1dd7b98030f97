// The data of the entry a libarchive reader is on, block by block or whole:
// what reading a docker-archive's members, a .deb's inner tars and a
// compressed index all need.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

struct archive;

namespace venv2docker {

/// Hands each block of the current entry's data to `consume`, in order.
/// Throws Error "cannot read <what>: ..." when libarchive fails.
void for_each_data_block(archive* reader, const std::string& what,
                         const std::function<void(const char*, std::size_t)>& consume);

/// The current entry's data, refused (Error naming `what`) beyond `cap` bytes.
std::string read_entry_data(archive* reader, std::size_t cap, const std::string& what);

}  // namespace venv2docker
