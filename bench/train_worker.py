"""Time the Momentum chapter's runs in one framework: ``python -m bench.train_worker FRAMEWORK``.

Runs in a fresh process with the environment the build gives its kernels. For each of the
chapter's settings (learning rate, momentum) it trains with ``d2l.train_ch11`` and with the
hand-written loop of :mod:`bench.loops`, alternately: once untimed to warm up, then
``--repeats`` times. It prints one JSON object: per setting, the seconds per epoch of each
repeat (the shim's as its printed figure defines them: training only, evaluation and
plotting excluded) and the final losses of both loops.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os

#: The Momentum chapter's runs: (learning rate, momentum), batch size 10, 2 epochs.
SETTINGS = ((0.02, 0.5), (0.01, 0.9), (0.005, 0.9))
BATCH_SIZE = 10
NUM_EPOCHS = 2


def _shim_run(d2l, trainer, make_states, lr, momentum, data_iter, feature_dim):
    """One ``train_ch11`` run; return (seconds per epoch, final loss)."""
    with contextlib.redirect_stdout(io.StringIO()):
        times, losses = d2l.train_ch11(trainer, make_states(feature_dim),
                                       {'lr': lr, 'momentum': momentum},
                                       data_iter, feature_dim, NUM_EPOCHS)
    d2l.plt.close('all')
    return times[-1] / NUM_EPOCHS, float(losses[-1])


def measure(framework: str, repeats: int) -> dict:
    """Time the shim and the hand-written loop on every setting in ``framework``."""
    from bookbuild.pipeline.kernel import KERNEL_ENV

    os.environ.update(KERNEL_ENV)
    os.environ.setdefault("MPLBACKEND", "Agg")
    from .loops import FRAMEWORK_LOOPS

    module, trainer_factory, hand_loop = FRAMEWORK_LOOPS[framework]
    d2l = importlib.import_module(module)
    trainer, make_states = trainer_factory(d2l)
    data_iter, feature_dim = d2l.get_data_ch11(batch_size=BATCH_SIZE)
    features, labels = data_iter.features, data_iter.labels
    w0 = data_iter.initial_weights((feature_dim, 1))
    results = []
    for lr, momentum in SETTINGS:
        shim, hand = [], []
        for repeat in range(repeats + 1):  # the first round warms up and is not kept
            shim_time, shim_loss = _shim_run(d2l, trainer, make_states, lr, momentum, data_iter, feature_dim)
            hand_time, hand_loss = hand_loop(features, labels, w0, lr, momentum, NUM_EPOCHS,
                                             BATCH_SIZE, data_iter.seed)
            if repeat:
                shim.append(shim_time)
                hand.append(hand_time / NUM_EPOCHS)
        results.append({"lr": lr, "momentum": momentum, "shim": shim, "hand": hand,
                        "shim_loss": shim_loss, "hand_loss": hand_loss})
    return {"framework": framework, "settings": results}


def main(argv: list[str] | None = None) -> None:
    """Entry point."""
    from .loops import FRAMEWORK_LOOPS

    parser = argparse.ArgumentParser(prog="python -m bench.train_worker", description=__doc__.splitlines()[0])
    parser.add_argument("framework", choices=sorted(FRAMEWORK_LOOPS))
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.framework, args.repeats)))


if __name__ == "__main__":
    main()
