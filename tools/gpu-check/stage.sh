#!/bin/sh
# Stages what tools/gpu-check/run.sh needs on a lent GPU machine that has no Node and no network,
# into .gpu-check/bundle/ (git-ignored; at most 64 MiB, the most a device run may carry):
#   node.gz        this machine's Node binary (`command -v node`, Node 20), gzip'd
#   vulkan/        libvulkan.so.1 from Debian's libvulkan1 (`apt-get download libvulkan1 && dpkg -x`)
#   app.tar.gz     the compiled check (tools/gpu-check/gpu-check.ts with the core sources and
#                  bench/networks.ts it imports) and the node_modules files a run loads (tfjs, its
#                  wasm and webgpu backends, the npm package webgpu's linux-x64 dawn.node)
# Run it from a checkout after `npm ci`, on an x86-64 Linux machine like the GPU machine. It runs the
# check once with --load-only on whatever adapter is here (a software one is fine) to learn which
# files a run loads. gzip, not xz: gzip is on every Debian/Ubuntu system.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/.gpu-check"
build="$out/build"
bundle="$out/bundle"
rm -rf "$build" "$bundle"
mkdir -p "$build" "$bundle/vulkan"
cd "$root"

echo "compiling tools/gpu-check/gpu-check.ts"
npx tsc -p tools/gpu-check/tsconfig.json --outDir "$build/app"

echo "listing the files a run loads (--load-only on this machine's adapter)"
node "$build/app/tools/gpu-check/gpu-check.js" --allow-software --load-only --list-modules "$build/modules.txt"
# Every loaded file under node_modules, each package's package.json, and tfjs-backend-wasm's
# binaries and its pthreads build in wasm-out/ (read with fs or given to workers, not required).
{
  grep "^$root/node_modules/" "$build/modules.txt" | sed "s|^$root/||"
  grep "^$root/node_modules/" "$build/modules.txt" | sed "s|^$root/||" |
    sed -E 's#^(.*node_modules/(@[^/]+/)?[^/]+)/.*#\1/package.json#' | sort -u
  ls node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/*
} | sort -u > "$build/files.txt"
outside=$(grep -v "^$root/node_modules/\|^$build/app/\|^node:" "$build/modules.txt" || true)
if [ -n "$outside" ]; then
  echo "gpu-check: a run loads files outside node_modules and the compiled app:" >&2
  echo "$outside" >&2
  exit 1
fi
tar -C "$root" -cf - -T "$build/files.txt" | tar -C "$build/app" -xf -
tar -C "$build" -czf "$bundle/app.tar.gz" app

echo "packing $(command -v node) ($(node --version))"
gzip -9 -c "$(command -v node)" > "$bundle/node.gz"

echo "fetching the Vulkan loader (Debian libvulkan1)"
(cd "$build" && apt-get download libvulkan1 && dpkg -x libvulkan1_*.deb vulkan-root)
# The real file under the name Dawn opens (a device run carries a symbolic link only as a link).
cp -L "$build"/vulkan-root/usr/lib/x86_64-linux-gnu/libvulkan.so.1 "$bundle/vulkan/libvulkan.so.1"

size=$(du -sb "$bundle" | cut -f1)
echo "staged $bundle: $(du -sh "$bundle" | cut -f1) ($size bytes)"
ls -l "$bundle" "$bundle/vulkan"
if [ "$size" -gt 67108864 ]; then
  echo "gpu-check: the bundle is over 64 MiB" >&2
  exit 1
fi
