#include "sim/bgp_rib.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>

namespace peerlab::bgp {
namespace {

std::vector<PeerIndex> peers_of(std::span<const RibEntry> entries) {
  std::vector<PeerIndex> out;
  for (const RibEntry& e : entries) out.push_back(e.peer);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(AdjRibIn, StoresOneRoutePerPeerAndPrefix) {
  AdjRibIn in;
  EXPECT_EQ(in.update(3, 7, 11), kNoAttrs);
  EXPECT_EQ(in.update(3, 7, 12), 11U);
  EXPECT_EQ(in.lookup(3, 7), 12U);
  EXPECT_EQ(in.lookup(4, 7), kNoAttrs);
  EXPECT_EQ(in.lookup(3, 8), kNoAttrs);
  EXPECT_EQ(in.route_count(3), 1U);
  EXPECT_EQ(in.size(), 1U);
}

TEST(AdjRibIn, WithdrawRemovesTheRouteAndReturnsWhatItWas) {
  AdjRibIn in;
  in.update(1, 0, 5);
  EXPECT_EQ(in.withdraw(1, 0), 5U);
  EXPECT_EQ(in.withdraw(1, 0), kNoAttrs);
  EXPECT_EQ(in.withdraw(2, 99), kNoAttrs);
  EXPECT_EQ(in.route_count(1), 0U);
  EXPECT_TRUE(in.candidates(0).empty());
}

TEST(AdjRibIn, ListsEveryPeersRouteForAPrefix) {
  AdjRibIn in;
  in.update(2, 5, 1);
  in.update(0, 5, 2);
  in.update(kLocalPeer, 5, 3);
  in.update(1, 6, 4);
  EXPECT_EQ(peers_of(in.candidates(5)), (std::vector<PeerIndex>{0, 2, kLocalPeer}));
  EXPECT_EQ(peers_of(in.candidates(6)), (std::vector<PeerIndex>{1}));
  in.withdraw(0, 5);
  in.withdraw(kLocalPeer, 5);
  EXPECT_EQ(peers_of(in.candidates(5)), (std::vector<PeerIndex>{2}));
  EXPECT_EQ(in.route_count(kLocalPeer), 0U);
}

TEST(AdjRibIn, ReleasingAPeerRemovesItsRoutesAndNamesTheAffectedPrefixes) {
  AdjRibIn in;
  in.update(1, 9, 1);
  in.update(1, 2, 1);
  in.update(2, 2, 2);
  in.update(2, 4, 2);
  std::vector<PrefixId> affected;
  in.release_peer(1, affected);
  EXPECT_EQ(affected, (std::vector<PrefixId>{2, 9}));
  EXPECT_EQ(in.route_count(1), 0U);
  EXPECT_EQ(in.route_count(2), 2U);
  EXPECT_EQ(in.lookup(2, 2), 2U);
  affected.clear();
  in.release_peer(7, affected);
  EXPECT_TRUE(affected.empty());
}

TEST(AdjRibIn, StaleRoutesAreFlushedUnlessReannounced) {
  AdjRibIn in;
  in.update(1, 0, 10);
  in.update(1, 1, 11);
  in.update(2, 1, 12);
  EXPECT_EQ(in.mark_stale(1), 2U);
  EXPECT_TRUE(in.is_stale(1, 0));
  EXPECT_EQ(in.lookup(1, 0), 10U);  // stale routes stay usable
  in.update(1, 1, 13);              // re-announced after the restart
  EXPECT_FALSE(in.is_stale(1, 1));
  std::vector<PrefixId> affected;
  in.flush_stale(1, affected);
  EXPECT_EQ(affected, (std::vector<PrefixId>{0}));
  EXPECT_EQ(in.lookup(1, 0), kNoAttrs);
  EXPECT_EQ(in.lookup(1, 1), 13U);
  EXPECT_FALSE(in.is_stale(2, 1));
}

TEST(AdjRibIn, RoutesOfAPeerComeInPrefixOrder) {
  AdjRibIn in;
  in.update(4, 8, 1);
  in.update(4, 3, 2);
  in.update(5, 3, 3);
  EXPECT_EQ(in.routes_of(4), (std::vector<Route>{{3, 4, 2}, {8, 4, 1}}));
  EXPECT_TRUE(in.routes_of(6).empty());
}

// Random updates and withdrawals against a std::map, with enough peers per prefix to use the spill
// vectors and their hash index.
TEST(AdjRibIn, MatchesAReferenceMapUnderRandomChurn) {
  AdjRibIn in;
  std::map<std::pair<PrefixId, PeerIndex>, AttrId> ref;
  std::mt19937 rng(42);
  for (int i = 0; i < 60000; ++i) {
    const PrefixId p = rng() % 8;
    const PeerIndex peer = rng() % 64;
    const AttrId a = (rng() % 3 == 0) ? kNoAttrs : 1 + rng() % 5;
    const auto it = ref.find({p, peer});
    const AttrId expected_old = it == ref.end() ? kNoAttrs : it->second;
    ASSERT_EQ(in.update(peer, p, a), expected_old);
    if (a == kNoAttrs) {
      ref.erase({p, peer});
    } else {
      ref[{p, peer}] = a;
    }
  }
  EXPECT_EQ(in.size(), ref.size());
  for (PrefixId p = 0; p < 8; ++p) {
    std::map<PeerIndex, AttrId> expected;
    for (const auto& [k, v] : ref) {
      if (k.first == p) expected[k.second] = v;
    }
    std::map<PeerIndex, AttrId> got;
    for (const RibEntry& e : in.candidates(p)) got[e.peer] = e.attrs();
    EXPECT_EQ(got, expected) << "prefix " << p;
    for (PeerIndex peer = 0; peer < 64; ++peer) {
      const auto it = expected.find(peer);
      EXPECT_EQ(in.lookup(peer, p), it == expected.end() ? kNoAttrs : it->second);
    }
  }
}

// Clearing a prefix is erasing each of its entries: inline (one or two), spilled, spilled with
// the hash index; the other prefixes keep theirs, and a cleared prefix fills up again.
TEST(PrefixPeerMap, ClearingAPrefixErasesEachOfItsEntriesAndNothingElse) {
  detail::PrefixPeerMap<detail::NoAnnex> map;
  const std::uint32_t sizes[] = {1, 2, 5, 40};
  for (PrefixId p = 0; p < 4; ++p)
    for (PeerIndex peer = 0; peer < sizes[p]; ++peer) map.set(p, peer, 100 + peer);
  map.set(4, 7, 1);
  for (PrefixId p = 0; p < 4; ++p) {
    const std::size_t before = map.size();
    map.clear(p);
    EXPECT_EQ(map.size(), before - sizes[p]) << "prefix " << p;
    EXPECT_TRUE(map.entries(p).empty()) << "prefix " << p;
    EXPECT_EQ(map.get(p, 0), 0U) << "prefix " << p;
  }
  map.clear(99);  // beyond every prefix: nothing
  EXPECT_EQ(map.size(), 1U);
  EXPECT_EQ(map.get(4, 7), 1U);
  for (PeerIndex peer = 0; peer < 20; ++peer) EXPECT_EQ(map.set(3, peer, 5), 0U);
  EXPECT_EQ(map.set(3, 19, 6), 5U);
  EXPECT_EQ(map.entries(3).size(), 20U);
  EXPECT_EQ(map.size(), 21U);
}

// Slots start at the first prefix set, so that a map holding one high prefix is one slot; a lower
// prefix later moves them, and every entry stays where it was.
TEST(PrefixPeerMap, HoldsSlotsFromItsFirstPrefixOnUntilALowerOneComes) {
  detail::PrefixPeerMap<detail::NoAnnex> map;
  map.set(9000, 1, 5);
  EXPECT_EQ(map.prefix_begin(), 9000U);
  EXPECT_EQ(map.prefix_bound(), 9001U);
  EXPECT_LE(map.memory_bytes(), 64U);
  EXPECT_EQ(map.get(8999, 1), 0U);
  EXPECT_TRUE(map.entries(3).empty());
  EXPECT_EQ(map.find(3, 1), nullptr);
  EXPECT_EQ(map.set(5, 1, 0), 0U);  // erasing below the first prefix: nothing there, nothing moves
  EXPECT_EQ(map.prefix_begin(), 9000U);
  map.set(9002, 2, 6);
  map.set(7, 3, 7);
  EXPECT_EQ(map.prefix_begin(), 0U);
  EXPECT_EQ(map.prefix_bound(), 9003U);
  EXPECT_EQ(map.get(9000, 1), 5U);
  EXPECT_EQ(map.get(9002, 2), 6U);
  EXPECT_EQ(map.get(7, 3), 7U);
  EXPECT_EQ(map.size(), 3U);
}

TEST(AdjRibOut, ANodeAdvertisingOnlyItsOwnPrefixKeepsOneSlotWhateverThePrefixId) {
  AdjRibOut out;
  EXPECT_TRUE(out.advertise(0, 9999, 1));
  EXPECT_TRUE(out.advertise(1, 9999, 1));
  EXPECT_EQ(out.advertised(1, 9999), 1U);
  EXPECT_LE(out.memory_bytes(), 64U);
  out.clear_peer(0);
  EXPECT_EQ(out.advertised(0, 9999), kNoAttrs);
  EXPECT_EQ(out.advertised(1, 9999), 1U);
}

TEST(AdjRibIn, ReleasingAPeerWhoseRoutesAreAllHighPrefixesNamesEachOnce) {
  AdjRibIn in;
  in.update(2, 600, 1);
  in.update(2, 500, 1);
  in.update(3, 550, 2);
  std::vector<PrefixId> affected;
  in.release_peer(2, affected);
  EXPECT_EQ(affected, (std::vector<PrefixId>{500, 600}));
  EXPECT_EQ(in.routes_of(3), (std::vector<Route>{{550, 3, 2}}));
}

// A node of a 10,000-node full mesh: 9,999 peers announcing one prefix each.
TEST(AdjRibIn, KeepsAFullMeshNodeCompact) {
  AdjRibIn in;
  for (PeerIndex peer = 0; peer < 9999; ++peer) in.update(peer, peer, 1 + peer);
  EXPECT_EQ(in.size(), 9999U);
  EXPECT_LE(in.memory_bytes(), 9999U * 72);  // 32-byte slot (with the Loc-RIB entry) + count, with slack
  AdjRibIn reserved;
  reserved.reserve(9999, 9999);
  for (PeerIndex peer = 0; peer < 9999; ++peer) reserved.update(peer, peer, 1 + peer);
  EXPECT_EQ(reserved.memory_bytes(), 9999U * 36);  // exactly a slot and a count per route
}

TEST(AdjRibIn, KeepsARouteReflectorClientsTwoRoutesPerPrefixWithoutAllocating) {
  AdjRibIn in;
  in.reserve(1000, 3);
  for (PrefixId p = 0; p < 1000; ++p) {
    in.update(0, p, 1 + p);  // from one reflector
    in.update(1, p, 2 + p);  // and the other
  }
  EXPECT_EQ(in.size(), 2000U);
  EXPECT_EQ(in.memory_bytes(), 1000U * 32 + 3 * 4);  // the slots and the per-peer counts, nothing else
  // A third route spills; losing one brings the other two back inline, the last filling the hole.
  in.update(2, 7, 99);
  ASSERT_EQ(in.candidates(7).size(), 3U);
  in.withdraw(0, 7);
  const auto left = in.candidates(7);
  ASSERT_EQ(left.size(), 2U);
  EXPECT_EQ(left[0].peer, 2U);
  EXPECT_EQ(left[1].peer, 1U);
  EXPECT_EQ(in.lookup(1, 7), 9U);
  EXPECT_EQ(in.lookup(2, 7), 99U);
  EXPECT_EQ(in.lookup(0, 7), kNoAttrs);
  in.withdraw(2, 7);
  in.withdraw(1, 7);
  EXPECT_TRUE(in.candidates(7).empty());
  EXPECT_EQ(in.size(), 1998U);
}

// ---- Loc-RIB ----

class LocRibTest : public ::testing::Test {
 protected:
  LocRibTest() {
    for (std::uint32_t i = 0; i < 3; ++i) {
      PeerFacts f;
      f.address = IpAddr::v4(0x0A000002U + i);
      f.router_id = 0x0A000002U + i;
      f.as = 64512;
      peers.push_back(f);
    }
    self.router_id = 0x0A000001;
    self.as = 64512;
  }
  AttrId path(std::vector<AsNumber> p) {
    PathAttributes a;
    a.as_path = std::move(p);
    return table.intern(a);
  }
  BestChange recompute(PrefixId p) { return loc.recompute(p, in, peers, self, table); }

  AttrTable table;
  AdjRibIn in;
  LocRib loc;
  std::vector<PeerFacts> peers;
  PeerFacts self;
};

// The Loc-RIB's entries live in the Adj-RIB-In's slots: a lower prefix arriving later moves the
// slots, and every best moves with its candidates.
TEST_F(LocRibTest, BestsStayWithTheirPrefixesWhenALowerPrefixArrivesLater) {
  in.update(0, 500, path({65001}));
  in.update(1, 500, path({65002, 65003}));
  const BestChange first = recompute(500);
  EXPECT_EQ(first.new_best.peer, 0U);
  in.update(2, 3, path({65004}));
  recompute(3);
  EXPECT_EQ(loc.best(in, 500), first.new_best);
  EXPECT_EQ(loc.best(in, 3).peer, 2U);
  EXPECT_FALSE(loc.best(in, 4).has_route());
  std::vector<PrefixId> seen;
  loc.for_each(in, [&](PrefixId p, const Best&) { seen.push_back(p); });
  EXPECT_EQ(seen, (std::vector<PrefixId>{3, 500}));
  EXPECT_EQ(loc.size(), 2U);
}

TEST_F(LocRibTest, FirstRouteBecomesBest) {
  const AttrId a = path({65001});
  in.update(1, 0, a);
  const BestChange c = recompute(0);
  EXPECT_TRUE(c.changed());
  EXPECT_FALSE(c.old_best.has_route());
  EXPECT_EQ(c.new_best, (Best{1, a, Rule::OnlyCandidate}));
  EXPECT_EQ(loc.best(in, 0), c.new_best);
  EXPECT_EQ(loc.size(), 1U);
}

TEST_F(LocRibTest, WorseRouteLeavesTheBestUnchanged) {
  const AttrId short_path = path({65001});
  in.update(1, 0, short_path);
  recompute(0);
  in.update(0, 0, path({65001, 65002}));
  const BestChange c = recompute(0);
  EXPECT_FALSE(c.changed());
  EXPECT_EQ(c.new_best, (Best{1, short_path, Rule::ShortestAsPath}));  // same route, new reason
}

TEST_F(LocRibTest, BetterRouteReplacesTheBestAndSaysWhy) {
  in.update(1, 0, path({65001, 65002}));
  recompute(0);
  const AttrId better = path({65003});
  in.update(2, 0, better);
  const BestChange c = recompute(0);
  EXPECT_TRUE(c.changed());
  EXPECT_EQ(c.old_best.peer, 1U);
  EXPECT_EQ(c.new_best, (Best{2, better, Rule::ShortestAsPath}));
}

TEST_F(LocRibTest, LocallyOriginatedRouteWins) {
  in.update(0, 0, path({}));
  const AttrId local = path({});
  in.update(kLocalPeer, 0, local);
  const BestChange c = recompute(0);
  EXPECT_EQ(c.new_best, (Best{kLocalPeer, local, Rule::LocallyOriginated}));
}

TEST_F(LocRibTest, WithdrawingTheBestFallsBackAndWithdrawingAllLeavesNothing) {
  in.update(1, 4, path({65001}));
  in.update(2, 4, path({65001, 65002}));
  recompute(4);
  in.withdraw(1, 4);
  BestChange c = recompute(4);
  EXPECT_TRUE(c.changed());
  EXPECT_EQ(c.new_best.peer, 2U);
  EXPECT_EQ(c.new_best.rule, Rule::OnlyCandidate);
  in.withdraw(2, 4);
  c = recompute(4);
  EXPECT_TRUE(c.changed());
  EXPECT_FALSE(c.new_best.has_route());
  EXPECT_EQ(loc.size(), 0U);
  EXPECT_FALSE(loc.best(in, 4).has_route());
  EXPECT_FALSE(loc.best(in, 1000).has_route());
}

TEST_F(LocRibTest, RecomputingAnUnknownPrefixChangesNothing) {
  const BestChange c = recompute(50);
  EXPECT_FALSE(c.changed());
  EXPECT_EQ(loc.size(), 0U);
}

TEST_F(LocRibTest, ReleasingAPeerThenRecomputingWithdrawsItsBests) {
  in.update(1, 0, path({65001}));
  in.update(1, 1, path({65001}));
  in.update(2, 1, path({65001, 65002}));
  recompute(0);
  recompute(1);
  std::vector<PrefixId> affected;
  in.release_peer(1, affected);
  std::vector<BestChange> changes;
  for (PrefixId p : affected) changes.push_back(recompute(p));
  ASSERT_EQ(changes.size(), 2U);
  EXPECT_FALSE(changes[0].new_best.has_route());
  EXPECT_EQ(changes[1].new_best.peer, 2U);
  std::vector<PrefixId> seen;
  loc.for_each(in, [&](PrefixId p, const Best&) { seen.push_back(p); });
  EXPECT_EQ(seen, (std::vector<PrefixId>{1}));
}

// ---- Adj-RIB-Out ----

TEST(AdjRibOut, ReportsOnlyChanges) {
  AdjRibOut out;
  EXPECT_EQ(out.advertise(3, 1, 7), (OutChange{3, 1, kNoAttrs, 7}));
  EXPECT_EQ(out.advertise(3, 1, 7), std::nullopt);
  EXPECT_EQ(out.advertise(3, 1, 8), (OutChange{3, 1, 7, 8}));
  EXPECT_EQ(out.advertised(3, 1), 8U);
  EXPECT_EQ(out.route_count(3), 1U);
}

TEST(AdjRibOut, WithdrawsOnlyWhatWasAdvertised) {
  AdjRibOut out;
  EXPECT_EQ(out.advertise(3, 1, kNoAttrs), std::nullopt);
  out.advertise(3, 1, 7);
  const auto c = out.advertise(3, 1, kNoAttrs);
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->is_withdraw());
  EXPECT_EQ(c->old_attrs, 7U);
  EXPECT_EQ(out.route_count(3), 0U);
}

TEST(AdjRibOut, ForgetsEverythingWhenTheSessionGoesDown) {
  AdjRibOut out;
  for (PeerIndex p = 0; p < 100; ++p) out.advertise(p, 0, 5);  // one prefix to many peers
  out.advertise(7, 1, 6);
  out.clear_peer(7);
  EXPECT_EQ(out.advertised(7, 0), kNoAttrs);
  EXPECT_EQ(out.advertised(7, 1), kNoAttrs);
  EXPECT_EQ(out.advertised(8, 0), 5U);
  EXPECT_EQ(out.route_count(7), 0U);
  EXPECT_EQ(out.size(), 99U);
  // After the session comes back, everything is new again.
  EXPECT_TRUE(out.advertise(7, 0, 5).has_value());
}

TEST(AdjRibOut, KeepsAPrefixSentToManyPeersInADenseRowWithTheSameAnswers) {
  AdjRibOut dense, sparse;
  const PeerIndex peers = 1000;
  for (PeerIndex p = 0; p < peers; ++p) {
    dense.advertise(p, 4, 9);                  // one prefix to every peer: goes dense past kDenseAbove
    if (p % 2 == 0) dense.advertise(p, 5, 9);  // and one to half of them
  }
  for (PeerIndex p = 0; p < AdjRibOut::kDenseAbove; ++p) sparse.advertise(p, 4, 9);  // stays sparse
  EXPECT_EQ(dense.size(), peers + peers / 2);
  EXPECT_EQ(dense.advertised(10, 4), 9U);
  EXPECT_EQ(dense.advertised(11, 5), kNoAttrs);
  EXPECT_EQ(dense.advertised(5000, 4), kNoAttrs);
  EXPECT_EQ(dense.advertise(10, 4, 9), std::nullopt);
  EXPECT_EQ(dense.advertise(10, 4, 8), (OutChange{10, 4, 9, 8}));
  EXPECT_EQ(dense.advertise(11, 5, kNoAttrs), std::nullopt);
  EXPECT_EQ(dense.advertise(12, 5, kNoAttrs), (OutChange{12, 5, 9, kNoAttrs}));
  EXPECT_EQ(dense.advertise(1500, 4, 9), (OutChange{1500, 4, kNoAttrs, 9}));  // a peer added later
  EXPECT_EQ(dense.route_count(12), 1U);
  dense.clear_peer(14);
  EXPECT_EQ(dense.advertised(14, 4), kNoAttrs);
  EXPECT_EQ(dense.advertised(14, 5), kNoAttrs);
  EXPECT_EQ(dense.route_count(14), 0U);
  EXPECT_EQ(dense.size(), peers + peers / 2 - 1 + 1 - 2);
  // 4 bytes per peer per dense prefix (plus the per-peer counts every Adj-RIB-Out has), where a
  // spill costs ~50 bytes per advertisement (entry, hash index, slack).
  EXPECT_LT(dense.memory_bytes(), (peers + peers / 2) * 16);
  EXPECT_EQ(sparse.size(), AdjRibOut::kDenseAbove);
  EXPECT_EQ(sparse.advertised(3, 4), 9U);
}

TEST(PackUpdates, GroupsWithdrawalsAndAnnouncementsByAttributes) {
  const std::vector<OutChange> changes{{1, 9, 3, 4}, {1, 2, 0, 4}, {1, 5, 2, 0}, {1, 7, 0, 3}, {1, 1, 6, 0}};
  const std::vector<Update> updates = pack_updates(changes);
  ASSERT_EQ(updates.size(), 3U);
  EXPECT_EQ(updates[0], (Update{{1, 5}, kNoAttrs, {}}));
  EXPECT_EQ(updates[1], (Update{{}, 3, {7}}));
  EXPECT_EQ(updates[2], (Update{{}, 4, {2, 9}}));
  EXPECT_TRUE(pack_updates({}).empty());
}

TEST(PackUpdates, SendsAPrefixThatChangedTwiceOnceWithItsLastChange) {
  // Prefix 5 went to attributes 7, then to 3: sent apart, the UPDATE for 3 (the lower id) would go
  // first and the peer would end on 7.
  const std::vector<OutChange> announced{{1, 5, 0, 7}, {1, 2, 0, 7}, {1, 5, 7, 3}};
  EXPECT_EQ(pack_updates(announced), (std::vector<Update>{Update{{}, 3, {5}}, Update{{}, 7, {2}}}));
  // Announced, then withdrawn before the flush: withdrawals go first, so the peer would keep it.
  const std::vector<OutChange> withdrawn{{1, 5, 4, 7}, {1, 5, 7, 0}};
  EXPECT_EQ(pack_updates(withdrawn), (std::vector<Update>{Update{{5}, kNoAttrs, {}}}));
}

TEST(PackUpdates, SendsNothingForAPrefixThatChangedAndChangedBack) {
  const std::vector<OutChange> changes{{1, 5, 4, 7}, {1, 6, 0, 4}, {1, 5, 7, 4}};
  EXPECT_EQ(pack_updates(changes), (std::vector<Update>{Update{{}, 4, {6}}}));
  const std::vector<OutChange> flapped{{1, 5, 0, 7}, {1, 5, 7, 0}};
  EXPECT_TRUE(pack_updates(flapped).empty());
}

// The rules of pack_updates, written out plainly: each prefix's net change (the first change's
// old attributes, the last one's new), none when they are equal; one UPDATE with every withdrawal,
// then one per attribute set in increasing id; prefixes in increasing id.
std::vector<Update> pack_by_the_rules(std::span<const OutChange> changes) {
  std::map<PrefixId, std::pair<AttrId, AttrId>> net;  // prefix -> (old, new)
  for (const OutChange& c : changes) {
    auto [it, first] = net.try_emplace(c.prefix, c.old_attrs, c.new_attrs);
    if (!first) it->second.second = c.new_attrs;
  }
  std::vector<PrefixId> withdrawn;
  std::map<AttrId, std::vector<PrefixId>> announced;
  for (const auto& [prefix, change] : net) {
    if (change.first == change.second) continue;
    if (change.second == kNoAttrs)
      withdrawn.push_back(prefix);
    else
      announced[change.second].push_back(prefix);
  }
  std::vector<Update> out;
  auto list = [](const std::vector<PrefixId>& ids) {
    PrefixList l;
    for (PrefixId p : ids) l.push_back(p);
    return l;
  };
  if (!withdrawn.empty()) out.push_back(Update{list(withdrawn), kNoAttrs, {}});
  for (const auto& [attrs, prefixes] : announced) out.push_back(Update{{}, attrs, list(prefixes)});
  return out;
}

TEST(PackUpdates, PacksRandomChangeListsAsTheRulesSay) {
  std::mt19937 gen(7);
  int collapsed = 0, withdrawals = 0;
  for (int round = 0; round < 2000; ++round) {
    // Few prefixes and attribute sets, so that repeats, flaps and shared attributes all happen;
    // attribute ids near the top of the range check that the key keeps all 32 bits.
    const std::uint32_t prefixes = 1 + gen() % 40, attr_sets = 1 + gen() % 6;
    const AttrId attr_base = round % 3 == 0 ? 0xFFFFFFF0U : 1;
    // What the peer has, so that each change's old attributes are true: some prefixes to begin with.
    std::map<PrefixId, AttrId> has;
    for (PrefixId p = 0; p < 60; ++p)
      if (gen() % 2 == 0) has[p] = attr_base + gen() % attr_sets;
    std::vector<OutChange> changes;
    const std::size_t n = 1 + gen() % 60;
    for (std::size_t i = 0; i < n; ++i) {
      const PrefixId p =
          round % 2 == 0 ? gen() % prefixes : static_cast<PrefixId>(i);  // in order, no repeats
      const AttrId was = has.contains(p) ? has[p] : kNoAttrs;
      AttrId now = gen() % 4 == 0 ? kNoAttrs : attr_base + gen() % attr_sets;
      if (now == was) now = was == kNoAttrs ? attr_base : kNoAttrs;
      changes.push_back(OutChange{1, p, was, now});
      has[p] = now;
    }
    const std::vector<Update> expected = pack_by_the_rules(changes);
    ASSERT_EQ(pack_updates(changes), expected) << "round " << round;
    collapsed += static_cast<int>(
        std::accumulate(expected.begin(), expected.end(), std::size_t{0}, [](std::size_t k, const Update& u) {
          return k + u.nlri.size() + u.withdrawn.size();
        }) < changes.size());
    withdrawals += !expected.empty() && expected.front().attrs == kNoAttrs;
  }
  // The draws reach the collapsing path and the withdrawal group often.
  EXPECT_GT(collapsed, 500);
  EXPECT_GT(withdrawals, 500);
}

}  // namespace
}  // namespace peerlab::bgp
