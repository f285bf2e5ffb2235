#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (clang, ASan + UBSan, -DPEERLAB_FUZZ=ON) into build-fuzz/
# and runs them over their corpus (docs/hardening.md).
#   bash scripts/fuzz.sh                    CI: every target, a fixed number of runs each over the
#                                           committed corpus fuzz/corpus/<target>/ (about a minute)
#   bash scripts/fuzz.sh TARGET             the same for one target (fuzz_resources, fuzz_ctl_args, …)
#   bash scripts/fuzz.sh TARGET 3600        one target for an hour of wall-clock time
#   bash scripts/fuzz.sh TARGET runs=100000 one target for that many runs
#   bash scripts/fuzz.sh TARGET cpu=3600    one target until it has used an hour of CPU time, in
#                                           chunks of at most 15 minutes (for a shared machine,
#                                           where wall-clock time says little)
#   bash scripts/fuzz.sh all 3600           every target, an hour each, one after the other
# New interesting inputs go to build-fuzz/corpus/<target>/ (the committed corpus is only read);
# crashes, hangs and out-of-memory inputs to build-fuzz/artifacts/<target>/. Exit 0 when nothing
# was found. Extra libFuzzer flags: PEERLAB_FUZZ_FLAGS="-jobs=2 -workers=2".
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(clang libclang-rt-14-dev cmake ninja-build pkg-config time
          libyaml-cpp-dev nlohmann-json3-dev libboost-graph-dev libfmt-dev libcli11-dev libgraphviz-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fuzz: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build_dir=${PEERLAB_FUZZ_BUILD_DIR:-build-fuzz}
# Debug keeps the assertions (the invariants channel); -O1 keeps the fuzzer fast enough.
CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DPEERLAB_FUZZ=ON -DPEERLAB_BUILD_TESTS=OFF \
  -DPEERLAB_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" >/dev/null
cmake --build "$build_dir" --target peerlab_fuzz -j "${PEERLAB_JOBS:-2}"

all_targets=()
for f in fuzz/fuzz_*.cpp; do all_targets+=("$(basename "$f" .cpp)"); done
target=${1:-all}
budget=${2:-}
if [ "$target" = all ]; then targets=("${all_targets[@]}"); else targets=("$target"); fi

# CI: replay the whole corpus, then this many mutations, from a fixed seed.
ci_runs=${PEERLAB_FUZZ_CI_RUNS:-2000}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for t in "${targets[@]}"; do
  [ -x "$build_dir/fuzz/$t" ] || { echo "fuzz: no target $t (targets: ${all_targets[*]})" >&2; exit 2; }
  seeds=fuzz/corpus/$t
  work=$build_dir/corpus/$t
  artifacts=$build_dir/artifacts/$t/
  mkdir -p "$seeds" "$work" "$artifacts"
  dict=fuzz/yaml.dict
  [ "$t" = fuzz_ctl_args ] && dict=fuzz/ctl.dict
  flags=(-dict="$dict" -max_len=16384 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$artifacts"
         -print_final_stats=1)
  case "$budget" in
    "") flags+=(-runs="$ci_runs" -seed=1) ;;
    runs=*) flags+=(-runs="${budget#runs=}") ;;
    cpu=*) ;;
    *) flags+=(-max_total_time="$budget") ;;
  esac
  if [ "${budget#cpu=}" != "$budget" ]; then
    # Chunks of at most 900 s of wall time, each from a new seed, until the CPU time (user +
    # system, measured by /usr/bin/time) reaches the budget; new inputs carry over in $work.
    want=${budget#cpu=}
    used=0
    chunk=0
    while [ "$used" -lt "$want" ]; do
      chunk=$((chunk + 1))
      left=$((want - used))
      [ "$left" -gt 900 ] && left=900
      echo "fuzz: $t chunk $chunk, ${used}s of ${want}s CPU used" >&2
      # shellcheck disable=SC2086
      if ! /usr/bin/time -f "%U %S" -o "$build_dir/$t.cpu" "$build_dir/fuzz/$t" "${flags[@]}" \
          -max_total_time="$left" -seed="$chunk" ${PEERLAB_FUZZ_FLAGS:-} "$work" "$seeds"; then
        echo "fuzz: $t found a problem; the input is in $artifacts" >&2
        status=1
        break
      fi
      used=$((used + $(tail -1 "$build_dir/$t.cpu" | awk '{printf "%d", $1 + $2 + 1}')))
    done
    echo "fuzz: $t used ${used}s of CPU in $chunk chunks" >&2
    continue
  fi
  echo "fuzz: $t ${flags[*]} $work $seeds" >&2
  # shellcheck disable=SC2086
  if ! "$build_dir/fuzz/$t" "${flags[@]}" ${PEERLAB_FUZZ_FLAGS:-} "$work" "$seeds"; then
    echo "fuzz: $t found a problem; the input is in $artifacts" >&2
    status=1
  fi
done
exit $status
