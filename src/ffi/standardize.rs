//! Record standardisation and validation: a whole record as JSON, and single-field
//! functions for hot paths (phone to E.164, identifier check).

use std::ffi::c_char;

use super::boundary::*;
use super::status::ciclo_status;
use crate::error::Error;
use crate::json;
use crate::standardize::{ids, phone, Country};

/// Normalises a phone number to E.164 (`+5491123456789`).
///
/// `input` is a number in any common written form: international (`+54 9 11
/// 2345-6789`, `0054...`), national with the trunk prefix (`011 2345-6789`), an
/// Argentine domestic mobile with `15` (`011 15-2345-6789`). `default_region` is
/// the ISO 3166 region assumed for national numbers (`"AR"`, `"ES"`, `"MX"`,
/// `"CL"`, `"CO"`, `"UY"`, `"PE"`, `"BR"`, `"US"`); NULL or `""` accepts only
/// numbers that start with `+`.
///
/// On success `*out_e164` receives the number, released with `ciclo_string_free`.
/// Errors: `CICLO_STATUS_INVALID_VALUE` for a number that is not valid in its
/// numbering plan (the message gives the reason and a code such as
/// `phone.too_short`), `CICLO_STATUS_INVALID_ARGUMENT` for an unknown or
/// unsupported region or for a number without `+` when no region is given,
/// `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`.
/// Thread-safe.
///
/// # Safety
/// `input` and `default_region` are NULL or NUL-terminated strings; `out_e164` is
/// valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_phone_normalize(
    input: *const c_char,
    default_region: *const c_char,
    out_e164: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_phone_normalize", || {
        required_out(out_e164, "out_e164")?;
        let text = required_str(input, "input")?;
        let region = match optional_str(default_region, "default_region")?.map(str::trim) {
            None | Some("") => None,
            Some(code) => Some(
                Country::parse(code)
                    .filter(|c| phone::is_supported(*c))
                    .ok_or_else(|| {
                        Error::invalid(
                            "default_region",
                            format!(
                                "`{}` is not a supported region; supported: {}",
                                crate::model::time::clip(code),
                                supported_regions()
                            ),
                        )
                    })?,
            ),
        };
        let number = phone::parse_in(text, region).map_err(|p| match p.code {
            "phone.no_region" => Error::invalid(
                "default_region",
                "a number without `+` needs a default region",
            ),
            _ => invalid_value("input", p),
        })?;
        *out_e164 = into_c_string(number.e164.into_string());
        Ok(())
    })
}

/// Validates a national identifier and gives its canonical form.
///
/// `kind` is one of `"ar_cuit"` (CUIT and CUIL), `"ar_dni"`, `"es_dni"`,
/// `"es_nie"`, `"es_nif"` (any Spanish NIF: DNI, NIE or the K/L/M forms), `"es_cif"`.
/// `input` may carry the usual noise (spaces, dots, dashes). On success
/// `*out_canonical` receives the canonical form (`20-12345678-6` for a CUIT,
/// `12345678Z` for a Spanish DNI), released with `ciclo_string_free`.
///
/// Errors: `CICLO_STATUS_INVALID_VALUE` for an identifier that does not validate
/// (the message says why: length, characters, check digit, with a code such as
/// `id.check_digit`), `CICLO_STATUS_INVALID_ARGUMENT` for an unknown `kind`,
/// `CICLO_STATUS_NULL_ARGUMENT`, `CICLO_STATUS_INVALID_UTF8`. Thread-safe.
///
/// # Safety
/// `kind` and `input` are NULL or NUL-terminated strings; `out_canonical` is valid
/// for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_id_normalize(
    kind: *const c_char,
    input: *const c_char,
    out_canonical: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_id_normalize", || {
        required_out(out_canonical, "out_canonical")?;
        let kind_name = required_str(kind, "kind")?;
        let text = required_str(input, "input")?;
        let kind = ids::IdKind::parse(kind_name).ok_or_else(|| {
            Error::invalid(
                "kind",
                format!(
                    "unknown identifier kind `{}`; known: ar_cuit, ar_dni, es_dni, \
                     es_nie, es_nif, es_cif",
                    crate::model::time::clip(kind_name)
                ),
            )
        })?;
        let id = ids::normalize(kind, text).map_err(|p| invalid_value("input", p))?;
        *out_canonical = into_c_string(id.canonical().to_string());
        Ok(())
    })
}

/// Standardises and validates a whole customer record.
///
/// `record_json` is an object with any of the text fields `title`, `given_name`, `surname`,
/// `full_name`, `company`, `email`, `phone`, `mobile`, `street`, `street_number`,
/// `address_extra`, `locality`, `province`, `postal_code`, `country`, `birth_date`,
/// `national_id` (unknown fields are `CICLO_STATUS_UNKNOWN_FIELD`).
/// `options_json` is NULL, `""`, or `{"default_country": "AR", "today":
/// "2026-11-23", "date_order": "dmy"}` (all optional; `today` defaults to the
/// current UTC date and is what future birth dates are checked against;
/// `date_order` is `"dmy"`, the default, or `"mdy"`: whether `01/02/1990` is
/// 1 February or 2 January. A date impossible in that order but possible in
/// the other, such as `12/25/1990` with `"dmy"`, is read the other way with a
/// warning finding, `date.month_first` or `date.day_first`).
///
/// On success `*out_json` receives `{"record", "country", "valid", "findings",
/// "parsed"}`: the standard record (invalid values kept as typed), whether no
/// field had an error, the findings (`field`, `severity`, `code`, `message`,
/// `suggestion`) and the parsed values with their comparison keys; the README
/// shows an example. Release it with `ciclo_string_free`. A record with invalid
/// fields is still `CICLO_STATUS_OK`: the findings say what to fix. Errors:
/// `CICLO_STATUS_INVALID_JSON`, `CICLO_STATUS_UNKNOWN_FIELD`,
/// `CICLO_STATUS_INVALID_ARGUMENT` (options: the message names
/// `options.default_country`, `options.today` or `options.date_order`),
/// `CICLO_STATUS_NULL_ARGUMENT`,
/// `CICLO_STATUS_INVALID_UTF8`. Thread-safe.
///
/// JSON Schemas in `include/schema/`: `options_json`:
/// `standardize_options.schema.json`; `record_json`: `record.schema.json`; `*out_json`:
/// `standardized.schema.json`.
///
/// # Safety
/// `record_json` is a NUL-terminated string, `options_json` NULL or one;
/// `out_json` is valid for writes.
#[no_mangle]
pub unsafe extern "C" fn ciclo_record_standardize_json(
    record_json: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> ciclo_status {
    run("ciclo_record_standardize_json", || {
        required_out(out_json, "out_json")?;
        let record = json::record_from_json(required_str(record_json, "record_json")?)?;
        let options = json::standardize_options_from_json(
            optional_str(options_json, "options_json")?.unwrap_or(""),
            today_utc(),
        )?;
        let out = crate::standardize::standardize(&record, &options);
        *out_json = into_c_string(json::standardized_to_json(&out));
        Ok(())
    })
}

fn invalid_value(field: &str, p: crate::standardize::Problem) -> Error {
    Error::InvalidValue {
        field: field.to_string(),
        code: p.code,
        message: p.message,
    }
}

fn supported_regions() -> String {
    phone::supported_regions()
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Today's date in UTC, from the system clock: the FFI layer's part, so that the
/// standardiser itself stays pure.
fn today_utc() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}
