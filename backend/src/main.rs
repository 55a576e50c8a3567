//! `quota-exchange`: the server and its operator commands (docs/ARCHITECTURE.md). Thin: the
//! command line is parsed here (clap), everything it runs lives in the library, and every
//! failure ends here as one line naming what to fix, exit code 2.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use quota_backend::app::Application;
use quota_backend::config::{FileSettings, GivenSettings, Settings};
use quota_backend::store::{Database, Store};
use quota_backend::{accounts, demo, telemetry, with_store};
use quota_shared::api::Role;

/// mimalloc gives freed memory back to the system within milliseconds. With glibc's malloc a
/// login's argon2 block (19 MiB) raised the threshold below which memory is kept after
/// `free`, and every later block stayed resident: 98–177 MB under the purchase load against
/// 41 MB without that effect (docs/benchmarks.md, 2026-12-07).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 增减挂钩节余指标交易平台 / Quota Exchange.
#[derive(Debug, Parser)]
#[command(name = "quota-exchange", version)]
struct Cli {
    /// 设置文件（TOML，可选）/ a settings file (TOML, optional); flags and the environment win
    #[arg(long, global = true, env = "QX_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,

    /// 数据库 / database: sqlite://PATH 或 / or postgres://USER:PASSWORD@HOST:PORT/DB
    /// [default: sqlite://data/quota-exchange.db]
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,

    /// 监听地址 / listen address, HOST:PORT (serve) [default: 127.0.0.1:8080]
    #[arg(long, global = true, env = "QX_ADDR")]
    addr: Option<String>,

    /// 网页文件目录 / the built web app (serve) [default: frontend/dist]
    #[arg(long, global = true, env = "QX_STATIC_DIR")]
    static_dir: Option<PathBuf>,

    /// 会话闲置多少分钟后失效 / minutes without a request before a session lapses [default: 30]
    #[arg(long, global = true, env = "QX_SESSION_IDLE_MINUTES")]
    session_idle_minutes: Option<String>,

    /// 会话最长小时数 / hours a session lasts at most [default: 12]
    #[arg(long, global = true, env = "QX_SESSION_LIFETIME_HOURS")]
    session_lifetime_hours: Option<String>,

    /// 竞得或购买后付款期限（天）/ days to pay after a purchase or an award [default: 15]
    #[arg(long, global = true, env = "QX_RESERVATION_DAYS")]
    reservation_days: Option<String>,

    /// 竞买保证金比例（%）/ deposit percentage of a lot's start total [default: 10]
    #[arg(long, global = true, env = "QX_DEPOSIT_PERCENT")]
    deposit_percent: Option<String>,

    /// 出价上限（元/亩）/ the highest yuan per mu a bid may come to [default: 100000000]
    #[arg(long, global = true, env = "QX_BID_CEILING_PER_MU")]
    bid_ceiling_per_mu: Option<String>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 显示有效设置及来源（密码隐藏）/ print the effective settings and where each came from (passwords hidden)
    Config,
    /// 启动服务（默认命令）/ run the server (the default command)
    Serve,
    /// 建表并载入参考数据 / apply the schema and load the reference data
    Migrate,
    /// 载入演示数据（仅一次）/ load the demo data set once
    Demo,
    /// SQLite 在线一致备份 / a consistent SQLite copy while the server runs
    Backup {
        /// 备份文件（不得已存在）/ the copy to write (must not exist yet)
        #[arg(long)]
        to: PathBuf,
    },
    /// 从 backup --to 的备份恢复到一个新的 SQLite 数据库（不覆盖已有的），并校验 / restore a
    /// `backup --to` copy as a new SQLite database (never over an existing one), then verify it
    Restore {
        /// 备份文件 / the backup file
        #[arg(long)]
        from: PathBuf,
    },
    /// 审计日志 / the audit log
    #[command(subcommand)]
    Audit(AuditCommand),
    /// 账号 / accounts
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// 校验审计链，断裂时非零退出并指出第一条 / check the chain; exit non-zero naming the first broken record
    Verify {
        /// 与此前导出的锚点比对（发现截断或改写）/ also compare with an anchor written earlier (catches truncation and rewriting)
        #[arg(long, value_name = "FILE")]
        anchor: Option<PathBuf>,
    },
    /// 导出各链的链头（JSON）作为锚点，请保存在数据库之外 / print every stream's head as JSON, an anchor to keep outside the database
    Anchor,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// 新建账号，密码从标准输入读取 / add an account, the password read from standard input
    Add {
        /// 用户名 / username
        #[arg(long)]
        username: String,
        /// 角色 / role: admin, county_bureau, buyer, finance, supervisor（监督：只读）
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// 县级自然资源局所属区划代码 / the county of a county_bureau account, e.g. 450422
        #[arg(long)]
        county: Option<String>,
        /// 自治区平台竞买人（R11）/ may bid on regional lots (R11; buyers only)
        #[arg(long)]
        regional_bidder: bool,
        /// 从标准输入读取密码（末尾一个换行会去掉）/ read the password from standard input
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    accounts::parse_role(s)
}

fn main() -> ExitCode {
    let format = match telemetry::LogFormat::from_env() {
        Ok(format) => format,
        Err(message) => {
            eprintln!("quota-exchange: {message}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(format);
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("quota-exchange: 无法启动异步运行时 / cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("quota-exchange: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let file = match &cli.config {
        Some(path) => FileSettings::read(path)?,
        None => FileSettings::default(),
    };
    // An empty variable (`DATABASE_URL=`) counts as not given.
    let present = |v: Option<String>| v.filter(|t| !t.trim().is_empty());
    let given = GivenSettings {
        database_url: present(cli.database_url),
        addr: present(cli.addr),
        static_dir: cli.static_dir.filter(|p| !p.as_os_str().is_empty()),
        session_idle_minutes: present(cli.session_idle_minutes),
        session_lifetime_hours: present(cli.session_lifetime_hours),
        reservation_days: present(cli.reservation_days),
        deposit_percent: present(cli.deposit_percent),
        bid_ceiling_per_mu: present(cli.bid_ceiling_per_mu),
    };
    let (settings, shown) = Settings::resolve(given, file)?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Config => {
            println!("有效设置（来源）/ effective settings (source):");
            if let Some(path) = &cli.config {
                println!("  settings file: {}", path.display());
            }
            for (name, value, source) in shown {
                println!("  {name} = {value}  [{}]", source.label());
            }
            Ok(())
        }
        Command::Serve => {
            let app = Application::build(&settings)
                .await
                .map_err(|e| e.to_string())?;
            // Tests and scripts read this line to learn the real port.
            println!("listening on http://{}", app.addr());
            app.run_until_stopped()
                .await
                .map_err(|e| format!("服务异常退出 / the server stopped: {e}"))
        }
        Command::Migrate => {
            let db = connect(&settings).await?;
            db.migrate().await.map_err(|e| e.to_string())?;
            println!("数据库已迁移 / migrated ({})", settings.database.redacted());
            Ok(())
        }
        Command::Demo => {
            let db = connect(&settings).await?;
            db.migrate().await.map_err(|e| e.to_string())?;
            let now = settings.clock.now();
            let outcome = with_store!(&db, s => demo::load(s, now).await)
                .map_err(|e| format!("演示数据载入失败 / loading the demo data failed: {e}"))?;
            match outcome {
                demo::DemoOutcome::Loaded => println!("演示数据已载入 / demo data loaded"),
                demo::DemoOutcome::AlreadyPresent => {
                    println!("演示数据已存在，未重复载入 / demo data already present")
                }
                demo::DemoOutcome::Refused { accounts, listings } => {
                    return Err(format!(
                        "数据库已有 {accounts} 个账号、{listings} 个挂牌，演示数据只载入空数据库（演示账号的密码是公开的），未做任何改动；请把 DATABASE_URL 指向一个新的 SQLite 文件 / the database already holds {accounts} accounts and {listings} listings: demo data (accounts with a published password) goes only into an empty database, nothing was changed; point DATABASE_URL at a new SQLite file"
                    ));
                }
            }
            println!("演示账号（用户名 / 密码）/ demo logins (username / password):");
            for line in demo::login_lines() {
                println!("{line}");
            }
            Ok(())
        }
        Command::Backup { to } => {
            let db = connect(&settings).await?;
            db.backup_to(&to).await?;
            println!("已备份到 / backed up to {}", to.display());
            Ok(())
        }
        Command::Restore { from } => {
            let db = Database::restore_from(&settings.database, &from).await?;
            let target = settings.database.redacted();
            let checked = async {
                db.migrate().await.map_err(|e| e.to_string())?;
                with_store!(&db, s => quota_backend::routes::audit::verify_audit(s).await)
                    .map_err(|e| format!("{e:?}"))
            }
            .await;
            match checked {
                Ok(v) if v.intact => {
                    println!(
                        "已从 {} 恢复到 {target}；审计校验通过（{} 条记录）/ restored from {} to {target}; audit verify intact ({} records)",
                        from.display(),
                        v.records,
                        from.display(),
                        v.records
                    );
                    Ok(())
                }
                other => {
                    drop(db);
                    if let Some(path) = settings.database.sqlite_path() {
                        for suffix in ["", "-wal", "-shm"] {
                            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                        }
                    }
                    let why = match other {
                        Ok(v) => v.broken.unwrap_or_default(),
                        Err(e) => e,
                    };
                    Err(format!(
                        "备份未通过审计校验，已撤销恢复 / the backup does not verify, the restore was undone: {why}"
                    ))
                }
            }
        }
        Command::Audit(AuditCommand::Anchor) => {
            let db = connect(&settings).await?;
            db.migrate().await.map_err(|e| e.to_string())?;
            let snapshot = with_store!(&db, s => s.audit_snapshot().await)
                .map_err(|e| format!("无法读取审计日志 / cannot read the audit log: {e:?}"))?;
            let anchor = quota_backend::audit::anchor_of(&snapshot.heads);
            println!(
                "{}",
                serde_json::to_string_pretty(&anchor).map_err(|e| e.to_string())?
            );
            Ok(())
        }
        Command::Audit(AuditCommand::Verify { anchor }) => {
            let anchor = match anchor {
                None => None,
                Some(path) => {
                    let text = std::fs::read_to_string(&path).map_err(|e| {
                        format!(
                            "无法读取锚点文件 / cannot read the anchor file {}: {e}",
                            path.display()
                        )
                    })?;
                    Some(
                        serde_json::from_str::<Vec<quota_backend::audit::AnchorHead>>(&text)
                            .map_err(|e| {
                                format!(
                                    "锚点文件不是 `audit anchor` 的输出 / the anchor file is not the output of `audit anchor` ({}): {e}",
                                    path.display()
                                )
                            })?,
                    )
                }
            };
            let db = connect(&settings).await?;
            db.migrate().await.map_err(|e| e.to_string())?;
            let v = with_store!(&db, s => quota_backend::routes::audit::verify_audit_with(s, anchor.as_deref()).await)
                .map_err(|e| format!("无法读取审计日志 / cannot read the audit log: {e:?}"))?;
            match v.broken {
                None => {
                    println!(
                        "审计链完整 / audit chain intact: {} 条记录 / records",
                        v.records
                    );
                    Ok(())
                }
                Some(broken) => Err(broken),
            }
        }
        Command::User(UserCommand::Add {
            username,
            role,
            county,
            regional_bidder,
            password_stdin: _,
        }) => {
            let mut password = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut password)
                .map_err(|e| format!("无法读取标准输入 / cannot read standard input: {e}"))?;
            let password = accounts::strip_one_newline(password);
            let db = connect(&settings).await?;
            db.migrate().await.map_err(|e| e.to_string())?;
            let spec = accounts::AccountSpec {
                username: &username,
                password: &password,
                role,
                county: county.as_deref(),
                regional_bidder,
                organisation_id: None,
            };
            let now = settings.clock.now();
            with_store!(&db, s => accounts::add_user(s, spec, "cli", now).await)?;
            println!("已创建账号 / created {username} ({})", role.label_zh());
            Ok(())
        }
    }
}

async fn connect(settings: &Settings) -> Result<Database, String> {
    Database::connect(&settings.database)
        .await
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn every_command_has_help_and_the_definition_is_consistent() {
        Cli::command().debug_assert();
        for path in [
            vec!["quota-exchange", "--help"],
            vec!["quota-exchange", "serve", "--help"],
            vec!["quota-exchange", "user", "add", "--help"],
            vec!["quota-exchange", "audit", "verify", "--help"],
            vec!["quota-exchange", "backup", "--help"],
        ] {
            let err = Cli::try_parse_from(&path).expect_err("help exits");
            assert_eq!(err.kind(), clap::error::ErrorKind::DisplayHelp, "{path:?}");
            assert!(err.to_string().contains('/'), "bilingual help: {err}");
        }
    }

    #[test]
    fn roles_and_flags_are_parsed_and_a_missing_command_means_serve() {
        let cli = Cli::try_parse_from([
            "quota-exchange",
            "user",
            "add",
            "--username",
            "teng",
            "--role",
            "county_bureau",
            "--county",
            "450422",
            "--password-stdin",
        ])
        .expect("parses");
        assert!(matches!(
            cli.command,
            Some(Command::User(UserCommand::Add {
                role: Role::CountyBureau,
                ..
            }))
        ));
        let err = Cli::try_parse_from([
            "quota-exchange",
            "user",
            "add",
            "--username",
            "x",
            "--role",
            "emperor",
            "--password-stdin",
        ])
        .expect_err("unknown role");
        assert!(err.to_string().contains("county_bureau"), "{err}");
        assert!(
            Cli::try_parse_from(["quota-exchange"])
                .expect("parses")
                .command
                .is_none()
        );
    }
}
