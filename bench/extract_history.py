"""The generalisation section of bench/results/extract.md: every rule variant measured for
issue 10, with its in-sample and cross-validated F1 and whether it was kept (the selection is
a choice too, so it is shown). Kept apart from extract_eval.py, which measures."""

from __future__ import annotations


def generalisation(ours: float) -> list[str]:
    """The section's lines; `ours` is the shipped extractor's dev F1 of this run."""
    return [
        "## Generalisation: in-sample and cross-validated",
        "",
        "No parameter of the extractor is fitted to these pages in this version (fixed rules:",
        "the density run's weights, the junk lexicon, and generic class/id words for comment,",
        "feed, navigation, sidebar and share containers), so leave-one-site-out and",
        "leave-one-source-dataset-out F1 equal the in-sample F1 above (per-source rows above are",
        "the leave-one-source-dataset-out view). Choices between rule variants are choices too:",
        "each variant measured in issue 10 is listed with its dev F1, kept or rejected, so the",
        "selection can be judged. Proxies for unseen layouts (pages labelled by us, and the",
        "unsupervised peers-agree-we-differ count) are in bench/results/extract_proxy.md.",
        "",
        "| candidate (issue 10) | in-sample F1 | leave-one-site-out F1 | kept |",
        "|---|---|---|---|",
        "| round 1: logistic block model (25 features) scores every segment | 0.892 | 0.888 | no |",
        "| round 1: same, + weak labels of 136 unlabelled pages | - | 0.876 | no |",
        "| round 1: rules + block model as a veto (p < 0.1) | - | 0.902 | no |",
        "| round 1: rules + block model as a veto (p < 0.2) | - | 0.880 | no |",
        "| round 1: rules, forum fallback below 100 chars | 0.901 | 0.901 | yes |",
        "| round 2: + class/id words of the headline's containers ignored"
        " | 0.9017 | 0.9017 | yes |",
        "| round 2: + feed teasers (text between 4+ close headline links) as chrome"
        " | 0.8896 | 0.8896 | no |",
        "| round 2: + sidebars stay chrome on forum pages | 0.9019 | 0.9019 | (superseded) |",
        "| round 2: + camelCase class words, sidebars and navigation stay chrome on forum"
        f" pages (shipped) | {ours:.4f} | {ours:.4f} | yes |",
        "| round 3: peer arbitration (readability-lxml / trafilatura-precision when ours has many"
        " short lines and the peer is a shorter part of ours), best variant | 0.9019 | 0.9101 *"
        " | no |",
        "| round 3: cut the run to its best DOM container (share 0.5, ratio 0.5) | 0.8959 |"
        " 0.9127 * | no |",
        "| round 3: drop record lists (>= 5 sibling blocks of one tag/class, 2+ segments each)"
        " | 0.8668 | 0.9127 * | no |",
        "| round 4: same three families on the enlarged set (+9 tuning-half pages): peer"
        " arbitration, best variant | 0.9019 | 0.9137 † | no |",
        "| round 4: container cut / record lists, CV | 0.9019 | 0.9162 † | no |",
        "| round 4: data-table cells neutral (short unpunctuated and short link cells of a table"
        " without nested tables, >= 3 rows, weight 0) | 0.9018 | 0.9162 † | no |",
        "| round 5: record lists by shape (4+ sibling boxes opening with a headline link, <= 300"
        " chars, 2+ blocks) as chrome | 0.9019 | 0.9019 | yes ‡ |",
        "| round 5: sections under a comment heading (评论, 留言列表, 跟贴, N条评论) after the"
        " first sentence as chrome | 0.9019 | 0.9019 | yes ‡ |",
        "",
        "\\* Round 3: leave-one-site-out CV over dev + proxy (round-2 set + round-3 tuning half),",
        "selecting the variant's parameter on the other sites; 0.9127 is the shipped extractor on",
        "that set, so CV picks 'no variant' or a variant that changes no page. Every variant that",
        "changes a page we can score loses on it. Details: bench/results/extract_arbitration.md",
        "(`bench/extract_arbitration.py`); proxy halves: bench/results/extract_proxy.md.",
        "",
        "† Round 4: the same CV over dev + proxy with the round-4 tuning half added (129 pages,",
        "90 sites; shipped extractor 0.9162 there, round-3 + round-4 test halves 0.9754). CV again",
        "picks 'no variant'; the table variant moves no score by more than 0.001. The enlarged",
        "proxy set still does not reproduce the held-out precision losses (we score 0.97-1.00 on",
        "its aggregator pages); the two encyclopedia pages we can score lose recall at their",
        "tables, not precision.",
        "",
        "‡ Round 5: both rules have no fitted parameter, so leave-one-site-out equals in-sample;",
        "with the class names these pages carry they move no page by more than 0.005, and the",
        "CV over dev + proxy stays 0.9162 (bench/results/extract_arbitration.md). Their figure",
        "is on the same pages with every class and id name hashed (real layouts, real labels, no",
        "class word to go by): dev 0.883 -> 0.893, proxy 0.907 -> 0.966, beside",
        "trafilatura-precision 0.793 / 0.929 and readability-lxml 0.809 / 0.923 on the same",
        "pages; it moves by at most 0.011 when any constant of the cues moves a step",
        "(bench/results/extract_stress.md). Those figures are in-sample: the heading vocabulary",
        "was checked on the pages that lost most when their names were hashed.",
        "",
    ]
