"""Loading libciclo and calling it: signatures and the common call helpers.

Every call goes through :func:`check`, :func:`call_string` or
:func:`call_json`, which read the status and, on failure, the per-thread
message inside one stretch of Python code with nothing that can yield in
between (see ``bindings/README.md``, "Errors that survive async hosts").
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union, cast

from .errors import CicloError

#: A JSON argument: text passed as it is, or a value serialised with ``json.dumps``.
Json = Union[str, bytes, Mapping[str, Any], List[Any]]

_STATUS = ctypes.c_int32
_P = ctypes.c_void_p
_S = ctypes.c_char_p
_OUT = ctypes.POINTER(ctypes.c_void_p)
_I64 = ctypes.c_int64
_U32 = ctypes.c_uint32
_SIZE = ctypes.c_size_t


class CEvent(ctypes.Structure):
    """``struct ciclo_event``."""

    _fields_ = [
        ("customer_id", ctypes.c_char_p),
        ("event_id", ctypes.c_char_p),
        ("at_ms", ctypes.c_int64),
        ("kind", ctypes.c_uint32),
        ("custom_kind", ctypes.c_char_p),
        ("amount_minor", ctypes.c_int64),
        ("currency", ctypes.c_char_p),
        ("category", ctypes.c_char_p),
        ("reason", ctypes.c_char_p),
        ("score", ctypes.c_double),
        ("has_score", ctypes.c_uint8),
        ("quantity", ctypes.c_double),
        ("has_quantity", ctypes.c_uint8),
        ("attributes", ctypes.c_void_p),
        ("attribute_count", ctypes.c_size_t),
    ]


class COutcome(ctypes.Structure):
    """``struct ciclo_outcome``."""

    _fields_ = [
        ("applied", ctypes.c_uint32),
        ("created", ctypes.c_uint8),
        ("transitioned", ctypes.c_uint8),
        ("from_stage", ctypes.c_int32),
        ("stage", ctypes.c_int32),
        ("rule", ctypes.c_int32),
        ("at_ms", ctypes.c_int64),
    ]


PROGRESS_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_size_t)
#: ``ciclo_change_fn``: user data, first and last sequence numbers, the changes as JSON (borrowed).
CHANGE_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint64, ctypes.c_char_p)

# name: (restype, argtypes)
_SIGNATURES: Dict[str, Tuple[Any, List[Any]]] = {
    "ciclo_version": (_S, []),
    "ciclo_abi_version": (_U32, []),
    "ciclo_status_name": (_S, [_STATUS]),
    # Copied to bytes by ctypes as the call returns, before any Python code runs.
    "ciclo_last_error_message": (_S, []),
    "ciclo_string_free": (None, [_P]),
    "ciclo_bytes_free": (None, [_P, _SIZE]),
    # standardisation and the stateless paths
    "ciclo_phone_normalize": (_STATUS, [_S, _S, _OUT]),
    "ciclo_id_normalize": (_STATUS, [_S, _S, _OUT]),
    "ciclo_record_standardize_json": (_STATUS, [_S, _S, _OUT]),
    "ciclo_record_blocking_keys_json": (_STATUS, [_S, _S, _OUT]),
    "ciclo_records_score_json": (_STATUS, [_S, _S, _S, _OUT]),
    "ciclo_dedup_json": (_STATUS, [_S, _S, PROGRESS_FN, _P, _OUT]),
    "ciclo_models_fit_json": (_STATUS, [_S, _S, _OUT]),
    "ciclo_models_predict_json": (_STATUS, [_S, _S, _S, _OUT]),
    "ciclo_model_new": (_STATUS, [_S, _OUT]),
    "ciclo_model_free": (None, [_P]),
    "ciclo_model_step_json": (_STATUS, [_P, _S, _S, _OUT, _OUT]),
    "ciclo_model_tick_json": (_STATUS, [_P, _S, _I64, _OUT, _OUT]),
    # engine: lifecycle
    "ciclo_engine_new": (_STATUS, [_S, _OUT]),
    "ciclo_engine_free": (None, [_P]),
    "ciclo_engine_restore": (_STATUS, [_S, _SIZE, _OUT]),
    "ciclo_engine_snapshot": (_STATUS, [_P, _OUT, ctypes.POINTER(_SIZE)]),
    "ciclo_engine_apply_json": (_STATUS, [_P, _S, _OUT]),
    "ciclo_engine_apply": (_STATUS, [_P, ctypes.POINTER(CEvent), ctypes.POINTER(COutcome)]),
    "ciclo_engine_tick": (_STATUS, [_P, _I64, ctypes.POINTER(_SIZE), _OUT]),
    "ciclo_engine_customer_json": (_STATUS, [_P, _S, _OUT]),
    "ciclo_engine_customer_state_json": (_STATUS, [_P, _S, _OUT]),
    "ciclo_engine_import_customer": (_STATUS, [_P, _S, _S]),
    "ciclo_engine_remove_customer": (_STATUS, [_P, _S]),
    "ciclo_engine_customer_stage": (_STATUS, [_P, _S, ctypes.POINTER(_U32), ctypes.POINTER(_I64)]),
    "ciclo_engine_customer_count": (_STATUS, [_P, ctypes.POINTER(_SIZE)]),
    "ciclo_engine_stage_count": (_STATUS, [_P, ctypes.POINTER(_U32)]),
    "ciclo_engine_stage_name": (_STATUS, [_P, _U32, ctypes.POINTER(_S)]),
    "ciclo_engine_rule_name": (_STATUS, [_P, _U32, ctypes.POINTER(_S)]),
    "ciclo_engine_model_json": (_STATUS, [_P, _OUT]),
    "ciclo_engine_set_limits_json": (_STATUS, [_P, _S]),
    "ciclo_engine_limits_json": (_STATUS, [_P, _OUT]),
    # engine: consolidation
    "ciclo_engine_configure_consolidation": (_STATUS, [_P, _S]),
    "ciclo_engine_ingest_json": (_STATUS, [_P, _S, _OUT]),
    "ciclo_engine_golden_json": (_STATUS, [_P, _S, _OUT]),
    "ciclo_engine_golden_of": (_STATUS, [_P, _S, _S, _OUT]),
    "ciclo_engine_merge": (_STATUS, [_P, _S, _S, _OUT]),
    "ciclo_engine_unmerge": (_STATUS, [_P, _S, _S, _OUT]),
    "ciclo_engine_remove_source": (_STATUS, [_P, _S, _S, _OUT]),
    "ciclo_engine_reviews_json": (_STATUS, [_P, _OUT]),
    "ciclo_engine_list_customers_json": (_STATUS, [_P, _S, _U32, _OUT]),
    "ciclo_engine_list_golden_ids_json": (_STATUS, [_P, _S, _U32, _OUT]),
    "ciclo_engine_list_sources_json": (_STATUS, [_P, _S, _S, _U32, _OUT]),
    "ciclo_engine_list_reviews_json": (_STATUS, [_P, _S, _U32, _OUT]),
    "ciclo_engine_lead_score": (_STATUS, [_P, _S, _I64, ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_uint8)]),
    "ciclo_engine_stage_counts_json": (_STATUS, [_P, _OUT]),
    "ciclo_engine_dismiss_review": (_STATUS, [_P, _S, _S]),
    "ciclo_engine_link": (_STATUS, [_P, _S, _S, _S]),
    "ciclo_engine_unlink": (_STATUS, [_P, _S, _S, _S]),
    "ciclo_engine_hierarchy_json": (_STATUS, [_P, _S, _S, _OUT]),
    "ciclo_engine_roll_up_json": (_STATUS, [_P, _S, _S, _OUT]),
    "ciclo_engine_estimate_model_json": (_STATUS, [_P, _S, _OUT]),
    "ciclo_engine_set_match_model_json": (_STATUS, [_P, _S]),
    "ciclo_engine_match_model_json": (_STATUS, [_P, _OUT]),
    # engine: retention
    "ciclo_engine_set_retention_json": (_STATUS, [_P, _S]),
    "ciclo_engine_retention_json": (_STATUS, [_P, _OUT]),
    "ciclo_engine_evaluate_json": (_STATUS, [_P, _S, _I64, _OUT]),
    "ciclo_engine_signals_json": (_STATUS, [_P, _S, _I64, _OUT]),
    "ciclo_engine_churn_json": (_STATUS, [_P, _S, _I64, _OUT]),
    "ciclo_engine_fit_models_json": (_STATUS, [_P, _I64, _S, _OUT]),
    "ciclo_engine_win_back_json": (_STATUS, [_P, _I64, _SIZE, _OUT]),
    "ciclo_engine_record_win_back": (_STATUS, [_P, _S, _I64, ctypes.c_int32]),
    "ciclo_engine_win_back_stats_json": (_STATUS, [_P, _OUT]),
    # engine: change feed
    "ciclo_engine_changes_json": (_STATUS, [_P, ctypes.c_uint64, _SIZE, _OUT]),
    "ciclo_engine_set_change_retention_json": (_STATUS, [_P, _S]),
    "ciclo_engine_change_retention_json": (_STATUS, [_P, _OUT]),
    "ciclo_engine_set_change_callback": (_STATUS, [_P, ctypes.c_uint64, CHANGE_FN, _P]),
}


def _library_names() -> List[str]:
    if sys.platform == "darwin":
        return ["libciclo.dylib"]
    if sys.platform == "win32":
        return ["ciclo.dll"]
    return ["libciclo.so"]


def _load() -> ctypes.CDLL:
    """Finds libciclo: ``$CICLO_LIB`` (a path), else next to this package, else
    the system loader (``LD_LIBRARY_PATH``, the linker cache)."""
    explicit = os.environ.get("CICLO_LIB")
    if explicit:
        return ctypes.CDLL(explicit)
    here = Path(__file__).resolve().parent
    for name in _library_names():
        for candidate in (here / name, here.parent / name):
            if candidate.exists():
                return ctypes.CDLL(str(candidate))
    errors: List[str] = []
    for name in _library_names():
        try:
            return ctypes.CDLL(name)
        except OSError as e:
            errors.append(str(e))
    found = ctypes.util.find_library("ciclo")
    if found:
        return ctypes.CDLL(found)
    raise OSError(
        "libciclo not found: set CICLO_LIB to its path, put it next to the ciclo "
        "package, or where the system loader looks (" + "; ".join(errors) + ")"
    )


lib = _load()
for _name, (_restype, _argtypes) in _SIGNATURES.items():
    _fn = getattr(lib, _name)
    _fn.restype = _restype
    _fn.argtypes = _argtypes


def text(value: Optional[Union[str, bytes]]) -> Optional[bytes]:
    """A string argument as NUL-terminated UTF-8 (``bytes`` pass as they are).

    One holding a NUL byte raises :class:`CicloError` (``INVALID_ARGUMENT``):
    the C side would read only what comes before it (``"c1\\0x"`` would name
    customer ``c1``)."""
    if value is None:
        return None
    data = value if isinstance(value, bytes) else value.encode("utf-8")
    at = data.find(b"\0")
    if at >= 0:
        raise CicloError(
            11,
            "CICLO_STATUS_INVALID_ARGUMENT",
            f"a string argument holds a NUL byte at {at}: C strings end there, "
            "so the library would read only what precedes it",
        )
    return data


def json_text(value: Optional[Json]) -> Optional[bytes]:
    """A JSON argument: a ``str`` or ``bytes`` as it is, anything else serialised."""
    if value is None or isinstance(value, (str, bytes)):
        return text(value)
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


class _ChangeFailure(threading.local):
    """What a change callback raised on this thread (see
    :meth:`ciclo.Engine.set_change_callback`), raised again by the call that
    delivered the changes: the callback runs inside that call, on its thread,
    so the next :func:`check` or :func:`call_string` here is that call's."""

    value: Optional[BaseException] = None


change_failure = _ChangeFailure()


def raise_change_failure() -> None:
    """Raises what a change callback raised on this thread, if anything."""
    failure = change_failure.value
    if failure is not None:
        change_failure.value = None
        raise failure


def error(status: int) -> CicloError:
    """The error of the call that just returned `status` on this thread. Call it
    right after that call: the message is per OS thread. A change callback's
    exception raised during the call is chained to it (``__context__``)."""
    message = lib.ciclo_last_error_message()
    name = lib.ciclo_status_name(status)
    failure = CicloError(status, name.decode("utf-8"), message.decode("utf-8", "replace"))
    if change_failure.value is not None:
        failure.__context__ = change_failure.value
        change_failure.value = None
    return failure


def check(status: int) -> None:
    """Raises :class:`CicloError` for a failed status (read at once); after a
    successful call, what a change callback raised during it."""
    if status != 0:
        raise error(status)
    if change_failure.value is not None:
        raise_change_failure()


def take_string(ptr: Optional[int]) -> str:
    """Copies a string the library returned and frees it."""
    if not ptr:
        return ""
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        lib.ciclo_string_free(ptr)


def call_string(fn: Callable[..., int], *args: Any) -> str:
    """The common pattern of every call that returns a string: ``fn(*args,
    &out)``, the status checked (the message read at once), the string copied
    and freed."""
    out = ctypes.c_void_p()
    status = fn(*args, ctypes.byref(out))
    if status != 0:
        raise error(status)
    result = take_string(out.value)
    if change_failure.value is not None:
        raise_change_failure()
    return result


def call_json(fn: Callable[..., int], *args: Any) -> Dict[str, Any]:
    """As :func:`call_string`, the JSON object parsed."""
    return cast(Dict[str, Any], json.loads(call_string(fn, *args)))


def call_json_list(fn: Callable[..., int], *args: Any) -> List[Any]:
    """As :func:`call_string`, the JSON array parsed."""
    return cast(List[Any], json.loads(call_string(fn, *args)))
