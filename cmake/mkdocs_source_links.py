"""MkDocs hook of the course site (mkdocs.yml): links from a chapter to the repository's source.

The chapters link to files outside docs/ (`../common/repl/backlog.hpp`), which GitHub and an
editor follow but a site built from docs/ cannot serve. This hook keeps those links in the
Markdown and, in the site only, turns each into plain text titled with its path in the
repository, after checking that the path exists, so `mkdocs build --strict` still fails on a
link to a file that was renamed or removed.
"""

import logging
import posixpath
from pathlib import Path
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

# A logger under "mkdocs" so that strict mode counts its warnings.
log = logging.getLogger("mkdocs.hooks.source_links")


class SourceLinkProcessor(Treeprocessor):
    """Replaces <a href="../path"> pointing outside docs/ by <span title="path">."""

    def __init__(self, md: Markdown, extension: "SourceLinkExtension") -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: Element) -> None:
        page = self.extension.page
        for element in root.iter("a"):
            href = element.get("href", "")
            path = self.repository_path(page.file.src_uri, href)
            if path is None:
                continue
            if not (self.extension.repository_root / path).exists():
                log.warning(f"Documentation file '{page.file.src_uri}' links to '{href}', "
                            f"but the repository has no '{path}'.")
            element.tag = "span"
            element.attrib.clear()
            element.set("class", "source-path")
            element.set("title", path)

    def repository_path(self, page_uri: str, href: str) -> str | None:
        """The link's target relative to the repository root, if it lies outside docs/."""
        if not href or "://" in href or href.startswith(("/", "#", "mailto:")):
            return None
        target = href.split("#", 1)[0].split("?", 1)[0]
        docs_relative = posixpath.normpath(posixpath.join(posixpath.dirname(page_uri), target))
        if not docs_relative.startswith("../"):
            return None
        path = posixpath.normpath(posixpath.join(self.extension.docs_name, docs_relative))
        # A link to a folder keeps its trailing slash in the title, as it is written.
        return path + "/" if target.endswith("/") else path


class SourceLinkExtension(Extension):
    """Registers the processor ahead of MkDocs' own link check ("relpath", priority 0)."""

    def __init__(self, docs_dir: str) -> None:
        super().__init__()
        docs = Path(docs_dir).resolve()
        self.repository_root = docs.parent
        self.docs_name = docs.name
        self.page = None  # set by on_page_markdown: MkDocs renders one page at a time

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(SourceLinkProcessor(md, self), "source_links", 1)


_extension: SourceLinkExtension | None = None


def on_config(config):
    global _extension
    _extension = SourceLinkExtension(config["docs_dir"])
    config["markdown_extensions"].append(_extension)
    return config


def on_page_markdown(markdown, page, config, files):
    _extension.page = page
    return markdown
