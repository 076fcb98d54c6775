"""Bad chapters, dying kernels, stderr and downloads: one clear line that names the place."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import threading
from pathlib import Path

import nbformat
import pytest

from bookbuild.frameworks import FRAMEWORKS

from bookbuild.pipeline.cache import Cache
from d2l_shim.data import AIRFOIL_FILE, DATA_DIR_VARIABLE

from minibook import add_chapter, execute, execute_env

ROOT = Path(__file__).resolve().parents[2]


def one_line_error(result: subprocess.CompletedProcess) -> str:
    """The build's error output, checked to be short and free of tracebacks."""
    assert "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) <= 4, result.stderr
    return result.stderr


def test_empty_chapter_is_named(book):
    (book / "chapters/plain.md").write_text("")
    result = execute(book)
    assert result.returncode == 2
    assert "chapters/plain.md is empty" in one_line_error(result)


def test_chapter_that_is_not_utf8_is_named_with_line_and_byte(book):
    chapter = book / "chapters/plain.md"
    chapter.write_bytes(chapter.read_bytes().replace(b"does not import", b"does n\xf6t import"))
    line = chapter.read_bytes().split(b"\n").index(next(
        row for row in chapter.read_bytes().split(b"\n") if b"\xf6" in row)) + 1
    result = execute(book)
    assert result.returncode == 2
    error = one_line_error(result)
    assert f"chapters/plain.md, line {line}: the file is not UTF-8 text (byte 0xf6" in error
    assert "save it with the UTF-8 encoding" in error


@pytest.mark.parametrize("tag, meant", [("pytroch", "pytorch"), ("TensorFlow", "tensorflow"), ("torch", "pytorch")])
def test_misspelt_framework_tag_fails_with_line_and_allowed_tags(book, tag, meant):
    body = f"\n```{{code-cell}} ipython3\n:tags: [{tag}]\nprint(1)\n```\n"
    path = add_chapter(book, "typo", body)
    fence = path.read_text().splitlines().index("```{code-cell} ipython3") + 1
    result = execute(book, "chapters/typo.md")
    assert result.returncode == 2
    error = one_line_error(result)
    assert f"typo.md, line {fence}: the code cell tag {tag!r} is not a framework (did you mean {meant!r}?)" in error
    assert "mxnet, pytorch, tensorflow" in error


def test_other_cell_tags_are_accepted(book):
    add_chapter(book, "tagged", "\n```{code-cell} ipython3\n:tags: [hide-input, pytorch]\nprint(1)\n```\n")
    assert execute(book, "chapters/tagged.md").returncode == 0


def test_kernel_that_dies_on_start_up_is_one_line(book, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    # The kernel's entry module exits at once, as a broken environment would.
    (broken / "ipykernel_launcher.py").write_text("import os\nos._exit(3)\n")
    result = execute(book, "chapters/plain.md", env=execute_env(PYTHONPATH=str(broken)))
    assert result.returncode == 1
    error = one_line_error(result)
    assert "chapters/plain.md [mxnet]: the kernel did not start" in error
    assert "make distclean env" in error


def test_kernel_that_dies_in_a_cell_is_blamed_on_that_cell(book):
    body = "\n```{code-cell} ipython3\nprint('first')\n```\n\n```{code-cell} ipython3\n:tags: [pytorch]\nimport os\nos._exit(1)\n```\n"
    add_chapter(book, "dies", body)
    result = execute(book, "chapters/dies.md")
    assert result.returncode == 1
    assert "chapters/dies.md [pytorch]: code cell 2 (line" in result.stderr
    assert "DeadKernelError" in result.stderr


def test_cell_writing_to_stderr_fails_and_is_never_cached(book):
    body = ("\n```{code-cell} ipython3\nprint('fine')\n```\n"
            "\n```{code-cell} ipython3\n:tags: [pytorch]\nimport sys\nprint('careful', file=sys.stderr)\n```\n")
    add_chapter(book, "noisy", body)
    for _ in range(2):  # the second build fails again: nothing was cached
        result = execute(book, "--jobs", "1", "chapters/noisy.md")
        assert result.returncode == 1
        assert "chapters/noisy.md [pytorch]: code cell 2 (line" in result.stderr
        assert "wrote to stderr: 'careful'" in result.stderr
    cached = [nbformat.read(path, as_version=4) for path in (book / ".cache/executed").glob("*.ipynb")]
    assert all("careful" not in str(notebook) for notebook in cached)
    assert len(cached) == 1  # mxnet ran before the failure; tensorflow, after it, did not start


@pytest.fixture
def data_server():
    """A loopback HTTP server that serves the airfoil file, as the data's host would."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=os.environ[DATA_DIR_VARIABLE])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{AIRFOIL_FILE}"
    server.shutdown()
    server.server_close()


def test_first_online_build_downloads_silently_and_caches_clean_outputs(book, tmp_path, data_server):
    download_dir = tmp_path / "download"
    body = (
        "\n```{code-cell} ipython3\n"
        "from d2l_shim.data import airfoil_path\n"
        f"path = airfoil_path(url={data_server!r}, cache_dir={str(download_dir)!r})\n"
        "print(path.name)\n```\n"
    )
    add_chapter(book, "online", body)
    env = execute_env(**{DATA_DIR_VARIABLE: None})
    result = execute(book, "chapters/online.md", env=env)
    assert result.returncode == 0, result.stderr
    assert (download_dir / AIRFOIL_FILE).is_file()  # it did download
    entries = list(Cache(book / ".cache/executed").directory.glob("*.ipynb"))
    assert len(entries) == len(FRAMEWORKS.names)
    for entry in entries:
        (cell,) = nbformat.read(entry, as_version=4).cells
        assert [(o.output_type, o.get("name"), o.get("text")) for o in cell.outputs] == [
            ("stream", "stdout", f"{AIRFOIL_FILE}\n")]


def test_make_passes_the_cell_timeout_on(tmp_path):
    make = shutil.which("make")
    assert make, "make is needed to build the book"
    result = subprocess.run(
        [make, "-n", "-s", "-C", str(ROOT), "notebooks", "TIMEOUT=60", f"STAMP={tmp_path / 'stamp'}"],
        capture_output=True, text=True, check=True,
    )
    (command,) = [line for line in result.stdout.splitlines() if "-m bookbuild execute" in line]
    assert "--timeout 60" in command

