//! API stories. Every story runs on SQLite and on the harness's throwaway PostgreSQL.

mod auctions;
mod audit;
mod finance;
mod helpers;
mod market;
mod openapi;
mod reference;
mod scheduler;
