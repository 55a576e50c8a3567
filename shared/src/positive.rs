//! [`PositiveArea`] and [`PositiveMoney`]: an area or an amount greater than zero, for the
//! request fields that can never be zero — what a listing offers, a purchase takes, a use draws
//! down, a bid offers, an allocation or a disbursement moves. Parsed once at the edge (serde
//! goes through [`FromStr`]), so a value that deserialised is already valid and no handler
//! checks it again; zero is refused with `DomainError::Zero`.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::DomainError;
use crate::quantity::{Area, Money};

macro_rules! positive {
    ($(#[$meta:meta])* $name:ident, $inner:ty) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name($inner);

        impl $name {
            /// The value, or `DomainError::Zero`.
            pub fn new(value: $inner) -> Result<Self, DomainError> {
                value.positive().map(Self)
            }
            /// The value itself.
            pub fn get(self) -> $inner {
                self.0
            }
        }

        impl FromStr for $name {
            type Err = DomainError;
            fn from_str(s: &str) -> Result<Self, DomainError> {
                Self::new(s.parse()?)
            }
        }

        impl TryFrom<String> for $name {
            type Error = DomainError;
            fn try_from(s: String) -> Result<Self, DomainError> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0.to_string()
            }
        }

        impl From<$name> for $inner {
            fn from(v: $name) -> $inner {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

positive!(
    /// An area of quota greater than zero (亩, 4 decimals).
    PositiveArea,
    Area
);
positive!(
    /// An amount greater than zero (元, 2 decimals).
    PositiveMoney,
    Money
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_refused_and_anything_else_reads_like_its_inner_type() {
        assert_eq!("0".parse::<PositiveArea>(), Err(DomainError::Zero));
        assert_eq!("0.00".parse::<PositiveMoney>(), Err(DomainError::Zero));
        assert!(matches!(
            "1.00001".parse::<PositiveArea>(),
            Err(DomainError::ScaleExceeded { .. })
        ));
        let a: PositiveArea = serde_json::from_str("\"17.5335\"").expect("area");
        assert_eq!(a.get().to_string(), "17.5335");
        assert_eq!(serde_json::to_string(&a).expect("json"), "\"17.5335\"");
        assert!(serde_json::from_str::<PositiveMoney>("\"0\"").is_err());
    }
}
