#!/usr/bin/env bash
# Runs the Google Benchmark suites (build/peerlab_bench) and a small `peerlab bench` sweep.
#   bash scripts/bench.sh           every benchmark at every size (minutes), then a sweep per design
#   bash scripts/bench.sh --short   CI: the small sizes only, a minimal measuring time, a tiny sweep.
# Timings are printed, never judged: the script fails only when a benchmark or the sweep crashes or
# reports a size it could not measure (generation failed, the child died), never because something was slow.
set -euo pipefail
cd "$(dirname "$0")/.."
short=0
[ "${1:-}" = "--short" ] && short=1
bash scripts/setup.sh
build_dir=${PEERLAB_BUILD_DIR:-build}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ "$short" = 1 ]; then
  "$build_dir"/peerlab_bench \
    --benchmark_filter='BM_KernelHold[A-Za-z]*/1000$|BM_ColdStart[A-Za-z]*/(50|80|100)$|BM_FullMeshColdStart/50$|BM_DecisionProcess/16$|BM_AttributeInterning/1000$|BM_FullMeshSteadyHour/nodes:50/' \
    --benchmark_min_time=0.01
  sizes_mesh=10,20 sizes_other=40,80
else
  "$build_dir"/peerlab_bench
  sizes_mesh=50,100,200,400 sizes_other=100,200,400,800
fi
for model in full-mesh route-reflectors as-per-rack as-per-compute-server; do
  sizes=$sizes_other
  [ "$model" = full-mesh ] && sizes=$sizes_mesh
  # Exit status 1 means a size failed (did not generate or crashed); that fails the script.
  "$build_dir"/peerlab bench "$model" --nodes "$sizes" --plot "$out/$model.svg"
done
