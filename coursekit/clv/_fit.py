"""Maximum likelihood on log-parameters with scipy's L-BFGS-B, and a convergence check."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence

import numpy as np
from scipy.optimize import minimize

from coursekit._errors import CoursekitWarning, DataError, whole

__all__ = ["LOG_BOUND", "compress", "maximise", "positive_params"]

#: every parameter is kept in [1e-8, 1e8] (log-parameters in [-LOG_BOUND, LOG_BOUND])
LOG_BOUND = math.log(1e8)
#: largest |gradient| of the mean log-likelihood (per log-parameter) accepted as converged
GRADIENT_TOL = 1e-6
#: on a ridge to an extreme value, the slope left along it that still counts as "the edge"
RIDGE_TOL = 1e-3
#: range of plausible values of a parameter that does not depend on the unit of time or money
EXTREME = (1e-4, 1e4)
EXTREME_HINTS = {
    "BG/NBD": " (a tiny a or huge b: hardly anyone seems to drop out; huge r and alpha: all customers "
              "buy at the same rate)",
    "Gamma-Gamma": " (huge p and q: spend per purchase hardly varies)",
}


def compress(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct rows of the given equal-length float columns and how often each occurs.

    Customers with identical data contribute identical log-likelihood terms, so the optimiser
    evaluates each distinct row once, weighted by its count.
    """
    order = np.lexsort(columns[::-1])
    ordered = [c[order] for c in columns]
    new = np.ones(len(order), dtype=bool)
    if len(order) > 1:
        new[1:] = np.logical_or.reduce([c[1:] != c[:-1] for c in ordered])
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, len(order))).astype(np.float64)
    return [c[starts] for c in ordered], counts


def maximise(objective: Callable[[np.ndarray], tuple[float, np.ndarray]], start: Sequence[float], *,
             names: Sequence[str], model: str, n: int, max_iterations: int,
             scale_free: Sequence[str] = ()) -> tuple[dict, float, int]:
    """Maximise a mean log-likelihood over log-parameters; return (params, mean LL, iterations).

    ``objective(log_params)`` returns the *negative mean* log-likelihood and its gradient with
    respect to the log-parameters. The search runs until the relative change of the objective is
    at machine precision. The fit counts as converged when every component of the gradient is
    below ``GRADIENT_TOL`` in absolute value (at a bound, only the component pointing inwards
    counts); otherwise :class:`DataError`. A parameter that ends at a bound, or a ``scale_free``
    parameter (one that does not depend on the time or money unit) outside [1e-4, 1e4], gives a
    :class:`~coursekit.CoursekitWarning`: the likelihood keeps rising towards the edge, so the data
    cannot pin the parameter down.
    """
    whole(max_iterations, "max_iterations", 1)
    start = np.clip(np.log(np.asarray(start, dtype=np.float64)), -LOG_BOUND + 1, LOG_BOUND - 1)

    def safe(theta):
        with np.errstate(all="ignore"):
            value, grad = objective(theta)
        if not (np.isfinite(value) and np.all(np.isfinite(grad))):
            return np.inf, np.zeros_like(theta)
        return value, grad

    result = minimize(safe, start, jac=True, method="L-BFGS-B",
                      bounds=[(-LOG_BOUND, LOG_BOUND)] * len(start),
                      options={"maxiter": int(max_iterations), "ftol": 1e-15, "gtol": 1e-12})
    theta = result.x
    value, grad = safe(theta)
    at_low = theta <= -LOG_BOUND + 1e-9
    at_high = theta >= LOG_BOUND - 1e-9
    inward = np.where(at_low, np.minimum(grad, 0), np.where(at_high, np.maximum(grad, 0), grad))
    params = {name: float(math.exp(t)) for name, t in zip(names, theta)}
    shown = ", ".join(f"{k}={v:.6g}" for k, v in params.items())
    # On a ridge running off to infinity (e.g. a and b growing together: everyone drops out at the
    # same rate) the optimiser stops with a tiny, not zero, slope along the ridge. When a
    # scale-free parameter is already outside the plausible range and the slope left is below
    # RIDGE_TOL, report the extreme value (warning below) rather than non-convergence.
    steep = np.abs(inward) > GRADIENT_TOL
    extreme = [name for name in scale_free if not EXTREME[0] <= params[name] <= EXTREME[1]]
    on_ridge = bool(steep.any()) and bool(extreme) and float(np.max(np.abs(inward))) < RIDGE_TOL
    if not np.isfinite(value) or (steep.any() and not on_ridge):
        raise DataError(
            f"the {model} fit did not converge after {result.nit} iteration(s) ({result.message}); "
            f"last values {shown}, largest gradient {np.max(np.abs(inward)):.2g} on {n} customers. "
            f"Check the data (enough customers and repeat purchases? a sensible time unit?) or allow "
            f"more iterations with max_iterations=..."
        )
    hit = [name for name, lo, hi in zip(names, at_low, at_high)
           if lo or hi or (name in scale_free and not EXTREME[0] <= params[name] <= EXTREME[1])]
    if hit:
        warnings.warn(
            f"the {model} fit drove {', '.join(hit)} to an extreme value ({shown}): the likelihood "
            f"keeps rising towards the edge, so the data ({n} customers) cannot pin "
            f"{'it' if len(hit) == 1 else 'them'} down{EXTREME_HINTS.get(model, '')}. Treat the "
            f"parameters with care.",
            CoursekitWarning, stacklevel=3,
        )
    return params, -float(value), int(result.nit)


def positive_params(params, names: Sequence[str], model: str) -> dict[str, float]:
    """``params`` as a dict of the ``names``, each a finite number > 0, or DataError."""
    if not hasattr(params, "keys"):
        raise DataError(f"{model} params must be a dict with keys {list(names)}, got {params!r}")
    missing = [n for n in names if n not in params]
    extra = [k for k in params if k not in names]
    if missing or extra:
        raise DataError(f"{model} params must have exactly the keys {list(names)}; "
                        f"missing {missing}, unexpected {extra}")
    out = {}
    for name in names:
        value = params[name]
        if (isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating))
                or not math.isfinite(float(value)) or value <= 0):
            raise DataError(f"{model} parameter {name} must be a finite number > 0, got {value!r}")
        out[name] = float(value)
    return out
