"""Shared test configuration.

Tests read the airfoil data from the directory named by ``D2L_DATA_DIR``. When the
variable is unset, they use ``../shared/data`` beside the repository (where CI and
developers' machines keep the offline copy), so the suite never needs the network.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SHARED_DATA = ROOT.parent / "shared" / "data"

if "D2L_DATA_DIR" not in os.environ and _SHARED_DATA.is_dir():
    os.environ["D2L_DATA_DIR"] = str(_SHARED_DATA)
