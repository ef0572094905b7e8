//! A small validator for the structural OpenAPI v3 schemas of Kubernetes CRDs and the subset of
//! JSON Schema kvwire's own documents use: `type` (one or a list), `enum`, `const`,
//! `properties`, `additionalProperties`, `items`, `required`. Fields a structural schema does not
//! declare would be pruned by the API server, so they are reported too.

use serde_json::Value;

pub fn validate(schema: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
    let is = |t: &str| match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "null" => v.is_null(),
        _ => true,
    };
    // `type` may be one name or a list (JSON Schema), e.g. ["string", "null"].
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !types.is_empty() && !types.iter().any(|t| is(t)) {
        errors.push(format!("{path}: expected {}, found {v}", types.join(" or ")));
        return;
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(v)
    {
        errors.push(format!("{path}: {v} is not one of {}", Value::Array(allowed.clone())));
    }
    if let Some(c) = schema.get("const")
        && c != v
    {
        errors.push(format!("{path}: expected {c}, found {v}"));
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

/// Replace every `{"$ref": "#/$defs/NAME"}` by the definition (kvwire's schemas have no cycles).
pub fn inline_refs(schema: &Value) -> Value {
    fn walk(v: &Value, defs: &Value) -> Value {
        match v {
            Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                    let name = r.strip_prefix("#/$defs/").expect("local $ref");
                    return walk(&defs[name], defs);
                }
                Value::Object(m.iter().map(|(k, x)| (k.clone(), walk(x, defs))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| walk(x, defs)).collect()),
            other => other.clone(),
        }
    }
    walk(schema, &schema["$defs"])
}
