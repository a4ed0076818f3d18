//! Reading customer exports: a CSV file with a header row, or JSON lines; and
//! customer summaries for the customer-base models ([`read_summaries_csv`]).
//!
//! A CSV export's first column is the record id. The other columns are recognised
//! by name: the record's own field names, FEBRL's and dupes_es's, and the usual
//! English and Spanish ones (`first_name`, `nombre`, `apellidos`, `telefono`,
//! `codigo_postal`, `fecha_nacimiento`, `dni`, ...), compared without case,
//! accents or punctuation. Columns that are not recognised (such as a
//! `cluster_id`) are ignored unless mapped by hand.

use std::io::{BufRead, Read};

use crate::error::{Error, Result};
use crate::model::record::Record;

/// A field of [`Record`] that a column can fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecordField {
    /// [`Record::title`].
    Title,
    /// [`Record::given_name`].
    GivenName,
    /// [`Record::surname`].
    Surname,
    /// [`Record::full_name`].
    FullName,
    /// [`Record::company`].
    Company,
    /// [`Record::email`].
    Email,
    /// [`Record::phone`].
    Phone,
    /// [`Record::mobile`].
    Mobile,
    /// [`Record::street`].
    Street,
    /// [`Record::street_number`].
    StreetNumber,
    /// [`Record::address_extra`].
    AddressExtra,
    /// [`Record::locality`].
    Locality,
    /// [`Record::province`].
    Province,
    /// [`Record::postal_code`].
    PostalCode,
    /// [`Record::country`].
    Country,
    /// [`Record::birth_date`].
    BirthDate,
    /// [`Record::national_id`].
    NationalId,
}

/// Each field with the column names that mean it (folded: lower case, no accents,
/// `_` for any run of other characters).
const NAMES: &[(RecordField, &[&str])] = &[
    (
        RecordField::Title,
        &["title", "titulo", "tratamiento", "salutation"],
    ),
    (
        RecordField::GivenName,
        &[
            "given_name",
            "given_names",
            "first_name",
            "firstname",
            "forename",
            "nombre",
            "nombres",
            "primer_nombre",
        ],
    ),
    (
        RecordField::Surname,
        &[
            "surname",
            "surnames",
            "last_name",
            "lastname",
            "family_name",
            "apellido",
            "apellidos",
        ],
    ),
    (
        RecordField::FullName,
        &[
            "full_name",
            "fullname",
            "name",
            "customer_name",
            "nombre_completo",
            "nombre_y_apellido",
            "cliente",
        ],
    ),
    (
        RecordField::Company,
        &[
            "company",
            "company_name",
            "organization",
            "organisation",
            "empresa",
            "razon_social",
            "compania",
        ],
    ),
    (
        RecordField::Email,
        &[
            "email",
            "e_mail",
            "email_address",
            "mail",
            "correo",
            "correo_electronico",
        ],
    ),
    (
        RecordField::Phone,
        &[
            "phone",
            "phone_number",
            "telephone",
            "tel",
            "telefono",
            "telefono_fijo",
            "landline",
        ],
    ),
    (
        RecordField::Mobile,
        &[
            "mobile",
            "mobile_phone",
            "cell",
            "cell_phone",
            "celular",
            "movil",
            "telefono_movil",
        ],
    ),
    (
        RecordField::Street,
        &[
            "street",
            "address",
            "address_1",
            "address1",
            "street_address",
            "address_line_1",
            "direccion",
            "calle",
            "domicilio",
        ],
    ),
    (
        RecordField::StreetNumber,
        &[
            "street_number",
            "house_number",
            "number",
            "numero",
            "nro",
            "altura",
        ],
    ),
    (
        RecordField::AddressExtra,
        &[
            "address_extra",
            "address_2",
            "address2",
            "address_line_2",
            "piso_depto",
            "complemento",
        ],
    ),
    (
        RecordField::Locality,
        &[
            "locality",
            "city",
            "suburb",
            "town",
            "localidad",
            "ciudad",
            "municipio",
            "poblacion",
        ],
    ),
    (
        RecordField::Province,
        &[
            "province",
            "state",
            "region",
            "provincia",
            "estado",
            "comunidad",
        ],
    ),
    (
        RecordField::PostalCode,
        &[
            "postal_code",
            "postcode",
            "post_code",
            "zip",
            "zip_code",
            "zipcode",
            "codigo_postal",
            "cp",
            "cpa",
        ],
    ),
    (RecordField::Country, &["country", "country_code", "pais"]),
    (
        RecordField::BirthDate,
        &[
            "birth_date",
            "date_of_birth",
            "dob",
            "birthdate",
            "birthday",
            "fecha_nacimiento",
            "fecha_de_nacimiento",
        ],
    ),
    (
        RecordField::NationalId,
        &[
            "national_id",
            "soc_sec_id",
            "ssn",
            "tax_id",
            "dni",
            "cuit",
            "cuil",
            "nif",
            "nie",
            "documento",
            "nro_documento",
            "id_number",
        ],
    ),
];

impl RecordField {
    /// The field's name in [`Record`] (and in its JSON): `given_name`.
    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(f, _)| *f == self)
            .map(|(_, names)| names[0])
            .expect("every field has names")
    }

    /// The field a column header means, if any: `Nombre`, `first_name` and
    /// `FirstName` give [`RecordField::GivenName`].
    pub fn recognise(header: &str) -> Option<RecordField> {
        let key = fold_header(header);
        NAMES
            .iter()
            .find(|(_, names)| names.contains(&key.as_str()))
            .map(|(f, _)| *f)
    }

    /// Sets this field of `record`.
    pub fn set(self, record: &mut Record, value: String) {
        let slot = match self {
            RecordField::Title => &mut record.title,
            RecordField::GivenName => &mut record.given_name,
            RecordField::Surname => &mut record.surname,
            RecordField::FullName => &mut record.full_name,
            RecordField::Company => &mut record.company,
            RecordField::Email => &mut record.email,
            RecordField::Phone => &mut record.phone,
            RecordField::Mobile => &mut record.mobile,
            RecordField::Street => &mut record.street,
            RecordField::StreetNumber => &mut record.street_number,
            RecordField::AddressExtra => &mut record.address_extra,
            RecordField::Locality => &mut record.locality,
            RecordField::Province => &mut record.province,
            RecordField::PostalCode => &mut record.postal_code,
            RecordField::Country => &mut record.country,
            RecordField::BirthDate => &mut record.birth_date,
            RecordField::NationalId => &mut record.national_id,
        };
        *slot = Some(value);
    }
}

/// `FirstName`, `first name` and `Fecha de Nacimiento` as `first_name`,
/// `first_name` and `fecha_de_nacimiento`: camel case split, lower case, accents
/// removed, runs of other characters as one `_`.
fn fold_header(header: &str) -> String {
    let mut spaced = String::with_capacity(header.len() + 4);
    let mut prev_lower = false;
    for c in header.trim().chars() {
        if c.is_uppercase() && prev_lower {
            spaced.push(' ');
        }
        prev_lower = c.is_lowercase();
        spaced.push(c);
    }
    crate::standardize::text::fold(&spaced).replace(' ', "_")
}

/// Records read from an export, with their ids.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Export {
    /// The record ids (the first CSV column, or each JSON line's `id`).
    pub ids: Vec<String>,
    /// The records, in file order.
    pub records: Vec<Record>,
    /// Each CSV column after the id, with the field it fills (`None`: ignored).
    pub columns: Vec<(String, Option<RecordField>)>,
}

/// Reads a CSV export: a header row, the record id in the first column.
///
/// `mapping` maps more columns by hand, as `(column, field)` pairs: `field` is a
/// [`RecordField::name`], or `ignore` to drop a column that would be recognised.
/// Empty cells are absent values.
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming the line for an unreadable row, a row with
/// the wrong number of cells, an empty or repeated record id, or a mapping that
/// names an unknown column or field; also when two columns fill one field.
///
/// ```
/// use ciclo::import::read_csv;
///
/// let csv = "rec_id,Nombre,Apellidos,cluster_id\nr1,Pepe,García López,7\n";
/// let export = read_csv(csv.as_bytes(), &[])?;
/// assert_eq!(export.ids, ["r1"]);
/// assert_eq!(export.records[0].given_name.as_deref(), Some("Pepe"));
/// assert_eq!(export.columns[2].1, None); // cluster_id: ignored
/// # Ok::<(), ciclo::Error>(())
/// ```
pub fn read_csv<R: Read>(reader: R, mapping: &[(String, String)]) -> Result<Export> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(reader);
    let header = reader
        .headers()
        .map_err(|e| Error::invalid("csv header", e))?
        .clone();
    if header.is_empty() {
        return Err(Error::invalid("csv header", "no columns"));
    }
    let mut columns: Vec<(String, Option<RecordField>)> = header
        .iter()
        .skip(1)
        .map(|h| (h.to_string(), RecordField::recognise(h)))
        .collect();
    for (column, field) in mapping {
        let slot = columns
            .iter_mut()
            .find(|(h, _)| h == column)
            .ok_or_else(|| {
                Error::invalid("mapping", format!("no column `{column}` in the header"))
            })?;
        slot.1 = if field == "ignore" {
            None
        } else {
            Some(
                NAMES
                    .iter()
                    .find(|(f, _)| f.name() == field)
                    .map(|(f, _)| *f)
                    .ok_or_else(|| Error::invalid("mapping", format!("unknown field `{field}`")))?,
            )
        };
    }
    for (i, (h, f)) in columns.iter().enumerate() {
        if let Some(f) = f {
            if let Some((other, _)) = columns[..i].iter().find(|(_, g)| g == &Some(*f)) {
                return Err(Error::invalid(
                    "csv header",
                    format!(
                        "columns `{other}` and `{h}` both fill `{}`; map one with `{h}=ignore` or to another field",
                        f.name()
                    ),
                ));
            }
        }
    }
    let mut export = Export {
        columns,
        ..Export::default()
    };
    for_each_row(&mut reader, "record", |_, id, row| {
        let mut record = Record::default();
        for (cell, (_, field)) in row.iter().skip(1).zip(&export.columns) {
            if let Some(field) = field {
                if !cell.trim().is_empty() {
                    field.set(&mut record, cell.to_string());
                }
            }
        }
        export.ids.push(id.to_string());
        export.records.push(record);
        Ok(())
    })?;
    Ok(export)
}

/// Reads JSON lines: one object per line, its `id` (a string) and the
/// [`Record`] fields. Blank lines are skipped.
///
/// # Errors
///
/// [`Error::Json`] naming the line for a line that is not a JSON object or a
/// field that is not text, [`Error::UnknownField`] for an unknown field, and
/// [`Error::InvalidArgument`] naming the line for unreadable input or a missing,
/// empty or repeated `id`, a line longer than the default
/// [`Limits::record_json_bytes`](crate::model::Limits::record_json_bytes) or a
/// field longer than [`Limits::record_field_bytes`](crate::model::Limits::record_field_bytes)
/// (naming the line and the field); [`Error::Json`] naming a key repeated in a
/// line.
///
/// ```
/// use ciclo::import::read_json_lines;
///
/// let lines = "{\"id\": \"r1\", \"given_name\": \"Ana\"}\n\n{\"id\": \"r2\", \"email\": \"a@b.ar\"}\n";
/// let export = read_json_lines(lines.as_bytes())?;
/// assert_eq!(export.ids, ["r1", "r2"]);
/// # Ok::<(), ciclo::Error>(())
/// ```
pub fn read_json_lines<R: BufRead>(reader: R) -> Result<Export> {
    let mut export = Export::default();
    let mut seen = std::collections::HashSet::new();
    for (i, line) in reader.lines().enumerate() {
        let field_name = |i: usize| format!("json line {}", i + 1);
        let field = || field_name(i);
        let line = line.map_err(|e| Error::invalid(field(), e))?;
        if line.trim().is_empty() {
            continue;
        }
        let limits = crate::model::Limits::DEFAULT;
        let at_line = |e: Error| match e {
            Error::InvalidArgument { field, message } => {
                Error::invalid(format_args!("{}: {field}", field_name(i)), message)
            }
            Error::Json { message, .. } => Error::Json {
                what: "records",
                message: format!("line {}: {message}", i + 1),
            },
            other => other,
        };
        crate::model::Limits::check_json_len(
            "record",
            &line,
            "record_json_bytes",
            limits.record_json_bytes,
        )
        .map_err(at_line)?;
        crate::json::check_unique_keys(&line, "records").map_err(at_line)?;
        let json = |e: serde_json::Error| Error::Json {
            what: "records",
            message: format!(
                "line {}: {}",
                i + 1,
                crate::model::time::clip_message(&e.to_string())
            ),
        };
        let mut value: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&line).map_err(json)?;
        let id = match value.remove("id") {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s,
            _ => return Err(Error::invalid(field(), "`id` must be a non-empty string")),
        };
        if !seen.insert(id.clone()) {
            return Err(Error::invalid(
                field(),
                format!("record id `{}` repeated", crate::model::time::clip(&id)),
            ));
        }
        let record: Record = match serde_json::from_value(serde_json::Value::Object(value.clone()))
        {
            Ok(record) => record,
            Err(e) => {
                return Err(
                    match value
                        .keys()
                        .find(|k| !NAMES.iter().any(|(f, _)| f.name() == k.as_str()))
                    {
                        Some(unknown) => Error::UnknownField {
                            what: "records",
                            field: format!("line {}: {}", i + 1, crate::model::time::clip(unknown)),
                        },
                        None => json(e),
                    },
                )
            }
        };
        limits.check_record(&record).map_err(at_line)?;
        export.ids.push(id);
        export.records.push(record);
    }
    Ok(export)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        assert_eq!(
            RecordField::recognise("FirstName"),
            Some(RecordField::GivenName)
        );
        assert_eq!(
            RecordField::recognise("Fecha de Nacimiento"),
            Some(RecordField::BirthDate)
        );
        assert_eq!(
            RecordField::recognise("Código Postal"),
            Some(RecordField::PostalCode)
        );
        assert_eq!(
            RecordField::recognise("soc_sec_id"),
            Some(RecordField::NationalId)
        );
        assert_eq!(RecordField::recognise("cluster_id"), None);
    }

    #[test]
    fn bad_csv() {
        let err = |text: &str, map: &[(String, String)]| {
            read_csv(text.as_bytes(), map).unwrap_err().to_string()
        };
        assert!(err("id,email\nr1,a\nr1,b\n", &[]).contains("repeated"));
        assert!(err("id,email\nr1,a,b\n", &[]).contains("line 2"));
        assert!(err("id,email,mail\nr1,a,b\n", &[]).contains("both fill"));
        assert!(err("id,x\nr1,a\n", &[("y".into(), "email".into())]).contains("no column"));
        assert!(err("id,x\nr1,a\n", &[("x".into(), "shoe".into())]).contains("unknown field"));
    }
}

/// Customer summaries read from a CSV file, with their ids.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summaries {
    /// The customer ids (the first column), in file order.
    pub ids: Vec<String>,
    /// The summaries, in file order.
    pub customers: Vec<crate::retention::CustomerSummary>,
}

/// Reads customer summaries in the `lifetimes` format: a header row, the
/// customer id in the first column, then columns named `frequency`,
/// `recency`, `T` and `monetary_value` in any order (names compared without
/// case; `monetary_value` may be missing, and reads as 0). Other columns are
/// ignored.
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming the header for a missing column, and
/// naming the line and column for an unreadable row, a cell that is not a
/// number, an empty or repeated id, or a summary that
/// [`CustomerSummary::check`](crate::retention::CustomerSummary::check)
/// rejects.
///
/// ```
/// use ciclo::import::read_summaries_csv;
///
/// let csv = "customer_id,frequency,recency,T,monetary_value\n1,2,30.43,38.86,22.35\n3,0,0,38.86,0\n";
/// let s = read_summaries_csv(csv.as_bytes())?;
/// assert_eq!(s.ids, ["1", "3"]);
/// assert_eq!(s.customers[0].recency, 30.43);
/// let bad = "id,frequency,recency,T\nx,1,40,38.86\n";
/// assert_eq!(
///     read_summaries_csv(bad.as_bytes()).unwrap_err().to_string(),
///     "invalid argument csv line 2.recency: 40 is after T (38.86): the last purchase cannot follow the end of the observation"
/// );
/// # Ok::<(), ciclo::Error>(())
/// ```
pub fn read_summaries_csv<R: Read>(reader: R) -> Result<Summaries> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(reader);
    let header = reader
        .headers()
        .map_err(|e| Error::invalid("csv header", e))?
        .clone();
    let column = |name: &str| {
        header
            .iter()
            .skip(1)
            .position(|h| h.trim().eq_ignore_ascii_case(name))
            .map(|i| i + 1)
    };
    let needed = |name: &str| {
        column(name).ok_or_else(|| {
            Error::invalid(
                "csv header",
                format!("no `{name}` column (after the id, in the lifetimes summary format)"),
            )
        })
    };
    let fields = [needed("frequency")?, needed("recency")?, needed("T")?];
    let monetary = column("monetary_value");
    let mut out = Summaries::default();
    for_each_row(&mut reader, "customer", |line, id, row| {
        let number = |at: usize| -> Result<f64> {
            let cell = row.get(at).unwrap_or("").trim();
            cell.parse::<f64>().map_err(|_| {
                Error::invalid(
                    format!("csv line {line}.{}", &header[at]),
                    format!("`{cell}` is not a number"),
                )
            })
        };
        let customer = crate::retention::CustomerSummary::new(
            number(fields[0])?,
            number(fields[1])?,
            number(fields[2])?,
            monetary.map(number).transpose()?.unwrap_or(0.0),
        );
        customer.check(&format!("csv line {line}"))?;
        out.ids.push(id.to_string());
        out.customers.push(customer);
        Ok(())
    })?;
    Ok(out)
}

/// Reads every row of a CSV file after its header, each with the line it
/// starts on and its id (the first cell, trimmed): `what` names the ids in
/// errors (`record`, `customer`).
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming the line for an unreadable row or an
/// empty or repeated id, and whatever `f` returns.
fn for_each_row<R: Read>(
    reader: &mut csv::Reader<R>,
    what: &str,
    mut f: impl FnMut(u64, &str, &csv::StringRecord) -> Result<()>,
) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    let mut row = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut row) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => return Err(Error::invalid(format!("csv line {line}"), e)),
        }
        let id = row.get(0).unwrap_or("").trim();
        if id.is_empty() {
            return Err(Error::invalid(
                format!("csv line {line}"),
                format!("empty {what} id"),
            ));
        }
        if !seen.insert(id.to_string()) {
            return Err(Error::invalid(
                format!("csv line {line}"),
                format!("{what} id `{id}` repeated"),
            ));
        }
        f(line, id, &row)?;
    }
}
