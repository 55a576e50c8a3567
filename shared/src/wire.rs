//! [`wire_enum!`]: the one place a closed set of names is spelled. Each variant is declared
//! with its wire name once; serde, `Display`, `FromStr`, the database columns and the web app
//! all read that one spelling, so a status, role or code cannot drift between them.

/// Declares an enum whose variants each carry their wire name:
///
/// ```ignore
/// wire_enum! {
///     /// Lifecycle of a purchase.
///     pub enum PurchaseStatus { Reserved = "reserved", Settled = "settled" }
/// }
/// ```
///
/// It derives `Debug, Clone, Copy, PartialEq, Eq, Hash` and serde (each variant renamed to its
/// wire name), implements `utoipa::ToSchema` with the wire names (feature `openapi`), and adds
/// `ALL`, `wire()`,
/// `Display` (the wire name) and `FromStr` (refusing anything else with [`UnknownName`], which
/// lists the allowed names and converts into `DomainError::UnknownValue`).
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $wire)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The name on the wire, in the database and in URLs.
            pub const fn wire(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                }
            }
        }

        // The OpenAPI schema lists the wire names (a derive would read the names through the
        // macro's literals unreliably and publish the Rust variant names instead).
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($wire),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.wire())
            }
        }

        impl core::str::FromStr for $name {
            type Err = $crate::wire::UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.wire() == s)
                    .ok_or_else(|| $crate::wire::UnknownName {
                        input: s.to_string(),
                        allowed: Self::ALL
                            .iter()
                            .map(|v| v.wire())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
            }
        }
    };
}

pub(crate) use wire_enum;

/// A name that is not one of an enum's wire names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    pub input: String,
    /// The allowed names, comma-separated.
    pub allowed: String,
}

#[cfg(test)]
mod tests {
    wire_enum! {
        /// A sample.
        enum Sample {
            /// First.
            One = "one",
            TwoWords = "two_words",
        }
    }

    #[test]
    fn serde_display_and_from_str_agree_on_the_one_spelling() {
        for v in Sample::ALL {
            let json = serde_json::to_string(v).expect("serialise");
            assert_eq!(json, format!("\"{}\"", v.wire()));
            assert_eq!(v.to_string(), v.wire());
            assert_eq!(v.wire().parse::<Sample>(), Ok(*v));
            assert_eq!(serde_json::from_str::<Sample>(&json).ok(), Some(*v));
        }
        let err = "three".parse::<Sample>().expect_err("unknown");
        assert_eq!(err.allowed, "one, two_words");
    }
}
