// The BGP decision process (RFC 4271 §9.1.2.2, RFC 4456 §9) as an ordered table of named rules
// (C-BGP DP_RULES, OpenBGPD rde_decide.c), in BIRD's order (bgp_rte_better):
//
//   0. locally originated     a route the speaker originates (BIRD: static, preference 200) beats any
//                              BGP route (preference 100)
//   1. highest LOCAL_PREF     absent = 100 (BIRD `default bgp_local_pref`)
//   2. shortest AS_PATH       RFC 4271 §9.1.2.2 a
//   3. lowest ORIGIN          IGP < EGP < INCOMPLETE (§9.1.2.2 b)
//   4. lowest MED             only between routes from the same neighbouring AS (§9.1.2.2 c; BIRD
//                              `med metric off`); absent = 0. The neighbouring AS is the leftmost AS of
//                              the path, or the peer's AS when the path is empty (BIRD bgp_get_neighbor)
//   5. eBGP over iBGP         §9.1.2.2 d
//   6. shortest CLUSTER_LIST  RFC 4456 §9 b
//   7. lowest router id       §9.1.2.2 f, with ORIGINATOR_ID in place of the peer's BGP identifier when
//                              present (RFC 4456 §9 a)
//   8. lowest peer address    §9.1.2.2 g; then the lowest peer index, so the order is total
//
// `select_best` runs the rules as the RFC's elimination: each rule removes the candidates it finds worse
// and the rule that removes the last competitor decided. Every rule is a function of the set, so the
// winner does not depend on the order of the input (unlike BIRD's pairwise comparison, whose MED step is
// not transitive; BIRD `deterministic med` gives the same answer as ours).
//
// RFC says / we do: step e (lowest interior cost to the NEXT_HOP) is skipped; the simulator has no IGP
// metric (BIRD compares it only with `igp metric` and recursive next hops; every next hop costs the
// same here). RFC 5004 "prefer older" and AIGP are off, as in BIRD's defaults.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "sim/bgp_attrs.hpp"
#include "topology/ip.hpp"
#include "topology/speaker_config.hpp"

namespace peerlab::bgp {

// Index of a neighbour within one speaker (its position in the speaker's neighbour list).
using PeerIndex = std::uint32_t;
inline constexpr PeerIndex kNoPeer = 0xFFFFFFFFU;
inline constexpr PeerIndex kLocalPeer = 0xFFFFFFFEU;  // routes the speaker originates itself

// One route competing for a prefix, with the facts about the peer it came from.
struct Candidate {
  const PathAttributes* attrs = nullptr;
  PeerIndex peer = kNoPeer;
  IpAddr peer_address;
  std::uint32_t peer_router_id = 0;  // BGP identifier from the peer's OPEN
  AsNumber peer_as = 0;              // neighbouring AS when the AS_PATH is empty
  bool local = false;                // originated by this speaker
  bool ebgp = false;                 // learnt over an eBGP session
};

enum class Rule : std::uint8_t {
  OnlyCandidate,
  LocallyOriginated,
  HighestLocalPref,
  ShortestAsPath,
  LowestOrigin,
  LowestMed,
  EbgpOverIbgp,
  ShortestClusterList,
  LowestRouterId,
  LowestPeerAddress,
};

struct DecisionRule {
  Rule rule;
  std::string_view name;         // "shortest AS_PATH": reports print "best because: shortest AS_PATH"
  std::string_view description;  // one sentence
  // < 0 when `a` is better than `b`, > 0 when worse, 0 when this rule cannot tell them apart.
  int (*compare)(const Candidate& a, const Candidate& b);
  // nullptr: all candidates compete; else the rule only compares candidates with the same group key
  // (MED: the neighbouring AS).
  std::uint64_t (*group)(const Candidate& c);
};

// The rules in the order they apply (not including OnlyCandidate).
std::span<const DecisionRule> decision_rules();
std::string_view to_string(Rule r);  // the rule's name; "only candidate" for OnlyCandidate
std::string_view describe(Rule r);   // the rule's description

struct Decision {
  std::size_t winner = 0;  // index into the candidates
  Rule rule = Rule::OnlyCandidate;
  bool operator==(const Decision&) const = default;
};

// The best of `candidates` (must not be empty) and the rule that decided.
Decision select_best(std::span<const Candidate> candidates);

// The neighbouring AS used by the MED rule.
AsNumber neighbor_as(const Candidate& c);

}  // namespace peerlab::bgp
