// The only list of rules. Adding a rule: a file `src/rules/<id_with_underscores>.rs`, one line
// here, and a fixture folder `fixtures/<id>/{pass,fail}/`.
register_rules! {
    yaml_syntax::YamlSyntax,
    yaml_duplicate_key::YamlDuplicateKey,
    yaml_conflict_markers::YamlConflictMarkers,
    yaml_unreadable::YamlUnreadable,
    xp_schema::XpSchema,
}
