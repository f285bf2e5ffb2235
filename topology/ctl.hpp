// calicoctl as a library (style.md, "calicoctl commands are a library, not CLI code"): a command
// line is parsed into a `CtlCommand`, and `execute` applies it to a model, returning a structured
// `CtlResult`. The `ctl` subcommand, the `calicoctl` alias and scenario steps all run this code;
// only the printing (reports/ctl_output) differs from nothing.
//
// Semantics follow calicoctl (calico-model.md §1.3–1.6): resources are processed in the order
// given and processing stops at the first error (earlier ones stay applied: "Partial success");
// create of an existing key fails unless --skip-exists; replace/delete of a missing key fails
// unless --skip-not-exists (delete); apply creates or replaces.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "topology/diagnostics.hpp"
#include "topology/limits.hpp"
#include "topology/model.hpp"
#include "topology/resources.hpp"

namespace peerlab {

enum class CtlVerb {
  Create,
  Apply,
  Replace,
  Delete,
  Get,
  ConfigSet,
  ConfigUnset,
  ConfigView,  // alpha: the COMPONENT SCOPE HOSTNAME NAME VALUE table
  ConfigGet,   // v1.0: the bare value
  NodeStatus,
  Version,
  Help,
};

struct CtlCommand {
  CtlVerb verb = CtlVerb::Help;
  std::string filename;  // -f/--filename ("-" = stdin)
  bool skip_exists = false;
  bool skip_not_exists = false;
  std::string kind;  // canonical v1 kind for get/delete by type
  std::string name;
  std::optional<std::string> scope;
  std::optional<std::string> node;  // --hostname (alpha) or --node (v1.0)
  bool node_flag_v1 = false;        // --node was used: print v1.0 vocabulary (NODE, node:)
  std::string output = "ps";        // -o/--output
  std::string config_name;
  std::string config_value;
  std::optional<std::string> component;  // alpha config --component
  std::optional<std::string> raw;        // v1 config --raw=(bgp|felix)
  std::string datastore;                 // --datastore (peerlab)
  std::string config_file;               // --config (calicoctl config file)
  // peerlab extensions, valid with every command: the input limits on --filename and on the
  // datastore file (--max-file-size, --max-depth, --max-yaml-nodes, --max-resources), and how long
  // to wait for another writer's lock (--lock-timeout, seconds).
  InputLimits limits;
  std::optional<std::chrono::milliseconds> lock_timeout;
  std::string help_topic;  // for Help: the subcommand asked about

  V1Dialect dialect() const { return node_flag_v1 ? V1Dialect::V1 : V1Dialect::Alpha; }
};

// A calicoctl command line that cannot be understood. `message` is calicoctl's
// "Invalid option: 'calicoctl …'" line; `detail` says what was wrong.
struct CtlUsageError {
  std::string message;
  std::string detail;
};

// Parses arguments as they follow "calicoctl" (or "peerlab ctl"). Options may come anywhere, as
// `--opt=value` or `--opt value`.
std::variant<CtlCommand, CtlUsageError> parse_ctl_args(const std::vector<std::string>& args);
// Splits a command line the way a POSIX shell would for simple cases (quotes, backslashes) and
// parses it; a leading "calicoctl" or "peerlab ctl" is skipped. For scenario steps.
std::variant<CtlCommand, CtlUsageError> parse_ctl_line(const std::string& line);

// One row of the alpha `config view` table.
struct ConfigRow {
  std::string component, scope, hostname, name, value;
};

struct CtlResult {
  CtlVerb verb = CtlVerb::Help;
  int exit_code = 0;
  // Resource operations (create/apply/replace/delete).
  std::string kind_label;  // single kind, e.g. "bgpPeer"; empty when mixed
  std::size_t handled = 0;
  std::size_t total = 0;
  std::string error;        // calicoctl's error text for the resource that failed, if any
  Diagnostics diagnostics;  // problems in the input file (nothing was applied) and warnings
  bool input_invalid = false;
  bool no_resources = false;  // the input file held no resources
  // get
  std::vector<Resource> resources;
  std::string get_kind;                        // canonical kind listed
  AsNumber default_as = kDefaultNodeAsNumber;  // what nodes without an AS inherit
  // config
  std::vector<ConfigRow> config_rows;
  std::string config_value;
  // true when the model changed and must be saved
  bool modified = false;
};

// Applies `cmd` to `model`. `resources` are the parsed contents of cmd.filename for the verbs that
// take a file (the caller reads the file, so that this stays free of I/O).
CtlResult execute(const CtlCommand& cmd, Topology& model, const ParsedFile* input);

// The canonical key text calicoctl uses in errors: BGPPeer(global, ip=…), BGPPeer(hostname=…, ip=…),
// Node(name=…), IPPool(cidr=…).
std::string resource_id(const Resource& r, V1Dialect dialect);

}  // namespace peerlab
