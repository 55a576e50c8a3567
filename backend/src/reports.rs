//! Exports for finance: proceeds, allocations and trades as CSV (UTF-8 with BOM, so Excel on
//! a Chinese Windows opens it without mojibake) and XLSX (Chinese headers, numeric cells with
//! thousands separators, a totals row). Totals are summed exactly in 分 / 0.0001 亩 before
//! they are written.

use quota_shared::{Area, Money, UnitPrice};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

/// One cell of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Money(Money),
    /// A price per 亩: shown like money, never totalled.
    Price(UnitPrice),
    Area(Area),
    Int(i64),
}

/// A table with a title, Chinese headers, rows, and a totals row over its money and area columns.
#[derive(Debug, Clone)]
pub struct Report {
    /// File name without extension, e.g. `proceeds-2026`.
    pub file_stem: String,
    /// Worksheet name (at most 31 characters).
    pub sheet: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Report {
    /// The totals row: exact sums of money and area columns, "合计" in the first column.
    pub fn totals(&self) -> Vec<Cell> {
        let mut totals = Totals::new(self.headers.len());
        self.rows.iter().for_each(|row| totals.add(row));
        totals.row()
    }

    /// CSV in UTF-8 with a byte-order mark; amounts as plain decimals (no separators).
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = csv_header(&self.headers);
        for row in self.rows.iter().chain(std::iter::once(&self.totals())) {
            out.push_str(&csv_line(row));
        }
        out.into_bytes()
    }

    /// XLSX with numeric cells: money "#,##0.00", area "#,##0.0000".
    pub fn to_xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        let mut sheet = XlsxSheet::new(&self.sheet, &self.headers, false)?;
        for row in &self.rows {
            sheet.row(row, false)?;
        }
        sheet.row(&self.totals(), true)?;
        sheet.workbook.save_to_buffer()
    }
}

/// Exact running totals of a table's money and area columns, a row at a time, so a table
/// written in pages ends with the same totals row as one held whole. A column is totalled
/// when every row holds money in it (or every row an area); a sum beyond the range, or any
/// other cell, leaves it empty.
pub struct Totals {
    columns: Vec<ColumnTotal>,
}

#[derive(Clone, Copy)]
struct ColumnTotal {
    money: Option<Money>,
    area: Option<Area>,
    any: bool,
}

impl Totals {
    pub fn new(columns: usize) -> Self {
        let empty = ColumnTotal {
            money: Some(Money::ZERO),
            area: Some(Area::ZERO),
            any: false,
        };
        Self {
            columns: vec![empty; columns],
        }
    }

    pub fn add(&mut self, row: &[Cell]) {
        for (c, total) in self.columns.iter_mut().enumerate() {
            match row.get(c) {
                Some(Cell::Money(m)) => {
                    total.money = total.money.and_then(|t| t.checked_add(*m).ok());
                    total.area = None;
                    total.any = true;
                }
                Some(Cell::Area(a)) => {
                    total.area = total.area.and_then(|t| t.checked_add(*a).ok());
                    total.money = None;
                    total.any = true;
                }
                _ => {
                    total.money = None;
                    total.area = None;
                }
            }
        }
    }

    /// "合计" in the first column, then each column's total.
    pub fn row(&self) -> Vec<Cell> {
        self.columns
            .iter()
            .enumerate()
            .map(|(c, t)| match (c, t.any, t.money, t.area) {
                (0, ..) => Cell::Text("合计".into()),
                (_, true, Some(m), _) => Cell::Money(m),
                (_, true, _, Some(a)) => Cell::Area(a),
                _ => Cell::Text(String::new()),
            })
            .collect()
    }
}

/// The first line of a CSV report: the byte-order mark and the headers.
pub fn csv_header(headers: &[&str]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(
        &headers
            .iter()
            .map(|h| csv_field(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    out
}

/// One CSV line (with its CRLF).
pub fn csv_line(cells: &[Cell]) -> String {
    let mut line = cells
        .iter()
        .map(|c| csv_field(&cell_text(c)))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// An XLSX worksheet written a row at a time. In constant-memory mode each row goes to a
/// temporary file as soon as it is written, so a sheet of a million rows costs a few rows of
/// memory.
pub struct XlsxSheet {
    pub workbook: Workbook,
    formats: Formats,
    name: String,
    headers: Vec<String>,
    constant_memory: bool,
    /// The sheet being written (a report longer than a sheet's rows goes on in another).
    sheet: usize,
    next_row: u32,
}

/// Rows of an XLSX worksheet (the file format's limit), the header included.
const SHEET_ROWS: u32 = 1_048_576;

struct Formats {
    money: Format,
    area: Format,
    bold_money: Format,
    bold_area: Format,
    bold: Format,
    plain: Format,
}

impl XlsxSheet {
    /// A workbook with one sheet named `name`, its header row written and frozen.
    pub fn new(name: &str, headers: &[&str], constant_memory: bool) -> Result<Self, XlsxError> {
        let money = Format::new().set_num_format("#,##0.00");
        let area = Format::new().set_num_format("#,##0.0000");
        let formats = Formats {
            bold_money: money.clone().set_bold(),
            bold_area: area.clone().set_bold(),
            money,
            area,
            bold: Format::new().set_bold(),
            plain: Format::new(),
        };
        let mut this = Self {
            workbook: Workbook::new(),
            formats,
            name: name.to_string(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            constant_memory,
            sheet: 0,
            next_row: 1,
        };
        this.add_sheet(name)?;
        Ok(this)
    }

    fn add_sheet(&mut self, name: &str) -> Result<(), XlsxError> {
        let sheet = if self.constant_memory {
            self.workbook.add_worksheet_with_constant_memory()?
        } else {
            self.workbook.add_worksheet()
        };
        sheet.set_name(name)?;
        let header = Format::new().set_bold().set_align(FormatAlign::Center);
        for (c, h) in self.headers.iter().enumerate() {
            let c = c as u16;
            sheet.set_column_width(c, 16)?;
            sheet.write_string_with_format(0, c, h, &header)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(())
    }

    /// Writes the next row; `total` makes it bold.
    pub fn row(&mut self, cells: &[Cell], total: bool) -> Result<(), XlsxError> {
        if self.next_row == SHEET_ROWS {
            // A sheet holds 1,048,576 rows: the report goes on in the next, headed again.
            self.sheet += 1;
            self.next_row = 1;
            let name = format!("{}（续{}）", self.name, self.sheet);
            self.add_sheet(&name)?;
        }
        let f = &self.formats;
        let sheet = self.workbook.worksheet_from_index(self.sheet)?;
        let r = self.next_row;
        for (c, cell) in cells.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) => {
                    let format = if total { &f.bold } else { &f.plain };
                    sheet.write_string_with_format(r, c, neutralised(t), format)?;
                }
                Cell::Int(i) => write_exact(sheet, (r, c), &i.to_string(), &f.plain)?,
                Cell::Price(p) => write_exact(sheet, (r, c), &p.to_string(), &f.money)?,
                Cell::Money(m) => {
                    let format = if total { &f.bold_money } else { &f.money };
                    write_exact(sheet, (r, c), &m.to_string(), format)?
                }
                Cell::Area(a) => {
                    let format = if total { &f.bold_area } else { &f.area };
                    write_exact(sheet, (r, c), &a.to_string(), format)?
                }
            };
        }
        self.next_row += 1;
        Ok(())
    }
}

/// The number an XLSX cell will hold for an exact decimal text, or `None` when that number
/// would not read back as exactly the same decimal. An XLSX numeric cell is an IEEE double by
/// the file format, so this is the one place a float appears: at the file's edge, from the
/// exact text, never used in arithmetic (totals are summed in 分 and 1/10000 亩 before). A
/// value a double cannot hold exactly is written as text instead, digit for digit.
fn exact_number(exact: &str) -> Option<f64> {
    let number: f64 = exact.parse().ok()?;
    let normal = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    (normal(&number.to_string()) == normal(exact)).then_some(number)
}

/// Writes an exact decimal as a number cell when a double holds it exactly, else as text.
fn write_exact(
    sheet: &mut rust_xlsxwriter::Worksheet,
    (r, c): (u32, u16),
    exact: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    match exact_number(exact) {
        Some(n) => sheet.write_number_with_format(r, c, n, format)?,
        None => sheet.write_string_with_format(r, c, exact, format)?,
    };
    Ok(())
}

/// User text as a spreadsheet must show it: a text starting with `=`, `+`, `-`, `@`, a tab or
/// a carriage return would be taken for a formula by Excel or WPS (a project named
/// `=HYPERLINK(…)`), so it gets a leading `'` and stays text.
pub fn neutralised(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => neutralised(t).into_owned(),
        Cell::Money(m) => m.to_string(),
        Cell::Price(p) => p.to_string(),
        Cell::Area(a) => a.to_string(),
        Cell::Int(i) => i.to_string(),
    }
}

/// Quotes a CSV field when it holds a separator, quote or line break (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_cell_only_when_a_double_reads_back_the_exact_decimal() {
        for (exact, number) in [
            ("0.10", 0.1),
            ("4533375.00", 4_533_375.0),
            ("17.5335", 17.5335),
            ("99999999999.99", 99_999_999_999.99),
            ("-12", -12.0),
        ] {
            assert_eq!(exact_number(exact), Some(number), "{exact}");
        }
        // Beyond a double's 15–17 digits: written as text, digit for digit.
        assert_eq!(exact_number("99999999999999999.99"), None);
        assert_eq!(exact_number("1234567890123456.78"), None);
        assert_eq!(exact_number("not a number"), None);
    }

    fn sample() -> Report {
        Report {
            file_stem: "t".into(),
            sheet: "收益".into(),
            headers: vec!["县（市、区）", "面积（亩）", "金额（元）", "备注"],
            rows: vec![
                vec![
                    Cell::Text("藤县".into()),
                    Cell::Area("1.0001".parse().expect("a")),
                    Cell::Money("0.10".parse().expect("m")),
                    Cell::Text("含,逗号".into()),
                ],
                vec![
                    Cell::Text("蒙山县".into()),
                    Cell::Area("2".parse().expect("a")),
                    Cell::Money("0.20".parse().expect("m")),
                    Cell::Text("他说\"好\"".into()),
                ],
            ],
        }
    }

    #[test]
    fn text_that_a_spreadsheet_would_run_as_a_formula_stays_text() {
        for (given, written) in [
            (
                "=HYPERLINK(\"http://x\",\"点击\")",
                "'=HYPERLINK(\"http://x\",\"点击\")",
            ),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("城南商业综合体", "城南商业综合体"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(neutralised(given), written);
        }
        let report = Report {
            file_stem: "t".into(),
            sheet: "t".into(),
            headers: vec!["项目"],
            rows: vec![vec![Cell::Text("=1+1".into())]],
        };
        let csv = String::from_utf8(report.to_csv()).expect("utf-8");
        assert!(csv.contains("\r\n'=1+1\r\n"), "{csv:?}");
    }

    #[test]
    fn totals_are_exact_sums_of_money_and_area_columns() {
        let totals = sample().totals();
        assert_eq!(totals[0], Cell::Text("合计".into()));
        assert_eq!(totals[1], Cell::Area("3.0001".parse().expect("a")));
        // 0.10 + 0.20 is exactly 0.30 here, unlike in floating point.
        assert_eq!(totals[2], Cell::Money("0.30".parse().expect("m")));
        assert_eq!(totals[3], Cell::Text(String::new()));
    }

    #[test]
    fn csv_has_a_bom_quotes_what_needs_it_and_ends_with_the_totals() {
        let csv = String::from_utf8(sample().to_csv()).expect("utf-8");
        assert!(csv.starts_with('\u{feff}'));
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "县（市、区）,面积（亩）,金额（元）,备注");
        assert_eq!(lines[1], "藤县,1.0001,0.10,\"含,逗号\"");
        assert_eq!(lines[2], "蒙山县,2.0000,0.20,\"他说\"\"好\"\"\"");
        assert_eq!(lines[3], "合计,3.0001,0.30,");
    }
}
