// Fuzz target: the datastore's read path (Datastore::read on a file holding the input) and the
// property the write path relies on: a datastore that reads without errors, saved as `calicoctl`
// saves it, reads back without errors and saves to the same text. A failure of that round trip
// would let one write damage the datastore, so it aborts like a crash.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "topology/datastore.hpp"
#include "topology/resources.hpp"

namespace {

std::string scratch_path() {
  const char* dir = std::getenv("PEERLAB_FUZZ_DIR");
  std::string base = dir && *dir ? dir : (::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
  return base + "/peerlab-fuzz-datastore-" + std::to_string(::getpid()) + ".yaml";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace peerlab;
  static const std::string path = scratch_path();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  Datastore store(path);
  Topology t;
  Diagnostics diags;
  auto err = store.read(t, diags);
  (void)diags.to_string();
  if (err) return 0;
  canonical_sort(t);
  const std::string saved = save_topology(t);
  auto back = parse_resources(saved, path);
  Topology t2;
  add_resources(t2, back.resources, back.diagnostics);
  if (back.diagnostics.has_errors()) {
    std::fprintf(stderr, "saved datastore does not read back:\n%s\n--- saved text:\n%s\n",
                 back.diagnostics.to_string().c_str(), saved.c_str());
    std::abort();
  }
  canonical_sort(t2);
  if (save_topology(t2) != saved) {
    std::fprintf(stderr, "saved datastore changes when read back and saved again:\n%s\n--- then:\n%s\n",
                 saved.c_str(), save_topology(t2).c_str());
    std::abort();
  }
  return 0;
}
