// The walkthrough behind `peerlab demo` (see demo.hpp).
#include "cli/demo.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/ctl_command.hpp"
#include "cli/run_command.hpp"

namespace peerlab::cli {

namespace {

struct Step {
  const char* narration;
  const char* command;  // as typed, after "calicoctl"
  const char* file_name = nullptr;
  const char* file_text = nullptr;
};

const Step kSteps[] = {
    {"Load the bundled cluster: Node1 and Node2 on one subnet, IPv4 and IPv6, two pools.",
     "create -f doc-cluster.yaml", "doc-cluster.yaml", nullptr},
    {"Set the default node AS number.", "config set defaultNodeASNumber 64512"},
    {"View it: `config view` prints the setting's row; `config get` prints the bare value.",
     "config view defaultNodeASNumber"},
    {nullptr, "config get defaultNodeASNumber"},
    {"Turn the node-to-node mesh off, and back on.", "config set nodeToNodeMesh off"},
    {nullptr, "config set nodeToNodeMesh on"},
    {nullptr, "config view nodeToNodeMesh"},
    {"Add a global BGP peer: a border router that is not there yet.", "create -f global-peer.yaml",
     "global-peer.yaml",
     "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: global\n  peerIP: 10.20.30.40\nspec:\n  asNumber: "
     "64567\n"},
    {"Creating it twice is an error, as in calicoctl.", "create -f global-peer.yaml"},
    {nullptr, "get bgpPeer --scope=global"},
    {"Add a node-specific peer for Node1 (a ToR that is not there yet either).", "create -f node-peer.yaml",
     "node-peer.yaml",
     "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: node\n  hostname: Node1\n  peerIP: 192.10.0.0\n"
     "spec:\n  asNumber: 64514\n"},
    {nullptr, "get bgpPeer --scope=node"},
    {"Check the status of Node1's BGP peers: peerlab simulates the cluster in the datastore (BIRD's timers,\n"
     "# one-way mesh, IPv4 and IPv6) and prints what calico/node would report. The mesh sessions are up;\n"
     "# the two peers that nobody answers for stay in start/Connect.",
     "node status --hostname=Node1"},
    {"Remove both peers again.", "delete bgpPeer 10.20.30.40 --scope=global"},
    {nullptr, "delete bgpPeer 192.10.0.0 --scope=node --hostname=Node1"},
    {nullptr, "get bgpPeer"},
};

}  // namespace

namespace {

int run_walkthrough(const DemoOptions& opts, std::ostream& out, std::ostream& err) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("peerlab-demo-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string store = opts.datastore.empty() ? (dir / "datastore.yaml").string() : opts.datastore;
  if (opts.datastore.empty()) fs::remove(store);
  out << "peerlab demo: the calicoctl BGP configuration walkthrough, against the file datastore " << store
      << "\n";
  int failures = 0;
  for (const auto& step : kSteps) {
    if (step.file_name) {
      std::ofstream f(dir / step.file_name);
      f << (step.file_text ? step.file_text : kEmbeddedCluster);
    }
    if (step.narration) out << "\n# " << step.narration << "\n";
    out << "$ calicoctl " << step.command << "\n";
    std::vector<std::string> args;
    std::istringstream words(step.command);
    // File arguments name files in the walkthrough's own directory.
    for (std::string w; words >> w;) args.push_back(w.ends_with(".yaml") ? (dir / w).string() : w);
    args.push_back("--datastore=" + store);
    std::ostringstream o, e;
    int rc = run_ctl(args, o, e);
    out << o.str() << e.str();
    // The second create of the same peer is expected to fail; anything else failing is a bug.
    bool expected_failure =
        std::string(step.narration ? step.narration : "").find("twice") != std::string::npos;
    if ((rc != 0) != expected_failure) {
      err << "demo step failed unexpectedly: calicoctl " << step.command << "\n";
      ++failures;
    }
  }
  out << "\nThe datastore now holds:\n";
  std::ifstream in(store);
  out << in.rdbuf();
  fs::remove_all(dir);
  return failures == 0 ? 0 : 1;
}

}  // namespace

int run_demo(const DemoOptions& opts, std::ostream& out, std::ostream& err) {
  if (opts.walkthrough) return run_walkthrough(opts, out, err);
  const std::string flagship = "scenarios/library/mesh-to-route-reflectors.yaml";
  scenarios::FileReader embedded = [](const std::string& path) -> std::optional<std::string> {
    for (std::size_t i = 0; i < kEmbeddedFileCount; ++i)
      if (path == kEmbeddedFiles[i].path) return std::string(kEmbeddedFiles[i].text);
    return std::nullopt;
  };
  out << "peerlab demo: the flagship scenario, " << flagship << " (built in).\n"
      << "The document's cluster moves from the node-to-node mesh to a route reflector, peers first and\n"
      << "the mesh off last, and peerlab checks that no workload loses its route at any moment.\n\n";
  RunArgs args;
  args.files = {flagship};
  args.html = opts.html;
  int rc = run_scenarios(args, embedded, out, err, false);
  if (!opts.html.empty() && rc != 2)
    out << "\nThe HTML report is at " << std::filesystem::absolute(opts.html).string()
        << "\n(other scenarios: peerlab run scenarios/library/*.yaml; the calicoctl walkthrough of the "
           "document: peerlab demo --walkthrough)\n";
  return rc;
}

}  // namespace peerlab::cli
