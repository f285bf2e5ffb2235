// `peerlab demo`: the README's main job. It runs the flagship scenario — the source document's
// cluster (examples/doc-cluster.yaml) migrated from the node-to-node mesh to a route reflector in
// the order the document gives (scenarios/library/mesh-to-route-reflectors.yaml) — from files
// compiled into the binary, prints its report and writes the HTML report. `--walkthrough` replays
// the document's calicoctl commands instead, printing each command and its output as a terminal
// session would show them.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>

namespace peerlab::cli {

extern const char* const kEmbeddedCluster;

// A file compiled into the binary, by its path in the source tree.
struct EmbeddedFile {
  const char* path;
  const char* text;
};
extern const EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

struct DemoOptions {
  bool walkthrough = false;
  std::string datastore;  // walkthrough: empty = a fresh temporary file, removed afterwards
  std::string html = "peerlab-report.html";  // the scenario's HTML report
};

int run_demo(const DemoOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace peerlab::cli
