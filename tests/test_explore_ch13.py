"""Chapter 13 exploration: the bond dimension and the coupling against the TRG error."""

import numpy as np
import pytest

from helpers.explorations.ch13 import tensor_network_explorer


@pytest.fixture(scope="module")
def ex():
    return tensor_network_explorer(chis=(2, 4), n_steps=14)


def test_error_grows_towards_Kc_and_falls_with_chi(ex):
    far = ex.update(K=0.38, chi=4)
    near = ex.update(K=0.44, chi=4)
    assert near["error"] > far["error"]
    assert near["largest discarded weight"] > far["largest discarded weight"]
    assert near["steps that discard weight"] > far["steps that discard weight"]   # the flow settles later
    coarse = ex.update(K=0.42, chi=2)
    fine = ex.update(K=0.42, chi=4)
    assert fine["error"] < coarse["error"]
    assert abs(fine["ln Z/N (TRG)"] - fine["ln Z/N (exact)"]) == pytest.approx(fine["error"])


def test_the_live_widget_and_the_stand_in(ex):
    box = ex.widget()
    assert box.children
    before = ex.readouts["error"]
    ex.control_widgets["chi"].value = 2
    assert ex.values["chi"] == 2 and ex.readouts["error"] != before
    ex.control_widgets["K"].value = 0.40
    assert ex.values["K"] == pytest.approx(0.40)
    fig = ex.stand_in([{"K": 0.40, "chi": 4}, {"K": 0.44, "chi": 4}])
    assert fig.get_figwidth() <= 7.0
    ex.update(K=0.41, chi=4)
    ex.update(K=0.43, chi=4)
    assert np.median(ex.timings[-2:]) < 2.0   # compiled: generous bound, about 0.15 s measured
    with pytest.raises(ValueError):
        ex.update(K=0.6)
