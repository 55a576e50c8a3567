//! Plot boundaries of a reclamation project (复垦地块): GeoJSON in WGS 84 or CGCS2000
//! longitude/latitude (the two agree to centimetres), each plot's area computed on the
//! ellipsoid (geodesic, as `geographiclib` does it) and given in 亩 to 4 decimals. A project
//! whose plots add up to more than [`TOLERANCE_PERCENT`] away from its reclaimed area is
//! flagged. Coordinates are measurements, not money or quantities: they are doubles, and only
//! the computed area becomes an exact [`Area`].

use geographiclib_rs::{Geodesic, PolygonArea, Winding};
use quota_shared::Area;
use serde_json::Value;

pub use quota_shared::api::PLOTS_TOLERANCE_PERCENT as TOLERANCE_PERCENT;
/// Most plots per project, and positions in all of them.
pub const PLOTS_MAX: usize = 500;
pub const POSITIONS_MAX: usize = 100_000;
/// Longest plot name, in characters.
pub const NAME_MAX: usize = 60;
/// Square metres in one 亩 (1 亩 = 10,000/15 m²).
const M2_PER_MU: f64 = 10_000.0 / 15.0;

/// One plot: its name (the feature's `name` property, or its number) and its rings (the outer
/// boundary, then any holes), each as (longitude, latitude) positions.
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    pub name: String,
    pub polygons: Vec<Vec<Vec<(f64, f64)>>>,
    pub area: Area,
}

/// What is wrong with an upload: the feature (from 1) and why, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotError {
    pub zh: String,
    pub en: String,
}

fn bad(zh: impl Into<String>, en: impl Into<String>) -> PlotError {
    PlotError {
        zh: zh.into(),
        en: en.into(),
    }
}

/// The plots of a GeoJSON `FeatureCollection`, `Feature`, `Polygon` or `MultiPolygon`.
pub fn parse(geojson: &Value) -> Result<Vec<Plot>, PlotError> {
    let features: Vec<(Option<String>, &Value)> = match geojson["type"].as_str() {
        Some("FeatureCollection") => geojson["features"]
            .as_array()
            .ok_or_else(|| {
                bad(
                    "FeatureCollection 缺少 features",
                    "A FeatureCollection needs its features",
                )
            })?
            .iter()
            .map(|f| {
                (
                    f["properties"]["name"].as_str().map(str::to_string),
                    &f["geometry"],
                )
            })
            .collect(),
        Some("Feature") => vec![(
            geojson["properties"]["name"].as_str().map(str::to_string),
            &geojson["geometry"],
        )],
        Some("Polygon" | "MultiPolygon") => vec![(None, geojson)],
        _ => {
            return Err(bad(
                "不是 GeoJSON：须为 FeatureCollection、Feature、Polygon 或 MultiPolygon",
                "Not GeoJSON: a FeatureCollection, Feature, Polygon or MultiPolygon",
            ));
        }
    };
    if features.is_empty() {
        return Err(bad("没有地块", "No plots"));
    }
    if features.len() > PLOTS_MAX {
        return Err(bad(
            format!("地块最多 {PLOTS_MAX} 个，文件中有 {} 个", features.len()),
            format!("At most {PLOTS_MAX} plots; the file has {}", features.len()),
        ));
    }
    let mut positions = 0usize;
    let mut plots = Vec::with_capacity(features.len());
    let mut total = Area::ZERO;
    for (n, (name, geometry)) in features.into_iter().enumerate() {
        let n = n + 1;
        let polygons: Vec<&Value> = match geometry["type"].as_str() {
            Some("Polygon") => vec![&geometry["coordinates"]],
            Some("MultiPolygon") => geometry["coordinates"]
                .as_array()
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
            _ => {
                return Err(bad(
                    format!("第 {n} 个地块不是面（Polygon 或 MultiPolygon）"),
                    format!("Plot {n} is not a Polygon or MultiPolygon"),
                ));
            }
        };
        let mut rings_of = Vec::new();
        for polygon in polygons {
            let mut rings = Vec::new();
            for ring in polygon.as_array().into_iter().flatten() {
                let mut points = Vec::new();
                for p in ring.as_array().into_iter().flatten() {
                    let (Some(lon), Some(lat)) = (p[0].as_f64(), p[1].as_f64()) else {
                        return Err(bad(
                            format!("第 {n} 个地块有不是数字的坐标"),
                            format!("Plot {n} has a coordinate that is not a number"),
                        ));
                    };
                    // Projected coordinates (metres, e.g. CGCS2000 3° Gauss–Krüger) are far
                    // outside these bounds: said plainly, as it is the common mistake.
                    if !(73.0..=136.0).contains(&lon) || !(3.0..=54.0).contains(&lat) {
                        return Err(bad(
                            format!(
                                "第 {n} 个地块的坐标（{lon}, {lat}）不在中国境内：请使用 WGS84 或 CGCS2000 经纬度（度），不是投影坐标（米）"
                            ),
                            format!(
                                "Plot {n} has a position ({lon}, {lat}) outside China: use WGS 84 or CGCS2000 longitude/latitude in degrees, not projected metres"
                            ),
                        ));
                    }
                    points.push((lon, lat));
                }
                positions += points.len();
                if positions > POSITIONS_MAX {
                    return Err(bad(
                        format!("坐标点最多 {POSITIONS_MAX} 个"),
                        format!("At most {POSITIONS_MAX} positions"),
                    ));
                }
                if points.len() < 4 || points.first() != points.last() {
                    return Err(bad(
                        format!("第 {n} 个地块的边界未闭合：首尾坐标须相同，且至少 4 个点"),
                        format!(
                            "Plot {n} has a ring that is not closed: the first and last positions must be the same, at least 4 in all"
                        ),
                    ));
                }
                rings.push(points);
            }
            if rings.is_empty() {
                return Err(bad(
                    format!("第 {n} 个地块没有边界"),
                    format!("Plot {n} has no boundary"),
                ));
            }
            rings_of.push(rings);
        }
        if rings_of.is_empty() {
            return Err(bad(
                format!("第 {n} 个地块没有边界"),
                format!("Plot {n} has no boundary"),
            ));
        }
        let name = name.map(|s| s.trim().to_string()).unwrap_or_default();
        if name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
            return Err(bad(
                format!("第 {n} 个地块的名称须为一行、最多 {NAME_MAX} 个字"),
                format!("Plot {n}'s name must be one line of at most {NAME_MAX} characters"),
            ));
        }
        let m2: f64 = rings_of.iter().map(|rings| polygon_m2(rings)).sum();
        // Far larger than any reclaimed plot: most likely a township's boundary.
        let too_large = || {
            bad(
                format!(
                    "第 {n} 个地块（或地块合计）面积超出上限：请确认上传的是复垦地块，不是乡镇或村的边界"
                ),
                format!(
                    "Plot {n} (or the plots together) is larger than any area the platform takes: upload the reclaimed plots, not a township's or village's boundary"
                ),
            )
        };
        let area =
            Area::from_e4((m2 / M2_PER_MU * 10_000.0).round() as i64).map_err(|_| too_large())?;
        total = total.checked_add(area).map_err(|_| too_large())?;
        plots.push(Plot {
            name: if name.is_empty() {
                format!("地块{n}")
            } else {
                name
            },
            polygons: rings_of,
            area,
        });
    }
    Ok(plots)
}

/// The area of one polygon on the WGS 84 ellipsoid, in square metres: its outer ring less its
/// holes, whichever way each ring winds.
fn polygon_m2(rings: &[Vec<(f64, f64)>]) -> f64 {
    let ring_m2 = |ring: &Vec<(f64, f64)>| {
        let g = Geodesic::wgs84();
        let mut p = PolygonArea::new(&g, Winding::CounterClockwise);
        // The last position repeats the first: the polygon closes itself.
        for &(lon, lat) in &ring[..ring.len() - 1] {
            p.add_point(lat, lon);
        }
        let (_, area, _) = p.compute(true);
        area.abs()
    };
    let outer = rings.first().map_or(0.0, ring_m2);
    let holes: f64 = rings.iter().skip(1).map(ring_m2).sum();
    (outer - holes).max(0.0)
}

/// Whether plots adding up to `plots` are more than the tolerance away from `reclaimed`.
pub fn off_by_more_than_tolerance(plots: Area, reclaimed: Area) -> bool {
    let (p, r) = (i128::from(plots.e4()), i128::from(reclaimed.e4()));
    (p - r).abs() * 100 > r * i128::from(TOLERANCE_PERCENT)
}

/// A plot's polygons as stored and sent: GeoJSON coordinates.
pub fn coordinates(plot: &Plot) -> Vec<Vec<Vec<Vec<f64>>>> {
    plot.polygons
        .iter()
        .map(|rings| {
            rings
                .iter()
                .map(|ring| ring.iter().map(|&(lon, lat)| vec![lon, lat]).collect())
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A rectangle of about `east` × `north` metres with its south-west corner at (lon, lat).
    fn rectangle(lon: f64, lat: f64, east: f64, north: f64) -> Vec<[f64; 2]> {
        let dlat = north / 110_574.0;
        let dlon = east / (111_320.0 * lat.to_radians().cos());
        vec![
            [lon, lat],
            [lon + dlon, lat],
            [lon + dlon, lat + dlat],
            [lon, lat + dlat],
            [lon, lat],
        ]
    }

    #[test]
    fn a_plot_of_a_hundred_metres_square_is_fifteen_mu_whichever_way_it_winds() {
        let ring = rectangle(110.9, 23.4, 100.0, 100.0);
        let plots = parse(&json!({"type": "Polygon", "coordinates": [ring]})).expect("plot");
        let mu = plots[0].area.e4() as f64 / 10_000.0;
        assert!((mu - 15.0).abs() < 0.1, "{mu}");
        let reversed: Vec<[f64; 2]> = ring.iter().rev().copied().collect();
        let again = parse(&json!({"type": "Polygon", "coordinates": [reversed]})).expect("plot");
        assert_eq!(again[0].area, plots[0].area);
        // A hole of a quarter of it is not counted.
        let hole = rectangle(110.9001, 23.4001, 50.0, 50.0);
        let holed = parse(
            &json!({"type": "Feature", "properties": {"name": "一号地块"},
            "geometry": {"type": "Polygon", "coordinates": [ring, hole]}}),
        )
        .expect("plot");
        assert_eq!(holed[0].name, "一号地块");
        let holed_mu = holed[0].area.e4() as f64 / 10_000.0;
        assert!((holed_mu - 11.25).abs() < 0.1, "{holed_mu}");
    }

    #[test]
    fn projected_metres_open_rings_and_other_mistakes_are_named() {
        let projected = json!({"type": "Polygon", "coordinates": [[[37_500_000.0, 2_590_000.0], [37_500_100.0, 2_590_000.0],
            [37_500_100.0, 2_590_100.0], [37_500_000.0, 2_590_000.0]]]});
        assert!(
            parse(&projected)
                .expect_err("projected")
                .zh
                .contains("投影坐标")
        );
        let open = json!({"type": "Polygon", "coordinates": [[[110.9, 23.4], [110.91, 23.4], [110.91, 23.41], [110.9, 23.41]]]});
        assert!(parse(&open).expect_err("open").zh.contains("未闭合"));
        assert!(parse(&json!({"type": "Point", "coordinates": [110.9, 23.4]})).is_err());
        assert!(parse(&json!({"type": "FeatureCollection", "features": []})).is_err());
        let line = json!({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
            "geometry": {"type": "LineString", "coordinates": [[110.9, 23.4], [110.91, 23.4]]}}]});
        assert!(parse(&line).expect_err("line").zh.contains("第 1 个地块"));
        let empty = json!({"type": "MultiPolygon", "coordinates": []});
        assert!(parse(&empty).expect_err("empty").zh.contains("没有边界"));
        assert!(parse(&json!({"type": "MultiPolygon"})).is_err());
        // Two township-sized squares: each may pass, together they are refused, by name.
        let big = |lon: f64| {
            json!({"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
                "coordinates": [[[lon, 23.0], [lon + 0.6, 23.0], [lon + 0.6, 23.6], [lon, 23.6], [lon, 23.0]]]}})
        };
        let township = json!({"type": "FeatureCollection", "features": [big(110.0), big(111.0)]});
        assert!(parse(&township).expect_err("township").zh.contains("乡镇"));
        let ring = rectangle(110.9, 23.4, 100.0, 100.0);
        let long = json!({"type": "Feature", "properties": {"name": "地".repeat(NAME_MAX + 1)},
            "geometry": {"type": "Polygon", "coordinates": [ring]}});
        assert!(parse(&long).expect_err("long").zh.contains("名称"));
        let unnamed = json!({"type": "Feature", "properties": {"name": "  "},
            "geometry": {"type": "Polygon", "coordinates": [ring]}});
        assert_eq!(parse(&unnamed).expect("plot")[0].name, "地块1");
    }

    #[test]
    fn the_tolerance_is_five_percent_of_the_reclaimed_area() {
        let a = |s: &str| s.parse::<Area>().expect("area");
        assert!(!off_by_more_than_tolerance(a("31.5"), a("30")));
        assert!(off_by_more_than_tolerance(a("31.5001"), a("30")));
        assert!(off_by_more_than_tolerance(a("28.4999"), a("30")));
        assert!(!off_by_more_than_tolerance(a("28.5"), a("30")));
    }
}
