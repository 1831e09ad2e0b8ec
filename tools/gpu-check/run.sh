#!/bin/sh
# Runs the real-GPU check (tools/gpu-check/gpu-check.ts) with the Node binary and the Vulkan loader
# that tools/gpu-check/stage.sh put in .gpu-check/bundle/, on a machine where neither is installed
# and nothing can be downloaded. Prints the adapter, the correctness checks against the cpu backend,
# and webgpu / wasm step times with their ratios.
#
#   tools/gpu-check/run.sh [--allow-software] [--steps 5] [--warmup 2] [--networks cnn,dcgan,resnet]
#                          [--skip-checks] [--skip-timing]
#
# --allow-software checks a software adapter (llvmpipe) too: for trying the script on a machine
# without a GPU. Environment: GPU_CHECK_BUNDLE (default .gpu-check/bundle), VK_DRIVER_FILES (default:
# the NVIDIA ICD json, where one of the usual places has it).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
bundle="${GPU_CHECK_BUNDLE:-$root/.gpu-check/bundle}"
work="${TMPDIR:-/tmp}/bigmodel-gpu-check"
for f in node.gz app.tar.gz vulkan; do
  if [ ! -e "$bundle/$f" ]; then
    echo "gpu-check: $bundle/$f is missing; run tools/gpu-check/stage.sh on a machine with Node first" >&2
    exit 2
  fi
done
rm -rf "$work"
mkdir -p "$work"
gzip -dc "$bundle/node.gz" > "$work/node"
chmod +x "$work/node"
tar -C "$work" -xzf "$bundle/app.tar.gz"

# The Vulkan loader: the system's if it has one, else the one brought along.
# (GPU_CHECK_BUNDLED_VULKAN=1 takes the one brought along even where the system has one.)
if [ "${GPU_CHECK_BUNDLED_VULKAN:-0}" != 1 ] && ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
  echo "Vulkan loader: the system's"
else
  export LD_LIBRARY_PATH="$bundle/vulkan${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "Vulkan loader: $bundle/vulkan (brought along)"
fi
# The NVIDIA driver's Vulkan ICD, where the loader may not look for it by itself.
if [ -z "${VK_DRIVER_FILES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
    /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.x86_64.json; do
    if [ -f "$icd" ]; then
      export VK_DRIVER_FILES="$icd" VK_ICD_FILENAMES="$icd"
      break
    fi
  done
fi
echo "VK_DRIVER_FILES: ${VK_DRIVER_FILES:-(unset: the loader's own search)}"
echo "node: $("$work/node" --version)"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "nvidia-smi: not available"
exec "$work/node" "$work/app/tools/gpu-check/gpu-check.js" "$@"
