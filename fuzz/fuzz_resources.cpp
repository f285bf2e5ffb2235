// Fuzz target: the YAML loader and validator, as `peerlab validate` and the simulation commands
// run them on a file (every kind, v1 and v3, fabric, generators). Arbitrary bytes are parsed;
// when they load, both validation modes run, and when the model is valid and its predicted
// simulation size fits the default limits, every speaker's configuration is derived. Nothing
// may crash, hang or use unbounded memory; diagnostics are formatted as the CLI prints them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "topology/limits.hpp"
#include "topology/peerings.hpp"
#include "topology/resources.hpp"
#include "topology/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace peerlab;
  const InputLimits limits;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_resources(text, "fuzz.yaml", limits);
  Topology t;
  Diagnostics diags = parsed.diagnostics;
  add_resources(t, parsed.resources, diags);
  if (!diags.has_errors()) {
    Diagnostics loose;
    validate(t, ValidationMode::Calicoctl, loose);
    (void)loose.to_string();
    validate(t, ValidationMode::Strict, diags);
  }
  if (!diags.has_errors()) check_simulation_size(t, {}, limits, "fuzz.yaml", diags);
  if (!diags.has_errors()) (void)derive_speakers(t);
  (void)diags.to_string();
  return 0;
}
