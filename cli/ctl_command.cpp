// The calicoctl front end: the only place where the ctl library meets files and the terminal.
#include "cli/ctl_command.hpp"

#include <cstdlib>
#include <iostream>

#include "reports/ctl_output.hpp"
#include "topology/ctl.hpp"
#include "topology/datastore.hpp"

namespace peerlab::cli {

namespace {
constexpr const char* kVersion = "peerlab calicoctl-compatible CLI 0.1.0 (file datastore)";

bool mutates(CtlVerb v) {
  switch (v) {
    case CtlVerb::Create:
    case CtlVerb::Apply:
    case CtlVerb::Replace:
    case CtlVerb::Delete:
    case CtlVerb::ConfigSet:
    case CtlVerb::ConfigUnset:
      return true;
    default:
      return false;
  }
}
}  // namespace

int run_node_status(const CtlCommand& cmd, const Topology& model, std::ostream& out, std::ostream& err);

int run_ctl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto parsed = parse_ctl_args(args);
  if (auto* u = std::get_if<CtlUsageError>(&parsed)) {
    err << u->message << "\n";
    if (!u->detail.empty()) err << "  " << u->detail << "\n";
    return 1;
  }
  const auto& cmd = std::get<CtlCommand>(parsed);
  if (cmd.verb == CtlVerb::Help) {
    out << reports::ctl_help(cmd.help_topic);
    return 0;
  }
  if (cmd.verb == CtlVerb::Version) {
    out << "Client Version:    " << kVersion << "\n";
    return 0;
  }

  Diagnostics diags;
  std::string path = resolve_datastore_path(cmd.datastore, cmd.config_file, diags);
  if (diags.has_errors()) {
    err << diags.to_string() << "Failed to execute command: the calicoctl config file " << cmd.config_file
        << " cannot be used\n";
    return 1;
  }
  Datastore store(path, cmd.lock_timeout.value_or(Datastore::kDefaultLockTimeout), cmd.limits);

  // The input file is read before the datastore is locked, so a slow stdin never holds the lock.
  ParsedFile input;
  bool has_input = !cmd.filename.empty();
  if (has_input) input = parse_file(cmd.filename, cmd.limits);

  CtlResult result;
  DatastoreError dserr;
  Diagnostics store_diags;
  if (mutates(cmd.verb)) {
    dserr = store.update(
        [&](Topology& model) {
          result = execute(cmd, model, has_input ? &input : nullptr);
          return result.modified;
        },
        store_diags);
  } else {
    Topology model;
    dserr = store.read(model, store_diags);
    if (!dserr) {
      if (cmd.verb == CtlVerb::NodeStatus) return run_node_status(cmd, model, out, err);
      result = execute(cmd, model, has_input ? &input : nullptr);
    }
  }
  if (dserr) {
    err << store_diags.to_string() << "Failed to execute command: " << dserr.message << "\n";
    if (!dserr.hint.empty()) err << "  hint: " << dserr.hint << "\n";
    return 1;
  }
  auto text = reports::format_ctl_result(cmd, result);
  out << text.out;
  err << text.err;
  return result.exit_code;
}

}  // namespace peerlab::cli
