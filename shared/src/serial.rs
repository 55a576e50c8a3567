//! Serial numbers of quota (docs/DOMAIN.md, "Serial numbers"): every 0.0001 亩 of a
//! reclamation project's surplus is one unit, numbered from 1. A serial names the project and
//! the unit: `450422-2026-0007-000000001` is unit 1 of project 7, registered in 2026 by the
//! county 450422. The unit has at least nine digits (more only past 99,999.9999 亩, which no
//! real project reaches), the project id at least four.

use crate::jurisdiction::CountyCode;

/// Where a serial points: the project (its county, registration year and id) and the unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Serial {
    pub county: CountyCode,
    pub year: i32,
    pub project_id: i64,
    pub unit: i64,
}

impl Serial {
    /// The project's part of every serial it issues: `450422-2026-0007`.
    pub fn prefix(county: &CountyCode, year: i32, project_id: i64) -> String {
        format!("{}-{year:04}-{project_id:04}", county.as_str())
    }

    /// Reads a serial as printed; `None` for anything else (spaces around it are ignored).
    pub fn parse(text: &str) -> Option<Serial> {
        let mut parts = text.trim().split('-');
        let (county, year, project, unit) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        fn digits(s: &str, min: usize, max: usize) -> Option<&str> {
            (s.len() >= min && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
        }
        let serial = Serial {
            county: county.parse().ok()?,
            year: digits(year, 4, 4)?.parse().ok()?,
            project_id: digits(project, 4, 18)?.parse().ok()?,
            unit: digits(unit, 9, 18)?.parse().ok()?,
        };
        (serial.project_id >= 1 && serial.unit >= 1).then_some(serial)
    }
}

impl std::fmt::Display for Serial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}-{:09}",
            Serial::prefix(&self.county, self.year, self.project_id),
            self.unit
        )
    }
}

/// The alphabet of 核验码 (Crockford's base 32: no I, L, O or U to misread).
pub const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A 核验码 as stored (12 characters of [`CODE_ALPHABET`]) from what a person typed: case,
/// spaces and dashes do not matter, and the letters O, I and L read as 0, 1 and 1.
pub fn normal_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    (code.len() == 12 && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// A 核验码 as printed: `7K3Q-M9XD-2HFA`.
pub fn printed_code(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A run of consecutive units of one project, issued to a trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub project_id: i64,
    pub first: i64,
    pub last: i64,
}

impl Run {
    /// Units in the run (0.0001 亩 each).
    pub fn len(&self) -> i64 {
        self.last - self.first + 1
    }
    pub fn is_empty(&self) -> bool {
        self.last < self.first
    }
}

/// A use (落地) of a holding: the units `[offset, offset + len)` of the holding, counted
/// across its runs in order (a holding is used from its first unit on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Landing {
    pub offset: i64,
    pub len: i64,
}

/// A holding's runs cut where its uses begin and end: each piece with the index of the use
/// that retired it, or `None` while it is held.
pub fn split(runs: &[Run], landings: &[Landing]) -> Vec<(Run, Option<usize>)> {
    let mut cuts: Vec<i64> = landings
        .iter()
        .flat_map(|l| [l.offset, l.offset + l.len])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let owner = |at: i64| {
        landings
            .iter()
            .position(|l| at >= l.offset && at < l.offset + l.len)
    };
    let mut pieces = Vec::new();
    let mut start = 0i64;
    for run in runs.iter().filter(|r| !r.is_empty()) {
        let end = start + run.len();
        let mut at = start;
        for &cut in cuts.iter().filter(|&&c| c > start && c < end) {
            pieces.push((
                Run {
                    project_id: run.project_id,
                    first: run.first + (at - start),
                    last: run.first + (cut - start) - 1,
                },
                owner(at),
            ));
            at = cut;
        }
        pieces.push((
            Run {
                project_id: run.project_id,
                first: run.first + (at - start),
                last: run.last,
            },
            owner(at),
        ));
        start = end;
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn uses_cut_a_holding_where_they_begin_and_end() {
        let runs = [
            Run {
                project_id: 1,
                first: 101,
                last: 140,
            },
            Run {
                project_id: 2,
                first: 1,
                last: 60,
            },
        ];
        // 30 units landed, then 20 more: the second use spans both projects.
        let landings = [
            Landing { offset: 0, len: 30 },
            Landing {
                offset: 30,
                len: 20,
            },
        ];
        assert_eq!(
            split(&runs, &landings),
            vec![
                (
                    Run {
                        project_id: 1,
                        first: 101,
                        last: 130
                    },
                    Some(0)
                ),
                (
                    Run {
                        project_id: 1,
                        first: 131,
                        last: 140
                    },
                    Some(1)
                ),
                (
                    Run {
                        project_id: 2,
                        first: 1,
                        last: 10
                    },
                    Some(1)
                ),
                (
                    Run {
                        project_id: 2,
                        first: 11,
                        last: 60
                    },
                    None
                ),
            ]
        );
        assert_eq!(
            split(&runs, &[]),
            runs.iter().map(|r| (*r, None)).collect::<Vec<_>>()
        );
    }

    proptest! {
        /// Whatever the runs and the uses (in order, within the holding), the pieces cover
        /// every unit once, in order, and each use retires exactly its length.
        #[test]
        fn pieces_cover_the_holding_once_and_each_use_its_length(
            lens in proptest::collection::vec(1i64..50, 1..6),
            uses in proptest::collection::vec(1i64..40, 0..6),
        ) {
            let mut next = 1;
            let runs: Vec<Run> = lens.iter().enumerate().map(|(n, len)| {
                let r = Run { project_id: n as i64 % 3, first: next, last: next + len - 1 };
                next += len + 7;
                r
            }).collect();
            let total: i64 = lens.iter().sum();
            let mut offset = 0;
            let mut landings = Vec::new();
            for len in uses {
                if offset + len > total { break; }
                landings.push(Landing { offset, len });
                offset += len;
            }
            let pieces = split(&runs, &landings);
            prop_assert_eq!(pieces.iter().map(|(p, _)| p.len()).sum::<i64>(), total);
            prop_assert!(pieces.iter().all(|(p, _)| !p.is_empty()));
            for (n, l) in landings.iter().enumerate() {
                let retired: i64 = pieces.iter().filter(|(_, u)| *u == Some(n)).map(|(p, _)| p.len()).sum();
                prop_assert_eq!(retired, l.len);
            }
            let held: i64 = pieces.iter().filter(|(_, u)| u.is_none()).map(|(p, _)| p.len()).sum();
            prop_assert_eq!(held, total - offset);
        }
    }

    #[test]
    fn a_serial_reads_as_printed_and_nothing_else_does() {
        let s = Serial::parse("450422-2026-0007-000000001").expect("serial");
        assert_eq!(
            (s.county.as_str(), s.year, s.project_id, s.unit),
            ("450422", 2026, 7, 1)
        );
        assert_eq!(s.to_string(), "450422-2026-0007-000000001");
        assert_eq!(
            Serial::parse(" 450422-2026-0007-000000001 ").map(|s| s.unit),
            Some(1)
        );
        for bad in [
            "",
            "450422-2026-0007",
            "450422-2026-0007-1",
            "450422-2026-0007-000000000",
            "450422-2026-0000-000000001",
            "450422-26-0007-000000001",
            "450422-2026-0007-00000000１",
            "450422-2026-0007-000000001-1",
            "=450422-2026-0007-000000001",
            "450422-2026--7-000000001",
        ] {
            assert_eq!(Serial::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_code_reads_however_it_is_typed() {
        assert_eq!(
            normal_code("7k3q-m9xd-2hfa").as_deref(),
            Some("7K3QM9XD2HFA")
        );
        assert_eq!(
            normal_code(" 7K3Q M9XD 2HFO ").as_deref(),
            Some("7K3QM9XD2HF0")
        );
        assert_eq!(normal_code("7K3Q-M9XD-2HF"), None);
        assert_eq!(normal_code("7K3Q-M9XD-2HFU"), None);
        assert_eq!(normal_code("=cmd|' /C calc'!A0"), None);
        assert_eq!(printed_code("7K3QM9XD2HFA"), "7K3Q-M9XD-2HFA");
    }

    proptest! {
        #[test]
        fn every_serial_reads_back_as_itself(year in 2000i32..2100, project in 1i64..10_000_000, unit in 1i64..100_000_000_000) {
            let s = Serial { county: "450422".parse().expect("county"), year, project_id: project, unit };
            prop_assert_eq!(Serial::parse(&s.to_string()), Some(s));
        }
    }
}
