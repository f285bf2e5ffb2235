// Static design lint: what a reviewer of a Calico BGP design should hear before anything runs.
//
// `lint` reads the model (topology/model.hpp) and the peerings calico/node would render from it
// (topology/peerings.hpp, `derive_speakers`), and reports design problems as findings with stable
// L codes. It does not repeat what validation already rejects or warns about (E2xx/E3xx/W3xx of
// topology/validate.hpp: bad values, duplicate keys, shared addresses, a node-scope peer that is
// the node itself); those come first, and lint assumes a model that passed them.
//
// The checks, by family (docs/findings.md explains each with an example):
//   L10x  peerings:     one-sided peering, AS mismatch, duplicate session, peer that is the node
//                       itself, peer outside the model, selector that selects nothing, both sides
//                       passive;
//   L11x  propagation:  node without a session, iBGP without full mesh or reflection, a single
//                       route reflector, a reflector in the mesh, reflectors sharing a cluster id
//                       with different clients, a reflector with too many clients;
//   L12x  mesh:         mesh beyond `mesh_limit` nodes, mesh across L2 segments without IPIP;
//   L13x  AS numbers:   an AS split so that loop detection drops routes, reserved, documentation
//                       and public AS numbers, 2-byte private AS exhaustion;
//   L14x  identity:     duplicate BGP identifiers.
//
// RFC 4271 §9.1.2 (AS_PATH loop detection), RFC 4456 (route reflection, CLUSTER_LIST), RFC 6286
// (BGP identifier), RFC 6793 (AS_TRANS), RFC 5398 (documentation ASNs), RFC 6996 (private ASNs),
// RFC 7300 (last ASNs), RFC 7607 (AS 0). Where calico/node's BIRD differs from the RFC (per-session
// `rr cluster id`), the finding says so (bird-behaviour.md (b)).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "topology/model.hpp"
#include "validators/finding.hpp"

namespace peerlab::validators {

struct LintOptions {
  std::size_t mesh_limit = 100;               // Calico docs: full mesh for "100 nodes or less"
  std::size_t reflector_client_limit = 1000;  // clients one route reflector should serve
};

// Every finding of every check, sorted by `sort_findings`. Deterministic: the same model gives
// the same findings in the same order.
std::vector<Finding> lint(const Topology& t, const LintOptions& opts = {});

// The catalogue: one entry per L code, in code order (docs/findings.md mirrors it).
struct LintRule {
  std::string code, title;
  FindingSeverity severity;
  std::string explanation, fix;
};
const std::vector<LintRule>& lint_rules();

}  // namespace peerlab::validators
