//! Writes a set of coloured shapes to train on as one's own images (README, "Your own images"):
//! `cargo run -p began --example shapes -- DIR [N]` writes N (default 2,000) 48×48 PNGs of a disc,
//! a square or a ring, each in one of six hues, at a random place and size on a dark ground.
use began::rng::rng_for;
use rand::RngExt;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: shapes DIR [N]"));
    let n: usize = args.next().map_or(2000, |n| n.parse().expect("N must be a whole number"));
    std::fs::create_dir_all(&dir).unwrap();
    let hues = [[230, 60, 50], [60, 190, 80], [60, 100, 230], [240, 200, 50], [200, 80, 210], [60, 200, 210]];
    for i in 0..n {
        let mut rng = rng_for(7, "shapes", i as u64);
        let (cx, cy) = (rng.random_range(16.0..32.0f32), rng.random_range(16.0..32.0f32));
        let r = rng.random_range(7.0..14.0f32);
        let (kind, hue) = (rng.random_range(0..3), hues[rng.random_range(0..hues.len())]);
        let image = image::RgbImage::from_fn(48, 48, |x, y| {
            let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
            let d = (dx * dx + dy * dy).sqrt();
            let inside = match kind {
                0 => d < r,
                1 => dx.abs() < r * 0.85 && dy.abs() < r * 0.85,
                _ => d < r && d > r * 0.55,
            };
            image::Rgb(if inside { hue } else { [16, 16, 24] })
        });
        image.save(dir.join(format!("shape{i:05}.png"))).unwrap();
    }
    eprintln!("wrote {n} shapes to {}", dir.display());
}
