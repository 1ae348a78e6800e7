//! The one way a value with a fixed list of names is written and read: `Display` writes its
//! `name()`, `FromStr` finds the value of `ALL` with that name. A macro, not a generic impl,
//! because `Display` and `FromStr` are foreign traits (no blanket impl over a local trait).

/// Implements `Display` (its `name()`) and `FromStr` (the value of `$type::ALL` whose `name()`
/// is the text, else `$unknown`) for `$type`.
macro_rules! named_value {
    ($type:ty, $unknown:expr) => {
        impl core::fmt::Display for $type {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl core::str::FromStr for $type {
            type Err = $crate::Error;

            fn from_str(text: &str) -> Result<Self, $crate::Error> {
                <$type>::ALL
                    .into_iter()
                    .find(|value| value.name() == text)
                    .ok_or($unknown)
            }
        }
    };
}
