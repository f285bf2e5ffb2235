#include "sim/bgp_decision.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <numeric>
#include <set>
#include <vector>

namespace peerlab::bgp {
namespace {

IpAddr ip(const char* s) {
  return *parse_ip(s);
}

// Candidates with attributes owned by the fixture. Defaults: iBGP route from 10.0.0.<peer+1>, router
// id = peer + 1, AS 64512, no attributes set.
class Routes {
 public:
  Candidate& add(PeerIndex peer, PathAttributes a = {}) {
    attrs_.push_back(std::move(a));
    Candidate c;
    c.attrs = &attrs_.back();
    c.peer = peer;
    c.peer_address = IpAddr::v4(0x0A000001U + peer);
    c.peer_router_id = peer + 1;
    c.peer_as = 64512;
    list_.push_back(c);
    return list_.back();
  }
  std::vector<Candidate>& list() { return list_; }
  Decision best() const { return select_best(list_); }
  PeerIndex winner() const { return list_[best().winner].peer; }

 private:
  std::deque<PathAttributes> attrs_;
  std::vector<Candidate> list_;
};

PathAttributes with_path(std::vector<AsNumber> path) {
  PathAttributes a;
  a.as_path = std::move(path);
  return a;
}

TEST(DecisionProcess, RulesApplyInBirdsOrder) {
  std::vector<std::string_view> names;
  for (const DecisionRule& r : decision_rules()) names.push_back(r.name);
  EXPECT_EQ(names,
            (std::vector<std::string_view>{
                "locally originated", "highest LOCAL_PREF", "shortest AS_PATH", "lowest ORIGIN", "lowest MED",
                "eBGP over iBGP", "shortest CLUSTER_LIST", "lowest router id", "lowest peer address"}));
  for (const DecisionRule& r : decision_rules()) {
    EXPECT_FALSE(r.description.empty());
    EXPECT_EQ(to_string(r.rule), r.name);
  }
  EXPECT_EQ(to_string(Rule::OnlyCandidate), "only candidate");
  EXPECT_EQ(describe(Rule::ShortestAsPath), "the route whose AS_PATH crosses the fewest ASes wins");
}

TEST(DecisionProcess, AloneRouteWinsAsOnlyCandidate) {
  Routes r;
  r.add(3);
  EXPECT_EQ(r.best(), (Decision{0, Rule::OnlyCandidate}));
}

TEST(DecisionProcess, PrefersLocallyOriginatedOverAnyBgpRoute) {
  Routes r;
  PathAttributes strong;
  strong.local_pref = 500;
  r.add(0, strong);
  r.add(kLocalPeer, with_path({65000, 65001, 65002})).local = true;
  EXPECT_EQ(r.best(), (Decision{1, Rule::LocallyOriginated}));
}

TEST(DecisionProcess, PrefersHigherLocalPref) {
  Routes r;
  PathAttributes low;
  low.local_pref = 100;
  PathAttributes high = with_path({65000, 65001});
  high.local_pref = 200;
  r.add(0, low);
  r.add(1, high);
  EXPECT_EQ(r.best(), (Decision{1, Rule::HighestLocalPref}));
}

TEST(DecisionProcess, CountsMissingLocalPrefAs100) {
  Routes r;
  PathAttributes lp99;
  lp99.local_pref = 99;
  r.add(0, lp99);
  r.add(1);
  EXPECT_EQ(r.best(), (Decision{1, Rule::HighestLocalPref}));
  Routes s;
  PathAttributes lp100;
  lp100.local_pref = 100;
  s.add(0, lp100);
  s.add(1);
  EXPECT_NE(s.best().rule, Rule::HighestLocalPref);
}

TEST(DecisionProcess, PrefersShorterAsPathWhenLocalPrefTies) {
  Routes r;
  r.add(0, with_path({65001, 65000}));
  r.add(1, with_path({65002}));
  EXPECT_EQ(r.best(), (Decision{1, Rule::ShortestAsPath}));
}

TEST(DecisionProcess, PrefersLowerOriginWhenPathLengthTies) {
  Routes r;
  PathAttributes incomplete = with_path({65001});
  incomplete.origin = Origin::Incomplete;
  PathAttributes egp = with_path({65002});
  egp.origin = Origin::Egp;
  r.add(0, incomplete);
  r.add(1, egp);
  EXPECT_EQ(r.best(), (Decision{1, Rule::LowestOrigin}));
}

TEST(DecisionProcess, PrefersLowerMedFromTheSameNeighbourAs) {
  Routes r;
  PathAttributes a = with_path({65001});
  a.med = 50;
  PathAttributes b = with_path({65001});
  b.med = 10;
  r.add(0, a);
  r.add(1, b);
  EXPECT_EQ(r.best(), (Decision{1, Rule::LowestMed}));
}

TEST(DecisionProcess, CountsMissingMedAsZero) {
  Routes r;
  PathAttributes a = with_path({65001});
  a.med = 1;
  r.add(0, a);
  r.add(1, with_path({65001}));
  EXPECT_EQ(r.best(), (Decision{1, Rule::LowestMed}));
}

TEST(DecisionProcess, IgnoresMedBetweenDifferentNeighbourAses) {
  Routes r;
  PathAttributes a = with_path({65001});
  a.med = 10;
  PathAttributes b = with_path({65002});
  b.med = 50;
  r.add(1, a);
  r.add(0, b);  // router id 1 < 2
  EXPECT_EQ(r.best(), (Decision{1, Rule::LowestRouterId}));
}

TEST(DecisionProcess, GroupsEmptyPathsByThePeersAsForMed) {
  Routes r;
  PathAttributes a;
  a.med = 20;
  PathAttributes b;
  b.med = 5;
  r.add(0, a);
  r.add(1, b);
  EXPECT_EQ(r.best(), (Decision{1, Rule::LowestMed}));
  EXPECT_EQ(neighbor_as(r.list()[0]), 64512U);
}

TEST(DecisionProcess, PrefersEbgpOverIbgp) {
  Routes r;
  r.add(0, with_path({65001}));
  r.add(1, with_path({65002})).ebgp = true;
  EXPECT_EQ(r.best(), (Decision{1, Rule::EbgpOverIbgp}));
}

TEST(DecisionProcess, PrefersShorterClusterList) {
  Routes r;
  PathAttributes twice;
  twice.cluster_list = {0xF4000001, 0xF4000002};
  PathAttributes once;
  once.cluster_list = {0xF4000001};
  r.add(0, twice);
  r.add(1, once);
  EXPECT_EQ(r.best(), (Decision{1, Rule::ShortestClusterList}));
}

TEST(DecisionProcess, PrefersLowerRouterId) {
  Routes r;
  r.add(0).peer_router_id = 0x7F000016;
  r.add(1).peer_router_id = 0x7F000015;
  EXPECT_EQ(r.best(), (Decision{1, Rule::LowestRouterId}));
}

TEST(DecisionProcess, UsesOriginatorIdInPlaceOfTheRouterId) {
  Routes r;
  PathAttributes reflected;
  reflected.originator_id = 0x7F000020;  // higher than peer 1's router id
  r.add(0, reflected).peer_router_id = 0x7F000001;
  r.add(1).peer_router_id = 0x7F000010;
  EXPECT_EQ(r.best(), (Decision{1, Rule::LowestRouterId}));
}

TEST(DecisionProcess, PrefersLowerPeerAddressLast) {
  Routes r;
  PathAttributes same;
  same.originator_id = 0x7F000020;
  Candidate& a = r.add(0, same);
  a.peer_address = ip("127.0.0.22");
  Candidate& b = r.add(1, same);
  b.peer_address = ip("127.0.0.21");
  EXPECT_EQ(r.best(), (Decision{1, Rule::LowestPeerAddress}));
}

TEST(DecisionProcess, ReportsTheRuleThatRemovedTheLastCompetitor) {
  Routes r;
  PathAttributes low;
  low.local_pref = 50;
  r.add(0, low);
  r.add(1, with_path({65001, 65002}));
  r.add(2, with_path({65001}));
  EXPECT_EQ(r.best(), (Decision{2, Rule::ShortestAsPath}));
}

// Three routes on which pairwise comparison with MED between same-AS routes is cyclic: A beats B on
// router id, C beats A on MED, B beats C on router id. Elimination (RFC 4271 §9.1.2.2 c) removes A first,
// then B wins on router id, whatever the order.
TEST(DecisionProcess, MedEliminationDoesNotDependOnInputOrder) {
  Routes r;
  PathAttributes a = with_path({100});
  a.med = 20;
  PathAttributes b = with_path({200});
  b.med = 10;
  PathAttributes c = with_path({100});
  c.med = 10;
  r.add(0, a).peer_router_id = 1;
  r.add(1, b).peer_router_id = 2;
  r.add(2, c).peer_router_id = 3;
  for (Candidate& x : r.list()) x.ebgp = true;
  std::vector<Candidate> v = r.list();
  std::sort(v.begin(), v.end(), [](const Candidate& x, const Candidate& y) { return x.peer < y.peer; });
  int permutations = 0;
  do {
    const Decision d = select_best(v);
    EXPECT_EQ(v[d.winner].peer, 1U);
    EXPECT_EQ(d.rule, Rule::LowestRouterId);
    ++permutations;
  } while (std::next_permutation(v.begin(), v.end(),
                                 [](const Candidate& x, const Candidate& y) { return x.peer < y.peer; }));
  EXPECT_EQ(permutations, 6);
}

TEST(DecisionProcess, WinnerIsTheSameForEveryPermutation) {
  Routes r;
  PathAttributes lp = with_path({65001});
  lp.local_pref = 100;
  PathAttributes med5 = with_path({65001});
  med5.med = 5;
  PathAttributes med7 = with_path({65002});
  med7.med = 7;
  PathAttributes reflected = with_path({65002});
  reflected.cluster_list = {1};
  PathAttributes egp = with_path({65003});
  egp.origin = Origin::Egp;
  r.add(0, lp).peer_router_id = 9;
  r.add(1, med5).peer_router_id = 8;
  r.add(2, med7).peer_router_id = 7;
  r.add(3, reflected).peer_router_id = 1;
  r.add(4, egp).peer_router_id = 2;
  r.add(5, with_path({65001})).peer_router_id = 6;
  const auto by_peer = [](const Candidate& x, const Candidate& y) { return x.peer < y.peer; };
  std::vector<Candidate> v = r.list();
  const PeerIndex expected = v[select_best(v).winner].peer;
  const Rule expected_rule = select_best(v).rule;
  int permutations = 0;
  do {
    const Decision d = select_best(v);
    ASSERT_EQ(v[d.winner].peer, expected);
    ASSERT_EQ(d.rule, expected_rule);
    ++permutations;
  } while (std::next_permutation(v.begin(), v.end(), by_peer));
  EXPECT_EQ(permutations, 720);
  // 4 goes on ORIGIN; in AS 65001 route 1 (MED 5) loses to 0 and 5 (no MED: 0); in AS 65002 route 2
  // (MED 7) loses to 3; 3 goes on CLUSTER_LIST; 5 (router id 6) beats 0 (router id 9).
  EXPECT_EQ(expected, 5U);
  EXPECT_EQ(expected_rule, Rule::LowestRouterId);
}

TEST(DecisionProcess, HandlesManyCandidates) {
  Routes r;
  for (PeerIndex p = 0; p < 200; ++p) {
    PathAttributes a = with_path({65000 + p % 3});
    a.med = 1000 - p;
    r.add(p, a).peer_router_id = 500 - p;
  }
  // Per neighbour AS the lowest MED is the highest peer index of that class: 199 (AS 65001), 198 (65000),
  // 197 (65002); the lowest router id among them is peer 199's.
  EXPECT_EQ(r.winner(), 199U);
  EXPECT_EQ(r.best().rule, Rule::LowestRouterId);
}

// select_best decides a pair rule by rule; three candidates go through the elimination. A third,
// non-local candidate beside two local ones drops out on the first rule, leaving the elimination to
// decide the same pair: both paths must agree on the winner and the rule for every kind of pair.
TEST(DecisionProcess, DecidesAPairAsTheEliminationDecidesIt) {
  std::uint64_t state = 12345;
  const auto next = [&state](std::uint64_t bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % bound;
  };
  const auto random_attrs = [&next]() {
    PathAttributes a;
    if (next(2) != 0U) a.local_pref = static_cast<std::uint32_t>(99 + next(3));
    for (std::uint64_t i = next(3); i > 0; --i) a.as_path.push_back(static_cast<AsNumber>(65000 + next(2)));
    a.origin = static_cast<Origin>(next(3));
    if (next(2) != 0U) a.med = static_cast<std::uint32_t>(next(3));
    for (std::uint64_t i = next(3); i > 0; --i) a.cluster_list.push_back(1);
    if (next(2) != 0U) a.originator_id = static_cast<std::uint32_t>(1 + next(3));
    return a;
  };
  std::set<Rule> rules_seen;
  for (int round = 0; round < 5000; ++round) {
    Routes r;
    for (PeerIndex p = 0; p < 2; ++p) {
      Candidate& c = r.add(p, random_attrs());
      c.local = true;
      c.ebgp = next(2) != 0U;
      c.peer_router_id = static_cast<std::uint32_t>(1 + next(3));
      c.peer_as = static_cast<AsNumber>(65000 + next(2));
      c.peer_address = IpAddr::v4(0x0A000001U + static_cast<std::uint32_t>(next(2)));
    }
    const Decision pair = r.best();
    r.add(2, {});  // not local: out on the first rule
    const Decision three = r.best();
    ASSERT_EQ(pair, three) << "round " << round;
    rules_seen.insert(pair.rule);
  }
  // Every rule after "locally originated" decided some pair.
  EXPECT_EQ(rules_seen.size(), decision_rules().size() - 1);
}

}  // namespace
}  // namespace peerlab::bgp
