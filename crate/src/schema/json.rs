//! www/config-schema.json: the schema as the page reads it, written from here (`began schema`,
//! or the test below, which also fails when the committed file is stale).

use super::{End, FIELDS, Field, Range};
use serde_json::{Value, json};

impl Field {
    fn to_json(&self) -> Value {
        let end = |end: End| match end {
            End::Closed(x) => (json!(x), false),
            End::Open(x) => (json!(x), true),
            End::Unbounded => (Value::Null, false),
        };
        // Whole ends are written as integers, so the page compares with exactly these.
        let (kind, (min, min_open), (max, max_open)) = match self.range {
            Range::Whole { min, max } => ("whole", (json!(min), false), (max.map_or(Value::Null, |m| json!(m)), false)),
            Range::Real { low, high } => ("real", end(low), end(high)),
        };
        let allowed = self.range.to_string();
        let form = self.form.map(|form| {
            let mut first = allowed.chars();
            let capital: String = first.next().into_iter().flat_map(char::to_uppercase).chain(first).collect();
            json!({
                "id": form.id,
                "message": format!("{} must be {allowed}.", form.label),
                "hint": format!("{capital}. {}", form.hint),
            })
        });
        json!({
            "name": self.name, "path": self.path, "type": kind,
            "min": min, "min_open": min_open, "max": max, "max_open": max_open,
            "default": self.default(), "allowed": allowed, "form": form,
        })
    }
}

/// The text of www/config-schema.json: every field with its range, default, and for the form
/// its message and hint; and the limits on one's own images ([`crate::data::own`]).
pub fn json() -> String {
    use crate::data::own;
    let fields: Vec<_> = FIELDS.iter().map(|f| f.to_json()).collect();
    let about = "Generated from crate/src/schema/mod.rs, crate/src/objective/, crate/src/model/mod.rs, crate/src/presets.rs and crate/src/data/own.rs (`cargo run -p began -- schema`); do not edit.";
    let own_images = json!({
        "dataset": crate::data::OWN, "sizes": own::SIZES, "default_size": own::DEFAULT_SIZE,
        "min_images": own::MIN_IMAGES, "max_images": own::MAX_IMAGES, "formats": own::FORMATS,
        "max_file_mb": own::MAX_FILE_BYTES >> 20, "max_zip_mb": own::MAX_ZIP_BYTES >> 20,
    });
    let objectives = objectives();
    let members: Vec<&str> = objectives.as_array().into_iter().flatten().filter_map(|member| member["name"].as_str()).collect();
    let architectures: Vec<Value> = crate::model::ARCHITECTURES
        .iter()
        .map(|(name, hint)| {
            let serves: Vec<&str> = members.iter().copied().filter(|member| crate::model::serves(name, member)).collect();
            json!({ "name": name, "hint": hint, "objectives": serves })
        })
        .collect();
    let presets: Vec<Value> = crate::presets::SHARPEST
        .iter()
        .map(|p| json!({ "backend": p.backend, "config": serde_json::from_str::<Value>(p.config).expect("a preset is JSON"), "why": p.why }))
        .collect();
    let schema = json!({ "about": about, "fields": fields, "objectives": objectives, "architectures": architectures, "presets": presets, "own_images": own_images });
    serde_json::to_string_pretty(&schema).expect("JSON serialises") + "\n"
}

/// The family's members for the page's select: name, hint and the settings a member trains at
/// ([`crate::objective::Defaults`]; BEGAN's are `TrainConfig::new()`'s).
#[cfg(feature = "trainer")]
fn objectives() -> Value {
    use crate::objective::{by_name, hints};
    let began = crate::config::TrainConfig::new();
    let members: Vec<Value> = hints()
        .into_iter()
        .map(|(name, hint)| {
            let defaults = by_name(name).expect("listed").map(|m| m.defaults());
            let (lr, beta1, beta2) = defaults.map_or((began.lr, began.beta1, began.beta2), |d| (d.lr, d.beta1, d.beta2));
            json!({
                "name": name, "hint": hint, "lr": lr, "beta1": beta1, "beta2": beta2,
                "n_critic": defaults.map_or(1, |d| d.n_critic),
                "clip": defaults.and_then(|d| d.clip), "penalty": defaults.and_then(|d| d.penalty),
            })
        })
        .collect();
    Value::Array(members)
}

/// Without the trainer there is no family to list (the sampler widget's build).
#[cfg(not(feature = "trainer"))]
fn objectives() -> Value {
    Value::Array(vec![])
}

#[cfg(all(test, not(target_family = "wasm")))]
mod tests {
    use super::*;

    const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../www/config-schema.json");

    #[test]
    fn the_committed_schema_file_is_what_rust_generates() {
        let now = json();
        if std::env::var_os("BEGAN_WRITE_SCHEMA").is_some() {
            std::fs::write(FILE, &now).unwrap();
        }
        let committed = std::fs::read_to_string(FILE).unwrap_or_default();
        assert!(
            committed == now,
            "www/config-schema.json is not what crate/src/schema/mod.rs generates: rewrite it with \
             `BEGAN_WRITE_SCHEMA=1 cargo test -p began --lib schema` and commit it"
        );
    }
}
