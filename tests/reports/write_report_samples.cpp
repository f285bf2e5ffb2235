// Writes the reports of the hand-built scenario runs (tests/reports/scenario_samples.hpp) into a
// directory, for the checks that read them from outside C++: tests/reports/run_output_test.py (the
// JSON against docs/run-output.schema.json, the JUnit shape) and tests/reports/html_chromium_test.py
// (the HTML in headless Chromium). Usage: peerlab_write_report_samples DIR
#include <filesystem>
#include <fstream>
#include <iostream>

#include "reports/html_report.hpp"
#include "reports/scenario_report.hpp"
#include "scenario_samples.hpp"

// Graphviz 2.42's own leaks, as in graphviz_render_test.cpp (tests/lsan.supp says why).
#if defined(__SANITIZE_ADDRESS__)
extern "C" const char* __lsan_default_suppressions() {
  return "leak:gmalloc\nleak:zmalloc\nleak:grealloc\nleak:libfontconfig.so\nleak:libpango-1.0.so\n"
         "leak:libpangoft2-1.0.so\nleak:libpangocairo-1.0.so\nleak:libgvplugin_pango.so\nleak:g_realloc\n";
}
#endif

namespace {

void write(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace peerlab;
  if (argc != 2) {
    std::cerr << "usage: peerlab_write_report_samples DIR\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  auto passed = reports::samples::passed_run();
  auto failed = reports::samples::failed_run();
  auto error = reports::samples::error_run();
  auto hostile = reports::samples::hostile_run();

  const std::vector<const scenarios::ScenarioResult*> all = {&passed.result, &failed.result, &error.result,
                                                             &hostile.result};
  write(dir / "passed.json", reports::scenarios_json({&passed.result}));
  write(dir / "all.json", reports::scenarios_json(all));
  write(dir / "passed.xml", reports::scenarios_junit({&passed.result}));
  write(dir / "all.xml", reports::scenarios_junit(all));
  write(dir / "passed.html", reports::scenarios_html({&passed}));
  write(dir / "failed.html", reports::scenarios_html({&failed, &passed}));
  write(dir / "all.html", reports::scenarios_html({&passed, &failed, &error, &hostile}));
  return 0;
}
