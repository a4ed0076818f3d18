"""Functions without an engine: standardisation, batch deduplication, scoring,
customer-base models, and the stateless lifecycle model."""

from __future__ import annotations

import ctypes
import json
import weakref
from typing import Any, Callable, Dict, List, Optional, Tuple, Union, cast

from . import _native
from ._native import Json, call_json, call_string, check, error, json_text, lib, take_string, text

Text = Union[str, bytes]


def version() -> str:
    """The library's version, ``"0.1.0"``."""
    return str(lib.ciclo_version().decode("ascii"))


def abi_version() -> int:
    """The ABI version of the loaded library (``CICLO_ABI_VERSION``)."""
    return int(lib.ciclo_abi_version())


def status_name(status: int) -> str:
    """The C name of a status code, ``"CICLO_STATUS_NOT_FOUND"``."""
    return str(lib.ciclo_status_name(status).decode("ascii"))


def phone_normalize(number: Text, default_region: Optional[Text] = None) -> str:
    """A phone number in E.164 (``+5491123456789``); `default_region` (``"AR"``,
    ``"ES"``, ...) for national numbers, None for numbers starting with ``+``."""
    return call_string(lib.ciclo_phone_normalize, text(number), text(default_region))


def id_normalize(kind: Text, value: Text) -> str:
    """The canonical form of a national identifier of `kind` (``"ar_cuit"``,
    ``"ar_dni"``, ``"es_dni"``, ``"es_nie"``, ``"es_nif"``, ``"es_cif"``)."""
    return call_string(lib.ciclo_id_normalize, text(kind), text(value))


def record_standardize(record: Json, options: Optional[Json] = None) -> Dict[str, Any]:
    """A record standardised and validated: ``{"record", "country", "valid",
    "findings", "parsed"}`` (``ciclo_record_standardize_json``)."""
    return call_json(lib.ciclo_record_standardize_json, json_text(record), json_text(options))


def record_blocking_keys(record: Json, options: Optional[Json] = None) -> Dict[str, Any]:
    """A record's blocking keys (``ciclo_record_blocking_keys_json``)."""
    return call_json(lib.ciclo_record_blocking_keys_json, json_text(record), json_text(options))


def records_score(a: Json, b: Json, options: Optional[Json] = None) -> Dict[str, Any]:
    """A pair of records scored (``ciclo_records_score_json``)."""
    return call_json(lib.ciclo_records_score_json, json_text(a), json_text(b), json_text(options))


ProgressFn = Callable[[str, int, int], None]


def dedup(
    records_jsonl: Text,
    options: Optional[Json] = None,
    progress: Optional[ProgressFn] = None,
) -> Dict[str, Any]:
    """Deduplicates records given as JSON lines, without an engine
    (``ciclo_dedup_json``). `progress(step, done, total)` is called on this
    thread as the work goes; an exception it raises is raised again once the
    call returns."""
    failure: List[BaseException] = []

    def trampoline(_user: Any, step: Optional[bytes], done: int, total: int) -> None:
        if failure or progress is None:
            return
        try:
            progress((step or b"").decode("utf-8"), done, total)
        except BaseException as e:  # never let it unwind into C
            failure.append(e)

    callback = _native.PROGRESS_FN(trampoline) if progress is not None else _native.PROGRESS_FN(0)
    result = call_json(lib.ciclo_dedup_json, text(records_jsonl), json_text(options), callback, None)
    if failure:
        raise failure[0]
    return result


def models_fit(population: Json, options: Optional[Json] = None) -> Dict[str, Any]:
    """BG/NBD and Gamma-Gamma fitted to a population (``ciclo_models_fit_json``)."""
    return call_json(lib.ciclo_models_fit_json, json_text(population), json_text(options))


def models_predict(models: Json, population: Json, options: Optional[Json] = None) -> Dict[str, Any]:
    """Predictions from fitted models (``ciclo_models_predict_json``)."""
    return call_json(
        lib.ciclo_models_predict_json, json_text(models), json_text(population), json_text(options)
    )


def _two_strings(fn: Callable[..., int], *args: Any) -> Tuple[str, str]:
    first, second = ctypes.c_void_p(), ctypes.c_void_p()
    status = fn(*args, ctypes.byref(first), ctypes.byref(second))
    if status != 0:
        raise error(status)
    try:
        state = take_string(first.value)
    finally:
        other = take_string(second.value)
    return state, other


class Model:
    """A compiled stage model for the stateless path: the host keeps each
    customer's state (a JSON text) in its own storage. Thread-safe. Release it
    with :meth:`close` or a ``with`` block (or let the garbage collector)."""

    def __init__(self, config: Optional[Json] = None) -> None:
        out = ctypes.c_void_p()
        check(lib.ciclo_model_new(json_text(config), ctypes.byref(out)))
        self._handle: Optional[int] = out.value
        self._finalizer = weakref.finalize(self, lib.ciclo_model_free, out.value)

    def close(self) -> None:
        """Releases the model; later calls raise ValueError."""
        self._finalizer()
        self._handle = None

    def __enter__(self) -> "Model":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _h(self) -> int:
        if self._handle is None:
            raise ValueError("the model is closed")
        return self._handle

    def step(self, state: Optional[str], event: Json) -> Tuple[str, Dict[str, Any]]:
        """The state after one event (`state` None for a new customer) and the
        outcome, parsed."""
        new_state, outcome = _two_strings(lib.ciclo_model_step_json, self._h(), text(state), json_text(event))
        return new_state, cast(Dict[str, Any], json.loads(outcome))

    def tick(self, state: str, now_ms: int) -> Tuple[str, Dict[str, Any]]:
        """The state after the time-driven rules at `now_ms`, and the tick report."""
        new_state, report = _two_strings(lib.ciclo_model_tick_json, self._h(), text(state), now_ms)
        return new_state, cast(Dict[str, Any], json.loads(report))
