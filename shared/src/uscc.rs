//! 统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters from a 31-character
//! alphabet (the digits and the capital letters without I, O, S, V and Z). The first is the
//! registering authority (1 机构编制, 5 民政, 9 市场监管 …), the second the kind of body, the third
//! to eighth the registering authority's administrative division code (six digits), the ninth to
//! seventeenth the body's organisation code, and the eighteenth a check character computed from
//! the first seventeen: the sum of each character's value times its weight (3^(i−1) mod 31),
//! taken from 31, modulo 31. Because 31 is prime and every weight is non-zero, any single
//! character changed changes the check.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::DomainError;

/// The code's alphabet, in the order of the characters' values 0–30.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// The weights of positions 1–17: 3^(i−1) mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A 统一社会信用代码 whose characters, administrative division and check character are right.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|v| v as u32)
}

/// The check character of a code's first 17 characters (all from the alphabet).
pub fn check_character(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (&c, w) in first17.iter().zip(WEIGHTS) {
        sum += value(c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(char::from(ALPHABET[check as usize]))
}

impl Uscc {
    /// Reads a code as a person types it: surrounding spaces dropped, lower case raised.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        // Full-width letters and digits (as a Chinese input method types them) read as ASCII.
        let code: String = text
            .trim()
            .chars()
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                c => c,
            })
            .collect::<String>()
            .to_ascii_uppercase();
        let bytes = code.as_bytes();
        if bytes.len() != 18 || !code.is_ascii() {
            return Err(DomainError::Uscc(
                "统一社会信用代码为 18 位".into(),
                format!(
                    "A unified social credit code has 18 characters, not {}",
                    code.chars().count()
                ),
            ));
        }
        if let Some(&bad) = bytes.iter().find(|&&c| value(c).is_none()) {
            return Err(DomainError::Uscc(
                format!(
                    "统一社会信用代码中不能有“{}”（代码不用 I、O、S、V、Z）",
                    char::from(bad)
                ),
                format!(
                    "“{}” is not used in a unified social credit code (no I, O, S, V or Z)",
                    char::from(bad)
                ),
            ));
        }
        if !bytes[2..8].iter().all(u8::is_ascii_digit) {
            return Err(DomainError::Uscc(
                "统一社会信用代码第 3–8 位为行政区划代码，应为数字".into(),
                "Characters 3–8 of the code are an administrative division code: digits".into(),
            ));
        }
        let expected = check_character(&bytes[..17]);
        if expected != Some(char::from(bytes[17])) {
            return Err(DomainError::Uscc(
                "统一社会信用代码校验位不符，请逐位核对营业执照".into(),
                "The code's check character does not match: compare it with the licence character by character".into(),
            ));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The administrative division of the registering authority (characters 3–8).
    pub fn division(&self) -> &str {
        &self.0[2..8]
    }
}

impl FromStr for Uscc {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, DomainError> {
        Self::parse(s)
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Uscc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Uscc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Uscc {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(
                "^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$",
            ))
            .examples(["91450400MA5N0EXA30"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Uscc {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn published_codes_check_and_mistakes_are_named() {
        for code in [
            "91350100M000100Y43",
            "91110000802100433B",
            "914403001922038216",
        ] {
            assert_eq!(Uscc::parse(code).expect(code).as_str(), code);
        }
        assert_eq!(
            Uscc::parse(" 91350100m000100y43 ").expect("typed").as_str(),
            "91350100M000100Y43"
        );
        let zh = |t: &str| match Uscc::parse(t) {
            Err(DomainError::Uscc(zh, _)) => zh,
            other => panic!("{t}: {other:?}"),
        };
        assert!(zh("91350100M000100Y4").contains("18 位"));
        assert!(zh("91350100M000100Y4O").contains("“O”"));
        assert!(zh("9135A100M000100Y43").contains("行政区划"));
        assert!(zh("91350100M000100Y44").contains("校验位"));
        assert_eq!(
            Uscc::parse("９１３５０１００Ｍ０００１００Ｙ４３")
                .expect("full width")
                .as_str(),
            "91350100M000100Y43"
        );
        assert!(zh("91350100M000100Y4３３").contains("18 位"));
    }

    fn code() -> impl Strategy<Value = String> {
        let c = || prop::sample::select(ALPHABET.to_vec());
        (
            c(),
            c(),
            prop::collection::vec(prop::sample::select(b"0123456789".to_vec()), 6),
            prop::collection::vec(c(), 9),
        )
            .prop_map(|(a, b, division, body)| {
                let mut bytes = vec![a, b];
                bytes.extend(division);
                bytes.extend(body);
                let check = check_character(&bytes).expect("alphabet");
                let mut code = String::from_utf8(bytes).expect("ascii");
                code.push(check);
                code
            })
    }

    proptest! {
        /// Every code with its check character passes; any one character replaced by any other
        /// character of the alphabet (or outside it) fails.
        #[test]
        fn valid_codes_pass_and_any_single_change_fails(
            code in code(),
            at in 0usize..18,
            with in prop::sample::select(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".to_vec()),
        ) {
            prop_assert!(Uscc::parse(&code).is_ok(), "{}", code);
            let mut changed = code.clone().into_bytes();
            prop_assume!(changed[at] != with);
            changed[at] = with;
            let changed = String::from_utf8(changed).expect("ascii");
            prop_assert!(Uscc::parse(&changed).is_err(), "{} → {}", code, changed);
        }
    }
}
