"""MkDocs hook of the course site (mkdocs.yml): list items indented as GitHub indents them.

The chapters indent what belongs to a list item by the width of its marker, as GitHub and
CommonMark read it: two spaces under "- ", three under "1. ". Python-Markdown wants four, so a
nested list, a second paragraph or a code block inside an item would fall out of the item in the
site. This hook rebuilds the three list processors with an indent of two; code blocks still need
four spaces, and the chapters use fences anyway.
"""

from markdown import Markdown
from markdown.blockprocessors import ListIndentProcessor, OListProcessor, UListProcessor
from markdown.extensions import Extension

LIST_INDENT = 2


class GithubListExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # The processors read md.tab_length when they are built (their patterns depend on it),
        # so build the replacements under the list indent and put the document's back after.
        document_tab_length = md.tab_length
        md.tab_length = LIST_INDENT
        try:
            # Same names and priorities as Python-Markdown's own, which they replace.
            replacements = [
                (ListIndentProcessor(md.parser), "indent", 90),
                (OListProcessor(md.parser), "olist", 40),
                (UListProcessor(md.parser), "ulist", 30),
            ]
        finally:
            md.tab_length = document_tab_length
        for processor, name, priority in replacements:
            md.parser.blockprocessors.register(processor, name, priority)


def on_config(config):
    config["markdown_extensions"].append(GithubListExtension())
    return config
