#include "tar/gzip_inflater.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "util/cancellation.h"
#include "util/error.h"

namespace venv2docker {

namespace {

constexpr std::size_t k_input_size = std::size_t{256} << 10;

std::string describe(int status) {
  switch (status) {
    case ISAL_INVALID_WRAPPER:
      return "not gzip data (a bad member header)";
    case ISAL_UNSUPPORTED_METHOD:
      return "a gzip member of an unknown compression method";
    case ISAL_INCORRECT_CHECKSUM:
      return "corrupt gzip data (a member's CRC or length does not match its bytes)";
    case ISAL_NEED_DICT:
      return "gzip data that needs a preset dictionary";
    default:
      return "corrupt gzip data (an invalid deflate block)";
  }
}

}  // namespace

bool is_gzip_magic(std::string_view head) { return head.size() >= 2 && head[0] == '\x1f' && head[1] == '\x8b'; }

GzipInflater::GzipInflater(ByteSource& source, std::string what)
    : m_what(std::move(what)),
      m_source(source),
      m_state(std::make_unique<inflate_state>()),
      m_in(std::make_unique<unsigned char[]>(k_input_size)) {
  isal_inflate_init(m_state.get());
  m_state->next_in = m_in.get();
  m_state->avail_in = 0;
}

GzipInflater::~GzipInflater() = default;

void GzipInflater::fail(const std::string& why) const {
  throw Error("cannot read " + m_what + ": " + why,
              "the blob in the cache is damaged or the image was written wrongly; remove it from the cache and pull "
              "again, or use another base");
}

// Moves the unread input to the front and reads more behind it. False at the
// end of the file.
bool GzipInflater::fill_input() {
  if (m_input_ended) return false;
  const std::size_t kept = m_state->avail_in;
  std::memmove(m_in.get(), m_state->next_in, kept);
  m_state->next_in = m_in.get();
  const std::size_t got = m_source.read(reinterpret_cast<char*>(m_in.get()) + kept, k_input_size - kept);
  m_state->avail_in = static_cast<std::uint32_t>(kept + got);
  if (got == 0) m_input_ended = true;
  return got > 0;
}

// Starts the member the input is at. False when there is none: the end of
// the file, or bytes that are no gzip member after the last one, which gzip
// and libarchive also end the stream at.
bool GzipInflater::start_member() {
  while (m_state->avail_in < 2 && fill_input()) {
  }
  if (m_state->avail_in == 0) return false;
  if (!is_gzip_magic({reinterpret_cast<const char*>(m_state->next_in), m_state->avail_in})) return false;
  unsigned char* next_in = m_state->next_in;
  const std::uint32_t avail_in = m_state->avail_in;
  isal_inflate_reset(m_state.get());
  m_state->next_in = next_in;
  m_state->avail_in = avail_in;
  m_state->crc_flag = ISAL_GZIP;
  m_in_member = true;
  return true;
}

std::size_t GzipInflater::read(char* buffer, std::size_t capacity) {
  throw_if_cancelled();
  for (;;) {
    if (!m_in_member) {
      if (!start_member()) {
        if (!m_started) fail(m_state->avail_in == 0 ? "the file is empty" : describe(ISAL_INVALID_WRAPPER));
        return 0;
      }
      m_started = true;
    }
    // ISA-L counts in 32 bits; a larger buffer is filled in several calls.
    const std::size_t room = std::min<std::size_t>(capacity, std::uint32_t{1} << 31);
    m_state->next_out = reinterpret_cast<unsigned char*>(buffer);
    m_state->avail_out = static_cast<std::uint32_t>(room);
    const int status = isal_inflate(m_state.get());
    if (status < 0 || status == ISAL_NEED_DICT) fail(describe(status));
    if (m_state->block_state == ISAL_BLOCK_FINISH) m_in_member = false;
    const std::size_t produced = room - m_state->avail_out;
    if (produced > 0) return produced;
    if (m_in_member && m_state->avail_in == 0 && !fill_input()) {
      fail("the file ends inside a gzip member (truncated)");
    }
  }
}

}  // namespace venv2docker
