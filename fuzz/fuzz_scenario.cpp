// Fuzz target: the scenario reader (scenarios/scenario_parse.cpp), as `peerlab run` reads a file.
// Arbitrary bytes are parsed; when they form a scenario, its steps are described and its
// diagnostics formatted as the CLI prints them. The run itself is not fuzzed here (it needs a
// topology; the topology reader has its own target). Nothing may crash, hang or use unbounded
// memory.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scenarios/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace peerlab::scenarios;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_scenario(text, "fuzz.yaml");
  if (parsed.scenario)
    for (const auto& step : parsed.scenario->steps) (void)describe(step);
  (void)parsed.diagnostics.to_string();
  return 0;
}
