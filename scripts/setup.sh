#!/usr/bin/env bash
# Installs peerlab's build dependencies (Debian 12 packages) when any is missing, then configures
# and builds into ${PEERLAB_BUILD_DIR:-build}. Called by scripts/run.sh, scripts/test.sh and .ci/run.
#   PEERLAB_SANITIZE=1  build with AddressSanitizer + UndefinedBehaviorSanitizer (default dir build-asan)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build pkg-config git
          libyaml-cpp-dev nlohmann-json3-dev libboost-graph-dev libfmt-dev libcli11-dev
          libgtest-dev libgmock-dev libbenchmark-dev libgraphviz-dev libplplot-dev
          python3-jsonschema python3-yaml)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

sanitize=${PEERLAB_SANITIZE:-0}
if [ "$sanitize" = 1 ]; then
  build_dir=${PEERLAB_BUILD_DIR:-build-asan}
  extra=(-DPEERLAB_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DPEERLAB_BUILD_BENCH=OFF)
else
  build_dir=${PEERLAB_BUILD_DIR:-build}
  extra=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
fi
cmake -S . -B "$build_dir" -G Ninja "${extra[@]}" >/dev/null
cmake --build "$build_dir" -j "${PEERLAB_JOBS:-2}"
