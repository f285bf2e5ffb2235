// How `peerlab ctl` / `calicoctl` prints the result of a command: calicoctl's messages and tables
// (calico-model.md §1.3–1.6), plus peerlab's positioned diagnostics for invalid input. Pure: the
// result in, text out.
#pragma once

#include <string>

#include "topology/ctl.hpp"

namespace peerlab::reports {

struct CtlText {
  std::string out;  // standard output
  std::string err;  // standard error
};

CtlText format_ctl_result(const CtlCommand& cmd, const CtlResult& result);

// The help texts: top level (topic empty) and per command.
std::string ctl_help(const std::string& topic);

}  // namespace peerlab::reports
