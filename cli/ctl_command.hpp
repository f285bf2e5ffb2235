// `peerlab ctl …` and the `calicoctl` alias: parse, run against the datastore, print.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace peerlab::cli {

// Runs one calicoctl command line (the words after "calicoctl"); returns the exit status.
int run_ctl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace peerlab::cli
