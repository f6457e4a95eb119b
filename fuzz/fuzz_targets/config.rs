//! Configs as JSON: what the page sends (`TrainConfig::from_partial`), what a file holds
//! (`TrainConfig::from_saved`, `ModelConfig::from_saved`) and `began train --config`. An accepted
//! config is valid and reads back as itself.
#![no_main]

use began::{ModelConfig, TrainConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    for config in [TrainConfig::from_partial(json.clone()), TrainConfig::from_saved(json.clone())].into_iter().flatten() {
        config.validate().expect("an accepted config is valid");
        let again = TrainConfig::from_partial(serde_json::to_value(&config).unwrap()).expect("an accepted config reads back");
        assert_eq!(again, config);
    }
    if let Ok(model) = ModelConfig::from_saved(json) {
        let _ = model.validate();
    }
});
