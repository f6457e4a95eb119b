//! Which training set a run trains on. Checkpoints record it, so a run resumed on another set
//! (another dataset, or other images of one's own) says so instead of going on in silence.

use super::Images;
use serde::{Deserialize, Serialize};

/// Where a set of images came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// `mnist`, `fashion`, or [`OWN`]; empty when not known (made in a test).
    pub dataset: String,
    /// One's own images: the folder's or the zip's name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
}

/// The `dataset` of one's own images.
pub const OWN: &str = "images";

impl Origin {
    pub fn dataset(dataset: &str) -> Self {
        Self { dataset: dataset.to_string(), name: String::new() }
    }

    pub fn own(name: &str) -> Self {
        Self { dataset: OWN.to_string(), name: name.to_string() }
    }
}

/// A training set as a checkpoint records it (`data` in its metadata): origin and shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainedOn {
    #[serde(flatten)]
    pub origin: Origin,
    pub images: usize,
    pub size: usize,
    pub channels: usize,
}

impl TrainedOn {
    pub fn of(images: &Images) -> Self {
        Self { origin: images.origin.clone(), images: images.len(), size: images.rows, channels: images.channels }
    }

    /// In words: "MNIST", "your images “cats” (2000 of 32×32 RGB)".
    pub fn describe(&self) -> String {
        match self.origin.dataset.as_str() {
            "mnist" => "MNIST".into(),
            "fashion" => "Fashion-MNIST".into(),
            OWN => {
                let kind = if self.channels == 1 { "gray" } else { "RGB" };
                format!("your images “{}” ({} of {s}×{s} {kind})", self.origin.name, self.images, s = self.size)
            }
            "" => "an unnamed set".into(),
            other => format!("“{other}”"),
        }
    }

    /// What to tell a user who resumes a run recorded as trained on `self` on the set `now`:
    /// nothing when it is the same set (or either is unknown, as in checkpoints from before
    /// this was recorded).
    pub fn change_to(&self, now: &TrainedOn) -> Option<String> {
        if self.origin.dataset.is_empty() || now.origin.dataset.is_empty() || self == now {
            return None;
        }
        Some(format!("This run was trained on {}; it goes on training on {}.", self.describe(), now.describe()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(origin: Origin, images: usize, size: usize, channels: usize) -> TrainedOn {
        TrainedOn { origin, images, size, channels }
    }

    #[test]
    fn a_run_resumed_on_another_set_says_which_each_is() {
        let mnist = on(Origin::dataset("mnist"), 60_000, 28, 1);
        let fashion = on(Origin::dataset("fashion"), 60_000, 28, 1);
        let cats = on(Origin::own("cats"), 2_000, 32, 3);
        assert_eq!(mnist.change_to(&mnist.clone()), None);
        assert_eq!(mnist.change_to(&fashion).unwrap(), "This run was trained on MNIST; it goes on training on Fashion-MNIST.");
        assert_eq!(cats.change_to(&mnist).unwrap(), "This run was trained on your images “cats” (2000 of 32×32 RGB); it goes on training on MNIST.");
        // The same folder with images added is another set.
        assert!(cats.change_to(&on(Origin::own("cats"), 2_001, 32, 3)).is_some());
        assert_eq!(on(Origin::default(), 10, 28, 1).change_to(&mnist), None);
    }

    #[test]
    fn is_recorded_as_flat_json() {
        let cats = on(Origin::own("cats"), 20, 64, 3);
        let json = serde_json::to_string(&cats).unwrap();
        assert_eq!(json, r#"{"dataset":"images","name":"cats","images":20,"size":64,"channels":3}"#);
        assert_eq!(serde_json::from_str::<TrainedOn>(&json).unwrap(), cats);
        let mnist = serde_json::to_string(&on(Origin::dataset("mnist"), 1, 28, 1)).unwrap();
        assert_eq!(mnist, r#"{"dataset":"mnist","images":1,"size":28,"channels":1}"#);
    }
}
