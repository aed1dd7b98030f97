#include "store/digest.h"

#include <openssl/evp.h>

#include "util/error.h"

namespace venv2docker {

namespace {
constexpr std::string_view k_prefix = "sha256:";
constexpr std::size_t k_hex_length = 64;

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
}  // namespace

std::optional<Digest> Digest::parse(std::string_view text) {
  if (text.size() != k_prefix.size() + k_hex_length || !text.starts_with(k_prefix)) {
    return std::nullopt;
  }
  for (char c : text.substr(k_prefix.size())) {
    if (!is_lower_hex(c)) return std::nullopt;
  }
  return Digest(std::string(text));
}

Digest Digest::parse_or_throw(std::string_view text, std::string_view where) {
  if (auto digest = parse(text)) return *digest;
  // Quote only a bounded prefix: the text may be hostile and arbitrarily long.
  std::string shown(text.substr(0, 80));
  throw Error("invalid digest \"" + shown + "\" in " + std::string(where),
              "only sha256:<64 lowercase hex digits> digests are accepted");
}

Digest Digest::from_bytes(const unsigned char (&bytes)[32]) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string text(k_prefix);
  text.reserve(k_prefix.size() + k_hex_length);
  for (unsigned char byte : bytes) {
    text.push_back(k_hex[byte >> 4]);
    text.push_back(k_hex[byte & 0xf]);
  }
  return Digest(std::move(text));
}

struct Sha256::State {
  EVP_MD_CTX* ctx = nullptr;
  ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : m_state(std::make_unique<State>()) {
  m_state->ctx = EVP_MD_CTX_new();
  if (!m_state->ctx || EVP_DigestInit_ex(m_state->ctx, EVP_sha256(), nullptr) != 1) {
    throw Error("OpenSSL could not initialise SHA-256");
  }
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, std::size_t size) {
  if (size != 0) EVP_DigestUpdate(m_state->ctx, data, size);
}

void Sha256::finish_raw(unsigned char (&out)[32]) {
  unsigned int length = 0;
  EVP_DigestFinal_ex(m_state->ctx, out, &length);
}

Digest Sha256::finish() {
  unsigned char bytes[32];
  finish_raw(bytes);
  return Digest::from_bytes(bytes);
}

Digest sha256_of(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return hash.finish();
}

}  // namespace venv2docker
