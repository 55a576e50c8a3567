//! API stories. Every story runs on SQLite and on the harness's throwaway PostgreSQL.

mod accounts;
mod auctions;
mod audit;
mod authorization;
mod corpus;
mod exports;
mod finance;
mod hardening;
mod helpers;
mod input;
mod market;
mod openapi;
mod pages;
mod passwords;
mod plots;
mod project_import;
mod projects;
mod publicity;
mod reference;
mod rules;
mod scheduler;
mod serials;
mod stock;
mod upgrade;
mod uses;
mod verify;
