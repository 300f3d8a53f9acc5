//! The parsing layer: files as spanned data, below the model. YAML into a spanned node tree
//! ([`yaml`], read into typed config by [`de`]), source files and byte spans ([`source`]),
//! Go templates ([`gotpl`]), name syntax ([`names`]), compact path sets ([`paths`]) and text
//! helpers ([`text`]). Nothing here knows about the model, rules or commands.

pub(crate) mod de;
pub mod gotpl;
pub mod names;
pub mod paths;
pub mod source;
pub mod text;
pub mod yaml;
