"""APGR and CPT on examples small enough to integrate by hand."""

from __future__ import annotations

import random

import pytest

from freehold.routing.metrics import curve


def test_hand_computed_curve() -> None:
    # Prompt 0 needs strong (weak wrong, strong right), prompt 1 both right, prompt 2 both wrong.
    c = curve([0.9, 0.1, 0.5], strong=[1, 1, 0], weak=[0, 1, 0])
    assert c.weak == pytest.approx(1 / 3) and c.strong == pytest.approx(2 / 3)
    assert c.shares == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert c.quality == pytest.approx([1 / 3, 2 / 3, 2 / 3, 2 / 3])
    assert c.thresholds[1:] == [0.9, 0.5, 0.1]
    # Area = 1/6 + 2/9 + 2/9 = 11/18; APGR = (11/18 - 1/3) / (1/3) = 5/6.
    assert c.apgr == pytest.approx(5 / 6)
    assert c.cpt(0.5) == pytest.approx(1 / 6)  # halfway up the first segment
    assert c.cpt(0.8) == pytest.approx(0.8 / 3)


def test_worst_order_and_ties() -> None:
    worst = curve([0.1, 0.9, 0.5], strong=[1, 1, 0], weak=[0, 1, 0])
    # The helpful prompt goes last: quality stays 1/3 until share 2/3, so area = 2/9 + 1/6 = 7/18.
    assert worst.apgr == pytest.approx(1 / 6)
    assert worst.cpt(0.5) == pytest.approx(5 / 6)
    tied = curve([0.5, 0.5, 0.5], strong=[1, 1, 0], weak=[0, 1, 0])
    assert tied.shares == [0, 1] and tied.apgr == pytest.approx(0.5)  # a threshold cannot split ties


def test_random_scores_are_near_one_half() -> None:
    rng = random.Random(1)
    strong = [float(rng.random() < 0.8) for _ in range(4000)]
    weak = [float(rng.random() < 0.6) for _ in range(4000)]
    c = curve([rng.random() for _ in strong], strong, weak)
    assert abs(c.apgr - 0.5) < 0.05
    assert abs(c.cpt(0.5) - 0.5) < 0.06


def test_no_gap_and_bad_input() -> None:
    assert curve([0.2, 0.8], [1, 0], [1, 0]).apgr != curve([0.2, 0.8], [1, 0], [1, 0]).apgr  # NaN: nothing to recover
    with pytest.raises(ValueError, match="equal length"):
        curve([0.1], [1, 0], [0, 1])
    with pytest.raises(ValueError, match="non-empty"):
        curve([], [], [])
