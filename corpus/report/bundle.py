"""The Vega, Vega-Lite and vega-embed JavaScript, from vl-convert-python's bundle.

The same bundle altair inlines for `chart.save(path, inline=True)`; vl-convert-python is
BSD-3-Clause and so are the Vega libraries it bundles. Asked for the Vega-Lite version
altair writes its specs for, so specs and renderer agree.
"""

from __future__ import annotations

import functools


@functools.cache
def javascript_bundle() -> tuple[str, str]:
    """(the script, a one-line comment naming what it is and its licence)."""
    import altair as alt
    import vl_convert as vlc

    wanted = ".".join(alt.VEGALITE_VERSION.split(".")[:2])
    versions = vlc.get_vegalite_versions()
    version = wanted if wanted in versions else versions[-1]
    script = vlc.javascript_bundle(vl_version=version)
    if "</script" in script.lower():  # would end our <script> element early
        raise RuntimeError("the vl-convert JavaScript bundle contains '</script'")
    about = (
        f"Vega {vlc.get_vega_version()}, Vega-Lite {version}, vega-embed"
        f" {vlc.get_vega_embed_version()} (BSD-3-Clause), bundled by vl-convert-python"
        f" {vlc.__version__} (BSD-3-Clause)"
    )
    return script, about
