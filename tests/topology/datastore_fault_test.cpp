// The datastore under faults (issue 9): a read-only file system, a full disk, and a writer stuck
// while holding the lock. Each gives a clear error within a bounded time and changes nothing.
//
// Read-only and full disk are produced through the datastore's system-call seam
// (DatastoreSyscalls): these tests run as root in CI, where file permissions do not stop root and
// mounting a small or read-only file system is not allowed in a container. Only the errno comes
// from the seam; the error handling, the cleanup and the messages are the production path. The
// same faults are produced for real, through the calicoctl binary, in tests/cli (a file size
// limit always; read-only and full tmpfs mounts where mounting is allowed).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "topology/datastore.hpp"
#include "topology/resources.hpp"

namespace peerlab {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* kStore = R"y(apiVersion: v1
kind: bgpPeer
metadata:
  scope: global
  peerIP: 192.20.30.40
spec:
  asNumber: 64567
)y";

bool add_peer(Topology& t) {
  BgpPeer p;
  p.peer_ip = parse_ip("10.1.1.1");
  p.as_number = 64513;
  t.peers.push_back(p);
  return true;
}

// Restores the real system calls after each test.
class DatastoreFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("peerlab-fault-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(path()) << kStore;
    saved_ = datastore_syscalls();
  }
  void TearDown() override {
    datastore_syscalls() = saved_;
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string path() const { return (dir_ / "store.yaml").string(); }
  std::vector<std::string> listing() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
  DatastoreSyscalls saved_{};
};

// A read-only file system: every open for writing or creating fails with EROFS.
int read_only_open(const char* path, int flags, mode_t mode) {
  if ((flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0) {
    errno = EROFS;
    return -1;
  }
  return ::open(path, flags, mode);
}

// A full disk: the first write of a file gets part of the way, then there is no space left.
ssize_t full_disk_write(int fd, const void* buf, size_t count) {
  static thread_local int calls = 0;
  if (calls++ % 2 == 0) return ::write(fd, buf, std::min<size_t>(count, 100));
  errno = ENOSPC;
  return -1;
}

int failing_fsync(int) {
  errno = EIO;
  return -1;
}

TEST_F(DatastoreFaultTest, AWriteToAReadOnlyFileSystemFailsClearlyAndChangesNothing) {
  datastore_syscalls().open = read_only_open;
  Datastore ds(path());
  Diagnostics d;
  bool called = false;
  auto err = ds.update(
      [&](Topology& t) {
        called = true;
        return add_peer(t);
      },
      d);
  EXPECT_EQ(err.message, "cannot open lock file " + path() + ".lock: Read-only file system");
  EXPECT_EQ(err.hint, "check that the datastore's directory is writable");
  EXPECT_FALSE(called);
  EXPECT_EQ(read_text(path()), kStore);
  EXPECT_EQ(listing(), std::vector<std::string>{"store.yaml"});
}

TEST_F(DatastoreFaultTest, ADatastoreOnAReadOnlyFileSystemCanStillBeRead) {
  datastore_syscalls().open = read_only_open;
  Datastore ds(path());
  Topology t;
  Diagnostics d;
  EXPECT_FALSE(ds.read(t, d));
  ASSERT_EQ(t.peers.size(), 1u);
}

TEST_F(DatastoreFaultTest, AFullDiskFailsTheWriteClearlyAndLeavesTheDatastoreAndNoTemporaryFile) {
  datastore_syscalls().write = full_disk_write;
  Datastore ds(path());
  Diagnostics d;
  auto err = ds.update(add_peer, d);
  EXPECT_EQ(err.message, "cannot write datastore " + path() + ": No space left on device");
  EXPECT_EQ(err.hint, "the datastore was left unchanged");
  EXPECT_EQ(read_text(path()), kStore);
  EXPECT_EQ(listing(), (std::vector<std::string>{"store.yaml", "store.yaml.lock"}));
}

TEST_F(DatastoreFaultTest, AFailedFsyncFailsTheWriteAndChangesNothing) {
  datastore_syscalls().fsync = failing_fsync;
  Datastore ds(path());
  Diagnostics d;
  auto err = ds.update(add_peer, d);
  EXPECT_EQ(err.message, "cannot write datastore " + path() + ": Input/output error");
  EXPECT_EQ(read_text(path()), kStore);
  EXPECT_EQ(listing(), (std::vector<std::string>{"store.yaml", "store.yaml.lock"}));
}

TEST_F(DatastoreFaultTest, AStuckWriterMakesTheNextOneTimeOutNamingItsProcessAndNothingChanges) {
  pid_t stuck = ::fork();
  ASSERT_GE(stuck, 0);
  if (stuck == 0) {
    // A writer that takes the lock and never finishes (as a process stopped in a debugger).
    Datastore ds(path());
    Diagnostics d;
    ds.update(
        [](Topology&) {
          for (;;) ::pause();
          return false;
        },
        d);
    ::_exit(0);
  }
  // Wait until it holds the lock and has said who it is.
  const std::string lock = path() + ".lock";
  for (int i = 0; i < 500 && read_text(lock) != std::to_string(stuck) + "\n"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(read_text(lock), std::to_string(stuck) + "\n");

  Datastore ds(path(), std::chrono::milliseconds(300));
  Diagnostics d;
  bool called = false;
  auto start = std::chrono::steady_clock::now();
  auto err = ds.update(
      [&](Topology& t) {
        called = true;
        return add_peer(t);
      },
      d);
  auto waited = std::chrono::steady_clock::now() - start;
  const std::string pid = std::to_string(stuck);
  EXPECT_EQ(err.message,
            "timed out after 0.30s waiting for the datastore lock " + lock + ", held by process " + pid);
  EXPECT_EQ(err.hint, "process " + pid +
                          " is writing the datastore or is stuck; if it is stuck, stop it (kill " + pid +
                          ") and try again, or wait longer with --lock-timeout");
  EXPECT_FALSE(called);
  EXPECT_GE(waited, std::chrono::milliseconds(300));  // (a wait without end: the ctest timeout)
  EXPECT_EQ(read_text(path()), kStore);

  // Readers wait as boundedly.
  Topology t;
  EXPECT_EQ(ds.read(t, d).message, err.message);

  ::kill(stuck, SIGKILL);
  ::waitpid(stuck, nullptr, 0);
  // Once it is gone the lock is free; the pid it left behind names nobody.
  EXPECT_FALSE(ds.update(add_peer, d));
  EXPECT_EQ(read_text(lock), "");
}

// The calicoctl config file (--config) goes through the same guard as every other input.
TEST_F(DatastoreFaultTest, AConfigFileOnWhichYamlCppWouldLoopIsASyntaxError) {
  const std::string cfg = (dir_ / "calicoctl.cfg").string();
  std::ofstream(cfg) << ",";
  Diagnostics d;
  EXPECT_EQ(resolve_datastore_path("", cfg, d), "");
  EXPECT_EQ(d.to_string(),
            cfg +
                ":1:1: error[E101]: YAML syntax error: unexpected character; no document can start "
                "here\n  hint: check the indentation and quoting around this point\n");
}

}  // namespace
}  // namespace peerlab
