"""Figures in a real Jupyter kernel: live updates for readers, one final figure in batch runs.

A notebook trains twice with the PyTorch backend, from scratch and with the
concise trainer, then plots. With ``D2L_LIVE_PLOTS=0`` (as the book's build
runs) the kernel sends one figure per training cell; in a live session it
redisplays the figure at every recorded point and clears the previous frame.
Either way the cell ends with the printed loss and exactly one figure, and the
figures are reproducible SVG. The kernel runs the Python of PyTorch's kernel
environment (the toolchain that runs pytest has no framework).
"""

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from bookbuild.environments import env_python

ROOT = Path(__file__).resolve().parents[2]

SETUP = """%matplotlib inline
import torch
from d2l_shim import torch as d2l

def sgd(params, states, hyperparams):
    for p in params:
        p.data.sub_(hyperparams['lr'] * p.grad)
        p.grad.data.zero_()

data_iter, feature_dim = d2l.get_data_ch11(10)
"""
SCRATCH = "d2l.train_ch11(sgd, None, {'lr': 0.05}, data_iter, feature_dim);"
CONCISE = "d2l.train_concise_ch11(torch.optim.SGD, {'lr': 0.05}, data_iter)\nprint('done')"
PLOT = "d2l.plot([1, 2, 3], [[4, 5, 6], [6, 5, 4]], 'x', 'y')"
RECORDS = 15  # 2 epochs of 1500 examples, one record every 200
KERNEL = "d2l-shim-test-pytorch"


class CountingClient(NotebookClient):
    """Counts the display and clear messages the kernel sends, per cell."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.displays, self.clears = {}, {}

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] == "display_data":
            self.displays[cell_index] = self.displays.get(cell_index, 0) + 1
        return super().output(outs, msg, display_id, cell_index)

    def clear_output(self, outs, msg, cell_index):
        self.clears[cell_index] = self.clears.get(cell_index, 0) + 1
        return super().clear_output(outs, msg, cell_index)


def register_kernel(jupyter_dir, framework):
    """Register, under ``jupyter_dir``, the kernel :data:`KERNEL` of ``framework``'s environment."""
    spec = jupyter_dir / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(env_python(ROOT, framework)), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": KERNEL, "language": "python",
    }))


def run_notebook(monkeypatch, tmp_path, live):
    """Execute the notebook in a fresh PyTorch kernel; return the client and the executed notebook."""
    register_kernel(tmp_path / "jupyter", "pytorch")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    if live:
        monkeypatch.delenv("D2L_LIVE_PLOTS", raising=False)
    else:
        monkeypatch.setenv("D2L_LIVE_PLOTS", "0")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source)
                      for source in (SETUP, SCRATCH, SCRATCH, CONCISE, PLOT)]
    client = CountingClient(notebook, kernel_name=KERNEL, timeout=600)
    client.execute()
    return client, notebook


def kinds(cell):
    """The cell's outputs as a list of 'stream:<first word>' and 'svg'."""
    return [f"stream:{out.text.split()[0]}" if out.output_type == "stream"
            else "svg" if "image/svg+xml" in out.get("data", {}) else out.output_type
            for out in cell.outputs]


def svgs(cell):
    return [out.data["image/svg+xml"] for out in cell.outputs if "image/svg+xml" in out.get("data", {})]


@pytest.mark.parametrize("live", [False, True], ids=["batch", "live"])
def test_each_training_cell_ends_with_its_loss_and_one_figure(monkeypatch, tmp_path, live):
    client, notebook = run_notebook(monkeypatch, tmp_path, live)
    setup, scratch, scratch_again, concise, plot = notebook.cells
    assert kinds(setup) == []
    assert kinds(scratch) == kinds(scratch_again) == ["stream:loss:", "svg"]
    assert kinds(concise) == ["stream:loss:", "svg", "stream:done"]
    assert kinds(plot) == ["svg"]
    if live:
        for index in (1, 2, 3):
            assert client.displays[index] == RECORDS + 1
            assert client.clears[index] == RECORDS
    else:
        assert client.displays == {1: 1, 2: 1, 3: 1, 4: 1}
        assert client.clears == {}
    # The same run draws the same SVG: fixed hash salt, no date, same weights and data order.
    (first,), (second,) = svgs(scratch), svgs(scratch_again)
    assert first == second
    assert "<dc:date>" not in first
