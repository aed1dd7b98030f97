#include "debian/openpgp_verify.h"

#include "util/atomic_file.h"
#include "util/base64.h"
#include "util/error.h"
#include "util/file_bytes.h"
#include "util/process.h"
#include "util/text_util.h"

namespace venv2docker::debian {

namespace fs = std::filesystem;

namespace {

void write_bytes(const fs::path& file, std::string_view bytes) {
  AtomicFile out(file);
  out.write(bytes);
  out.commit();
}

// gpgv's status lines ("[GNUPG:] VALIDSIG ..."): apt accepts a signature only
// when one is good and valid and none is bad, expired or revoked.
bool status_says_valid(std::string_view status) {
  bool good = false, valid = false;
  for (const auto& line : split_nonempty(status, '\n')) {
    if (!line.starts_with("[GNUPG:] ")) continue;
    std::string word = line.substr(9, line.find(' ', 9) - 9);
    if (word == "GOODSIG") good = true;
    if (word == "VALIDSIG") valid = true;
    if (word == "BADSIG" || word == "ERRSIG" || word == "EXPKEYSIG" || word == "REVKEYSIG" || word == "EXPSIG") {
      return false;
    }
  }
  return good && valid;
}

// Runs gpgv over the files already in `scratch`; returns nothing on success.
void run_gpgv(std::vector<std::string> files, const std::vector<Keyring>& keyrings, const std::string& url,
              const fs::path& scratch, bool output_signed_text) {
  if (keyrings.empty()) {
    throw Error("no keyring to check the signature of " + url + " against",
                "give the source a Signed-By keyring, or put the archive's key in /etc/apt/trusted.gpg.d");
  }
  std::vector<std::string> argv = {"gpgv", "--homedir", scratch.string(), "--status-fd", "1"};
  for (std::size_t i = 0; i < keyrings.size(); ++i) {
    fs::path keyring = scratch / ("keyring-" + std::to_string(i) + ".gpg");
    write_bytes(keyring, dearmor(keyrings[i].bytes, keyrings[i].origin));
    argv.insert(argv.end(), {"--keyring", keyring.string()});
  }
  if (output_signed_text) argv.insert(argv.end(), {"--output", (scratch / "signed-text").string()});
  argv.insert(argv.end(), files.begin(), files.end());
  ProcessResult result = run_process(argv, ChildEnvironment::bare);
  if (result.exit_code != 0 || !status_says_valid(result.out)) {
    std::string origins;
    for (const auto& keyring : keyrings) origins += (origins.empty() ? "" : ", ") + keyring.origin;
    throw Error("the signature of " + url + " is not valid for the keyrings " + origins + ": " + trim(result.err),
                "the archive or a proxy changed it, or its key is not trusted by the base image; "
                "pass --apt-allow-unauthenticated only if you trust the network path");
  }
}

}  // namespace

std::string dearmor(std::string_view bytes, std::string_view origin) {
  constexpr std::string_view begin = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
  auto start = bytes.find(begin);
  if (start == std::string_view::npos) return std::string(bytes);
  // Armor headers end at the first empty line; the body ends at the CRC line
  // ("=XXXX") or the END line.
  auto body = bytes.find("\n\n", start);
  if (body == std::string_view::npos) throw Error(std::string(origin) + ": armored key block has no body");
  std::string base64;
  for (const auto& line : split_nonempty(bytes.substr(body + 2), '\n')) {
    std::string text = trim(line);
    if (text.starts_with('=') || text.starts_with("-----END")) break;
    base64 += text;
  }
  auto decoded = base64_decode(base64);
  if (!decoded) throw Error(std::string(origin) + ": armored key block is not valid base64");
  return *decoded;
}

std::string verify_clearsigned(std::string_view signed_text, const std::vector<Keyring>& keyrings,
                               const std::string& url, const fs::path& scratch) {
  write_bytes(scratch / "InRelease", signed_text);
  run_gpgv({(scratch / "InRelease").string()}, keyrings, url, scratch, true);
  // gpgv's copy of what it verified: never larger than the signed text.
  return read_file_bytes(scratch / "signed-text", signed_text.size()).value_or("");
}

void verify_detached(std::string_view data, std::string_view signature, const std::vector<Keyring>& keyrings,
                     const std::string& url, const fs::path& scratch) {
  write_bytes(scratch / "Release", data);
  write_bytes(scratch / "Release.gpg", signature);
  run_gpgv({(scratch / "Release.gpg").string(), (scratch / "Release").string()}, keyrings, url, scratch, false);
}

}  // namespace venv2docker::debian
