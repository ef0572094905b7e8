//! A small validator for the structural OpenAPI v3 schemas of Kubernetes CRDs: `type`,
//! `properties`, `additionalProperties`, `items`, `required`. Fields a structural schema does not
//! declare would be pruned by the API server, so they are reported too.

use serde_json::Value;

pub fn validate(schema: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(t) = schema["type"].as_str() {
        let ok = match t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "boolean" => v.is_boolean(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            _ => true,
        };
        if !ok {
            errors.push(format!("{path}: expected {t}, found {v}"));
            return;
        }
    }
    if let Some(req) = schema["required"].as_array() {
        for r in req.iter().filter_map(Value::as_str) {
            if v.get(r).is_none() {
                errors.push(format!("{path}.{r}: required"));
            }
        }
    }
    if let Value::Object(m) = v {
        let props = schema["properties"].as_object();
        for (k, child) in m {
            let p = format!("{path}.{k}");
            match (props.and_then(|p| p.get(k)), &schema["additionalProperties"]) {
                (Some(s), _) => validate(s, child, &p, errors),
                (None, Value::Object(_)) => validate(&schema["additionalProperties"], child, &p, errors),
                (None, _) if props.is_some() => errors.push(format!("{p}: not in the schema (would be pruned)")),
                _ => {}
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (v, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            validate(item_schema, item, &format!("{path}[{i}]"), errors);
        }
    }
}

/// The `openAPIV3Schema` of the CRD's version `version`.
pub fn crd_schema(crd: &Value, version: &str) -> Value {
    crd["spec"]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == version)
        .unwrap_or_else(|| panic!("CRD has no version {version}"))["schema"]["openAPIV3Schema"]
        .clone()
}
