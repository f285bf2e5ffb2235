// Subcommand registration and the small commands; larger ones live in their own files.
#include "cli/commands.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/bench_command.hpp"
#include "cli/check_command.hpp"
#include "cli/demo.hpp"
#include "cli/export_command.hpp"
#include "cli/generate_command.hpp"
#include "cli/limit_options.hpp"
#include "cli/render_command.hpp"
#include "cli/run_command.hpp"
#include "cli/sim_commands.hpp"
#include "topology/resources.hpp"
#include "topology/validate.hpp"

namespace peerlab::cli {

namespace {

// Loads and validates topology files; prints diagnostics to stderr. Exit 0 clean (warnings
// allowed), 1 errors.
int cmd_validate(const std::vector<std::string>& files) {
  Topology t;
  Diagnostics diags;
  for (const auto& f : files) {
    auto parsed = parse_file(f, input_limits());
    diags.append(parsed.diagnostics);
    add_resources(t, parsed.resources, diags);
  }
  if (!diags.has_errors()) validate(t, ValidationMode::Strict, diags);
  std::cerr << diags.to_string();
  if (diags.has_errors()) {
    std::size_t n = diags.error_count();
    std::cerr << n << (n == 1 ? " error" : " errors") << "\n";
    return 1;
  }
  std::cout << "ok: " << t.nodes.size() << " nodes, " << t.peers.size() << " BGP peers, " << t.pools.size()
            << " IP pools, " << t.routers.size() << " routers, " << t.segments.size() << " segments, "
            << t.links.size() << " links\n";
  return 0;
}

}  // namespace

int run_main(int argc, char** argv) {
  CLI::App app{"peerlab: a deterministic simulator and validation harness for Calico BGP designs"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "peerlab 0.1.0");
  app.footer(
      "Also: peerlab ctl <calicoctl command>  (or the calicoctl alias beside this binary).\n"
      "Run 'peerlab ctl --help' for the calicoctl commands.");

  // `ctl` is dispatched before CLI11 sees the arguments (it has calicoctl's own syntax); it is
  // registered here so that it shows in --help.
  app.add_subcommand("ctl", "Run a calicoctl command against the datastore (same as the calicoctl alias)");

  std::vector<std::string> files;
  auto* validate_cmd =
      app.add_subcommand("validate", "Load peerlab files, report every problem with its position");
  validate_cmd
      ->add_option("files", files,
                   "peerlab YAML files (Calico v1/v3 resources and peerlab/v1 fabric); - reads stdin")
      ->required();
  add_limit_options(validate_cmd);

  DemoOptions demo_opts;
  auto* demo_cmd = app.add_subcommand(
      "demo", "The main job: run the flagship scenario (mesh to route reflector) on the bundled cluster");
  demo_cmd->add_option("--html", demo_opts.html,
                       "where to write the HTML report (default: peerlab-report.html)");
  demo_cmd->add_flag("--walkthrough", demo_opts.walkthrough,
                     "instead, replay the calicoctl BGP document's commands on the bundled cluster");
  demo_cmd->add_option("--datastore", demo_opts.datastore,
                       "walkthrough: where to keep its datastore (default: a temporary file)");

  SimArgs sim_args;
  register_sim_commands(app, sim_args);
  register_generate_commands(app);
  RenderArgs render_args;
  register_render_command(app, render_args);
  CheckArgs check_args;
  register_check_command(app, check_args);
  RunArgs run_args;
  register_run_command(app, run_args);
  ExportArgs export_args;
  register_export_command(app, export_args);
  BenchArgs bench_args;
  register_bench_command(app, bench_args);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (*validate_cmd) return cmd_validate(files);
  if (*demo_cmd) return run_demo(demo_opts, std::cout, std::cerr);
  if (int rc = run_sim_command(app, sim_args); rc >= 0) return rc;
  if (int rc = run_generate_command(app); rc >= 0) return rc;
  if (int rc = run_render_command(app, render_args); rc >= 0) return rc;
  if (int rc = run_check_command(app, check_args); rc >= 0) return rc;
  if (int rc = run_run_command(app, run_args); rc >= 0) return rc;
  if (int rc = run_export_command(app, export_args); rc >= 0) return rc;
  if (int rc = run_bench_command(app, bench_args); rc >= 0) return rc;
  return 0;
}

}  // namespace peerlab::cli
