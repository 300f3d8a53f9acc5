//! The Backstage view (RULES.md §3): catalog entities, entity references, software templates,
//! their `${{ … }}` expressions and the scaffolder actions portalint knows.
//!
//! One file per concern; everything public is re-exported here, so every item keeps its path
//! `crate::model::backstage::X`.

mod actions;
mod entity;
pub(crate) use entity::detect as detect_entity;
mod expression;
mod form;
mod options;
mod reference;
mod schema;
mod sites;
mod template;

pub use actions::{action, Action, ACTIONS};
pub use entity::{doc_key, is_entity, location_targets, namespace, BUILTIN_KINDS};
pub use expression::{
    analyse, expressions, has_expression, sole_parameter, step_reference, Expression, Uses, CONTEXT_ROOTS, FILTERS,
};
pub use form::{collect_properties, form_schema_problems};
pub use options::BackstageOptions;
pub use reference::{entity_key, is_kind, references, EntityRef, RefUse, REF_FIELDS};
pub use schema::{
    is_placeholder, spec_problems, type_problem, yaml12_type, FieldType, KindFields, Span0, KIND_FIELDS, META_FIELDS,
};
pub use sites::{expression_sites, offset_in, strings_with_path, ExprSite, ParsedSite};
pub use template::{is_template, local_url, template_dir, Skeleton, Step, Template};
