/*
 * ciclo.hpp: header-only C++17 binding of the ciclo C ABI (include/ciclo.h).
 *
 * - Handles are RAII and move-only: ciclo::engine and ciclo::model release
 *   their C handle in the destructor; a moved-from handle holds NULL, and a
 *   call on it throws ciclo::error with CICLO_STATUS_NULL_ARGUMENT.
 * - Strings go in as `const char *`, `const std::string &` (no copy) or
 *   `std::string_view` (copied once, to add the NUL the C side needs; one that
 *   holds a NUL byte is refused with CICLO_STATUS_INVALID_ARGUMENT, not cut
 *   short); they come out as std::string, the C string freed with
 *   ciclo_string_free before the method returns.
 * - A failed call throws ciclo::error carrying the status and the library's
 *   message. The message is read inside the same function as the failed call,
 *   before anything else runs on the thread (ciclo_last_error_message is per
 *   OS thread; see its documentation in ciclo.h), so it is right even in
 *   coroutines: never put a co_await between a raw ciclo_ call and
 *   ciclo_last_error_message in your own code.
 * - JSON is passed and returned as text: parse it with your JSON library.
 * - An engine is thread-safe: share one between threads (its methods are const,
 *   except set_change_callback: see there).
 *
 * Adding a function that returns JSON is one line: see detail::call_string
 * and, for an example, engine::reviews_json.
 *
 * Link with the static library (`libciclo.a -lpthread -ldl -lm`) or the
 * shared one (`-lciclo`).
 */
#ifndef CICLO_HPP
#define CICLO_HPP

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "ciclo.h"

namespace ciclo {

/** A failed ciclo call: the status code and the library's message. */
class error : public std::runtime_error {
public:
    error(ciclo_status status, std::string message)
        : std::runtime_error(std::string(ciclo_status_name(status)) + ": " + message),
          status_(status),
          message_(std::move(message)) {}

    /** The status code (one of CICLO_STATUS_*). */
    ciclo_status status() const noexcept { return status_; }
    /** The status code's static name, "CICLO_STATUS_NOT_FOUND". */
    const char *status_name() const noexcept { return ciclo_status_name(status_); }
    /** The library's message, naming the field at fault. */
    const std::string &message() const noexcept { return message_; }

private:
    ciclo_status status_;
    std::string message_;
};

namespace detail {

/** Throws ciclo::error (CICLO_STATUS_INVALID_ARGUMENT) for a string holding a NUL
    byte: the C side would read only what comes before it ("c1\0x" would name
    customer "c1"). Returns `s`. */
inline std::string_view no_nul(std::string_view s) {
    if (s.find('\0') != std::string_view::npos) {
        throw error(CICLO_STATUS_INVALID_ARGUMENT,
                    "a string argument holds a NUL byte at " +
                        std::to_string(s.find('\0')) +
                        ": C strings end there, so the library would read only what precedes it");
    }
    return s;
}

/** `s.c_str()`, after no_nul. */
inline const char *c_str(const std::string &s) {
    no_nul(s);
    return s.c_str();
}

}  // namespace detail

/** An input string: a `const char *` (may be nullptr where the C function takes
    NULL), a `std::string` (used in place) or a `std::string_view` (copied to add
    the NUL). A `std::string` or `std::string_view` holding a NUL byte is refused
    with ciclo::error (CICLO_STATUS_INVALID_ARGUMENT) rather than cut short. Only
    for parameters: it may point into the argument. */
class cstr {
public:
    cstr(std::nullptr_t) noexcept : copy_(), ptr_(nullptr) {}
    cstr(const char *s) noexcept : copy_(), ptr_(s) {}
    cstr(const std::string &s) : copy_(), ptr_(detail::c_str(s)) {}
    cstr(std::string_view s) : copy_(detail::no_nul(s)), ptr_(copy_.c_str()) {}
    cstr(const cstr &) = delete;
    cstr &operator=(const cstr &) = delete;

    const char *get() const noexcept { return ptr_; }

private:
    std::string copy_;
    const char *ptr_;
};

namespace detail {

/** An exception a change callback threw on this thread (see
    engine::set_change_callback), thrown again by the call that delivered it. */
inline thread_local std::exception_ptr change_failure;

/** Throws ciclo::error for a failed status, with the message read at once:
    call it on the status of the ciclo_ call just made, with nothing between.
    After a successful call, throws what a change callback threw during it. */
inline void check(ciclo_status status) {
    if (status != CICLO_STATUS_OK) {
        // The std::string copies the per-thread message before anything else runs.
        error failure(status, std::string(ciclo_last_error_message()));
        change_failure = nullptr;  // the call's own error is the one to report
        throw failure;
    }
    if (change_failure) {
        std::rethrow_exception(std::exchange(change_failure, nullptr));
    }
}

/** Owns a string returned by the library; frees it with ciclo_string_free. */
class owned_string {
public:
    owned_string() noexcept = default;
    ~owned_string() { ciclo_string_free(ptr_); }
    owned_string(const owned_string &) = delete;
    owned_string &operator=(const owned_string &) = delete;

    char **out() noexcept { return &ptr_; }
    std::string str() const { return ptr_ == nullptr ? std::string() : std::string(ptr_); }

private:
    char *ptr_ = nullptr;
};

/** The common pattern of every function returning a string: `call(char **out)`
    makes the ciclo_ call and returns its status; the status is checked (the
    message read at once), the string copied and freed. */
template <class Call>
std::string call_string(Call &&call) {
    owned_string out;
    check(std::forward<Call>(call)(out.out()));
    return out.str();
}

/** Copies a byte buffer returned by the library and frees it with ciclo_bytes_free. */
inline std::vector<std::uint8_t> take_bytes(std::uint8_t *bytes, std::size_t len) {
    struct guard {
        std::uint8_t *b;
        std::size_t n;
        ~guard() { ciclo_bytes_free(b, n); }
    } g{bytes, len};
    return std::vector<std::uint8_t>(bytes, bytes + len);
}

}  // namespace detail

/** The library's version, "0.1.0". */
inline std::string version() { return ciclo_version(); }

/** The ABI version of the loaded library; equal to CICLO_ABI_VERSION when compatible. */
inline std::uint32_t abi_version() { return ciclo_abi_version(); }

/** The static name of a status code. */
inline std::string status_name(ciclo_status status) { return ciclo_status_name(status); }

/** A phone number in E.164 (`+5491123456789`); `default_region` ("AR", "ES", ...)
    for national numbers, nullptr for numbers starting with `+`. */
inline std::string phone_normalize(cstr input, cstr default_region = nullptr) {
    return detail::call_string(
        [&](char **out) { return ciclo_phone_normalize(input.get(), default_region.get(), out); });
}

/** The canonical form of a national identifier of `kind` ("ar_cuit", "es_dni", ...). */
inline std::string id_normalize(cstr kind, cstr input) {
    return detail::call_string(
        [&](char **out) { return ciclo_id_normalize(kind.get(), input.get(), out); });
}

/** A record standardised and validated, as JSON (`ciclo_record_standardize_json`). */
inline std::string record_standardize_json(cstr record_json, cstr options_json = nullptr) {
    return detail::call_string([&](char **out) {
        return ciclo_record_standardize_json(record_json.get(), options_json.get(), out);
    });
}

/** A record's blocking keys, as JSON (`ciclo_record_blocking_keys_json`). */
inline std::string record_blocking_keys_json(cstr record_json, cstr options_json = nullptr) {
    return detail::call_string([&](char **out) {
        return ciclo_record_blocking_keys_json(record_json.get(), options_json.get(), out);
    });
}

/** A pair of records scored, as JSON (`ciclo_records_score_json`). */
inline std::string records_score_json(cstr a_json, cstr b_json, cstr options_json = nullptr) {
    return detail::call_string([&](char **out) {
        return ciclo_records_score_json(a_json.get(), b_json.get(), options_json.get(), out);
    });
}

/** Called by dedup_json with the step, the units done and the units in all. */
using progress_fn = std::function<void(std::string_view step, std::size_t done, std::size_t total)>;

/** Deduplicates records given as JSON lines, without an engine (`ciclo_dedup_json`).
    `progress`, when given, is called on this thread; an exception it throws stops
    nothing inside the library but is rethrown once the call returns. */
inline std::string dedup_json(cstr records_jsonl, cstr options_json = nullptr,
                              const progress_fn &progress = nullptr) {
    struct context {
        const progress_fn *fn;
        std::exception_ptr failure;
    } ctx{&progress, nullptr};
    ciclo_progress_fn trampoline = nullptr;
    if (progress) {
        trampoline = [](void *user, const char *step, std::size_t done, std::size_t total) {
            auto *c = static_cast<context *>(user);
            if (c->failure) {
                return;
            }
            try {
                (*c->fn)(step == nullptr ? std::string_view() : std::string_view(step), done,
                         total);
            } catch (...) {
                c->failure = std::current_exception();  // never unwind through C frames
            }
        };
    }
    std::string result = detail::call_string([&](char **out) {
        return ciclo_dedup_json(records_jsonl.get(), options_json.get(), trampoline, &ctx, out);
    });
    if (ctx.failure) {
        std::rethrow_exception(ctx.failure);
    }
    return result;
}

/** BG/NBD and Gamma-Gamma fitted to a population, as JSON (`ciclo_models_fit_json`). */
inline std::string models_fit_json(cstr population_json, cstr options_json = nullptr) {
    return detail::call_string([&](char **out) {
        return ciclo_models_fit_json(population_json.get(), options_json.get(), out);
    });
}

/** Predictions from fitted models, as JSON (`ciclo_models_predict_json`). */
inline std::string models_predict_json(cstr models_json, cstr population_json,
                                       cstr options_json = nullptr) {
    return detail::call_string([&](char **out) {
        return ciclo_models_predict_json(models_json.get(), population_json.get(),
                                         options_json.get(), out);
    });
}

/** An event for engine::apply, the fast path without JSON. */
struct event {
    std::string customer_id;
    std::optional<std::string> event_id;
    /** Milliseconds since the Unix epoch (UTC). */
    std::int64_t at_ms = 0;
    /** One of CICLO_EVENT_KIND_*. */
    std::uint32_t kind = 0;
    /** The custom kind's name when kind is CICLO_EVENT_KIND_CUSTOM. */
    std::optional<std::string> custom_kind;
    /** Amount in minor units, read only with a currency. */
    std::int64_t amount_minor = 0;
    /** ISO 4217 currency of the amount. */
    std::optional<std::string> currency;
    std::optional<std::string> category;
    std::optional<std::string> reason;
    std::optional<double> score;
    std::optional<double> quantity;
};

/** What engine::apply did (stage and rule indexes; names through
    engine::stage_name and engine::rule_name). */
using outcome = ciclo_outcome;

/** A customer's lead score and whether it reaches the model's threshold
    (engine::lead_score). */
struct lead_score_result {
    double score;
    bool qualified;
};

/** A customer's current stage index and when they entered it. */
struct stage_since {
    std::uint32_t stage;
    std::int64_t since_ms;
};

/** A state and the JSON that came with it (an outcome or a tick report). */
struct state_and_json {
    std::string state_json;
    std::string json;
};

/** Called by engine::set_change_callback with the changes of one or more whole
    engine calls: the first and last sequence numbers and the changes as JSON
    (`{"changes": [...], "first_seq": 7, "last_seq": 9}`, each change as
    engine::changes_json gives it). The view is valid only during the call:
    copy what you keep. */
using change_fn = std::function<void(std::uint64_t first_seq, std::uint64_t last_seq,
                                     std::string_view changes_json)>;

namespace detail {

/** What a registered change callback needs: the host's function, whether it
    threw (then it gets nothing more), and the thread delivering to it. Lives
    on the heap, owned by the engine, until ciclo no longer calls it. */
struct change_callback {
    explicit change_callback(change_fn f) : fn(std::move(f)) {}

    change_fn fn;
    std::atomic<bool> failed{false};
    std::atomic<std::thread::id> delivering{};

    /** The ciclo_change_fn: runs the host's function, never lets an exception
        unwind into C (it is kept for the call that delivered). */
    static void trampoline(void *user, std::uint64_t first_seq, std::uint64_t last_seq,
                           const char *changes_json) {
        auto *self = static_cast<change_callback *>(user);
        if (self->failed.load()) {
            return;
        }
        self->delivering.store(std::this_thread::get_id());
        try {
            self->fn(first_seq, last_seq,
                     changes_json == nullptr ? std::string_view() : std::string_view(changes_json));
        } catch (...) {
            self->failed.store(true);
            change_failure = std::current_exception();
        }
        self->delivering.store(std::thread::id());
    }
};

}  // namespace detail

/** A compiled stage model for the stateless path (the host stores the states). */
class model {
public:
    /** A model from a configuration: nullptr for the default preset,
        `{"preset": "five_stage"}`, or a whole stage model. */
    explicit model(cstr config_json = nullptr) {
        detail::check(ciclo_model_new(config_json.get(), &handle_));
    }
    ~model() { ciclo_model_free(handle_); }
    model(model &&other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    model &operator=(model &&other) noexcept {
        if (this != &other) {
            ciclo_model_free(std::exchange(handle_, std::exchange(other.handle_, nullptr)));
        }
        return *this;
    }
    model(const model &) = delete;
    model &operator=(const model &) = delete;

    /** The C handle, for calls this binding does not wrap. */
    const ciclo_model *get() const noexcept { return handle_; }

    /** The state after one event (state_json nullptr for a new customer) and the outcome. */
    state_and_json step_json(cstr state_json, cstr event_json) const {
        detail::owned_string state, outcome_json;
        detail::check(ciclo_model_step_json(handle_, state_json.get(), event_json.get(),
                                            state.out(), outcome_json.out()));
        return {state.str(), outcome_json.str()};
    }

    /** The state after the time-driven rules at now_ms, and the tick report. */
    state_and_json tick_json(cstr state_json, std::int64_t now_ms) const {
        detail::owned_string state, report;
        detail::check(
            ciclo_model_tick_json(handle_, state_json.get(), now_ms, state.out(), report.out()));
        return {state.str(), report.str()};
    }

private:
    ciclo_model *handle_ = nullptr;
};

/** An engine: customers, their lifecycle states, consolidation and retention. */
class engine {
public:
    /** An engine on a configuration: nullptr for the six-stage preset,
        `{"preset": "five_stage"}`, or a whole stage model. */
    explicit engine(cstr config_json = nullptr) {
        detail::check(ciclo_engine_new(config_json.get(), &handle_));
    }

    /** An engine from snapshot bytes (see snapshot). */
    static engine restore(const std::uint8_t *bytes, std::size_t len) {
        ciclo_engine *handle = nullptr;
        detail::check(ciclo_engine_restore(bytes, len, &handle));
        return engine(adopt{}, handle);
    }
    static engine restore(const std::vector<std::uint8_t> &bytes) {
        return restore(bytes.data(), bytes.size());
    }

    /** Frees the engine; then its change callback, if any, is released (after
        ciclo_engine_free, which never calls it). Not from inside the change
        callback of this engine. */
    ~engine() { ciclo_engine_free(handle_); }
    engine(engine &&other) noexcept
        : handle_(std::exchange(other.handle_, nullptr)),
          callback_(std::move(other.callback_)),
          retired_(std::move(other.retired_)) {}
    engine &operator=(engine &&other) noexcept {
        if (this != &other) {
            ciclo_engine_free(std::exchange(handle_, std::exchange(other.handle_, nullptr)));
            callback_ = std::move(other.callback_);
            retired_ = std::move(other.retired_);
        }
        return *this;
    }
    engine(const engine &) = delete;
    engine &operator=(const engine &) = delete;

    /** The C handle, for calls this binding does not wrap. */
    const ciclo_engine *get() const noexcept { return handle_; }

    // --- lifecycle ---------------------------------------------------------

    /** Applies an event given as JSON; returns the outcome as JSON. */
    std::string apply_json(cstr event_json) const {
        return detail::call_string(
            [&](char **out) { return ciclo_engine_apply_json(handle_, event_json.get(), out); });
    }

    /** Applies an event given as a struct (the fast path). */
    outcome apply(const event &e) const {
        auto opt = [](const std::optional<std::string> &s) {
            return s ? detail::c_str(*s) : static_cast<const char *>(nullptr);
        };
        ciclo_event c{};
        c.customer_id = detail::c_str(e.customer_id);
        c.event_id = opt(e.event_id);
        c.at_ms = e.at_ms;
        c.kind = e.kind;
        c.custom_kind = opt(e.custom_kind);
        c.amount_minor = e.amount_minor;
        c.currency = opt(e.currency);
        c.category = opt(e.category);
        c.reason = opt(e.reason);
        c.score = e.score.value_or(0.0);
        c.has_score = e.score ? 1 : 0;
        c.quantity = e.quantity.value_or(0.0);
        c.has_quantity = e.quantity ? 1 : 0;
        outcome out{};
        detail::check(ciclo_engine_apply(handle_, &c, &out));
        return out;
    }

    /** Evaluates the time-driven rules at now_ms; returns the number of transitions. */
    std::size_t tick(std::int64_t now_ms) const {
        std::size_t moved = 0;
        detail::check(ciclo_engine_tick(handle_, now_ms, &moved, nullptr));
        return moved;
    }

    /** As tick, returning the report (`{"now", "evaluated", "transitions"}`) as JSON. */
    std::string tick_report_json(std::int64_t now_ms) const {
        return detail::call_string(
            [&](char **out) { return ciclo_engine_tick(handle_, now_ms, nullptr, out); });
    }

    /** A customer's state as JSON (stays, history, metrics). */
    std::string customer_json(cstr customer_id) const {
        return detail::call_string([&](char **out) {
            return ciclo_engine_customer_json(handle_, customer_id.get(), out);
        });
    }

    /** A customer's portable state, the shape model::step_json reads. */
    std::string customer_state_json(cstr customer_id) const {
        return detail::call_string([&](char **out) {
            return ciclo_engine_customer_state_json(handle_, customer_id.get(), out);
        });
    }

    /** Adds a customer with a state the host kept. */
    void import_customer(cstr customer_id, cstr state_json) const {
        detail::check(ciclo_engine_import_customer(handle_, customer_id.get(), state_json.get()));
    }

    /** Erases a customer completely (the right to be forgotten). */
    void remove_customer(cstr customer_id) const {
        detail::check(ciclo_engine_remove_customer(handle_, customer_id.get()));
    }

    /** A customer's current stage index and the moment they entered it. */
    stage_since customer_stage(cstr customer_id) const {
        stage_since s{0, 0};
        detail::check(
            ciclo_engine_customer_stage(handle_, customer_id.get(), &s.stage, &s.since_ms));
        return s;
    }

    /** A page of the ids of the customers with a lifecycle state, in byte order,
        as JSON `{"items": [...], "next_cursor": ...}`; `cursor` nullptr for the
        first page, else the `next_cursor` of the page before. */
    std::string list_customers_json(cstr cursor, std::uint32_t max) const {
        return detail::call_string([&](char **out) {
            return ciclo_engine_list_customers_json(handle_, cursor.get(), max, out);
        });
    }

    /** A page of the live golden ids, by number; paged as list_customers_json. */
    std::string list_golden_ids_json(cstr cursor, std::uint32_t max) const {
        return detail::call_string([&](char **out) {
            return ciclo_engine_list_golden_ids_json(handle_, cursor.get(), max, out);
        });
    }

    /** A page of the source records of a golden customer; paged as list_customers_json. */
    std::string list_sources_json(cstr golden_id, cstr cursor, std::uint32_t max) const {
        return detail::call_string([&](char **out) {
            return ciclo_engine_list_sources_json(handle_, golden_id.get(), cursor.get(), max, out);
        });
    }

    /** A page of the records waiting for a data steward; paged as list_customers_json. */
    std::string list_reviews_json(cstr cursor, std::uint32_t max) const {
        return detail::call_string([&](char **out) {
            return ciclo_engine_list_reviews_json(handle_, cursor.get(), max, out);
        });
    }

    /** A customer's lead score at `now_ms` and whether it reaches the threshold. */
    lead_score_result lead_score(cstr customer_id, std::int64_t now_ms) const {
        double score = 0.0;
        std::uint8_t qualified = 0;
        detail::check(ciclo_engine_lead_score(handle_, customer_id.get(), now_ms, &score, &qualified));
        return lead_score_result{score, qualified != 0};
    }

    /** Customers per stage as JSON `{"customers": n, "stages": [{"stage", "customers"}]}`. */
    std::string stage_counts_json() const {
        return detail::call_string(
            [&](char **out) { return ciclo_engine_stage_counts_json(handle_, out); });
    }

    std::size_t customer_count() const {
        std::size_t n = 0;
        detail::check(ciclo_engine_customer_count(handle_, &n));
        return n;
    }

    std::uint32_t stage_count() const {
        std::uint32_t n = 0;
        detail::check(ciclo_engine_stage_count(handle_, &n));
        return n;
    }

    std::string stage_name(std::uint32_t index) const {
        const char *name = nullptr;
        detail::check(ciclo_engine_stage_name(handle_, index, &name));
        return name;
    }

    std::string rule_name(std::uint32_t index) const {
        const char *name = nullptr;
        detail::check(ciclo_engine_rule_name(handle_, index, &name));
        return name;
    }

    /** The engine's stage model as JSON. */
    std::string model_json() const {
        return detail::call_string([&](char **out) { return ciclo_engine_model_json(handle_, out); });
    }

    /** The whole engine as bytes (restore with engine::restore). */
    std::vector<std::uint8_t> snapshot() const {
        std::uint8_t *bytes = nullptr;
        std::size_t len = 0;
        detail::check(ciclo_engine_snapshot(handle_, &bytes, &len));
        return detail::take_bytes(bytes, len);
    }

    void set_limits_json(cstr limits_json) const {
        detail::check(ciclo_engine_set_limits_json(handle_, limits_json.get()));
    }

    std::string limits_json() const {
        return detail::call_string([&](char **out) { return ciclo_engine_limits_json(handle_, out); });
    }

    // --- change feed -------------------------------------------------------

    /** The changes after sequence number `after_seq`, oldest first, as JSON
        `{"changes": [{"seq": 1, "type": "customer_created", ...}, ...],
        "last_seq", "oldest_seq", "head_seq", "more"}`: pass 0 first, then the
        `last_seq` of the page before, while `more` is true. A page holds at
        least `max` changes when so many wait, more only to end with a whole
        call. Throws ciclo::error with CICLO_STATUS_CHANGES_DROPPED when a
        change after `after_seq` is no longer kept (the message names the
        oldest kept), CICLO_STATUS_INVALID_ARGUMENT when `after_seq` is past
        the newest change. */
    std::string changes_json(std::uint64_t after_seq, std::size_t max) const {
        return detail::call_string(
            [&](char **out) { return ciclo_engine_changes_json(handle_, after_seq, max, out); });
    }

    /** Sets how long the feed keeps changes for pollers:
        `{"max_changes": 100000, "max_age_ms": 86400000}`, a missing key its
        default (`"{}"` restores both). */
    void set_change_retention_json(cstr retention_json) const {
        detail::check(ciclo_engine_set_change_retention_json(handle_, retention_json.get()));
    }

    /** The feed's retention, `{"max_age_ms": null, "max_changes": 100000}`. */
    std::string change_retention_json() const {
        return detail::call_string(
            [&](char **out) { return ciclo_engine_change_retention_json(handle_, out); });
    }

    /** Has `fn` given every change after `after_seq`: first the changes the feed
        keeps, from inside this call, then each engine call's changes once that
        call is done, whole calls in order, one delivery at a time. It replaces
        the callback set before; an empty `fn` (nullptr) removes it.

        `fn` runs on the thread of the engine call that made the changes (or of
        another call of this engine already delivering), inside that call,
        after the engine let go of its locks. In it you may call this engine and
        any other (changes you make there are given to `fn` after it returns),
        but not destroy or move-assign this engine, and not wait for another
        thread calling set_change_callback of this engine. An exception `fn`
        throws never reaches C: it is thrown again, once, by the call that
        delivered (on that thread: that call did succeed), and `fn` gets nothing
        more (set it again from the last sequence it handled, or poll). The feed
        keeps every change until `fn` was given it: a slow `fn` holds memory.

        Not const: do not call it from two threads at once, nor while the
        engine is destroyed (other calls may run meanwhile). `fn` is released
        when replaced, or with the engine; one replaced from inside itself, with
        the engine. Throws as changes_json for an `after_seq` no longer kept or
        past the newest change (nothing changes then). */
    void set_change_callback(std::uint64_t after_seq, change_fn fn) {
        std::unique_ptr<detail::change_callback> next;
        if (fn) {
            next = std::make_unique<detail::change_callback>(std::move(fn));
        }
        detail::change_callback *registering = next.get();
        // The new one is ours before the call: a call from inside it (during
        // the changes given from inside this call) then replaces it in turn.
        std::unique_ptr<detail::change_callback> previous = std::exchange(callback_, std::move(next));
        ciclo_status status = ciclo_engine_set_change_callback(
            handle_, after_seq, registering ? &detail::change_callback::trampoline : nullptr,
            registering);
        if (status != CICLO_STATUS_OK) {
            error failure(status, std::string(ciclo_last_error_message()));  // read first
            callback_ = std::move(previous);  // nothing changed; the new one was never called
            throw failure;
        }
        if (previous && previous->delivering.load() == std::this_thread::get_id()) {
            retired_.push_back(std::move(previous));  // we are inside it: release it later
        }
        detail::check(status);  // what `fn` threw while given the changes kept
    }

    // --- consolidation -----------------------------------------------------

    /** Sets how records match and golden records are built, before the first ingest. */
    void configure_consolidation(cstr config_json) const {
        detail::check(ciclo_engine_configure_consolidation(handle_, config_json.get()));
    }

    /** Matches a source record at the point of entry and stores it; the decision as JSON. */
    std::string ingest_json(cstr request_json) const {
        return detail::call_string([&](char **out) {
            return ciclo_engine_ingest_json(handle_, request_json.get(), out);
        });
    }

    /** A customer's golden record with lineage, as JSON. */
    std::string golden_json(cstr golden_id) const {
        return detail::call_string(
            [&](char **out) { return ciclo_engine_golden_json(handle_, golden_id.get(), out); });
    }

    /** The golden id of source record `id` of `system`. */
    std::string golden_of(cstr system, cstr id) const {
        return detail::call_string([&](char **out) {
            return ciclo_engine_golden_of(handle_, system.get(), id.get(), out);
        });
    }

    /** Merges two golden customers; returns the survivor's id. */
    std::string merge(cstr a, cstr b) const {
        return detail::call_string(
            [&](char **out) { return ciclo_engine_merge(handle_, a.get(), b.get(), out); });
    }

    /** Takes a source record out of its customer; returns its own golden id. */
    std::string unmerge(cstr system, cstr id) const {
        return detail::call_string([&](char **out) {
            return ciclo_engine_unmerge(handle_, system.get(), id.get(), out);
        });
    }

    /** Removes a source record; `{"golden_id", "erased"}` as JSON. */
    std::string remove_source(cstr system, cstr id) const {
        return detail::call_string([&](char **out) {
            return ciclo_engine_remove_source(handle_, system.get(), id.get(), out);
        });
    }

    /** The records waiting for a data steward, as JSON. */
    std::string reviews_json() const {
        return detail::call_string([&](char **out) { return ciclo_engine_reviews_json(handle_, out); });
    }

    void dismiss_review(cstr system, cstr id) const {
        detail::check(ciclo_engine_dismiss_review(handle_, system.get(), id.get()));
    }

    void link(cstr kind, cstr parent, cstr child) const {
        detail::check(ciclo_engine_link(handle_, kind.get(), parent.get(), child.get()));
    }

    void unlink(cstr kind, cstr parent, cstr child) const {
        detail::check(ciclo_engine_unlink(handle_, kind.get(), parent.get(), child.get()));
    }

    std::string hierarchy_json(cstr kind, cstr id) const {
        return detail::call_string([&](char **out) {
            return ciclo_engine_hierarchy_json(handle_, kind.get(), id.get(), out);
        });
    }

    std::string roll_up_json(cstr kind, cstr id) const {
        return detail::call_string([&](char **out) {
            return ciclo_engine_roll_up_json(handle_, kind.get(), id.get(), out);
        });
    }

    std::string estimate_model_json(cstr options_json = nullptr) const {
        return detail::call_string([&](char **out) {
            return ciclo_engine_estimate_model_json(handle_, options_json.get(), out);
        });
    }

    void set_match_model_json(cstr model_json) const {
        detail::check(ciclo_engine_set_match_model_json(handle_, model_json.get()));
    }

    std::string match_model_json() const {
        return detail::call_string(
            [&](char **out) { return ciclo_engine_match_model_json(handle_, out); });
    }

    // --- retention ---------------------------------------------------------

    /** Sets the trigger rules and retention settings (nullptr for the defaults). */
    void set_retention_json(cstr config_json) const {
        detail::check(ciclo_engine_set_retention_json(handle_, config_json.get()));
    }

    std::string retention_json() const {
        return detail::call_string(
            [&](char **out) { return ciclo_engine_retention_json(handle_, out); });
    }

    /** Evaluates the triggers for one customer (nullptr: everyone) at now_ms; firings as JSON. */
    std::string evaluate_json(cstr customer_id, std::int64_t now_ms) const {
        return detail::call_string([&](char **out) {
            return ciclo_engine_evaluate_json(handle_, customer_id.get(), now_ms, out);
        });
    }

    std::string signals_json(cstr customer_id, std::int64_t now_ms) const {
        return detail::call_string([&](char **out) {
            return ciclo_engine_signals_json(handle_, customer_id.get(), now_ms, out);
        });
    }

    std::string churn_json(cstr customer_id, std::int64_t now_ms) const {
        return detail::call_string([&](char **out) {
            return ciclo_engine_churn_json(handle_, customer_id.get(), now_ms, out);
        });
    }

    std::string fit_models_json(std::int64_t now_ms, cstr options_json = nullptr) const {
        return detail::call_string([&](char **out) {
            return ciclo_engine_fit_models_json(handle_, now_ms, options_json.get(), out);
        });
    }

    /** The lapsed customers worth winning back, at most `limit` (SIZE_MAX for all). */
    std::string win_back_json(std::int64_t now_ms, std::size_t limit = SIZE_MAX) const {
        return detail::call_string(
            [&](char **out) { return ciclo_engine_win_back_json(handle_, now_ms, limit, out); });
    }

    void record_win_back(cstr customer_id, std::int64_t now_ms, bool won) const {
        detail::check(
            ciclo_engine_record_win_back(handle_, customer_id.get(), now_ms, won ? 1 : 0));
    }

    std::string win_back_stats_json() const {
        return detail::call_string(
            [&](char **out) { return ciclo_engine_win_back_stats_json(handle_, out); });
    }

private:
    struct adopt {};
    engine(adopt, ciclo_engine *handle) noexcept : handle_(handle) {}

    ciclo_engine *handle_ = nullptr;
    /** The registered change callback; those replaced from inside themselves. */
    std::unique_ptr<detail::change_callback> callback_;
    std::vector<std::unique_ptr<detail::change_callback>> retired_;
};

}  // namespace ciclo

#endif  // CICLO_HPP
