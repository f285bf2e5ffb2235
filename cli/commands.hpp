// peerlab's own subcommands (everything except `ctl`), registered on one CLI11 app.
#pragma once

namespace peerlab::cli {

int run_main(int argc, char** argv);

}  // namespace peerlab::cli
