//! The one way a builder's setter is written: it stores its argument in the field of its name
//! and returns the builder, as a `const fn` (so that presets build at compile time).

/// Builder setters, one per `$(#[doc])* name: Type;` line: `pub const fn name(mut self, name:
/// Type) -> Self` storing `name` in `self.name`, or `Some(name)` when the line ends `=> Some`
/// (a field whose default is "not given").
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $type:ty $(=> $wrap:ident)?;)+) => {$(
        $(#[$doc])*
        pub const fn $name(mut self, $name: $type) -> Self {
            self.$name = setters!(@store $name $($wrap)?);
            self
        }
    )+};
    (@store $name:ident) => { $name };
    (@store $name:ident $wrap:ident) => { $wrap($name) };
}
