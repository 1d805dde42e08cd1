"""Roller-paver synchronisation and thickness statistics, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from zhiyang.analytics.paving import roller_paver_sync, thickness_stats


def test_roller_behind_paver_on_an_l_shaped_path():
    # Paver at 0.05 m/s along x from (0,0) to (50,0) then north to (50,50): 2000 s.
    t = np.arange(0, 2001.0)
    s = 0.05 * t
    pe = np.where(s <= 50, s, 50.0)
    pn = np.where(s <= 50, 0.0, s - 50)
    # Roller 20 m of chainage behind, 1 m off the path, from t = 610 s.
    rt = np.arange(610, 2001.0, 50)  # avoids the corner (c = 50), where (50, 1) is on both legs
    c = 0.05 * rt - 20.0
    re_ = np.where(c <= 50, c, 50.0 + 1.0)
    rn = np.where(c <= 50, 1.0, c - 50)
    r = roller_paver_sync(t, pe, pn, rt, re_, rn, limit_m=15.0, limit_s=300.0)
    assert np.allclose(r["distance_behind_m"], 20.0)
    assert np.allclose(r["time_gap_s"], 400.0)  # 20 m at 0.05 m/s
    assert np.allclose(r["offset_m"], 1.0)
    sm = r["summary"]
    assert sm["distance_behind_m"]["median"] == 20.0 and sm["pct_beyond_limit_m"] == 100.0
    assert sm["time_gap_s"]["p95"] == 400.0 and sm["pct_beyond_limit_s"] == 100.0


def test_thickness_stats():
    r = thickness_stats([40, 42, 38, 45, np.nan], design_mm=40, tolerance_mm=2)
    assert r["count"] == 4 and r["mean"] == 41.25 and r["min"] == 38 and r["max"] == 45
    assert r["pct_within"] == 75.0
    assert r["std"] == pytest.approx(float(np.std([40, 42, 38, 45])), abs=1e-3)
    assert thickness_stats([], design_mm=40, tolerance_mm=2)["count"] == 0
