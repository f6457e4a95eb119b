//! The IDX reader (`Images::from_idx`): an images file and a labels file, each raw or gzip'd,
//! as `began train`, the page's worker and the quality judge read them. Whatever the bytes, it
//! returns images whose sizes agree, or an error; never a panic or an unbounded allocation.
#![no_main]

use began::data::Images;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (images, labels) = began_fuzz::two_files(data);
    if let Ok(parsed) = Images::from_idx("fuzz", images, labels) {
        assert_eq!(parsed.pixels.len(), parsed.len() * parsed.rows * parsed.cols);
        assert!(parsed.rows > 0 && parsed.cols > 0);
    }
});
