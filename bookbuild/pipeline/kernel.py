"""The Jupyter kernels that execute chapters, and the ones learners run them in.

The build starts every kernel from its framework's environment (see
:mod:`bookbuild.environments`) with :data:`KERNEL_ENV`, whatever kernels are installed
elsewhere. ``make env`` registers each environment as the Jupyter kernel
``d2l-book-<framework>`` that the framework's learner notebooks name.
"""

from __future__ import annotations

from pathlib import Path

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

from d2l_shim.environment import LIVE_PLOTS_VARIABLE

#: Environment of every kernel: batch plotting in the shim, reproducible SVG metadata, and
#: none of TensorFlow's start-up logging on the pages (its oneDNN notice is printed before
#: its log level applies, so oneDNN's custom operations are switched off instead), and JAX
#: on the CPU without first looking for accelerators.
KERNEL_ENV = {
    LIVE_PLOTS_VARIABLE: "0",
    "SOURCE_DATE_EPOCH": "0",
    "PYTHONHASHSEED": "0",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "JAX_PLATFORMS": "cpu",
}


class ProjectKernels(KernelSpecManager):
    """Kernel specs that start the given environment's Python, whatever is installed elsewhere."""

    def __init__(self, python: Path, **kwargs):
        super().__init__(**kwargs)
        self.python = Path(python)

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(resource_dir="", argv=[str(self.python), "-m", "ipykernel_launcher", "-f",
                                                 "{connection_file}"],
                          display_name=kernel_name, language="python")
