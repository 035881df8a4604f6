r"""Chapter 1 exploration: the loop program → loss → gradient → update, and its learning rate.

The program is a quadratic valley in two parameters, :math:`\mathcal L(\theta) = \tfrac12
\theta^\top H\theta` with the curvatures :math:`1` and :math:`\kappa` along axes rotated by 30°.
Gradient descent :math:`\theta \leftarrow \theta - \eta\nabla\mathcal L` multiplies the component
along the curvature :math:`a` by :math:`1 - \eta a` per step, so it converges when
:math:`|1 - \eta a| < 1` for both curvatures, i.e. for :math:`\eta < 2/\kappa`. Which rate is
fastest is left to the reader (an exercise of chapter 1 asks it); the readout shows the
slowest factor.
"""

from __future__ import annotations

import numpy as np

from helpers.explore import Explorer, IntSlider, LogSlider, Slider

__all__ = ["valley", "descend", "learning_rate_explorer"]

THETA0 = np.array([-1.6, 1.2])
ANGLE = np.pi / 6


def valley(kappa: float) -> np.ndarray:
    """The Hessian H of the valley: curvatures 1 and kappa along axes rotated by 30°."""
    c, s = np.cos(ANGLE), np.sin(ANGLE)
    R = np.array([[c, -s], [s, c]])
    return R @ np.diag([1.0, kappa]) @ R.T


def descend(eta: float, kappa: float, steps: int, theta0: np.ndarray = THETA0) -> tuple[np.ndarray, np.ndarray]:
    """The path of gradient descent (steps + 1 points) and the loss along it."""
    H = valley(kappa)
    path = [np.asarray(theta0, dtype=float)]
    for _ in range(steps):
        theta = path[-1]
        path.append(theta - eta * (H @ theta))         # the gradient of θᵀHθ/2 is Hθ
        if not np.all(np.isfinite(path[-1])) or np.abs(path[-1]).max() > 1e150:
            break
    path = np.array(path)
    return path, 0.5 * np.einsum("ki,ij,kj->k", path, H, path)


def learning_rate_explorer(eta: float = 0.1, kappa: float = 5.0, steps: int = 30) -> Explorer:
    """Left: the loss contours and the path of gradient descent. Right: the loss against the
    step (log scale; exact zeros and overflow are not drawn). Readouts: the final loss and the
    factor max |1 - ηa| by which the slowest component shrinks (or grows) per step."""
    g = np.linspace(-2.2, 2.2, 121)
    X, Y = np.meshgrid(g, g)

    def draw(axes, eta, kappa, steps):
        ax, bx = axes[0, 0], axes[0, 1]
        H = valley(kappa)
        Z = 0.5 * (H[0, 0] * X**2 + 2 * H[0, 1] * X * Y + H[1, 1] * Y**2)
        ax.contour(X, Y, Z, levels=np.geomspace(0.01, 20, 12), colors="0.75", linewidths=0.8)
        path, loss = descend(eta, kappa, steps)
        shown = np.all(np.abs(path) < 50, axis=1)
        ax.plot(*path[shown].T, "o-", color="#D55E00", ms=3, lw=1.2, label="gradient descent")
        ax.plot(0, 0, "*", color="#009E73", ms=12, label="minimum")
        ax.set_xlim(-2.2, 2.2)
        ax.set_ylim(-2.2, 2.2)
        ax.set_aspect("equal")
        ax.set_xlabel(r"parameter $\theta_1$")
        ax.set_ylabel(r"parameter $\theta_2$")
        ok = (loss > 0) & np.isfinite(loss)
        bx.semilogy(np.arange(loss.size)[ok], loss[ok], "o-", color="#0072B2", ms=3)
        bx.set_xlabel("step")
        bx.set_ylabel("loss")
        bx.set_xlim(0, steps)
        factor = float(np.max(np.abs(1 - eta * np.array([1.0, kappa]))))
        return {"final loss": float(loss[-1]), "slowest factor per step": factor}

    controls = {"eta": LogSlider(0.01, 1.0, eta, label="learning rate η"),
                "kappa": Slider(1.0, 20.0, kappa, step=0.5, label="curvature ratio κ"),
                "steps": IntSlider(5, 60, steps, label="steps")}
    title = lambda v: f"η = {v['eta']:.3g}, κ = {v['kappa']:g}"                      # noqa: E731
    return Explorer(controls, draw, layout=(1, 2), figsize=(7.0, 3.3), title=title)
