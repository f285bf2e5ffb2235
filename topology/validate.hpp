// Validation of a whole topology: the rules that need more than one field or more than one
// resource (style.md practice 9, third layer). It collects every problem. In `Calicoctl` mode only
// what calicoctl itself refuses is an error; what calicoctl accepts but a design review should
// question (a peer that is the node itself, two nodes with one address) is a warning, for
// `peerlab check` to report. `Strict` mode (simulate, status, …) makes those errors.
#pragma once

#include "topology/diagnostics.hpp"
#include "topology/model.hpp"

namespace peerlab {

enum class ValidationMode { Strict, Calicoctl };

// Checks on one pool, as calicoctl's validator does (size, mask, link-local, IPIP on IPv6).
void validate_pool(const IpPool& pool, Diagnostics& diags);

void validate(const Topology& t, ValidationMode mode, Diagnostics& diags);

}  // namespace peerlab
