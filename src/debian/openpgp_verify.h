// Checks the OpenPGP signature of an archive's Release file the way apt
// does: with gpgv on the host, against the keyrings the source trusts.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace venv2docker::debian {

/// One keyring as apt finds it: where it came from (for messages) and its
/// bytes, binary or ASCII-armored (.asc).
struct Keyring {
  std::string origin;
  std::string bytes;
};

/// Verifies a clear-signed InRelease and returns the text that was signed
/// (only that text can be trusted). `scratch` is an empty folder to work in.
/// Throws Error naming `url` when no keyring has a good, valid signature on it.
std::string verify_clearsigned(std::string_view signed_text, const std::vector<Keyring>& keyrings,
                               const std::string& url, const std::filesystem::path& scratch);

/// Verifies a detached signature (Release + Release.gpg) over `data`.
void verify_detached(std::string_view data, std::string_view signature, const std::vector<Keyring>& keyrings,
                     const std::string& url, const std::filesystem::path& scratch);

/// The binary packets of an ASCII-armored key block; binary input comes back
/// unchanged. gpgv reads binary keyrings only. Throws Error naming `origin`
/// for armor it cannot read.
std::string dearmor(std::string_view bytes, std::string_view origin);

}  // namespace venv2docker::debian
