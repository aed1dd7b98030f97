// SHA-256 digests in the "sha256:<64 lowercase hex>" form the OCI specs use.
// A Digest is always valid: it can safely become a file name or a URL path.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace venv2docker {

class Digest {
 public:
  /// Parses "sha256:<64 lowercase hex>"; anything else (other algorithms,
  /// upper case, path separators) is std::nullopt.
  static std::optional<Digest> parse(std::string_view text);
  /// As parse(), but throws Error naming `where` the bad digest was found.
  static Digest parse_or_throw(std::string_view text, std::string_view where);
  /// From 32 raw bytes.
  static Digest from_bytes(const unsigned char (&bytes)[32]);

  const std::string& str() const { return m_text; }
  std::string_view hex() const { return std::string_view(m_text).substr(7); }

  friend bool operator==(const Digest&, const Digest&) = default;
  friend auto operator<=>(const Digest&, const Digest&) = default;

 private:
  explicit Digest(std::string text) : m_text(std::move(text)) {}
  std::string m_text;
};

/// Incremental SHA-256 (OpenSSL EVP underneath).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(const void* data, std::size_t size);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  /// Finishes the hash; the object must not be updated afterwards.
  Digest finish();
  /// Raw 32-byte result (for RECORD's urlsafe-base64 form).
  void finish_raw(unsigned char (&out)[32]);

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

Digest sha256_of(std::string_view bytes);

}  // namespace venv2docker
