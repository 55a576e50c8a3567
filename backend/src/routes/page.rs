//! Paged lists (docs/API-DESIGN.md, "Pagination"): every list route takes `?limit=` (default
//! [`DEFAULT_LIMIT`], at most [`MAX_LIMIT`]) and `?cursor=` (opaque: the position of the last
//! item of the page before), and answers `next_cursor` beside its plural wrapper, `null` on
//! the last page.
//!
//! A position is a pair — a time in nanoseconds and an id — compared, not looked up: an item
//! that changes state or leaves a filtered list between two pages never breaks the next page,
//! and no item is shown twice. Listings and purchases, the lists that grow with use, are read
//! a page at a time in SQL (keyset on an index); the shorter lists are cut here.

use quota_shared::codes::ErrorCode;
use serde::Deserialize;
use time::OffsetDateTime;

use crate::error::ApiError;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;

fn bad_cursor() -> ApiError {
    ApiError::invalid(
        "cursor",
        ErrorCode::InvalidFilter,
        "翻页标记 cursor 无效：请使用上一页答复中的 next_cursor，或去掉它从第一页读起",
        "The cursor is not valid: pass the next_cursor of the page before, or leave it out to start from the first page",
    )
}

/// 422 `invalid_filter` naming a list filter and the value it was given.
pub fn bad_filter(field: &str, value: &str) -> ApiError {
    ApiError::invalid(
        field,
        ErrorCode::InvalidFilter,
        format!("筛选条件 {field}={value} 无效"),
        format!("Invalid filter {field}={value}"),
    )
}

/// `?limit=&cursor=`, for list routes that take nothing else.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 每页条数，默认 50，最多 500 / items per page, default 50, at most 500
    pub limit: Option<u32>,
    /// 上一页答复中的 next_cursor / the next_cursor of the page before
    pub cursor: Option<String>,
}

/// Where a list is read from, in which direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Newest first.
    Descending,
    /// Oldest first.
    Ascending,
}

/// An item's place in its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub at_ns: i128,
    pub id: i64,
}

impl Position {
    /// For lists ordered by id alone.
    pub fn id(id: i64) -> Self {
        Self { at_ns: 0, id }
    }

    /// For lists ordered by a time, ties broken by id.
    pub fn at(at: OffsetDateTime, id: i64) -> Self {
        Self {
            at_ns: at.unix_timestamp_nanos(),
            id,
        }
    }

    fn encode(self) -> String {
        format!("{}.{}", self.at_ns, self.id)
    }

    fn decode(text: &str) -> Option<Self> {
        let (at, id) = text.split_once('.')?;
        Some(Self {
            at_ns: at.parse().ok()?,
            id: id.parse().ok()?,
        })
    }
}

/// A checked `limit` and `cursor`.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    limit: usize,
    after: Option<Position>,
}

impl Default for Page {
    /// The first page at the default size.
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT as usize,
            after: None,
        }
    }
}

impl Page {
    /// 422 `invalid_filter` naming `limit` or `cursor` when either is unusable.
    pub fn parse(limit: Option<u32>, cursor: Option<&str>) -> Result<Self, ApiError> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::invalid(
                "limit",
                ErrorCode::InvalidFilter,
                format!("每页条数 limit={limit} 无效：应为 1 至 {MAX_LIMIT}"),
                format!("limit={limit} is out of range: use 1 to {MAX_LIMIT}"),
            ));
        }
        let after = match cursor {
            None => None,
            Some(text) => Some(Position::decode(text).ok_or_else(bad_cursor)?),
        };
        Ok(Self {
            limit: limit as usize,
            after,
        })
    }

    /// The rows a store should read for this page: one more than it shows, to know whether
    /// another page follows.
    pub fn read_limit(&self) -> usize {
        self.limit + 1
    }

    /// Where the page starts, as a time and an id (lists ordered by a time).
    pub fn after_time(&self) -> Result<Option<(OffsetDateTime, i64)>, ApiError> {
        self.after
            .map(|p| {
                OffsetDateTime::from_unix_timestamp_nanos(p.at_ns)
                    .map(|t| (t, p.id))
                    .map_err(|_| bad_cursor())
            })
            .transpose()
    }

    /// Where the page starts, as an id (lists ordered by id).
    pub fn after_id(&self) -> Option<i64> {
        self.after.map(|p| p.id)
    }

    /// From the parameters of [`PageQuery`].
    pub fn of(q: &PageQuery) -> Result<Self, ApiError> {
        Self::parse(q.limit, q.cursor.as_deref())
    }

    /// The page of `items` (already in `order`) that follows the cursor, and the cursor of the
    /// page after it when there is one.
    pub fn take<T>(
        self,
        items: impl IntoIterator<Item = T>,
        order: Order,
        position: impl Fn(&T) -> Position,
    ) -> (Vec<T>, Option<String>) {
        let follows = |p: Position| match (self.after, order) {
            (None, _) => true,
            (Some(a), Order::Descending) => p < a,
            (Some(a), Order::Ascending) => p > a,
        };
        let mut page = Vec::with_capacity(self.limit.min(64));
        let mut more = false;
        for item in items {
            if !follows(position(&item)) {
                continue;
            }
            if page.len() == self.limit {
                more = true;
                break;
            }
            page.push(item);
        }
        let next = if more {
            page.last().map(|last| position(last).encode())
        } else {
            None
        };
        (page, next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(ids: &[i64], order: Order, limit: u32) -> Vec<Vec<i64>> {
        let mut pages = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = Page::parse(Some(limit), cursor.as_deref()).unwrap();
            let (items, next) = page.take(ids.iter().copied(), order, |id| Position::id(*id));
            pages.push(items);
            match next {
                Some(c) => cursor = Some(c),
                None => return pages,
            }
        }
    }

    #[test]
    fn pages_cover_every_item_once_in_either_order() {
        let desc: Vec<i64> = (1..=7).rev().collect();
        assert_eq!(
            walk(&desc, Order::Descending, 3),
            vec![vec![7, 6, 5], vec![4, 3, 2], vec![1]]
        );
        let asc: Vec<i64> = (1..=6).collect();
        assert_eq!(
            walk(&asc, Order::Ascending, 3),
            vec![vec![1, 2, 3], vec![4, 5, 6]]
        );
        assert_eq!(walk(&[], Order::Ascending, 3), vec![Vec::<i64>::new()]);
    }

    #[test]
    fn an_item_gone_between_pages_does_not_break_the_next() {
        let page = Page::parse(Some(2), None).unwrap();
        let (first, next) = page.take([9, 8, 7, 6], Order::Descending, |id| Position::id(*id));
        assert_eq!(first, vec![9, 8]);
        // 8 left the (filtered) list before the next page was asked for.
        let page = Page::parse(Some(2), next.as_deref()).unwrap();
        let (second, next) = page.take([9, 7, 6], Order::Descending, |id| Position::id(*id));
        assert_eq!((second, next), (vec![7, 6], None));
    }

    #[test]
    fn limits_and_cursors_outside_their_range_are_refused() {
        for limit in [0, MAX_LIMIT + 1, u32::MAX] {
            assert!(Page::parse(Some(limit), None).is_err(), "{limit}");
        }
        for cursor in [
            "",
            "abc",
            "1",
            "1.x",
            "x.1",
            "1.2.3",
            "99999999999999999999999999999999999999999.1",
        ] {
            assert!(Page::parse(None, Some(cursor)).is_err(), "{cursor}");
        }
        assert!(Page::parse(Some(MAX_LIMIT), Some("-5.3")).is_ok());
    }
}
