"""Deterioration models (zhiyang.analytics.deterioration): golden values of the standard
decay equation worked by hand, the value/age round trip, prediction conventions, least-squares
calibration on synthetic noisy data, the Markov family, and the TOML defaults."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhiyang.analytics.deterioration import (
    DeteriorationError,
    DeteriorationModel,
    MarkovChain,
    StandardDecay,
    default_decay,
    default_parameters,
    default_table,
    fit_standard_decay,
)


def test_golden_values() -> None:
    m = StandardDecay(alpha=10.0, beta=1.0)
    # y = alpha: 100 * (1 - e^-1) = 63.212055882855766
    assert m.value(10.0) == pytest.approx(63.212055882855766, abs=1e-12)
    # y = 5: (10/5)^1 = 2 -> 100 * (1 - e^-2) = 86.46647167633873
    assert m.value(5.0) == pytest.approx(86.46647167633873, abs=1e-12)
    m2 = StandardDecay(alpha=12.0, beta=0.75, ppi0=95.0)
    # y = 3: 4^0.75 = 2.8284271247 -> 95 * (1 - e^-2.8284271247) = 95 * 0.940894... = 89.3849...
    expected = 95.0 * (1.0 - math.exp(-(4.0**0.75)))
    assert m2.value(3.0) == pytest.approx(expected, abs=1e-12)
    assert m2.value(3.0) == pytest.approx(89.385, abs=1e-3)


def test_limits_and_nan() -> None:
    m = StandardDecay(15.0, 0.8)
    v = m.value([0.0, -1.0, 1e12, math.nan])
    assert v[0] == 100.0 and v[1] == 100.0
    assert v[2] == pytest.approx(0.0, abs=1e-6)
    assert math.isnan(v[3])
    a = m.age_at([100.0, 120.0, 0.0, -5.0, math.nan])
    assert a[0] == 0.0 and a[1] == 0.0
    assert math.isinf(a[2]) and math.isinf(a[3])
    assert math.isnan(a[4])


def test_monotone_decreasing() -> None:
    m = default_decay("asphalt", "class1", "pci")
    v = m.value(np.linspace(0, 40, 401))
    assert np.all(np.diff(v) <= 1e-12)


@settings(max_examples=200, deadline=None)
@given(
    alpha=st.floats(1.0, 60.0),
    beta=st.floats(0.2, 3.0),
    age=st.floats(0.05, 40.0),
)
def test_round_trip_value_age(alpha: float, beta: float, age: float) -> None:
    m = StandardDecay(alpha, beta)
    v = float(m.value(age))
    if 1e-9 < v < 100.0 - 1e-9:  # the curve is numerically flat at its ends
        assert float(m.age_at(v)) == pytest.approx(age, rel=1e-6)
        assert float(m.value(m.age_at(v))) == pytest.approx(v, abs=1e-9)


def test_predict_shape_and_conventions() -> None:
    m = StandardDecay(12.0, 0.75)
    now = np.array([95.0, 80.0, 60.0])
    out = m.predict(now, np.arange(4))
    assert out.shape == (3, 4)
    np.testing.assert_allclose(out[:, 0], now)
    assert np.all(np.diff(out, axis=1) < 0)
    # Equivalent age: predicting 2 years ahead = value at age_at(index) + 2.
    assert out[1, 2] == pytest.approx(float(m.value(m.age_at(80.0) + 2)))
    # With a known age the unit keeps its ratio to the curve.
    known = m.predict(np.array([70.0]), np.array([0.0, 3.0]), np.array([5.0]))
    assert known[0, 0] == pytest.approx(70.0)
    assert known[0, 1] == pytest.approx(70.0 * float(m.value(8.0) / m.value(5.0)))
    assert isinstance(m, DeteriorationModel)
    with pytest.raises(DeteriorationError):
        m.predict(now, [-1])
    scalar = m.predict(80.0, 1)
    assert scalar.shape == ()


def test_invalid_parameters() -> None:
    for bad in ((0.0, 1.0), (10.0, -1.0), (math.nan, 1.0)):
        with pytest.raises(DeteriorationError):
            StandardDecay(*bad)


def test_fit_recovers_parameters_from_noisy_data() -> None:
    rng = np.random.default_rng(42)
    true = StandardDecay(14.0, 0.9)
    ages = np.repeat(np.arange(1.0, 16.0), 20)
    values = true.value(ages) + rng.normal(0.0, 1.5, ages.size)
    fit = fit_standard_decay(ages, values)
    assert fit.alpha == pytest.approx(14.0, rel=0.05)
    assert fit.beta == pytest.approx(0.9, rel=0.08)
    assert fit.n == ages.size
    assert fit.r2 > 0.9
    assert fit.rmse == pytest.approx(1.5, rel=0.15)
    assert isinstance(fit.model, StandardDecay)


def test_fit_exact_data_and_bad_input() -> None:
    true = StandardDecay(8.0, 1.4)
    ages = np.arange(0.5, 12.0, 0.5)
    fit = fit_standard_decay(np.append(ages, math.nan), np.append(true.value(ages), 50.0))
    assert fit.alpha == pytest.approx(8.0, rel=1e-4)
    assert fit.beta == pytest.approx(1.4, rel=1e-4)
    assert fit.r2 == pytest.approx(1.0, abs=1e-8)
    with pytest.raises(DeteriorationError):
        fit_standard_decay([1.0, 2.0], [90.0, 80.0])
    with pytest.raises(DeteriorationError):
        fit_standard_decay([1.0, 2.0, 3.0], [90.0, 80.0])


def test_markov_chain() -> None:
    p = (
        (0.7, 0.3, 0.0, 0.0, 0.0),
        (0.0, 0.7, 0.3, 0.0, 0.0),
        (0.0, 0.0, 0.7, 0.3, 0.0),
        (0.0, 0.0, 0.0, 0.7, 0.3),
        (0.0, 0.0, 0.0, 0.0, 1.0),
    )
    mc = MarkovChain(p)
    np.testing.assert_allclose(mc.values, [95.0, 85.0, 75.0, 65.0, 30.0])
    out = mc.predict(np.array([95.0, 50.0]), np.array([0, 1, 2]))
    # From 优 (95): after 1 year 0.7*95 + 0.3*85 = 92; after 2: 0.49*95 + 0.42*85 + 0.09*75 = 89.
    np.testing.assert_allclose(out[0], [95.0, 92.0, 89.0])
    np.testing.assert_allclose(out[1], [50.0, 30.0, 30.0])
    assert list(mc.state_of([100.0, 90.0, 89.9, 60.0, 59.9, 0.0])) == [0, 0, 1, 3, 4, 4]
    assert isinstance(mc, DeteriorationModel)
    with pytest.raises(DeteriorationError):
        MarkovChain(((1.0, 0.0), (0.5, 0.5)))
    with pytest.raises(DeteriorationError):
        mc.predict([90.0], [0.5])


def test_defaults_from_toml() -> None:
    table = default_table()
    for pavement in ("asphalt", "concrete"):
        for group in ("high", "low"):
            for index in ("pqi", "pci", "rqi"):
                row = table[(pavement, group, index)]
                assert row.alpha > 0 and row.beta > 0
                assert row.source
                assert isinstance(row.confirmed, bool)
    assert ("asphalt", "high", "rdi") in table
    row = default_parameters("asphalt", "expressway", "PQI")
    assert default_decay("asphalt", "class1", "pqi") == StandardDecay(row.alpha, row.beta, row.ppi0)
    # Low classes decay faster than high classes.
    assert default_decay("asphalt", "class3").value(8) < default_decay(
        "asphalt", "expressway"
    ).value(8)
    with pytest.raises(DeteriorationError):
        default_decay("gravel", "class1")
    with pytest.raises(DeteriorationError):
        default_decay("asphalt", "class9")
    with pytest.raises(DeteriorationError):
        default_decay("concrete", "class1", "rdi")
