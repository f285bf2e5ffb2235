#include "sim/bgp_attrs.hpp"

#include <cassert>
#include <cstdio>
#include <utility>

namespace peerlab::bgp {

std::string_view to_string(Origin o) {
  switch (o) {
    case Origin::Igp:
      return "IGP";
    case Origin::Egp:
      return "EGP";
    case Origin::Incomplete:
      return "Incomplete";
  }
  return "?";
}

char origin_code(Origin o) {
  switch (o) {
    case Origin::Igp:
      return 'i';
    case Origin::Egp:
      return 'e';
    case Origin::Incomplete:
      return '?';
  }
  return '?';
}

std::optional<AsNumber> first_as(const PathAttributes& a) {
  if (a.as_path.empty()) return std::nullopt;
  return a.as_path.front();
}

int count_as(const PathAttributes& a, AsNumber as) {
  int n = 0;
  for (AsNumber x : a.as_path) n += (x == as) ? 1 : 0;
  return n;
}

std::string format_as_path(const std::vector<AsNumber>& path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i) out += ' ';
    out += std::to_string(path[i]);
  }
  return out;
}

std::string format_router_id(std::uint32_t id) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", (id >> 24) & 0xFFU, (id >> 16) & 0xFFU, (id >> 8) & 0xFFU,
                id & 0xFFU);
  return buf;
}

namespace {

// A 64-bit mixer (murmur3 fmix64) applied after each word, so every input bit reaches the low bits the
// index probes with.
constexpr std::uint64_t fmix64(std::uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

struct Hasher {
  std::uint64_t h = 0x9E3779B97F4A7C15ULL;
  void add(std::uint64_t v) { h = fmix64(h ^ (v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2))); }
  void add_ip(const IpAddr& a) {
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    for (int i = 0; i < 8; ++i) hi = (hi << 8) | a.bytes[static_cast<std::size_t>(i)];
    for (int i = 8; i < 16; ++i) lo = (lo << 8) | a.bytes[static_cast<std::size_t>(i)];
    add(static_cast<std::uint64_t>(a.family));
    add(hi);
    add(lo);
  }
  void add_opt(const std::optional<std::uint32_t>& v) { add(v ? (std::uint64_t{1} << 32) | *v : 0); }
};

std::uint64_t hash_attrs(const PathAttributes& a) {
  Hasher h;
  h.add(static_cast<std::uint64_t>(a.origin));
  h.add(a.as_path.size());
  for (AsNumber as : a.as_path) h.add(as);
  h.add_ip(a.next_hop);
  h.add_opt(a.med);
  h.add_opt(a.local_pref);
  h.add_opt(a.originator_id);
  h.add(a.cluster_list.size());
  for (std::uint32_t c : a.cluster_list) h.add(c);
  return h.h;
}

std::uint64_t hash_prefix(const Prefix& p) {
  Hasher h;
  h.add_ip(p.addr);
  h.add(p.length);
  return h.h;
}

}  // namespace

std::size_t PathAttributesHash::operator()(const PathAttributes& a) const noexcept {
  return static_cast<std::size_t>(hash_attrs(a));
}

std::size_t PrefixHash::operator()(const Prefix& p) const noexcept {
  return static_cast<std::size_t>(hash_prefix(p));
}

namespace detail {

void HashIndex::insert(std::uint64_t hash, std::uint32_t id) {
  assert(id != kEmpty);
  if ((size_ + 1) * 4 > slots_.size() * 3) grow();  // load factor <= 0.75
  Slot s{id, static_cast<std::uint32_t>(hash >> 32), static_cast<std::uint32_t>(hash)};
  std::size_t i = s.low & mask_;
  while (slots_[i].id != kEmpty) i = (i + 1) & mask_;
  slots_[i] = s;
  ++size_;
}

void HashIndex::grow() {
  std::vector<Slot> old = std::move(slots_);
  const std::size_t cap = old.empty() ? 16 : old.size() * 2;
  slots_.assign(cap, Slot{});
  mask_ = cap - 1;
  for (const Slot& s : old) {
    if (s.id == kEmpty) continue;
    std::size_t i = s.low & mask_;
    while (slots_[i].id != kEmpty) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

}  // namespace detail

template <class A>
AttrId AttrTable::intern_impl(A&& a) {
  const std::uint64_t h = hash_attrs(a);
  const std::uint32_t found = index_.find(h, [&](std::uint32_t id) { return values_[id - 1] == a; });
  if (found != detail::HashIndex::kEmpty) return found;
  values_.push_back(std::forward<A>(a));
  const auto id = static_cast<AttrId>(values_.size());
  assert(id != detail::HashIndex::kEmpty);
  index_.insert(h, id);
  return id;
}

AttrId AttrTable::intern(const PathAttributes& a) {
  return intern_impl(a);
}
AttrId AttrTable::intern(PathAttributes&& a) {
  return intern_impl(std::move(a));
}

AttrId AttrTable::find(const PathAttributes& a) const {
  const std::uint32_t found =
      index_.find(hash_attrs(a), [&](std::uint32_t id) { return values_[id - 1] == a; });
  return found == detail::HashIndex::kEmpty ? kNoAttrs : found;
}

std::size_t AttrTable::memory_bytes() const {
  std::size_t n = index_.memory_bytes() + values_.size() * sizeof(PathAttributes);
  values_.for_each([&n](const PathAttributes& a) {
    n += a.as_path.capacity() * sizeof(AsNumber) + a.cluster_list.capacity() * sizeof(std::uint32_t);
  });
  return n;
}

PrefixId PrefixTable::intern(const Prefix& p) {
  const Prefix m = p.masked();
  const std::uint64_t h = hash_prefix(m);
  const std::uint32_t found = index_.find(h, [&](std::uint32_t id) { return values_[id] == m; });
  if (found != detail::HashIndex::kEmpty) return found;
  const auto id = static_cast<PrefixId>(values_.size());
  assert(id != kNoPrefix);
  values_.push_back(m);
  index_.insert(h, id);
  return id;
}

PrefixId PrefixTable::find(const Prefix& p) const {
  const Prefix m = p.masked();
  const std::uint32_t found = index_.find(hash_prefix(m), [&](std::uint32_t id) { return values_[id] == m; });
  return found == detail::HashIndex::kEmpty ? kNoPrefix : found;
}

}  // namespace peerlab::bgp
