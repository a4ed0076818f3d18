//! Reading the data steward's file: CSV exports with any of the usual
//! delimiters, a byte order mark, Windows-1252 bytes, columns nobody knows.

use ciclo::import::{read_csv, read_csv_with, CsvOptions, Delimiter, Export, RecordField};
use ciclo::Error;

fn read(bytes: &[u8]) -> Export {
    read_csv(bytes, &[]).unwrap_or_else(|e| panic!("{e}"))
}

fn fail(bytes: &[u8], options: &CsvOptions) -> (String, String) {
    match read_csv_with(bytes, options) {
        Err(Error::InvalidArgument { field, message }) => (field, message),
        Err(other) => panic!("expected InvalidArgument, got {other:?}"),
        Ok(export) => panic!("expected an error, read {export:?}"),
    }
}

/// The same three records, with cells that hold every other delimiter, in
/// `delimiter`: each cell quoted when it holds the delimiter or a quote.
fn export_in(delimiter: char) -> String {
    let rows = [
        ["id", "nombre", "apellido", "direccion", "email"],
        [
            "r1",
            "Ana",
            "López",
            "Corrientes 1234, 5º B; fondo | timbre\t2",
            "ana@example.com",
        ],
        [
            "r2",
            "José \"Pepe\"",
            "García",
            "Calle Mayor 5",
            "pepe@example.es",
        ],
        ["r3", "", "Pérez", "Av. Rivadavia 100", ""],
    ];
    let mut text = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|cell| {
                if cell.contains(delimiter) || cell.contains('"') {
                    format!("\"{}\"", cell.replace('"', "\"\""))
                } else {
                    cell.to_string()
                }
            })
            .collect();
        text.push_str(&cells.join(&delimiter.to_string()));
        text.push_str("\r\n");
    }
    text
}

#[test]
fn every_delimiter_reads_the_same_records() {
    let comma = read(export_in(',').as_bytes());
    assert_eq!(comma.ids, ["r1", "r2", "r3"]);
    assert_eq!(
        comma.records[0].street.as_deref(),
        Some("Corrientes 1234, 5º B; fondo | timbre\t2")
    );
    assert_eq!(
        comma.records[1].given_name.as_deref(),
        Some("José \"Pepe\"")
    );
    assert_eq!(comma.records[2].given_name, None, "an empty cell is absent");
    for (c, delimiter) in [
        (',', Delimiter::Comma),
        (';', Delimiter::Semicolon),
        ('\t', Delimiter::Tab),
        ('|', Delimiter::Pipe),
    ] {
        let export = read(export_in(c).as_bytes());
        let format = export.csv.unwrap();
        assert_eq!(format.delimiter, delimiter);
        assert!(format.detected);
        assert!(!format.bom);
        assert_eq!(export.records, comma.records, "{delimiter}");
        assert_eq!(export.columns, comma.columns, "{delimiter}");

        // Given rather than detected: the same.
        let options = CsvOptions {
            delimiter: Some(delimiter),
            ..CsvOptions::default()
        };
        let given = read_csv_with(export_in(c).as_bytes(), &options).unwrap();
        assert_eq!(given.records, comma.records);
        assert!(!given.csv.unwrap().detected);
    }
}

#[test]
fn a_semicolon_export_is_not_one_column() {
    // What Excel writes in es-AR and es-ES; it used to read as one column.
    let text = "id;nombre;apellido;fecha_nacimiento;telefono\n\
                1;María;González;01/02/1990;011 4567-8901\n\
                2;Maria;Gonzalez;01/02/1990;011 4567 8901\n";
    let export = read(text.as_bytes());
    assert_eq!(export.csv.unwrap().delimiter, Delimiter::Semicolon);
    assert_eq!(export.columns.len(), 4);
    assert_eq!(export.records[1].surname.as_deref(), Some("Gonzalez"));
    assert_eq!(export.records[0].birth_date.as_deref(), Some("01/02/1990"));
}

#[test]
fn the_first_data_lines_confirm_the_delimiter() {
    // The header has as many `,` as `;`; the rows agree only with `;`.
    let text = "id;nombre,apellido;email\n\
                r1;Ana, López;ana@example.com\n\
                r2;Pepe;pepe@example.es\n";
    let export = read_csv_with(
        text.as_bytes(),
        &CsvOptions {
            mapping: vec![("nombre,apellido".into(), "full_name".into())],
            ..CsvOptions::default()
        },
    )
    .unwrap();
    assert_eq!(export.csv.unwrap().delimiter, Delimiter::Semicolon);
    assert_eq!(export.records[0].full_name.as_deref(), Some("Ana, López"));
}

#[test]
fn a_long_file_is_read_whole_past_the_sample() {
    // Larger than what detection looks at, with a line cut at its edge.
    let mut text = String::from("id;given_name;email\n");
    let mut n = 0;
    while text.len() < 200_000 {
        text.push_str(&format!("r{n};Ana {n};ana{n}@example.com\n"));
        n += 1;
    }
    let export = read(text.as_bytes());
    assert_eq!(export.csv.unwrap().delimiter, Delimiter::Semicolon);
    assert_eq!(export.records.len(), n);
    assert_eq!(
        export.records[n - 1].email.as_deref(),
        Some(format!("ana{}@example.com", n - 1).as_str())
    );
}

#[test]
fn a_utf8_byte_order_mark_is_skipped() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(export_in(';').as_bytes());
    let export = read(&bytes);
    let format = export.csv.unwrap();
    assert!(format.bom);
    assert_eq!(format.delimiter, Delimiter::Semicolon);
    assert_eq!(export.ids, ["r1", "r2", "r3"], "no BOM in the first id");
    // The header's first column is `id`, not `\u{feff}id`: a mapping by name
    // of the second column works, and so does the first data cell.
    let mut bytes = b"\xEF\xBB\xBFcodigo,correo\nc1,a@b.ar\n".to_vec();
    let export = read_csv(bytes.as_slice(), &[("correo".into(), "email".into())]).unwrap();
    assert_eq!(export.ids, ["c1"]);
    bytes.truncate(3);
    let (field, message) = fail(&bytes, &CsvOptions::default());
    assert_eq!(field, "csv header");
    assert!(message.contains("no columns"), "{message}");
}

#[test]
fn utf16_is_refused_with_what_to_do() {
    let bytes = b"\xFF\xFEi\0d\0;\0";
    let (field, message) = fail(bytes, &CsvOptions::default());
    assert_eq!(field, "csv header");
    assert!(message.contains("UTF-16"), "{message}");
    assert!(message.contains("CSV UTF-8"), "{message}");
}

#[test]
fn utf16_without_a_byte_order_mark_and_gzip_are_refused() {
    // The opener is shared with the transactions reader: both refuse alike.
    let (field, message) = fail(b"i\0d\0;\0n\0", &CsvOptions::default());
    assert_eq!(field, "csv header");
    assert!(message.contains("UTF-16"), "{message}");
    let (field, message) = fail(b"\x1f\x8b\x08\0\0\0\0\0", &CsvOptions::default());
    assert_eq!(field, "csv header");
    assert!(
        message.contains("gzip-compressed") && message.contains("zcat"),
        "{message}"
    );
}

#[test]
fn windows_1252_bytes_are_named_with_a_hint() {
    // `Muñoz` and `Pérez` as Excel writes plain "CSV" in Spanish.
    let bytes = b"id;nombre;apellido\nr1;Ana;Garcia\nr2;Jos\xE9;Mu\xF1oz\n";
    let (field, message) = fail(bytes, &CsvOptions::default());
    assert_eq!(field, "csv line 3");
    assert!(
        message.starts_with(
            "invalid UTF-8 in column 2 (`nombre`), byte 4 of the cell (0xE9): the file is not UTF-8"
        ),
        "{message}"
    );
    assert!(message.contains("Windows-1252"), "{message}");
    assert!(message.contains("the cell reads \"José\""), "{message}");
    assert!(
        message.contains("iconv -f WINDOWS-1252 -t UTF-8 in.csv > out.csv"),
        "{message}"
    );
    assert!(message.contains("\"CSV UTF-8\""), "{message}");

    // In the header: named as the header's.
    let bytes = b"id;direcci\xF3n;tel\xE9fono\nr1;a;b\n";
    let (field, message) = fail(bytes, &CsvOptions::default());
    assert_eq!(field, "csv header");
    assert!(message.contains("column 2, byte 8"), "{message}");
    assert!(message.contains("\"dirección\""), "{message}");

    // Bytes that are no text in Windows-1252 either: a plain hint.
    let bytes = b"id,email\nr1,\x81\x8D\n";
    let (field, message) = fail(bytes, &CsvOptions::default());
    assert_eq!(field, "csv line 2");
    assert!(!message.contains("Windows-1252"), "{message}");
    assert!(message.contains("iconv -f ENCODING"), "{message}");
}

#[test]
fn no_known_column_is_an_error_that_shows_the_columns() {
    // A `;` file read with `,` forced: one column.
    let options = CsvOptions {
        delimiter: Some(Delimiter::Comma),
        ..CsvOptions::default()
    };
    let (field, message) = fail(b"id;nombre;apellido\n1;Ana;Lopez\n", &options);
    assert_eq!(field, "csv header");
    assert!(
        message.starts_with(
            "no known column found; columns seen: \"id;nombre;apellido\" (split at ','; the header holds ';': is that the delimiter?)."
        ),
        "{message}"
    );
    assert!(message.contains("column=field"), "{message}");
    assert!(message.contains("given_name"), "{message}");

    // Only an id column: refused, not 0 pairs compared.
    let (_, message) = fail(b"id\n1\n2\n", &CsvOptions::default());
    assert!(message.contains("columns seen: \"id\""), "{message}");
    // Columns, none known.
    let (_, message) = fail(b"id,foo,bar\n1,a,b\n", &CsvOptions::default());
    assert!(
        message.contains("columns seen: \"id\", \"foo\", \"bar\""),
        "{message}"
    );
    // Known, but mapped away.
    let options = CsvOptions {
        mapping: vec![("email".into(), "ignore".into())],
        ..CsvOptions::default()
    };
    let (_, message) = fail(b"id,email\n1,a@b.ar\n", &options);
    assert!(message.starts_with("no known column found"), "{message}");
    // Unknown, mapped by hand: read.
    let export = read_csv(
        b"id,foo\n1,a@b.ar\n".as_slice(),
        &[("foo".into(), "email".into())],
    )
    .unwrap();
    assert_eq!(
        export.columns,
        [("foo".to_string(), Some(RecordField::Email))]
    );
}

#[test]
fn rows_that_disagree_with_the_header_name_their_line() {
    let (field, message) = fail(
        b"id;nombre;apellido\n1;Ana;Lopez\n2;Pepe\n",
        &CsvOptions::default(),
    );
    assert_eq!(field, "csv line 3");
    assert!(message.contains("fields"), "{message}");
}

#[test]
fn json_lines_have_no_csv_format() {
    let export = ciclo::import::read_json_lines(b"{\"id\": \"r1\"}\n".as_slice()).unwrap();
    assert_eq!(export.csv, None);
}
