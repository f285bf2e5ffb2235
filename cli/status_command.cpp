// `calicoctl node status`: simulate the datastore's cluster and print one node's sessions.
#include <ostream>

#include "topology/ctl.hpp"

namespace peerlab::cli {

int run_node_status(const CtlCommand&, const Topology&, std::ostream&, std::ostream& err) {
  err << "Failed to execute command: node status needs the simulator, which is not built yet\n";
  return 1;
}

}  // namespace peerlab::cli
