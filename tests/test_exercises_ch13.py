"""Chapter 13 checkers, beyond the standard's common test: the library value that the prompt
names (Onsager's energy) is not accepted for the TRG energy, and a frozen eigenvector gives a
wrong susceptibility."""

import numpy as np

from helpers.exercises import check
from helpers.exercises.ch13 import MPS_CASES


def test_energy_forward_rejects_onsagers_value():
    from helpers.trg import onsager_energy

    v = check("ch13.energy-forward", onsager_energy(0.3))
    assert v.status == "wrong"


def test_susceptibility_rejects_the_frozen_eigenvector():
    assert check("ch13.susceptibility", 0.0).status == "wrong"


def test_transfer_matrix_cases_are_not_symmetric():
    for A in MPS_CASES:
        E = np.einsum("asb,csd->acbd", A, A).reshape(A.shape[0] ** 2, -1)
        assert not np.allclose(E, E.T)            # a transposed answer is caught
    transposed = lambda A: np.einsum("asb,csd->acbd", A, A).reshape(A.shape[0] ** 2, -1).T  # noqa: E731
    assert check("ch13.transfer-matrix", transposed).status == "wrong"
