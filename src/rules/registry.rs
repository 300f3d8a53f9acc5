// The only list of rules. Adding a rule: a file `src/rules/<id_with_underscores>.rs`, one line
// here, and a fixture folder `fixtures/<id>/{pass,fail}/`.
register_rules! {
    yaml_syntax::YamlSyntax,
    yaml_duplicate_key::YamlDuplicateKey,
    yaml_conflict_markers::YamlConflictMarkers,
    yaml_unreadable::YamlUnreadable,
    xp_schema::XpSchema,
    k8s_dns1123_subdomain::K8sDns1123Subdomain,
    k8s_dns1123_label::K8sDns1123Label,
    k8s_dns1035_label::K8sDns1035Label,
    k8s_label_key::K8sLabelKey,
    k8s_label_value::K8sLabelValue,
    k8s_annotation_key_size::K8sAnnotationKeySize,
    k8s_string_values::K8sStringValues,
    k8s_reserved_prefixes::K8sReservedPrefixes,
}
