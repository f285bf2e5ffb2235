#include "sim/bgp_rib.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

namespace peerlab::bgp {

namespace detail {

// ---- PeerPositions -------------------------------------------------------------------------------------

std::size_t PeerPositions::home(PeerIndex peer) const {
  // Fibonacci hashing: the high bits of the product are well mixed.
  return static_cast<std::size_t>((std::uint64_t{peer} * 0x9E3779B97F4A7C15ULL) >> shift_);
}

std::uint32_t PeerPositions::find(PeerIndex peer) const {
  if (slots_.empty()) return kAbsent;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = home(peer);; i = (i + 1) & mask) {
    if (slots_[i].peer == peer) return slots_[i].pos;
    if (slots_[i].peer == kNoPeer) return kAbsent;
  }
}

void PeerPositions::put(PeerIndex peer, std::uint32_t pos) {
  assert(peer != kNoPeer);
  if ((size_ + 1) * 4 > slots_.size() * 3) grow();
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = home(peer);
  while (slots_[i].peer != kNoPeer && slots_[i].peer != peer) i = (i + 1) & mask;
  if (slots_[i].peer == kNoPeer) ++size_;
  slots_[i] = {peer, pos};
}

void PeerPositions::erase(PeerIndex peer) {
  if (slots_.empty()) return;
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = home(peer);
  while (slots_[i].peer != peer) {
    if (slots_[i].peer == kNoPeer) return;
    i = (i + 1) & mask;
  }
  // Backward-shift deletion: move later members of the cluster into the hole when their home allows.
  for (std::size_t j = (i + 1) & mask;; j = (j + 1) & mask) {
    if (slots_[j].peer == kNoPeer) break;
    const std::size_t h = home(slots_[j].peer);
    if (((j - h) & mask) >= ((j - i) & mask)) {
      slots_[i] = slots_[j];
      i = j;
    }
  }
  slots_[i] = Slot{};
  --size_;
}

void PeerPositions::clear() {
  std::vector<Slot>().swap(slots_);
  size_ = 0;
  shift_ = 64;
}

void PeerPositions::grow() {
  std::vector<Slot> old = std::move(slots_);
  const std::size_t cap = old.empty() ? 32 : old.size() * 2;
  int bits = 0;
  while ((std::size_t{1} << bits) < cap) ++bits;
  shift_ = 64 - bits;
  slots_.assign(cap, Slot{});
  size_ = 0;
  for (const Slot& s : old) {
    if (s.peer != kNoPeer) put(s.peer, s.pos);
  }
}

// ---- PrefixPeerMap -------------------------------------------------------------------------------------

template <class Annex>
std::uint32_t PrefixPeerMap<Annex>::Spill::position(PeerIndex peer) const {
  if (!index.empty()) return index.find(peer);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].peer == peer) return static_cast<std::uint32_t>(i);
  }
  return PeerPositions::kAbsent;
}

template <class Annex>
std::uint32_t PrefixPeerMap<Annex>::new_spill() {
  if (!free_spills_.empty()) {
    const std::uint32_t id = free_spills_.back();
    free_spills_.pop_back();
    return id;
  }
  spills_.emplace_back();
  return static_cast<std::uint32_t>(spills_.size() - 1);
}

template <class Annex>
void PrefixPeerMap<Annex>::free_spill(std::uint32_t id) {
  std::vector<RibEntry>().swap(spills_[id].entries);
  spills_[id].index.clear();
  free_spills_.push_back(id);
}

template <class Annex>
std::uint32_t PrefixPeerMap<Annex>::set(PrefixId prefix, PeerIndex peer, std::uint32_t value) {
  assert(peer != kNoPeer && prefix != kNoPrefix);
  if (prefix - base_ >= slots_.size()) {  // wraps below base_
    if (value == 0) return 0;
    if (slots_.empty()) {
      base_ = prefix;
    } else if (prefix < base_) {
      slots_.insert(slots_.begin(), base_, Slot{});
      base_ = 0;
    }
    if (prefix - base_ >= slots_.size()) slots_.resize(std::size_t{prefix - base_} + 1);
  }
  Slot& slot = slots_[prefix - base_];  // in range now
  if (slot.spill == kNoSpill) {
    RibEntry* e = slot.e;
    const std::uint32_t n = slot.inline_count();
    for (std::uint32_t i = 0; i < n; ++i) {
      if (e[i].peer != peer) continue;
      const std::uint32_t old = e[i].value;
      if (value != 0) {
        e[i].value = value;
      } else {  // erase: the last entry fills the hole, as in a spill
        e[i] = e[n - 1];
        e[n - 1] = RibEntry{};
        --size_;
      }
      return old;
    }
    if (value == 0) return 0;
    ++size_;
    if (n < 2) {
      e[n] = {peer, value};
      return 0;
    }
    const std::uint32_t id = new_spill();  // may reallocate spills_, not slots_
    spills_[id].entries = {slot.e[0], slot.e[1], RibEntry{peer, value}};
    slot.e[0] = slot.e[1] = RibEntry{};
    slot.spill = id;
    return 0;
  }

  Spill& sp = spills_[slot.spill];
  const std::uint32_t pos = sp.position(peer);
  if (pos != PeerPositions::kAbsent) {
    const std::uint32_t old = sp.entries[pos].value;
    if (value != 0) {
      sp.entries[pos].value = value;
      return old;
    }
    // Erase: move the last entry into the hole.
    const RibEntry last = sp.entries.back();
    sp.entries[pos] = last;
    sp.entries.pop_back();
    if (!sp.index.empty()) {
      sp.index.erase(peer);
      if (last.peer != peer) sp.index.put(last.peer, pos);
    }
    --size_;
    if (sp.entries.size() == 2) {  // back inline, in the same order
      slot.e[0] = sp.entries[0];
      slot.e[1] = sp.entries[1];
      free_spill(slot.spill);
      slot.spill = kNoSpill;
    }
    return old;
  }
  if (value == 0) return 0;
  sp.entries.push_back({peer, value});
  ++size_;
  if (!sp.index.empty()) {
    sp.index.put(peer, static_cast<std::uint32_t>(sp.entries.size() - 1));
  } else if (sp.entries.size() > kIndexThreshold) {
    for (std::size_t i = 0; i < sp.entries.size(); ++i) {
      sp.index.put(sp.entries[i].peer, static_cast<std::uint32_t>(i));
    }
  }
  return 0;
}

template <class Annex>
void PrefixPeerMap<Annex>::clear(PrefixId prefix) {
  Slot* at = slot_of(prefix);
  if (at == nullptr) return;
  Slot& slot = *at;
  if (slot.spill == kNoSpill) {
    size_ -= slot.inline_count();
  } else {
    size_ -= spills_[slot.spill].entries.size();
    free_spill(slot.spill);
  }
  slot.e[0] = slot.e[1] = RibEntry{};
  slot.spill = kNoSpill;
}

template <class Annex>
std::uint32_t PrefixPeerMap<Annex>::get(PrefixId prefix, PeerIndex peer) const {
  const Slot* at = slot_of(prefix);
  if (at == nullptr) return 0;
  const Slot& slot = *at;
  if (slot.spill == kNoSpill) {
    for (const RibEntry& e : slot.e)
      if (e.value != 0 && e.peer == peer) return e.value;
    return 0;
  }
  const Spill& sp = spills_[slot.spill];
  const std::uint32_t pos = sp.position(peer);
  return pos == PeerPositions::kAbsent ? 0 : sp.entries[pos].value;
}

template <class Annex>
std::uint32_t* PrefixPeerMap<Annex>::find(PrefixId prefix, PeerIndex peer) {
  Slot* at = slot_of(prefix);
  if (at == nullptr) return nullptr;
  Slot& slot = *at;
  if (slot.spill == kNoSpill) {
    for (RibEntry& e : slot.e)
      if (e.value != 0 && e.peer == peer) return &e.value;
    return nullptr;
  }
  Spill& sp = spills_[slot.spill];
  const std::uint32_t pos = sp.position(peer);
  return pos == PeerPositions::kAbsent ? nullptr : &sp.entries[pos].value;
}

template <class Annex>
std::span<const RibEntry> PrefixPeerMap<Annex>::entries(PrefixId prefix) const {
  const Slot* at = slot_of(prefix);
  if (at == nullptr) return {};
  const Slot& slot = *at;
  if (slot.spill == kNoSpill) return std::span<const RibEntry>(slot.e, slot.inline_count());
  return spills_[slot.spill].entries;
}

template <class Annex>
std::size_t PrefixPeerMap<Annex>::memory_bytes() const {
  std::size_t n = slots_.capacity() * sizeof(Slot) + spills_.capacity() * sizeof(Spill) +
                  free_spills_.capacity() * sizeof(std::uint32_t);
  for (const Spill& s : spills_) n += s.entries.capacity() * sizeof(RibEntry) + s.index.memory_bytes();
  return n;
}

template class PrefixPeerMap<NoAnnex>;
template class PrefixPeerMap<Best>;

}  // namespace detail

namespace {

void bump(std::vector<std::uint32_t>& counts, PeerIndex peer, int delta) {
  if (peer >= counts.size()) counts.resize(std::size_t{peer} + 1, 0);
  counts[peer] = static_cast<std::uint32_t>(static_cast<std::int64_t>(counts[peer]) + delta);
}

std::size_t count_of(const std::vector<std::uint32_t>& counts, PeerIndex peer) {
  return peer < counts.size() ? counts[peer] : 0;
}

}  // namespace

// ---- AdjRibIn ------------------------------------------------------------------------------------------

void AdjRibIn::count(PeerIndex peer, int delta) {
  if (peer == kLocalPeer) {
    local_count_ = static_cast<std::uint32_t>(static_cast<std::int64_t>(local_count_) + delta);
  } else {
    bump(counts_, peer, delta);
  }
}

AttrId AdjRibIn::update(PeerIndex peer, PrefixId prefix, AttrId attrs) {
  assert((attrs & RibEntry::kStaleBit) == 0);
  const std::uint32_t old = map_.set(prefix, peer, attrs);
  if (old == 0 && attrs != kNoAttrs) count(peer, +1);
  if (old != 0 && attrs == kNoAttrs) count(peer, -1);
  return old & ~RibEntry::kStaleBit;
}

AttrId AdjRibIn::lookup(PeerIndex peer, PrefixId prefix) const {
  return map_.get(prefix, peer) & ~RibEntry::kStaleBit;
}

bool AdjRibIn::is_stale(PeerIndex peer, PrefixId prefix) const {
  return (map_.get(prefix, peer) & RibEntry::kStaleBit) != 0;
}

void AdjRibIn::release_peer(PeerIndex peer, std::vector<PrefixId>& affected) {
  if (route_count(peer) == 0) return;
  const PrefixId bound = map_.prefix_bound();
  for (PrefixId p = map_.prefix_begin(); p < bound; ++p) {
    if (map_.set(p, peer, 0) != 0) {
      count(peer, -1);
      affected.push_back(p);
    }
  }
}

std::size_t AdjRibIn::mark_stale(PeerIndex peer) {
  std::size_t n = 0;
  if (route_count(peer) == 0) return 0;
  const PrefixId bound = map_.prefix_bound();
  for (PrefixId p = map_.prefix_begin(); p < bound; ++p) {
    if (std::uint32_t* v = map_.find(p, peer)) {
      *v |= RibEntry::kStaleBit;
      ++n;
    }
  }
  return n;
}

void AdjRibIn::flush_stale(PeerIndex peer, std::vector<PrefixId>& affected) {
  if (route_count(peer) == 0) return;
  const PrefixId bound = map_.prefix_bound();
  for (PrefixId p = map_.prefix_begin(); p < bound; ++p) {
    const std::uint32_t* v = map_.find(p, peer);
    if (v != nullptr && (*v & RibEntry::kStaleBit) != 0) {
      map_.set(p, peer, 0);
      count(peer, -1);
      affected.push_back(p);
    }
  }
}

std::size_t AdjRibIn::route_count(PeerIndex peer) const {
  return peer == kLocalPeer ? local_count_ : count_of(counts_, peer);
}

std::vector<Route> AdjRibIn::routes_of(PeerIndex peer) const {
  std::vector<Route> out;
  if (route_count(peer) == 0) return out;
  out.reserve(route_count(peer));
  const PrefixId bound = map_.prefix_bound();
  for (PrefixId p = map_.prefix_begin(); p < bound; ++p) {
    if (const std::uint32_t v = map_.get(p, peer)) out.push_back({p, peer, v & ~RibEntry::kStaleBit});
  }
  return out;
}

std::size_t AdjRibIn::memory_bytes() const {
  return map_.memory_bytes() + counts_.capacity() * sizeof(std::uint32_t);
}

// ---- LocRib --------------------------------------------------------------------------------------------

BestChange LocRib::recompute(PrefixId prefix, AdjRibIn& in, std::span<const PeerFacts> peers,
                             const PeerFacts& self, const AttrTable& attrs) {
  const std::span<const RibEntry> entries = in.candidates(prefix);
  Best now;
  if (entries.size() == 1) {
    // The only candidate is best whatever it holds (select_best's first answer): no need to read
    // its attributes or the facts about its peer, a cache miss each in a large design.
    now = Best{entries[0].peer, entries[0].attrs(), Rule::OnlyCandidate};
  } else if (!entries.empty()) {
    scratch_.clear();
    for (const RibEntry& e : entries) {
      const bool local = e.peer == kLocalPeer;
      assert(local || e.peer < peers.size());
      const PeerFacts& f = local ? self : peers[e.peer];
      scratch_.push_back(
          Candidate{&attrs.get(e.attrs()), e.peer, f.address, f.router_id, f.as, local, !local && f.ebgp});
    }
    const Decision d = select_best(scratch_);
    now = Best{entries[d.winner].peer, entries[d.winner].attrs(), d.rule};
  }
  Best* slot = in.map_.annex(prefix);
  if (slot == nullptr) {  // never set in the Adj-RIB-In: no candidate, no best
    assert(!now.has_route());
    return {prefix, Best{}, now};
  }
  BestChange change{prefix, *slot, now};
  if (change.old_best.has_route() && !now.has_route()) --count_;
  if (!change.old_best.has_route() && now.has_route()) ++count_;
  *slot = now;
  return change;
}

// ---- AdjRibOut -----------------------------------------------------------------------------------------

std::optional<OutChange> AdjRibOut::advertise(PeerIndex peer, PrefixId prefix, AttrId attrs) {
  AttrId old;
  if (std::vector<AttrId>* row = dense_row(prefix)) {
    if (peer >= row->size()) {
      if (attrs == kNoAttrs) return std::nullopt;
      row->resize(std::size_t{peer} + 1, kNoAttrs);
    }
    old = (*row)[peer];
    if (old == attrs) return std::nullopt;
    (*row)[peer] = attrs;
    if (old == kNoAttrs) ++dense_size_;
    if (attrs == kNoAttrs) --dense_size_;
  } else {
    old = map_.set(prefix, peer, attrs);
    if (old == attrs) return std::nullopt;
    if (old == kNoAttrs) {
      const std::size_t n = map_.entries(prefix).size();
      if (n > kDenseAbove && n * kDenseShare >= counts_.size()) make_dense(prefix);
    }
  }
  if (old == kNoAttrs) bump(counts_, peer, +1);
  if (attrs == kNoAttrs) bump(counts_, peer, -1);
  return OutChange{peer, prefix, old, attrs};
}

// Moves a prefix's advertisements from the sparse map to a dense row (for good: a prefix that
// once reached that many peers is likely to again).
void AdjRibOut::make_dense(PrefixId prefix) {
  std::vector<AttrId> row(counts_.size(), kNoAttrs);
  const std::span<const RibEntry> entries = map_.entries(prefix);
  for (const RibEntry& e : entries) {
    if (e.peer >= row.size()) row.resize(std::size_t{e.peer} + 1, kNoAttrs);
    row[e.peer] = e.value;
  }
  dense_size_ += entries.size();
  map_.clear(prefix);
  if (dense_of_.size() <= prefix) dense_of_.resize(std::size_t{prefix} + 1, kNoRow);
  dense_of_[prefix] = static_cast<std::uint32_t>(dense_.size());
  dense_.push_back(std::move(row));
}

AttrId AdjRibOut::advertised(PeerIndex peer, PrefixId prefix) const {
  if (const std::vector<AttrId>* row = dense_row(prefix)) return peer < row->size() ? (*row)[peer] : kNoAttrs;
  return map_.get(prefix, peer);
}

void AdjRibOut::clear_peer(PeerIndex peer) {
  if (route_count(peer) == 0) return;
  const PrefixId bound = map_.prefix_bound();
  for (PrefixId p = map_.prefix_begin(); p < bound; ++p) map_.set(p, peer, 0);
  for (auto& row : dense_)
    if (peer < row.size() && row[peer] != kNoAttrs) row[peer] = kNoAttrs, --dense_size_;
  counts_[peer] = 0;
}

std::size_t AdjRibOut::route_count(PeerIndex peer) const {
  return count_of(counts_, peer);
}

std::size_t AdjRibOut::memory_bytes() const {
  std::size_t n = map_.memory_bytes() + counts_.capacity() * sizeof(std::uint32_t) +
                  dense_of_.capacity() * sizeof(std::uint32_t) + dense_.capacity() * sizeof(dense_[0]);
  for (const auto& row : dense_) n += row.capacity() * sizeof(AttrId);
  return n;
}

// ---- pack_updates --------------------------------------------------------------------------------------

std::vector<Update> pack_updates(std::span<const OutChange> changes) {
  std::vector<Update> out;
  std::vector<std::uint64_t> scratch;
  pack_updates(changes, scratch, [&](Update&& u) { out.push_back(std::move(u)); });
  return out;
}

}  // namespace peerlab::bgp
