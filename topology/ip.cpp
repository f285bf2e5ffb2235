// Parsing and formatting of IP addresses and prefixes (see ip.hpp).
#include "topology/ip.hpp"

#include <charconv>
#include <cstring>
#include <vector>

#include "topology/util.hpp"

namespace peerlab {

IpAddr IpAddr::v4(std::uint32_t v) {
  IpAddr a;
  a.family = Family::V4;
  a.bytes[0] = static_cast<std::uint8_t>(v >> 24);
  a.bytes[1] = static_cast<std::uint8_t>(v >> 16);
  a.bytes[2] = static_cast<std::uint8_t>(v >> 8);
  a.bytes[3] = static_cast<std::uint8_t>(v);
  return a;
}

std::uint32_t IpAddr::v4_value() const {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) | (std::uint32_t{bytes[2]} << 8) |
         std::uint32_t{bytes[3]};
}

namespace {

std::optional<std::uint32_t> parse_v4_value(std::string_view s) {
  std::uint32_t value = 0;
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t j = i;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    if (j == i || j - i > 3) return std::nullopt;
    if (j - i > 1 && s[i] == '0') return std::nullopt;  // no octal-looking octets
    unsigned octet = 0;
    std::from_chars(s.data() + i, s.data() + j, octet);
    if (octet > 255) return std::nullopt;
    value = (value << 8) | octet;
    ++parts;
    if (j == s.size()) break;
    if (s[j] != '.' || parts == 4) return std::nullopt;
    i = j + 1;
  }
  if (parts != 4) return std::nullopt;
  return value;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses a run of ':'-separated groups (no "::" inside). The last group may be a dotted quad
// when `allow_v4_tail` is set; it then counts as two groups.
bool parse_groups(std::string_view s, bool allow_v4_tail, std::vector<std::uint16_t>& out) {
  if (s.empty()) return true;
  std::size_t i = 0;
  while (true) {
    std::size_t j = s.find(':', i);
    std::string_view g = s.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i);
    if (j == std::string_view::npos && allow_v4_tail && g.find('.') != std::string_view::npos) {
      auto v4 = parse_v4_value(g);
      if (!v4) return false;
      out.push_back(static_cast<std::uint16_t>(*v4 >> 16));
      out.push_back(static_cast<std::uint16_t>(*v4 & 0xffff));
      return true;
    }
    if (g.empty() || g.size() > 4) return false;
    unsigned v = 0;
    for (char c : g) {
      int d = hex_digit(c);
      if (d < 0) return false;
      v = v * 16 + static_cast<unsigned>(d);
    }
    out.push_back(static_cast<std::uint16_t>(v));
    if (j == std::string_view::npos) return true;
    i = j + 1;
  }
}

std::optional<IpAddr> parse_v6(std::string_view s) {
  std::vector<std::uint16_t> head, tail;
  auto dc = s.find("::");
  if (dc != std::string_view::npos) {
    if (s.find("::", dc + 1) != std::string_view::npos) return std::nullopt;
    if (!parse_groups(s.substr(0, dc), false, head) || !parse_groups(s.substr(dc + 2), true, tail))
      return std::nullopt;
    if (head.size() + tail.size() > 7) return std::nullopt;
  } else {
    if (!parse_groups(s, true, head) || head.size() != 8) return std::nullopt;
  }
  IpAddr a;
  a.family = Family::V6;
  std::array<std::uint16_t, 8> groups{};
  for (std::size_t k = 0; k < head.size(); ++k) groups[k] = head[k];
  for (std::size_t k = 0; k < tail.size(); ++k) groups[8 - tail.size() + k] = tail[k];
  for (std::size_t k = 0; k < 8; ++k) {
    a.bytes[2 * k] = static_cast<std::uint8_t>(groups[k] >> 8);
    a.bytes[2 * k + 1] = static_cast<std::uint8_t>(groups[k]);
  }
  return a;
}

}  // namespace

std::optional<IpAddr> parse_ip(std::string_view text) {
  if (text.find(':') != std::string_view::npos) return parse_v6(text);
  auto v = parse_v4_value(text);
  if (!v) return std::nullopt;
  return IpAddr::v4(*v);
}

std::optional<Prefix> parse_prefix(std::string_view text, bool require_length) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    if (require_length) return std::nullopt;
    auto a = parse_ip(text);
    if (!a) return std::nullopt;
    return Prefix{*a, static_cast<std::uint8_t>(a->bit_width())};
  }
  auto a = parse_ip(text.substr(0, slash));
  if (!a) return std::nullopt;
  auto len_text = text.substr(slash + 1);
  if (len_text.empty() || len_text.size() > 3) return std::nullopt;
  unsigned len = 0;
  auto [p, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
  if (ec != std::errc{} || p != len_text.data() + len_text.size()) return std::nullopt;
  if (len > static_cast<unsigned>(a->bit_width())) return std::nullopt;
  return Prefix{*a, static_cast<std::uint8_t>(len)};
}

std::string to_string(const IpAddr& a) {
  if (a.family == Family::V4) {
    return std::to_string(a.bytes[0]) + "." + std::to_string(a.bytes[1]) + "." + std::to_string(a.bytes[2]) +
           "." + std::to_string(a.bytes[3]);
  }
  std::array<unsigned, 8> g{};
  for (std::size_t k = 0; k < 8; ++k) g[k] = (unsigned{a.bytes[2 * k]} << 8) | a.bytes[2 * k + 1];
  // RFC 5952 §4.2: compress the longest run (first on ties) of two or more zero groups.
  int best = -1, best_len = 0;
  for (int k = 0; k < 8;) {
    if (g[static_cast<std::size_t>(k)] != 0) {
      ++k;
      continue;
    }
    int e = k;
    while (e < 8 && g[static_cast<std::size_t>(e)] == 0) ++e;
    if (e - k > best_len && e - k >= 2) best = k, best_len = e - k;
    k = e;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int k = 0; k < 8; ++k) {
    if (k == best) {
      out += "::";
      k += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    unsigned v = g[static_cast<std::size_t>(k)];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      unsigned d = (v >> shift) & 0xf;
      if (d || started || shift == 0) out += kHex[d], started = true;
    }
  }
  return out;
}

std::string to_string(const Prefix& p) {
  return to_string(p.addr) + "/" + std::to_string(p.length);
}

std::string protocol_suffix(const IpAddr& a) {
  std::string s = to_string(a);
  for (char& c : s)
    if (c == '.' || c == ':') c = '_';
  return s;
}

Prefix Prefix::masked() const {
  Prefix p = *this;
  for (int i = length; i < addr.bit_width(); ++i)
    p.addr.bytes[static_cast<std::size_t>(i / 8)] &= static_cast<std::uint8_t>(~(0x80U >> (i % 8)));
  return p;
}

bool Prefix::contains(const IpAddr& a) const {
  if (a.family != addr.family) return false;
  for (int i = 0; i < length; ++i)
    if (a.bit(i) != addr.bit(i)) return false;
  return true;
}

bool Prefix::contains(const Prefix& p) const {
  return p.length >= length && contains(p.addr);
}

std::optional<Prefix> nth_subnet(const Prefix& p, int sub_len, std::uint64_t n) {
  int extra = sub_len - p.length;
  if (extra < 0 || sub_len > p.addr.bit_width()) return std::nullopt;
  if (extra < 64 && n >= (std::uint64_t{1} << extra)) return std::nullopt;
  Prefix out = p.masked();
  out.length = static_cast<std::uint8_t>(sub_len);
  // Add n shifted left by (width - sub_len) bits, byte by byte from the right.
  int shift = out.addr.bit_width() - sub_len;
  for (int bit = 0; n != 0 && bit < 64; ++bit, n >>= 1) {
    if (!(n & 1U)) continue;
    int pos = out.addr.bit_width() - 1 - (shift + bit);  // bit index from the left
    out.addr.bytes[static_cast<std::size_t>(pos / 8)] |= static_cast<std::uint8_t>(0x80U >> (pos % 8));
  }
  return out;
}

std::size_t IpAddrHash::operator()(const IpAddr& a) const noexcept {
  // The 16 bytes as two words: a handful of instructions where byte-wise FNV took ~80 (the
  // simulator hashes an address per export and per connection). No table keyed by address is
  // iterated, so no output depends on the values.
  std::uint64_t lo = 0, hi = 0;
  std::memcpy(&lo, a.bytes.data(), 8);
  std::memcpy(&hi, a.bytes.data() + 8, 8);
  std::uint64_t h = static_cast<std::uint64_t>(a.family);
  mix_hash(h, lo);
  mix_hash(h, hi);
  return static_cast<std::size_t>(h);
}

}  // namespace peerlab
