// `peerlab demo`: the README's main job. It replays the source document's calicoctl commands on the
// embedded cluster (examples/doc-cluster.yaml), printing each command and its output as a terminal
// session would show them.
#pragma once

#include <iosfwd>
#include <string>

namespace peerlab::cli {

extern const char* const kEmbeddedCluster;

struct DemoOptions {
  std::string datastore;  // empty: a fresh temporary file, removed afterwards
};

int run_demo(const DemoOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace peerlab::cli
