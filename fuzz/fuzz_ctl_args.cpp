// Fuzz target: the calicoctl command-line parser and the commands it yields. The first line of
// the input is a command line (split as parse_ctl_line does for scenario steps); the rest, when
// the command takes -f, is the content of that file. A command that parses is executed on a
// small in-memory model (two nodes, a peer, a pool), as `calicoctl` would on the datastore.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "topology/ctl.hpp"
#include "topology/resources.hpp"

namespace {

constexpr std::string_view kModel = R"(apiVersion: v1
kind: node
metadata:
  name: Node1
spec:
  bgp:
    asNumber: 64513
    ipv4Address: 172.17.42.20/24
    ipv6Address: aa:bb::fe/64
---
apiVersion: v1
kind: node
metadata:
  name: Node2
spec:
  bgp:
    ipv4Address: 172.17.42.21/24
---
apiVersion: v1
kind: bgpPeer
metadata:
  scope: global
  peerIP: 192.20.30.40
spec:
  asNumber: 64567
---
apiVersion: v1
kind: ipPool
metadata:
  cidr: 192.168.0.0/16
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace peerlab;
  std::string_view all(reinterpret_cast<const char*>(data), size);
  auto nl = all.find('\n');
  std::string line(all.substr(0, nl));
  std::string_view file = nl == std::string_view::npos ? std::string_view{} : all.substr(nl + 1);
  auto parsed = parse_ctl_line(line);
  auto* cmd = std::get_if<CtlCommand>(&parsed);
  if (!cmd) return 0;
  static const ParsedFile model_file = parse_resources(kModel, "model.yaml");
  Topology model;
  Diagnostics d;
  add_resources(model, model_file.resources, d);
  ParsedFile input = parse_resources(file, cmd->filename.empty() ? "-" : cmd->filename);
  auto result = execute(*cmd, model, cmd->filename.empty() ? nullptr : &input);
  (void)result.diagnostics.to_string();
  if (result.modified) {
    canonical_sort(model);
    (void)save_topology(model, cmd->dialect());
  }
  return 0;
}
