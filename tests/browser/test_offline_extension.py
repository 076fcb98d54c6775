"""The pieces of ``bookbuild.sphinxext.offline``: fetching, verifying, extracting and serving MathJax,
and keeping third-party assets off the pages."""

from __future__ import annotations

import base64
import hashlib
import io
import posixpath
import tarfile
import urllib.error
from types import SimpleNamespace

import pytest
from sphinx.errors import ExtensionError

from bookbuild.sphinxext import offline, static_files


def tarball(files: dict[str, bytes]) -> bytes:
    """A gzipped tarball holding ``files`` (name -> content)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def integrity(data: bytes) -> str:
    """The npm-style integrity digest (base64 SHA-512) of ``data``."""
    return base64.b64encode(hashlib.sha512(data).digest()).decode()


PACKAGE = {
    "package/es5/tex-chtml.js": b"/* mathjax */",
    "package/es5/input/tex/extensions/boldsymbol.js": b"/* boldsymbol */",
    "package/es5/output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff": b"wOFF",
    "package/es5/tex-svg-full.js": b"/* not needed */",
    "package/es5/sre/mathmaps/en.js": b"/* not needed */",
    "package/es5/input/tex/extensions/../../../../escape.js": b"/* hostile */",
    "package/README.md": b"readme",
}


def test_a_tarball_that_does_not_match_the_pin_is_refused():
    data = b"some bytes"
    offline.verify_sha512(data, integrity(data))
    with pytest.raises(ExtensionError, match="does not match its pinned SHA-512"):
        offline.verify_sha512(data + b"!", integrity(data))


def test_only_the_needed_files_are_extracted(tmp_path):
    target = tmp_path / "mathjax"
    offline.extract(tarball(PACKAGE), target)
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert files == [
        offline.COMPLETE_MARK,
        "input/tex/extensions/boldsymbol.js",
        "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff",
        "tex-chtml.js",
    ]
    assert not (tmp_path / "escape.js").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["mathjax"], "no staging directory is left"


def test_a_tarball_without_the_bundle_is_refused(tmp_path):
    with pytest.raises(ExtensionError, match="no es5/tex-chtml.js"):
        offline.extract(tarball({"package/README.md": b"readme"}), tmp_path / "mathjax")
    assert list(tmp_path.iterdir()) == []


def test_mathjax_is_fetched_once_then_served_from_the_cache(tmp_path, monkeypatch):
    data = tarball(PACKAGE)
    fetched = []
    monkeypatch.setattr(offline, "MATHJAX_SHA512", integrity(data))
    monkeypatch.setattr(offline, "download", lambda: fetched.append(1) or data)
    first = offline.ensure_mathjax(tmp_path)
    second = offline.ensure_mathjax(tmp_path)
    assert first == second == offline.mathjax_cache_dir(tmp_path)
    assert (first / "tex-chtml.js").read_bytes() == b"/* mathjax */"
    assert fetched == [1]


def test_a_failed_download_says_what_to_do(monkeypatch):
    def unreachable(url, timeout):
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(offline.urllib.request, "urlopen", unreachable)
    with pytest.raises(ExtensionError, match="Could not download MathJax .*no route to host"):
        offline.download()


def test_copying_to_the_output_rewrites_only_changed_files(tmp_path):
    source, output = tmp_path / "cache", tmp_path / "html"
    offline.extract(tarball(PACKAGE), source)
    assert offline.sync_tree(source, output) == 3
    assert not (output / offline.COMPLETE_MARK).exists()
    assert offline.sync_tree(source, output) == 0
    (source / "tex-chtml.js").write_bytes(b"/* changed */")
    assert offline.sync_tree(source, output) == 1
    assert (output / "tex-chtml.js").read_bytes() == b"/* changed */"


def asset(filename: str, **attributes) -> SimpleNamespace:
    """A stand-in for Sphinx's page assets (they have a filename and attributes)."""
    return SimpleNamespace(filename=filename, attributes=attributes)


def test_thebe_is_dropped_and_local_assets_stay():
    local = asset("_static/design-tabs.js")
    context = {
        "script_files": [
            local,
            asset("", body='const THEBE_JS_URL = "https://unpkg.com/thebe@0.8.2/lib/index.js"'),
            asset("_static/sphinx-thebe.js", **{"async": "async"}),
        ],
        "css_files": [asset("_static/book.css")],
    }
    offline.localize_page_assets(None, "chapters/momentum", "page.html", context, None)
    assert context["script_files"] == [local]


@pytest.mark.parametrize("kind", ["script_files", "css_files"])
@pytest.mark.parametrize("url", ["https://cdn.example/x", "//cdn.example/x"])
def test_any_other_remote_asset_stops_the_build(kind, url):
    context = {"script_files": [], "css_files": [], kind: [asset(url)]}
    with pytest.raises(ExtensionError, match=f"'chapters/momentum' would load {url}"):
        offline.localize_page_assets(None, "chapters/momentum", "page.html", context, None)


def test_configure_points_mathjax_at_the_vendored_copy_and_keeps_a_chosen_mode():
    config = SimpleNamespace(html_static_path=[], html_context={"default_mode": "light"})
    offline.configure(None, config)
    resolved = posixpath.normpath(posixpath.join("_static", config.mathjax_path))
    assert resolved == f"{offline.VENDOR_URL_DIR}/{offline.MATHJAX_ENTRY}"
    assert not resolved.startswith("_static/")
    assert config.html_static_path == [str(static_files.STATIC_DIR)]
    assert config.html_context["default_mode"] == "light"
    css = (static_files.STATIC_DIR / offline.CSS_FILE).read_bytes()
    assert config.offline_css_digest == hashlib.sha256(css).hexdigest()
