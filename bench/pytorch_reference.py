#!/usr/bin/env python3
"""PyTorch reference timings for the bigmodel benchmarks.

This script mirrors the TypeScript (TensorFlow.js) benchmark in bench/: it
builds the same two networks in PyTorch, trains them on random data on the CPU
in float32, and reports how long one training step takes, so the Node
benchmark can put its own numbers next to a PyTorch baseline.

Measured workloads
  cnn    The reference MNIST CNN (Keras layout; PyTorch uses NCHW internally):
         Conv2d(1,32,3)+ReLU, MaxPool(2), Conv2d(32,64,3)+ReLU, MaxPool(2),
         Flatten, Linear(1600,128)+ReLU, Linear(128,10), softmax cross-entropy.
         Batch 64, Adam(lr=1e-3).
         One step = zero_grad, forward, loss, backward, optimizer.step().
  resnet A CIFAR-shaped ResNet-14 (He et al. 2016, CIFAR family with n=2),
         3x32x32 inputs: Conv3x3(16)+BN+ReLU, three stages of two basic
         blocks at 16, 32, 64 filters (the first block of stages 2 and 3
         strides 2, shortcut Conv1x1+BN), global average pooling,
         Linear(64,10), cross-entropy on logits. Batch 64, Adam(lr=1e-3).
  dcgan  A DCGAN for 28x28 MNIST, batch 64, nz=100, BCEWithLogitsLoss,
         Adam(2e-4, betas=(0.5, 0.999)) for both networks.
         One step = one discriminator update on a real batch (random in
         [-1, 1]) and a fake batch (G(z).detach()), then one generator update
         with the non-saturating loss (fake batch labelled as real).

Usage
  /usr/bin/python3 bench/pytorch_reference.py [--steps 20] [--dcgan-steps N] [--warmup 3]
      [--threads 2] [--which cnn|dcgan|resnet|all] [--resnet-steps N]

Output
  Exactly one JSON line on stdout, for example
    {"torch": "1.13.1", "threads": 2,
     "cnn": {"msPerStep": 25.1, "samplesPerSec": 2550.0},
     "dcgan": {"msPerStep": 3200.0, "samplesPerSec": 20.0, "gflopPerStep": 10.4}}
  (and "resnet" like "dcgan"; only the sections selected with --which). Progress goes to stderr.
  Exit codes: 0 success, 3 torch cannot be imported (stdout then holds
  {"error": "torch not available: ..."}), 1 any other failure (stdout then
  holds {"error": "..."}).
"""

import argparse
import json
import sys
import time

BATCH = 64
NZ = 100
NUM_CLASSES = 10


def log(message):
    """Progress messages go to stderr; stdout is reserved for the JSON line."""
    print(message, file=sys.stderr, flush=True)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Time the bigmodel reference networks in PyTorch (CPU, float32)."
    )
    parser.add_argument("--steps", type=int, default=20, help="timed steps (default 20)")
    parser.add_argument(
        "--dcgan-steps", type=int, default=None, help="timed DCGAN steps (default: --steps)"
    )
    parser.add_argument(
        "--resnet-steps", type=int, default=None, help="timed ResNet steps (default: --steps)"
    )
    parser.add_argument("--warmup", type=int, default=3, help="untimed warm-up steps (default 3)")
    parser.add_argument(
        "--threads", type=int, default=2, help="torch.set_num_threads value (default 2)"
    )
    parser.add_argument(
        "--which",
        choices=("cnn", "dcgan", "resnet", "all"),
        default="all",
        help="which benchmark(s) to run"
    )
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error("--steps must be at least 1")
    if args.dcgan_steps is None:
        args.dcgan_steps = args.steps
    if args.resnet_steps is None:
        args.resnet_steps = args.steps
    if args.resnet_steps < 1:
        parser.error("--resnet-steps must be at least 1")
    if args.dcgan_steps < 1:
        parser.error("--dcgan-steps must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must not be negative")
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    return args


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------


def build_cnn(nn):
    """Reference MNIST CNN: 1x28x28 -> 10 logits."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3),  # 32x26x26
        nn.ReLU(),
        nn.MaxPool2d(2),  # 32x13x13
        nn.Conv2d(32, 64, 3),  # 64x11x11
        nn.ReLU(),
        nn.MaxPool2d(2),  # 64x5x5
        nn.Flatten(),  # 1600
        nn.Linear(1600, 128),
        nn.ReLU(),
        nn.Linear(128, NUM_CLASSES),
    )


def build_resnet(nn):
    """CIFAR ResNet-14: 3x32x32 -> 10 logits (the same layers as bench/networks.ts resnet14)."""

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.branch = nn.Sequential(
                nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
                nn.BatchNorm2d(cout),
                nn.ReLU(),
                nn.Conv2d(cout, cout, 3, padding=1, bias=False),
                nn.BatchNorm2d(cout),
            )
            self.shortcut = (
                nn.Identity()
                if stride == 1 and cin == cout
                else nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))
            )
            self.relu = nn.ReLU()

        def forward(self, x):
            return self.relu(self.branch(x) + self.shortcut(x))

    layers = [nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU()]
    cin = 16
    for stage, cout in enumerate((16, 32, 64)):
        for block in range(2):
            layers.append(Block(cin, cout, 2 if stage > 0 and block == 0 else 1))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, NUM_CLASSES)]
    return nn.Sequential(*layers)


def build_generator(nn):
    """DCGAN generator: z (nz) -> 1x28x28 image in [-1, 1]."""
    return nn.Sequential(
        nn.Linear(NZ, 7 * 7 * 128, bias=False),
        nn.BatchNorm1d(7 * 7 * 128),
        nn.ReLU(),
        nn.Unflatten(1, (128, 7, 7)),
        nn.ConvTranspose2d(128, 64, 4, stride=2, padding=1, bias=False),  # 64x14x14
        nn.BatchNorm2d(64),
        nn.ReLU(),
        nn.ConvTranspose2d(64, 1, 4, stride=2, padding=1),  # 1x28x28
        nn.Tanh(),
    )


def build_discriminator(nn):
    """DCGAN discriminator: 1x28x28 image -> one real/fake logit."""
    return nn.Sequential(
        nn.Conv2d(1, 64, 4, stride=2, padding=1),  # 64x14x14
        nn.LeakyReLU(0.2),
        nn.Conv2d(64, 128, 4, stride=2, padding=1, bias=False),  # 128x7x7
        nn.BatchNorm2d(128),
        nn.LeakyReLU(0.2),
        nn.Flatten(),
        nn.Linear(128 * 7 * 7, 1),
    )


# --------------------------------------------------------------------------
# FLOP estimate
# --------------------------------------------------------------------------


def forward_macs(torch, nn, model, input_shape):
    """Forward multiply-accumulates of the conv/linear layers of `model` for
    one sample of shape `input_shape` (without the batch dimension).

    Per-layer formulas (biases, norms and activations are ignored):
      Linear(in, out):              in * out
      Conv2d(Cin, Cout, kh x kw):   Hout * Wout * Cout * Cin * kh * kw / groups
      ConvTranspose2d(Cin, Cout, k): Hin * Win * Cin * Cout * kh * kw / groups
        (every input pixel is scattered through the whole kernel)
    The spatial sizes are taken from one forward pass of a single sample,
    recorded with forward hooks.
    """
    per_layer = []

    def hook(module, inputs, output):
        x = inputs[0]
        if isinstance(module, nn.Linear):
            macs = module.in_features * module.out_features
        elif isinstance(module, nn.Conv2d):
            kh, kw = module.kernel_size
            h_out, w_out = output.shape[-2:]
            macs = h_out * w_out * module.out_channels * module.in_channels * kh * kw
            macs //= module.groups
        elif isinstance(module, nn.ConvTranspose2d):
            kh, kw = module.kernel_size
            h_in, w_in = x.shape[-2:]
            macs = h_in * w_in * module.in_channels * module.out_channels * kh * kw
            macs //= module.groups
        else:
            return
        per_layer.append(int(macs))

    handles = [
        m.register_forward_hook(hook)
        for m in model.modules()
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d))
    ]
    was_training = model.training
    try:
        model.eval()  # BatchNorm with a batch of one needs eval mode
        with torch.no_grad():
            model(torch.zeros((1,) + tuple(input_shape)))
    finally:
        model.train(was_training)
        for h in handles:
            h.remove()
    return sum(per_layer)


def dcgan_gflop_per_step(torch, nn, generator, discriminator, batch):
    """Approximate FLOPs of one DCGAN step, in GFLOP.

    A pass that gets gradients costs about 3x its forward FLOPs (forward, plus
    the gradient w.r.t. the inputs, plus the gradient w.r.t. the weights, each
    about as expensive as the forward), and forward FLOPs = 2 * MACs. So one
    forward+backward pass costs 6 * MACs. A step contains:
      G forward + backward (fake batch, backprop in the G update)   6 * M_G
      D forward + backward on the real batch (D update)             6 * M_D
      D forward + backward on the fake batch (D update)             6 * M_D
      D forward + backward on the fake batch (G update)             6 * M_D
    giving FLOPs/step ~= batch * (6 * M_G + 18 * M_D), with M_G, M_D the
    per-sample forward MACs of the conv/linear layers. Norms, activations,
    losses and the optimizer updates are ignored.
    """
    m_g = forward_macs(torch, nn, generator, (NZ,))
    m_d = forward_macs(torch, nn, discriminator, (1, 28, 28))
    return batch * (6 * m_g + 18 * m_d) / 1e9


# --------------------------------------------------------------------------
# Training steps and timing
# --------------------------------------------------------------------------


def time_steps(step, steps, warmup, name):
    """Run `warmup` untimed steps, then time `steps` steps. Returns ms/step."""
    for i in range(warmup):
        step()
        log(f"[{name}] warm-up {i + 1}/{warmup}")
    start = time.perf_counter()
    for i in range(steps):
        step()
        log(f"[{name}] step {i + 1}/{steps}")
    elapsed = time.perf_counter() - start
    return elapsed * 1000.0 / steps


def bench_cnn(torch, nn, steps, warmup):
    model = build_cnn(nn)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()  # log-softmax + categorical cross-entropy on logits
    x = torch.rand(BATCH, 1, 28, 28)
    y = torch.randint(0, NUM_CLASSES, (BATCH,))

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()

    ms = time_steps(step, steps, warmup, "cnn")
    return {"msPerStep": round(ms, 3), "samplesPerSec": round(BATCH * 1000.0 / ms, 2)}


def bench_resnet(torch, nn, steps, warmup):
    model = build_resnet(nn)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(BATCH, 3, 32, 32)
    y = torch.randint(0, NUM_CLASSES, (BATCH,))

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()

    # 6 FLOP per forward multiply-accumulate: forward plus both backward products (see dcgan_gflop_per_step).
    gflop = BATCH * 6 * forward_macs(torch, nn, model, (3, 32, 32)) / 1e9
    ms = time_steps(step, steps, warmup, "resnet")
    return {
        "msPerStep": round(ms, 3),
        "samplesPerSec": round(BATCH * 1000.0 / ms, 2),
        "gflopPerStep": round(gflop, 3),
    }


def bench_dcgan(torch, nn, steps, warmup):
    generator = build_generator(nn)
    discriminator = build_discriminator(nn)
    generator.train()
    discriminator.train()
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    loss_fn = nn.BCEWithLogitsLoss()

    real = torch.rand(BATCH, 1, 28, 28) * 2.0 - 1.0  # stands in for MNIST scaled to [-1, 1]
    z = torch.randn(BATCH, NZ)
    ones = torch.ones(BATCH, 1)
    zeros = torch.zeros(BATCH, 1)

    def step():
        # Discriminator update: real batch -> 1, fake batch -> 0.
        opt_d.zero_grad()
        fake = generator(z)
        loss_d = loss_fn(discriminator(real), ones) + loss_fn(discriminator(fake.detach()), zeros)
        loss_d.backward()
        opt_d.step()
        # Generator update, non-saturating loss: fake batch labelled as real.
        opt_g.zero_grad()
        loss_g = loss_fn(discriminator(fake), ones)
        loss_g.backward()
        opt_g.step()

    gflop = dcgan_gflop_per_step(torch, nn, generator, discriminator, BATCH)
    ms = time_steps(step, steps, warmup, "dcgan")
    return {
        "msPerStep": round(ms, 3),
        "samplesPerSec": round(BATCH * 1000.0 / ms, 2),
        "gflopPerStep": round(gflop, 3),
    }


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main(argv=None):
    args = parse_args(argv)
    try:
        import torch
        from torch import nn
    except Exception as exc:  # ImportError, or a broken installation
        emit({"error": f"torch not available: {exc}"})
        return 3

    try:
        torch.manual_seed(0)
        torch.set_num_threads(args.threads)
        torch.set_default_dtype(torch.float32)
        result = {"torch": torch.__version__, "threads": torch.get_num_threads()}
        if args.which in ("cnn", "all"):
            result["cnn"] = bench_cnn(torch, nn, args.steps, args.warmup)
        if args.which in ("resnet", "all"):
            result["resnet"] = bench_resnet(torch, nn, args.resnet_steps, min(args.warmup, 2))
        if args.which in ("dcgan", "all"):
            result["dcgan"] = bench_dcgan(torch, nn, args.dcgan_steps, min(args.warmup, 2))
    except Exception as exc:
        emit({"error": f"{type(exc).__name__}: {exc}"})
        return 1
    emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
