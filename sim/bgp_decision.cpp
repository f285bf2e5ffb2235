#include "sim/bgp_decision.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <vector>

namespace peerlab::bgp {

namespace {

// Three-way comparison, lower is better.
template <class T>
int lower_better(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int cmp_local(const Candidate& a, const Candidate& b) {
  return lower_better(!a.local, !b.local);
}

int cmp_local_pref(const Candidate& a, const Candidate& b) {
  // higher is better
  return lower_better(b.attrs->local_pref.value_or(kDefaultLocalPref),
                      a.attrs->local_pref.value_or(kDefaultLocalPref));
}

int cmp_as_path(const Candidate& a, const Candidate& b) {
  return lower_better(a.attrs->as_path.size(), b.attrs->as_path.size());
}

int cmp_origin(const Candidate& a, const Candidate& b) {
  return lower_better(static_cast<int>(a.attrs->origin), static_cast<int>(b.attrs->origin));
}

int cmp_med(const Candidate& a, const Candidate& b) {
  return lower_better(a.attrs->med.value_or(0), b.attrs->med.value_or(0));
}

std::uint64_t neighbor_as_group(const Candidate& c) {
  return neighbor_as(c);
}

int cmp_ebgp(const Candidate& a, const Candidate& b) {
  return lower_better(!a.ebgp, !b.ebgp);
}

int cmp_cluster_list(const Candidate& a, const Candidate& b) {
  return lower_better(a.attrs->cluster_list.size(), b.attrs->cluster_list.size());
}

std::uint32_t effective_router_id(const Candidate& c) {
  return c.attrs->originator_id.value_or(c.peer_router_id);
}

int cmp_router_id(const Candidate& a, const Candidate& b) {
  return lower_better(effective_router_id(a), effective_router_id(b));
}

int cmp_peer_address(const Candidate& a, const Candidate& b) {
  if (int c = lower_better(a.peer_address, b.peer_address)) return c;
  return lower_better(a.peer, b.peer);
}

constexpr std::array<DecisionRule, 9> kRules{{
    {Rule::LocallyOriginated, "locally originated",
     "a route the speaker originates itself (BIRD static, preference 200) beats any BGP route (preference "
     "100)",
     cmp_local, nullptr},
    {Rule::HighestLocalPref, "highest LOCAL_PREF",
     "the highest LOCAL_PREF wins; a route without one counts as 100", cmp_local_pref, nullptr},
    {Rule::ShortestAsPath, "shortest AS_PATH", "the route whose AS_PATH crosses the fewest ASes wins",
     cmp_as_path, nullptr},
    {Rule::LowestOrigin, "lowest ORIGIN", "ORIGIN IGP beats EGP, which beats INCOMPLETE", cmp_origin,
     nullptr},
    {Rule::LowestMed, "lowest MED",
     "between routes from the same neighbouring AS, the lowest MULTI_EXIT_DISC wins; a route without one "
     "counts as 0",
     cmp_med, neighbor_as_group},
    {Rule::EbgpOverIbgp, "eBGP over iBGP", "a route learnt over eBGP beats one learnt over iBGP", cmp_ebgp,
     nullptr},
    {Rule::ShortestClusterList, "shortest CLUSTER_LIST",
     "the route reflected through the fewest route-reflector clusters wins", cmp_cluster_list, nullptr},
    {Rule::LowestRouterId, "lowest router id",
     "the lowest ORIGINATOR_ID, or BGP identifier of the peer when there is none, wins", cmp_router_id,
     nullptr},
    {Rule::LowestPeerAddress, "lowest peer address", "the route from the peer with the lowest address wins",
     cmp_peer_address, nullptr},
}};

// Removes from alive[0..n) the candidates `rule` finds worse than another; returns the new count.
std::size_t eliminate(const DecisionRule& rule, std::span<const Candidate> c, std::uint32_t* alive,
                      std::size_t n) {
  std::size_t kept = 0;
  if (rule.group == nullptr) {
    std::uint32_t best = alive[0];
    for (std::size_t i = 1; i < n; ++i) {
      if (rule.compare(c[alive[i]], c[best]) < 0) best = alive[i];
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (rule.compare(c[alive[i]], c[best]) == 0) alive[kept++] = alive[i];
    }
    return kept;
  }
  // Grouped rule (MED): within each group keep the candidates equal to the group's best. Sorting by
  // (group, rule) puts each group's best first; the tie-break on the index keeps the sort deterministic.
  std::sort(alive, alive + n, [&](std::uint32_t x, std::uint32_t y) {
    const std::uint64_t gx = rule.group(c[x]);
    const std::uint64_t gy = rule.group(c[y]);
    if (gx != gy) return gx < gy;
    if (int r = rule.compare(c[x], c[y])) return r < 0;
    return x < y;
  });
  for (std::size_t i = 0; i < n;) {
    const std::uint32_t head = alive[i];
    const std::uint64_t g = rule.group(c[head]);
    std::size_t j = i;
    for (; j < n && rule.group(c[alive[j]]) == g; ++j) {
      if (rule.compare(c[alive[j]], c[head]) == 0) alive[kept++] = alive[j];
    }
    i = j;
  }
  return kept;
}

// Two candidates, the common case (a reflector client hears each route from two reflectors; a
// mesh node from the originator alone, until a fault). The elimination then reduces to comparing
// the pair rule by rule: the first rule that finds one worse removes it, a grouped rule compares
// only within its group (two routes from different neighbouring ASes both survive MED). Same
// answer, without the index array, the MED sort and the second pass per rule.
Decision select_of_two(const Candidate& a, const Candidate& b) {
  for (const DecisionRule& rule : kRules) {
    if (rule.group != nullptr && rule.group(a) != rule.group(b)) continue;
    if (const int c = rule.compare(a, b)) return {c < 0 ? std::size_t{0} : std::size_t{1}, rule.rule};
  }
  // Only identical peers can tie on every rule; the input must not hold two routes from one peer.
  return {0, Rule::LowestPeerAddress};
}

}  // namespace

AsNumber neighbor_as(const Candidate& c) {
  return c.attrs->as_path.empty() ? c.peer_as : c.attrs->as_path.front();
}

std::span<const DecisionRule> decision_rules() {
  return kRules;
}

std::string_view to_string(Rule r) {
  if (r == Rule::OnlyCandidate) return "only candidate";
  for (const DecisionRule& d : kRules) {
    if (d.rule == r) return d.name;
  }
  return "?";
}

std::string_view describe(Rule r) {
  if (r == Rule::OnlyCandidate) return "no other route for the prefix";
  for (const DecisionRule& d : kRules) {
    if (d.rule == r) return d.description;
  }
  return "?";
}

Decision select_best(std::span<const Candidate> candidates) {
  assert(!candidates.empty());
  const std::size_t n = candidates.size();
  if (n == 1) return {0, Rule::OnlyCandidate};
  if (n == 2) return select_of_two(candidates[0], candidates[1]);

  std::uint32_t small[16];
  std::vector<std::uint32_t> large;
  std::uint32_t* alive = small;
  if (n > 16) {
    large.resize(n);
    alive = large.data();
  }
  for (std::size_t i = 0; i < n; ++i) alive[i] = static_cast<std::uint32_t>(i);

  std::size_t count = n;
  for (const DecisionRule& rule : kRules) {
    count = eliminate(rule, candidates, alive, count);
    if (count == 1) return {alive[0], rule.rule};
  }
  // Only identical peers can tie on every rule; the input must not hold two routes from one peer.
  assert(count >= 1);
  return {alive[0], Rule::LowestPeerAddress};
}

}  // namespace peerlab::bgp
