//! The demo projects' plots (复垦地块): a few scattered former homestead plots near each
//! project's village, drawn so that their geodesic areas add up to the reclaimed area — except
//! the registered 古龙 project, whose plots come to about an eighth more than its planned area,
//! so the register shows a flagged project. Each upload goes through the same parse, area
//! computation and audit as a bureau's.

use quota_shared::api::Project;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::values::bad;
use crate::store::{Store, StoreError};

/// (备案号, longitude and latitude near the village, plots' area against the claimed area)
const PLACES: [(&str, f64, f64, f64); 7] = [
    ("450422-2021-0007", 110.781, 23.602, 1.0),
    ("450422-2025-0003", 110.662, 23.497, 1.12),
    ("450423-2022-0012", 110.452, 24.251, 1.0),
    ("450423-2020-0031", 110.603, 24.097, 1.0),
    ("450421-2023-0004", 111.348, 23.752, 1.0),
    ("451321-2020-0031", 108.748, 24.151, 1.0),
    ("451081-2021-0028", 106.421, 23.132, 1.0),
];

/// Square metres in one 亩.
const M2_PER_MU: f64 = 10_000.0 / 15.0;

/// Uploads the demo plots of every demo project, as its bureau.
pub(super) async fn load<S: Store>(
    store: &S,
    projects: &[Project],
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    for (seed, (number, lon, lat, ratio)) in (1..).zip(PLACES) {
        let p = projects
            .iter()
            .find(|p| p.registration_no == number)
            .ok_or_else(|| bad(format!("no demo project {number}")))?;
        let reclaimed_m2 = p.reclaimed_mu.e4() as f64 / 10_000.0 * M2_PER_MU * ratio;
        let place = if p.village.is_empty() {
            &p.township
        } else {
            &p.village
        };
        let geojson = collection(place, lon, lat, reclaimed_m2, seed);
        let plots = crate::plots::parse(&geojson).map_err(|e| bad(e.en))?;
        if !store
            .replace_plots(p.id, &plots, &p.created_by, now)
            .await?
        {
            return Err(bad(format!("demo plots of {number}")));
        }
    }
    Ok(())
}

/// A few irregular plots around (lon, lat) adding up to `total_m2`, the same for the same seed.
fn collection(place: &str, lon: f64, lat: f64, total_m2: f64, seed: u64) -> Value {
    let mut random = Lcg(seed.wrapping_mul(2_654_435_761) | 1);
    let count = ((total_m2 / M2_PER_MU / 4.0).round() as usize).clamp(2, 10);
    // Uneven shares: each plot between half and one and a half times the mean.
    let weights: Vec<f64> = (0..count).map(|_| 0.5 + random.next()).collect();
    let sum: f64 = weights.iter().sum();
    let metres_per_lon = 111_320.0 * lat.to_radians().cos();
    let features: Vec<Value> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let target = total_m2 * w / sum;
            // On a loose grid 160 m apart, nudged so it does not look like one.
            let east = (i % 4) as f64 * 160.0 + random.next() * 40.0;
            let north = (i / 4) as f64 * 160.0 + random.next() * 40.0;
            let sides = 5 + (random.next() * 3.0) as usize;
            let radii: Vec<f64> = (0..sides).map(|_| 0.75 + random.next() * 0.5).collect();
            let angle = |j: usize| std::f64::consts::TAU * j as f64 / sides as f64;
            // The shape's planar area at radius 1, to scale it to its share.
            let unit: f64 = (0..sides)
                .map(|j| 0.5 * radii[j] * radii[(j + 1) % sides] * (angle(1)).sin())
                .sum();
            let r = (target / unit).sqrt();
            let mut ring: Vec<Value> = (0..sides)
                .map(|j| {
                    let (x, y) = (
                        east + r * radii[j] * angle(j).cos(),
                        north + r * radii[j] * angle(j).sin(),
                    );
                    json!([
                        round7(lon + x / metres_per_lon),
                        round7(lat + y / 110_574.0)
                    ])
                })
                .collect();
            ring.push(ring[0].clone());
            json!({"type": "Feature", "properties": {"name": format!("{place}{}号地块", i + 1)},
                "geometry": {"type": "Polygon", "coordinates": [ring]}})
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// Degrees to 7 decimals (about a centimetre), as survey files carry them.
fn round7(degrees: f64) -> f64 {
    (degrees * 1e7).round() / 1e7
}

/// A small deterministic generator (the demo is the same every time).
struct Lcg(u64);

impl Lcg {
    /// The next number in [0, 1).
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}
