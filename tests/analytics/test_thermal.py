"""Thermal profile (AASHTO PP 80 / Tex-244-F): hand-computed sublots, trims and stops."""

from __future__ import annotations

import numpy as np
import pytest

from zhiyang.analytics.thermal import classify, paver_stops, thermal_grid, thermal_profile


def mat(length=100.0, width=4.0, step=0.25, temp=None):
    d, o = np.meshgrid(
        np.arange(0, length + 1e-9, step), np.arange(0, width + 1e-9, 0.25), indexing="ij"
    )
    d, o = d.ravel(), o.ravel()
    t = np.full(d.size, 150.0) if temp is None else temp(d, o)
    return d, o, t


def test_classes_at_exact_thresholds():
    assert classify(25 * 5 / 9) == "none"
    assert classify(25 * 5 / 9 + 1e-9) == "moderate"
    assert classify(50 * 5 / 9) == "moderate"
    assert classify(50 * 5 / 9 + 1e-9) == "severe"


def test_sublots_and_partial_rule():
    # 100 m of mat: sublots [0, 45.72), [45.72, 91.44), [91.44, 100] -> the last is 8.56 m,
    # less than half a sublot: reported partial, not counted.
    d, o, t = mat()
    r = thermal_profile(d, o, t)
    assert [s["start_m"] for s in r["sublots"]] == [0.0, 45.72, 91.44]
    assert r["sublots"][-1]["partial"] and not r["sublots"][-1]["counted"]
    assert r["sublots_counted"] == 2
    assert r["pct_by_class"] == {"none": 100.0, "moderate": 0.0, "severe": 0.0}
    # 70 m: the partial last sublot is 24.28 m >= 22.86 m, counted.
    d, o, t = mat(length=70.0)
    r = thermal_profile(d, o, t)
    assert r["sublots"][-1]["partial"] and r["sublots"][-1]["counted"]


def test_differential_percentiles_and_edge_trim():
    # Edges 0.6096 m wide are 40 °C cooler: trimmed, so they do not count. Inside, the first
    # sublot has a cold streak at offset 2.0 m (one of 11 trimmed columns at 0.75 ... 3.25 m)
    # of 120 °C: 1/11 of the points; P1 = 120, P98.5 = 150 -> 30 °C: severe. The second has 140
    # -> 10 °C none.
    def temp(d, o):
        t = np.full(d.size, 150.0)
        t[(o < 0.6) | (o > 3.4)] = 110.0
        t[(o == 2.0) & (d < 45.72)] = 120.0
        t[(o == 2.0) & (d >= 45.72)] = 140.0
        return t

    d, o, t = mat(length=91.44, temp=temp)
    r = thermal_profile(d, o, t)
    diffs = [s["differential_c"] for s in r["sublots"]]
    assert diffs == [30.0, 10.0]
    assert [s["class"] for s in r["sublots"]] == ["severe", "none"]
    assert r["pct_by_class"] == {"none": 50.0, "moderate": 0.0, "severe": 50.0}
    # Without trimming, the cold edges dominate.
    r = thermal_profile(d, o, t, edge_trim_m=0.0)
    assert r["sublots"][1]["differential_c"] == 40.0


def test_numpy_linear_percentile_on_small_sample():
    # 5 points 100..140: P1 = 100 + 0.04*10 = 100.4, P98.5 = 130 + 0.94*10 = 139.4 -> 39.0.
    r = thermal_profile(
        [0, 1, 2, 3, 4], [0, 0, 0, 0, 0], [100, 110, 120, 130, 140], edge_trim_m=0.0
    )
    assert r["sublots"][0]["differential_c"] == pytest.approx(39.0)


def test_paver_stop_removed():
    # The paver stands still at 30 m for 300 s (> 60 s): points from 29.3904 to 32.4384 m are
    # dropped -- the cold band at 30-32 m left by the stop disappears.
    d, o, t = mat(length=45.72)
    time = d * 10.0  # 0.1 m/s
    time = np.where(d > 30.0, time + 300.0, time)
    t = np.where((d >= 30.0) & (d <= 32.0), 110.0, t)
    stops = paver_stops(np.r_[d, np.full(5, 30.0)], np.r_[time, 300.0 + np.arange(5) * 60.0])
    assert len(stops) == 1 and stops[0]["distance_m"] == 30.0
    dd = np.r_[d, np.full(5, 30.0)]
    r = thermal_profile(
        dd,
        np.r_[o, np.full(5, 2.0)],
        np.r_[t, np.full(5, 110.0)],
        np.r_[time, 300.0 + np.arange(5) * 60.0],
    )
    assert r["paver_stops"] and r["sublots"][0]["differential_c"] == 0.0
    r = thermal_profile(d, o, t)  # without time: stop not detected, segregation seen
    assert r["sublots"][0]["class"] == "severe"


def test_tsi_and_grid():
    d, o, t = mat(length=45.72)
    r = thermal_profile(d, o, t, tsi=True)
    assert r["sublots"][0]["tsi_c"] == 0.0 and "provisional" in r["tsi_definition"]
    g = thermal_grid([0.0, 0.1, 0.5], [0.0, 0.2, 0.4], [100.0, 110.0, 130.0])
    assert g.temp_c.shape == (2, 2)
    assert g.temp_c[0, 0] == 105.0 and g.temp_c[1, 1] == 130.0 and np.isnan(g.temp_c[0, 1])


def test_bad_input():
    with pytest.raises(ValueError):
        thermal_profile([], [], [])
    with pytest.raises(ValueError, match="NaN"):
        thermal_profile([0, 1], [0, 1], [np.nan, 1])
