#!/usr/bin/env bash
# README command 2: install what is missing, build, and run the whole test suite with CTest.
#   PEERLAB_SANITIZE=1 bash scripts/test.sh   the same under ASan + UBSan (in build-asan/)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "${PEERLAB_SANITIZE:-0}" = 1 ]; then build_dir=${PEERLAB_BUILD_DIR:-build-asan}; else build_dir=${PEERLAB_BUILD_DIR:-build}; fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
# Graphviz's own leaks (tests/lsan.supp says which and why); ours are still reported.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build_dir" --output-on-failure -j "${PEERLAB_JOBS:-2}" "$@"
