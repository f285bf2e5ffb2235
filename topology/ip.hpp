// IP addresses and prefixes, IPv4 and IPv6, as plain values.
//
// Every layer (model, simulator, reports) speaks these types, so they live at the bottom of
// topology/. Parsing follows the textual forms of RFC 4291 §2.2 (IPv6, with "::" compression
// and an embedded dotted quad) and the dotted quad for IPv4; formatting follows RFC 5952
// (lower case, longest run of zero groups compressed, a single zero group not compressed).
#pragma once

#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace peerlab {

enum class Family : std::uint8_t { V4 = 4, V6 = 6 };

// An address of either family. IPv4 addresses occupy bytes[0..3]; the rest stay zero so that
// comparison and hashing work on the whole value. Ordering: all IPv4 before all IPv6, then by
// numeric value (the order calicoctl's etcd keys and BIRD's tables sort in).
struct IpAddr {
  Family family = Family::V4;
  std::array<std::uint8_t, 16> bytes{};

  static IpAddr v4(std::uint32_t host_order);
  std::uint32_t v4_value() const;  // host order; only meaningful for V4
  int bit_width() const { return family == Family::V4 ? 32 : 128; }
  bool bit(int i) const { return (bytes[static_cast<std::size_t>(i / 8)] >> (7 - i % 8)) & 1U; }

  // The same order and equality the defaulted operators give (family, then the bytes as unsigned
  // values, first byte most significant), on two big-endian words instead of a memcmp call:
  // addresses are compared in every sorted peer lookup of the simulator.
  std::strong_ordering operator<=>(const IpAddr& o) const {
    if (family != o.family) return family <=> o.family;
    if (auto c = word(0) <=> o.word(0); c != 0) return c;
    return word(1) <=> o.word(1);
  }
  bool operator==(const IpAddr& o) const {
    return family == o.family && word(0) == o.word(0) && word(1) == o.word(1);
  }

 private:
  // Bytes 8i..8i+7 as a number, the first byte most significant.
  std::uint64_t word(int i) const {
    std::uint64_t w;
    std::memcpy(&w, bytes.data() + 8 * i, sizeof w);
    if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
    return w;
  }
};

// A prefix in CIDR form. `addr` keeps the bits as written; `masked()` clears the host bits.
struct Prefix {
  IpAddr addr;
  std::uint8_t length = 0;

  Prefix masked() const;
  bool is_masked() const { return masked().addr == addr; }
  bool contains(const IpAddr& a) const;
  bool contains(const Prefix& p) const;
  bool overlaps(const Prefix& p) const { return contains(p) || p.contains(*this); }

  auto operator<=>(const Prefix&) const = default;
  bool operator==(const Prefix&) const = default;
};

std::optional<IpAddr> parse_ip(std::string_view text);
// "a.b.c.d/n" or "x::y/n". With `require_length` false a bare address parses as a host prefix.
std::optional<Prefix> parse_prefix(std::string_view text, bool require_length = true);

std::string to_string(const IpAddr& a);
std::string to_string(const Prefix& p);
// The form calico/node uses in BIRD protocol names: dots or colons replaced by '_'
// (192.20.30.40 -> 192_20_30_40, aa:bb::ff -> aa_bb__ff).
std::string protocol_suffix(const IpAddr& a);

// The n-th subnet of length `sub_len` inside `p` (n counted from 0), if it exists.
std::optional<Prefix> nth_subnet(const Prefix& p, int sub_len, std::uint64_t n);

struct IpAddrHash {
  std::size_t operator()(const IpAddr& a) const noexcept;
};

}  // namespace peerlab
