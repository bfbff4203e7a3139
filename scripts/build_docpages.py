"""Build data/docpages/docpages.jsonl.gz: documentation pages with code, labelled from the DOM.

    python scripts/build_docpages.py [--out data/docpages] [--downloads /tmp/lakerefine-docpages]
    python scripts/build_docpages.py --set languages   # data/languages/debian_reference.jsonl.gz
    python scripts/build_docpages.py --set python-docs # data/pythondocs/python_docs.jsonl.gz

``--set languages`` builds the independent language check instead: every chapter of the Debian Reference
in nine languages (``LANGUAGE_PACKAGES``: the same book and theme translated, so what differs between its
sets is the language), all on the test side, each language its own set.

Downloads pinned Debian bookworm ``-doc`` packages with ``apt-get download`` (no root
needed), checks each .deb's sha256, unpacks it with ``dpkg-deb -x`` and picks up to
``PAGES_PER_PACKAGE`` HTML pages per package whose main-content element holds code
(a ``<pre>``). Per page:

- ``raw`` = ``html_text.extract_text(html)`` (html-text 0.7.1, defaults): exactly how
  ../shared/data/webpages built ``raw``, the whole page as a naive extractor gives it;
- ``gold`` = ``html_text.extract_text`` of the theme's main-content element(s), with the
  theme's in-content navigation (texinfo's ``div.header``) dropped;
- ``split`` = the package's side: ``train`` or ``test`` (by package, so a theme's
  furniture seen in training is not the furniture measured; copyleft only on ``test``).

Python's own documentation (python3*-doc) never trains or tunes anything: ``--set python-docs``
builds it as an independent check only (``PYTHON_DOCS``, every page on the test side, more
pages than a package of the docpages gives). The output is deterministic: same .debs, same bytes (gzip without a
timestamp). A .deb version that has left the archive is on snapshot.debian.org.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import html_text
import lxml.html  # noqa: F401  (tostring)

PAGES_PER_PACKAGE = 28
MAX_HTML_BYTES = 300_000
MIN_GOLD_CHARS = 400
CODE = "pre, div.fragment"  # Doxygen renders code as div.fragment


@dataclass(frozen=True)
class DocPackage:
    name: str
    version: str
    sha256: str
    theme: str
    licence: str
    split: str
    root: str  # the HTML folder inside the package
    main: str  # CSS selector(s) of the main content, joined in page order
    drop: str = ""  # CSS selector of navigation inside the main content
    data_set: str = "docpages"  # the records' ``set``
    needs_code: bool = True  # only pages whose main content holds code
    max_html_bytes: int = MAX_HTML_BYTES
    language: str = ""  # the records' ``language`` (ISO 639-1), where the set names one
    pages: int = PAGES_PER_PACKAGE  # at most this many pages of the package
    # indexes, search pages and whole-file source listings (Sphinx _modules/, Doxygen *_source.html)
    skip: str = (r"(^|/)(genindex|search|py-modindex|index-all|allclasses[^/]*|overview-tree|deprecated-list)\.html$"
                 r"|(^|/)_(modules|sources)/|_source\.html$")


PACKAGES = [
    DocPackage("python-requests-doc", "2.28.1+dfsg-1",
               "499f6c095d09971ec3aa7b7ff5197eaf999476ce3ee61edfccac64fe3f9e520f",
               "Sphinx (alabaster)", "Apache-2.0", "train",
               "usr/share/doc/python-requests-doc/html", "div[role=main]"),
    DocPackage("sphinx-doc", "5.3.0-4",
               "1da3d08bb3a0bc82a4b8b8109410e223054bf5fb13904557ec8ea869046f65b4",
               "Sphinx (sphinx13)", "BSD-2-Clause", "train",
               "usr/share/doc/sphinx-doc/html", "div[role=main]"),
    DocPackage("python-flask-doc", "2.2.2-3",
               "0659f6a04b15fe3f907150cadc0399fe987c790e722e001b73f7e49fa5ecca15",
               "Sphinx (pallets)", "BSD-3-Clause", "train",
               "usr/share/doc/python-flask-doc/html", "div[role=main]"),
    DocPackage("cmake-doc", "3.25.1-1",
               "6e805a758ffed87cc7ea234cf0a7a1bb8ae78b93d8b5783e7fb989a6320f8133",
               "Sphinx (cmake)", "BSD-3-Clause", "train",
               "usr/share/doc/cmake-doc/html", "div[role=main]"),
    DocPackage("mkdocs-doc", "1.4.2+dfsg-2",
               "cc460d8a893ebc0aee62a1883693d833ff0b31af0475578299b90e0f793ee84f",
               "MkDocs (mkdocs)", "BSD-2-Clause", "train",
               "usr/share/doc/mkdocs/html", "div[role=main]"),
    DocPackage("python-markdown-doc", "3.4.1-2+deb12u1",
               "7d4a70ccbf465dcb2a6aaad68f1b843a60ad4f85b7174ef8606766337e9647bb",
               "MkDocs (Sphinx-like theme)", "BSD-3-Clause", "train",
               "usr/share/doc/python-markdown-doc/docs", "div[role=main]"),
    DocPackage("libjsoncpp-doc", "1.9.5-4",
               "641357a275fd17c2f47ed2445c0ca7bd1b727905e3e837ece95b2b903c8d6e00",
               "Doxygen 1.9.1", "MIT or public domain", "train",
               "usr/share/doc/libjsoncpp-doc", "div.headertitle, div.contents"),
    DocPackage("libcommons-lang3-java-doc", "3.12.0-2+deb12u1",
               "d5e3456b97dbab73c7f6f39997ae108c515cc2a4182448a5c3e659ea3a5777a3",
               "javadoc (JDK 17)", "Apache-2.0", "train",
               "usr/share/doc/libcommons-lang3-java/api", "main[role=main]",
               skip=r"(^|/)(src-html|class-use)/|(^|/)(index-all|allclasses[^/]*|overview-tree|deprecated-list"
                    r"|serialized-form|constant-values|help-doc|search)\.html$"),
    DocPackage("flex-doc", "2.6.4-8.2",
               "abd9911c21991db1af5afe88313fc13df2018cb8d60b69b8cca20f1f42d04970",
               "texinfo (makeinfo)", "flex licence (BSD-style)", "train",
               "usr/share/doc/flex-doc/html", "body > div[id]", drop="div.header"),
    DocPackage("python-django-doc", "3:3.2.25-0+deb12u7",
               "87307f067916df72e17180d35b7cde5c7ea6080336cda518efd7f6e66988a7ca",
               "Sphinx (djangodocs)", "BSD-3-Clause", "test",
               "usr/share/doc/python-django-doc/html", "#yui-main div.yui-g"),
    DocPackage("libsigc++-3.0-doc", "3.4.0-1",
               "1bbb33308b7e2c0627f925e0fe3789c90da9895b99839719800ec5315680ca01",
               "Doxygen 1.9.4", "LGPL-3.0-or-later", "test",
               "usr/share/doc/libsigc++-3.0-doc/reference/html", "div.headertitle, div.contents"),
    DocPackage("junit4-doc", "4.13.2-3",
               "1497caa9a98868045269d131ffc0b093adb1b8c00df96a63f5d43ece095b4cab",
               "javadoc (JDK 11)", "EPL-1.0", "test",
               "usr/share/doc/junit4/api", "main[role=main]",
               skip=r"(^|/)(src-html|class-use)/|(^|/)(index-all|allclasses[^/]*|overview-tree|deprecated-list"
                    r"|serialized-form|constant-values|help-doc|search)\.html$"),
    DocPackage("postgresql-doc-15", "15.20-0+deb12u1",
               "4c44bf2c599f208b3f46454a6cf7a72e25ec46ff74d37b59dd31ad76b00eebb7",
               "DocBook XSL", "PostgreSQL licence (BSD-style)", "test",
               "usr/share/doc/postgresql-doc-15/html", "body > div:not(.navheader):not(.navfooter)"),
    DocPackage("libgcrypt20-doc", "1.10.1-3+deb12u1",
               "3a72c441ad3a11c05543cf5494a7d70359796857ee42bee554a97742e81a37ad",
               "texinfo (makeinfo)", "GPL-2.0-or-later (manual)", "test",
               "usr/share/doc/libgcrypt20-doc/html", "body > div[id]", drop="div.header"),
    # Added 2026-12-04 (test side only: five more sites and themes for tighter intervals; the pages above are
    # unchanged, so models trained on the train side are unchanged).
    DocPackage("nodejs-doc", "18.20.4+dfsg-1~deb12u3",
               "d2fbd4f3aecccea9d901a03842ef8380379e0d33010a48af5e797ed68ae874ce",
               "Node.js API docs", "MIT", "test",
               "usr/share/doc/nodejs/api", "div#apicontent"),
    DocPackage("git-doc", "1:2.39.5-0+deb12u3",
               "3c89668a11053a6bafade3de1f611f4613db31e082af63f43d8c5b69ad8795ec",
               "AsciiDoc", "GPL-2.0", "test",
               "usr/share/doc/git-doc", "div#header, div#content"),
    DocPackage("python-scrapy-doc", "2.8.0-2",
               "aaa1903b7ebfbcf6c2962682044c9d486c71dc64a7420f10e56cd0bca4b8f5f3",
               "Sphinx (Read the Docs)", "BSD-3-Clause", "test",
               "usr/share/doc/python-scrapy-doc/html", "div[role=main]"),
    DocPackage("python-sqlalchemy-doc", "1.4.46+ds1-1",
               "8805c3167ef75278ac6fd58ed9856321c2b2e3a7e441edba84b2eb955216d0fd",
               "Sphinx (zzzeeksphinx)", "MIT", "test",
               "usr/share/doc/python-sqlalchemy-doc/html", "div#docs-body"),
    DocPackage("libfmt-doc", "9.1.0+ds1-2",
               "6e131a7207c1d9717802b87edfa3bf0752a18f30607ac3bce3b7e48d06129c87",
               "Sphinx (Bootstrap)", "MIT (with an exception for compiled code)", "test",
               "usr/share/doc/libfmt-doc", "div.content"),
    # Added 2026-12-04 (train side: four more sites, Sphinx as Debian builds it: Read the Docs, alabaster and
    # classic sidebars, whose contents lists repeat the page's headings).
    DocPackage("python-attr-doc", "22.2.0-1",
               "38132c995d9a23b44daf874d7a053251df4098ac476b95ac9966d46a8e0f3cd3",
               "Sphinx (Read the Docs)", "MIT", "train",
               "usr/share/doc/python-attr-doc/html", "div[role=main]"),
    DocPackage("python-aiohttp-doc", "3.8.4-1+deb12u2",
               "0e4097cea5e6a2f0f0aad009cdcd8119191f97dfda020ca7f0fa6598ac05c876",
               "Sphinx (alabaster)", "Apache-2.0", "train",
               "usr/share/doc/python-aiohttp-doc/html", "div[role=main]"),
    DocPackage("python-pytest-doc", "7.2.1-2",
               "8cf17eb7826a2bbbc8207447fc888cbb75fd86680146542ebd9545e18229d3aa",
               "Sphinx (classic sidebar)", "MIT", "train",
               "usr/share/doc/python-pytest-doc/html", "div[role=main]"),
    DocPackage("python-xarray-doc", "2023.01.0-1.1",
               "1d42be6f1c4b0c4c5b37a4b8884d7483d9995d8b6362ee490579806d8b4ba9e2",
               "Sphinx (classic sidebar)", "Apache-2.0", "train",
               "usr/share/doc/python-xarray-doc/html", "div[role=main]"),
    # Added 2026-12-04, later (train side: four more sites in the two most common modern documentation themes,
    # Furo and Material for MkDocs, whose "On this page" lists repeat the page's headings beside the content).
    DocPackage("mypy-doc", "1.0.1-1",
               "75eb34bb525716882ff5334280fdd28264730a4c07f980d74a2ea3bdda458baf",
               "Sphinx (Furo)", "MIT", "train",
               "usr/share/doc/mypy/html", "article[role=main]"),
    DocPackage("python-structlog-doc", "22.3.0-2",
               "ed5ce3876cbafc55ff9bd8212fd2d264a01f1e87b93c1ada6484786c3a1f1a67",
               "Sphinx (Furo)", "Apache-2.0 or MIT", "train",
               "usr/share/doc/python-structlog-doc/html", "article[role=main]"),
    DocPackage("python-charset-normalizer-doc", "3.0.1-2",
               "0a1adf8ffa5ca4f694d563b033bff4bf6d74a9f96743f4d2dee286a62b887976",
               "Sphinx (Furo)", "MIT", "train",
               "usr/share/doc/python-charset-normalizer-doc/html", "article[role=main]"),
    DocPackage("libspng-doc", "0.7.3-3",
               "4a36cb0fac1f8d4d05336a0b7b88f4725288aec0571864da6e670a25c77c8ec3",
               "MkDocs (Material)", "BSD-2-Clause", "train",
               "usr/share/doc/libspng-dev/site", "article.md-content__inner"),
    # Added 2026-12-05 (train side: Rust's documentation, rustdoc's API pages, whose sidebar lists the page's
    # sections and items, and the mdBook books, whose sidebar lists every chapter; SIMD intrinsics left out:
    # thousands of near-copies. python-pandas-doc, the PyData theme, was tried and not kept: MODEL_CARD.md).
    DocPackage("rust-doc", "1.63.0+dfsg1-2",
               "96ef96fe6df87d939ca713bd7df3d15c2b778ccb892eca025c4ee504146f697b",
               "rustdoc and mdBook", "MIT or Apache-2.0", "train",
               "usr/share/doc/rust-doc/html", "section#main-content, div#content > main",
               skip=DocPackage.skip + r"|(^|/)src/|(^|/)(core|std)/arch/"),
    # Tried 2026-12-06 and not kept (MODEL_CARD.md): apache2-doc 2.4.71-1~deb12u1 (sha256 a7b3d113...,
    # manual/en, "div#page-content" minus "div#quickview, div.toplang, div.top") and erlang-doc
    # 1:25.2.3+dfsg-1+deb12u4 (sha256 7d172cec..., "div#content" minus "div.footer"), both Apache-2.0.
]

DEBIAN_REFERENCE = {  # language: sha256 of debian-reference-<language>_2.100_all.deb
    "en": "9f31d3a17df505de09689ca255512ea58c1fc47c59bb1b0c7bf1c23362e9743f",
    "de": "3b0ce65fd63e75ddf8eb07ca36293425135080e690a07e06a6ac8bc8040ef0aa",
    "fr": "01424cba9bfa2e13166da22d3d692d33a22ec7d8ef935ec81fd8802746087f65",
    "es": "a59b68c96f83d3cf29a476c847aee38364764603ea62eee592791e0a843a269e",
    "it": "7894062a5e9203a57ec6cb8d6a47d5ffb58c41dc004766522f1b4d78b2a8e0c6",
    "pt": "c9c5d30a8608485bad60f7bd7ce6c755af4a129c2b30511ee733b90ac17e7dfa",
    "ja": "f67140e0b994409413bd5fcc8dfcce832445c99d724401f0275fa238daf30325",
    "zh-cn": "6d2d8d9a646397e28b04cdff23d2e4374101ebf9be348e35961af62c8a2d0977",
    "zh-tw": "d2785bbfcb9c3eb6343a37520df595a720bb30fa634d4cf0750d1c04a0226057",
}
LANGUAGE_PACKAGES = [
    DocPackage(f"debian-reference-{language}", "2.100", sha256, "DocBook XSL (Debian Reference)", "GPL-2.0-or-later",
               "test", "usr/share/debian-reference", "body > div:not(.navheader):not(.navfooter)",
               data_set=f"debian-reference-{language}", needs_code=False, max_html_bytes=1_000_000,
               language=language)
    for language, sha256 in DEBIAN_REFERENCE.items()
]
PYTHON_DOCS = [  # Sphinx with python-docs-theme; the sidebar, the related bars and the footer are outside div.body
    DocPackage("python3.11-doc", "3.11.2-6+deb12u8",
               "50eb63e7f636c4281e9ce1b8f10386f1def42159eddce34fc1f41c46261df71b",
               "python-docs-theme (Sphinx)", "PSF-2.0", "test", "usr/share/doc/python3.11/html",
               'div.body[role="main"]', data_set="python-docs", max_html_bytes=1_000_000, pages=120),
]
DATA_SETS = {"docpages": (PACKAGES, Path("data/docpages"), "docpages.jsonl.gz"),
             "languages": (LANGUAGE_PACKAGES, Path("data/languages"), "debian_reference.jsonl.gz"),
             "python-docs": (PYTHON_DOCS, Path("data/pythondocs"), "python_docs.jsonl.gz")}


def fetch(package: DocPackage, downloads: Path) -> Path:
    """The package unpacked under ``downloads``; its .deb fetched and checked first."""
    unpacked = downloads / package.name
    if unpacked.is_dir():
        return unpacked
    subprocess.run(["apt-get", "download", f"{package.name}={package.version}"], cwd=downloads, check=True)
    deb = next(downloads.glob(f"{package.name}_*.deb"))
    digest = hashlib.sha256(deb.read_bytes()).hexdigest()
    if digest != package.sha256:
        sys.exit(f"{deb}: sha256 {digest}, expected {package.sha256}")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(unpacked)], check=True)
    return unpacked


def html_files(root: Path, skip: str) -> list[Path]:
    """Regular .html files under root (symlinks left out), sorted by relative path."""
    found = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            if name.endswith(".html") and not path.is_symlink() and not re.search(skip, str(path.relative_to(root))):
                found.append(path)
    return sorted(found, key=lambda p: str(p.relative_to(root)))


def main_content_text(html: str, package: DocPackage) -> tuple[str, bool]:
    """The gold text and whether the main content holds code; ("", False) when the theme's element is absent."""
    parts = html_text.parse_html(html).cssselect(package.main)
    if not parts:
        return "", False
    has_code = any(part.cssselect(CODE) for part in parts)
    texts = []
    for part in parts:
        if package.drop:
            for nav in part.cssselect(package.drop):
                nav.drop_tree()
        texts.append(html_text.extract_text(lxml.html.tostring(part, encoding="unicode")))
    return "\n\n".join(text for text in texts if text), has_code


def verbatim_share(gold: str, raw: str) -> float:
    """Share of gold's non-blank lines found verbatim among raw's lines."""
    raw_lines = set(raw.splitlines())
    gold_lines = [line for line in gold.splitlines() if line.strip()]
    return sum(line in raw_lines for line in gold_lines) / len(gold_lines) if gold_lines else 1.0


def page_order(relative: str) -> str:
    return hashlib.sha256(relative.encode("utf-8")).hexdigest()


def package_pages(package: DocPackage, unpacked: Path, counts: dict[str, int]) -> list[dict]:
    root = unpacked / package.root
    candidates = sorted(html_files(root, package.skip), key=lambda p: page_order(str(p.relative_to(root))))
    pages = []
    for path in candidates:
        if len(pages) == package.pages:
            break
        data = path.read_bytes()
        if len(data) > package.max_html_bytes:
            counts["too_large"] += 1
            continue
        try:
            html = data.decode("utf-8")
        except UnicodeDecodeError:
            counts["not_utf8"] += 1
            continue
        gold, has_code = main_content_text(html, package)
        if (package.needs_code and not has_code) or len(gold) < MIN_GOLD_CHARS:
            counts["no_code_or_short"] += 1
            continue
        relative = str(path.relative_to(root))
        language = {"language": package.language} if package.language else {}
        pages.append({
            "id": f"{package.data_set}/{package.name}/{relative}",
            "set": package.data_set,
            "package": package.name,
            "url": f"https://docs.{package.name}.debian.invalid/{relative}",
            "split": package.split,
            "html": html,
            "raw": html_text.extract_text(html),
            "gold": gold,
            **language,
        })
    return pages


def write_jsonl_gz(pages: list[dict], path: Path) -> None:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as out:
        for page in pages:
            out.write((json.dumps(page, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
    path.write_bytes(buffer.getvalue())


def summary(package: DocPackage, pages: list[dict]) -> dict:
    raw = sum(len(p["raw"]) for p in pages)
    gold = sum(len(p["gold"]) for p in pages)
    share = [verbatim_share(p["gold"], p["raw"]) for p in pages]
    return {"package": package.name, "pages": len(pages), "split": package.split,
            "raw_chars": raw, "gold_chars": gold,
            "gold_lines_verbatim": round(sum(share) / len(share), 4) if share else None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(DATA_SETS), default="docpages")
    parser.add_argument("--out", type=Path, help="the data folder (default: data/docpages or data/languages)")
    parser.add_argument("--downloads", type=Path, default=Path("/tmp/lakerefine-docpages"))
    args = parser.parse_args(argv)
    packages, default_out, file_name = DATA_SETS[args.set]
    out = args.out or default_out
    args.downloads.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    all_pages = []
    for package in packages:
        counts = {"too_large": 0, "not_utf8": 0, "no_code_or_short": 0}
        pages = package_pages(package, fetch(package, args.downloads), counts)
        all_pages.extend(pages)
        print(json.dumps({**summary(package, pages), "passed_over": counts}), file=sys.stderr)
    write_jsonl_gz(all_pages, out / file_name)
    digest = hashlib.sha256((out / file_name).read_bytes()).hexdigest()
    (out / f"{file_name}.sha256").write_text(f"{digest}  {file_name}\n")
    print(f"{len(all_pages)} pages -> {out / file_name} (sha256 {digest})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
