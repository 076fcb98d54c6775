"""The airfoil self-noise data set and its minibatch iterator.

Where the file comes from, in this order:

1. the directory named by the environment variable ``D2L_DATA_DIR``, when it
   holds ``airfoil_self_noise.dat`` (tests and CI point it at an offline copy);
2. the user cache directory (``pooch.os_cache("d2l_shim")``), where
3. a download from :data:`AIRFOIL_URL` is stored.

Every copy must have the sha1 :data:`AIRFOIL_SHA1`; a file that does not
match is refused, never read.

Order of the examples: a :class:`DataIter` owns its seed. Its epochs are
shuffled by a NumPy generator seeded from it, and the initial weights of a
training run are drawn from a second generator seeded from it. A training run
calls :meth:`DataIter.restart` first, so every run on the same iterator starts
from the same weights and sees the same sequence of epoch orders, in every
backend and whatever ran before.
"""

import hashlib
import math
import os
from pathlib import Path

import numpy as np

from d2l_shim.checks import check_int
from d2l_shim.environment import DATA_DIR_VARIABLE

AIRFOIL_URL = "http://d2l-data.s3-accelerate.amazonaws.com/airfoil_self_noise.dat"
AIRFOIL_SHA1 = "76e5be1548fd8222e5074cf0faae75edff8cf93f"
AIRFOIL_FILE = "airfoil_self_noise.dat"
#: Number of examples in the airfoil data set.
AIRFOIL_ROWS = 1503


class DataUnavailableError(OSError):
    """The data file can be neither found nor downloaded, or a copy is corrupt."""


def sha1_of(path):
    """Return the hexadecimal sha1 digest of the file at ``path``."""
    digest = hashlib.sha1()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def airfoil_path(url=AIRFOIL_URL, cache_dir=None):
    """Return the path of a verified copy of the airfoil data file.

    Looks in ``$D2L_DATA_DIR`` first, then in ``cache_dir`` (default: the user
    cache directory), downloading from ``url`` into it when needed. Raises
    :class:`DataUnavailableError` when the file is missing and cannot be
    downloaded, or when a copy does not have the expected sha1.
    """
    import pooch

    data_dir = os.environ.get(DATA_DIR_VARIABLE)
    if data_dir:
        local = Path(data_dir) / AIRFOIL_FILE
        if local.is_file():
            found = sha1_of(local)
            if found != AIRFOIL_SHA1:
                raise DataUnavailableError(
                    f"{local} (from {DATA_DIR_VARIABLE}) has sha1 {found}, but "
                    f"the airfoil data has sha1 {AIRFOIL_SHA1}; the file was "
                    f"not used. Replace it with a fresh copy from {url}, or "
                    f"unset {DATA_DIR_VARIABLE} to download it.")
            return local
    cache_dir = cache_dir if cache_dir is not None else pooch.os_cache("d2l_shim")
    # pooch announces a download on stderr, which would end up on the page: keep it quiet.
    logger = pooch.get_logger()
    level = logger.level
    logger.setLevel("WARNING")
    try:
        return Path(pooch.retrieve(url, known_hash=f"sha1:{AIRFOIL_SHA1}",
                                   fname=AIRFOIL_FILE, path=cache_dir,
                                   progressbar=False))
    except ValueError as error:
        raise DataUnavailableError(
            f"The airfoil data downloaded from {url} does not have the sha1 "
            f"{AIRFOIL_SHA1} and was not used ({error}).") from error
    except OSError as error:
        where = (f"{DATA_DIR_VARIABLE}={data_dir} holds no {AIRFOIL_FILE}"
                 if data_dir else f"{DATA_DIR_VARIABLE} is not set")
        raise DataUnavailableError(
            f"The airfoil data is not available: {where}, and the download "
            f"from {url} failed ({error}). Put {AIRFOIL_FILE} (sha1 "
            f"{AIRFOIL_SHA1}) into a directory and set {DATA_DIR_VARIABLE} "
            f"to it, or connect to the internet.") from error
    finally:
        logger.setLevel(level)


def load_airfoil(path):
    """Read the airfoil file and standardize every column to mean 0 and variance 1 (float32)."""
    data = np.genfromtxt(path, dtype=np.float32, delimiter="\t")
    return (data - data.mean(axis=0)) / data.std(axis=0)


class DataIter:
    """Minibatches ``(X, y)`` of a data set, reshuffled every epoch.

    Iterating gives one epoch: the examples in a new random order, cut into
    batches of ``batch_size`` (the last one may be smaller), each converted
    by ``to_tensor`` from NumPy into the backend's tensors. ``len()`` is the
    number of batches per epoch. The module docstring describes the seeding.
    """

    def __init__(self, features, labels, batch_size, seed, to_tensor):
        self.features, self.labels = features, labels
        self.batch_size, self.seed = batch_size, seed
        self.to_tensor = to_tensor
        self.restart()

    @property
    def num_examples(self):
        """The number of examples in one epoch."""
        return len(self.labels)

    def restart(self):
        """Make the next epoch the first of the sequence of shuffled epochs."""
        self._order = np.random.default_rng([self.seed, 0])

    def initial_weights(self, shape, std=0.01):
        """Return the float32 initial weights of a training run, drawn from N(0, ``std``\\ :sup:`2`).

        Every call gives the same weights for the same seed and ``shape``.
        """
        weights = np.random.default_rng([self.seed, 1]).normal(0.0, std, shape)
        return weights.astype(np.float32)

    def whole(self):
        """Return the whole data set in file order as one batch, in a list.

        Iterating over it (as :func:`~d2l_shim.training.evaluate_loss` does)
        leaves the shuffling untouched.
        """
        return [(self.to_tensor(self.features), self.to_tensor(self.labels))]

    def __len__(self):
        return math.ceil(self.num_examples / self.batch_size)

    def __iter__(self):
        order = self._order.permutation(self.num_examples)
        for start in range(0, self.num_examples, self.batch_size):
            batch = order[start:start + self.batch_size]
            yield self.to_tensor(self.features[batch]), self.to_tensor(self.labels[batch])


def get_data_ch11(backend, batch_size=10, n=1500, seed=0):
    """Return ``(data_iter, feature_dim)`` for the first ``n`` airfoil examples.

    The 5 features and the target are standardized over the whole data set;
    ``data_iter`` is a :class:`DataIter` whose batches are the backend's
    float32 tensors, shuffled from ``seed``. ``batch_size`` must be at least
    1, ``n`` lie in 1..1503 and ``seed`` be a non-negative integer.
    """
    batch_size = check_int("batch_size", batch_size, 1)
    n = check_int("n", n, 1, AIRFOIL_ROWS)
    seed = check_int("seed", seed, 0)
    data = load_airfoil(airfoil_path())
    features = np.ascontiguousarray(data[:n, :-1])
    labels = np.ascontiguousarray(data[:n, -1])
    data_iter = DataIter(features, labels, batch_size, seed, backend.from_numpy)
    return data_iter, data.shape[1] - 1
