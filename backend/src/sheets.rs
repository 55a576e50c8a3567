//! Uploaded spreadsheets read as rows of text: CSV (UTF-8, with or without a BOM, or GB18030
//! as Excel on a Chinese Windows saves it) or XLSX (its first sheet). Bounded whatever the file
//! claims: an XLSX is a zip, and each of its parts is inflated through a running cap before any
//! of it is parsed, so a small file that inflates to gigabytes (a zip bomb) is refused, not
//! read. Numbers in XLSX cells are doubles: they are written back as the shortest decimal that
//! reads as the same double (17.5335 stays "17.5335"), and then parsed like typed text, so an
//! area with a fifth decimal is refused as it would be in a form.

use std::io::{Cursor, Read, Write};

/// Most bytes all parts of an XLSX may inflate to.
pub const INFLATED_MAX: u64 = 16 * 1024 * 1024;
/// Most parts an XLSX may have (a plain workbook has about ten).
const PARTS_MAX: usize = 200;
/// Rows above the data an XLSX may have (a title, notes, the header) and columns any row may
/// use: a cell beyond them is refused before anything is laid out, so one far-away cell
/// (XFD1048576) cannot make the reader lay out billions of empty cells.
pub const LEAD_ROWS_MAX: usize = 10;
pub const COLUMNS_MAX: usize = 64;

/// Why an upload was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetError {
    /// Not CSV text and not a readable XLSX.
    Unreadable(String),
    /// Inflates beyond [`INFLATED_MAX`] or has too many parts.
    TooBig,
    /// More data rows than allowed.
    TooManyRows(usize),
}

/// The rows of an upload (the first is the header), at most `max_rows` after it.
pub fn rows(bytes: &[u8], max_rows: usize) -> Result<Vec<Vec<String>>, SheetError> {
    let rows = if bytes.starts_with(b"PK\x03\x04") {
        xlsx(bytes, max_rows + LEAD_ROWS_MAX + 1)?
    } else {
        csv_rows(bytes)?
    };
    // Trailing empty rows (a spreadsheet's formatting often leaves some) are not rows.
    let mut rows: Vec<Vec<String>> = rows;
    while rows
        .last()
        .is_some_and(|r| r.iter().all(|c| c.trim().is_empty()))
    {
        rows.pop();
    }
    let lead = rows
        .iter()
        .take_while(|r| r.iter().all(|c| c.trim().is_empty()))
        .count();
    if rows.len() > max_rows + 1 + lead.min(LEAD_ROWS_MAX) {
        return Err(SheetError::TooManyRows(rows.len() - 1 - lead));
    }
    Ok(rows)
}

fn text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, SheetError> {
    let text = text(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            r.map(|r| r.iter().map(str::to_string).collect())
                .map_err(|e| SheetError::Unreadable(e.to_string()))
        })
        .collect()
}

/// Inflates every part through the cap into a new archive that stores them as they are, and
/// reads the first sheet of that.
fn xlsx(bytes: &[u8], rows_max: usize) -> Result<Vec<Vec<String>>, SheetError> {
    let unreadable = |e: &dyn std::fmt::Display| SheetError::Unreadable(e.to_string());
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    if archive.len() > PARTS_MAX {
        return Err(SheetError::TooBig);
    }
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut inflated = 0u64;
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(|e| unreadable(&e))?;
        if part.is_dir() {
            continue;
        }
        let name = part.name().map_err(|e| unreadable(&e))?.to_string();
        let mut buffer = Vec::new();
        // One byte past what is left: reading it means the cap is passed.
        (&mut part)
            .take(INFLATED_MAX - inflated + 1)
            .read_to_end(&mut buffer)
            .map_err(|e| unreadable(&e))?;
        inflated += buffer.len() as u64;
        if inflated > INFLATED_MAX {
            return Err(SheetError::TooBig);
        }
        out.start_file(name, stored).map_err(|e| unreadable(&e))?;
        out.write_all(&buffer).map_err(|e| unreadable(&e))?;
    }
    let clean = out.finish().map_err(|e| unreadable(&e))?.into_inner();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(Cursor::new(clean)).map_err(|e| unreadable(&e))?;
    let is_1904 = book.has_1904_epoch();
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| SheetError::Unreadable("no sheet".into()))?;
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|e| unreadable(&e))?;
    // Cell by cell, at their places in the sheet (row 1 is the first row), each checked
    // against the bounds before it is placed.
    let mut rows: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
        let (row, column) = cell.get_position();
        let (row, column) = (row as usize, column as usize);
        if row >= rows_max {
            return Err(SheetError::TooManyRows(row));
        }
        if column >= COLUMNS_MAX {
            return Err(SheetError::Unreadable(format!(
                "a cell in column {} (at most {COLUMNS_MAX} columns)",
                column + 1
            )));
        }
        let text = cell_text(&calamine::Data::from(cell.get_value().clone()), is_1904);
        if text.is_empty() {
            continue;
        }
        if rows.len() <= row {
            rows.resize(row + 1, Vec::new());
        }
        let cells_of = &mut rows[row];
        if cells_of.len() <= column {
            cells_of.resize(column + 1, String::new());
        }
        cells_of[column] = text;
    }
    Ok(rows)
}

fn cell_text(cell: &calamine::Data, is_1904: bool) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        // An ISO date-time cell (2026-01-05T00:00:00): its date.
        Data::DateTimeIso(s) if s.len() > 10 && s.as_bytes().get(10) == Some(&b'T') => {
            s[..10].to_string()
        }
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => b.to_string(),
        // A workbook of the 1904 system counts from 1904-01-01: 1,462 days later.
        Data::DateTime(d) => {
            let serial = d.as_f64() + if is_1904 { 1_462.0 } else { 0.0 };
            excel_date(serial).unwrap_or_else(|| number(d.as_f64()))
        }
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A double as the shortest decimal that reads back as it (Rust's `Display`), without an
/// exponent for whole numbers.
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

/// An Excel date (days since 1899-12-30, the 1900 system) as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> Option<String> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let epoch = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    epoch
        .checked_add(time::Duration::days(serial.floor() as i64))
        .map(|d| d.to_string())
}

/// The import template (the header and one example row) as CSV, with a BOM so Excel reads
/// it as UTF-8.
pub fn template_csv(header: &[&str], example: &[&str]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    let mut writer = csv::Writer::from_writer(&mut out);
    for row in [header, example] {
        // Writing to memory does not fail.
        let _ = writer.write_record(row);
    }
    drop(writer);
    out
}

/// The import template as XLSX: the header in bold, one example row, every cell text (so
/// Excel keeps registration numbers and decimals as typed).
pub fn template_xlsx(
    header: &[&str],
    example: &[&str],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let text = rust_xlsxwriter::Format::new().set_num_format("@");
    let sheet = book.add_worksheet();
    sheet.set_name("复垦项目")?;
    for (col, (h, e)) in header.iter().zip(example).enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.set_column_width(col, 18)?;
        sheet.set_column_format(col, &text)?;
        sheet.write_string_with_format(0, col, *h, &bold)?;
        sheet.write_string(1, col, *e)?;
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_reads_in_utf8_with_or_without_bom_and_in_gb18030() {
        let utf8 = "项目名称,备案号\n太平镇项目,\"450422-2021-0007\"\n";
        assert_eq!(
            rows(utf8.as_bytes(), 10).expect("rows")[1],
            ["太平镇项目", "450422-2021-0007"]
        );
        let bom = [b"\xEF\xBB\xBF".as_slice(), utf8.as_bytes()].concat();
        assert_eq!(rows(&bom, 10).expect("rows")[0][0], "项目名称");
        let (gbk, _, _) = encoding_rs::GB18030.encode(utf8);
        assert_eq!(rows(&gbk, 10).expect("rows")[1][0], "太平镇项目");
        // Quoted commas and quotes, trailing empty rows.
        let quoted = "a,b\n\"x, \"\"y\"\"\",2\n,\n\n";
        let read = rows(quoted.as_bytes(), 10).expect("rows");
        assert_eq!(read, vec![vec!["a", "b"], vec!["x, \"y\"", "2"]]);
        assert_eq!(rows(b"h\n1\n2\n3\n", 2), Err(SheetError::TooManyRows(3)));
    }

    #[test]
    fn the_xlsx_template_reads_back_as_written() {
        let header = ["项目名称", "复垦面积（亩）"];
        let book = template_xlsx(&header, &["太平镇项目", "17.5335"]).expect("xlsx");
        assert_eq!(
            rows(&book, 10).expect("rows"),
            vec![
                vec!["项目名称", "复垦面积（亩）"],
                vec!["太平镇项目", "17.5335"]
            ]
        );
        let csv = template_csv(&header, &["太平镇项目", "17.5335"]);
        assert_eq!(rows(&csv, 10).expect("rows")[1][1], "17.5335");
    }

    #[test]
    fn one_far_away_cell_is_refused_before_anything_is_laid_out() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "项目名称").expect("a1");
        sheet.write_string(1_048_575, 16_383, "x").expect("xfd");
        let far = book.save_to_buffer().expect("xlsx");
        assert!(far.len() < 10_000, "{} bytes", far.len());
        assert!(matches!(rows(&far, 1_000), Err(SheetError::TooManyRows(_))));
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "项目名称").expect("a1");
        sheet.write_string(1, 200, "x").expect("gs2");
        let wide = book.save_to_buffer().expect("xlsx");
        assert!(matches!(rows(&wide, 1_000), Err(SheetError::Unreadable(_))));
    }

    #[test]
    fn rows_keep_their_places_in_the_sheet_below_a_blank_row_and_a_title() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(1, 0, "藤县复垦项目表").expect("title");
        sheet.write_string(2, 0, "项目名称").expect("header");
        sheet.write_string(2, 2, "备案号").expect("header");
        sheet.write_string(3, 0, "太平镇项目").expect("row");
        let book = book.save_to_buffer().expect("xlsx");
        let read = rows(&book, 10).expect("rows");
        assert_eq!(read[0], Vec::<String>::new());
        assert_eq!(read[1], ["藤县复垦项目表"]);
        assert_eq!(read[2], ["项目名称", "", "备案号"]);
        assert_eq!(read[3], ["太平镇项目"]);
        use calamine::Data;
        assert_eq!(
            cell_text(&Data::DateTimeIso("2026-01-05T00:00:00".into()), false),
            "2026-01-05"
        );
    }

    #[test]
    fn numbers_and_dates_of_cells_read_as_typed() {
        assert_eq!(number(17.5335), "17.5335");
        assert_eq!(number(30.0), "30");
        assert_eq!(number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(excel_date(45_000.0).as_deref(), Some("2023-03-15"));
        assert_eq!(excel_date(-1.0), None);
    }

    #[test]
    fn a_zip_that_inflates_past_the_cap_is_refused_before_it_is_parsed() {
        // 17 MiB of zeros deflate to a few KB.
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        out.start_file("xl/worksheets/sheet1.xml", deflated)
            .expect("start");
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..17 {
            out.write_all(&zeros).expect("write");
        }
        let bomb = out.finish().expect("zip").into_inner();
        assert!(bomb.len() < 100 * 1024, "{} bytes", bomb.len());
        assert_eq!(rows(&bomb, 10), Err(SheetError::TooBig));
        assert!(matches!(
            rows(b"PK\x03\x04not a zip", 10),
            Err(SheetError::Unreadable(_))
        ));
    }
}
