"""A Sphinx extension that makes the built book self-contained.

No page of the book asks any host but its own:

* MathJax 3 ships with the book. Its npm tarball is fetched once, verified against the
  SHA-512 pinned here, and only the files the book needs (the ``tex-chtml`` ES5 bundle,
  the TeX extensions it may autoload, and its WOFF fonts) are extracted into a cache
  outside the tracked files (``<book>/.cache/vendor/``). Each HTML build copies them to
  ``_vendor/mathjax-<version>/`` in the output, beside (not inside) ``_static/``, and
  ``mathjax_path`` points there.
* sphinx-thebe's scripts are dropped from every page: they only serve to run code on a
  remote Binder server, which an offline book cannot offer.
* Any other script or stylesheet from another host stops the build with an error that
  names the page and the address.

It also adds ``bookbuild/sphinxext/static/book.css``: figures readable in the dark theme and no
horizontal page scrolling on a phone.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

from .static_files import serve

MATHJAX_VERSION = "3.2.2"
MATHJAX_URL = f"https://registry.npmjs.org/mathjax/-/mathjax-{MATHJAX_VERSION}.tgz"
#: The npm registry's ``dist.integrity`` of the tarball (base64 of its SHA-512).
MATHJAX_SHA512 = "Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw=="
#: The component the pages load; it reads TeX and writes HTML with CSS (CHTML).
MATHJAX_ENTRY = "tex-chtml.js"
#: Members of the tarball that are kept, as prefixes under ``package/es5/``.
MATHJAX_KEEP = (MATHJAX_ENTRY, "input/tex/extensions/", "output/chtml/fonts/woff-v2/")
#: Where the MathJax files sit in the HTML output, relative to its root.
VENDOR_URL_DIR = f"_vendor/mathjax-{MATHJAX_VERSION}"

#: Marks a completely extracted cache directory.
COMPLETE_MARK = ".complete"
DOWNLOAD_TIMEOUT = 60

CSS_FILE = "book.css"

#: sphinx-thebe's page assets: its script and the inline script that names its CDN.
THEBE_SCRIPT = "sphinx-thebe.js"
THEBE_CONFIG_MARK = "THEBE_JS_URL"


def mathjax_cache_dir(cache_root: Path) -> Path:
    """The directory under ``cache_root`` that holds the pinned MathJax's extracted files."""
    return Path(cache_root) / f"mathjax-{MATHJAX_VERSION}"


def verify_sha512(data: bytes, expected: str) -> None:
    """Raise ExtensionError unless ``data`` has SHA-512 ``expected`` (npm integrity form)."""
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise ExtensionError(
            f"The MathJax tarball from {MATHJAX_URL} does not match its pinned SHA-512 "
            f"(expected sha512-{expected}, got sha512-{actual}). It was not used. If the "
            "registry really serves a new file for this version, check it and update "
            "MATHJAX_SHA512 in bookbuild/offline.py."
        )


def download(url: str = MATHJAX_URL) -> bytes:
    """Fetch ``url``, or raise ExtensionError saying why the build cannot go on."""
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
            return response.read()
    except (urllib.error.URLError, OSError) as err:
        raise ExtensionError(
            f"Could not download MathJax from {url} ({err}). The book ships MathJax "
            "itself and needs it once per machine: connect to the npm registry and build "
            "again, or place the extracted files in the cache directory yourself."
        ) from err


def extract(data: bytes, target: Path) -> None:
    """Extract the kept MathJax files from tarball ``data`` into ``target``.

    Files go to a temporary directory first, which is renamed into place with a
    completion mark, so an interrupted build never leaves a half-filled cache behind.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member in archive.getmembers():
                name = member.name.removeprefix("package/es5/")
                wanted = name != member.name and name.startswith(MATHJAX_KEEP)
                if member.isfile() and wanted and ".." not in Path(name).parts:
                    destination = staging / name
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    destination.write_bytes(archive.extractfile(member).read())
        if not (staging / MATHJAX_ENTRY).is_file():
            raise ExtensionError(f"The MathJax tarball has no es5/{MATHJAX_ENTRY}.")
        (staging / COMPLETE_MARK).write_text(MATHJAX_SHA512 + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def ensure_mathjax(cache_root: Path) -> Path:
    """Return the cached MathJax directory, fetching and extracting it on first use."""
    target = mathjax_cache_dir(cache_root)
    if not (target / COMPLETE_MARK).is_file():
        data = download()
        verify_sha512(data, MATHJAX_SHA512)
        extract(data, target)
    return target


def sync_tree(source: Path, destination: Path) -> int:
    """Copy the files under ``source`` to ``destination``, rewriting only changed ones.

    Returns the number of files written.
    """
    written = 0
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.name == COMPLETE_MARK:
            continue
        target = destination / path.relative_to(source)
        data = path.read_bytes()
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    return written


def is_remote(url: str) -> bool:
    """Whether an asset address names another host (a scheme or a protocol-relative URL)."""
    return "://" in url or url.startswith("//")


def configure(app: Sphinx, config: Config) -> None:
    """Point MathJax at the vendored copy, serve the book's stylesheet, set the colour mode.

    Sphinx puts a relative ``mathjax_path`` under ``_static/``; the leading ``..`` steps
    out of it to the output root, where :func:`copy_vendored` puts the files.
    """
    config.mathjax_path = f"../{VENDOR_URL_DIR}/{MATHJAX_ENTRY}"
    config.offline_css_digest = serve(config, CSS_FILE)
    # Without a default colour mode, pydata-sphinx-theme logs a console error ("Got
    # invalid theme mode") on a reader's first visit; "auto" follows the system setting.
    config.html_context.setdefault("default_mode", "auto")


def vendor_cache(app: Sphinx) -> Path:
    """Where fetched third-party files are kept: ``.cache/vendor`` in the book's root."""
    return Path(app.srcdir) / ".cache" / "vendor"


def fetch_vendored(app: Sphinx) -> None:
    """Make sure MathJax is in the cache before any page is written (HTML builds only)."""
    if app.builder.format == "html":
        ensure_mathjax(vendor_cache(app))


def localize_page_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    """Drop sphinx-thebe's scripts and refuse any other asset from another host."""
    scripts = context.get("script_files")
    if scripts is None:
        return
    scripts[:] = [
        js
        for js in scripts
        if not (
            str(js.filename).endswith(THEBE_SCRIPT)
            or THEBE_CONFIG_MARK in js.attributes.get("body", "")
        )
    ]
    for asset in [*scripts, *context.get("css_files", [])]:
        if is_remote(str(asset.filename)):
            raise ExtensionError(
                f"Page {pagename!r} would load {asset.filename} from another host, but the "
                "book must work offline. Ship the file with the book or drop it in "
                "bookbuild/offline.py (see localize_page_assets)."
            )


def copy_vendored(app: Sphinx, exception: Exception | None) -> None:
    """After a successful HTML build, copy MathJax next to ``_static/`` in the output."""
    if exception is not None or app.builder.format != "html":
        return
    source = ensure_mathjax(vendor_cache(app))
    sync_tree(source, Path(app.outdir) / VENDOR_URL_DIR)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the extension with Sphinx."""
    app.add_config_value("offline_css_digest", "", "html", types=(str,))
    app.connect("config-inited", configure)
    app.connect("builder-inited", fetch_vendored)
    # After every other handler has added its scripts (sphinx.ext.mathjax uses 500).
    app.connect("html-page-context", localize_page_assets, priority=900)
    app.connect("build-finished", copy_vendored)
    app.add_css_file(CSS_FILE, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
