// Tests of topology/datastore.hpp in a temporary directory: reading a missing or valid datastore,
// update() writing atomically under the lock, a datastore that does not parse being reported and
// left byte for byte as it was, the bounded wait for the lock, and where the datastore is
// (--datastore, --config, $PEERLAB_DATASTORE, the default).
#include "topology/datastore.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

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

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

std::vector<std::string> listing(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

BgpPeer global_peer(std::string_view ip, AsNumber as) {
  BgpPeer p;
  p.scope = PeerScope::Global;
  p.peer_ip = parse_ip(ip);
  p.as_number = as;
  return p;
}

const char* kDocGlobalPeer = R"y(apiVersion: v1
kind: bgpPeer
metadata:
  scope: global
  peerIP: 192.20.30.40
spec:
  asNumber: 64567
)y";

// A fresh directory per test, removed afterwards.
class DatastoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("peerlab-topotest-" + std::to_string(::getpid()) + "-" +
                                        info->test_suite_name() + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string path(const std::string& name = "store.yaml") const { return (dir_ / name).string(); }

  fs::path dir_;
};

// Holds flock(`op`) on a file through its own open file description, as another process would.
class HeldLock {
 public:
  HeldLock(const std::string& path, int op) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    EXPECT_GE(fd_, 0);
    EXPECT_EQ(::flock(fd_, op | LOCK_NB), 0);
  }
  ~HeldLock() { release(); }
  void release() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  HeldLock(const HeldLock&) = delete;
  HeldLock& operator=(const HeldLock&) = delete;

 private:
  int fd_ = -1;
};

// ---- reading and updating ----------------------------------------------------------------------

TEST_F(DatastoreTest, ReadsAMissingDatastoreAsEmpty) {
  Datastore ds(path());
  Topology t;
  Diagnostics d;
  auto err = ds.read(t, d);
  EXPECT_FALSE(err) << err.message;
  EXPECT_TRUE(d.items().empty());
  EXPECT_TRUE(t.nodes.empty());
  EXPECT_TRUE(t.peers.empty());
  EXPECT_TRUE(t.config.empty());
  EXPECT_FALSE(fs::exists(path()));
}

TEST_F(DatastoreTest, ReadsAMissingDatastoreAsEmptyWhateverTheTopologyHeldBefore) {
  Datastore ds(path());
  Topology t;
  t.peers.push_back(global_peer("10.0.0.1", 64512));
  t.config.node_to_node_mesh = false;
  Diagnostics d;
  EXPECT_FALSE(ds.read(t, d));
  EXPECT_TRUE(t.peers.empty());
  EXPECT_TRUE(t.config.empty());
}

TEST_F(DatastoreTest, ReadsAMissingDatastoreInAMissingDirectoryAsEmpty) {
  Datastore ds(path("no/such/dir/store.yaml"));
  Topology t;
  Diagnostics d;
  EXPECT_FALSE(ds.read(t, d));
  EXPECT_TRUE(t.peers.empty());
}

TEST_F(DatastoreTest, ReadsAnExistingDatastore) {
  write_text(path(), kDocGlobalPeer);
  Datastore ds(path());
  Topology t;
  Diagnostics d;
  EXPECT_FALSE(ds.read(t, d));
  ASSERT_EQ(t.peers.size(), 1u);
  EXPECT_EQ(t.peers[0].peer_ip, parse_ip("192.20.30.40"));
  EXPECT_EQ(t.peers[0].loc.file, path());
}

TEST_F(DatastoreTest, UpdateWritesTheMutationAndReadsItBack) {
  Datastore ds(path());
  Diagnostics d;
  auto err = ds.update(
      [](Topology& t) {
        t.peers.push_back(global_peer("192.20.30.40", 64567));
        t.config.node_to_node_mesh = false;
        return true;
      },
      d);
  EXPECT_FALSE(err) << err.message;
  EXPECT_TRUE(d.items().empty()) << d.to_string();
  EXPECT_EQ(read_text(path()),
            "---\napiVersion: peerlab/v1\nkind: ClusterConfig\nmetadata:\n  name: default\nspec:\n"
            "  nodeToNodeMesh: off\n"
            "---\n" +
                std::string(kDocGlobalPeer));
  Topology back;
  EXPECT_FALSE(ds.read(back, d));
  ASSERT_EQ(back.peers.size(), 1u);
  EXPECT_EQ(back.peers[0].as_number, 64567u);
  EXPECT_EQ(back.config.node_to_node_mesh, false);
}

TEST_F(DatastoreTest, UpdateSeesThePreviousContents) {
  write_text(path(), kDocGlobalPeer);
  Datastore ds(path());
  Diagnostics d;
  std::size_t seen = 0;
  EXPECT_FALSE(ds.update(
      [&](Topology& t) {
        seen = t.peers.size();
        t.peers.push_back(global_peer("10.0.0.1", 64512));
        return true;
      },
      d));
  EXPECT_EQ(seen, 1u);
  Topology back;
  EXPECT_FALSE(ds.read(back, d));
  EXPECT_EQ(back.peers.size(), 2u);
}

TEST_F(DatastoreTest, UpdateWritesNothingWhenTheMutationDeclines) {
  Datastore ds(path());
  Diagnostics d;
  EXPECT_FALSE(ds.update([](Topology&) { return false; }, d));
  EXPECT_FALSE(fs::exists(path()));
  write_text(path(), "# hand-written\n" + std::string(kDocGlobalPeer));
  EXPECT_FALSE(ds.update([](Topology&) { return false; }, d));
  EXPECT_EQ(read_text(path()), "# hand-written\n" + std::string(kDocGlobalPeer));
}

TEST_F(DatastoreTest, UpdateInAMissingDirectoryExplainsWhatToDo) {
  std::string p = path("store/cluster.yaml");
  Datastore ds(p);
  Diagnostics d;
  bool called = false;
  auto err = ds.update(
      [&](Topology&) {
        called = true;
        return true;
      },
      d);
  EXPECT_EQ(err.message, "the datastore's directory " + (dir_ / "store").string() + " does not exist");
  EXPECT_EQ(err.hint,
            "create it (mkdir -p " + (dir_ / "store").string() + "), or point --datastore elsewhere");
  EXPECT_FALSE(called);
}

// ---- a datastore that does not parse ------------------------------------------------------------

const char* kBroken = "apiVersion: v1\nkind: node\nmetadata:\n  name: [oops\n";

TEST_F(DatastoreTest, ReportsADatastoreThatDoesNotParse) {
  write_text(path(), kBroken);
  Datastore ds(path());
  Topology t;
  Diagnostics d;
  auto err = ds.read(t, d);
  EXPECT_EQ(err.message, "the datastore " + path() + " is not valid; it was left unchanged");
  EXPECT_EQ(err.hint,
            "fix the file by hand (the errors above give the positions), or point --datastore elsewhere");
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_EQ(d.items()[0].code, "E101");
  EXPECT_EQ(d.items()[0].loc, (SourceLoc{path(), 5, 1}));
  EXPECT_EQ(d.items()[0].message, "YAML syntax error: end of sequence flow not found");
}

TEST_F(DatastoreTest, LeavesADatastoreThatDoesNotParseByteIdenticalAfterAnUpdateAttempt) {
  write_text(path(), kBroken);
  const auto before_time = fs::last_write_time(path());
  Datastore ds(path());
  Diagnostics d;
  bool called = false;
  auto err = ds.update(
      [&](Topology& t) {
        called = true;
        t.peers.push_back(global_peer("10.0.0.1", 64512));
        return true;
      },
      d);
  EXPECT_EQ(err.message, "the datastore " + path() + " is not valid; it was left unchanged");
  EXPECT_FALSE(called);
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_EQ(d.items()[0].code, "E101");
  EXPECT_EQ(d.items()[0].loc.line, 5);
  EXPECT_EQ(read_text(path()), kBroken);
  EXPECT_EQ(fs::last_write_time(path()), before_time);
  EXPECT_EQ(listing(dir_), (std::vector<std::string>{"store.yaml", "store.yaml.lock"}));
}

TEST_F(DatastoreTest, TreatsDuplicateKeysAsAnInvalidDatastore) {
  std::string text = std::string(kDocGlobalPeer) + "---\n" + kDocGlobalPeer;
  write_text(path(), text);
  Datastore ds(path());
  Diagnostics d;
  auto err = ds.update([](Topology&) { return true; }, d);
  EXPECT_EQ(err.message, "the datastore " + path() + " is not valid; it was left unchanged");
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_EQ(format(d.items()[0]),
            path() + ":9:1: error[E301]: duplicate bgpPeer 192.20.30.40 (first defined at " + path() +
                ":1:1)\n  hint: each resource is defined once; remove or rename one of them");
  EXPECT_EQ(read_text(path()), text);
}

// ---- atomic writes -----------------------------------------------------------------------------

TEST_F(DatastoreTest, WriteFileAtomicallyLeavesNoTemporaryFileBehind) {
  EXPECT_FALSE(write_file_atomically(path(), "first\n"));
  EXPECT_FALSE(write_file_atomically(path(), "second\n"));
  EXPECT_EQ(read_text(path()), "second\n");
  EXPECT_EQ(listing(dir_), std::vector<std::string>{"store.yaml"});
}

TEST_F(DatastoreTest, WriteFileAtomicallyWritesEmptyAndLargeContents) {
  EXPECT_FALSE(write_file_atomically(path(), ""));
  EXPECT_EQ(read_text(path()), "");
  std::string big(3 * 1024 * 1024, 'x');
  EXPECT_FALSE(write_file_atomically(path(), big));
  EXPECT_EQ(read_text(path()), big);
  EXPECT_EQ(listing(dir_), std::vector<std::string>{"store.yaml"});
}

TEST_F(DatastoreTest, WriteFileAtomicallyReplacesTheInodeSoReadersSeeOldOrNew) {
  write_text(path(), "old\n");
  std::ifstream reader(path(), std::ios::binary);  // opened before the write
  EXPECT_FALSE(write_file_atomically(path(), "new\n"));
  std::ostringstream ss;
  ss << reader.rdbuf();
  EXPECT_EQ(ss.str(), "old\n");
  EXPECT_EQ(read_text(path()), "new\n");
}

TEST_F(DatastoreTest, WriteFileAtomicallyReportsAMissingDirectory) {
  std::string p = path("missing/store.yaml");
  auto err = write_file_atomically(p, "x");
  EXPECT_EQ(err.message, "cannot write datastore " + p + ": No such file or directory");
  EXPECT_EQ(err.hint, "check that the directory " + (dir_ / "missing").string() + " is writable");
}

TEST_F(DatastoreTest, UpdateLeavesOnlyTheDatastoreAndItsLockFile) {
  Datastore ds(path());
  Diagnostics d;
  for (int i = 0; i < 3; ++i)
    EXPECT_FALSE(ds.update(
        [&](Topology& t) {
          t.peers.push_back(global_peer("10.0.0." + std::to_string(i + 1), 64512));
          return true;
        },
        d));
  EXPECT_EQ(listing(dir_), (std::vector<std::string>{"store.yaml", "store.yaml.lock"}));
}

TEST_F(DatastoreTest, UpdateRemovesATemporaryFileLeftByAKilledWriter) {
  write_text(dir_ / ".store.yaml.tmp.999999", "half a fi");
  Datastore ds(path());
  Diagnostics d;
  EXPECT_FALSE(ds.update([](Topology&) { return false; }, d));
  EXPECT_FALSE(fs::exists(dir_ / ".store.yaml.tmp.999999"));
}

// ---- the lock ----------------------------------------------------------------------------------

TEST_F(DatastoreTest, TimesOutWhenAnotherWriterHoldsTheLock) {
  write_text(path(), kDocGlobalPeer);
  HeldLock other(path() + ".lock", LOCK_EX);
  Datastore ds(path(), std::chrono::milliseconds(200));
  Diagnostics d;
  bool called = false;
  auto start = std::chrono::steady_clock::now();
  auto err = ds.update(
      [&](Topology&) {
        called = true;
        return true;
      },
      d);
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(err.message, "timed out after 0.20s waiting for the datastore lock " + path() + ".lock");
  EXPECT_EQ(
      err.hint,
      "another peerlab/calicoctl process is writing or is stuck; if none is running, the lock is held by a "
      "stopped process");
  EXPECT_FALSE(called);
  EXPECT_GE(waited, std::chrono::milliseconds(200));  // (a wait without end: the ctest timeout)
  EXPECT_EQ(read_text(path()), kDocGlobalPeer);
}

TEST_F(DatastoreTest, ReadingAlsoWaitsForAWriter) {
  write_text(path(), kDocGlobalPeer);
  HeldLock other(path() + ".lock", LOCK_EX);
  Datastore ds(path(), std::chrono::milliseconds(200));
  Topology t;
  Diagnostics d;
  auto err = ds.read(t, d);
  EXPECT_EQ(err.message, "timed out after 0.20s waiting for the datastore lock " + path() + ".lock");
  EXPECT_TRUE(t.peers.empty());
}

TEST_F(DatastoreTest, ReadersShareTheLockButAWriterWaitsForThem) {
  write_text(path(), kDocGlobalPeer);
  HeldLock reader(path() + ".lock", LOCK_SH);
  Datastore ds(path(), std::chrono::milliseconds(200));
  Topology t;
  Diagnostics d;
  EXPECT_FALSE(ds.read(t, d));
  EXPECT_EQ(t.peers.size(), 1u);
  auto err = ds.update([](Topology&) { return true; }, d);
  EXPECT_EQ(err.message, "timed out after 0.20s waiting for the datastore lock " + path() + ".lock");
}

TEST_F(DatastoreTest, ProceedsOnceTheLockIsReleased) {
  HeldLock other(path() + ".lock", LOCK_EX);
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    other.release();
  });
  Datastore ds(path(), std::chrono::seconds(5));
  Diagnostics d;
  auto err = ds.update(
      [](Topology& t) {
        t.peers.push_back(global_peer("192.20.30.40", 64567));
        return true;
      },
      d);
  releaser.join();
  EXPECT_FALSE(err) << err.message;
  EXPECT_EQ(read_text(path()), "---\n" + std::string(kDocGlobalPeer));
}

TEST_F(DatastoreTest, SerialisesConcurrentUpdatesSoNoneIsLost) {
  Datastore ds(path(), std::chrono::seconds(30));
  constexpr int kThreads = 4, kEach = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kThreads; ++w)
    threads.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        Diagnostics d;
        auto err = ds.update(
            [&](Topology& t) {
              t.peers.push_back(
                  global_peer("10.0." + std::to_string(w) + "." + std::to_string(i + 1), 64512));
              return true;
            },
            d);
        if (err) ++failures;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  Topology t;
  Diagnostics d;
  EXPECT_FALSE(ds.read(t, d));
  EXPECT_EQ(t.peers.size(), static_cast<std::size_t>(kThreads * kEach));
}

// ---- where the datastore is --------------------------------------------------------------------

// Sets or unsets PEERLAB_DATASTORE for one test and restores what was there.
class ScopedEnv {
 public:
  explicit ScopedEnv(const char* value) {
    if (const char* old = std::getenv("PEERLAB_DATASTORE")) old_ = old;
    if (value)
      ::setenv("PEERLAB_DATASTORE", value, 1);
    else
      ::unsetenv("PEERLAB_DATASTORE");
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv("PEERLAB_DATASTORE", old_->c_str(), 1);
    else
      ::unsetenv("PEERLAB_DATASTORE");
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::optional<std::string> old_;
};

const char* kFileConfig =
    "apiVersion: v1\nkind: calicoApiConfig\nmetadata:\nspec:\n  datastoreType: file\n"
    "  datastorePath: store/cluster.yaml\n";

TEST_F(DatastoreTest, ResolvesTheDatastoreFlagFirst) {
  write_text(path("calicoctl.cfg"), kFileConfig);
  ScopedEnv env("/env/store.yaml");
  Diagnostics d;
  EXPECT_EQ(resolve_datastore_path("/flag/store.yaml", path("calicoctl.cfg"), d), "/flag/store.yaml");
  EXPECT_TRUE(d.items().empty());
}

TEST_F(DatastoreTest, ResolvesTheConfigFilesPathRelativeToTheConfigFileBeforeTheEnvironment) {
  write_text(path("calicoctl.cfg"), kFileConfig);
  ScopedEnv env("/env/store.yaml");
  Diagnostics d;
  EXPECT_EQ(resolve_datastore_path("", path("calicoctl.cfg"), d), (dir_ / "store/cluster.yaml").string());
  EXPECT_TRUE(d.items().empty()) << d.to_string();
}

TEST_F(DatastoreTest, KeepsAnAbsoluteDatastorePathAndNormalisesARelativeOne) {
  write_text(
      path("abs.cfg"),
      "apiVersion: v1\nkind: calicoApiConfig\nspec:\n  datastoreType: file\n  datastorePath: /srv/c.yaml\n");
  write_text(path("rel.cfg"),
             "apiVersion: v1\nkind: calicoApiConfig\nspec:\n  datastoreType: file\n  datastorePath: "
             "a/../b/./c.yaml\n");
  Diagnostics d;
  EXPECT_EQ(resolve_datastore_path("", path("abs.cfg"), d), "/srv/c.yaml");
  EXPECT_EQ(resolve_datastore_path("", path("rel.cfg"), d), (dir_ / "b/c.yaml").string());
  EXPECT_TRUE(d.items().empty()) << d.to_string();
}

TEST_F(DatastoreTest, UsesTheDefaultWhenTheConfigFileGivesNoPath) {
  write_text(path("c.cfg"), "apiVersion: v1\nkind: calicoApiConfig\nspec:\n  datastoreType: file\n");
  ScopedEnv env("/env/store.yaml");
  Diagnostics d;
  EXPECT_EQ(resolve_datastore_path("", path("c.cfg"), d), "./peerlab-datastore.yaml");
}

TEST_F(DatastoreTest, ResolvesTheEnvironmentBeforeTheDefault) {
  ScopedEnv env("/env/store.yaml");
  Diagnostics d;
  EXPECT_EQ(resolve_datastore_path("", "", d), "/env/store.yaml");
}

TEST_F(DatastoreTest, ResolvesTheDefaultLast) {
  Diagnostics d;
  {
    ScopedEnv env(nullptr);
    EXPECT_EQ(resolve_datastore_path("", "", d), "./peerlab-datastore.yaml");
    EXPECT_EQ(resolve_datastore_path("", "", d), kDefaultDatastorePath);
  }
  {
    ScopedEnv empty("");
    EXPECT_EQ(resolve_datastore_path("", "", d), "./peerlab-datastore.yaml");
  }
  EXPECT_TRUE(d.items().empty());
}

TEST_F(DatastoreTest, RejectsAConfigFileForAnotherDatastoreType) {
  std::string cfg = path("etcd.cfg");
  write_text(cfg,
             "apiVersion: v1\nkind: calicoApiConfig\nmetadata:\nspec:\n  datastoreType: etcdv2\n"
             "  etcdEndpoints: http://127.0.0.1:2379\n");
  ScopedEnv env("/env/store.yaml");
  Diagnostics d;
  EXPECT_EQ(resolve_datastore_path("", cfg, d), "");
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_EQ(format(d.items()[0]),
            cfg +
                ":5:1: error[E204]: datastoreType 'etcdv2' is not supported by peerlab\n"
                "  hint: peerlab keeps the datastore in a file: set datastoreType: file and "
                "datastorePath: <path>");
}

TEST_F(DatastoreTest, RejectsAConfigFileWithoutADatastoreType) {
  std::string cfg = path("c.cfg");
  write_text(cfg, "apiVersion: v1\nkind: calicoApiConfig\nspec:\n  datastorePath: x.yaml\n");
  Diagnostics d;
  EXPECT_EQ(resolve_datastore_path("", cfg, d), "");
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_EQ(d.items()[0].code, "E204");
  EXPECT_EQ(d.items()[0].message, "datastoreType '' is not supported by peerlab");
}

TEST_F(DatastoreTest, RejectsAConfigFileOfAnotherKind) {
  std::string cfg = path("c.cfg");
  write_text(cfg, "apiVersion: v1\nkind: node\nmetadata:\n  name: n\n");
  Diagnostics d;
  EXPECT_EQ(resolve_datastore_path("", cfg, d), "");
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_EQ(format(d.items()[0]),
            cfg +
                ":1:1: error[E106]: expected kind calicoApiConfig in the calicoctl config "
                "file, found 'node'\n"
                "  hint: a calicoctl config file has apiVersion: v1 and kind: calicoApiConfig");
}

TEST_F(DatastoreTest, ReportsAMissingConfigFile) {
  std::string cfg = path("missing.cfg");
  ScopedEnv env("/env/store.yaml");
  Diagnostics d;
  EXPECT_EQ(resolve_datastore_path("", cfg, d), "");
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_EQ(format(d.items()[0]),
            cfg + ": error[E001]: cannot read calicoctl config file\n  hint: check the --config path");
}

TEST_F(DatastoreTest, ReportsAConfigFileThatDoesNotParse) {
  std::string cfg = path("c.cfg");
  write_text(cfg, "apiVersion: v1\nkind: calicoApiConfig\nspec:\n  datastoreType: [file\n");
  Diagnostics d;
  EXPECT_EQ(resolve_datastore_path("", cfg, d), "");
  ASSERT_EQ(d.items().size(), 1u);
  EXPECT_EQ(d.items()[0].code, "E101");
  EXPECT_EQ(d.items()[0].loc.file, cfg);
  EXPECT_EQ(d.items()[0].message.rfind("YAML syntax error: ", 0), 0u) << d.items()[0].message;
}

}  // namespace
}  // namespace peerlab
