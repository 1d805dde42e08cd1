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
    # The jitter-free path keeps a point every 0.5 m: it cuts the right-angle corner by a few
    # centimetres (up to 15 cm less path for the roller behind the corner while the paver is
    # past it).
    assert np.allclose(r["distance_behind_m"], 20.0, atol=0.15)
    assert np.allclose(r["time_gap_s"], 400.0, atol=3.0)  # 20 m at 0.05 m/s
    assert np.allclose(r["offset_m"], 1.0)
    sm = r["summary"]
    assert sm["distance_behind_m"]["median"] == pytest.approx(20.0, abs=0.15)
    assert sm["pct_beyond_limit_m"] == 100.0
    assert sm["time_gap_s"]["p95"] == pytest.approx(400.0, abs=3.0)
    assert sm["pct_beyond_limit_s"] == 100.0


def test_thickness_stats():
    r = thickness_stats([40, 42, 38, 45, np.nan], design_mm=40, tolerance_mm=2)
    assert r["count"] == 4 and r["mean"] == 41.25 and r["min"] == 38 and r["max"] == 45
    assert r["pct_within"] == 75.0
    assert r["std"] == pytest.approx(float(np.std([40, 42, 38, 45])), abs=1e-3)
    assert thickness_stats([], design_mm=40, tolerance_mm=2)["count"] == 0


# --------------------------------------------------------------------------------------------
# Against the simulator's truth under RTK noise (a paver stop of 5 minutes included).


@pytest.mark.parametrize(("rate", "noise"), [(1.0, 0.0), (1.0, 0.03), (5.0, 0.015), (5.0, 0.03)])
def test_sync_against_the_simulator_truth_under_noise(rate, noise):
    from datetime import UTC, datetime

    from zhiyang.network.linref import transformers
    from zhiyang.telemetry import truth
    from zhiyang.telemetry.simulator import Shift, ShiftConfig

    shift = Shift(
        ShiftConfig(
            coords=[[113.60, 40.100], [113.62, 40.105], [113.65, 40.110], [113.70, 40.120]],
            route_start_m=320_000.0,
            route_end_m=332_000.0,
            from_m=326_000.0,
            to_m=329_000.0,
            start=datetime(2026, 11, 27, 1, 0, tzinfo=UTC),
            duration_s=1200.0,
            rate_hz=rate,
            gnss_noise_m=noise,
            faults=frozenset({"paver_stop"}),
            seed=2026,
        )
    )
    forward, _ = transformers(shift.epsg)

    def en(device):
        ms = shift.messages(device)
        e, n = forward.transform([m["lon"] for m in ms], [m["lat"] for m in ms])
        return np.asarray(e), np.asarray(n)

    pe, pn = en("SIM-PV-01")
    for device in ("SIM-SR-01", "SIM-SR-02"):
        re_, rn = en(device)
        r = roller_paver_sync(shift.times, pe, pn, shift.times, re_, rn)
        rc, _offset = truth.roller_chainage(shift, device)
        on = rc >= shift.config.from_m + 1.0  # on the day's paver path
        behind = (shift.paver_chainage(shift.times) - rc)[on] * shift.metres_per_chainage_m
        gap = (shift.times - shift.paved_at(rc))[on]
        eb, eg = r["distance_behind_m"][on], r["time_gap_s"][on]
        assert abs(np.median(eb) - np.median(behind)) <= 0.5
        assert abs(np.percentile(eb, 95) - np.percentile(behind, 95)) <= 1.0
        assert abs(np.median(eg) - np.median(gap)) <= 10.0
        assert abs(np.percentile(eg, 95) - np.percentile(gap, 95)) <= 20.0
