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
        let columns = self.headers.len();
        (0..columns)
            .map(|c| {
                if c == 0 {
                    return Cell::Text("合计".into());
                }
                let mut money = Some(Money::ZERO);
                let mut area = Some(Area::ZERO);
                let mut any = false;
                for row in &self.rows {
                    match row.get(c) {
                        Some(Cell::Money(m)) => {
                            money = money.and_then(|t| t.checked_add(*m).ok());
                            area = None;
                            any = true;
                        }
                        Some(Cell::Area(a)) => {
                            area = area.and_then(|t| t.checked_add(*a).ok());
                            money = None;
                            any = true;
                        }
                        _ => {
                            money = None;
                            area = None;
                        }
                    }
                }
                match (any, money, area) {
                    (true, Some(m), _) => Cell::Money(m),
                    (true, _, Some(a)) => Cell::Area(a),
                    _ => Cell::Text(String::new()),
                }
            })
            .collect()
    }

    /// CSV in UTF-8 with a byte-order mark; amounts as plain decimals (no separators).
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = String::from("\u{feff}");
        let line = |cells: Vec<String>| {
            cells
                .into_iter()
                .map(|c| csv_field(&c))
                .collect::<Vec<_>>()
                .join(",")
        };
        out.push_str(&line(self.headers.iter().map(|h| h.to_string()).collect()));
        out.push_str("\r\n");
        for row in self.rows.iter().chain(std::iter::once(&self.totals())) {
            out.push_str(&line(row.iter().map(cell_text).collect()));
            out.push_str("\r\n");
        }
        out.into_bytes()
    }

    /// XLSX with numeric cells: money "#,##0.00", area "#,##0.0000".
    pub fn to_xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name(&self.sheet)?;
        let header = Format::new().set_bold().set_align(FormatAlign::Center);
        let money = Format::new().set_num_format("#,##0.00");
        let area = Format::new().set_num_format("#,##0.0000");
        let bold_money = money.clone().set_bold();
        let bold_area = area.clone().set_bold();
        let bold = Format::new().set_bold();
        let plain = Format::new();
        for (c, h) in self.headers.iter().enumerate() {
            let c = c as u16;
            sheet.write_string_with_format(0, c, *h, &header)?;
            sheet.set_column_width(c, 16)?;
        }
        let totals = self.totals();
        let last = self.rows.len();
        for (r, row) in self.rows.iter().chain(std::iter::once(&totals)).enumerate() {
            let is_total = r == last;
            let r = (r + 1) as u32;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(t) => {
                        let format = if is_total { &bold } else { &plain };
                        sheet.write_string_with_format(r, c, neutralised(t), format)?;
                    }
                    Cell::Int(i) => write_exact(sheet, (r, c), &i.to_string(), &plain)?,
                    Cell::Price(p) => write_exact(sheet, (r, c), &p.to_string(), &money)?,
                    Cell::Money(m) => write_exact(
                        sheet,
                        (r, c),
                        &m.to_string(),
                        if is_total { &bold_money } else { &money },
                    )?,
                    Cell::Area(a) => write_exact(
                        sheet,
                        (r, c),
                        &a.to_string(),
                        if is_total { &bold_area } else { &area },
                    )?,
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        workbook.save_to_buffer()
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
