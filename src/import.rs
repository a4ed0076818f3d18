//! Reading customer exports: a CSV file with a header row, or JSON lines; and
//! customer summaries for the customer-base models ([`read_summaries_csv`]).
//!
//! A CSV export's first column is the record id. The other columns are recognised
//! by name: the record's own field names, FEBRL's and dupes_es's, and the usual
//! English and Spanish ones (`first_name`, `nombre`, `apellidos`, `telefono`,
//! `codigo_postal`, `fecha_nacimiento`, `dni`, ...), compared without case,
//! accents or punctuation. Columns that are not recognised (such as a
//! `cluster_id`) are ignored unless mapped by hand.
//!
//! Sales exports (one purchase line per row) are read by [`transactions`].

use std::io::{BufRead, Read};

pub mod transactions;

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
    /// How a CSV export was read (its delimiter, and whether that was
    /// detected); `None` for JSON lines.
    pub csv: Option<CsvFormat>,
}

/// The character between the cells of a CSV file.
///
/// Excel writes "CSV" with the list separator of the system's region: `,` in
/// English, `;` where the comma is the decimal separator (Spain, Argentina and
/// most of Latin America and Europe). Text exports from databases often use a
/// tab or `|`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Delimiter {
    /// `,`
    Comma,
    /// `;`
    Semicolon,
    /// A tab.
    Tab,
    /// `|`
    Pipe,
}

impl Delimiter {
    /// Every delimiter, in the order that breaks a tie in detection.
    pub const ALL: [Delimiter; 4] = [
        Delimiter::Comma,
        Delimiter::Semicolon,
        Delimiter::Tab,
        Delimiter::Pipe,
    ];

    /// The byte written between cells.
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
            Delimiter::Pipe => b'|',
        }
    }

    /// Reads a delimiter as a person would give it on a command line: the
    /// character itself (`,` `;` `|`, a tab), `\t`, or its name (`comma`,
    /// `semicolon`, `tab`, `pipe`, in any case); `None` for anything else.
    ///
    /// ```
    /// use ciclo::import::Delimiter;
    ///
    /// assert_eq!(Delimiter::parse(";"), Some(Delimiter::Semicolon));
    /// assert_eq!(Delimiter::parse("tab"), Some(Delimiter::Tab));
    /// assert_eq!(Delimiter::parse(":"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Delimiter> {
        let named = |name: &str| text.eq_ignore_ascii_case(name);
        Some(match text {
            "," => Delimiter::Comma,
            ";" => Delimiter::Semicolon,
            "\t" | "\\t" => Delimiter::Tab,
            "|" => Delimiter::Pipe,
            _ if named("comma") => Delimiter::Comma,
            _ if named("semicolon") => Delimiter::Semicolon,
            _ if named("tab") => Delimiter::Tab,
            _ if named("pipe") => Delimiter::Pipe,
            _ => return None,
        })
    }

    /// The delimiter of a CSV file, from its first bytes: the one that splits
    /// the header line into the most columns (two at least) and the first data
    /// lines into as many as the header, quoted cells read as one (so that
    /// `"García, Ana"` in a `;` file does not count as two). When no
    /// delimiter makes more than one column, [`Delimiter::Comma`]. `complete`
    /// says whether `sample` is the whole file (else its last line may be
    /// cut, and is not looked at).
    ///
    /// ```
    /// use ciclo::import::Delimiter;
    ///
    /// let text = b"id;nombre;direccion\nr1;Ana;\"Corrientes 1234, 5B\"\n";
    /// assert_eq!(Delimiter::detect(text, true), Delimiter::Semicolon);
    /// ```
    pub fn detect(sample: &[u8], complete: bool) -> Delimiter {
        let mut best = (false, 0, Delimiter::Comma);
        for delimiter in Delimiter::ALL {
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(delimiter.byte())
                .has_headers(false)
                .flexible(true)
                .from_reader(sample);
            let mut row = csv::ByteRecord::new();
            let mut lengths = Vec::new();
            let mut ended = false;
            while lengths.len() <= SAMPLE_ROWS {
                match reader.read_byte_record(&mut row) {
                    Ok(true) => lengths.push(row.len()),
                    _ => {
                        ended = true;
                        break;
                    }
                }
            }
            if ended && !complete && lengths.len() > 1 {
                lengths.pop();
            }
            let Some((&columns, rows)) = lengths.split_first() else {
                continue;
            };
            let agreed = columns > 1 && rows.iter().all(|&n| n == columns);
            if (agreed, columns) > (best.0, best.1) {
                best = (agreed, columns, delimiter);
            }
        }
        best.2
    }
}

impl std::fmt::Display for Delimiter {
    /// `','`, `';'`, `'\t'`, `'|'`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Delimiter::Comma => "','",
            Delimiter::Semicolon => "';'",
            Delimiter::Tab => "'\\t'",
            Delimiter::Pipe => "'|'",
        })
    }
}

/// How a CSV export was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvFormat {
    /// The delimiter between cells.
    pub delimiter: Delimiter,
    /// Whether the delimiter was detected ([`Delimiter::detect`]) rather than
    /// given in [`CsvOptions::delimiter`].
    pub detected: bool,
    /// Whether the file started with a UTF-8 byte order mark (which Excel
    /// writes in "CSV UTF-8"), skipped.
    pub bom: bool,
}

/// How to read a CSV export ([`read_csv_with`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// The delimiter between cells; `None` (the default) to detect it
    /// ([`Delimiter::detect`]).
    pub delimiter: Option<Delimiter>,
    /// More columns mapped by hand, as `(column, field)` pairs: `field` is a
    /// [`RecordField::name`], or `ignore` to drop a column that would be
    /// recognised.
    pub mapping: Vec<(String, String)>,
}

/// How many bytes from the start of a CSV file [`Delimiter::detect`] looks at.
const SAMPLE_BYTES: u64 = 64 * 1024;

/// How many data lines after the header [`Delimiter::detect`] looks at, at most.
const SAMPLE_ROWS: usize = 20;

/// Reads a CSV export: a header row, the record id in the first column, the
/// delimiter detected ([`read_csv_with`] with the default [`CsvOptions`] and
/// `mapping`).
///
/// `mapping` maps more columns by hand, as `(column, field)` pairs: `field` is a
/// [`RecordField::name`], or `ignore` to drop a column that would be recognised.
/// Empty cells are absent values.
///
/// # Errors
///
/// As [`read_csv_with`].
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
    let options = CsvOptions {
        delimiter: None,
        mapping: mapping.to_vec(),
    };
    read_csv_with(reader, &options)
}

/// Reads a CSV export: a header row, the record id in the first column, the
/// other columns recognised by name ([`RecordField::recognise`]) or mapped in
/// `options`; the delimiter given in `options` or detected from the header
/// line and the first data lines ([`Delimiter::detect`]). The text must be
/// UTF-8; a UTF-8 byte order mark is skipped. Empty cells are absent values.
///
/// [`Export::csv`] says which delimiter was used, and whether it was detected.
///
/// # Errors
///
/// [`Error::InvalidArgument`]:
///
/// - naming `csv header` when no column after the id is recognised or mapped
///   (the message quotes the columns seen, so that a file split with the
///   wrong delimiter shows as one long column), when two columns fill one
///   field, when a mapping names an unknown column or field, and when the file
///   is UTF-16 (which Excel writes as "Unicode text");
/// - naming the line (`csv line 3`) for an unreadable row, a row with the
///   wrong number of cells, an empty or repeated record id, or text that is not
///   UTF-8: the message names the column and the byte of the cell, and when the
///   bytes look like Windows-1252 or Latin-1 (as Excel writes plain "CSV" in
///   Spanish: `0xF1` for `ñ`) it says so, shows the cell read that way, and
///   says how to convert the file (`iconv -f WINDOWS-1252 -t UTF-8 in.csv >
///   out.csv`, or in Excel, save as "CSV UTF-8").
///
/// ```
/// use ciclo::import::{read_csv_with, CsvOptions, Delimiter};
///
/// let csv = "id;nombre;apellido;direccion\nr1;Ana;López;\"Corrientes 1234, 5B\"\n";
/// let export = read_csv_with(csv.as_bytes(), &CsvOptions::default())?;
/// let format = export.csv.unwrap();
/// assert_eq!((format.delimiter, format.detected), (Delimiter::Semicolon, true));
/// assert_eq!(export.records[0].street.as_deref(), Some("Corrientes 1234, 5B"));
///
/// let err = read_csv_with("id;nombre\nr1;Ana\n".as_bytes(), &CsvOptions {
///     delimiter: Some(Delimiter::Comma),
///     ..CsvOptions::default()
/// })
/// .unwrap_err();
/// assert!(err.to_string().contains(r#"no known column found; columns seen: "id;nombre""#));
/// # Ok::<(), ciclo::Error>(())
/// ```
pub fn read_csv_with<R: Read>(reader: R, options: &CsvOptions) -> Result<Export> {
    let (mut reader, header, format) = open_csv(reader, options.delimiter)?;
    if header.is_empty() {
        return Err(Error::invalid("csv header", "no columns"));
    }
    let mut columns: Vec<(String, Option<RecordField>)> = header
        .iter()
        .skip(1)
        .map(|h| (h.to_string(), RecordField::recognise(h)))
        .collect();
    for (column, field) in &options.mapping {
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
    if columns.iter().all(|(_, f)| f.is_none()) {
        return Err(no_known_column(&header, format.delimiter));
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
        csv: Some(format),
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

/// A CSV export opened: the reader past the header, the header as text, and
/// how the file is written.
type OpenedCsv<R> = (
    csv::Reader<std::io::Chain<std::io::Cursor<Vec<u8>>, R>>,
    csv::StringRecord,
    CsvFormat,
);

/// Opens a CSV export, for every reader of this module (person records,
/// [`transactions`]): refuses a gzip-compressed file (with the command to
/// decompress it) and a UTF-16 one (by its byte order mark, or the zero bytes
/// of its ASCII letters, as Excel's "Unicode text" writes), skips a UTF-8
/// byte order mark, takes `delimiter` or detects it ([`Delimiter::detect`])
/// from the first [`SAMPLE_BYTES`], and reads the header, whose text must be
/// UTF-8 (an error names the column and, when the bytes look like
/// Windows-1252, says so and how to convert).
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming `csv header`.
fn open_csv<R: Read>(mut reader: R, delimiter: Option<Delimiter>) -> Result<OpenedCsv<R>> {
    let mut sample = Vec::new();
    (&mut reader)
        .take(SAMPLE_BYTES)
        .read_to_end(&mut sample)
        .map_err(|e| Error::invalid("csv header", e))?;
    let complete = (sample.len() as u64) < SAMPLE_BYTES;
    if sample.starts_with(&[0x1F, 0x8B]) {
        return Err(Error::invalid(
            "csv header",
            "the file is gzip-compressed: decompress it first (zcat file.csv.gz > file.csv), \
             or pipe it (zcat file.csv.gz | ... -)",
        ));
    }
    let first_line = sample.split(|b| *b == b'\n').next().unwrap_or_default();
    if sample.starts_with(&[0xFF, 0xFE])
        || sample.starts_with(&[0xFE, 0xFF])
        || first_line.contains(&0)
    {
        return Err(Error::invalid(
            "csv header",
            "the file is UTF-16 (it starts with a UTF-16 byte order mark, or its header holds \
             zero bytes), not UTF-8: save it from Excel as \"CSV UTF-8\", or convert it \
             (iconv -f UTF-16 -t UTF-8 in.csv > out.csv)",
        ));
    }
    let bom = sample.starts_with(b"\xEF\xBB\xBF");
    if bom {
        sample.drain(..3);
    }
    let format = CsvFormat {
        delimiter: delimiter.unwrap_or_else(|| Delimiter::detect(&sample, complete)),
        detected: delimiter.is_none(),
        bom,
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(format.delimiter.byte())
        .flexible(false)
        .from_reader(std::io::Cursor::new(sample).chain(reader));
    let header = reader
        .byte_headers()
        .map_err(|e| Error::invalid("csv header", e))?
        .clone();
    let header = text_record(header, 1, None).map_err(|e| match e {
        Error::InvalidArgument { message, .. } => Error::invalid("csv header", message),
        other => other,
    })?;
    Ok((reader, header, format))
}

/// The error for a header where no column after the id means a field: the
/// columns seen, quoted, and what to do.
fn no_known_column(header: &csv::StringRecord, delimiter: Delimiter) -> Error {
    const SHOWN: usize = 12;
    let mut seen = header
        .iter()
        .take(SHOWN)
        .map(|h| format!("\"{}\"", crate::model::time::clip(h).escape_debug()))
        .collect::<Vec<_>>()
        .join(", ");
    if header.len() > SHOWN {
        seen.push_str(&format!(" and {} more", header.len() - SHOWN));
    }
    let mut message = format!("no known column found; columns seen: {seen} (split at {delimiter}");
    if header.len() == 1 {
        let others: Vec<String> = Delimiter::ALL
            .iter()
            .filter(|d| **d != delimiter && header[0].as_bytes().contains(&d.byte()))
            .map(|d| d.to_string())
            .collect();
        if !others.is_empty() {
            message.push_str(&format!(
                "; the header holds {}: is that the delimiter?",
                others.join(" and ")
            ));
        }
    }
    let fields: Vec<&str> = NAMES.iter().map(|(f, _)| f.name()).collect();
    message.push_str(&format!(
        "). The first column is the record id and at least one other must fill a field: \
         name the columns as ciclo::import knows them, or map them by hand as \
         column=field (fields: {})",
        fields.join(", ")
    ));
    Error::invalid("csv header", message)
}

/// A row's cells as text, or an error naming the line, the column and the
/// byte of the first cell that is not UTF-8 (with a hint when the bytes look
/// like Windows-1252).
fn text_record(
    row: csv::ByteRecord,
    line: u64,
    header: Option<&csv::StringRecord>,
) -> Result<csv::StringRecord> {
    csv::StringRecord::from_byte_record(row).map_err(|e| {
        let (field, at) = (e.utf8_error().field(), e.utf8_error().valid_up_to());
        let row = e.into_byte_record();
        let cell = row.get(field).unwrap_or_default();
        let column = match header.and_then(|h| h.get(field)) {
            Some(name) => format!(
                "column {} (`{}`)",
                field + 1,
                crate::model::time::clip(name)
            ),
            None => format!("column {}", field + 1),
        };
        let byte = cell.get(at).copied().unwrap_or_default();
        let mut message = format!(
            "invalid UTF-8 in {column}, byte {} of the cell (0x{byte:02X}): the file is not UTF-8",
            at + 1
        );
        if looks_like_windows_1252(cell) {
            let read: String = cell.iter().map(|&b| windows_1252(b)).collect();
            message.push_str(&format!(
                "; its bytes look like Windows-1252 (or Latin-1), as Excel saves plain \
                 \"CSV\" in Spanish, where the cell reads \"{}\"",
                crate::model::time::clip(&read).escape_debug()
            ));
            message.push_str(
                ": convert the file to UTF-8 (iconv -f WINDOWS-1252 -t UTF-8 in.csv > out.csv), \
                 or save it from Excel as \"CSV UTF-8\"",
            );
        } else {
            message.push_str(
                ": convert it to UTF-8 from its encoding \
                 (iconv -f ENCODING -t UTF-8 in.csv > out.csv), \
                 or save it from Excel as \"CSV UTF-8\"",
            );
        }
        Error::invalid(format!("csv line {line}"), message)
    })
}

/// Whether bytes that are not UTF-8 read as text in Windows-1252: every byte
/// past ASCII is a letter or a sign usual in Spanish text (`ñ` `á` `º` `¿`
/// `€` `“`), as in `Mu\xF1oz`.
fn looks_like_windows_1252(bytes: &[u8]) -> bool {
    bytes.iter().filter(|b| !b.is_ascii()).all(|&b| {
        let c = windows_1252(b);
        c.is_alphabetic() || "¡¿ªº°´·€‘’“”–—…".contains(c)
    })
}

/// A byte as Windows-1252 reads it (Latin-1 above 0x9F); `\u{FFFD}` for the
/// five bytes it leaves undefined.
fn windows_1252(byte: u8) -> char {
    const C1: [char; 32] = [
        '€', '\u{FFFD}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{FFFD}', 'Ž',
        '\u{FFFD}', '\u{FFFD}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ',
        '\u{FFFD}', 'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => C1[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
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

    #[test]
    fn delimiters_are_detected_with_quotes_respected() {
        use Delimiter::*;
        let detect = |text: &str| Delimiter::detect(text.as_bytes(), true);
        assert_eq!(detect("id,a,b\n1,2,3\n"), Comma);
        assert_eq!(detect("id;a;b\n1;2;3\n"), Semicolon);
        assert_eq!(detect("id\ta\tb\n1\t2\t3\n"), Tab);
        assert_eq!(detect("id|a|b\n1|2|3\n"), Pipe);
        // Quoted cells holding the other delimiters.
        assert_eq!(detect("id;a;b\n1;\"x, y, z\";3\n2;\"p,q\";r\n"), Semicolon);
        assert_eq!(detect("id,a,b\n1,\"x; y; z; w\",3\n"), Comma);
        assert_eq!(detect("id|a\n1|\"x,y;z\tw\"\n"), Pipe);
        // The header alone: the delimiter that splits it most.
        assert_eq!(detect("id;nombre;apellido,segundo\n"), Semicolon);
        // Data lines decide between two that split the header alike.
        assert_eq!(detect("id;a,b\n1;2,3;4\n5;6,7;8\n"), Comma);
        // One column, or nothing: a comma.
        assert_eq!(detect("id\n1\n"), Comma);
        assert_eq!(detect(""), Comma);
        // A sample cut in the middle of a line: that line is not looked at.
        assert_eq!(Delimiter::detect(b"id;a;b\n1;2;3\n4;5", false), Semicolon);
        assert_eq!(Delimiter::detect(b"id;a;b\n1;2;3\n4;5", true), Semicolon);
        for d in Delimiter::ALL {
            assert_eq!(Delimiter::parse(&char::from(d.byte()).to_string()), Some(d));
        }
        assert_eq!(Semicolon.to_string(), "';'");
        assert_eq!(Tab.to_string(), "'\\t'");
        assert_eq!(Delimiter::parse("\\t"), Some(Tab));
        assert_eq!(Delimiter::parse("PIPE"), Some(Pipe));
        assert_eq!(Delimiter::parse(",,"), None);
    }

    #[test]
    fn windows_1252_is_recognised() {
        assert!(looks_like_windows_1252(b"Mu\xF1oz"));
        assert!(looks_like_windows_1252(b"\xC1lvarez \x93Pepe\x94 1\xBA"));
        assert!(!looks_like_windows_1252(b"\x81\x8D"));
        assert!(!looks_like_windows_1252(b"\xA4\xA6"));
        let read: String = b"Mu\xF1oz \x80".iter().map(|&b| windows_1252(b)).collect();
        assert_eq!(read, "Muñoz €");
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
/// [`Error::InvalidArgument`] naming the line for an unreadable row, text
/// that is not UTF-8 (naming the column and the byte too), or an empty or
/// repeated id; and whatever `f` returns.
fn for_each_row<R: Read>(
    reader: &mut csv::Reader<R>,
    what: &str,
    mut f: impl FnMut(u64, &str, &csv::StringRecord) -> Result<()>,
) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    let header = reader
        .byte_headers()
        .ok()
        .and_then(|h| csv::StringRecord::from_byte_record(h.clone()).ok());
    let mut bytes = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut bytes) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => return Err(Error::invalid(format!("csv line {line}"), e)),
        }
        let row = text_record(std::mem::take(&mut bytes), line, header.as_ref())?;
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
        bytes = row.into_byte_record();
    }
}
