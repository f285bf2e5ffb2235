// Tests of topology/ctl.hpp: calicoctl command lines parsed into commands (every form of the source
// document, "BGP Configuration", and every usage error), and commands executed on an in-memory
// model with calicoctl's semantics (create/apply/replace/delete, skip flags, partial success, get
// filtering, config set/unset/view/get) and its exact error texts.
#include "topology/ctl.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace peerlab {
namespace {

using Args = std::vector<std::string>;

CtlCommand parse_ok(const Args& args) {
  auto r = parse_ctl_args(args);
  if (auto* e = std::get_if<CtlUsageError>(&r)) {
    ADD_FAILURE() << "usage error: " << e->message << "\n  " << e->detail;
    return {};
  }
  return std::get<CtlCommand>(r);
}

CtlUsageError usage_error(const Args& args) {
  auto r = parse_ctl_args(args);
  if (!std::holds_alternative<CtlUsageError>(r)) {
    ADD_FAILURE() << "no usage error";
    return {};
  }
  return std::get<CtlUsageError>(r);
}

std::string invalid_option(const std::string& joined) {
  return "Invalid option: 'calicoctl " + joined + "'. Use flag '--help' to read about a specific subcommand.";
}

CtlCommand line_ok(const std::string& line) {
  auto r = parse_ctl_line(line);
  if (auto* e = std::get_if<CtlUsageError>(&r)) {
    ADD_FAILURE() << "usage error: " << e->message << "\n  " << e->detail;
    return {};
  }
  return std::get<CtlCommand>(r);
}

// Parses `args` and executes them on `model`; `file` is the content of --filename, if any.
CtlResult run(Topology& model, const Args& args, std::string_view file = "") {
  CtlCommand c = parse_ok(args);
  ParsedFile input = parse_resources(file, c.filename);
  return execute(c, model, c.filename.empty() ? nullptr : &input);
}

Topology load(std::string_view text) {
  auto f = parse_resources(text, "model.yaml");
  EXPECT_FALSE(f.diagnostics.has_errors()) << f.diagnostics.to_string();
  Topology t;
  Diagnostics d;
  add_resources(t, f.resources, d);
  EXPECT_FALSE(d.has_errors()) << d.to_string();
  return t;
}

// What a result lists, as calicoctl's key text.
std::vector<std::string> ids(const std::vector<Resource>& resources, V1Dialect dialect = V1Dialect::Alpha) {
  std::vector<std::string> out;
  for (const auto& r : resources) out.push_back(resource_id(r, dialect));
  return out;
}

std::vector<std::string> peer_ids(const Topology& t) {
  std::vector<std::string> out;
  for (const auto& p : t.peers) out.push_back(resource_id(p, V1Dialect::Alpha));
  return out;
}

const char* kGlobalPeer = R"y(apiVersion: v1
kind: bgpPeer
metadata:
  scope: global
  peerIP: 192.20.30.40
spec:
  asNumber: 64567
)y";

const char* kNodePeer = R"y(apiVersion: v1
kind: bgpPeer
metadata:
  scope: node
  hostname: Node1
  peerIP: aa:bb::ff
spec:
  asNumber: 64514
)y";

// tests/golden/ctl/resources.transcript's files.
const char* kPeers = R"y(- apiVersion: v1
  kind: bgpPeer
  metadata:
    scope: global
    peerIP: 192.20.30.40
  spec:
    asNumber: 64567
- apiVersion: v1
  kind: bgpPeer
  metadata:
    scope: node
    node: Node1
    peerIP: 10.0.0.254
  spec:
    asNumber: 64512
)y";

const char* kOne = R"y(apiVersion: v1
kind: bgpPeer
metadata:
  scope: global
  peerIP: 192.20.30.40
spec:
  asNumber: 65000
)y";

const char* kMixed = R"y(apiVersion: v1
kind: node
metadata:
  name: node-a
spec:
  bgp:
    ipv4Address: 10.0.0.1/24
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
  cidr: 10.244.0.0/16
)y";

// tests/golden/ctl/get.transcript's cluster.
const char* kCluster = R"y(apiVersion: v1
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
  scope: node
  hostname: Node2
  peerIP: 172.17.42.1
spec:
  asNumber: 64514
---
apiVersion: v1
kind: bgpPeer
metadata:
  scope: node
  hostname: Node1
  peerIP: aa:bb::ff
spec:
  asNumber: 64514
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
spec:
  nat-outgoing: true
)y";

// ---- parse_ctl_args: the document's commands ---------------------------------------------------

TEST(ParseCtlArgs, ReadsConfigSetDefaultNodeAsNumber) {
  auto c = parse_ok({"config", "set", "defaultNodeASNumber", "64512"});
  EXPECT_EQ(c.verb, CtlVerb::ConfigSet);
  EXPECT_EQ(c.config_name, "defaultNodeASNumber");
  EXPECT_EQ(c.config_value, "64512");
  EXPECT_EQ(c.scope, std::nullopt);
  EXPECT_EQ(c.node, std::nullopt);
}

TEST(ParseCtlArgs, ReadsConfigViewWithAndWithoutAName) {
  auto c = parse_ok({"config", "view", "defaultNodeASNumber"});
  EXPECT_EQ(c.verb, CtlVerb::ConfigView);
  EXPECT_EQ(c.config_name, "defaultNodeASNumber");
  auto all = parse_ok({"config", "view"});
  EXPECT_EQ(all.verb, CtlVerb::ConfigView);
  EXPECT_EQ(all.config_name, "");
}

TEST(ParseCtlArgs, ReadsConfigSetNodeToNodeMeshOffAndOn) {
  for (const char* v : {"off", "on"}) {
    auto c = parse_ok({"config", "set", "nodeToNodeMesh", v});
    EXPECT_EQ(c.verb, CtlVerb::ConfigSet);
    EXPECT_EQ(c.config_name, "nodeToNodeMesh");
    EXPECT_EQ(c.config_value, v);
  }
  EXPECT_EQ(parse_ok({"config", "view", "nodeToNodeMesh"}).config_name, "nodeToNodeMesh");
}

TEST(ParseCtlArgs, ReadsCreateWithAFile) {
  auto c = parse_ok({"create", "-f", "bgppeer.yaml"});
  EXPECT_EQ(c.verb, CtlVerb::Create);
  EXPECT_EQ(c.filename, "bgppeer.yaml");
  EXPECT_FALSE(c.skip_exists);
}

TEST(ParseCtlArgs, ReadsDeleteOfAGlobalPeer) {
  auto c = parse_ok({"delete", "bgpPeer", "192.20.30.40", "--scope=global"});
  EXPECT_EQ(c.verb, CtlVerb::Delete);
  EXPECT_EQ(c.kind, "bgpPeer");
  EXPECT_EQ(c.name, "192.20.30.40");
  EXPECT_EQ(c.scope, "global");
  EXPECT_EQ(c.node, std::nullopt);
  EXPECT_EQ(c.filename, "");
}

TEST(ParseCtlArgs, ReadsGetOfGlobalPeers) {
  auto c = parse_ok({"get", "bgpPeer", "--scope=global"});
  EXPECT_EQ(c.verb, CtlVerb::Get);
  EXPECT_EQ(c.kind, "bgpPeer");
  EXPECT_EQ(c.name, "");
  EXPECT_EQ(c.scope, "global");
  EXPECT_EQ(c.output, "ps");
}

TEST(ParseCtlArgs, ReadsDeleteOfANodePeerWithTheAlphaHostnameFlag) {
  auto c = parse_ok({"delete", "bgpPeer", "aa:bb::ff", "--scope=node", "--hostname=Node1"});
  EXPECT_EQ(c.verb, CtlVerb::Delete);
  EXPECT_EQ(c.name, "aa:bb::ff");
  EXPECT_EQ(c.scope, "node");
  EXPECT_EQ(c.node, "Node1");
  EXPECT_FALSE(c.node_flag_v1);
  EXPECT_EQ(c.dialect(), V1Dialect::Alpha);
}

TEST(ParseCtlArgs, ReadsTheV1NodeFlagAndSwitchesToTheV1Dialect) {
  auto c = parse_ok({"delete", "bgpPeer", "aa:bb::ff", "--scope=node", "--node=Node1"});
  EXPECT_EQ(c.node, "Node1");
  EXPECT_TRUE(c.node_flag_v1);
  EXPECT_EQ(c.dialect(), V1Dialect::V1);
}

TEST(ParseCtlArgs, ReadsGetOfNodePeers) {
  auto c = parse_ok({"get", "bgpPeer", "--scope=node"});
  EXPECT_EQ(c.verb, CtlVerb::Get);
  EXPECT_EQ(c.scope, "node");
}

TEST(ParseCtlArgs, ReadsNodeStatusAndTheDocumentsShortStatus) {
  EXPECT_EQ(parse_ok({"node", "status"}).verb, CtlVerb::NodeStatus);
  EXPECT_EQ(parse_ok({"status"}).verb, CtlVerb::NodeStatus);
  EXPECT_EQ(parse_ok({"node", "status", "--hostname=Node1"}).node, "Node1");
}

// ---- parse_ctl_args: option forms and the other commands -------------------------------------

TEST(ParseCtlArgs, AcceptsEveryFormOfAValuedOption) {
  for (const Args& a :
       {Args{"create", "-f", "x.yaml"}, Args{"create", "-fx.yaml"}, Args{"create", "--filename=x.yaml"},
        Args{"create", "--filename", "x.yaml"}, Args{"-f", "x.yaml", "create"}}) {
    auto c = parse_ok(a);
    EXPECT_EQ(c.verb, CtlVerb::Create);
    EXPECT_EQ(c.filename, "x.yaml");
  }
  EXPECT_EQ(parse_ok({"get", "nodes", "-o", "yaml"}).output, "yaml");
  EXPECT_EQ(parse_ok({"get", "nodes", "-ojson"}).output, "json");
  EXPECT_EQ(parse_ok({"get", "nodes", "--output=wide"}).output, "wide");
}

TEST(ParseCtlArgs, ReadsStdinAsAFileNamedDash) {
  EXPECT_EQ(parse_ok({"create", "-f", "-"}).filename, "-");
}

TEST(ParseCtlArgs, ReadsApplyReplaceAndTheSkipFlags) {
  EXPECT_EQ(parse_ok({"apply", "-f", "x"}).verb, CtlVerb::Apply);
  EXPECT_EQ(parse_ok({"replace", "-f", "x"}).verb, CtlVerb::Replace);
  EXPECT_TRUE(parse_ok({"create", "-f", "x", "--skip-exists"}).skip_exists);
  EXPECT_TRUE(parse_ok({"delete", "-f", "x", "--skip-not-exists"}).skip_not_exists);
  EXPECT_TRUE(parse_ok({"delete", "-f", "x", "-s"}).skip_not_exists);
  auto d = parse_ok({"delete", "-f", "x"});
  EXPECT_EQ(d.verb, CtlVerb::Delete);
  EXPECT_EQ(d.filename, "x");
  EXPECT_EQ(d.kind, "");
}

TEST(ParseCtlArgs, ReadsConfigUnsetGetAndTheirOptions) {
  auto u = parse_ok({"config", "unset", "logLevel", "--hostname", "Node1"});
  EXPECT_EQ(u.verb, CtlVerb::ConfigUnset);
  EXPECT_EQ(u.config_name, "logLevel");
  EXPECT_EQ(u.node, "Node1");
  auto g = parse_ok({"config", "get", "ipip", "--raw=felix"});
  EXPECT_EQ(g.verb, CtlVerb::ConfigGet);
  EXPECT_EQ(g.raw, "felix");
  auto s = parse_ok({"config", "set", "logLevel", "debug", "--scope=node", "-n", "Node1", "--component=bgp"});
  EXPECT_EQ(s.scope, "node");
  EXPECT_EQ(s.node, "Node1");
  EXPECT_EQ(s.component, "bgp");
}

TEST(ParseCtlArgs, AcceptsTheGlobalOptionsWithEveryCommand) {
  auto c = parse_ok({"create", "-f", "x", "--config=c.cfg", "--datastore", "d.yaml", "-l", "debug"});
  EXPECT_EQ(c.config_file, "c.cfg");
  EXPECT_EQ(c.datastore, "d.yaml");
  EXPECT_EQ(parse_ok({"config", "view", "-c", "c.cfg", "--log-level=info"}).config_file, "c.cfg");
}

TEST(ParseCtlArgs, ReadsHelpAndVersion) {
  auto none = parse_ok({});
  EXPECT_EQ(none.verb, CtlVerb::Help);
  EXPECT_EQ(none.help_topic, "");
  auto h = parse_ok({"create", "--help"});
  EXPECT_EQ(h.verb, CtlVerb::Help);
  EXPECT_EQ(h.help_topic, "create");
  EXPECT_EQ(parse_ok({"help", "config"}).help_topic, "config");
  EXPECT_EQ(parse_ok({"-h"}).verb, CtlVerb::Help);
  EXPECT_EQ(parse_ok({"version"}).verb, CtlVerb::Version);
}

TEST(ParseCtlArgs, ReadsGetAndDeleteByFile) {
  auto g = parse_ok({"get", "-f", "cluster.yaml"});
  EXPECT_EQ(g.verb, CtlVerb::Get);
  EXPECT_EQ(g.filename, "cluster.yaml");
  EXPECT_EQ(g.kind, "");
}

// ---- parse_ctl_args: peerlab's limit and lock options ----------------------------------------

TEST(ParseCtlArgs, TakesTheInputLimitsAndTheLockTimeoutWithEveryCommand) {
  auto parsed = parse_ctl_args({"apply", "-f", "big.yaml", "--max-file-size=256MiB", "--max-depth", "200",
                                "--max-yaml-nodes=9000000", "--max-resources=2000000", "--lock-timeout=2.5"});
  ASSERT_TRUE(std::holds_alternative<CtlCommand>(parsed));
  const auto& cmd = std::get<CtlCommand>(parsed);
  EXPECT_EQ(cmd.limits.max_file_bytes, 256ull << 20);
  EXPECT_EQ(cmd.limits.max_depth, 200);
  EXPECT_EQ(cmd.limits.max_yaml_nodes, 9'000'000u);
  EXPECT_EQ(cmd.limits.max_resources, 2'000'000u);
  ASSERT_TRUE(cmd.lock_timeout.has_value());
  EXPECT_EQ(cmd.lock_timeout->count(), 2500);

  auto plain = parse_ctl_args({"get", "nodes"});
  ASSERT_TRUE(std::holds_alternative<CtlCommand>(plain));
  const auto& d = std::get<CtlCommand>(plain);
  const InputLimits defaults;
  EXPECT_EQ(d.limits.max_file_bytes, defaults.max_file_bytes);
  EXPECT_EQ(d.limits.max_resources, defaults.max_resources);
  EXPECT_FALSE(d.lock_timeout.has_value());
  for (const Args& a : {Args{"delete", "bgpPeer", "1.2.3.4", "--lock-timeout=0"},
                        Args{"config", "set", "asNumber", "64513", "--max-resources=10"},
                        Args{"node", "status", "--max-depth=3"}})
    EXPECT_TRUE(std::holds_alternative<CtlCommand>(parse_ctl_args(a))) << a[0];
}

// ---- parse_ctl_args: usage errors ------------------------------------------------------------

struct UsageCase {
  Args args;
  std::string detail;
};

TEST(ParseCtlArgs, ReportsEveryUsageErrorWithCalicoctlsMessage) {
  const std::vector<UsageCase> cases = {
      {{"frobnicate"}, "unknown command 'frobnicate'"},
      {{"create"}, "'create' needs --filename=<FILENAME> (or -f -)"},
      {{"apply"}, "'apply' needs --filename=<FILENAME> (or -f -)"},
      {{"create", "-f", "x.yaml", "--skip-not-exists"}, "option --skip-not-exists is not valid for 'create'"},
      {{"apply", "-f", "x.yaml", "--skip-exists"}, "option --skip-exists is not valid for 'apply'"},
      {{"create", "extra", "-f", "x.yaml"}, "'create' takes no arguments besides --filename"},
      {{"create", "-f"}, "option -f needs a value"},
      {{"create", "-f", "x", "--skip-exists=yes"}, "option --skip-exists takes no value"},
      {{"get", "nodes", "--bogus"}, "unknown option --bogus"},
      {{"get", "nodes", "-x"}, "unknown option -x"},
      {{"get"}, "'get' needs KIND [NAME] or --filename"},
      {{"get", "bgpPeer", "1.2.3.4", "extra"}, "'get' needs KIND [NAME] or --filename"},
      {{"delete"}, "'delete' needs KIND [NAME] or --filename"},
      {{"get", "-f", "x.yaml", "bgpPeer"}, "give either --filename or KIND [NAME], not both"},
      {{"delete", "bgpPeer", "1.2.3.4", "-o", "yaml"}, "option -o is not valid for 'delete'"},
      {{"get", "nodes", "--skip-exists"}, "option --skip-exists is not valid for 'get'"},
      {{"config"}, "'config' needs set, unset, view or get"},
      {{"config", "set"}, "'config set' needs NAME VALUE"},
      {{"config", "set", "nodeToNodeMesh"}, "'config set' needs NAME VALUE"},
      {{"config", "unset"}, "'config unset' needs NAME"},
      {{"config", "get"}, "'config get' needs NAME"},
      {{"config", "view", "a", "b"}, "'config view' takes at most one NAME"},
      {{"config", "frob"}, "unknown config command 'frob'; use set, unset, view or get"},
      {{"config", "set", "a", "b", "-f", "x"}, "option -f is not valid for 'config'"},
      {{"node"}, "'node' needs a command; peerlab supports 'node status'"},
      {{"node", "run"}, "'node run' is not supported; peerlab supports 'node status'"},
      {{"node", "status", "extra"}, "'node status' takes no arguments"},
      {{"status", "--scope=global"}, "option --scope is not valid for 'status'"},
      {{"get", "nodes", "--max-file-size=lots"},
       "--max-file-size needs a size in bytes, with an optional unit (64MiB), not 'lots'"},
      {{"get", "nodes", "--max-file-size=0"},
       "--max-file-size needs a size in bytes, with an optional unit (64MiB), not '0'"},
      {{"get", "nodes", "--max-depth=1001"}, "--max-depth needs a whole number from 1 to 1000, not '1001'"},
      {{"get", "nodes", "--max-yaml-nodes=-5"},
       "--max-yaml-nodes needs a whole number from 1 to 4294967295, not '-5'"},
      {{"get", "nodes", "--max-resources", "0"},
       "--max-resources needs a whole number from 1 to 4294967295, not '0'"},
      {{"get", "nodes", "--lock-timeout=soon"},
       "--lock-timeout needs a number of seconds from 0 to 3600 (10, 0.5), not 'soon'"},
      {{"get", "nodes", "--lock-timeout=3601"},
       "--lock-timeout needs a number of seconds from 0 to 3600 (10, 0.5), not '3601'"},
      {{"get", "nodes", "--lock-timeout=0.1234"},
       "--lock-timeout needs a number of seconds from 0 to 3600 (10, 0.5), not '0.1234'"},
  };
  for (const auto& c : cases) {
    auto e = usage_error(c.args);
    std::string joined;
    for (const auto& a : c.args) joined += (joined.empty() ? "" : " ") + a;
    EXPECT_EQ(e.message, invalid_option(joined)) << joined;
    EXPECT_EQ(e.detail, c.detail) << joined;
  }
}

TEST(ParseCtlArgs, QuotesTheCommandLineAsGivenInTheMessage) {
  auto e = usage_error({"create", "-f", "x.yaml", "--skip-not-exists"});
  EXPECT_EQ(
      e.message,
      "Invalid option: 'calicoctl create -f x.yaml --skip-not-exists'. Use flag '--help' to read about a "
      "specific subcommand.");
}

// ---- parse_ctl_line ----------------------------------------------------------------------------

TEST(ParseCtlLine, SkipsALeadingCalicoctl) {
  auto c = line_ok("calicoctl config set nodeToNodeMesh off");
  EXPECT_EQ(c.verb, CtlVerb::ConfigSet);
  EXPECT_EQ(c.config_name, "nodeToNodeMesh");
  EXPECT_EQ(c.config_value, "off");
}

TEST(ParseCtlLine, SkipsACalicoctlGivenWithAPath) {
  auto c = line_ok("bin/calicoctl create -f bgppeer.yaml");
  EXPECT_EQ(c.verb, CtlVerb::Create);
  EXPECT_EQ(c.filename, "bgppeer.yaml");
  EXPECT_EQ(line_ok("/usr/local/bin/calicoctl get nodes").kind, "nodes");
}

TEST(ParseCtlLine, SkipsALeadingPeerlabCtl) {
  auto c = line_ok("peerlab ctl get bgpPeer --scope=global");
  EXPECT_EQ(c.verb, CtlVerb::Get);
  EXPECT_EQ(c.scope, "global");
  EXPECT_EQ(line_ok("./build/peerlab ctl get nodes").kind, "nodes");
}

TEST(ParseCtlLine, ReadsALineWithoutAProgramName) {
  EXPECT_EQ(line_ok("get nodes -o wide").output, "wide");
}

TEST(ParseCtlLine, ReadsQuotedAndEscapedWords) {
  EXPECT_EQ(line_ok("calicoctl create -f \"my peers.yaml\"").filename, "my peers.yaml");
  EXPECT_EQ(line_ok("calicoctl create -f 'my peers.yaml'").filename, "my peers.yaml");
  EXPECT_EQ(line_ok("calicoctl create -f my\\ peers.yaml").filename, "my peers.yaml");
  EXPECT_EQ(line_ok("calicoctl create -f \"a\\\"b.yaml\"").filename, "a\"b.yaml");
  EXPECT_EQ(line_ok("calicoctl create -f 'a\\b.yaml'").filename, "a\\b.yaml");  // no escapes in '…'
  EXPECT_EQ(line_ok("calicoctl create -f pre'fix 'post").filename, "prefix post");
  EXPECT_EQ(line_ok("  calicoctl\tconfig   set logLevel   debug  ").config_value, "debug");
}

TEST(ParseCtlLine, ReportsAnUnterminatedQuote) {
  auto r = parse_ctl_line("calicoctl create -f \"x.yaml");
  ASSERT_TRUE(std::holds_alternative<CtlUsageError>(r));
  const auto& e = std::get<CtlUsageError>(r);
  EXPECT_EQ(e.message, "Invalid option: 'calicoctl create -f \"x.yaml'.");
  EXPECT_EQ(e.detail, "unterminated quote");
}

TEST(ParseCtlLine, ReportsUsageErrorsAsCalicoctlWouldWhateverTheProgramName) {
  for (const char* line : {"calicoctl frob", "peerlab ctl frob", "bin/calicoctl frob", "frob"}) {
    auto r = parse_ctl_line(line);
    ASSERT_TRUE(std::holds_alternative<CtlUsageError>(r)) << line;
    EXPECT_EQ(std::get<CtlUsageError>(r).message, invalid_option("frob")) << line;
    EXPECT_EQ(std::get<CtlUsageError>(r).detail, "unknown command 'frob'") << line;
  }
}

// ---- resource_id -------------------------------------------------------------------------------

TEST(ResourceId, NamesAGlobalPeerByItsAddress) {
  BgpPeer p;
  p.scope = PeerScope::Global;
  p.peer_ip = parse_ip("192.20.30.40");
  EXPECT_EQ(resource_id(p, V1Dialect::Alpha), "BGPPeer(global, ip=192.20.30.40)");
  EXPECT_EQ(resource_id(p, V1Dialect::V1), "BGPPeer(global, ip=192.20.30.40)");
}

TEST(ResourceId, NamesANodePeerByHostnameInTheAlphaDialectAndByNodeInV1) {
  BgpPeer p;
  p.scope = PeerScope::Node;
  p.node = "Node1";
  p.peer_ip = parse_ip("aa:bb::ff");
  EXPECT_EQ(resource_id(p, V1Dialect::Alpha), "BGPPeer(hostname=Node1, ip=aa:bb::ff)");
  EXPECT_EQ(resource_id(p, V1Dialect::V1), "BGPPeer(node=Node1, ip=aa:bb::ff)");
}

TEST(ResourceId, NamesTheOtherKinds) {
  Node n;
  n.name = "Node1";
  EXPECT_EQ(resource_id(n, V1Dialect::Alpha), "Node(name=Node1)");
  BgpPeer v3;
  v3.flavor = ApiFlavor::V3;
  v3.name = "rack1-tor";
  EXPECT_EQ(resource_id(v3, V1Dialect::Alpha), "BGPPeer(name=rack1-tor)");
  IpPool p1;
  p1.cidr = *parse_prefix("192.168.0.0/16");
  EXPECT_EQ(resource_id(p1, V1Dialect::Alpha), "IPPool(cidr=192.168.0.0/16)");
  IpPool p3 = p1;
  p3.flavor = ApiFlavor::V3;
  p3.name = "pods";
  EXPECT_EQ(resource_id(p3, V1Dialect::Alpha), "IPPool(name=pods)");
  EXPECT_EQ(resource_id(ClusterConfigResource{}, V1Dialect::Alpha), "ClusterConfig(name=default)");
  Segment s;
  s.name = "rack1";
  EXPECT_EQ(resource_id(s, V1Dialect::Alpha), "Segment(name=rack1)");
  Router r;
  r.name = "tor1";
  EXPECT_EQ(resource_id(r, V1Dialect::Alpha), "Router(name=tor1)");
  Link l;
  l.name = "up";
  EXPECT_EQ(resource_id(l, V1Dialect::Alpha), "Link(name=up)");
  EXPECT_EQ(resource_id(TimerSettings{}, V1Dialect::Alpha), "BGPTimers(name=default)");
  BgpConfiguration c;
  c.name = "node.Node1";
  EXPECT_EQ(resource_id(c, V1Dialect::Alpha), "BGPConfiguration(name=node.Node1)");
}

// ---- execute: create, apply, replace, delete -------------------------------------------------

TEST(ExecuteCreate, AddsTheDocumentsGlobalPeer) {
  Topology t;
  auto r = run(t, {"create", "-f", "bgppeer.yaml"}, kGlobalPeer);
  EXPECT_EQ(r.verb, CtlVerb::Create);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.handled, 1u);
  EXPECT_EQ(r.total, 1u);
  EXPECT_EQ(r.kind_label, "bgpPeer");
  EXPECT_TRUE(r.modified);
  EXPECT_EQ(peer_ids(t), std::vector<std::string>{"BGPPeer(global, ip=192.20.30.40)"});
  EXPECT_EQ(t.peers[0].as_number, 64567u);
}

TEST(ExecuteCreate, FailsForAnExistingKeyAndChangesNothing) {
  Topology t;
  run(t, {"create", "-f", "peers.yaml"}, kPeers);
  auto r = run(t, {"create", "-f", "peers.yaml"}, kPeers);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.error, "resource already exists: BGPPeer(global, ip=192.20.30.40)");
  EXPECT_EQ(r.handled, 0u);
  EXPECT_EQ(r.total, 2u);
  EXPECT_FALSE(r.modified);
  EXPECT_EQ(t.peers.size(), 2u);
}

TEST(ExecuteCreate, CountsExistingResourcesAsHandledWithSkipExists) {
  Topology t;
  run(t, {"create", "-f", "peers.yaml"}, kPeers);
  auto r = run(t, {"create", "-f", "peers.yaml", "--skip-exists"}, kPeers);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.handled, 2u);
  EXPECT_EQ(r.total, 2u);
  EXPECT_EQ(t.peers.size(), 2u);
}

TEST(ExecuteCreate, SkipExistsDoesNotReplaceTheExistingResource) {
  Topology t;
  run(t, {"create", "-f", "one.yaml"}, kGlobalPeer);
  run(t, {"create", "-f", "one.yaml", "--skip-exists"}, kOne);
  EXPECT_EQ(t.peers[0].as_number, 64567u);
}

TEST(ExecuteCreate, StopsAtTheFirstErrorAndKeepsWhatWasDoneBefore) {
  Topology t;
  run(t, {"create", "-f", "peers.yaml"}, kPeers);
  auto r = run(t, {"create", "-f", "mixed.yaml"}, kMixed);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.handled, 1u);
  EXPECT_EQ(r.total, 3u);
  EXPECT_EQ(r.error, "resource already exists: BGPPeer(global, ip=192.20.30.40)");
  EXPECT_EQ(r.kind_label, "");  // mixed kinds
  EXPECT_TRUE(r.modified);
  ASSERT_EQ(t.nodes.size(), 1u);
  EXPECT_EQ(t.nodes[0].name, "node-a");
  EXPECT_TRUE(t.pools.empty());  // after the failure: not created
}

TEST(ExecuteCreate, ReportsTheSecondOfTwoEqualKeysInOneFile) {
  Topology t;
  auto r = run(t, {"create", "-f", "twice.yaml"}, std::string(kGlobalPeer) + "---\n" + kOne);
  EXPECT_EQ(r.handled, 1u);
  EXPECT_EQ(r.error, "resource already exists: BGPPeer(global, ip=192.20.30.40)");
  EXPECT_EQ(t.peers[0].as_number, 64567u);
}

TEST(ExecuteCreate, RejectsAnInvalidFileAndAppliesNothing) {
  Topology t;
  auto r = run(t, {"create", "-f", "bad.yaml"},
               std::string(kGlobalPeer) +
                   "---\napiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: nodes\n"
                   "  peerIP: 10.0.0.1\nspec:\n  asNumber: 1\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.input_invalid);
  EXPECT_EQ(r.handled, 0u);
  EXPECT_FALSE(r.modified);
  ASSERT_EQ(r.diagnostics.items().size(), 1u);
  EXPECT_EQ(format(r.diagnostics.items()[0]),
            "bad.yaml:12:10: error[E204]: Unrecognized scope 'nodes', must be one of: global, node");
  EXPECT_TRUE(t.peers.empty());
}

TEST(ExecuteCreate, RejectsAPoolThatCalicoctlsValidatorRejects) {
  Topology t;
  auto r =
      run(t, {"create", "-f", "v6pool.yaml"},
          "apiVersion: v1\nkind: ipPool\nmetadata:\n  cidr: fd00::/120\nspec:\n  ipip:\n    enabled: true\n");
  EXPECT_TRUE(r.input_invalid);
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.diagnostics.items().size(), 1u);
  EXPECT_EQ(format(r.diagnostics.items()[0]),
            "v6pool.yaml:4:9: error[E208]: IPIP is not supported on an IPv6 IP pool\n  hint: disable ipip on "
            "this pool");
  EXPECT_TRUE(t.pools.empty());
}

TEST(ExecuteCreate, AcceptsWhatOnlyAReviewWouldQuestion) {
  // A peer for an undeclared node: calicoctl stores it without a word.
  Topology t;
  auto r = run(t, {"create", "-f", "p.yaml"}, kNodePeer);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.diagnostics.items().empty());
  EXPECT_EQ(t.peers.size(), 1u);
}

TEST(ExecuteCreate, ReportsAFileWithoutResources) {
  Topology t;
  auto r = run(t, {"create", "-f", "empty.yaml"}, "# nothing here\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.no_resources);
  EXPECT_EQ(r.error, "No resources specified in file");
  EXPECT_EQ(r.total, 0u);
}

TEST(ExecuteCreate, MergesConfigurationResourcesIntoTheClusterSettings) {
  Topology t;
  auto r = run(t, {"create", "-f", "c.yaml"},
               "apiVersion: peerlab/v1\nkind: ClusterConfig\nmetadata:\n  name: default\nspec:\n"
               "  nodeToNodeMesh: off\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.handled, 1u);
  EXPECT_EQ(t.config.node_to_node_mesh, false);
  // A second one is merged, not "already exists".
  auto again = run(t, {"create", "-f", "c.yaml"},
                   "apiVersion: peerlab/v1\nkind: ClusterConfig\nspec:\n  defaultNodeASNumber: 64512\n");
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(t.config.node_to_node_mesh, false);
  EXPECT_EQ(t.config.as_number, 64512u);
}

TEST(ExecuteReplace, ReplacesAnExistingResource) {
  Topology t;
  run(t, {"create", "-f", "peers.yaml"}, kPeers);
  auto r = run(t, {"replace", "-f", "one.yaml"}, kOne);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.handled, 1u);
  EXPECT_EQ(r.kind_label, "bgpPeer");
  ASSERT_EQ(t.peers.size(), 2u);
  EXPECT_EQ(t.peers[0].as_number, 65000u);
}

TEST(ExecuteReplace, FailsForAMissingResource) {
  Topology t;
  auto r = run(t, {"replace", "-f", "one.yaml"}, kOne);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.error, "resource does not exist: BGPPeer(global, ip=192.20.30.40)");
  EXPECT_EQ(r.handled, 0u);
  EXPECT_TRUE(t.peers.empty());
}

TEST(ExecuteReplace, NamesANodePeerWithTheAlphaHostname) {
  Topology t;
  auto r = run(t, {"replace", "-f", "p.yaml"}, kNodePeer);
  EXPECT_EQ(r.error, "resource does not exist: BGPPeer(hostname=Node1, ip=aa:bb::ff)");
}

TEST(ExecuteApply, CreatesWhatIsMissingAndReplacesWhatExists) {
  Topology t;
  run(t, {"create", "-f", "peers.yaml"}, kPeers);
  auto r = run(t, {"apply", "-f", "mixed.yaml"}, kMixed);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.handled, 3u);
  EXPECT_EQ(r.total, 3u);
  EXPECT_EQ(t.nodes.size(), 1u);
  EXPECT_EQ(t.pools.size(), 1u);
  EXPECT_EQ(t.peers.size(), 2u);
  run(t, {"apply", "-f", "one.yaml"}, kOne);
  EXPECT_EQ(t.peers[0].as_number, 65000u);
}

TEST(ExecuteDelete, DeletesByFileAndFailsTheSecondTime) {
  Topology t;
  run(t, {"create", "-f", "peers.yaml"}, kPeers);
  auto r = run(t, {"delete", "-f", "peers.yaml"}, kPeers);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.handled, 2u);
  EXPECT_EQ(r.kind_label, "bgpPeer");
  EXPECT_TRUE(t.peers.empty());
  auto again = run(t, {"delete", "-f", "peers.yaml"}, kPeers);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.error, "resource does not exist: BGPPeer(global, ip=192.20.30.40)");
  EXPECT_EQ(again.handled, 0u);
}

TEST(ExecuteDelete, CountsMissingResourcesAsHandledWithSkipNotExists) {
  Topology t;
  auto r = run(t, {"delete", "-f", "peers.yaml", "--skip-not-exists"}, kPeers);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.handled, 2u);
  EXPECT_EQ(r.total, 2u);
  EXPECT_EQ(r.error, "");
}

TEST(ExecuteDelete, DeletesTheDocumentsGlobalPeerByAddress) {
  Topology t = load(kCluster);
  auto r = run(t, {"delete", "bgpPeer", "192.20.30.40", "--scope=global"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.handled, 1u);
  EXPECT_EQ(r.total, 1u);
  EXPECT_EQ(r.kind_label, "bgpPeer");
  EXPECT_EQ(peer_ids(t), (std::vector<std::string>{"BGPPeer(hostname=Node1, ip=aa:bb::ff)",
                                                   "BGPPeer(hostname=Node2, ip=172.17.42.1)"}));
}

TEST(ExecuteDelete, DeletesTheDocumentsNodePeerByAddressAndHostname) {
  Topology t = load(kCluster);
  auto r = run(t, {"delete", "bgpPeer", "aa:bb::ff", "--scope=node", "--hostname=Node1"});
  EXPECT_EQ(r.exit_code, 0) << r.error;
  EXPECT_EQ(peer_ids(t), (std::vector<std::string>{"BGPPeer(global, ip=192.20.30.40)",
                                                   "BGPPeer(hostname=Node2, ip=172.17.42.1)"}));
}

TEST(ExecuteDelete, TakesTheNodeScopeFromTheNodeFlag) {
  Topology t = load(kCluster);
  auto r = run(t, {"delete", "bgpp", "172.17.42.1", "--node=Node2"});
  EXPECT_EQ(r.exit_code, 0) << r.error;
  EXPECT_EQ(t.peers.size(), 2u);
}

TEST(ExecuteDelete, NamesAMissingNodePeerInTheVocabularyOfTheFlagUsed) {
  Topology t = load(kCluster);
  auto alpha = run(t, {"delete", "bgpPeer", "aa:bb::ff", "--scope=node", "--hostname=Node2"});
  EXPECT_EQ(alpha.error, "resource does not exist: BGPPeer(hostname=Node2, ip=aa:bb::ff)");
  auto v1 = run(t, {"delete", "bgpPeer", "aa:bb::ff", "--scope=node", "--node=Node2"});
  EXPECT_EQ(v1.error, "resource does not exist: BGPPeer(node=Node2, ip=aa:bb::ff)");
  EXPECT_EQ(t.peers.size(), 3u);
}

TEST(ExecuteDelete, ReportsMissingOrConflictingIdentifiers) {
  Topology t = load(kCluster);
  struct Case {
    Args args;
    std::string error;
  };
  for (const auto& c : std::vector<Case>{
           {{"delete", "bgpPeer", "192.20.30.40"}, "insufficient identifiers, missing 'scope'"},
           {{"delete", "bgpPeer", "10.0.0.254", "--scope=node"},
            "insufficient identifiers, missing 'hostname'"},
           {{"delete", "bgpPeer", "192.20.30.40", "--scope=global", "--hostname=Node1"},
            "no BGP Peer node name should be specified when scope is global"},
           {{"delete", "bgpPeer", "192.20.30.400", "--scope=global"}, "invalid peer IP '192.20.30.400'"},
           {{"delete", "bgpPeer", "192.20.30.40", "--scope=rack"},
            "Unrecognized scope 'rack', must be one of: global, node"},
           {{"delete", "bgpPeer"}, "resource name is required to delete a bgpPeer"},
           {{"delete", "ipPool", "192.168.0.0/33"}, "invalid CIDR '192.168.0.0/33'"},
       }) {
    auto r = run(t, c.args);
    EXPECT_EQ(r.exit_code, 1) << c.error;
    EXPECT_EQ(r.error, c.error);
    EXPECT_FALSE(r.modified) << c.error;
  }
  EXPECT_EQ(t.peers.size(), 3u);
  EXPECT_EQ(t.pools.size(), 1u);
}

TEST(ExecuteDelete, RejectsAKindPeerlabDoesNotModel) {
  Topology t;
  auto r = run(t, {"delete", "policy", "p1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.error, "Resource type 'policy' is not supported (peerlab models node, bgpPeer and ipPool)");
  EXPECT_EQ(r.total, 0u);
}

TEST(ExecuteDelete, DeletesAPoolByCidrAndANodeByName) {
  Topology t = load(kCluster);
  auto p = run(t, {"delete", "ipPool", "192.168.0.0/16"});
  EXPECT_EQ(p.exit_code, 0) << p.error;
  EXPECT_EQ(p.kind_label, "ipPool");
  EXPECT_TRUE(t.pools.empty());
  auto n = run(t, {"delete", "node", "Node2"});
  EXPECT_EQ(n.exit_code, 0) << n.error;
  EXPECT_EQ(n.kind_label, "node");
  ASSERT_EQ(t.nodes.size(), 1u);
  EXPECT_EQ(t.nodes[0].name, "Node1");
  auto again = run(t, {"delete", "nodes", "Node2"});
  EXPECT_EQ(again.error, "resource does not exist: Node(name=Node2)");
}

TEST(ExecuteDelete, UnsetsTheSettingsOfAConfigurationResource) {
  Topology t = load(
      "apiVersion: peerlab/v1\nkind: ClusterConfig\nspec:\n  nodeToNodeMesh: off\n"
      "  defaultNodeASNumber: 64512\n");
  auto r = run(t, {"delete", "-f", "c.yaml"},
               "apiVersion: peerlab/v1\nkind: ClusterConfig\nspec:\n  nodeToNodeMesh: on\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(t.config.node_to_node_mesh, std::nullopt);
  EXPECT_EQ(t.config.as_number, 64512u);
}

// ---- execute: get ------------------------------------------------------------------------------

TEST(ExecuteGet, ListsGlobalPeersFirstThenNodePeersWithNoScopeAndNoNode) {
  Topology t = load(kCluster);
  auto r = run(t, {"get", "bgpPeer"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.get_kind, "bgpPeer");
  EXPECT_EQ(ids(r.resources), (std::vector<std::string>{"BGPPeer(global, ip=192.20.30.40)",
                                                        "BGPPeer(hostname=Node1, ip=aa:bb::ff)",
                                                        "BGPPeer(hostname=Node2, ip=172.17.42.1)"}));
  EXPECT_FALSE(r.modified);
}

TEST(ExecuteGet, ListsOnlyGlobalPeersWithScopeGlobal) {
  Topology t = load(kCluster);
  auto r = run(t, {"get", "bgpPeer", "--scope=global"});
  EXPECT_EQ(ids(r.resources), std::vector<std::string>{"BGPPeer(global, ip=192.20.30.40)"});
}

TEST(ExecuteGet, ListsEveryNodesPeersWithScopeNode) {
  Topology t = load(kCluster);
  auto r = run(t, {"get", "bgpPeer", "--scope=node"});
  EXPECT_EQ(ids(r.resources), (std::vector<std::string>{"BGPPeer(hostname=Node1, ip=aa:bb::ff)",
                                                        "BGPPeer(hostname=Node2, ip=172.17.42.1)"}));
}

TEST(ExecuteGet, ListsOnlyThatNodesPeersWithAHostname) {
  Topology t = load(kCluster);
  auto r = run(t, {"get", "BGPPeers", "--hostname=Node1"});
  EXPECT_EQ(ids(r.resources), std::vector<std::string>{"BGPPeer(hostname=Node1, ip=aa:bb::ff)"});
  auto v1 = run(t, {"get", "bgppeer", "--node=Node2", "--scope=node"});
  EXPECT_EQ(ids(v1.resources, V1Dialect::V1),
            std::vector<std::string>{"BGPPeer(node=Node2, ip=172.17.42.1)"});
  EXPECT_TRUE(run(t, {"get", "bgpPeer", "--hostname=Node3"}).resources.empty());
}

TEST(ExecuteGet, FindsAPeerByAddress) {
  Topology t = load(kCluster);
  auto r = run(t, {"get", "bgpPeer", "192.20.30.40", "--scope=global"});
  EXPECT_EQ(ids(r.resources), std::vector<std::string>{"BGPPeer(global, ip=192.20.30.40)"});
  EXPECT_TRUE(run(t, {"get", "bgpPeer", "192.20.30.41"}).resources.empty());
  auto bad = run(t, {"get", "bgpPeer", "not-an-ip"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.error, "invalid peer IP 'not-an-ip'");
}

TEST(ExecuteGet, ListsNodesAndPoolsByAliasAndName) {
  Topology t = load(kCluster);
  EXPECT_EQ(ids(run(t, {"get", "nodes"}).resources),
            (std::vector<std::string>{"Node(name=Node1)", "Node(name=Node2)"}));
  auto one = run(t, {"get", "NODE", "Node1", "-o", "yaml"});
  EXPECT_EQ(one.get_kind, "node");
  EXPECT_EQ(ids(one.resources), std::vector<std::string>{"Node(name=Node1)"});
  EXPECT_EQ(ids(run(t, {"get", "ipp"}).resources), std::vector<std::string>{"IPPool(cidr=192.168.0.0/16)"});
  EXPECT_EQ(run(t, {"get", "pools", "192.168.0.0/16"}).resources.size(), 1u);
  EXPECT_EQ(run(t, {"get", "pools", "10.0.0.0/8"}).resources.size(), 0u);
}

TEST(ExecuteGet, ReportsTheDefaultAsThatNodesInherit) {
  Topology t = load(kCluster);
  EXPECT_EQ(run(t, {"get", "nodes"}).default_as, 64511u);
  run(t, {"config", "set", "defaultNodeASNumber", "64512"});
  EXPECT_EQ(run(t, {"get", "nodes"}).default_as, 64512u);
}

TEST(ExecuteGet, ListsTheResourcesNamedByAFileAsTheyAreInTheModel) {
  Topology t = load(kCluster);
  auto r = run(t, {"get", "-f", "q.yaml"}, kOne);  // AS 65000 in the file, 64567 in the model
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_EQ(r.resources.size(), 1u);
  EXPECT_EQ(std::get<BgpPeer>(r.resources[0]).as_number, 64567u);
  EXPECT_EQ(r.get_kind, "bgpPeer");
}

TEST(ExecuteGet, ReportsErrorsWithCalicoctlsWords) {
  Topology t = load(kCluster);
  auto scope = run(t, {"get", "bgpPeer", "--scope=rack"});
  EXPECT_EQ(scope.exit_code, 1);
  EXPECT_EQ(scope.error, "Unrecognized scope 'rack', must be one of: global, node");
  auto kind = run(t, {"get", "workloadEndpoint"});
  EXPECT_EQ(kind.error,
            "Resource type 'workloadEndpoint' is not supported (peerlab models node, bgpPeer and ipPool)");
  auto out = run(t, {"get", "nodes", "-o", "go-template={{.}}"});
  EXPECT_EQ(out.error, "unrecognized output format 'go-template={{.}}'");
}

// ---- execute: config ---------------------------------------------------------------------------

TEST(ExecuteConfig, SetsAndViewsTheDefaultNodeAsNumber) {
  Topology t;
  auto s = run(t, {"config", "set", "defaultNodeASNumber", "64512"});
  EXPECT_EQ(s.exit_code, 0);
  EXPECT_TRUE(s.modified);
  EXPECT_EQ(t.config.as_number, 64512u);
  auto v = run(t, {"config", "view", "defaultNodeASNumber"});
  ASSERT_EQ(v.config_rows.size(), 1u);
  EXPECT_EQ(v.config_rows[0].component, "bgp");
  EXPECT_EQ(v.config_rows[0].scope, "global");
  EXPECT_EQ(v.config_rows[0].hostname, "");
  EXPECT_EQ(v.config_rows[0].name, "defaultNodeASNumber");
  EXPECT_EQ(v.config_rows[0].value, "64512");
  EXPECT_EQ(run(t, {"config", "get", "defaultNodeASNumber"}).config_value, "64512");
}

TEST(ExecuteConfig, AcceptsTheV1NameAsNumber) {
  Topology t;
  run(t, {"config", "set", "asNumber", "4200000001"});
  EXPECT_EQ(t.config.as_number, 4200000001u);
  EXPECT_EQ(run(t, {"config", "get", "asNumber"}).config_value, "4200000001");
}

TEST(ExecuteConfig, ShowsTheDefaultsOfAnEmptyModel) {
  Topology t;
  auto v = run(t, {"config", "view"});
  ASSERT_EQ(v.config_rows.size(), 2u);
  EXPECT_EQ(v.config_rows[0].name, "defaultNodeASNumber");
  EXPECT_EQ(v.config_rows[0].value, "64511");
  EXPECT_EQ(v.config_rows[1].name, "nodeToNodeMesh");
  EXPECT_EQ(v.config_rows[1].value, "on");
  EXPECT_FALSE(v.modified);
  EXPECT_EQ(run(t, {"config", "get", "nodeToNodeMesh"}).config_value, "on");
  EXPECT_EQ(run(t, {"config", "get", "logLevel"}).config_value, "info");
  EXPECT_EQ(run(t, {"config", "get", "ipip"}).config_value, "off");
}

TEST(ExecuteConfig, TurnsTheMeshOffAndOnAgain) {
  Topology t;
  run(t, {"config", "set", "nodeToNodeMesh", "off"});
  EXPECT_EQ(t.config.node_to_node_mesh, false);
  auto v = run(t, {"config", "view", "nodeToNodeMesh"});
  ASSERT_EQ(v.config_rows.size(), 1u);
  EXPECT_EQ(v.config_rows[0].value, "off");
  run(t, {"config", "set", "nodeToNodeMesh", "ON"});
  EXPECT_EQ(t.config.node_to_node_mesh, true);
  EXPECT_EQ(run(t, {"config", "get", "nodeToNodeMesh"}).config_value, "on");
}

std::vector<std::string> rows(const CtlResult& r) {
  std::vector<std::string> out;
  for (const auto& x : r.config_rows)
    out.push_back(x.component + "|" + x.scope + "|" + x.hostname + "|" + x.name + "|" + x.value);
  return out;
}

TEST(ExecuteConfig, ViewsEveryRowAndFiltersByNameScopeAndHost) {
  Topology t;
  run(t, {"config", "set", "asNumber", "4200000001"});
  run(t, {"config", "set", "logLevel", "debug", "--hostname=Node1"});
  run(t, {"config", "set", "logLevel", "none"});
  run(t, {"config", "set", "ipip", "on"});
  EXPECT_EQ(rows(run(t, {"config", "view"})),
            (std::vector<std::string>{"bgp|global||defaultNodeASNumber|4200000001",
                                      "bgp|global||logLevel|none", "bgp|global||nodeToNodeMesh|on",
                                      "bgp|node|Node1|logLevel|debug", "felix|global||ipip|on"}));
  EXPECT_EQ(
      rows(run(t, {"config", "view", "--scope=global"})),
      (std::vector<std::string>{"bgp|global||defaultNodeASNumber|4200000001", "bgp|global||logLevel|none",
                                "bgp|global||nodeToNodeMesh|on", "felix|global||ipip|on"}));
  EXPECT_EQ(rows(run(t, {"config", "view", "logLevel"})),
            (std::vector<std::string>{"bgp|global||logLevel|none", "bgp|node|Node1|logLevel|debug"}));
  EXPECT_EQ(rows(run(t, {"config", "view", "--hostname=Node1"})),
            (std::vector<std::string>{"bgp|node|Node1|logLevel|debug"}));
  EXPECT_EQ(rows(run(t, {"config", "view", "--component=felix"})),
            (std::vector<std::string>{"felix|global||ipip|on"}));
}

TEST(ExecuteConfig, GetsANodesLogLevelOrWhatItInherits) {
  Topology t;
  run(t, {"config", "set", "logLevel", "debug", "--hostname=Node1"});
  EXPECT_EQ(t.config.node_log_level.at("Node1"), "debug");
  EXPECT_EQ(run(t, {"config", "get", "logLevel", "--node=Node1"}).config_value, "debug");
  EXPECT_EQ(run(t, {"config", "get", "logLevel", "--node=Node2"}).config_value,
            "info (inherited from global)");
  run(t, {"config", "set", "logLevel", "none"});
  EXPECT_EQ(run(t, {"config", "get", "logLevel", "--node=Node2"}).config_value,
            "none (inherited from global)");
  EXPECT_EQ(run(t, {"config", "get", "logLevel", "--node=Node2", "--raw=bgp"}).config_value, "(unset)");
}

TEST(ExecuteConfig, GetsTheRawValueOfUnsetSettings) {
  Topology t;
  EXPECT_EQ(run(t, {"config", "get", "logLevel", "--raw=bgp"}).config_value, "(unset)");
  EXPECT_EQ(run(t, {"config", "get", "ipip", "--raw=felix"}).config_value, "(unset)");
}

TEST(ExecuteConfig, UnsetsSettingsBackToTheirDefaults) {
  Topology t;
  run(t, {"config", "set", "defaultNodeASNumber", "64512"});
  run(t, {"config", "set", "logLevel", "debug", "--hostname=Node1"});
  auto u = run(t, {"config", "unset", "defaultNodeASNumber"});
  EXPECT_EQ(u.exit_code, 0);
  EXPECT_TRUE(u.modified);
  EXPECT_EQ(t.config.as_number, std::nullopt);
  EXPECT_EQ(run(t, {"config", "get", "defaultNodeASNumber"}).config_value, "64511");
  run(t, {"config", "unset", "logLevel", "--hostname=Node1"});
  EXPECT_TRUE(t.config.node_log_level.empty());
}

TEST(ExecuteConfig, RejectsInvalidValuesWithExactMessagesAndChangesNothing) {
  struct Case {
    Args args;
    std::string error;
  };
  for (const auto& c : std::vector<Case>{
           {{"config", "set", "nodeToNodeMesh", "maybe"}, "invalid value 'maybe'"},
           {{"config", "set", "ipip", "yes"}, "invalid value 'yes'"},
           {{"config", "set", "nodeToNodeMesh", "off", "--hostname=Node1"},
            "--hostname should not be specified"},
           {{"config", "set", "nodeToNodeMesh", "off", "--node=Node1"}, "--node should not be specified"},
           {{"config", "set", "logLevel", "debug", "--scope=global", "--hostname=Node1"},
            "--hostname should not be specified"},
           {{"config", "set", "defaultNodeASNumber", "4294967296"}, "the supplied AS number is not valid"},
           {{"config", "set", "defaultNodeASNumber", "64x"}, "the supplied AS number is not valid"},
           {{"config", "set", "defaultNodeASNumber", "1.10"}, "the supplied AS number is not valid"},
           {{"config", "set", "defaultNodeASNumber", "99999999999"}, "the supplied AS number is not valid"},
           {{"config", "set", "bgpMode", "on"}, "unrecognised config name 'bgpMode'"},
           {{"config", "view", "bgpMode"}, "unrecognised config name 'bgpMode'"},
           {{"config", "set", "logLevel", "verbose"},
            "invalid value 'verbose'; logLevel for bgp is one of none, debug, info"},
           {{"config", "view", "--scope=rack"}, "unrecognised scope 'rack', must be one of: global, node"},
           {{"config", "set", "logLevel", "debug", "--scope=node"},
            "--hostname is required when the scope is node"},
           {{"config", "set", "nodeToNodeMesh", "off", "--scope=node"},
            "scope 'node' is not valid for nodeToNodeMesh"},
           {{"config", "set", "ipip", "on", "--component=bgp"},
            "config name 'ipip' is not valid for component 'bgp'"},
           {{"config", "set", "ipip", "on", "--component=calico"}, "unrecognised component 'calico'"},
           {{"config", "get", "ipip", "--raw=etcd"}, "unrecognised component 'etcd'"},
       }) {
    Topology t;
    auto r = run(t, c.args);
    EXPECT_EQ(r.exit_code, 1) << c.error;
    EXPECT_EQ(r.error, c.error);
    EXPECT_FALSE(r.modified) << c.error;
    EXPECT_TRUE(t.config.empty()) << c.error;
  }
}

TEST(ExecuteConfig, AcceptsTheLargestAsNumber) {
  Topology t;
  EXPECT_EQ(run(t, {"config", "set", "defaultNodeASNumber", "4294967295"}).exit_code, 0);
  EXPECT_EQ(t.config.as_number, 4294967295u);
}

TEST(ExecuteConfig, StoresLogLevelsInLowerCase) {
  Topology t;
  run(t, {"config", "set", "logLevel", "DEBUG"});
  EXPECT_EQ(t.config.log_level, "debug");
}

// ---- execute: the rest -------------------------------------------------------------------------

TEST(Execute, DoesNothingForStatusVersionAndHelp) {
  Topology t = load(kCluster);
  for (const Args& a : {Args{"node", "status"}, Args{"version"}, Args{"help"}}) {
    auto r = run(t, a);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_FALSE(r.modified);
    EXPECT_EQ(r.verb, parse_ok(a).verb);
  }
  EXPECT_EQ(t.peers.size(), 3u);
}

TEST(Execute, RunsTheDocumentsSessionEndToEnd) {
  // calicoctl-bgp-configuration.md, in order.
  Topology t;
  EXPECT_EQ(run(t, {"config", "set", "defaultNodeASNumber", "64512"}).exit_code, 0);
  EXPECT_EQ(run(t, {"config", "view", "defaultNodeASNumber"}).config_rows.at(0).value, "64512");
  EXPECT_EQ(run(t, {"config", "set", "nodeToNodeMesh", "off"}).exit_code, 0);
  EXPECT_EQ(run(t, {"config", "set", "nodeToNodeMesh", "on"}).exit_code, 0);
  EXPECT_EQ(run(t, {"config", "view", "nodeToNodeMesh"}).config_rows.at(0).value, "on");
  EXPECT_EQ(run(t, {"create", "-f", "bgppeer.yaml"}, kGlobalPeer).exit_code, 0);
  EXPECT_EQ(ids(run(t, {"get", "bgpPeer", "--scope=global"}).resources),
            std::vector<std::string>{"BGPPeer(global, ip=192.20.30.40)"});
  EXPECT_EQ(run(t, {"delete", "bgpPeer", "192.20.30.40", "--scope=global"}).exit_code, 0);
  EXPECT_TRUE(run(t, {"get", "bgpPeer", "--scope=global"}).resources.empty());
  EXPECT_EQ(run(t, {"create", "-f", "bgppeer.yaml"}, kNodePeer).exit_code, 0);
  EXPECT_EQ(ids(run(t, {"get", "bgpPeer", "--scope=node"}).resources),
            std::vector<std::string>{"BGPPeer(hostname=Node1, ip=aa:bb::ff)"});
  EXPECT_EQ(run(t, {"delete", "bgpPeer", "aa:bb::ff", "--scope=node", "--hostname=Node1"}).exit_code, 0);
  EXPECT_TRUE(t.peers.empty());
}

}  // namespace
}  // namespace peerlab
