"""ciclo: an embedded customer-lifecycle engine (Python binding of the C ABI).

>>> import ciclo
>>> with ciclo.Engine() as engine:
...     engine.apply_json({"customer": "c1", "at": "2026-01-01T00:00:00Z", "kind": "visit"})["stage"]
'awareness'

The library is found through ``$CICLO_LIB`` (a path to ``libciclo.so``), next to
this package, or the system loader. Failed calls raise :class:`CicloError`
with the status and the library's message, read inside the call (right even
when many threads fail at once).
"""

from .engine import ChangeCallback, Engine, Event, EventKind, Outcome
from .errors import CicloError, Status
from .functions import (
    Model,
    abi_version,
    dedup,
    id_normalize,
    models_fit,
    models_predict,
    phone_normalize,
    record_blocking_keys,
    record_standardize,
    records_score,
    status_name,
    version,
)

__all__ = [
    "ChangeCallback",
    "CicloError",
    "Engine",
    "Event",
    "EventKind",
    "Model",
    "Outcome",
    "Status",
    "abi_version",
    "dedup",
    "id_normalize",
    "models_fit",
    "models_predict",
    "phone_normalize",
    "record_blocking_keys",
    "record_standardize",
    "records_score",
    "status_name",
    "version",
]
