// The fidelity harness's laboratory (see bird_lab.hpp). BIRD 2.0.12 behaviour it relies on:
// `bird -f` stays in the foreground (so the pid we fork is the daemon), `-s` and `-P` give each
// daemon its own control socket and pid file, and `birdc -s SOCK` prints the CLI's replies without
// their numeric codes.
#include "tests/fidelity/bird_lab.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "sim/bgp_attrs.hpp"

namespace peerlab::fidelity {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::string collapse(const std::string& s) {
  std::istringstream in(s);
  std::string word, out;
  while (in >> word) out += (out.empty() ? "" : " ") + word;
  return out;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Reaps `pid`, waiting at most `timeout`; true when it is gone.
bool reap(pid_t pid, std::chrono::milliseconds timeout) {
  auto until = Clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    if (Clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

std::string bird_program(const std::string& name) {
  if (std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0) return name;
  std::string sbin = "/usr/sbin/" + name;
  return ::access(sbin.c_str(), X_OK) == 0 ? sbin : std::string();
}

std::string normalize_info(const std::string& state, const std::string& info) {
  std::string s = collapse(info);
  const std::string reset = "Connection reset by peer";
  if (auto p = s.find(reset); p != std::string::npos) s.replace(p, reset.size(), "Connection closed");
  if (state == "start") {
    auto sp = s.find(' ');
    std::string word = s.substr(0, sp);
    if (word == "Idle" || word == "Connect" || word == "Active" || word == "OpenSent" ||
        word == "OpenConfirm")
      s = "Retrying" + (sp == std::string::npos ? std::string() : s.substr(sp));
  }
  return s;
}

void parse_protocols(const std::string& text, SpeakerView& view) {
  struct Block {
    std::string name, state, info, neighbor;
    bool range = false;
  };
  std::vector<Block> blocks;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (line[0] == ' ' || line[0] == '\t') {
      if (blocks.empty()) continue;
      std::string d = trim(line);
      if (d.rfind("Neighbor range:", 0) == 0) blocks.back().range = true;
      if (d.rfind("Neighbor address:", 0) == 0) blocks.back().neighbor = trim(d.substr(17));
      continue;
    }
    std::istringstream ls(line);
    std::string name, proto, table, state, since;
    if (!(ls >> name >> proto >> table >> state >> since) || proto != "BGP") {
      blocks.push_back({});  // details of a non-BGP protocol go here and are ignored
      continue;
    }
    std::string rest;
    std::getline(ls, rest);
    blocks.push_back({name, state, rest, "", false});
  }
  for (auto& b : blocks) {
    if (b.name.empty() || b.range) continue;  // N5: a neighbour range's listener is not a session
    // N5: BIRD names sessions spawned from a range <prefix>_<n>; peerlab names them <prefix>_<ip>.
    auto us = b.name.find('_');
    bool spawned = us != std::string::npos && us + 1 < b.name.size() &&
                   b.name.find('_', us + 1) == std::string::npos &&
                   b.name.find_first_not_of("0123456789", us + 1) == std::string::npos;
    if (spawned && !b.neighbor.empty())
      if (auto a = parse_ip(b.neighbor)) b.name = b.name.substr(0, us) + "_" + protocol_suffix(*a);
    view.raw_info[b.name] = collapse(b.info);
    view.sessions[b.name] = {b.state, normalize_info(b.state, b.info)};
  }
}

void parse_routes(const std::string& text, SpeakerView& view) {
  std::istringstream in(text);
  std::string prefix;
  bool have = false, best = false, local = false;
  RouteKey key;
  auto finish = [&] {
    if (have && best) {
      if (local) key = RouteKey{"local", "", "", ""};
      view.best[prefix] = key;
    }
    have = false;
  };
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.rfind("BIRD ", 0) == 0 || line.rfind("Table ", 0) == 0) continue;
    if (line[0] == '\t') {
      if (!have) continue;
      std::string attr = trim(line);
      auto colon = attr.find(':');
      if (colon == std::string::npos) continue;
      std::string k = attr.substr(0, colon), v = collapse(attr.substr(colon + 1));
      if (k == "Type") local = v.rfind("static", 0) == 0;
      if (k == "BGP.next_hop") key.next_hop = v;
      if (k == "BGP.as_path") key.as_path = v;
      if (k == "BGP.originator_id") key.originator = v;
      if (k == "BGP.cluster_list") key.cluster_list = v;
      continue;
    }
    if (line.find('[') == std::string::npos) continue;
    finish();
    if (line[0] != ' ') prefix = line.substr(0, line.find_first_of(" \t"));
    auto close = line.find(']');
    best = close != std::string::npos && line.find(" * ", close) != std::string::npos;
    local = false;
    key = RouteKey{};
    have = true;
  }
  finish();
}

SpeakerView peerlab_view(const sim::Network& net, sim::SpeakerId id) {
  SpeakerView v;
  for (const auto& s : net.sessions(id)) {
    std::string state(bgp::to_string(s.proto));
    v.raw_info[s.protocol] = s.info();
    v.sessions[s.protocol] = {state, normalize_info(state, s.info())};
  }
  for (const auto& r : net.routes(id)) {
    if (!r.best) continue;
    RouteKey k;
    if (r.local) {
      k.next_hop = "local";
    } else {
      k.next_hop = to_string(r.attrs.next_hop);
      k.as_path = bgp::format_as_path(r.attrs.as_path);
      if (r.attrs.originator_id) k.originator = bgp::format_router_id(*r.attrs.originator_id);
      for (auto c : r.attrs.cluster_list)
        k.cluster_list += (k.cluster_list.empty() ? "" : " ") + bgp::format_router_id(c);
    }
    v.best[to_string(r.prefix)] = k;
  }
  return v;
}

std::map<IpAddr, IpAddr> remap_to_loopback(Topology& t, std::uint8_t second, std::uint8_t third_base) {
  std::set<std::uint32_t> nets;  // the /24s in use
  auto note = [&](const IpAddr& a) {
    if (a.family == Family::V4) nets.insert(a.v4_value() >> 8);
  };
  for (const auto& n : t.nodes)
    if (n.ipv4_address) note(n.ipv4_address->addr);
  for (const auto& p : t.peers)
    if (p.peer_ip) note(*p.peer_ip);
  for (const auto& s : t.segments)
    for (const auto& c : s.cidrs) note(c.addr);
  for (const auto& r : t.routers) {
    for (const auto& a : r.addresses) note(a.addr);
    for (const auto& n : r.neighbors) note(n.address);
    for (const auto& n : r.neighbor_ranges) note(n.range.addr);
  }
  std::map<std::uint32_t, std::uint32_t> third;
  for (auto n : nets) third[n] = static_cast<std::uint32_t>(third_base + third.size());
  std::map<IpAddr, IpAddr> moved;
  auto map_addr = [&](IpAddr& a) {
    if (a.family != Family::V4) return;
    IpAddr old = a;
    a = IpAddr::v4((127U << 24) | (std::uint32_t(second) << 16) |
                   ((third.at(a.v4_value() >> 8) & 0xFF) << 8) | (a.v4_value() & 0xFF));
    moved[old] = a;
  };
  // A prefix keeps its host byte and its length, at least /24 (a shorter one is narrowed to its /24).
  auto map_prefix = [&](Prefix& p) {
    if (p.addr.family != Family::V4) return;
    map_addr(p.addr);
    if (p.length < 24) p.length = 24;
  };
  for (auto& n : t.nodes)
    if (n.ipv4_address) map_prefix(*n.ipv4_address);
  for (auto& p : t.peers)
    if (p.peer_ip) map_addr(*p.peer_ip);
  for (auto& s : t.segments)
    for (auto& c : s.cidrs) map_prefix(c);
  for (auto& r : t.routers) {
    for (auto& a : r.addresses) map_prefix(a);
    for (auto& n : r.neighbors) map_addr(n.address);
    for (auto& n : r.neighbor_ranges) map_prefix(n.range);
  }
  canonical_sort(t);
  return moved;
}

std::string describe(const NetworkView& v) {
  std::ostringstream out;
  for (const auto& [speaker, sv] : v) {
    out << speaker << "\n";
    for (const auto& [p, s] : sv.sessions) out << "  " << p << "  " << s.state << "  " << s.info << "\n";
    for (const auto& [prefix, r] : sv.best)
      out << "  " << prefix << " via " << r.next_hop << " [" << r.as_path << "] originator " << r.originator
          << " clusters [" << r.cluster_list << "]\n";
  }
  return out.str();
}

std::vector<std::string> differences(const NetworkView& bird, const NetworkView& peerlab) {
  std::vector<std::string> out;
  std::set<std::string> speakers;
  for (const auto& [s, v] : bird) speakers.insert(s);
  for (const auto& [s, v] : peerlab) speakers.insert(s);
  static const SpeakerView empty;
  for (const auto& s : speakers) {
    const SpeakerView& b = bird.count(s) ? bird.at(s) : empty;
    const SpeakerView& p = peerlab.count(s) ? peerlab.at(s) : empty;
    std::set<std::string> protos;
    for (const auto& [k, v] : b.sessions) protos.insert(k);
    for (const auto& [k, v] : p.sessions) protos.insert(k);
    for (const auto& k : protos) {
      auto bi = b.sessions.find(k);
      auto pi = p.sessions.find(k);
      auto show = [](const auto& it, const auto& m) {
        return it == m.end() ? std::string("(none)") : it->second.state + " " + it->second.info;
      };
      if (bi == b.sessions.end() || pi == p.sessions.end() || !(bi->second == pi->second))
        out.push_back(s + " " + k + ": BIRD '" + show(bi, b.sessions) + "', peerlab '" +
                      show(pi, p.sessions) + "'");
    }
    std::set<std::string> prefixes;
    for (const auto& [k, v] : b.best) prefixes.insert(k);
    for (const auto& [k, v] : p.best) prefixes.insert(k);
    for (const auto& k : prefixes) {
      auto bi = b.best.find(k);
      auto pi = p.best.find(k);
      auto show = [](const auto& it, const auto& m) {
        if (it == m.end()) return std::string("(none)");
        const RouteKey& r = it->second;
        return "via " + r.next_hop + " [" + r.as_path + "] originator " + r.originator + " clusters [" +
               r.cluster_list + "]";
      };
      if (bi == b.best.end() || pi == p.best.end() || !(bi->second == pi->second))
        out.push_back(s + " " + k + ": BIRD " + show(bi, b.best) + ", peerlab " + show(pi, p.best));
    }
  }
  return out;
}

// ---- the lab ----------------------------------------------------------------------------------

BirdLab::BirdLab(const std::string& case_name) {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/peerlab-fidelity-" + case_name + "-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + templ);
  dir_ = buf.data();
}

BirdLab::~BirdLab() {
  stop_all();
  const char* keep = std::getenv("PEERLAB_FIDELITY_KEEP");
  if (keep && std::string(keep) == "1") {
    std::fprintf(stderr, "fidelity: kept %s\n", dir_.c_str());
    return;
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void BirdLab::write_config(const std::string& speaker, const std::string& text) {
  std::string tmp = config_path(speaker) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
  }
  fs::rename(tmp, config_path(speaker));
}

bool BirdLab::start(const std::string& speaker, std::string& error) {
  std::string conf = config_path(speaker), sock = dir_ + "/" + speaker + ".ctl",
              pidf = dir_ + "/" + speaker + ".pid", out = dir_ + "/" + speaker + ".out";
  const std::string program = bird_program("bird");
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    error = "fork failed";
    return false;
  }
  if (pid == 0) {
    // The daemon dies with the test program, whatever kills it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) ::dup2(fd, 1), ::dup2(fd, 2), ::close(fd);
    ::execlp(program.c_str(), "bird", "-f", "-c", conf.c_str(), "-s", sock.c_str(), "-P", pidf.c_str(),
             static_cast<char*>(nullptr));
    ::_exit(127);
  }
  pids_[speaker] = pid;
  return true;
}

bool BirdLab::wait_ready(std::chrono::milliseconds timeout, std::string& error) {
  auto until = Clock::now() + timeout;
  for (const auto& [speaker, pid] : pids_) {
    while (true) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        std::ifstream in(dir_ + "/" + speaker + ".out");
        std::stringstream ss;
        ss << in.rdbuf();
        error = "bird for " + speaker + " exited: " + ss.str();
        pids_.erase(speaker);
        return false;
      }
      if (fs::exists(dir_ + "/" + speaker + ".ctl") && birdc(speaker, "show status")) break;
      if (Clock::now() >= until) {
        error = "bird for " + speaker + " does not answer on its control socket";
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  return true;
}

bool BirdLab::signal(const std::string& speaker, int sig) {
  auto it = pids_.find(speaker);
  if (it == pids_.end()) return false;
  if (::kill(it->second, sig) != 0) return false;
  if (sig == SIGKILL || sig == SIGTERM) {
    reap(it->second, std::chrono::seconds(5));
    pids_.erase(it);
  }
  return true;
}

std::optional<std::string> BirdLab::birdc(const std::string& speaker, const std::string& command) const {
  std::string cmd =
      bird_program("birdc") + " -s " + shell_quote(dir_ + "/" + speaker + ".ctl") + " " + command + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return std::nullopt;
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int status = ::pclose(p);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  if (out.find("Unable to connect") != std::string::npos) return std::nullopt;
  return out;
}

SpeakerView BirdLab::view(const std::string& speaker) const {
  SpeakerView v;
  if (auto p = birdc(speaker, "show protocols all")) parse_protocols(*p, v);
  if (auto r = birdc(speaker, "show route all")) parse_routes(*r, v);
  return v;
}

NetworkView BirdLab::view_all() const {
  NetworkView v;
  for (const auto& [speaker, pid] : pids_) v[speaker] = view(speaker);
  return v;
}

std::vector<std::string> BirdLab::running() const {
  std::vector<std::string> out;
  for (const auto& [speaker, pid] : pids_) out.push_back(speaker);
  return out;
}

void BirdLab::stop_all() {
  for (const auto& [speaker, pid] : pids_) {
    ::kill(pid, SIGTERM);
    ::kill(pid, SIGCONT);  // a stopped daemon handles SIGTERM only once it runs
  }
  for (const auto& [speaker, pid] : pids_) {
    if (!reap(pid, std::chrono::seconds(2))) {
      ::kill(pid, SIGKILL);
      reap(pid, std::chrono::seconds(2));
    }
  }
  pids_.clear();
}

Observation observe(const BirdLab& lab, Clock::time_point start, std::chrono::milliseconds settle_all_up,
                    std::chrono::milliseconds settle_otherwise, std::chrono::milliseconds deadline) {
  Observation o;
  std::vector<std::pair<double, std::set<std::string>>> history;  // poll time, sessions up
  std::set<std::string> seen;
  std::optional<NetworkView> last;
  auto secs = [&](Clock::time_point t) { return std::chrono::duration<double>(t - start).count(); };
  auto last_change = Clock::now();
  auto until = Clock::now() + deadline;
  while (true) {
    auto now = Clock::now();
    NetworkView v = lab.view_all();
    std::set<std::string> up;
    bool all_up = true;
    for (const auto& [speaker, sv] : v) {
      for (const auto& [p, s] : sv.sessions) {
        if (s.state == "up")
          up.insert(speaker + " " + p);
        else
          all_up = false;
        std::string raw = speaker + " " + p + ": " + sv.raw_info.at(p);
        if (seen.insert(raw).second) o.info_seen.push_back(raw);
      }
    }
    history.emplace_back(secs(now), up);
    if (!last || !(*last == v)) {
      last = v;
      last_change = now;
      o.last_change_s = secs(now);
    }
    auto settle = all_up ? settle_all_up : settle_otherwise;
    if (Clock::now() - last_change >= settle) {
      o.stable = true;
      break;
    }
    if (Clock::now() >= until) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  o.view = *last;
  // When every session up at the end had come up for good.
  const std::set<std::string>& final_up = history.back().second;
  if (!final_up.empty()) {
    o.all_established_s = history.back().first;
    for (auto it = history.rbegin(); it != history.rend(); ++it) {
      bool all = true;
      for (const auto& s : final_up) all = all && it->second.count(s);
      if (!all) break;
      o.all_established_s = it->first;
    }
  }
  return o;
}

}  // namespace peerlab::fidelity
