// The datastore under concurrent and killed writers, through the real calicoctl binary.
// Invariants: every write that reports success is in the file; the file always parses; a writer
// killed at any point leaves either the old or the new contents, never a half file.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "topology/resources.hpp"

namespace fs = std::filesystem;

namespace {

fs::path make_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("peerlab-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string peer_yaml(int i) {
  std::ostringstream s;
  s << "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: global\n  peerIP: 10.9.0." << i
    << "\nspec:\n  asNumber: " << 64600 + i << "\n";
  return s.str();
}

// Starts `calicoctl create -f file --datastore=store` without waiting; stdout/stderr discarded.
pid_t spawn_create(const fs::path& file, const fs::path& store, const char* verb = "create") {
  pid_t pid = ::fork();
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    std::string bin = std::string(PEERLAB_BINARY_DIR) + "/calicoctl";
    std::string f = "--filename=" + file.string(), d = "--datastore=" + store.string();
    ::execl(bin.c_str(), "calicoctl", verb, f.c_str(), d.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

peerlab::Topology load(const fs::path& store) {
  std::ifstream in(store);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto parsed = peerlab::parse_resources(ss.str(), store.string());
  EXPECT_FALSE(parsed.diagnostics.has_errors()) << parsed.diagnostics.to_string();
  peerlab::Topology t;
  peerlab::Diagnostics d;
  peerlab::add_resources(t, parsed.resources, d);
  EXPECT_FALSE(d.has_errors()) << d.to_string();
  return t;
}

TEST(DatastoreConcurrency, TwentySimultaneousCreatesOfDifferentPeersAllLand) {
  fs::path dir = make_dir("concurrent");
  fs::path store = dir / "store.yaml";
  for (int i = 1; i <= 20; ++i) std::ofstream(dir / ("peer" + std::to_string(i) + ".yaml")) << peer_yaml(i);
  std::vector<pid_t> pids;
  for (int i = 1; i <= 20; ++i) pids.push_back(spawn_create(dir / ("peer" + std::to_string(i) + ".yaml"), store));
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  auto t = load(store);
  ASSERT_EQ(t.peers.size(), 20u);
  for (int i = 1; i <= 20; ++i) EXPECT_EQ(peerlab::to_string(*t.peers[static_cast<std::size_t>(i - 1)].peer_ip),
                                          "10.9.0." + std::to_string(i));
  fs::remove_all(dir);
}

TEST(DatastoreConcurrency, AWriterKilledAtAnyPointLeavesTheOldOrTheNewFileNeverAHalfOne) {
  fs::path dir = make_dir("killed");
  fs::path store = dir / "store.yaml";
  // A large file, so that a write takes long enough to be interrupted.
  std::ofstream big(dir / "big.yaml");
  for (int i = 0; i < 2000; ++i)
    big << "---\napiVersion: v1\nkind: node\nmetadata:\n  name: node-" << i << "\nspec:\n  bgp:\n    ipv4Address: 10."
        << (i / 250) << "." << (i % 250) << ".1/24\n";
  big.close();
  std::ofstream(dir / "one.yaml") << peer_yaml(1);
  // Start from a datastore with one peer.
  {
    pid_t pid = spawn_create(dir / "one.yaml", store);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::mt19937 rng(7);  // fixed seed: the kill points are reproducible in spirit (timing still varies)
  std::uniform_int_distribution<int> delay_us(0, 40000);
  for (int round = 0; round < 25; ++round) {
    pid_t pid = spawn_create(dir / "big.yaml", store, "apply");
    ::usleep(static_cast<useconds_t>(delay_us(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    auto t = load(store);
    ASSERT_EQ(t.peers.size(), 1u) << "round " << round;
    // Either the apply happened entirely or not at all.
    EXPECT_TRUE(t.nodes.empty() || t.nodes.size() == 2000u) << "round " << round << ": " << t.nodes.size();
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      EXPECT_EQ(t.nodes.size(), 2000u);
    }
  }
  // The next writer removes what killed writers left behind.
  {
    pid_t pid = spawn_create(dir / "one.yaml", store, "apply");
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  for (const auto& e : fs::directory_iterator(dir)) {
    auto name = e.path().filename().string();
    EXPECT_TRUE(name == "store.yaml" || name == "store.yaml.lock" || name == "big.yaml" || name == "one.yaml") << name;
  }
  fs::remove_all(dir);
}

}  // namespace
