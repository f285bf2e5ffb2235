// File datastore: locking and atomic replacement (see datastore.hpp).
#include "topology/datastore.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "topology/resources.hpp"

namespace peerlab {

namespace {

std::string errno_text() {
  return std::strerror(errno);
}

int real_open(const char* path, int flags, mode_t mode) {
  return ::open(path, flags, mode);
}

// The pid a writer recorded in the lock file, if that process still exists.
std::optional<pid_t> lock_holder(int fd) {
  char buf[32] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return std::nullopt;
  char* end = nullptr;
  long pid = std::strtol(buf, &end, 10);
  if (end == buf || pid <= 0 || pid == ::getpid()) return std::nullopt;
  if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return std::nullopt;
  return static_cast<pid_t>(pid);
}

// Holds an flock on a lock file for its lifetime.
class FileLock {
 public:
  FileLock(const std::string& path, int operation, std::chrono::milliseconds timeout, DatastoreError& err) {
    fd_ = datastore_syscalls().open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0 && operation == LOCK_SH)
      fd_ = datastore_syscalls().open(path.c_str(), O_RDONLY | O_CLOEXEC, 0);
    if (fd_ < 0) {
      // Without a lock file in a read-only or missing directory no writer can exist: reading is safe.
      if (operation == LOCK_SH && (errno == EROFS || errno == EACCES || errno == ENOENT)) return;
      if (errno == ENOENT) {
        auto dir = std::filesystem::path(path).parent_path();
        err = {"the datastore's directory " + dir.string() + " does not exist",
               "create it (mkdir -p " + dir.string() + "), or point --datastore elsewhere"};
        return;
      }
      err = {"cannot open lock file " + path + ": " + errno_text(),
             "check that the datastore's directory is writable"};
      return;
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    auto pause = std::chrono::milliseconds(1);
    while (::flock(fd_, operation | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK && errno != EINTR) {
        err = {"cannot lock " + path + ": " + errno_text(), ""};
        return;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        auto ms = timeout.count();
        std::string secs =
            std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + std::to_string(ms % 100 / 10);
        if (auto holder = lock_holder(fd_))
          err = {"timed out after " + secs + "s waiting for the datastore lock " + path +
                     ", held by process " + std::to_string(*holder),
                 "process " + std::to_string(*holder) +
                     " is writing the datastore or is stuck; if it is stuck, stop it (kill " +
                     std::to_string(*holder) + ") and try again, or wait longer with --lock-timeout"};
        else
          err = {"timed out after " + secs + "s waiting for the datastore lock " + path,
                 "another peerlab/calicoctl process is writing or is stuck; if none is running, the lock is "
                 "held by "
                 "a stopped process"};
        return;
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
    // A writer says who it is, for the timeout message of the next one.
    if (operation == LOCK_EX && ::ftruncate(fd_, 0) == 0) {
      std::string pid = std::to_string(::getpid()) + "\n";
      recorded_ = ::pwrite(fd_, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size());
    }
  }
  ~FileLock() {
    if (fd_ < 0) return;
    // The pid goes with the lock (a stale one, left by a killed writer, is harmless: lock_holder
    // checks that the process exists).
    if (recorded_ && ::ftruncate(fd_, 0) != 0) recorded_ = false;
    ::close(fd_);  // closing releases the lock
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_ = -1;
  bool recorded_ = false;
};

DatastoreError load_into(const std::string& path, Topology& out, Diagnostics& diags,
                         const InputLimits& limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) {
      out = Topology{};  // a datastore that does not exist yet is empty
      return {};
    }
    return {"cannot read datastore " + path + ": " + errno_text(), "check the path and its permissions"};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  auto parsed = parse_resources(ss.str(), path, limits);
  Diagnostics local;
  local.append(parsed.diagnostics);
  Topology t;
  add_resources(t, parsed.resources, local);
  if (local.has_errors()) {
    // Past an input limit (E401-E405) the file is not wrong: the limit is too low for it.
    bool only_limits = true;
    for (const auto& d : local.items())
      if (d.severity == Severity::Error && d.code.rfind("E40", 0) != 0) only_limits = false;
    diags.append(local);
    if (only_limits)
      return {"the datastore " + path + " is larger than the input limits allow; it was left unchanged",
              "raise the limit named above with its flag"};
    return {"the datastore " + path + " is not valid; it was left unchanged",
            "fix the file by hand (the errors above give the positions), or point --datastore elsewhere"};
  }
  out = std::move(t);
  return {};
}

}  // namespace

std::string resolve_datastore_path(const std::string& flag_path, const std::string& config_file,
                                   Diagnostics& diags) {
  if (!flag_path.empty()) return flag_path;
  if (!config_file.empty()) {
    // A calicoctl config file: apiVersion v1, kind calicoApiConfig, spec.datastoreType file and
    // spec.datastorePath (relative to the config file).
    try {
      // Through the input limits first: yaml-cpp 0.7 loops forever on some malformed text.
      Diagnostics shape;
      auto text = read_input(config_file, InputLimits{}, shape);
      if (!text) throw YAML::BadFile(config_file);
      if (!check_yaml_shape(*text, InputLimits{}, config_file, shape)) {
        diags.append(shape);
        return {};
      }
      YAML::Node cfg = YAML::Load(*text);
      auto spec = cfg["spec"];
      std::string kind = cfg["kind"] ? cfg["kind"].as<std::string>() : "";
      std::string type = spec && spec["datastoreType"] ? spec["datastoreType"].as<std::string>() : "";
      if (kind != "calicoApiConfig") {
        diags.error("E106", {config_file, 1, 1},
                    "expected kind calicoApiConfig in the calicoctl config file, found '" + kind + "'",
                    "a calicoctl config file has apiVersion: v1 and kind: calicoApiConfig");
      } else if (type != "file") {
        diags.error(
            "E204", {config_file, spec["datastoreType"] ? spec["datastoreType"].Mark().line + 1 : 1, 1},
            "datastoreType '" + type + "' is not supported by peerlab",
            "peerlab keeps the datastore in a file: set datastoreType: file and datastorePath: <path>");
      } else if (spec["datastorePath"]) {
        std::filesystem::path p = spec["datastorePath"].as<std::string>();
        if (p.is_relative()) p = std::filesystem::path(config_file).parent_path() / p;
        return p.lexically_normal().string();
      } else {
        return kDefaultDatastorePath;
      }
    } catch (const YAML::BadFile&) {
      diags.error("E001", {config_file, 0, 0}, "cannot read calicoctl config file",
                  "check the --config path");
    } catch (const YAML::Exception& e) {
      diags.error("E101", {config_file, e.mark.line + 1, e.mark.column + 1}, "YAML syntax error: " + e.msg);
    }
    return {};
  }
  if (const char* env = std::getenv("PEERLAB_DATASTORE"); env && *env) return env;
  return kDefaultDatastorePath;
}

Datastore::Datastore(std::string path, std::chrono::milliseconds lock_timeout, InputLimits limits)
    : path_(std::move(path)), lock_timeout_(lock_timeout), limits_(limits) {}

DatastoreError Datastore::read(Topology& out, Diagnostics& diags) const {
  DatastoreError err;
  FileLock lock(path_ + ".lock", LOCK_SH, lock_timeout_, err);
  if (err) return err;
  return load_into(path_, out, diags, limits_);
}

DatastoreError Datastore::update(const std::function<bool(Topology&)>& mutate, Diagnostics& diags) {
  DatastoreError err;
  FileLock lock(path_ + ".lock", LOCK_EX, lock_timeout_, err);
  if (err) return err;
  // Under the exclusive lock no other writer is between open and rename, so any temporary file
  // left beside the datastore belongs to a writer that was killed: remove it.
  {
    namespace fs = std::filesystem;
    fs::path target(path_);
    fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    const std::string stem = "." + target.filename().string() + ".tmp.";
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().filename().string().rfind(stem, 0) == 0) fs::remove(e.path(), ec);
  }
  Topology t;
  if (auto e = load_into(path_, t, diags, limits_)) return e;
  if (!mutate(t)) return {};
  canonical_sort(t);
  return write_file_atomically(path_, save_topology(t));
}

DatastoreSyscalls& datastore_syscalls() {
  static DatastoreSyscalls calls{real_open, ::write, ::fsync, ::rename};
  return calls;
}

DatastoreError write_file_atomically(const std::string& path, const std::string& contents) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::string tmp =
      (dir / ("." + target.filename().string() + ".tmp." + std::to_string(::getpid()))).string();
  const auto& sys = datastore_syscalls();
  int fd = sys.open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return {"cannot write datastore " + path + ": " + errno_text(),
            "check that the directory " + dir.string() + " is writable"};
  std::size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = sys.write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string why = errno_text();
      ::close(fd);
      ::unlink(tmp.c_str());
      return {"cannot write datastore " + path + ": " + why, "the datastore was left unchanged"};
    }
    done += static_cast<std::size_t>(n);
  }
  if (sys.fsync(fd) != 0) {
    std::string why = errno_text();
    ::close(fd);
    ::unlink(tmp.c_str());
    return {"cannot write datastore " + path + ": " + why, "the datastore was left unchanged"};
  }
  ::close(fd);
  if (sys.rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = errno_text();
    ::unlink(tmp.c_str());
    return {"cannot replace datastore " + path + ": " + why, "the datastore was left unchanged"};
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

}  // namespace peerlab
