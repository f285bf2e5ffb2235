// The plain-file datastore behind `peerlab ctl` / `calicoctl`: one peerlab YAML file.
//
// Invariants: the file is never left half-written (a write goes to a temporary file in the same
// directory, is fsync'ed, renamed over the original, and the directory is fsync'ed), and
// read-modify-write cycles are serialised by an exclusive flock on "<file>.lock" (a separate file,
// because rename replaces the data file's inode). A file that does not parse is reported with its
// positions and never overwritten. Waiting for the lock is bounded; a writer records its pid in
// the lock file while it holds it, so that a timeout can name the process that holds it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>

#include "topology/diagnostics.hpp"
#include "topology/limits.hpp"
#include "topology/model.hpp"

namespace peerlab {

inline constexpr const char* kDefaultDatastorePath = "./peerlab-datastore.yaml";

// Where the datastore is: --datastore, else the datastorePath of the calicoctl config file given
// with --config, else $PEERLAB_DATASTORE, else ./peerlab-datastore.yaml (flags before the
// environment). An unusable --config file is reported in `diags`.
std::string resolve_datastore_path(const std::string& flag_path, const std::string& config_file,
                                   Diagnostics& diags);

struct DatastoreError {
  std::string message;  // empty: no error
  std::string hint;
  explicit operator bool() const { return !message.empty(); }
};

class Datastore {
 public:
  static constexpr std::chrono::milliseconds kDefaultLockTimeout{10'000};
  // `limits` bound what reading the datastore file may take on (it is input like any other).
  explicit Datastore(std::string path, std::chrono::milliseconds lock_timeout = kDefaultLockTimeout,
                     InputLimits limits = {});

  const std::string& path() const { return path_; }

  // Reads the current contents (a missing file is an empty datastore).
  DatastoreError read(Topology& out, Diagnostics& diags) const;

  // Under the lock: reads, calls `mutate`, and writes the result back atomically if `mutate`
  // returns true. Returns the first error met (lock timeout, unreadable or invalid file, write
  // failure); in every error case the file is unchanged.
  DatastoreError update(const std::function<bool(Topology&)>& mutate, Diagnostics& diags);

 private:
  std::string path_;
  std::chrono::milliseconds lock_timeout_;
  InputLimits limits_;
};

// Writes `contents` to `path` atomically (temp file, fsync, rename, fsync of the directory).
DatastoreError write_file_atomically(const std::string& path, const std::string& contents);

// Test seam: the system calls through which the datastore opens, writes, syncs and renames files.
// Tests replace them to produce failures a test cannot always produce for real: a read-only file
// system (EROFS) or a full disk (ENOSPC) when tests run as root in a container, where permissions
// do not stop root and mounting is not allowed. Everything else (the error handling, the cleanup,
// the messages) is the production path. Production code never changes them.
struct DatastoreSyscalls {
  int (*open)(const char* path, int flags, mode_t mode);
  ssize_t (*write)(int fd, const void* buf, size_t count);
  int (*fsync)(int fd);
  int (*rename)(const char* from, const char* to);
};
DatastoreSyscalls& datastore_syscalls();

}  // namespace peerlab
