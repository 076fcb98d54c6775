"""The airfoil data: where it comes from, what is refused, and the order of its batches.

Downloads go through the real code (pooch) to an HTTP server on 127.0.0.1 that
serves the shared copy of the file, or a corrupted copy; nothing here needs the
network.
"""

import functools
import hashlib
import http.server
import os
import shutil
import socket
import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from d2l_shim import data

SHARED_COPY = Path(os.environ["D2L_DATA_DIR"]) / data.AIRFOIL_FILE


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging every request to stderr."""

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Base URL of a local HTTP server with the good file at / and a corrupted one at /corrupt/."""
    root = tmp_path_factory.mktemp("served")
    shutil.copy(SHARED_COPY, root / data.AIRFOIL_FILE)
    (root / "corrupt").mkdir()
    good = SHARED_COPY.read_bytes()
    (root / "corrupt" / data.AIRFOIL_FILE).write_bytes(good.replace(b"\t", b" ", 1))
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def unreachable_url():
    """A URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/{data.AIRFOIL_FILE}"


@pytest.fixture
def no_data_dir(monkeypatch):
    """Run without D2L_DATA_DIR and without proxies for the local server."""
    monkeypatch.delenv(data.DATA_DIR_VARIABLE, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")


def test_shared_copy_is_the_published_file():
    assert hashlib.sha1(SHARED_COPY.read_bytes()).hexdigest() == data.AIRFOIL_SHA1
    assert data.sha1_of(SHARED_COPY) == data.AIRFOIL_SHA1


def test_download_from_a_local_server_lands_verified_in_the_cache(server, tmp_path, no_data_dir,
                                                                  unreachable_url):
    path = data.airfoil_path(url=f"{server}/{data.AIRFOIL_FILE}", cache_dir=tmp_path)
    assert path.parent == tmp_path
    assert path.read_bytes() == SHARED_COPY.read_bytes()
    # A verified copy in the cache is used without asking the network again.
    assert data.airfoil_path(url=unreachable_url, cache_dir=tmp_path) == path


def test_a_corrupted_download_is_refused_and_not_kept(server, tmp_path, no_data_dir):
    url = f"{server}/corrupt/{data.AIRFOIL_FILE}"
    with pytest.raises(data.DataUnavailableError) as error:
        data.airfoil_path(url=url, cache_dir=tmp_path)
    assert url in str(error.value) and data.AIRFOIL_SHA1 in str(error.value)
    assert "was not used" in str(error.value)
    assert not (tmp_path / data.AIRFOIL_FILE).exists()


def test_a_corrupted_cached_copy_is_never_used(server, tmp_path, no_data_dir, unreachable_url):
    cached = tmp_path / data.AIRFOIL_FILE
    cached.write_bytes(b"not the airfoil data\n")
    with pytest.raises(data.DataUnavailableError):
        data.airfoil_path(url=unreachable_url, cache_dir=tmp_path)
    path = data.airfoil_path(url=f"{server}/{data.AIRFOIL_FILE}", cache_dir=tmp_path)
    assert path == cached and data.sha1_of(path) == data.AIRFOIL_SHA1


def test_the_data_directory_variable_is_read_first(tmp_path, monkeypatch, unreachable_url):
    monkeypatch.setenv(data.DATA_DIR_VARIABLE, str(SHARED_COPY.parent))
    cache = tmp_path / "cache"
    assert data.airfoil_path(url=unreachable_url, cache_dir=cache) == SHARED_COPY
    assert not cache.exists()


def test_a_corrupted_copy_in_the_data_directory_is_refused(tmp_path, monkeypatch, unreachable_url):
    (tmp_path / data.AIRFOIL_FILE).write_bytes(SHARED_COPY.read_bytes()[:-10])
    monkeypatch.setenv(data.DATA_DIR_VARIABLE, str(tmp_path))
    with pytest.raises(data.DataUnavailableError) as error:
        data.airfoil_path(url=unreachable_url, cache_dir=tmp_path / "cache")
    message = str(error.value)
    assert str(tmp_path / data.AIRFOIL_FILE) in message
    assert data.AIRFOIL_SHA1 in message and data.DATA_DIR_VARIABLE in message
    assert "not used" in message


@pytest.mark.parametrize("data_dir", [None, "empty"])
def test_missing_data_without_network_says_what_to_do(tmp_path, monkeypatch, unreachable_url,
                                                      data_dir, no_data_dir):
    if data_dir:
        (tmp_path / data_dir).mkdir()
        monkeypatch.setenv(data.DATA_DIR_VARIABLE, str(tmp_path / data_dir))
    with pytest.raises(data.DataUnavailableError) as error:
        data.airfoil_path(url=unreachable_url, cache_dir=tmp_path / "cache")
    message = str(error.value)
    for part in (unreachable_url, data.DATA_DIR_VARIABLE, data.AIRFOIL_SHA1, data.AIRFOIL_FILE):
        assert part in message
    assert not (tmp_path / "cache" / data.AIRFOIL_FILE).exists()


def test_the_default_url_is_the_public_one():
    assert data.AIRFOIL_URL == "http://d2l-data.s3-accelerate.amazonaws.com/airfoil_self_noise.dat"


def _data(**kwargs):
    return data.get_data_ch11(SimpleNamespace(from_numpy=lambda a: a), **kwargs)


def test_the_data_is_standardized_over_the_whole_file():
    data_iter, feature_dim = _data(n=1503)
    (X, y), = data_iter.whole()
    assert feature_dim == 5 and X.shape == (1503, 5) and y.shape == (1503,)
    assert X.dtype == y.dtype == np.float32
    table = np.column_stack([X, y]).astype(np.float64)
    # Standardized in float32, as the original library does: exact up to float32 rounding.
    assert np.allclose(table.mean(axis=0), 0, atol=1e-4)
    assert np.allclose(table.std(axis=0), 1, atol=1e-4)
    raw = np.loadtxt(SHARED_COPY)
    assert np.allclose(table, (raw - raw.mean(axis=0)) / raw.std(axis=0), atol=1e-4)


@pytest.mark.parametrize("batch_size, n, batches, last", [(10, 1500, 150, 10), (7, 20, 3, 6),
                                                         (1500, 1500, 1, 1500), (1, 5, 5, 1)])
def test_batches_cover_every_example_once_per_epoch(batch_size, n, batches, last):
    data_iter, _ = _data(batch_size=batch_size, n=n)
    assert len(data_iter) == batches
    epoch = list(data_iter)
    assert len(epoch) == batches and len(epoch[-1][1]) == last
    labels = np.concatenate([y for _, y in epoch])
    (_, y_all), = data_iter.whole()
    assert sorted(labels.tolist()) == sorted(y_all.tolist())


def test_epochs_are_reshuffled_and_restart_repeats_them():
    data_iter, _ = _data(batch_size=50, n=200)
    orders = [np.concatenate([y for _, y in data_iter]) for _ in range(3)]
    assert not np.array_equal(orders[0], orders[1]) and not np.array_equal(orders[1], orders[2])
    data_iter.restart()
    again = [np.concatenate([y for _, y in data_iter]) for _ in range(3)]
    assert all(np.array_equal(a, b) for a, b in zip(orders, again))
    other, _ = _data(batch_size=50, n=200, seed=1)
    assert not np.array_equal(np.concatenate([y for _, y in other]), orders[0])


def test_initial_weights_depend_only_on_the_seed():
    data_iter, _ = _data(n=100)
    w = data_iter.initial_weights((5, 1))
    list(data_iter)
    assert np.array_equal(data_iter.initial_weights((5, 1)), w)
    assert w.dtype == np.float32 and w.shape == (5, 1)
    expected = np.random.default_rng([0, 1]).normal(0, 0.01, (5, 1)).astype(np.float32)
    assert np.array_equal(w, expected)
    assert not np.array_equal(_data(n=100, seed=2)[0].initial_weights((5, 1)), w)


def test_whole_is_in_file_order_and_leaves_the_shuffling_alone():
    data_iter, _ = _data(n=30, batch_size=30)
    (X, y), = data_iter.whole()
    data_iter.restart()
    first = next(iter(data_iter))[1]
    data_iter.restart()
    data_iter.whole()
    assert np.array_equal(next(iter(data_iter))[1], first)
    (X_again, _), = _data(n=30)[0].whole()
    assert np.array_equal(X, X_again) and not np.array_equal(first, y)
