//! Reading a CSV export of customer records: the arguments `dedup` and
//! `standardize` share, and what they say on stderr about the file.

use std::fs::File;
use std::path::Path;

use ciclo::import::{read_csv_with, CsvOptions, Delimiter, Export};
use ciclo::standardize::dates::DateOrder;
use ciclo::standardize::{Country, Options};

/// How to read the records of an export.
#[derive(clap::Args, Debug)]
pub struct RecordInput {
    /// Map a column to a record field by hand (a field of ciclo::model::Record such
    /// as `surname` or `national_id`, or `ignore` to drop a column); repeatable
    #[arg(long = "map", value_name = "COLUMN=FIELD", value_parser = parse_mapping)]
    pub map: Vec<(String, String)>,

    /// The character between cells: `,` `;` `|` or `tab` [default: detected]
    #[arg(long, value_name = "D", value_parser = parse_delimiter)]
    pub delimiter: Option<Delimiter>,

    /// How dates written with numbers only are read: `dmy` (01/02/1990 is 1
    /// February) or `mdy` (2 January)
    #[arg(long, value_name = "ORDER", default_value = "dmy", value_parser = parse_date_order)]
    pub date_order: DateOrder,

    /// The country assumed for records that do not tell theirs (phones written
    /// domestically, identifiers without a country): an ISO 3166 code such as AR
    #[arg(long, value_name = "CC", value_parser = parse_country)]
    pub country: Option<Country>,
}

impl RecordInput {
    /// Reads the export at `path`, saying on stderr which delimiter was used and
    /// which columns were ignored.
    pub fn read(&self, path: &Path) -> Result<Export, String> {
        let name = path.display();
        let file = File::open(path).map_err(|e| format!("{name}: {e}"))?;
        let options = CsvOptions {
            delimiter: self.delimiter,
            mapping: self.map.clone(),
        };
        let export = read_csv_with(file, &options).map_err(|e| match &e {
            ciclo::Error::InvalidArgument { field, .. } if field == "csv header" => format!(
                "{name}: {e}\n(--map COLUMN=FIELD maps a column by hand; --delimiter sets the delimiter)"
            ),
            ciclo::Error::InvalidArgument { field, message } if field == "mapping" => {
                format!("--map: {message}")
            }
            _ => format!("{name}: {e}"),
        })?;
        if let Some(format) = export.csv {
            let how = if format.detected { "detected" } else { "given" };
            eprintln!("delimiter: {} ({how})", format.delimiter);
        }
        let ignored: Vec<&str> = export
            .columns
            .iter()
            .filter(|(_, field)| field.is_none())
            .map(|(column, _)| column.as_str())
            .collect();
        if !ignored.is_empty() {
            eprintln!("ignored columns: {}", ignored.join(", "));
        }
        Ok(export)
    }

    /// The standardisation options: the country and date order given, birth
    /// dates judged against today's date (UTC).
    pub fn options(&self) -> Options {
        let today = time::OffsetDateTime::now_utc().date();
        Options::new(self.country, today).with_date_order(self.date_order)
    }
}

fn parse_mapping(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((column, field)) if !column.is_empty() && !field.is_empty() => {
            Ok((column.to_string(), field.to_string()))
        }
        _ => Err("expected COLUMN=FIELD, such as \"Apellido=surname\"".to_string()),
    }
}

fn parse_delimiter(text: &str) -> Result<Delimiter, String> {
    Delimiter::parse(text).ok_or_else(|| "expected one of , ; | tab".to_string())
}

fn parse_date_order(text: &str) -> Result<DateOrder, String> {
    DateOrder::parse(text).ok_or_else(|| "expected dmy or mdy".to_string())
}

fn parse_country(text: &str) -> Result<Country, String> {
    Country::parse(text).ok_or_else(|| "not an ISO 3166 two-letter country code".to_string())
}
