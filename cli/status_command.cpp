// `calicoctl node status` (and `calicoctl status`): simulate the datastore's cluster to
// convergence and print one node's sessions as calico/node reports them. The node is the one
// named by --hostname/--node, else $PEERLAB_NODE — calicoctl runs "on the node".
#include <cstdlib>
#include <ostream>

#include "reports/sim_reports.hpp"
#include "sim/network.hpp"
#include "topology/ctl.hpp"
#include "topology/limits.hpp"
#include "topology/peerings.hpp"
#include "topology/validate.hpp"

namespace peerlab::cli {

int run_node_status(const CtlCommand& cmd, const Topology& model, std::ostream& out, std::ostream& err) {
  std::string node = cmd.node.value_or("");
  if (node.empty())
    if (const char* env = std::getenv("PEERLAB_NODE")) node = env;
  if (node.empty()) {
    err << "Failed to execute command: which node? calicoctl node status runs on a node: give --hostname=<NODE> "
           "or set PEERLAB_NODE\n";
    return 1;
  }
  const Node* n = model.find_node(node);
  if (!n) {
    err << "Failed to execute command: node '" << node << "' is not in the datastore\n";
    return 1;
  }
  if (!n->has_bgp || (!n->ipv4_address && !n->ipv6_address)) {
    out << "Calico process is running.\n\nNone of the BGP backend processes (BIRD or GoBGP) are running.\n";
    return 0;
  }
  Diagnostics diags;
  validate(model, ValidationMode::Strict, diags);
  if (!diags.has_errors()) check_simulation_size(model, 1, InputLimits{}, "datastore", diags);
  if (diags.has_errors()) {
    err << diags.to_string() << "Failed to execute command: the datastore's cluster cannot be simulated\n";
    return 1;
  }
  sim::Network net(model, derive_speakers(model));
  net.run();
  out << reports::node_status(net, *net.find_speaker(node));
  return 0;
}

}  // namespace peerlab::cli
