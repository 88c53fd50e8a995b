"""
A district's missions scorecard
===============================

Where does Blackpool stand on the levelling-up missions? The scorecard reads every metric
of the 12 missions from the ONS Explore Local Statistics files, ranks Blackpool among
England's districts (1 = best) and flags the metrics on which it is *left behind*: in the
worst national tenth, or with its 95 % interval wholly worse than England's. This is what
``levelup scorecard --area "Blackpool"`` writes as a page; here it is step by step, to adapt.

Run: ``python examples/scorecard_of_a_district.py`` (with ``LEVELUP_MIRROR`` set, or online).
"""

from __future__ import annotations

import textwrap

import pandas as pd

import geo
from geo.moving.ess import at_level
from geo.outputs.scorecard_page import period_words


def main(area: str = "Blackpool") -> pd.DataFrame:
    # One row per metric of the missions catalogue (geo.missions()): the value, its period and
    # level, the rank among the areas of that level, and whether the area is left behind.
    card = geo.scorecard(area)
    facts = card.attrs
    print(f"{facts['name']} ({facts['region']}): {facts['with_value']} of {facts['metrics']} metrics have a value, "
          f"{facts['own_values']} of them {facts['name']}'s own; worst national decile on {facts['worst_decile']} "
          f"of {facts['judged']} judged, left behind on {facts['left_behind']}")

    # The left-behind metrics, headline metrics first, then the worst rank (as a share of the
    # areas ranked) first. "rank of N" counts only the areas with a value in that period, and
    # "level" says whose figure it is (utla23: Blackpool as a unitary authority).
    behind = card[card["left_behind"].fillna(False)].copy()
    behind["rank of"] = behind["rank"].astype(int).astype(str) + " of " + behind["of"].astype(str)
    behind["when"] = behind["period"].map(period_words)
    behind = behind.assign(share=behind["rank"] / behind["of"].astype(float)).sort_values(["role", "share"], ascending=[True, False])
    table = behind[["mission_name", "metric", "role", "level", "when", "value", "unit", "rank of"]]
    print(table.to_string(index=False, formatters={"value": "{:,.1f}".format}))

    # Why each is flagged, in words (left_behind_rule): the worst national decile, the 95 %
    # interval wholly worse than England's, or both.
    for metric, rule in behind.set_index("metric")["left_behind_rule"].head(3).items():
        print(f"{metric}: {rule}")

    # A map of one of them: the first left-behind metric above that is read at the area's own
    # level, across the districts of its region, in the period the scorecard used. at_level
    # gives one row per current district (rows published under older codes carried over).
    row = behind[behind["level"] == facts["level"]].iloc[0]
    values = at_level(geo.read_ess(row["ess"]), row["level"], kind="mean", indicator=row["indicator"], period=row["period"])
    outline = geo.boundaries(row["level"]).loc[[facts["code"]]]
    title = textwrap.fill(f"{row['name']}, {period_words(row['period'])} ({row['unit']})", 60)
    fig = geo.plot(values, value="observation", level=row["level"], within=row["region_code"], outlines=(),
                   higher_is_better=bool(row["higher_is_better"]), highlight=outline, highlight_name=facts["name"], title=title)
    assert fig.axes  # a map was drawn; save it with fig.savefig("scorecard-map.png")
    return table


# %%
# Run it for Blackpool; ``main("County Durham")`` or ``main("Cardiff")`` does the same for
# another council. It prints the whole in one line, the left-behind metrics, and draws the map.

if __name__ == "__main__":
    main()
