// calicoctl output formatting (see ctl_output.hpp).
#include "reports/ctl_output.hpp"

#include <algorithm>
#include <variant>

#include "reports/tables.hpp"
#include "topology/datastore.hpp"
#include "topology/limits.hpp"

namespace peerlab::reports {

namespace {

std::string past_tense(CtlVerb v) {
  switch (v) {
    case CtlVerb::Create:
      return "created";
    case CtlVerb::Apply:
      return "applied";
    case CtlVerb::Replace:
      return "replaced";
    case CtlVerb::Delete:
      return "deleted";
    default:
      return "";
  }
}

std::string present(CtlVerb v) {
  switch (v) {
    case CtlVerb::Create:
      return "create";
    case CtlVerb::Apply:
      return "apply";
    case CtlVerb::Replace:
      return "replace";
    case CtlVerb::Delete:
      return "delete";
    default:
      return "";
  }
}

// calicoctl's summary line for create/apply/replace/delete (commands/create.go and friends).
std::string resource_summary(const CtlResult& r) {
  const std::string kind = r.kind_label;
  if (r.error.empty()) {
    if (kind.empty())
      return "Successfully " + past_tense(r.verb) + " " + std::to_string(r.handled) + " resource(s)";
    return "Successfully " + past_tense(r.verb) + " " + std::to_string(r.handled) + " '" + kind +
           "' resource(s)";
  }
  if (r.no_resources) return r.error;
  if (r.total == 0) return "Failed to " + present(r.verb) + " resources: " + r.error;
  if (r.handled == 0) {
    if (r.total == 1 && !kind.empty())
      return "Failed to " + present(r.verb) + " '" + kind + "' resource: " + r.error;
    if (!kind.empty()) return "Failed to " + present(r.verb) + " any '" + kind + "' resources: " + r.error;
    return "Failed to " + present(r.verb) + " any resources: " + r.error;
  }
  std::string what = kind.empty() ? "resources" : "'" + kind + "' resources";
  return "Partial success: " + past_tense(r.verb) + " the first " + std::to_string(r.handled) + " out of " +
         std::to_string(r.total) + " " + what + ":\nHit error: " + r.error;
}

std::string asn_cell(const BgpPeer& p) {
  if (p.as_number) return std::to_string(*p.as_number);
  return "(from peer)";
}

// One kind's table; `kind` is node, ipPool or bgpPeer (v1 or v3 spelling).
std::string kind_table(const CtlCommand& cmd, const CtlResult& r, const std::string& kind) {
  const bool wide = cmd.output == "wide";
  Row header;
  std::vector<Row> rows;
  if (kind == "node" || kind == "Node") {
    header = wide ? Row{"NAME", "ASN", "IPV4", "IPV6"} : Row{"NAME"};
    for (const auto& res : r.resources) {
      const auto* n = std::get_if<Node>(&res);
      if (!n) continue;
      if (!wide) {
        rows.push_back({n->name});
        continue;
      }
      // An AS inherited from the cluster default prints in parentheses, as calicoctl does.
      std::string asn = n->has_bgp ? (n->as_number ? std::to_string(*n->as_number)
                                                   : "(" + std::to_string(r.default_as) + ")")
                                   : "";
      rows.push_back({n->name, asn, n->ipv4_address ? to_string(*n->ipv4_address) : "",
                      n->ipv6_address ? to_string(*n->ipv6_address) : ""});
    }
  } else if (kind == "ipPool" || kind == "IPPool") {
    header = wide ? Row{"CIDR", "NAT", "IPIP"} : Row{"CIDR"};
    for (const auto& res : r.resources) {
      const auto* p = std::get_if<IpPool>(&res);
      if (!p) continue;
      if (wide)
        rows.push_back({to_string(p->cidr), p->nat_outgoing ? "true" : "false",
                        p->ipip == IpipMode::Off ? "false" : std::string(to_string(p->ipip))});
      else
        rows.push_back({to_string(p->cidr)});
    }
  } else {
    header = {"SCOPE", "PEERIP", cmd.dialect() == V1Dialect::Alpha ? "HOSTNAME" : "NODE", "ASN"};
    for (const auto& res : r.resources) {
      const auto* p = std::get_if<BgpPeer>(&res);
      if (!p) continue;
      std::string ip = p->peer_ip ? to_string(*p->peer_ip) : "peerSelector: " + p->peer_selector;
      std::string node = p->scope == PeerScope::Node ? p->node : p->node_selector;
      rows.push_back({p->scope == PeerScope::Global ? "global" : "node", ip, node, asn_cell(*p)});
    }
  }
  return tabwriter_table(header, rows) + "\n";
}

// A table per kind, in the order the kinds first appear (get -f may name several kinds); a listing
// by kind prints that kind's table even when it is empty.
std::string get_table(const CtlCommand& cmd, const CtlResult& r) {
  std::vector<std::string> kinds;
  auto canonical = [](std::string k) {
    if (k == "Node") return std::string("node");
    if (k == "IPPool") return std::string("ipPool");
    if (k == "BGPPeer") return std::string("bgpPeer");
    return k;
  };
  for (const auto& res : r.resources) {
    auto k = canonical(kind_name(res));
    if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(k);
  }
  if (kinds.empty() && !r.get_kind.empty()) kinds.push_back(canonical(r.get_kind));
  std::string out;
  for (const auto& k : kinds) {
    CtlResult part = r;
    part.resources.clear();
    for (const auto& res : r.resources)
      if (canonical(kind_name(res)) == k) part.resources.push_back(res);
    out += kind_table(cmd, part, k);
  }
  return out;
}

}  // namespace

CtlText format_ctl_result(const CtlCommand& cmd, const CtlResult& r) {
  CtlText t;
  // Input problems: every diagnostic with its position; nothing was applied.
  if (r.input_invalid) {
    t.err = r.diagnostics.to_string();
    std::size_t n = r.diagnostics.error_count();
    t.err += "Failed to execute command: " + std::to_string(n) + (n == 1 ? " error" : " errors") + " in " +
             (cmd.filename == "-" ? std::string("<stdin>") : cmd.filename) + "; nothing was " +
             (cmd.verb == CtlVerb::Get ? "read" : past_tense(cmd.verb)) + "\n";
    return t;
  }
  switch (cmd.verb) {
    case CtlVerb::Create:
    case CtlVerb::Apply:
    case CtlVerb::Replace:
    case CtlVerb::Delete:
      (r.error.empty() ? t.out : t.err) += resource_summary(r) + "\n";
      break;
    case CtlVerb::Get:
      if (!r.error.empty()) {
        t.err += "Failed to get resources: " + r.error + "\n";
        break;
      }
      if (cmd.output == "yaml")
        t.out = to_yaml_list(r.resources, cmd.dialect());
      else if (cmd.output == "json")
        t.out = to_json_list(r.resources, cmd.dialect());
      else
        t.out = get_table(cmd, r);
      break;
    case CtlVerb::ConfigSet:
    case CtlVerb::ConfigUnset:
    case CtlVerb::ConfigView:
    case CtlVerb::ConfigGet:
      if (!r.error.empty()) {
        t.err += "Error executing command: " + r.error + "\n";
        break;
      }
      if (cmd.verb == CtlVerb::ConfigGet) t.out = r.config_value + "\n";
      if (cmd.verb == CtlVerb::ConfigView) {
        std::vector<Row> rows;
        for (const auto& c : r.config_rows)
          rows.push_back({c.component, c.scope, c.hostname, c.name, c.value});
        t.out = tabwriter_table({"COMPONENT", "SCOPE", "HOSTNAME", "NAME", "VALUE"}, rows);
      }
      break;
    default:
      break;
  }
  return t;
}

namespace {
// The options peerlab adds to calicoctl's (topology/ctl.hpp), with their defaults.
std::string peerlab_options() {
  const InputLimits d;
  return "peerlab options, valid with every command:\n"
         "     --lock-timeout=<SECONDS>  How long to wait for another writer's lock on the datastore\n"
         "                               [default: " +
         std::to_string(Datastore::kDefaultLockTimeout.count() / 1000) +
         "].\n"
         "     --max-file-size=<SIZE>    Largest --filename input or datastore file read [default: " +
         std::to_string(d.max_file_bytes >> 20) +
         "MiB].\n"
         "     --max-depth=<N>           Deepest nesting of YAML lists and mappings [default: " +
         std::to_string(d.max_depth) +
         "].\n"
         "     --max-yaml-nodes=<N>      Most YAML nodes in one document, aliases expanded [default: " +
         std::to_string(d.max_yaml_nodes) +
         "].\n"
         "     --max-resources=<N>       Most resources in one file [default: " +
         std::to_string(d.max_resources) + "].\n\n";
}
}  // namespace

std::string ctl_help(const std::string& topic) {
  static const char* kIntro =
      "peerlab keeps the Calico datastore in a YAML file: --datastore=<PATH>, else the datastorePath of a\n"
      "calicoctl config file given with --config, else $PEERLAB_DATASTORE, else "
      "./peerlab-datastore.yaml.\n\n";
  if (topic == "create" || topic == "apply" || topic == "replace") {
    std::string extra = topic == "create" ? " [--skip-exists]" : "";
    return std::string(kIntro) + "Usage:\n  calicoctl " + topic + " --filename=<FILENAME>" + extra +
           " [--config=<CONFIG>] [--datastore=<PATH>]\n\n"
           "Options:\n"
           "  -f --filename=<FILENAME>  Filename to use to " +
           topic + " the resource.  If set to \"-\" loads from stdin.\n" +
           (topic == "create" ? "     --skip-exists          Skip over and treat as successful any attempts "
                                "to create an entry that\n"
                                "                            already exists.\n"
                              : "") +
           "\nResources are processed in the order given; processing stops at the first error.\n" +
           (topic == "create"
                ? "Creating a resource that already exists is an error unless --skip-exists is set.\n"
            : topic == "replace"
                ? "Replacing a resource that does not exist is an error.\n"
                : "Apply creates a resource if it does not exist, and replaces it if it does.\n");
  }
  if (topic == "delete")
    return std::string(kIntro) +
           "Usage:\n  calicoctl delete ([--scope=<SCOPE>] [--hostname=<HOSTNAME>|--node=<NODE>] <KIND> "
           "<NAME> |\n"
           "                    --filename=<FILE>) [--skip-not-exists] [--config=<CONFIG>] "
           "[--datastore=<PATH>]\n\n"
           "Examples:\n  calicoctl delete bgpPeer 192.20.30.40 --scope=global\n"
           "  calicoctl delete bgpPeer aa:bb::ff --scope=node --hostname=Node1\n\n"
           "Options:\n  -s --skip-not-exists      Skip over and treat as successful any attempts to delete a "
           "resource that\n"
           "                            does not exist.\n"
           "  -f --filename=<FILENAME>  Filename to use to delete the resource.  If set to \"-\" loads from "
           "stdin.\n"
           "     --scope=<SCOPE>        One of global, node.  Only valid for BGP peers.\n"
           "  -n --hostname=<HOSTNAME>  The node (also --node).  Only valid for node-scoped BGP peers.\n\n"
           "Valid kinds: node (nodes, no), bgpPeer (bgppeers, bgpp, bp), ipPool (ippools, ipp, pool).\n";
  if (topic == "get")
    return std::string(kIntro) +
           "Usage:\n  calicoctl get ([--scope=<SCOPE>] [--hostname=<HOSTNAME>|--node=<NODE>] <KIND> [<NAME>] "
           "|\n"
           "                 --filename=<FILENAME>) [--output=<OUTPUT>] [--config=<CONFIG>] "
           "[--datastore=<PATH>]\n\n"
           "Examples:\n  calicoctl get bgpPeer --scope=global\n  calicoctl get bgpPeer --scope=node\n"
           "  calicoctl get nodes -o wide\n\n"
           "Options:\n  -o --output=<OUTPUT>      One of: ps, wide, yaml, json.  [Default: ps]\n"
           "     --scope=<SCOPE>        One of global, node.  Only valid for BGP peers.\n"
           "  -n --hostname=<HOSTNAME>  The node (also --node); with --node, tables say NODE instead of "
           "HOSTNAME.\n\n"
           "The resource type is case insensitive and may be pluralized. Attempting to get resources that do "
           "not\n"
           "exist will simply return no results.\n";
  if (topic == "config")
    return std::string(kIntro) +
           "Usage:\n"
           "  calicoctl config set <NAME> <VALUE> [--scope=<SCOPE>] [--component=<COMPONENT>] "
           "[--hostname=<HOSTNAME>]\n"
           "  calicoctl config unset <NAME> [--scope=<SCOPE>] [--component=<COMPONENT>] "
           "[--hostname=<HOSTNAME>]\n"
           "  calicoctl config view [<NAME>] [--scope=<SCOPE>] [--component=<COMPONENT>] "
           "[--hostname=<HOSTNAME>]\n"
           "  calicoctl config get <NAME> [--node=<NODE>] [--raw=(bgp|felix)]\n\n"
           " Name                | Component | Scope       | Value                  | Unset value\n"
           "---------------------+-----------+-------------+------------------------+-------------\n"
           " logLevel            | bgp       | global,node | none,debug,info        | -\n"
           " nodeToNodeMesh      | bgp       | global      | on,off                 | on\n"
           " defaultNodeASNumber | bgp       | global      | 0-4294967295           | 64511\n"
           " ipip                | felix     | global      | on,off                 | -\n\n"
           "'asNumber' is accepted for defaultNodeASNumber (calicoctl v1.0). 'view' prints the table of "
           "matching\n"
           "settings (NAME, --scope, --component and --hostname act as filters); 'get' prints the bare "
           "value.\n";
  if (topic == "node" || topic == "status")
    return std::string(kIntro) +
           "Usage:\n  calicoctl node status [--hostname=<HOSTNAME>|--node=<NODE>]\n  calicoctl status\n\n"
           "Simulates the datastore's cluster and prints the BGP sessions of one node as calico/node would\n"
           "report them. The node is --hostname, else $PEERLAB_NODE, else the only node in the datastore.\n";
  return std::string(kIntro) +
         "Usage:\n"
         "  calicoctl [options] <command> [<args>...]\n\n"
         "    create    Create a resource by filename or stdin.\n"
         "    replace   Replace a resource by filename or stdin.\n"
         "    apply     Apply a resource by filename or stdin.  This creates a resource\n"
         "              if it does not exist, and replaces a resource if it does exists.\n"
         "    delete    Delete a resource identified by file, stdin or resource type and\n"
         "              name.\n"
         "    get       Get a resource identified by file, stdin or resource type and\n"
         "              name.\n"
         "    config    Manage system-wide and low-level node configuration options.\n"
         "    node      Calico node management (node status).\n"
         "    version   Display the version of calicoctl.\n\n"
         "Options:\n"
         "  -h --help               Show this screen.\n"
         "     --datastore=<PATH>   The peerlab datastore file.\n"
         "  -c --config=<CONFIG>    A calicoctl config file (kind: calicoApiConfig, datastoreType: "
         "file).\n\n" +
         peerlab_options() + "See 'calicoctl <command> --help' to read about a specific subcommand.\n";
}

}  // namespace peerlab::reports
