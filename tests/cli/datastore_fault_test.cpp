// The datastore under fault, through the real calicoctl binary (issue 9): writers killed with
// SIGKILL at random points while others write, a file size limit that makes the write fail, and,
// where this process may mount file systems, a read-only and a full tmpfs. Afterwards the file
// always parses, every write that reported success is in it, and a failed write changed nothing
// and said why.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
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

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string peer_yaml(int i) {
  std::ostringstream s;
  s << "apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: global\n  peerIP: 10.8." << i / 200 << "."
    << i % 200 + 1 << "\nspec:\n  asNumber: " << 64600 + i << "\n";
  return s.str();
}

// Runs `command` with bash in `dir` (calicoctl on the PATH); returns exit status and stderr.
struct Run {
  int status = -1;
  std::string err;
};
Run run(const fs::path& dir, const std::string& command) {
  std::string script = "cd '" + dir.string() + "' && PATH='" + std::string(PEERLAB_BINARY_DIR) + "':$PATH; " +
                       command + " >/dev/null 2>'" + (dir / "stderr.txt").string() + "'";
  int rc = std::system(("bash -c \"" + script + "\"").c_str());
  Run r;
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.err = read_text(dir / "stderr.txt");
  fs::remove(dir / "stderr.txt");
  return r;
}

pid_t spawn(const fs::path& file, const fs::path& store) {
  pid_t pid = ::fork();
  if (pid == 0) {
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    std::string bin = std::string(PEERLAB_BINARY_DIR) + "/calicoctl";
    std::string f = "--filename=" + file.string(), d = "--datastore=" + store.string();
    ::execl(bin.c_str(), "calicoctl", "create", f.c_str(), d.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

std::set<std::string> peers_in(const fs::path& store) {
  auto parsed = peerlab::parse_resources(read_text(store), store.string());
  EXPECT_FALSE(parsed.diagnostics.has_errors()) << parsed.diagnostics.to_string();
  peerlab::Topology t;
  peerlab::Diagnostics d;
  peerlab::add_resources(t, parsed.resources, d);
  EXPECT_FALSE(d.has_errors()) << d.to_string();
  std::set<std::string> out;
  for (const auto& p : t.peers) out.insert(peerlab::to_string(*p.peer_ip));
  return out;
}

TEST(DatastoreFaults, WritersKilledAtRandomPointsWhileOthersWriteLoseNoReportedWrite) {
  fs::path dir = make_dir("killed-concurrent");
  fs::path store = dir / "store.yaml";
  constexpr int kWriters = 48;
  for (int i = 0; i < kWriters; ++i) std::ofstream(dir / ("p" + std::to_string(i) + ".yaml")) << peer_yaml(i);
  std::mt19937 rng(9);
  std::uniform_int_distribution<int> delay_us(0, 30000);
  std::set<std::string> reported, attempted;
  // Waves of eight concurrent writers; every other one is killed after a random delay.
  for (int wave = 0; wave < kWriters / 8; ++wave) {
    std::vector<std::pair<int, pid_t>> pids;
    for (int k = 0; k < 8; ++k) {
      int i = wave * 8 + k;
      pids.emplace_back(i, spawn(dir / ("p" + std::to_string(i) + ".yaml"), store));
    }
    for (std::size_t k = 0; k < pids.size(); k += 2) {
      ::usleep(static_cast<useconds_t>(delay_us(rng)));
      ::kill(pids[k].second, SIGKILL);
    }
    for (auto [i, pid] : pids) {
      int status = 0;
      ASSERT_EQ(::waitpid(pid, &status, 0), pid);
      auto ip = "10.8." + std::to_string(i / 200) + "." + std::to_string(i % 200 + 1);
      attempted.insert(ip);
      if (WIFEXITED(status) && WEXITSTATUS(status) == 0) reported.insert(ip);
    }
    // After every wave: the file parses and holds every reported write, and nothing else.
    auto now = peers_in(store);
    for (const auto& ip : reported) EXPECT_TRUE(now.count(ip)) << "wave " << wave << ": lost " << ip;
    for (const auto& ip : now) EXPECT_TRUE(attempted.count(ip)) << ip;
  }
  EXPECT_GE(reported.size(), static_cast<std::size_t>(kWriters / 2));  // the writers not killed
  fs::remove_all(dir);
}

std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(DatastoreFaults, AWriteBeyondTheFileSizeLimitFailsClearlyAndChangesNothing) {
  // RLIMIT_FSIZE (ulimit -f, in KiB) with SIGXFSZ ignored: write() fails with EFBIG, as a quota or
  // a full disk fails it, for real and for root too.
  fs::path dir = make_dir("fsize");
  std::ofstream(dir / "p1.yaml") << peer_yaml(1);
  ASSERT_EQ(run(dir, "calicoctl create -f p1.yaml --datastore=store.yaml").status, 0);
  const std::string before = read_text(dir / "store.yaml");
  std::ofstream big(dir / "big.yaml");
  for (int i = 0; i < 100; ++i) big << "---\n" << peer_yaml(i + 10);
  big.close();
  auto r = run(dir, "ulimit -f 1; trap '' XFSZ; exec calicoctl apply -f big.yaml --datastore=store.yaml");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "Failed to execute command: cannot write datastore store.yaml: File too large\n"
            "  hint: the datastore was left unchanged\n");
  EXPECT_EQ(read_text(dir / "store.yaml"), before);
  EXPECT_EQ(listing(dir), (std::vector<std::string>{"big.yaml", "p1.yaml", "store.yaml", "store.yaml.lock"}));
  fs::remove_all(dir);
}

// A tmpfs of `size` mounted on a fresh directory, unmounted at the end; empty when this process
// may not mount (a container without CAP_SYS_ADMIN): the test is then skipped, and the seam tests
// of tests/topology cover the same error path.
class Tmpfs {
 public:
  Tmpfs(const std::string& name, const std::string& size) : dir_(make_dir(name)) {
    ok_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~Tmpfs() {
    if (ok_) ::umount2(dir_.c_str(), MNT_DETACH);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  bool ok() const { return ok_; }
  const fs::path& dir() const { return dir_; }
  bool remount_read_only() {
    return ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0;
  }

 private:
  fs::path dir_;
  bool ok_ = false;
};

TEST(DatastoreFaults, AWriteToAReadOnlyMountFailsClearlyAndChangesNothing) {
  Tmpfs fsys("ro-mount", "1m");
  if (!fsys.ok()) GTEST_SKIP() << "mounting is not allowed here; the seam test covers EROFS";
  fs::path dir = fsys.dir();
  fs::path work = make_dir("ro-mount-input");
  std::ofstream(work / "p1.yaml") << peer_yaml(1);
  std::ofstream(work / "p2.yaml") << peer_yaml(2);
  const std::string store = (dir / "store.yaml").string();
  ASSERT_EQ(run(work, "calicoctl create -f p1.yaml --datastore=" + store).status, 0);
  const std::string before = read_text(store);
  ASSERT_TRUE(fsys.remount_read_only());
  auto r = run(work, "calicoctl create -f p2.yaml --datastore=" + store);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "Failed to execute command: cannot open lock file " + store +
                ".lock: Read-only file system\n  hint: check that the datastore's directory is writable\n");
  EXPECT_EQ(read_text(store), before);
  auto g = run(work, "calicoctl get bgpPeer --datastore=" + store);
  EXPECT_EQ(g.status, 0) << g.err;  // reading still works
  fs::remove_all(work);
}

TEST(DatastoreFaults, AWriteToAFullMountFailsClearlyAndChangesNothing) {
  Tmpfs fsys("full-mount", "64k");
  if (!fsys.ok()) GTEST_SKIP() << "mounting is not allowed here; the seam test covers ENOSPC";
  fs::path dir = fsys.dir();
  fs::path work = make_dir("full-mount-input");
  std::ofstream(work / "p1.yaml") << peer_yaml(1);
  std::ofstream big(work / "big.yaml");
  for (int i = 0; i < 400; ++i) big << "---\n" << peer_yaml(i + 10);
  big.close();
  const std::string store = "--datastore=" + (dir / "store.yaml").string();
  ASSERT_EQ(run(work, "calicoctl create -f p1.yaml " + store).status, 0);
  const std::string before = read_text(dir / "store.yaml");
  // Fill the rest of the disk.
  run(work, "cat /dev/zero > " + (dir / "filler").string() + " 2>/dev/null; true");
  auto r = run(work, "calicoctl apply -f big.yaml " + store);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "Failed to execute command: cannot write datastore " + (dir / "store.yaml").string() +
                       ": No space left on device\n  hint: the datastore was left unchanged\n");
  EXPECT_EQ(read_text(dir / "store.yaml"), before);
  EXPECT_EQ(listing(dir), (std::vector<std::string>{"filler", "store.yaml", "store.yaml.lock"}));
  fs::remove_all(work);
}

}  // namespace
