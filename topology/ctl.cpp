// calicoctl commands as operations on the model (see ctl.hpp).
#include "topology/ctl.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <set>

#include "topology/util.hpp"
#include "topology/validate.hpp"

namespace peerlab {

namespace {

std::string join(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) out += (out.empty() ? "" : " ") + a;
  return out;
}

CtlUsageError usage(const std::vector<std::string>& args, std::string detail) {
  return {"Invalid option: 'calicoctl " + join(args) +
              "'. Use flag '--help' to read about a specific subcommand.",
          std::move(detail)};
}

// A whole number (digits only); nullopt when malformed or beyond 2^64.
std::optional<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

// Seconds with up to three decimals ("10", "0.5") as milliseconds; nullopt when malformed.
std::optional<std::uint64_t> parse_seconds_as_ms(const std::string& text) {
  const auto dot = text.find('.');
  auto whole = parse_count(text.substr(0, dot));
  if (!whole || *whole > 1'000'000) return std::nullopt;
  std::uint64_t ms = *whole * 1000;
  if (dot != std::string::npos) {
    const std::string frac = text.substr(dot + 1);
    if (frac.empty() || frac.size() > 3 || !parse_count(frac)) return std::nullopt;
    ms += *parse_count(frac + std::string(3 - frac.size(), '0'));
  }
  return ms;
}

}  // namespace

// ---- parsing ---------------------------------------------------------------------------------

std::variant<CtlCommand, CtlUsageError> parse_ctl_args(const std::vector<std::string>& args) {
  CtlCommand cmd;
  std::vector<std::string> positional;
  bool help = false;
  std::set<std::string> seen;  // options given, for per-command checks
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 2 || a[0] != '-' || a == "-") {
      positional.push_back(a);
      continue;
    }
    std::string opt = a, value;
    bool has_value = false;
    if (auto eq = a.find('='); eq != std::string::npos && a.rfind("--", 0) == 0) {
      opt = a.substr(0, eq);
      value = a.substr(eq + 1);
      has_value = true;
    } else if (a.rfind("--", 0) != 0 && a.size() > 2) {
      // "-fFILE" / "-oyaml"
      opt = a.substr(0, 2);
      value = a.substr(2);
      has_value = true;
    }
    auto take_value = [&]() -> bool {
      if (has_value) return true;
      if (i + 1 >= args.size()) return false;
      value = args[++i];
      return true;
    };
    static const std::set<std::string> flags = {"--skip-exists", "--skip-not-exists", "-s", "-h", "--help"};
    static const std::set<std::string> valued = {
        "-f", "--filename", "--scope", "-n", "--hostname", "--node", "-o", "--output", "--component", "--raw",
        "--config", "-c", "--datastore", "-l", "--log-level",
        // peerlab extensions
        "--max-file-size", "--max-depth", "--max-yaml-nodes", "--max-resources", "--lock-timeout"};
    if (flags.count(opt)) {
      if (has_value) return usage(args, "option " + opt + " takes no value");
      seen.insert(opt);
      if (opt == "--skip-exists")
        cmd.skip_exists = true;
      else if (opt == "--skip-not-exists" || opt == "-s")
        cmd.skip_not_exists = true;
      else
        help = true;
      continue;
    }
    if (!valued.count(opt)) return usage(args, "unknown option " + opt);
    if (!take_value()) return usage(args, "option " + opt + " needs a value");
    seen.insert(opt);
    if (opt == "-f" || opt == "--filename")
      cmd.filename = value;
    else if (opt == "--scope")
      cmd.scope = value;
    else if (opt == "-n" || opt == "--hostname")
      cmd.node = value;
    else if (opt == "--node")
      cmd.node = value, cmd.node_flag_v1 = true;
    else if (opt == "-o" || opt == "--output")
      cmd.output = value;
    else if (opt == "--component")
      cmd.component = value;
    else if (opt == "--raw")
      cmd.raw = value;
    else if (opt == "--config" || opt == "-c")
      cmd.config_file = value;
    else if (opt == "--datastore")
      cmd.datastore = value;
    else if (opt == "--max-file-size") {
      auto bytes = parse_byte_size(value);
      if (!bytes || *bytes == 0)
        return usage(args, "--max-file-size needs a size in bytes, with an optional unit (64MiB), not '" +
                               value + "'");
      cmd.limits.max_file_bytes = *bytes;
    } else if (opt == "--max-depth" || opt == "--max-yaml-nodes" || opt == "--max-resources") {
      auto n = parse_count(value);
      const std::uint64_t most = opt == "--max-depth" ? 1000 : std::numeric_limits<std::uint32_t>::max();
      if (!n || *n == 0 || *n > most)
        return usage(
            args, opt + " needs a whole number from 1 to " + std::to_string(most) + ", not '" + value + "'");
      if (opt == "--max-depth")
        cmd.limits.max_depth = static_cast<int>(*n);
      else if (opt == "--max-yaml-nodes")
        cmd.limits.max_yaml_nodes = *n;
      else
        cmd.limits.max_resources = *n;
    } else if (opt == "--lock-timeout") {
      auto ms = parse_seconds_as_ms(value);
      if (!ms || *ms > 3'600'000)
        return usage(
            args, "--lock-timeout needs a number of seconds from 0 to 3600 (10, 0.5), not '" + value + "'");
      cmd.lock_timeout = std::chrono::milliseconds(*ms);
    }
    // -l/--log-level: accepted for compatibility; peerlab's own logging is not levelled.
  }
  if (positional.empty()) {
    cmd.verb = CtlVerb::Help;
    return cmd;
  }
  const std::string verb = positional[0];
  auto allow_only = [&](std::initializer_list<const char*> allowed) -> std::string {
    static const std::set<std::string> global_opts = {"--config",        "-c",
                                                      "--datastore",     "-l",
                                                      "--log-level",     "-h",
                                                      "--help",          "--max-file-size",
                                                      "--max-depth",     "--max-yaml-nodes",
                                                      "--max-resources", "--lock-timeout"};
    for (const auto& o : seen) {
      if (global_opts.count(o)) continue;
      bool ok = false;
      for (const char* x : allowed) ok = ok || o == x;
      if (!ok) return "option " + o + " is not valid for '" + verb + "'";
    }
    return {};
  };
  if (help) {
    cmd.verb = CtlVerb::Help;
    cmd.help_topic = verb;
    return cmd;
  }
  if (verb == "create" || verb == "apply" || verb == "replace") {
    cmd.verb = verb == "create" ? CtlVerb::Create : verb == "apply" ? CtlVerb::Apply : CtlVerb::Replace;
    if (positional.size() != 1) return usage(args, "'" + verb + "' takes no arguments besides --filename");
    if (cmd.filename.empty()) return usage(args, "'" + verb + "' needs --filename=<FILENAME> (or -f -)");
    auto bad = verb == "create" ? allow_only({"-f", "--filename", "--skip-exists"})
                                : allow_only({"-f", "--filename"});
    if (!bad.empty()) return usage(args, bad);
    return cmd;
  }
  if (verb == "delete" || verb == "get") {
    cmd.verb = verb == "delete" ? CtlVerb::Delete : CtlVerb::Get;
    auto bad =
        verb == "delete"
            ? allow_only(
                  {"-f", "--filename", "--scope", "-n", "--hostname", "--node", "--skip-not-exists", "-s"})
            : allow_only({"-f", "--filename", "--scope", "-n", "--hostname", "--node", "-o", "--output"});
    if (!bad.empty()) return usage(args, bad);
    if (!cmd.filename.empty()) {
      if (positional.size() != 1) return usage(args, "give either --filename or KIND [NAME], not both");
      return cmd;
    }
    if (positional.size() < 2 || positional.size() > 3)
      return usage(args, "'" + verb + "' needs KIND [NAME] or --filename");
    cmd.kind = positional[1];
    if (positional.size() == 3) cmd.name = positional[2];
    return cmd;
  }
  if (verb == "config") {
    if (positional.size() < 2) return usage(args, "'config' needs set, unset, view or get");
    const std::string sub = positional[1];
    auto bad = allow_only({"--scope", "-n", "--hostname", "--node", "--component", "--raw"});
    if (!bad.empty()) return usage(args, bad);
    if (sub == "set") {
      if (positional.size() != 4) return usage(args, "'config set' needs NAME VALUE");
      cmd.verb = CtlVerb::ConfigSet;
      cmd.config_name = positional[2];
      cmd.config_value = positional[3];
    } else if (sub == "unset" || sub == "get") {
      if (positional.size() != 3) return usage(args, "'config " + sub + "' needs NAME");
      cmd.verb = sub == "unset" ? CtlVerb::ConfigUnset : CtlVerb::ConfigGet;
      cmd.config_name = positional[2];
    } else if (sub == "view") {
      if (positional.size() > 3) return usage(args, "'config view' takes at most one NAME");
      cmd.verb = CtlVerb::ConfigView;
      if (positional.size() == 3) cmd.config_name = positional[2];
    } else {
      return usage(args, "unknown config command '" + sub + "'; use set, unset, view or get");
    }
    return cmd;
  }
  if (verb == "status" || (verb == "node" && positional.size() >= 2 && positional[1] == "status")) {
    cmd.verb = CtlVerb::NodeStatus;
    std::size_t expect = verb == "status" ? 1 : 2;
    if (positional.size() != expect) return usage(args, "'node status' takes no arguments");
    auto bad = allow_only({"-n", "--hostname", "--node"});
    if (!bad.empty()) return usage(args, bad);
    return cmd;
  }
  if (verb == "node") {
    return usage(args, positional.size() < 2
                           ? "'node' needs a command; peerlab supports 'node status'"
                           : "'node " + positional[1] + "' is not supported; peerlab supports 'node status'");
  }
  if (verb == "version") {
    cmd.verb = CtlVerb::Version;
    return cmd;
  }
  if (verb == "help") {
    cmd.verb = CtlVerb::Help;
    if (positional.size() > 1) cmd.help_topic = positional[1];
    return cmd;
  }
  return usage(args, "unknown command '" + verb + "'");
}

std::variant<CtlCommand, CtlUsageError> parse_ctl_line(const std::string& line) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == quote)
        quote = 0;
      else if (c == '\\' && quote == '"' && i + 1 < line.size())
        cur += line[++i];
      else
        cur += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      cur += line[++i];
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(cur), cur.clear(), in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (quote) return CtlUsageError{"Invalid option: '" + line + "'.", "unterminated quote"};
  if (in_word) words.push_back(cur);
  std::size_t skip = 0;
  if (!words.empty() && (words[0] == "calicoctl" || words[0].ends_with("/calicoctl")))
    skip = 1;
  else if (words.size() >= 2 && (words[0] == "peerlab" || words[0].ends_with("/peerlab")) &&
           words[1] == "ctl")
    skip = 2;
  return parse_ctl_args(std::vector<std::string>(words.begin() + static_cast<long>(skip), words.end()));
}

// ---- identity --------------------------------------------------------------------------------

std::string resource_id(const Resource& r, V1Dialect dialect) {
  return std::visit(
      overloaded{
          [](const Node& n) { return "Node(name=" + n.name + ")"; },
          [&](const BgpPeer& p) -> std::string {
            if (p.flavor == ApiFlavor::V3) return "BGPPeer(name=" + p.name + ")";
            std::string ip = p.peer_ip ? to_string(*p.peer_ip) : "";
            if (p.scope == PeerScope::Global) return "BGPPeer(global, ip=" + ip + ")";
            return std::string("BGPPeer(") + (dialect == V1Dialect::Alpha ? "hostname=" : "node=") + p.node +
                   ", ip=" + ip + ")";
          },
          [](const IpPool& p) {
            return p.flavor == ApiFlavor::V3 ? "IPPool(name=" + p.name + ")"
                                             : "IPPool(cidr=" + to_string(p.cidr) + ")";
          },
          [](const BgpConfiguration& c) { return "BGPConfiguration(name=" + c.name + ")"; },
          [](const ClusterConfigResource&) { return std::string("ClusterConfig(name=default)"); },
          [](const Segment& s) { return "Segment(name=" + s.name + ")"; },
          [](const Router& r) { return "Router(name=" + r.name + ")"; },
          [](const Link& l) { return "Link(name=" + l.name + ")"; },
          [](const TimerSettings&) { return std::string("BGPTimers(name=default)"); },
          [](const CheckLimitSettings&) { return std::string("CheckLimits(name=default)"); },
      },
      r);
}

namespace {

// Two resources with the same identity (calicoctl's backend key).
bool same_key(const Resource& a, const Resource& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      overloaded{
          [&](const Node& x) { return x.name == std::get<Node>(b).name; },
          [&](const BgpPeer& x) {
            const auto& y = std::get<BgpPeer>(b);
            if (x.flavor != y.flavor) return false;
            if (x.flavor == ApiFlavor::V3) return x.name == y.name;
            return x.scope == y.scope && x.node == y.node && x.peer_ip == y.peer_ip;
          },
          [&](const IpPool& x) {
            const auto& y = std::get<IpPool>(b);
            if (x.flavor != y.flavor) return x.cidr.masked() == y.cidr.masked();
            return x.flavor == ApiFlavor::V3 ? x.name == y.name : x.cidr.masked() == y.cidr.masked();
          },
          [&](const BgpConfiguration& x) { return x.name == std::get<BgpConfiguration>(b).name; },
          [&](const ClusterConfigResource&) { return true; },
          [&](const Segment& x) { return x.name == std::get<Segment>(b).name; },
          [&](const Router& x) { return x.name == std::get<Router>(b).name; },
          [&](const Link& x) { return x.name == std::get<Link>(b).name; },
          [&](const TimerSettings&) { return true; },
          [&](const CheckLimitSettings&) { return true; },
      },
      a);
}

bool is_config(const Resource& r) {
  return std::holds_alternative<BgpConfiguration>(r) || std::holds_alternative<ClusterConfigResource>(r);
}

const ClusterConfig& config_values(const Resource& r) {
  if (auto* c = std::get_if<BgpConfiguration>(&r)) return c->values;
  return std::get<ClusterConfigResource>(r).values;
}

void unset_from(ClusterConfig& into, const ClusterConfig& from) {
  if (from.as_number) into.as_number.reset();
  if (from.node_to_node_mesh) into.node_to_node_mesh.reset();
  if (from.log_level) into.log_level.reset();
  if (from.ipip) into.ipip.reset();
  for (const auto& [k, v] : from.node_log_level) into.node_log_level.erase(k);
}

void rebuild(Topology& model, const std::vector<Resource>& list) {
  Topology t;
  Diagnostics ignored;  // keys are unique by construction
  add_resources(t, list, ignored);
  model = std::move(t);
}

CtlResult run_resource_verb(const CtlCommand& cmd, Topology& model, const ParsedFile& input) {
  CtlResult res;
  res.verb = cmd.verb;
  res.diagnostics.append(input.diagnostics);
  for (const auto& r : input.resources)
    if (auto* p = std::get_if<IpPool>(&r)) validate_pool(*p, res.diagnostics);
  if (res.diagnostics.has_errors()) {
    res.input_invalid = true;
    res.exit_code = 1;
    return res;
  }
  res.total = input.resources.size();
  if (res.total == 0) {
    res.error = "No resources specified in file";
    res.no_resources = true;
    res.exit_code = 1;
    return res;
  }
  std::set<std::string> kinds;
  for (const auto& r : input.resources) kinds.insert(kind_name(r));
  if (kinds.size() == 1) res.kind_label = *kinds.begin();

  std::vector<Resource> list = to_resources(model);
  for (const auto& r : input.resources) {
    auto it = std::find_if(list.begin(), list.end(), [&](const Resource& x) { return same_key(x, r); });
    if (is_config(r)) {
      // Configuration merges into the one cluster configuration rather than being keyed.
      auto cit = std::find_if(list.begin(), list.end(), [](const Resource& x) {
        return std::holds_alternative<ClusterConfigResource>(x);
      });
      if (cit == list.end()) {
        list.insert(list.begin(), ClusterConfigResource{});
        cit = list.begin();
      }
      auto& cfg = std::get<ClusterConfigResource>(*cit).values;
      if (cmd.verb == CtlVerb::Delete)
        unset_from(cfg, config_values(r));
      else
        cfg.merge(config_values(r));
      ++res.handled;
      res.modified = true;
      continue;
    }
    const bool exists = it != list.end();
    switch (cmd.verb) {
      case CtlVerb::Create:
        if (exists) {
          if (cmd.skip_exists) {
            ++res.handled;
            continue;
          }
          res.error = "resource already exists: " + resource_id(r, cmd.dialect());
        } else {
          list.push_back(r);
        }
        break;
      case CtlVerb::Replace:
        if (!exists)
          res.error = "resource does not exist: " + resource_id(r, cmd.dialect());
        else
          *it = r;
        break;
      case CtlVerb::Apply:
        if (exists)
          *it = r;
        else
          list.push_back(r);
        break;
      case CtlVerb::Delete:
        if (!exists) {
          if (cmd.skip_not_exists) {
            ++res.handled;
            continue;
          }
          res.error = "resource does not exist: " + resource_id(r, cmd.dialect());
        } else {
          list.erase(it);
        }
        break;
      default:
        break;
    }
    if (!res.error.empty()) break;
    ++res.handled;
    res.modified = true;
  }
  if (res.modified) rebuild(model, list);
  if (!res.error.empty()) res.exit_code = 1;
  // What calicoctl accepts but a review would question (a peer for an undeclared node, two nodes
  // with one address) is left to `peerlab validate`/`check`: calicoctl prints nothing for it.
  return res;
}

// ---- get and delete by kind/name -------------------------------------------------------------

std::string unsupported_kind(const std::string& kind) {
  return "Resource type '" + kind + "' is not supported (peerlab models node, bgpPeer and ipPool)";
}

std::string check_scope(const CtlCommand& cmd) {
  if (cmd.scope && *cmd.scope != "global" && *cmd.scope != "node")
    return "Unrecognized scope '" + *cmd.scope + "', must be one of: global, node";
  return {};
}

CtlResult run_get(const CtlCommand& cmd, Topology& model, const ParsedFile* input) {
  CtlResult res;
  res.verb = CtlVerb::Get;
  res.default_as = model.config.effective_as();
  static const std::set<std::string> outputs = {"ps", "wide", "yaml", "json"};
  if (!outputs.count(cmd.output)) {
    res.error = "unrecognized output format '" + cmd.output + "'";
    res.exit_code = 1;
    return res;
  }
  if (input) {
    // get -f: the resources named by the file, as they are in the datastore.
    res.diagnostics.append(input->diagnostics);
    if (res.diagnostics.has_errors()) {
      res.input_invalid = true;
      res.exit_code = 1;
      return res;
    }
    auto list = to_resources(model);
    for (const auto& r : input->resources)
      for (const auto& x : list)
        if (same_key(x, r)) res.resources.push_back(x);
    if (!input->resources.empty()) res.get_kind = kind_name(input->resources.front());
    return res;
  }
  std::string kind = resolve_kind_alias(cmd.kind);
  if (kind.empty()) {
    res.error = unsupported_kind(cmd.kind);
    res.exit_code = 1;
    return res;
  }
  if (auto e = check_scope(cmd); !e.empty()) {
    res.error = e;
    res.exit_code = 1;
    return res;
  }
  res.get_kind = kind;
  if (kind == "node") {
    for (const auto& n : model.nodes)
      if (cmd.name.empty() || n.name == cmd.name) res.resources.emplace_back(n);
  } else if (kind == "ipPool") {
    for (const auto& p : model.pools) {
      if (!cmd.name.empty()) {
        auto want = parse_prefix(cmd.name, false);
        if (!(want && want->masked() == p.cidr.masked()) && cmd.name != p.name) continue;
      }
      res.resources.emplace_back(p);
    }
  } else {
    // calicoctl's List: global peers when the scope is global, or undefined with no node given;
    // node peers when the scope is node or undefined (only that node's when one is given).
    bool want_global = cmd.scope ? *cmd.scope == "global" : !cmd.node.has_value();
    bool want_node = !cmd.scope || *cmd.scope == "node";
    std::optional<IpAddr> want_ip;
    if (!cmd.name.empty()) {
      want_ip = parse_ip(cmd.name);
      if (!want_ip) {
        res.error = "invalid peer IP '" + cmd.name + "'";
        res.exit_code = 1;
        return res;
      }
    }
    for (int pass = 0; pass < 2; ++pass)
      for (const auto& p : model.peers) {
        bool global = p.scope == PeerScope::Global;
        if ((pass == 0) != global) continue;
        if (global && !want_global) continue;
        if (!global && (!want_node || (cmd.node && p.node != *cmd.node))) continue;
        if (want_ip && p.peer_ip != want_ip) continue;
        res.resources.emplace_back(p);
      }
  }
  return res;
}

CtlResult run_delete_by_name(const CtlCommand& cmd, Topology& model) {
  CtlResult res;
  res.verb = CtlVerb::Delete;
  res.total = 1;
  std::string kind = resolve_kind_alias(cmd.kind);
  if (kind.empty()) {
    res.error = unsupported_kind(cmd.kind);
    res.total = 0;
    res.exit_code = 1;
    return res;
  }
  res.kind_label = kind;
  if (cmd.name.empty()) {
    res.error = "resource name is required to delete a " + kind;
    res.exit_code = 1;
    return res;
  }
  // Build the identity of the resource to delete and reuse the file-based path.
  ParsedFile as_file;
  if (kind == "node") {
    Node n;
    n.name = cmd.name;
    as_file.resources.emplace_back(n);
  } else if (kind == "ipPool") {
    IpPool p;
    auto c = parse_prefix(cmd.name, false);
    if (!c) {
      res.error = "invalid CIDR '" + cmd.name + "'";
      res.exit_code = 1;
      return res;
    }
    p.cidr = *c;
    as_file.resources.emplace_back(p);
  } else {
    if (auto e = check_scope(cmd); !e.empty()) {
      res.error = e;
      res.exit_code = 1;
      return res;
    }
    BgpPeer p;
    p.peer_ip = parse_ip(cmd.name);
    if (!p.peer_ip) {
      res.error = "invalid peer IP '" + cmd.name + "'";
      res.exit_code = 1;
      return res;
    }
    std::string scope = cmd.scope.value_or(cmd.node ? "node" : "");
    if (scope.empty()) {
      res.error = "insufficient identifiers, missing 'scope'";
      res.exit_code = 1;
      return res;
    }
    p.scope = scope == "global" ? PeerScope::Global : PeerScope::Node;
    if (p.scope == PeerScope::Node) {
      if (!cmd.node) {
        res.error = std::string("insufficient identifiers, missing '") +
                    (cmd.node_flag_v1 ? "node" : "hostname") + "'";
        res.exit_code = 1;
        return res;
      }
      p.node = *cmd.node;
    } else if (cmd.node) {
      res.error = "no BGP Peer node name should be specified when scope is global";
      res.exit_code = 1;
      return res;
    }
    as_file.resources.emplace_back(p);
  }
  CtlCommand c = cmd;
  c.verb = CtlVerb::Delete;
  auto out = run_resource_verb(c, model, as_file);
  out.kind_label = kind;
  return out;
}

// ---- config ----------------------------------------------------------------------------------

// The alpha `config` table (calico-model.md §1.1): NAME, COMPONENT, SCOPES, unset value.
struct ConfigOption {
  const char* name;
  const char* v1_name;
  const char* component;
  bool node_scope;
};
const std::vector<ConfigOption>& config_options() {
  static const std::vector<ConfigOption> o = {
      {"logLevel", "logLevel", "bgp", true},
      {"nodeToNodeMesh", "nodeToNodeMesh", "bgp", false},
      {"defaultNodeASNumber", "asNumber", "bgp", false},
      {"ipip", "ipip", "felix", false},
  };
  return o;
}

const ConfigOption* find_option(std::string_view name) {
  auto n = ascii_lower(name);
  for (const auto& o : config_options())
    if (ascii_lower(o.name) == n || ascii_lower(o.v1_name) == n) return &o;
  return nullptr;
}

std::vector<ConfigRow> config_table(const Topology& model) {
  std::vector<ConfigRow> rows;
  const auto& c = model.config;
  rows.push_back({"bgp", "global", "", "defaultNodeASNumber", std::to_string(c.effective_as())});
  if (c.log_level) rows.push_back({"bgp", "global", "", "logLevel", *c.log_level});
  rows.push_back({"bgp", "global", "", "nodeToNodeMesh", c.effective_mesh() ? "on" : "off"});
  for (const auto& [node, level] : c.node_log_level) rows.push_back({"bgp", "node", node, "logLevel", level});
  if (c.ipip) rows.push_back({"felix", "global", "", "ipip", *c.ipip ? "on" : "off"});
  return rows;
}

CtlResult run_config(const CtlCommand& cmd, Topology& model) {
  CtlResult res;
  res.verb = cmd.verb;
  auto fail = [&](std::string e) {
    res.error = std::move(e);
    res.exit_code = 1;
    return res;
  };
  const std::string node_flag = cmd.node_flag_v1 ? "--node" : "--hostname";
  if (cmd.scope && *cmd.scope != "global" && *cmd.scope != "node")
    return fail("unrecognised scope '" + *cmd.scope + "', must be one of: global, node");
  if (cmd.component && *cmd.component != "bgp" && *cmd.component != "felix")
    return fail("unrecognised component '" + *cmd.component + "'");
  if (cmd.raw && *cmd.raw != "bgp" && *cmd.raw != "felix")
    return fail("unrecognised component '" + *cmd.raw + "'");

  if (cmd.verb == CtlVerb::ConfigView) {
    const ConfigOption* opt = nullptr;
    if (!cmd.config_name.empty() && !(opt = find_option(cmd.config_name)))
      return fail("unrecognised config name '" + cmd.config_name + "'");
    for (auto& row : config_table(model)) {
      if (opt && row.name != opt->name) continue;
      if (cmd.scope && row.scope != *cmd.scope) continue;
      if (cmd.component && row.component != *cmd.component) continue;
      if (cmd.node && row.hostname != *cmd.node) continue;
      res.config_rows.push_back(row);
    }
    return res;
  }

  const ConfigOption* opt = find_option(cmd.config_name);
  if (!opt) return fail("unrecognised config name '" + cmd.config_name + "'");
  const std::string component = cmd.component.value_or(cmd.raw.value_or(opt->component));
  if (component != opt->component)
    return fail("config name '" + std::string(opt->name) + "' is not valid for component '" + component +
                "'");
  const bool node_scope = cmd.scope ? *cmd.scope == "node" : cmd.node.has_value();
  if (node_scope && !opt->node_scope)
    return fail(cmd.node ? node_flag + " should not be specified"
                         : "scope 'node' is not valid for " + std::string(opt->name));
  if (cmd.node && !node_scope) return fail(node_flag + " should not be specified");
  if (node_scope && !cmd.node && cmd.verb != CtlVerb::ConfigGet)
    return fail(node_flag + " is required when the scope is node");
  auto& c = model.config;
  const std::string name = opt->name;

  if (cmd.verb == CtlVerb::ConfigGet) {
    if (name == "nodeToNodeMesh")
      res.config_value = c.effective_mesh() ? "on" : "off";
    else if (name == "defaultNodeASNumber")
      res.config_value = std::to_string(c.effective_as());
    else if (name == "ipip")
      res.config_value = c.ipip ? (*c.ipip ? "on" : "off") : (cmd.raw ? "(unset)" : "off");
    else if (node_scope) {
      auto it = cmd.node ? c.node_log_level.find(*cmd.node) : c.node_log_level.end();
      if (it != c.node_log_level.end())
        res.config_value = it->second;
      else
        res.config_value = cmd.raw ? "(unset)" : c.effective_log_level() + " (inherited from global)";
    } else {
      res.config_value = c.log_level ? *c.log_level : (cmd.raw ? "(unset)" : kDefaultLogLevel);
    }
    return res;
  }

  if (cmd.verb == CtlVerb::ConfigUnset) {
    if (name == "nodeToNodeMesh")
      c.node_to_node_mesh.reset();
    else if (name == "defaultNodeASNumber")
      c.as_number.reset();
    else if (name == "ipip")
      c.ipip.reset();
    else if (node_scope)
      c.node_log_level.erase(*cmd.node);
    else
      c.log_level.reset();
    res.modified = true;
    return res;
  }

  // set
  const std::string v = cmd.config_value;
  if (name == "nodeToNodeMesh" || name == "ipip") {
    auto lv = ascii_lower(v);
    if (lv != "on" && lv != "off") return fail("invalid value '" + v + "'");
    (name == "ipip" ? c.ipip : c.node_to_node_mesh) = lv == "on";
  } else if (name == "defaultNodeASNumber") {
    bool digits = !v.empty() && v.size() <= 10 && v.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoull(v) > 4294967295ULL) return fail("the supplied AS number is not valid");
    c.as_number = static_cast<AsNumber>(std::stoull(v));
  } else {
    static const std::set<std::string> bgp_levels = {"none", "debug", "info"};
    if (!bgp_levels.count(ascii_lower(v)))
      return fail("invalid value '" + v + "'; logLevel for bgp is one of none, debug, info");
    if (node_scope)
      c.node_log_level[*cmd.node] = ascii_lower(v);
    else
      c.log_level = ascii_lower(v);
  }
  res.modified = true;
  return res;
}

}  // namespace

CtlResult execute(const CtlCommand& cmd, Topology& model, const ParsedFile* input) {
  switch (cmd.verb) {
    case CtlVerb::Create:
    case CtlVerb::Apply:
    case CtlVerb::Replace: {
      ParsedFile empty;
      return run_resource_verb(cmd, model, input ? *input : empty);
    }
    case CtlVerb::Delete:
      if (!cmd.filename.empty()) {
        ParsedFile empty;
        return run_resource_verb(cmd, model, input ? *input : empty);
      }
      return run_delete_by_name(cmd, model);
    case CtlVerb::Get:
      return run_get(cmd, model, cmd.filename.empty() ? nullptr : input);
    case CtlVerb::ConfigSet:
    case CtlVerb::ConfigUnset:
    case CtlVerb::ConfigView:
    case CtlVerb::ConfigGet:
      return run_config(cmd, model);
    default: {
      CtlResult r;
      r.verb = cmd.verb;
      return r;
    }
  }
}

}  // namespace peerlab
