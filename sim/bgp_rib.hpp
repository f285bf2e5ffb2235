// The routing information bases of one speaker (RFC 4271 §3.2): Adj-RIBs-In (what each neighbour
// advertised), the Loc-RIB (the best route per prefix and the rule that chose it) and Adj-RIBs-Out (what we
// last advertised to each neighbour, so that only differences are sent).
//
// Storage is prefix-major and flat, because the decision process needs every neighbour's route for one
// prefix, and because a 10,000-node full mesh gives each speaker 9,999 neighbours that announce one prefix
// each (about 10^8 routes in the whole simulation):
//  - a vector indexed by PrefixId (from the first prefix set on) holds a 20-byte slot per prefix; a prefix
//    with one or two routes keeps them inline (peer, attribute id) with no allocation (two: a route
//    reflector's client). An Adj-RIB-In's slot also holds the prefix's Loc-RIB entry (32 bytes in all),
//    so that the decision process reads the candidates and writes the best in one cache line;
//  - a prefix with three or more routes spills them into an unordered vector, indexed by a small
//    open-addressing hash (peer -> position) once it holds more than 16 (a node's own prefix in a full
//    mesh's Adj-RIB-Out reaches 9,999 entries);
//  - per-neighbour operations (session down: release every route of a peer) scan the prefixes, which is
//    linear and rare.
// Entries within a prefix are in no particular order (deterministic for a given history); the decision
// process does not depend on order, and every list handed out for display is sorted.
//
// RFC says / we do:
//  - The RFC has one Adj-RIB-In and one Adj-RIB-Out per peer; each class here holds all peers of one
//    speaker (per-neighbour views: lookup(peer, prefix), route_count(peer), routes_of(peer)).
//  - A route is identified by (prefix, peer): no ADD-PATH (RFC 7911), so a peer has at most one route per
//    prefix. (Calico enables ADD-PATH; with one route per reflector per prefix it changes nothing except
//    for reflectors that would forward several paths.)
//  - The Loc-RIB keeps only the best route; BIRD keeps every route in its table, which `show route all`
//    prints; reports ask the Adj-RIB-In for the others.
//  - Graceful restart stale marking (RFC 4724 §4.2) is a bit on the Adj-RIB-In entry; stale routes compete
//    normally (as in BIRD without LLGR).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/bgp_attrs.hpp"
#include "sim/bgp_decision.hpp"
#include "sim/bgp_message.hpp"
#include "topology/ip.hpp"
#include "topology/speaker_config.hpp"

namespace peerlab::bgp {

// What the RIB needs to know about a neighbour while its session is up (fixed per session).
// (Ordered by alignment: a speaker keeps one per neighbour, 32 bytes.)
struct PeerFacts {
  std::uint32_t router_id = 0;   // its BGP identifier, from its OPEN
  AsNumber as = 0;               // its AS
  std::uint32_t cluster_id = 0;  // cluster id in effect on our session with it (see bgp_policy.hpp)
  IpAddr address;                // the neighbour's address (decision rule "lowest peer address")
  bool ebgp = false;             // an external session
  bool rr_client = false;        // RFC 4456: it is our route-reflector client
  bool operator==(const PeerFacts&) const = default;
};

// One neighbour's route for one prefix, as stored.
struct RibEntry {
  static constexpr std::uint32_t kStaleBit = 0x80000000U;
  PeerIndex peer = kNoPeer;
  std::uint32_t value = 0;  // attribute id, plus kStaleBit for a stale route (Adj-RIB-In only)

  AttrId attrs() const { return value & ~kStaleBit; }
  bool stale() const { return (value & kStaleBit) != 0; }
};

// The Loc-RIB entry of a prefix: which neighbour's route won, and why.
struct Best {
  PeerIndex peer = kNoPeer;
  AttrId attrs = kNoAttrs;
  Rule rule = Rule::OnlyCandidate;

  bool has_route() const { return attrs != kNoAttrs; }
  // Same route (the rule that chose it may differ).
  bool same_route(const Best& o) const { return peer == o.peer && attrs == o.attrs; }
  bool operator==(const Best&) const = default;
};

struct Route {
  PrefixId prefix = kNoPrefix;
  PeerIndex peer = kNoPeer;
  AttrId attrs = kNoAttrs;
  bool operator==(const Route&) const = default;
};

namespace detail {

// Open-addressing map PeerIndex -> position (linear probing, backward-shift deletion).
class PeerPositions {
 public:
  static constexpr std::uint32_t kAbsent = 0xFFFFFFFFU;
  std::uint32_t find(PeerIndex peer) const;
  void put(PeerIndex peer, std::uint32_t pos);
  void erase(PeerIndex peer);
  void clear();
  bool empty() const { return size_ == 0; }
  std::size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    PeerIndex peer = kNoPeer;
    std::uint32_t pos = 0;
  };
  std::size_t home(PeerIndex peer) const;
  void grow();
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
  int shift_ = 64;
};

struct NoAnnex {};

// (prefix, peer) -> non-zero value, prefix-major. The storage behind AdjRibIn and AdjRibOut.
// Each prefix's slot also holds an `Annex`, which the map keeps but never reads: the Adj-RIB-In
// keeps the Loc-RIB's best route there, in the cache line of the prefix's candidates.
template <class Annex>
class PrefixPeerMap {
 public:
  // Sets the value (0 erases); returns the previous value (0 = none).
  std::uint32_t set(PrefixId prefix, PeerIndex peer, std::uint32_t value);
  // Erases every entry of the prefix at once (what set(prefix, peer, 0) for each would do).
  void clear(PrefixId prefix);
  // The prefix's annex; nullptr when the prefix has no slot (it was never set).
  Annex* annex(PrefixId prefix) { return const_cast<Annex*>(std::as_const(*this).annex(prefix)); }
  const Annex* annex(PrefixId prefix) const {
    const Slot* at = slot_of(prefix);
    return at == nullptr ? nullptr : &at->annex;
  }
  std::uint32_t get(PrefixId prefix, PeerIndex peer) const;
  // Pointer to the stored value, for in-place changes to another non-zero value; nullptr if absent.
  std::uint32_t* find(PrefixId prefix, PeerIndex peer);
  std::span<const RibEntry> entries(PrefixId prefix) const;
  void reserve(PrefixId prefix_bound) { slots_.reserve(prefix_bound); }
  // Every entry's prefix is in [prefix_begin(), prefix_bound()).
  PrefixId prefix_begin() const { return base_; }
  PrefixId prefix_bound() const { return base_ + static_cast<PrefixId>(slots_.size()); }
  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const;

 private:
  static constexpr std::uint32_t kNoSpill = 0xFFFFFFFFU;
  static constexpr std::size_t kIndexThreshold = 16;
  // Up to two entries inline, e[0] first (value 0: none). Two, because a route reflector's client
  // has exactly two routes per prefix (one per reflector) for every prefix of the cluster: a spill
  // costs ~100 bytes more per prefix, ~9 GB over 10,000 clients.
  // An Adj-RIB-In's slots are aligned to half a cache line, so that reading one never touches two.
  struct alignas(std::is_empty_v<Annex> ? alignof(RibEntry) : 32) Slot {
    RibEntry e[2];                   // the entries when spill == kNoSpill
    std::uint32_t spill = kNoSpill;  // else all entries (3 or more) live in spills_[spill]
    [[no_unique_address]] Annex annex{};
    std::uint32_t inline_count() const { return (e[0].value != 0 ? 1U : 0U) + (e[1].value != 0 ? 1U : 0U); }
  };
  // 20 bytes, and an Adj-RIB-In's 32 with its Loc-RIB entry: two to a cache line.
  static_assert(sizeof(Slot) == (std::is_empty_v<Annex> ? 20 : 20 + sizeof(Annex)));
  struct Spill {
    std::vector<RibEntry> entries;  // at least 2 while in use
    PeerPositions index;            // built once entries exceed kIndexThreshold
    std::uint32_t position(PeerIndex peer) const;
  };
  std::uint32_t new_spill();
  void free_spill(std::uint32_t id);
  // The slot of `prefix`, or nullptr when it has none (it was never set).
  const Slot* slot_of(PrefixId prefix) const {
    const PrefixId i = prefix - base_;  // wraps below base_
    return i < slots_.size() ? &slots_[i] : nullptr;
  }
  Slot* slot_of(PrefixId prefix) { return const_cast<Slot*>(std::as_const(*this).slot_of(prefix)); }
  // slots_[i] is the slot of prefix base_ + i. The base is the first prefix ever set, until a
  // lower one comes (then 0, for good): a speaker whose Adj-RIB-Out holds only its own prefix
  // (a reflector's client, a mesh or rack node) keeps one slot instead of one per lower prefix
  // id, which over 10,000 such nodes was ~1 GB.
  PrefixId base_ = 0;
  std::vector<Slot> slots_;
  std::vector<Spill> spills_;
  std::vector<std::uint32_t> free_spills_;
  std::size_t size_ = 0;
};

extern template class PrefixPeerMap<NoAnnex>;
extern template class PrefixPeerMap<Best>;

}  // namespace detail

// Adj-RIBs-In of one speaker: the routes each neighbour advertised and we accepted (after the import
// checks of bgp_policy.hpp). Locally originated routes are stored under kLocalPeer.
class AdjRibIn {
 public:
  // Stores the route `peer` advertised for `prefix`, or removes it when `attrs` is kNoAttrs (a
  // withdrawal). A stored route is no longer stale. Returns the previous attribute id (kNoAttrs = none).
  AttrId update(PeerIndex peer, PrefixId prefix, AttrId attrs);
  AttrId withdraw(PeerIndex peer, PrefixId prefix) { return update(peer, prefix, kNoAttrs); }
  AttrId lookup(PeerIndex peer, PrefixId prefix) const;
  bool is_stale(PeerIndex peer, PrefixId prefix) const;
  // Every stored route for the prefix, one per peer, in no particular order.
  std::span<const RibEntry> candidates(PrefixId prefix) const { return map_.entries(prefix); }

  // The peer's session went down (ReleaseResources): remove all its routes. Appends the prefixes that
  // lost a route to `affected`, in increasing PrefixId order, for the Loc-RIB to recompute.
  void release_peer(PeerIndex peer, std::vector<PrefixId>& affected);
  // Graceful restart: mark all the peer's routes stale (RetainStaleRoutes); returns how many.
  std::size_t mark_stale(PeerIndex peer);
  // Remove the peer's routes still stale (End-of-RIB after the restart, or the restart timer expired).
  void flush_stale(PeerIndex peer, std::vector<PrefixId>& affected);

  std::size_t route_count(PeerIndex peer) const;
  // Avoids growth slack when the number of prefixes and peers is known (PrefixTable::size()).
  void reserve(PrefixId prefix_bound, PeerIndex peer_count) {
    map_.reserve(prefix_bound);
    counts_.reserve(peer_count);
  }
  // The peer's routes in increasing prefix order.
  std::vector<Route> routes_of(PeerIndex peer) const;
  std::size_t size() const { return map_.size(); }
  PrefixId prefix_bound() const { return map_.prefix_bound(); }
  std::size_t memory_bytes() const;

 private:
  friend class LocRib;  // its entries are the slots' annexes
  void count(PeerIndex peer, int delta);
  detail::PrefixPeerMap<Best> map_;
  std::vector<std::uint32_t> counts_;  // per peer
  std::uint32_t local_count_ = 0;
};

// The outcome of one recomputation (style.md practice 6). Only a changed route is exported.
struct BestChange {
  PrefixId prefix = kNoPrefix;
  Best old_best;
  Best new_best;
  bool changed() const { return !old_best.same_route(new_best); }
};

// The Loc-RIB of one speaker. Its entries live in the speaker's Adj-RIB-In, one per prefix slot
// (a slot is then 32 bytes: the candidates and the best, one cache line), because the decision
// process reads the candidates and writes the best together: in a 10,000-client reflector design
// two rows were two cache misses for every route a client receives. So every call takes that
// Adj-RIB-In, and clearing the Adj-RIB-In clears the Loc-RIB (reset both together).
class LocRib {
 public:
  // Runs the decision process for `prefix` over the Adj-RIB-In candidates. `peers[i]` describes
  // PeerIndex i; `self` describes the speaker (used for kLocalPeer routes).
  BestChange recompute(PrefixId prefix, AdjRibIn& in, std::span<const PeerFacts> peers, const PeerFacts& self,
                       const AttrTable& attrs);
  // The best route (an empty Best when there is none).
  Best best(const AdjRibIn& in, PrefixId prefix) const {
    const Best* b = in.map_.annex(prefix);
    return b == nullptr ? Best{} : *b;
  }
  std::size_t size() const { return count_; }  // prefixes with a route
  // f(PrefixId, const Best&) for every prefix with a route, in increasing PrefixId order.
  template <class F>
  void for_each(const AdjRibIn& in, F&& f) const {
    for (PrefixId p = in.map_.prefix_begin(); p < in.map_.prefix_bound(); ++p) {
      const Best& b = *in.map_.annex(p);
      if (b.has_route()) f(p, b);
    }
  }
  std::size_t memory_bytes() const { return scratch_.capacity() * sizeof(Candidate); }  // rows: AdjRibIn's

 private:
  std::size_t count_ = 0;
  std::vector<Candidate> scratch_;
};

// What to send to one peer for one prefix.
struct OutChange {
  PeerIndex peer = kNoPeer;
  PrefixId prefix = kNoPrefix;
  AttrId old_attrs = kNoAttrs;  // what the peer had from us
  AttrId new_attrs = kNoAttrs;  // what it gets now; kNoAttrs = withdraw
  bool is_withdraw() const { return new_attrs == kNoAttrs; }
  bool operator==(const OutChange&) const = default;
};

// Adj-RIBs-Out of one speaker: per (peer, prefix) the attributes last advertised.
class AdjRibOut {
 public:
  // Records that `peer` should now have `attrs` for `prefix` (kNoAttrs = nothing). Returns the change to
  // send, or std::nullopt when the peer already has exactly that.
  std::optional<OutChange> advertise(PeerIndex peer, PrefixId prefix, AttrId attrs);
  AttrId advertised(PeerIndex peer, PrefixId prefix) const;
  // The session went down: forget everything sent to the peer (nothing is sent).
  void clear_peer(PeerIndex peer);
  std::size_t route_count(PeerIndex peer) const;
  void reserve(PrefixId prefix_bound, PeerIndex peer_count) {
    map_.reserve(prefix_bound);
    counts_.reserve(peer_count);
  }
  std::size_t size() const { return map_.size() + dense_size_; }
  std::size_t memory_bytes() const;

  // A prefix advertised to more than kDenseAbove peers, and to at least one in kDenseShare of the
  // peers the speaker advertises to, moves to a dense row indexed by PeerIndex: 4 bytes per peer
  // instead of ~50 per advertisement (entry, hash index, slack). A route reflector or a ToR sends
  // every prefix to every client, a mesh node its own prefix to every peer.
  static constexpr std::size_t kDenseAbove = 16;
  static constexpr std::size_t kDenseShare = 12;

 private:
  detail::PrefixPeerMap<detail::NoAnnex> map_;  // sparse prefixes
  std::vector<std::uint32_t> dense_of_;         // PrefixId -> row in dense_, kNoRow when sparse
  std::vector<std::vector<AttrId>> dense_;      // rows, by peer (kNoAttrs: nothing advertised)
  std::size_t dense_size_ = 0;                  // advertisements held in dense rows
  std::vector<std::uint32_t> counts_;
  static constexpr std::uint32_t kNoRow = 0xFFFFFFFFU;
  void make_dense(PrefixId prefix);
  std::vector<AttrId>* dense_row(PrefixId prefix) {
    return prefix < dense_of_.size() && dense_of_[prefix] != kNoRow ? &dense_[dense_of_[prefix]] : nullptr;
  }
  const std::vector<AttrId>* dense_row(PrefixId prefix) const {
    return prefix < dense_of_.size() && dense_of_[prefix] != kNoRow ? &dense_[dense_of_[prefix]] : nullptr;
  }
};

// Groups one peer's changes, in the order they were made, into UPDATE messages: one UPDATE with all
// withdrawals (if any), then one per attribute set, in increasing AttrId order, each with its
// prefixes in increasing PrefixId order. A prefix that changed more than once goes once, with its
// last change (the UPDATEs are reordered, so sending each change could leave the peer with an older
// one), and not at all when it ended where it started (the peer already has that).
std::vector<Update> pack_updates(std::span<const OutChange> changes);

// The same UPDATEs in the same order, handed to `emit(Update&&)` one by one. `scratch` is reused
// from call to call, so that packing allocates nothing once it has grown (the simulator packs
// every speaker's changes after every event).
//
// The changes are sorted as 64-bit keys, new attributes << 32 | prefix: kNoAttrs is 0, so
// withdrawals come first, then attribute sets in increasing id, prefixes increasing within each. Each prefix
// is listed once by then, so the keys are unique. One integer comparison per step instead of three: a
// reflector's first export to a client is a few thousand changes, each with attributes of its own.
template <class Emit>
void pack_updates(std::span<const OutChange> changes, std::vector<std::uint64_t>& scratch, Emit&& emit) {
  static_assert(kNoAttrs == 0 && sizeof(AttrId) == 4 && sizeof(PrefixId) == 4);
  if (changes.size() == 1) {  // the common case: one route changed for this peer
    const OutChange& c = changes.front();
    Update u;
    if (c.is_withdraw()) {
      u.withdrawn.push_back(c.prefix);
    } else {
      u.attrs = c.new_attrs;
      u.nlri.push_back(c.prefix);
    }
    emit(std::move(u));
    return;
  }
  const auto key = [](AttrId attrs, PrefixId prefix) { return std::uint64_t{attrs} << 32 | prefix; };
  scratch.clear();
  // Collapse repeated prefixes to their net change: the first change's old attributes, the last
  // one's new. Checked first in one pass: a session's initial export and most UPDATEs list each
  // prefix once, in increasing order.
  if (std::adjacent_find(changes.begin(), changes.end(), [](const OutChange& a, const OutChange& b) {
        return a.prefix >= b.prefix;
      }) == changes.end()) {
    for (const OutChange& c : changes) scratch.push_back(key(c.new_attrs, c.prefix));
  } else {
    // (prefix, position) keys sort the changes by prefix, each prefix's in the order made.
    for (std::size_t i = 0; i < changes.size(); ++i)
      scratch.push_back(std::uint64_t{changes[i].prefix} << 32 | static_cast<std::uint32_t>(i));
    std::sort(scratch.begin(), scratch.end());
    std::size_t kept = 0;
    for (std::size_t i = 0; i < scratch.size();) {
      std::size_t j = i + 1;
      while (j < scratch.size() && scratch[j] >> 32 == scratch[i] >> 32) ++j;
      const OutChange& first = changes[static_cast<std::uint32_t>(scratch[i])];
      const OutChange& last = changes[static_cast<std::uint32_t>(scratch[j - 1])];
      if (first.old_attrs != last.new_attrs) scratch[kept++] = key(last.new_attrs, last.prefix);  // kept <= i
      i = j;
    }
    scratch.resize(kept);
  }
  std::sort(scratch.begin(), scratch.end());
  std::size_t i = 0;
  while (i < scratch.size()) {
    Update u;
    const std::uint32_t group = static_cast<std::uint32_t>(scratch[i] >> 32);
    const bool withdraw = group == kNoAttrs;
    if (!withdraw) u.attrs = group;
    PrefixList& list = withdraw ? u.withdrawn : u.nlri;
    for (; i < scratch.size() && static_cast<std::uint32_t>(scratch[i] >> 32) == group; ++i)
      list.push_back(static_cast<PrefixId>(scratch[i]));
    emit(std::move(u));
  }
}

}  // namespace peerlab::bgp
