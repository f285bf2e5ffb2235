#!/usr/bin/env bash
# README command 1: install what is missing, build, and run peerlab's main job on the embedded
# default cluster. Extra arguments go to `peerlab demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec ./build/peerlab demo "$@"
