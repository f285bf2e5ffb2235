// Golden transcripts of command-line sessions: tests/golden/**/*.transcript.
//
// A transcript is a terminal session written down. Lines starting with "$ " are commands, run by
// bash in a fresh directory where `calicoctl`, `bin/calicoctl` and `peerlab` are the built
// binaries and PEERLAB_DATASTORE points at a new datastore. The lines after a command are its
// expected output: standard output as is, standard error prefixed with "! ", and "[exit N]" when
// the exit status is not 0. $PEERLAB_SOURCE_DIR names the source tree (to copy fixtures from).
// Blocks between "--- file NAME" and "--- end" are written to NAME before
// the next command runs. Lines starting with "#" before the first command are comments.
//
// Directives (in the comments): "# source: document" marks a transcript copied from the source
// document: it is the specification, compared with trailing spaces ignored (the document pads its
// tables inconsistently), and never rewritten. Other transcripts are compared exactly and are
// rewritten from the actual output when PEERLAB_UPDATE_GOLDEN=1.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

struct FileBlock {
  std::string name, text;
};

// Parses a transcript into header comments and commands, keeping file blocks with the command
// that follows them.
struct Parsed {
  std::vector<std::string> header;
  struct Item {
    std::vector<FileBlock> files;
    std::string command;
    std::string expected;
  };
  std::vector<Item> items;
  std::vector<FileBlock> trailing_files;
  bool from_document = false;
};

Parsed parse(const std::string& text) {
  Parsed p;
  std::istringstream in(text);
  std::string line;
  std::vector<FileBlock> pending;
  bool in_header = true;
  while (std::getline(in, line)) {
    if (line.rfind("--- file ", 0) == 0) {
      FileBlock f{line.substr(9), ""};
      while (std::getline(in, line) && line != "--- end") f.text += line + "\n";
      pending.push_back(f);
      in_header = false;
      continue;
    }
    if (line.rfind("$ ", 0) == 0) {
      in_header = false;
      p.items.push_back({pending, line.substr(2), ""});
      pending.clear();
      continue;
    }
    if (in_header) {
      p.header.push_back(line);
      if (line.find("source: document") != std::string::npos) p.from_document = true;
      continue;
    }
    if (!p.items.empty()) p.items.back().expected += line + "\n";
  }
  return p;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string prefix_lines(const std::string& s, const std::string& prefix) {
  std::string out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out += prefix + line + "\n";
  return out;
}

std::string trim_trailing_spaces(const std::string& s) {
  std::string out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
    out += line + "\n";
  }
  // Blank lines at the end of a block are not significant in a document either.
  while (out.size() >= 2 && out.substr(out.size() - 2) == "\n\n") out.pop_back();
  return out;
}

// Runs `command` with bash in `dir`; returns the transcript form of its output.
std::string run(const std::string& command, const fs::path& dir) {
  fs::path out_file = dir / ".stdout", err_file = dir / ".stderr", script_file = dir / ".command.sh";
  {
    std::ofstream script(script_file);
    script << "cd '" << dir.string() << "'\n"
           << "export PATH='" << PEERLAB_BINARY_DIR << "':\"$PATH\"\n"
           << "export PEERLAB_DATASTORE='" << (dir / "datastore.yaml").string() << "'\n"
           << "export PEERLAB_SOURCE_DIR='" << PEERLAB_SOURCE_DIR << "'\n"
           << "unset PEERLAB_NODE\n"
           << command << "\n";
  }
  std::string shell = "bash '" + script_file.string() + "' >'" + out_file.string() + "' 2>'" + err_file.string() +
                      "' </dev/null";
  int status = std::system(shell.c_str());
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  std::string result = read_all(out_file) + prefix_lines(read_all(err_file), "! ");
  if (code != 0) result += "[exit " + std::to_string(code) + "]\n";
  return result;
}

class Transcripts : public ::testing::TestWithParam<fs::path> {};

TEST_P(Transcripts, OutputMatchesTheGoldenTranscript) {
  const fs::path path = GetParam();
  const std::string text = read_all(path);
  Parsed p = parse(text);
  ASSERT_FALSE(p.items.empty()) << path << " has no commands";

  fs::path dir = fs::temp_directory_path() / ("peerlab-transcript-" + std::to_string(::getpid()) + "-" +
                                              path.stem().string());
  fs::remove_all(dir);
  fs::create_directories(dir / "bin");
  fs::create_symlink(fs::path(PEERLAB_BINARY_DIR) / "calicoctl", dir / "bin" / "calicoctl");

  const bool update = std::getenv("PEERLAB_UPDATE_GOLDEN") && !p.from_document;
  std::string rewritten;
  for (const auto& h : p.header) rewritten += h + "\n";
  for (const auto& item : p.items) {
    for (const auto& f : item.files) {
      std::ofstream(dir / f.name, std::ios::binary) << f.text;
      rewritten += "--- file " + f.name + "\n" + f.text + "--- end\n";
    }
    std::string actual = run(item.command, dir);
    rewritten += "$ " + item.command + "\n" + actual;
    if (update) continue;
    if (p.from_document)
      EXPECT_EQ(trim_trailing_spaces(item.expected), trim_trailing_spaces(actual)) << "command: " << item.command;
    else
      EXPECT_EQ(item.expected, actual) << "command: " << item.command
                                       << "\n(run with PEERLAB_UPDATE_GOLDEN=1 to accept the new output)";
  }
  if (update && rewritten != text) std::ofstream(path, std::ios::binary) << rewritten;
  fs::remove_all(dir);
}

std::vector<fs::path> all_transcripts() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(PEERLAB_SOURCE_DIR) / "tests" / "golden"))
    if (e.path().extension() == ".transcript") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string test_name(const ::testing::TestParamInfo<fs::path>& info) {
  std::string name = info.param.parent_path().filename().string() + "_" + info.param.stem().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Golden, Transcripts, ::testing::ValuesIn(all_transcripts()), test_name);

}  // namespace
