"""The Jupyter kernel that executes chapters, and the one learners run them in.

The build starts every kernel from this process's Python with :data:`KERNEL_ENV`, whatever
kernels are installed elsewhere. ``python -m bookbuild install-kernel`` (run by ``make env``)
registers the same Python as the Jupyter kernel that learner notebooks name.
"""

from __future__ import annotations

from ipykernel.kernelspec import get_kernel_dict, install
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

from d2l_shim.environment import LIVE_PLOTS_VARIABLE

#: The Jupyter kernel that ``make env`` registers for the project's environment.
KERNEL_NAME = "d2l-book"
KERNEL_DISPLAY_NAME = "Python (d2l-book)"

#: Environment of every kernel: batch plotting in the shim, reproducible SVG metadata, and
#: none of TensorFlow's start-up logging on the pages (its oneDNN notice is printed before
#: its log level applies, so oneDNN's custom operations are switched off instead).
KERNEL_ENV = {
    LIVE_PLOTS_VARIABLE: "0",
    "SOURCE_DATE_EPOCH": "0",
    "PYTHONHASHSEED": "0",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TF_ENABLE_ONEDNN_OPTS": "0",
}


class ProjectKernels(KernelSpecManager):
    """Kernel specs that always start this process's Python, whatever is installed elsewhere."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(resource_dir="", **get_kernel_dict())


def install_kernel() -> str:
    """Register this Python as the user's Jupyter kernel :data:`KERNEL_NAME`; return where."""
    return install(user=True, kernel_name=KERNEL_NAME, display_name=KERNEL_DISPLAY_NAME)
