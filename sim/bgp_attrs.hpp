// BGP path attributes as interned values, and prefixes as dense ids.
//
// Follows RFC 4271 §5 (ORIGIN, AS_PATH, NEXT_HOP, MULTI_EXIT_DISC, LOCAL_PREF) and RFC 4456 §8
// (ORIGINATOR_ID, CLUSTER_LIST). A `PathAttributes` is a plain value; an `AttrTable` hash-conses
// values into `AttrId`s (OpenBGPD path_getcache, FRR bgp_attr_intern, BIRD rta_lookup), so RIBs store
// one 32-bit id per route and compare attribute sets by id. An interned set never changes: policy edits
// a copy and interns the result. A `PrefixTable` does the same for prefixes, giving dense `PrefixId`s
// that RIBs use as vector indices.
//
// RFC says / we do:
//  - AS_PATH is a list of segments (AS_SET, AS_SEQUENCE, RFC 5065 confederation segments); we model a
//    single AS_SEQUENCE (Calico designs never aggregate), so the path length is the number of ASes.
//  - AS numbers are always 4 bytes (RFC 6793 with every speaker AS4-capable); AS4_PATH is not modelled.
//  - Unknown, COMMUNITY, AGGREGATOR and ATOMIC_AGGREGATE attributes are not modelled.
//  - No reference counting: a simulation run keeps every attribute set it ever interned (a few per
//    originating speaker in Calico designs), so ids stay valid for the table's lifetime.
//  - AS paths are not interned separately: the whole attribute set is already shared between routes,
//    and Calico paths are short.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "topology/ip.hpp"
#include "topology/speaker_config.hpp"

namespace peerlab::bgp {

// RFC 4271 §5.1.1; the numeric values are the wire values, and lower is preferred (§9.1.2.2 c).
enum class Origin : std::uint8_t { Igp = 0, Egp = 1, Incomplete = 2 };

// "IGP", "EGP", "Incomplete" (BIRD's BGP.origin) and 'i', 'e', '?' (BIRD's route summary "[AS65002i]").
std::string_view to_string(Origin o);
char origin_code(Origin o);

// LOCAL_PREF assumed when the attribute is absent (BIRD `default bgp_local_pref`, 100).
inline constexpr std::uint32_t kDefaultLocalPref = 100;

struct PathAttributes {
  Origin origin = Origin::Igp;
  std::vector<AsNumber> as_path;  // AS_SEQUENCE, leftmost = the AS that sent the route
  IpAddr next_hop;                // 0.0.0.0 = none (locally originated routes before export)
  std::optional<std::uint32_t> med;
  std::optional<std::uint32_t> local_pref;
  std::optional<std::uint32_t> originator_id;  // RFC 4456 §8, a router id
  std::vector<std::uint32_t> cluster_list;     // RFC 4456 §8, leftmost = most recent reflection

  bool operator==(const PathAttributes&) const = default;
};

// The leftmost AS of the path (the neighbouring AS, RFC 4271 §9.1.2.2 c), if any.
std::optional<AsNumber> first_as(const PathAttributes& a);
// Number of occurrences of `as` in the AS_PATH.
int count_as(const PathAttributes& a, AsNumber as);
// "65000 65002" (BIRD's BGP.as_path); empty for an empty path.
std::string format_as_path(const std::vector<AsNumber>& path);
// Dotted quad of a router id / cluster id ("244.0.0.1").
std::string format_router_id(std::uint32_t id);

struct PathAttributesHash {
  std::size_t operator()(const PathAttributes& a) const noexcept;
};

// Index of an interned attribute set; 0 means "no route" (a withdrawal, an empty RIB slot).
using AttrId = std::uint32_t;
inline constexpr AttrId kNoAttrs = 0;

// Index of an interned prefix; dense from 0.
using PrefixId = std::uint32_t;
inline constexpr PrefixId kNoPrefix = 0xFFFFFFFFU;

namespace detail {
// Open-addressing (linear probing) index from a 64-bit hash to 32-bit ids whose values live elsewhere.
// Each slot keeps the id and 32 bits of its hash, so growing never needs the values.
class HashIndex {
 public:
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFU;

  template <class Eq>
  std::uint32_t find(std::uint64_t hash, Eq&& same) const {
    if (slots_.empty()) return kEmpty;
    const std::uint32_t tag = static_cast<std::uint32_t>(hash >> 32);
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.id == kEmpty) return kEmpty;
      if (s.tag == tag && same(s.id)) return s.id;
    }
  }
  // `id` must not be present already.
  void insert(std::uint64_t hash, std::uint32_t id);
  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    std::uint32_t id = kEmpty;
    std::uint32_t tag = 0;  // high half of the hash
    std::uint32_t low = 0;  // low half of the hash (probe position after growth)
  };
  void grow();
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

// A sequence that only grows and whose elements never move: fixed-size chunks, each reserved once, so a
// reference stays valid while the sequence grows. Indexing is a shift and a mask (a std::deque's
// operator[] does several times the work, and the decision process reads attributes by id for
// every candidate and every export).
template <class T, unsigned kChunkBits = 8>
class StableVector {
 public:
  static constexpr std::size_t kChunk = std::size_t{1} << kChunkBits;
  const T& operator[](std::size_t i) const { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }
  T& operator[](std::size_t i) { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }
  std::size_t size() const { return size_; }
  template <class U>
  void push_back(U&& value) {
    if ((size_ & (kChunk - 1)) == 0) {
      chunks_.emplace_back();
      chunks_.back().reserve(kChunk);
    }
    chunks_.back().push_back(std::forward<U>(value));
    ++size_;
  }
  template <class F>
  void for_each(F&& f) const {
    for (const std::vector<T>& chunk : chunks_)
      for (const T& value : chunk) f(value);
  }

 private:
  std::vector<std::vector<T>> chunks_;  // every chunk but the last holds kChunk elements
  std::size_t size_ = 0;
};

}  // namespace detail

// Hash-consing table of attribute sets. References returned by get() stay valid for the table's
// lifetime (storage only grows and never moves). Single-threaded, like the whole simulator.
class AttrTable {
 public:
  AttrId intern(const PathAttributes& a);
  AttrId intern(PathAttributes&& a);
  // The id of `a` if it was interned, else kNoAttrs.
  AttrId find(const PathAttributes& a) const;
  // `id` must be a valid non-zero id from this table.
  const PathAttributes& get(AttrId id) const {
    assert(id != kNoAttrs && id <= values_.size());
    return values_[id - 1];
  }
  std::size_t size() const { return values_.size(); }  // distinct attribute sets
  std::size_t memory_bytes() const;

 private:
  template <class A>
  AttrId intern_impl(A&& a);
  detail::StableVector<PathAttributes> values_;  // values_[id - 1]
  detail::HashIndex index_;
};

struct PrefixHash {
  std::size_t operator()(const Prefix& p) const noexcept;
};

// Dense ids for prefixes. Prefixes are stored masked (host bits cleared, as NLRI always are), so
// 10.0.0.1/24 and 10.0.0.0/24 share an id.
class PrefixTable {
 public:
  PrefixId intern(const Prefix& p);
  // kNoPrefix when absent.
  PrefixId find(const Prefix& p) const;
  const Prefix& get(PrefixId id) const {
    assert(id < values_.size());
    return values_[id];
  }
  std::size_t size() const { return values_.size(); }

 private:
  detail::StableVector<Prefix> values_;  // values_[id]
  detail::HashIndex index_;
};

}  // namespace peerlab::bgp
