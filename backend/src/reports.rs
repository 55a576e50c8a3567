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
                    Cell::Text(t) if is_total => {
                        sheet.write_string_with_format(r, c, neutralised(t), &bold)?
                    }
                    Cell::Text(t) => sheet.write_string(r, c, neutralised(t))?,
                    Cell::Int(i) => sheet.write_number(r, c, cell_number(&i.to_string()))?,
                    Cell::Price(p) => {
                        sheet.write_number_with_format(r, c, cell_number(&p.to_string()), &money)?
                    }
                    Cell::Money(m) => sheet.write_number_with_format(
                        r,
                        c,
                        cell_number(&m.to_string()),
                        if is_total { &bold_money } else { &money },
                    )?,
                    Cell::Area(a) => sheet.write_number_with_format(
                        r,
                        c,
                        cell_number(&a.to_string()),
                        if is_total { &bold_area } else { &area },
                    )?,
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        workbook.save_to_buffer()
    }
}

/// The value of a numeric spreadsheet cell, from the exact decimal text. A cell of an XLSX
/// file is an IEEE double by the file format; totals are summed exactly in 分 and 1/10000 亩
/// before they get here, and every amount below 10^13 元 with 2 decimals reads back exactly.
fn cell_number(exact: &str) -> f64 {
    exact.parse().unwrap_or_default()
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
