"""The environment variables the shim reads, named once for the shim, the build and the tests."""

#: A directory holding the data files, searched before the download cache (see :mod:`d2l_shim.data`).
DATA_DIR_VARIABLE = "D2L_DATA_DIR"

#: ``0`` draws each training figure once, at the end, instead of live (see :mod:`d2l_shim.plotting`).
LIVE_PLOTS_VARIABLE = "D2L_LIVE_PLOTS"
