"""The nesting diagram of the levels, drawn at build time from the package's catalogue
(``lookups/levels.toml``: each ``[[edge]]`` is a direct child -> parent relation)."""

import tomllib
from importlib.resources import files

import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

import geo

levels = geo.levels()
edges = [(e["child"], e["parent"]) for e in tomllib.loads((files("geo.catalogue.lookups") / "levels.toml").read_text())["edge"]]
where = {"lsoa11": (0.0, 0.0), "lsoa21": (1.6, 0.0), "dz11": (3.3, 0.0), "sdz21": (4.8, 0.0),
         "msoa21": (0.0, 1.3), "lad24": (2.6, 1.3),
         "utla23": (0.6, 2.6), "pfa24": (2.0, 2.6), "rgn24": (3.4, 2.6), "ctry": (4.8, 2.6),
         "itl1": (4.1, 3.9)}
fig, ax = plt.subplots(figsize=(9.5, 5.4))
for child, parent in edges:  # from the top of the child's box to the bottom of the parent's
    (x0, y0), (x1, y1) = where[child], where[parent]
    ax.annotate("", xy=(x1 + 0.25 * (x0 - x1) / max(abs(x0 - x1), 1), y1 - 0.3), xytext=(x0, y0 + 0.3),
                arrowprops={"arrowstyle": "-|>", "color": "#555555", "shrinkA": 0, "shrinkB": 0, "lw": 1.2})
ax.annotate("", xy=(where["lsoa21"][0] - 0.55, 0), xytext=(where["lsoa11"][0] + 0.55, 0),
            arrowprops={"arrowstyle": "-|>", "color": "#b03060", "linestyle": "--", "shrinkA": 0, "shrinkB": 0, "lw": 1.2})
ax.text(0.8, -0.42, "geo.convert\n(not nesting)", ha="center", va="top", fontsize=10, color="#b03060")
for level, (x, y) in where.items():
    row = levels.loc[level]
    ax.add_patch(FancyBboxPatch((x - 0.55, y - 0.3), 1.1, 0.6, boxstyle="round,pad=0.02", facecolor="#eef3fb", edgecolor="#3060a0"))
    ax.text(x, y + 0.09, level, ha="center", va="center", fontsize=13, fontweight="bold")
    ax.text(x, y - 0.14, f"{row['areas']:,} areas", ha="center", va="center", fontsize=10)
ax.set_xlim(-0.8, 5.6)
ax.set_ylim(-0.9, 4.4)
ax.set_axis_off()
ax.set_title("Arrows point from a level to the level it nests in (direct lookups)", fontsize=12)
fig.tight_layout()
