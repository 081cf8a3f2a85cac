"""Text from case files and users, shown as text: never as Markdown or HTML.

Streamlit renders Markdown (images, links, HTML-like tags, `:red[...]` directives, LaTeX) in
st.markdown, st.write, st.caption, st.info/warning/error/success, subheaders and expander labels. Every
value that comes from a case file, a user or the store goes through `plain()` before it is put in one
of those: each Markdown punctuation character is backslash-escaped (CommonMark: any ASCII punctuation
may be escaped), so `![](http://x/p.png)` shows as those characters and never fetches an image.
"""

from __future__ import annotations

import re
from typing import Any

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'^%@])")


def plain(value: Any) -> str:
    """The value's text, escaped so that Markdown shows it literally."""
    text = "" if value is None else str(value)
    return _SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")
