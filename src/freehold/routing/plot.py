"""The routing curve as a PNG (matplotlib, from the ``router`` extra, imported only when asked)."""

from __future__ import annotations

from pathlib import Path

from freehold.routing.metrics import Curve

__all__ = ["save_curves"]


def save_curves(curves: dict[str, Curve], path: Path, title: str) -> None:
    """Quality kept against the share of strong calls, one line per router, weak/strong as guides."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(f"{exc}; the curve needs the 'router' extra: pip install 'freehold[router]'") from exc
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=90)
    any_curve = next(iter(curves.values()))
    for name, c in curves.items():
        ax.plot([100 * s for s in c.shares], c.quality, label=f"{name} (APGR {c.apgr:.3f})", linewidth=1.4)
    ax.axhline(any_curve.weak, color="grey", linestyle="--", linewidth=0.8, label="weak only")
    ax.axhline(any_curve.strong, color="red", linestyle="--", linewidth=0.8, label="strong only")
    ax.set_xlabel("Strong model calls (%)")
    ax.set_ylabel("Quality")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
