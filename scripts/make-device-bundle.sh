#!/usr/bin/env bash
# Packs the bench for a Linux machine with an NVIDIA GPU: ../shared/gpu/make-device-bundle.sh
# (see its README), adapted to the Dawn addon's place in the `webgpu` package Convas uses now.
# The shared script (read-only) takes the addon from webgpu 0.3.8's place,
# dist/linux-x64.dawn.node; webgpu 0.6.2 keeps it at dist/linux-x64/dawn.node and its index.js
# loads it from there. So: a link at the old place while the shared script packs, and a line in
# .device/setup.sh that puts the unpacked addon where 0.6.2's index.js looks.
#
# usage (from the project root):  scripts/make-device-bundle.sh [entry.ts ...]
# then on the GPU machine:         source .device/setup.sh && node .device/index.mjs --json
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
shared="$root/../shared/gpu/make-device-bundle.sh"
[ -x "$shared" ] || { echo "missing $shared" >&2; exit 1; }
dist=node_modules/webgpu/dist
flat=$dist/linux-x64.dawn.node
made_link=0
if [ ! -e "$flat" ]; then
  [ -s "$dist/linux-x64/dawn.node" ] || { echo "no Dawn addon for linux-x64 in $dist (npm ci first)" >&2; exit 1; }
  ln -s linux-x64/dawn.node "$flat"
  made_link=1
fi
trap '[ "$made_link" = 1 ] && rm -f "$flat"' EXIT
# a bundle packed from another webgpu version holds another addon: pack it afresh
if [ -s .device/dawn.xz ] && [ "$(cat .device/webgpu-version 2>/dev/null)" != "$(node -p "require('./node_modules/webgpu/package.json').version")" ]; then
  rm -f .device/dawn.xz .device/node_modules/webgpu/dist/linux-x64.dawn.node
fi
"$shared" "$@"
node -p "require('./node_modules/webgpu/package.json').version" > .device/webgpu-version
if [ -d "$dist/linux-x64" ] && ! grep -q 'dist/linux-x64/dawn.node' .device/setup.sh; then
  cat >> .device/setup.sh <<'SH'
# webgpu >= 0.4 loads its addon from dist/linux-x64/dawn.node (scripts/make-device-bundle.sh)
mkdir -p .device/node_modules/webgpu/dist/linux-x64
ln -sf ../linux-x64.dawn.node .device/node_modules/webgpu/dist/linux-x64/dawn.node
SH
fi
echo "packed for webgpu $(cat .device/webgpu-version)"
